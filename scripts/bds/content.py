"""Where content lives in a project, and loading it into plain records.

A project (a territory) is a folder with `content/territory.yml`,
`content/partners/*.yml`, `content/guides/*.md`, `content/glossary.yml` and
`opportunities/*.yml`. Changing territory means pointing at another folder.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import findings as F
from . import load, schema, unicodetext
from .load import Document

FILE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.yml$")
PARALLEL_FROM = 1500  # below this, starting worker processes costs more than it saves


class ProjectNotFound(Exception):
    pass


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder upwards from `start` that holds content/territory.yml."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "content" / "territory.yml").is_file():
                return cls(folder)
        raise ProjectNotFound(
            f"nessun progetto trovato: manca content/territory.yml in {here} e nelle cartelle superiori"
        )

    @property
    def territory_file(self) -> Path:
        return self.root / "content" / "territory.yml"

    @property
    def glossary_file(self) -> Path:
        return self.root / "content" / "glossary.yml"

    @property
    def partners_dir(self) -> Path:
        return self.root / "content" / "partners"

    @property
    def guides_dir(self) -> Path:
        return self.root / "content" / "guides"

    @property
    def opportunities_dir(self) -> Path:
        return self.root / "opportunities"

    def shown(self, path: Path, resolved: Path | None = None) -> str:
        """Paths in messages are relative to the project, in POSIX form, like a compiler's."""
        try:
            return (resolved or path.resolve()).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    @cached_property
    def _special_files(self) -> tuple[Path, Path]:
        # Resolving costs a few system calls: done once per project, not once per file.
        return self.territory_file.resolve(), self.glossary_file.resolve()

    def kind_of(self, path: Path, resolved: bool = False) -> str | None:
        path = path if resolved else path.resolve()
        territory, glossary = self._special_files
        if path == territory:
            return "territory"
        if path == glossary:
            return "glossary"
        parent = path.parent.name
        if path.suffix == ".md" and parent == "guides":
            return "guide"
        if path.suffix in (".yml", ".yaml"):
            if parent == "partners":
                return "partner"
            if parent == "opportunities":
                return "opportunity"
        return None

    def all_files(self) -> list[Path]:
        files = [self.territory_file]
        if self.glossary_file.is_file():
            files.append(self.glossary_file)
        for folder, pattern in (
            (self.partners_dir, "*.y*ml"),
            (self.guides_dir, "*.md"),
            (self.opportunities_dir, "*.y*ml"),
        ):
            if folder.is_dir():
                files += sorted(p for p in folder.glob(pattern) if not p.name.startswith(("_", ".")))
        return files


@dataclass
class Content:
    """Every record of a project, each with the Document it came from."""

    project: Project
    territory: Document | None = None
    glossary: Document | None = None
    partners: dict[str, Document] = field(default_factory=dict)  # keyed by file stem
    opportunities: dict[str, Document] = field(default_factory=dict)
    guides: dict[str, Document] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # shown path -> kind

    def documents(self):
        for doc in (self.territory, self.glossary):
            if doc is not None:
                yield doc
        yield from self.partners.values()
        yield from self.guides.values()
        yield from self.opportunities.values()

    @property
    def findings(self) -> list[F.Finding]:
        return [f for doc in self.documents() for f in doc.findings]

    def valid(self, kind: str) -> list[Document]:
        table = {"partner": self.partners, "opportunity": self.opportunities, "guide": self.guides}[kind]
        return [doc for doc in table.values() if doc.ok and isinstance(doc.data, dict)]


def load_guide(raw: bytes, shown: str) -> Document:
    text, problems = load.decode(raw, shown)
    if text is None:
        return Document(shown, findings=problems)
    if not text.startswith("---\n"):
        return Document(shown, findings=[F.make("FRONT_MATTER_MISSING", shown, 1, 1)])
    end = text.find("\n---\n", 4)
    if end == -1 and text.endswith("\n---"):
        end = len(text) - 4
    if end == -1:
        return Document(shown, findings=[F.make("FRONT_MATTER_MISSING", shown, 1, 1)])
    doc = load.load_text(text[4 : end + 1], shown, line_offset=1)
    body = text[end + 5 :]
    doc.body_line = text.count("\n", 0, end + 5) + 1
    doc.findings += unicodetext.text_findings(body, shown, doc.body_line - 1, "testo")  # text hygiene
    doc.body = unicodetext.nfc(body)
    return doc


def load_one(path: Path, shown: str, kind: str) -> Document:
    """Read, parse and schema-check one file. Never raises on bad content."""
    raw, problems = load.read_bytes(path, shown)
    if raw is None:
        return Document(shown, findings=problems)
    if kind == "guide":
        doc = load_guide(raw, shown)
    else:
        doc = load.load_bytes(raw, shown)
    if kind in ("opportunity", "partner") and not FILE_NAME.match(path.name):
        doc.findings.append(F.make("FILE_NAME_INVALID", shown, 1, 1, name=path.name))
    if doc.ok and isinstance(doc.data, dict):
        doc.findings += schema.validate(doc, kind)
    return doc


def _load_batch(batch: list[tuple[str, str, str]]) -> list[Document]:
    return [load_one(Path(path), shown, kind) for path, shown, kind in batch]


def load_files(jobs: list[tuple[Path, str, str]], workers: int | None = None) -> list[Document]:
    """Load many files, in worker processes when there are enough of them to pay off."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1
    if workers <= 1:
        return [load_one(p, s, k) for p, s, k in jobs]
    plain = [(str(p), s, k) for p, s, k in jobs]
    size = max(1, len(plain) // (workers * 8))
    batches = [plain[i : i + size] for i in range(0, len(plain), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [doc for docs in pool.map(_load_batch, batches) for doc in docs]


def load_content(
    project: Project,
    extra: list[Path] | None = None,
    workers: int | None = None,
    kind_override: str | None = None,
) -> Content:
    """Load the whole project, plus `extra` files that may live elsewhere (a downloaded form output)."""
    content = Content(project)
    if not project.territory_file.is_file():
        raise ProjectNotFound(f"manca il file del territorio: {project.shown(project.territory_file)}")
    seen = set()
    jobs = []
    for path in project.all_files() + list(extra or []):
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        if kind_override is None or path not in (extra or []):
            kind = project.kind_of(resolved, resolved=True)
        else:
            kind = kind_override
        if kind is None:
            kind = "guide" if path.suffix == ".md" else "opportunity"
        jobs.append((path, project.shown(path, resolved), kind))
    for (_path, shown, kind), doc in zip(jobs, load_files(jobs, workers), strict=True):
        content.kinds[shown] = kind
        if kind == "territory":
            content.territory = doc
        elif kind == "glossary":
            content.glossary = doc
        else:
            table = {
                "partner": content.partners,
                "opportunity": content.opportunities,
                "guide": content.guides,
            }
            table[kind][shown] = doc
    return content
