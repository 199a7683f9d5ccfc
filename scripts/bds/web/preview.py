"""The pages of the engine's own preview or build run on a project (not through `bds`).

The engine then reads a docs folder: its hook (web/engine.plain_preview) asks for the project's
pages written to a stable folder per project, rewriting only the pages that came out different, so
the engine's dirty rebuild redoes only those. `bds serve` itself keeps everything in memory instead
(web/live.py). Engine-free: what the engine's configuration gets is set in web/engine.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
from pathlib import Path

from ..content import Project
from . import generate, live
from .live import copyright_text

__all__ = ["copyright_text", "docs_dir_for", "write_preview"]


def docs_dir_for(project_root: Path) -> Path:
    """A stable preview folder per project, so live reload rewrites only changed pages."""
    key = hashlib.sha256(str(Path(project_root).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"bds-preview-{key}" / "docs"


def write_preview(
    project_root: Path, frame_extra: str = "", default_name: str = ""
) -> tuple[live.Site, Path]:
    """Generate the whole project into its preview folder; return the site and the folder.

    The rule: every call regenerates the pages' sources from the whole project, and only the sources
    that came out different are rewritten; the engine then rebuilds the pages whose source is newer
    than their output. What every page shows (menu, site name, footer, `frame_extra`: the engine's
    configuration) makes the frame: when it changes, every source is touched and every page rebuilt.
    """
    project = Project.find(Path(project_root))
    _result, generated = live.generate_all(project, dt.date.today())
    site = live.site_of(generated, default_name)
    docs = docs_dir_for(project.root)
    generate.write_docs(generated, docs, only_changed=True)
    _touch_all_if_frame_changed(docs, site.frame() + frame_extra)
    return site, docs


def _touch_all_if_frame_changed(docs: Path, frame: str) -> None:
    key = hashlib.sha256(frame.encode("utf-8")).hexdigest()
    stamp = docs.parent / "frame.sha256"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    now = time.time()
    for path in docs.rglob("*"):
        if path.is_file():
            os.utime(path, (now, now))
    stamp.write_text(key, encoding="utf-8")
