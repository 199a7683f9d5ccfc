"""Where content lives in a project, and loading it into plain records.

A project (a territory) is a folder with `content/territory.yml`,
`content/partners/*.yml`, `content/guides/*.md`, `content/glossary.yml` and
`opportunities/*.yml`. Changing territory means pointing at another folder.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import findings as F
from . import load, messages, records, safefs, schema, unicodetext
from .load import Document

FILE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.yml$")
# Names that are meant as records but would be skipped: `.YML`, `.Yaml`, `.yml.`, `.md ` (any case,
# trailing dots or spaces, which Windows drops).
_RECORD_LIKE = {
    ".yml": re.compile(r"\.ya?ml[. ]*$", re.IGNORECASE),
    ".md": re.compile(r"\.(?:md|markdown)[. ]*$", re.IGNORECASE),
    ".img": re.compile(r"(?!)"),  # pictures: any extension (the site copies only the known ones)
}
PICTURES = (".png", ".jpg", ".svg", ".webp")  # the guides' pictures the site copies (web/pages.py)
PARALLEL_FROM = 1500  # below this, starting worker processes costs more than it saves


class ProjectNotFound(Exception):
    pass


def absolute(path: Path, folders: dict[Path, Path | None] | None = None) -> Path:
    """`path` made absolute through its real folder, without following `path` itself if it is a symlink.

    `folders` remembers each folder's real place for one pass over many files (thousands of listings
    share one folder): a folder is resolved once, not once per file.
    """
    path = Path(os.path.abspath(path))
    if folders is None:
        real = _real_folder(path.parent)
    elif (real := folders.get(path.parent, path)) is path:
        real = folders[path.parent] = _real_folder(path.parent)
    return path if real is None else real / path.name


def _real_folder(folder: Path) -> Path | None:
    try:
        return folder.resolve()
    except (OSError, RuntimeError):  # a loop among the parent folders
        return None


class _InProject:
    """A fixed place in every project, `root / parts`, read as a property of the project."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts

    def __get__(self, project: Project, owner: type | None = None) -> Path:
        return project.root.joinpath(*self.parts)


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
        raise ProjectNotFound(messages.t("validate.project.not_found", here=here))

    # The layout of every project (the module docstring): fixed places below the root.
    territory_file = _InProject("content", "territory.yml")
    glossary_file = _InProject("content", "glossary.yml")
    partners_dir = _InProject("content", "partners")
    guides_dir = _InProject("content", "guides")
    opportunities_dir = _InProject("opportunities")

    def shown(self, path: Path, resolved: Path | None = None) -> str:
        """Paths in messages are relative to the project, in POSIX form, like a compiler's."""
        for candidate in (resolved or absolute(path), Path(os.path.abspath(path))):
            if candidate.is_relative_to(self.root):  # the second: through a symlinked folder
                return candidate.relative_to(self.root).as_posix()
        return path.as_posix()

    @cached_property
    def _special_files(self) -> tuple[Path, Path]:
        # Resolving costs a few system calls: done once per project, not once per file.
        return absolute(self.territory_file), absolute(self.glossary_file)

    def kind_of(self, path: Path, resolved: bool = False) -> str | None:
        path = path if resolved else absolute(path)
        territory, glossary = self._special_files
        if path == territory:
            return "territory"
        if path == glossary:
            return "glossary"
        parent = path.parent.name
        if path.suffix == ".md" and (parent == "guides" or self.language_of(path, resolved=True)):
            return "guide"
        if path.suffix in (".yml", ".yaml"):
            if parent == "partners":
                return "partner"
            if parent == "opportunities":
                return "opportunity"
        return None

    def language_of(self, path: Path, resolved: bool = False) -> str | None:
        """The language folder of a translated guide, `content/guides/<lang>/NAME.md`; None otherwise."""
        path = path if resolved else absolute(path)
        folder = path.parent
        if path.suffix == ".md" and folder.parent.name == "guides" and folder.name != "img":
            return folder.name
        return None

    def all_files(self) -> list[Path]:
        return self.scan()[0]

    def scan(self) -> tuple[list[Path], list[F.Finding]]:
        """The record files of the project, and findings for what is there but cannot be read.

        Nothing vanishes silently: a record folder that is a symlink, a file or unreadable, a file
        with an odd extension (`.YML`, `.yaml.`), a Windows-reserved name or a name that differs
        from another only by case each gives a finding. Symlinks, FIFOs and devices with a record's
        name are listed, so that reading them reports them (they are never followed or opened).
        """
        files: list[Path] = []
        found: list[F.Finding] = []
        content_ok = self._folder(self.root / "content", found, required=True)
        if content_ok:
            files.append(self.territory_file)
            if os.path.lexists(self.glossary_file):
                files.append(self.glossary_file)
        for folder, extensions, expected in (
            (self.partners_dir, (".yml", ".yaml"), ".yml"),
            (self.guides_dir, (".md",), ".md"),
            (self.opportunities_dir, (".yml", ".yaml"), ".yml"),
        ):
            if folder.parent != self.root and not content_ok:
                continue
            files += self._scan_folder(folder, extensions, expected, found)
        return files, found

    def _scan_folder(
        self, folder: Path, extensions: tuple, expected: str, found: list[F.Finding]
    ) -> list[Path]:
        """The records of one record folder; for the guides' folder, its translations too (and its
        pictures are checked)."""
        names = self._names(folder, found)
        if names is None:
            return []
        files = self._records(folder, names, extensions, expected, found)
        if folder == self.guides_dir:
            if "img" in names:
                self._pictures(folder / "img", found)
            files += self._translations(folder, names, found)
        return files

    def _names(self, folder: Path, found: list[F.Finding]) -> list[str] | None:
        """The names in `folder`, sorted; None, with a finding, when it is not a folder to look into
        (`_folder`) or cannot be listed."""
        if not self._folder(folder, found):
            return None
        try:
            return sorted(entry.name for entry in os.scandir(folder))
        except OSError as exc:
            found.append(F.make("FOLDER_UNREADABLE", self.shown(folder), 1, 1, reason=safefs.reason(exc)))
            return None

    def _translations(self, folder: Path, names: list[str], found: list[F.Finding]) -> list[Path]:
        """The translated guides, `content/guides/<lang>/*.md` (bds.translations checks them)."""
        files: list[Path] = []
        for name in names:
            sub = folder / name
            if name == "img" or name.startswith(("_", ".")) or not os.path.isdir(sub):
                continue
            inner = self._names(sub, found)  # a symlinked folder is reported, never followed
            if inner is None:
                continue
            files += self._records(sub, inner, (".md",), ".md", found)
        return files

    def _pictures(self, folder: Path, found: list[F.Finding]) -> None:
        """The guides' pictures are copied into the site: only regular files, with portable names."""
        names = self._names(folder, found)
        if names is None:
            return
        self._records(folder, names, (), ".img", found)
        for name in names:
            if name.startswith(("_", ".")) or Path(name).suffix.lower() not in PICTURES:
                continue  # the site copies only pictures: anything else here is never read
            path = folder / name
            try:
                mode = os.lstat(path).st_mode
            except OSError as exc:
                why = safefs.reason(exc)
                found.append(F.make("FILE_UNREADABLE", self.shown(path, path), 1, 1, reason=why))
                continue
            if stat.S_ISLNK(mode):
                found.append(F.make("FILE_SYMLINK", self.shown(path, path), 1, 1))
            elif not stat.S_ISREG(mode):
                what = safefs.describe(mode)
                found.append(F.make("FILE_NOT_REGULAR", self.shown(path, path), 1, 1, what=what))

    def _folder(self, folder: Path, found: list[F.Finding], required: bool = False) -> bool:
        """True when `folder` is a real folder to look into; a finding when it is something else."""
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            return required  # an optional folder may be missing; content/ is checked by the caller
        except OSError as exc:
            found.append(F.make("FOLDER_UNREADABLE", self.shown(folder), 1, 1, reason=safefs.reason(exc)))
            return False
        if stat.S_ISLNK(mode):
            found.append(F.make("FOLDER_SYMLINK", self.shown(folder), 1, 1))
            return False
        if not stat.S_ISDIR(mode):
            found.append(
                F.make(
                    "FOLDER_NOT_FOLDER",
                    self.shown(folder),
                    1,
                    1,
                    name=folder.name,
                    what=safefs.describe(mode) or "file",
                )
            )
            return False
        return True

    def _records(
        self, folder: Path, names: list[str], extensions: tuple, expected: str, found: list[F.Finding]
    ) -> list[Path]:
        files = []
        first_of: dict[str, str] = {}
        inside = folder.is_relative_to(self.root)  # always, for the record folders: a prefix worked out once
        prefix = folder.relative_to(self.root).as_posix() + "/" if inside else ""
        for name in names:
            path = folder / name
            shown = prefix + name if inside and prefix != "./" else self.shown(path, path)
            # macOS also equates an é written as one character or as e + accent
            folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
            if folded in first_of:
                found.append(F.make("FILE_NAME_CASE_CLASH", shown, 1, 1, name=name, other=first_of[folded]))
            else:
                first_of[folded] = name
            if name.startswith(("_", ".")):
                continue
            if safefs.is_reserved(name) and not name.endswith(extensions):  # records: see load_one
                found.append(F.make("FILE_NAME_RESERVED", shown, 1, 1, name=name))
            if name.endswith(extensions):
                files.append(path)
            elif _RECORD_LIKE[expected].search(name):
                found.append(F.make("FILE_EXTENSION", shown, 1, 1, name=name, expected=expected))
        return files


