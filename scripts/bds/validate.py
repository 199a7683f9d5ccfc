"""Validation of a project's content: schema layer per file, then rules across records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import collector, rules
from . import findings as F
from .content import Content, Project, load_content
from .web import engine

# The rule that decides what `bds validate FILE` loads besides FILE: the records whose facts the rules
# read when they judge a record of that kind (rules.check, protected.check). A listing needs the
# territory (zones, review days), the partners (does its partner exist, is its place at the partner's
# seat) and the other listings (duplicate ids); a partner the same (the protected listings held at its
# seat); the territory its partners (health services name them); a guide the records its @links name
# (guides, partners, listings); the glossary is judged alone. Loading only these keeps the result
# identical to a whole-project run filtered to FILE (tests/test_startup.py compares them).
CONTEXT = {
    "opportunity": {"territory", "partner", "opportunity"},
    "partner": {"territory", "partner", "opportunity"},
    "territory": {"territory", "partner"},
    "guide": {"territory", "guide", "partner", "opportunity"},  # its @guida/@ente/@opportunita links
    "glossary": {"territory"},
}


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


def _context_kinds(project: Project, paths: list[Path] | None) -> set[str] | None:
    """The kinds of records to load to judge `paths` (None: every kind)."""
    if not paths:
        return None
    kinds: set[str] = set()
    for path in paths:
        kind = project.kind_of(path) or ("guide" if path.suffix == ".md" else "opportunity")
        kinds |= CONTEXT[kind]
    return kinds


def _project_findings(project: Project, content: Content, wanted: set[str] | None) -> list[F.Finding]:
    """The translations' findings and those of the project's own site configuration."""
    found: list[F.Finding] = []
    if content.translations:
        from . import translations  # only a project with translated guides pays for the check

        found += translations.check(content)
    territory = content.territory.data if content.territory and content.territory.ok else None
    found += engine.config_findings(
        project, territory, wanted
    )  # the site configuration: no code, no third party
    return found


def run(
    project: Project,
    paths: list[Path] | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
) -> Result:
    """Validate the whole project; with `paths`, report only on those files (the rest is context)."""
    with collector.paused():  # loading makes hundreds of thousands of objects, no cycle
        return _run(project, paths, today, workers)


def _run(project: Project, paths: list[Path] | None, today: dt.date | None, workers: int | None) -> Result:
    today = today or dt.date.today()
    wanted = {project.shown(p) for p in paths} if paths else None
    content = load_content(project, extra=paths, workers=workers, kinds=_context_kinds(project, paths))
    found = (
        content.findings + rules.check(content, today, wanted) + _project_findings(project, content, wanted)
    )
    if wanted is not None:
        found = [f for f in found if f.file in wanted]
    found.sort(key=lambda f: (f.file, f.line, f.column, f.code))
    return Result(content, found)
