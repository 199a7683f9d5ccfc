"""Live preview support: regenerate the docs folder for `bds serve` (called by the MkDocs hook)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from .. import report
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
    generated = generate.run_providers(result.content, ctx)
    docs = docs_dir_for(project.root)
    generate.write_docs(generated, docs, only_changed=True)
    config.docs_dir = str(docs)
    config.nav = generated.nav
    config.site_name = esc(ctx.territory.get("programme") or config.site_name)
    config.copyright = copyright_text(ctx.territory)
    return config


def copyright_text(territory: dict) -> str:
    """Footer text; the theme prints it unescaped, so it is escaped here."""
    return esc(f"Contenuti e dati: licenza {licence(territory).text}. {territory.get('programme', '')}.")