@dataclass
class Content:
    """Every record of a project, each with the Document it came from."""

    project: Project
    territory: Document | None = None
    glossary: Document | None = None
    partners: dict[str, Document] = field(default_factory=dict)  # keyed by file stem
    opportunities: dict[str, Document] = field(default_factory=dict)
    guides: dict[str, Document] = field(default_factory=dict)  # the Italian guides
    translations: dict[str, Document] = field(default_factory=dict)  # content/guides/<lang>/*.md
    kinds: dict[str, str] = field(default_factory=dict)  # shown path -> kind
    problems: list[F.Finding] = field(default_factory=list)  # folders and names that cannot be read
    _records: Any = field(default=None, init=False, repr=False, compare=False)

    def records(self) -> records.Records:
        """The typed records of the documents that passed validation, built on the first call only
        (`bds.records.from_content`): once the content is validated, nothing changes it."""
        if self._records is None:
            self._records = records.from_content(self)
        return self._records

    def forget_records(self) -> None:
        """A record was replaced after loading (the live preview takes a saved file): the typed records,
        and the site contexts kept with them, are built again on next use."""
        self._records = None

    def add(self, shown: str, kind: str, doc: Document, translation: bool = False) -> None:
        """Keep `doc` (the file shown as `shown`) with the records of its kind; a translated guide
        apart from the Italian ones."""
        self.kinds[shown] = kind
        if kind == "territory":
            self.territory = doc
        elif kind == "glossary":
            self.glossary = doc
        else:
            table = {
                "partner": self.partners,
                "opportunity": self.opportunities,
                "guide": self.translations if translation else self.guides,
            }
            table[kind][shown] = doc

    def documents(self):
        for doc in (self.territory, self.glossary):
            if doc is not None:
                yield doc
        yield from self.partners.values()
        yield from self.guides.values()
        yield from self.translations.values()
        yield from self.opportunities.values()

    @property
    def findings(self) -> list[F.Finding]:
        return self.problems + [f for doc in self.documents() for f in doc.findings]

    def valid(self, kind: str) -> list[Document]:
        table = {
            "partner": self.partners,
            "opportunity": self.opportunities,
            "guide": self.guides,
            "translation": self.translations,
        }[kind]
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
    doc.findings += unicodetext.text_findings(
        body, shown, doc.body_line - 1, messages.t("validate.text.body_field")
    )  # text hygiene
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
    if kind in ("opportunity", "partner", "guide") and safefs.is_reserved(path.name):
        doc.findings.append(F.make("FILE_NAME_RESERVED", shown, 1, 1, name=path.name))  # also `bds new con`
    if doc.ok and isinstance(doc.data, dict):
        doc.findings += schema.validate(doc, kind)
    return doc


