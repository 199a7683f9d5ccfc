"""Validation of a project's content: schema layer per file, then rules across records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import findings as F
from . import rules
from .content import Content, Project, load_content
from .web import siteconfig


@dataclass
class Result:
    content: Content
    findings: list[F.Finding]

    @property
    def errors(self) -> list[F.Finding]:
        return [f for f in self.findings if f.severity == F.ERROR]

    @property
    def warnings(self) -> list[F.Finding]:
        return [f for f in self.findings if f.severity == F.WARNING]


def run(
    project: Project,
    paths: list[Path] | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
) -> Result:
    """Validate the whole project; with `paths`, report only on those files (the rest is context)."""
    today = today or dt.date.today()
    content = load_content(project, extra=paths, workers=workers)
    found = content.findings + rules.check(content, today)
    territory = content.territory.data if content.territory and content.territory.ok else None
    found += siteconfig.project_findings(project, territory)  # mkdocs.yml: no code, no third party
    if paths:
        wanted = {project.shown(p) for p in paths}
        found = [f for f in found if f.file in wanted]
    found.sort(key=lambda f: (f.file, f.line, f.column, f.code))
    return Result(content, found)
