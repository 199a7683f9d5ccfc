"""Live preview support: regenerate the docs folder for `bds serve` (called by the MkDocs hook)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from .. import messages, report
from .. import validate as validation
from ..content import Project
from . import generate
from .model import licence
from .text import esc


def docs_dir_for(project_root: Path) -> Path:
    """A stable preview folder per project, so live reload rewrites only changed pages."""
    key = hashlib.sha256(str(Path(project_root).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"bds-preview-{key}" / "docs"


def configure(config):
    root = os.environ.get("BDS_PROJECT_ROOT") or str(Path(config.config_file_path).parent)
    project = Project.find(Path(root))
    result = validation.run(project, today=dt.date.today())
    if result.errors:  # the preview still shows what is valid, and says what is not
        print(report.text(result.errors), file=sys.stderr)
    ctx = generate.context_from_content(result.content, dt.date.today())
    with messages.use(words=ctx.labels.words):
        generated = generate.run_providers(result.content, ctx)
        config.copyright = copyright_text(ctx.territory)
        config.extra["bds_words"] = messages.words()  # the theme's texts (mkdocs_hook.on_env)
    docs = docs_dir_for(project.root)
    generate.write_docs(generated, docs, only_changed=True)
    config.docs_dir = str(docs)
    config.nav = generated.nav
    config.site_name = esc(ctx.territory.get("programme") or config.site_name)
    _rebuild_all_if_frame_changed(config, docs)
    return config


def _rebuild_all_if_frame_changed(config, docs: Path) -> None:
    """What a save rebuilds in `bds serve` (the engine runs dirty builds, web/engine.serve).

    The rule: every save regenerates the pages' sources from the whole project, and `write_docs`
    rewrites only the sources that came out different; the engine then rebuilds only the pages whose
    source is newer than their output. So one listing rebuilds its page and the pages that list it
    (catalogue, search, its partner's page, exports); a partner rebuilds the pages that show it. What
    every page shows (navigation, site name, footer, mkdocs.yml), a territory change above all, makes
    the "frame": when it changes, every source is touched and every page rebuilt.
    """
    settings = Path(config.config_file_path)
    engine_config = settings.read_bytes().hex() if settings.is_file() else ""
    frame = json.dumps([config.nav, config.site_name, config.copyright, engine_config], default=str)
    key = hashlib.sha256(frame.encode("utf-8")).hexdigest()
    stamp = docs.parent / "frame.sha256"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    now = time.time()
    for path in docs.rglob("*"):
        if path.is_file():
            os.utime(path, (now, now))
    stamp.write_text(key, encoding="utf-8")


def copyright_text(territory: dict) -> str:
    """Footer text; the theme prints it unescaped, so it is escaped here."""
    return esc(
        messages.t("site.footer", licence=licence(territory).text, name=territory.get("programme", ""))
    )