def _load_batch(batch: list[tuple[str, str, str]]) -> list[Document]:
    return [load_one(Path(path), shown, kind) for path, shown, kind in batch]


BATCH = 100  # files per batch: this process and the workers meet within a batch or two
AHEAD = 3  # batches handed to the workers and not yet loaded: enough that they never wait for more


def load_files(jobs: list[tuple[Path, str, str]], workers: int | None = None) -> list[Document]:
    """Load many files; when there are enough of them to pay off, `workers` processes share them: this
    one and `workers - 1` started for the purpose.

    The workers are handed batches from the head of the list, a few at a time, while this process
    loads batches from the tail, until they meet: whatever else runs on the machine (the site build
    draws its QR codes meanwhile, web/postprocess.prefetch), both finish together. This process loads
    rather than waits because a document loaded elsewhere costs pickling there and unpickling here. A
    worker that cannot start or dies leaves its files to this process.
    """
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1
    plain = [(str(p), s, k) for p, s, k in jobs]
    if workers <= 1 or len(plain) < 2:
        return _load_batch(plain)
    size = max(1, min(BATCH, len(plain) // (workers * 4)))
    batches = [plain[i : i + size] for i in range(0, len(plain), size)]
    try:
        pool = ProcessPoolExecutor(max_workers=workers - 1)
    except (OSError, RuntimeError):  # no process to start (limits, an interpreter shutting down)
        return _load_batch(plain)
    with pool:
        handed = _Handed(pool, batches, ahead=AHEAD * (workers - 1))
        here: dict[int, list[Document]] = {}
        while (index := handed.take_last()) is not None:
            here[index] = _load_batch(batches[index])
        docs: list[Document] = []
        for i, batch in enumerate(batches):
            docs += here[i] if i in here else _result(handed.futures[i], batch)
    return docs


class _Handed:
    """The batches handed to a pool from the head of the list, and the tail left to the caller."""

    def __init__(self, pool: ProcessPoolExecutor, batches: list, ahead: int) -> None:
        self.pool, self.batches, self.ahead = pool, batches, ahead
        self.futures: dict[int, Future] = {}
        self.head, self.tail = 0, len(batches)
        self.broken = False
        self._hand_out()

    def _hand_out(self) -> None:
        waiting = sum(not f.done() for f in list(self.futures.values())[-self.ahead :])
        while not self.broken and waiting < self.ahead and self.head < self.tail:
            try:
                self.futures[self.head] = self.pool.submit(_load_batch, self.batches[self.head])
            except Exception:  # noqa: BLE001 - the pool cannot take more (a worker died): the rest is here
                self.broken = True
                return
            self.head += 1
            waiting += 1

    def take_last(self) -> int | None:
        """The index of the last batch nobody has yet (after handing the workers more), or None."""
        self._hand_out()
        if self.head >= self.tail:
            return None
        self.tail -= 1
        return self.tail


def _result(future: Future, batch: list[tuple[str, str, str]]) -> list[Document]:
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - a worker that died (memory, a signal): load its files here
        return _load_batch(batch)


def load_content(
    project: Project,
    extra: list[Path] | None = None,
    workers: int | None = None,
    kind_override: str | None = None,
    kinds: set[str] | None = None,
) -> Content:
    """Load the whole project, plus `extra` files that may live elsewhere (a downloaded form output).

    With `kinds`, only the project's records of those kinds (and every `extra` file): what the
    rules need to judge the extra files (see `validate.CONTEXT`).
    """
    content = Content(project)
    if not os.path.lexists(project.territory_file):
        raise ProjectNotFound(
            messages.t("validate.project.no_territory", file=project.shown(project.territory_file))
        )
    files, content.problems = project.scan()
    jobs, refused = _jobs(project, files, list(extra or []), kind_override, kinds)
    # translations are loaded and schema-checked as guides, kept apart from the Italian ones
    translated = {
        shown
        for path, shown, kind in jobs
        if kind == "guide" and project.language_of(absolute(path), resolved=True)
    }
    docs = load_files(jobs, workers)
    loaded = [(shown, kind, doc) for (_path, shown, kind), doc in zip(jobs, docs, strict=True)]
    for shown, kind, doc in loaded + refused:
        content.add(shown, kind, doc, translation=shown in translated)
    return content


def _jobs(
    project: Project,
    files: list[Path],
    extra: list[Path],
    kind_override: str | None,
    kinds: set[str] | None,
) -> tuple[list[tuple[Path, str, str]], list[tuple[str, str, Document]]]:
    """The files to load as (path, shown, kind), each once, and those refused unread (a symlinked folder)."""
    seen = set()
    jobs = []
    refused: list[tuple[str, str, Document]] = []
    folders: dict[Path, Path | None] = {}
    named = {absolute(p, folders) for p in extra} if kinds is not None else set()
    shown_in = _ShownIn(project)
    for path in files + extra:
        lexical = Path(os.path.abspath(path))
        resolved = absolute(lexical, folders)  # a symlink stays itself: reading it reports it
        if resolved in seen or not _wanted(project, resolved, kinds, named):
            continue
        seen.add(resolved)
        kind = _kind(project, path, resolved, kind_override if path in extra else None)
        if resolved.parent != lexical.parent and lexical.is_relative_to(project.root):
            # named on the command line through a symlinked folder of the project: not read
            shown = lexical.relative_to(project.root).as_posix()
            refused.append((shown, kind, Document(shown, findings=[F.make("FOLDER_SYMLINK", shown, 1, 1)])))
            continue
        jobs.append((path, shown_in(path, resolved), kind))
    return jobs, refused


class _ShownIn:
    """`project.shown(path, resolved)` for many files, the folder's part worked out once per folder."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.folders: dict[Path, str | None] = {}

    def __call__(self, path: Path, resolved: Path) -> str:
        folder = resolved.parent
        if folder not in self.folders:
            inside = folder.is_relative_to(self.project.root)
            self.folders[folder] = folder.relative_to(self.project.root).as_posix() if inside else None
        relative = self.folders[folder]
        if relative is None or resolved.name in ("", ".", ".."):  # outside the project: the general rule
            return self.project.shown(path, resolved)
        return resolved.name if relative == "." else f"{relative}/{resolved.name}"


def _wanted(project: Project, resolved: Path, kinds: set[str] | None, named: set[Path]) -> bool:
    """Whether to load the file: every file without `kinds`; else the files named and those of `kinds`."""
    return kinds is None or resolved in named or project.kind_of(resolved, resolved=True) in kinds


def _kind(project: Project, path: Path, resolved: Path, override: str | None) -> str:
    """The kind to load a file as: `override` when given, else where it lies in the project; a file
    outside the record folders by its extension."""
    kind = override if override is not None else project.kind_of(resolved, resolved=True)
    if kind is None:
        kind = "guide" if path.suffix == ".md" else "opportunity"
    return kind
