"""After the engine: QR codes into listing pages.

Drawing 5,000 QR codes takes seconds of CPU, so a worker process draws them while the engine
builds the pages on the other core; here they replace a placeholder in each built listing page.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from . import model, qr
from .context import SiteContext
from .render import QR_PLACEHOLDER
from .text import esc

IN_PROCESS_BELOW = 300  # starting a process costs more than drawing a few hundred codes


def _jobs(ctx: SiteContext) -> list[tuple[str, str, str]]:
    out = []
    for listing in ctx.listings:
        path = model.listing_path(str(listing["id"]))
        out.append(
            (model.page_url(path), ctx.url(path), esc(f"Codice QR della pagina «{listing.get('title', '')}»"))
        )
    return out


def _draw(batch: list[tuple[str, str, str]]) -> dict[str, str]:
    return {where: qr.svg(url, label) for where, url, label in batch}


class QrJobs:
    def __init__(self, ctx: SiteContext):
        jobs = _jobs(ctx)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future] = []
        self.ready: dict[str, str] = {}
        if len(jobs) < IN_PROCESS_BELOW:
            self.ready = _draw(jobs)
            return
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        size = 500
        self.futures = [self.pool.submit(_draw, jobs[i : i + size]) for i in range(0, len(jobs), size)]

    def results(self) -> dict[str, str]:
        for future in self.futures:
            self.ready.update(future.result())
        self.close()
        return self.ready

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def start_qr(ctx: SiteContext) -> QrJobs:
    return QrJobs(ctx)


def finish(site: Path, ctx: SiteContext, jobs: QrJobs) -> None:
    marker = QR_PLACEHOLDER.encode()
    try:
        for where, svg in sorted(jobs.results().items()):
            target = site / where / "index.html"
            raw = target.read_bytes()
            head, found, tail = raw.rpartition(marker)
            if found:
                target.write_bytes(head + svg.encode("utf-8") + tail)
    finally:
        jobs.close()
