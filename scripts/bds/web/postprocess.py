"""QR codes for listing pages, drawn in another process while the engine builds the pages.

Drawing 5,000 QR codes takes seconds of CPU, so a worker process draws them on the other core;
the engine hands each built listing page to `QrJobs.fill` before writing it, which swaps the
placeholder for the code (no built file is read back or written twice). When the engine renders
its pages in several processes (engine.build_in_processes), those keep every core busy: each process
then draws the codes of its own pages as it renders them (`in_process=True`), no worker is started.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from .. import load, messages
from . import engine, model, qr
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


def _draw(batch: list[tuple[str, str, str]], drawn: dict[str, str] | None = None) -> dict[str, str]:
    drawn = drawn or {}
    return {
        where: qr.labelled(drawn[url], label) if url in drawn else qr.svg(url, label)
        for where, url, label in batch
    }


class QrJobs:
    def __init__(self, ctx: SiteContext, in_process: bool = False, drawn: dict[str, str] | None = None):
        """`drawn`: codes drawn beforehand (see `prefetch`), by URL."""
        jobs = _jobs(ctx)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[str, Future] = {}
        self.ready: dict[str, str] = {}
        self.later: dict[str, tuple[str, str, str]] = {}  # drawn when their page asks (in_process)
        self.drawn = drawn or {}
        if self.drawn:
            self.ready = _draw([job for job in jobs if job[1] in self.drawn], self.drawn)
            jobs = [job for job in jobs if job[1] not in self.drawn]
        if in_process:
            self.later = {job[0]: job for job in jobs}
            return
        if len(jobs) < IN_PROCESS_BELOW:
            self.ready.update(_draw(jobs))
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


def start_qr(ctx: SiteContext, in_process: bool = False, drawn: dict[str, str] | None = None) -> QrJobs:
    return QrJobs(ctx, in_process, drawn)


class Prefetch:
    """QR codes drawn in a forked process while the content is validated (one core does the rules, the
    other is free): for the listings the file names announce, at the address the territory file gives
    at first sight. A guess, keyed by the exact URL: a code whose URL differs is drawn later as usual."""

    def __init__(self, territory_file: Path, stems: list[str]):
        def draw() -> dict[str, str]:
            site_url = _site_url_guess(territory_file)
            urls = [model.absolute(site_url, model.listing_path(stem)) for stem in stems] if site_url else []
            return {url: qr.drawing(url) for url in urls}

        self.child: tuple[int, int] | None = engine.run_forked(draw)
        self.drawn: dict[str, str] = {}

    def result(self) -> dict[str, str]:
        """The codes by URL (waits for the process); {} if it failed: they are drawn later then."""
        if self.child is not None:
            child, self.child = self.child, None
            try:
                self.drawn = engine.collect_forked(child)
            except Exception:  # noqa: BLE001 - a guess that failed costs nothing but time
                self.drawn = {}
        return self.drawn

    def close(self) -> None:
        """Stop the process if nobody asked for its codes (the build stopped before)."""
        if self.child is not None:
            pid, read = self.child
            self.child = None
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(OSError):
                os.close(read)
                os.waitpid(pid, 0)


def _site_url_guess(territory_file: Path) -> str | None:
    """The address the territory file gives, read through the safe loader (never a symlink, a FIFO or an
    oversized file: `bds.load`); None when it cannot say: validation reports what is wrong with the file."""
    doc = load.load_path(territory_file, "content/territory.yml")
    if not isinstance(doc.data, dict):
        return None
    site_url = str(doc.data.get("site_url") or "http://127.0.0.1:8000/")
    return site_url if site_url.endswith("/") else site_url + "/"


def prefetch(project) -> Prefetch | None:
    """Start drawing the QR codes before validation (see Prefetch); None for a small or unreadable site."""
    try:
        stems = sorted(p.stem for p in project.opportunities_dir.iterdir() if p.suffix in (".yml", ".yaml"))
    except OSError:
        return None
    if len(stems) < IN_PROCESS_BELOW or not hasattr(os, "fork"):
        return None
    return Prefetch(project.territory_file, stems)
