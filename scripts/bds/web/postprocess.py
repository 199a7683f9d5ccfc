"""QR codes for listing pages, drawn in another process while the engine builds the pages.

Drawing 5,000 QR codes takes seconds of CPU, so a worker process draws them on the other core;
the engine hands each built listing page to `QrJobs.fill` before writing it, which swaps the
placeholder for the code (no built file is read back or written twice). When the engine renders
its pages in several processes (engine.build_in_processes), those keep every core busy: each process
then draws the codes of its own pages as it renders them (`in_process=True`), no worker is started.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from .. import messages
from . import model, qr
from .context import SiteContext
from .engine import walk_order
from .render import QR_PLACEHOLDER
from .text import esc

IN_PROCESS_BELOW = 300  # starting a process costs more than drawing a few hundred codes
BATCH = 250


def _jobs(ctx: SiteContext) -> list[tuple[str, str, str]]:
    """(page source path, page URL, label), in the order the engine builds the pages."""
    out = []
    for listing in ctx.listings:
        path = model.listing_path(str(listing["id"]))
        label = messages.t("site.listing.qr_label", title=listing.get("title", ""))
        out.append((path, ctx.url(path), esc(label)))
    return sorted(out, key=lambda job: walk_order(job[0]))


def _draw(batch: list[tuple[str, str, str]]) -> dict[str, str]:
    return {where: qr.svg(url, label) for where, url, label in batch}


class QrJobs:
    def __init__(self, ctx: SiteContext, in_process: bool = False):
        jobs = _jobs(ctx)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[str, Future] = {}
        self.ready: dict[str, str] = {}
        self.later: dict[str, tuple[str, str, str]] = {}  # drawn when their page asks (in_process)
        if in_process:
            self.later = {job[0]: job for job in jobs}
            return
        if len(jobs) < IN_PROCESS_BELOW:
            self.ready = _draw(jobs)
            return
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        for i in range(0, len(jobs), BATCH):
            batch = jobs[i : i + BATCH]
            future = self.pool.submit(_draw, batch)
            self.pending.update((where, future) for where, _, _ in batch)

    def code(self, where: str) -> str | None:
        """The SVG for the page at source path `where` (waits for its batch), None if not a listing."""
        if where in self.later:
            return _draw([self.later[where]])[where]
        if where not in self.ready and where in self.pending:
            self.ready.update(self.pending[where].result())
        return self.ready.get(where)

    def fill(self, where: str, html: str) -> str:
        svg = self.code(where)
        if svg is None:
            return html
        head, found, tail = html.rpartition(QR_PLACEHOLDER)
        return head + svg + tail if found else html

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.pending = {}


def start_qr(ctx: SiteContext, in_process: bool = False) -> QrJobs:
    return QrJobs(ctx, in_process)
