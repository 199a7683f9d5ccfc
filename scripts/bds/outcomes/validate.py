"""`bds outcomes validate`: the outcome package against its frictionless schema, plus the domain rules.

Every problem is located (table, row, column) and carries a stable code from
`codes.REGISTRY`. Messages are built here from the schema, never from
frictionless' own messages, because those quote the cell's content.

The frictionless Table Schemas are the contract. The row checks (types, constraints, keys) are
made by `rowcheck`, which finds what frictionless finds in a fraction of its time and hands back
to frictionless what it does not mirror (tests/test_outcomes_engines.py compares the two on every
package it makes); `validate(..., engine="frictionless")` runs frictionless itself.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import os
import re
import stat
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .. import collector, messages
from ..errors import BdsError
from ..findings import ERROR, Finding
from ..pipeline.quarter import Quarter
from . import codes, fsutil, package, rowcheck

OUTSIDE_ZONE = "fuori-territorio"
TIME_POINT_ORDER = {"T0": 0, "T6": 1, "T12": 2, "T24": 3, "closure": 4}

IDENTIFYING_HEADERS = re.compile(
    r"^(nome|cognome|nominativo|name|first_?name|last_?name|surname|full_?name|codice_?fiscale|cod_?fisc|cf|"
    r"fiscal_?code|tax_?code|tessera_?sanitaria|email|e-?mail|mail|pec|telefono|tel|cellulare|cell|phone|"
    r"mobile|indirizzo|address|via|residenza|data_?di_?nascita|birth_?date|date_?of_?birth)$",
    re.IGNORECASE,
)

_ALNUM_BEFORE, _ALNUM_AFTER = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_OMOCODE = "[0-9LMNPQRSTUVlmnpqrstuv]"
SHAPE_PATTERNS = [  # (shape: a key of outcomes.validate.shapes, pattern)
    (
        "tax_code",
        re.compile(
            _ALNUM_BEFORE
            + rf"[A-Za-z]{{6}}{_OMOCODE}{{2}}[A-Za-z]{_OMOCODE}{{2}}[A-Za-z]{_OMOCODE}{{3}}[A-Za-z]"
            + _ALNUM_AFTER
        ),
    ),
    # The look-behind makes a match start only where a run of address characters starts: without it a
    # long run with no "@" (one pasted 300,000-letter cell) is rescanned from each of its letters.
    (
        "email",
        re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    ),
    # a phone number only counts when it is the whole cell: ids and amounts contain digit runs too
    (
        "phone",
        re.compile(
            r'(?:(?<=^)|(?<=[,"]))(?:\+39|0039)?[ ]?(?:3[0-9]{2}|0[0-9]{1,3})'
            r'[ ./-]?[0-9]{3}[ ./-]?[0-9]{3,5}(?=[,"\r\n]|$)',
            re.MULTILINE,
        ),
    ),
]


def shape_text(shape: str) -> str:
    """How a message names `shape` («un codice fiscale»)."""
    return messages.t(f"outcomes.validate.shapes.{shape}")


@cache
def _shapes(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """The shapes named in `language` (the cache key: `shape_text` reads the current one)."""
    return [(shape_text(shape), pattern) for shape, pattern in SHAPE_PATTERNS]


def __getattr__(name: str) -> list[tuple[str, re.Pattern[str]]]:
    """`SHAPES`: the patterns named in the current language (as `outcomes/workbook.py` reads them)."""
    if name == "SHAPES":
        return _shapes(messages.current_language())
    raise AttributeError(name)


@dataclass(frozen=True)
class Problem:
    table: str  # shown file name, e.g. projects.csv
    row: int  # 1 = header; 0 = the whole file
    column: str
    code: str
    message: str

    def text(self) -> str:
        error = messages.t("common.severity.error")
        return f"{self.table}:{self.row}:{self.column}: {error} [{self.code}] {self.message}"

    def finding(self) -> Finding:
        """This problem in the one finding model (`report.as_json`, every command's JSON): the table's
        file, its row as the line, the column's name as the field (no character column: 0)."""
        return Finding(self.table, self.row, 0, self.column, self.code, self.message, ERROR)

    def as_dict(self) -> dict:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Validation:
    data_dir: Path
    problems: list[Problem] = field(default_factory=list)
    data: package.Data | None = None
    # file name -> SHA-256 of the bytes validated (every table read): a report's manifest records the
    # inputs it was made from without opening them again
    sha256: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


PARALLEL_FROM_BYTES = 2_000_000  # below this, starting a process costs more than it saves


def _problem(table: str, row: int, column: str, code: str, **values) -> Problem:
    template = codes.REGISTRY[code].template
    return Problem(f"{table}.csv" if table else "", row, column, code, template.format(**values))


def _title(table: str, name: str | None) -> str:
    if not name:
        return ""
    spec = package.fields_by_name(table).get(name)
    return spec.get("title", name) if spec else name


# -- the folder ------------------------------------------------------------------------------------
def check_location(data_dir: Path) -> None:
    """Refuse a data folder that git could commit (tracked, or inside a work tree and not ignored)."""
    why = fsutil.repository_exposure(data_dir)
    if why:
        reason = messages.t(f"outcomes.validate.exposure.{why.replace('-', '_')}")
        message = codes.REGISTRY["DIR_IN_REPOSITORY"].template.format(why=reason)
        raise BdsError(f"{data_dir}: [DIR_IN_REPOSITORY] {message}", exit_code=2)


MAX_TABLE_BYTES = 64 * 1024 * 1024  # a programme of a hundred thousand people stays well below
MAX_TABLE_ROWS = 1_000_000
MAX_CELL_CHARS = 1_000  # the longest field of the model is a 36-character UUID
MAX_COLUMNS = 100  # the widest table has 20 columns; frictionless slows down sharply with many more
MAX_SAME_PROBLEM = 100  # per table and code: past this, more of the same tell nothing new
MAX_MATCHES = 1_000  # identifier values reported per table and shape


def _not_regular(info: os.stat_result) -> str | None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        kind = "symlink"
    elif stat.S_ISDIR(mode):
        kind = "folder"
    elif not stat.S_ISREG(mode):
        kind = "special"
    elif info.st_nlink > 1:  # the other name may be a file committed in a repository
        kind = "hard_link"
    else:
        return None
    return messages.t(f"outcomes.validate.not_regular.{kind}")


def _column_name(header: list[str], row: int, position: int) -> str:
    """The header's name of the column at `position` (0-based), or «colonna N» on the header itself."""
    if row > 1 and position < len(header) and header[position]:
        return header[position]
    return _column_label(position + 1)


def _column_label(number: int) -> str:
    """«colonna N» (1-based): where a problem is on the header, or in a column the header lacks."""
    return messages.t("outcomes.validate.column", number=number)


def _raw_header(raw: bytes) -> list[str]:
    first = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return next(csv.reader([first]), [])


@dataclass
class _Read:
    text: str | None = None
    header: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sha256: str | None = None
    bom: bool = False

    def source(self) -> bytes:
        """The file's bytes again, from the text (strict UTF-8 decodes and encodes back exactly)."""
        return (codecs.BOM_UTF8 if self.bom else b"") + (self.text or "").encode("utf-8")


def _read_table(table: str, path: Path) -> _Read:
    """Read one table once, safely: a regular file (never through a link), bounded in size and rows,
    strict UTF-8 (never a guessed encoding), no NUL, no over-long cell. Problems are located and never
    quote the file's content."""
    result = _Read()
    raw = _read_bytes(table, path, result.problems)
    if raw is None:
        return result
    result.sha256 = hashlib.sha256(raw).hexdigest()
    result.bom = raw.startswith(codecs.BOM_UTF8)
    text = _decode(table, raw, result.problems)
    del raw
    if text is not None and _scan_rows(table, text, result):
        result.text = text
    return result


def _read_bytes(table: str, path: Path, problems: list[Problem]) -> bytes | None:
    """The bytes of a regular file no larger than MAX_TABLE_BYTES, or None with the problem added."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        problems.append(_problem("", 0, "", "TABLE_MISSING", file=f"{table}.csv"))
        return None
    except OSError:
        problems.append(_problem(table, 0, "", "TABLE_UNREADABLE"))
        return None
    why = _not_regular(info)
    if why:
        problems.append(_problem(table, 0, "", "TABLE_NOT_REGULAR", file=f"{table}.csv", why=why))
        return None
    try:
        raw, size, why = _read_regular(path)
    except OSError:
        if not os.path.islink(path):
            problems.append(_problem(table, 0, "", "TABLE_UNREADABLE"))
            return None
        raw, size, why = b"", 0, messages.t("outcomes.validate.not_regular.symlink")
    if why:
        problems.append(_problem(table, 0, "", "TABLE_NOT_REGULAR", file=f"{table}.csv", why=why))
        return None
    if len(raw) > MAX_TABLE_BYTES or size > MAX_TABLE_BYTES:
        megabytes = MAX_TABLE_BYTES // 2**20
        limit = messages.t("outcomes.validate.limits.size", megabytes=megabytes)
        problems.append(_problem(table, 0, "", "TABLE_TOO_LARGE", limit=limit))
        return None
    return raw


def _read_regular(path: Path) -> tuple[bytes, int, str | None]:
    """The bytes (none when the file is too large), the size and why the file opened is not a regular
    one (or None). OSError when it cannot be opened (a symlink among the causes)."""
    # O_NOFOLLOW: a link swapped in after the check above is refused too; O_NONBLOCK: never wait
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        opened = os.fstat(fh.fileno())
        why, size = _not_regular(opened), opened.st_size
        if why is None and size <= MAX_TABLE_BYTES:
            return fh.read(MAX_TABLE_BYTES + 1), size, why  # the file may have grown since
    return b"", size, why


def _decode(table: str, raw: bytes, problems: list[Problem]) -> str | None:
    """The text of `raw` in strict UTF-8 (a BOM allowed), or None with the first undecodable byte located."""
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        line = raw.count(b"\n", 0, at) + 1
        position = raw.count(b",", raw.rfind(b"\n", 0, at) + 1, at)
        name = _column_name(_raw_header(raw[bom:]), line, position)
        problems.append(_problem(table, line, name, "TABLE_NOT_UTF8", offset=at))
        return None


def _scan_rows(table: str, text: str, result: _Read) -> bool:
    """Read the rows once: the header into `result`, each over-long or NUL cell as a problem (at most
    MAX_SAME_PROBLEM of a kind); False when the table has too many rows or columns to go on."""
    counts: dict[str, int] = defaultdict(int)

    def found(row: int, position: int, code: str, **values) -> None:
        counts[code] += 1
        if counts[code] <= MAX_SAME_PROBLEM:
            name = _column_name(result.header, row, position)
            result.problems.append(_problem(table, row, name, code, **values))

    def too_large(row: int, what: str, count: int) -> bool:
        shown = messages.t(f"outcomes.validate.limits.{what}", count=count)
        result.problems.append(_problem(table, row, "", "TABLE_TOO_LARGE", limit=shown))
        return False

    if _plain_within_limits(text, result):
        return True
    has_nul = "\x00" in text
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_TABLE_BYTES + 1))  # so that an over-long cell is located below
    row = 0
    try:
        for row, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if row == 1:
                result.header = cells
            if row > MAX_TABLE_ROWS + 1:
                return too_large(0, "rows", MAX_TABLE_ROWS)
            if len(cells) > MAX_COLUMNS:
                return too_large(row, "columns", MAX_COLUMNS)
            for position, code in _bad_cells(cells, has_nul):
                found(row, position, code, **({"limit": MAX_CELL_CHARS} if code == "CELL_TOO_LONG" else {}))
    except csv.Error:
        result.problems.append(_problem(table, row + 1, "", "TABLE_UNREADABLE"))
    finally:
        csv.field_size_limit(limit)
    return True


def _bad_cells(cells: list[str], has_nul: bool) -> list[tuple[int, str]]:
    """(position, code) of each over-long cell of a row, then of each cell with a NUL (when the text
    has one)."""
    out = []
    if cells and max(map(len, cells)) > MAX_CELL_CHARS:
        out += [
            (position, "CELL_TOO_LONG") for position, cell in enumerate(cells) if len(cell) > MAX_CELL_CHARS
        ]
    if has_nul:
        out += [(position, "CELL_NUL") for position, cell in enumerate(cells) if "\x00" in cell]
    return out


def _plain_within_limits(text: str, result: _Read) -> bool:
    """True, with the header in `result`, for a text with nothing quoted, no carriage return or NUL and
    every line within the limits (each of its cells is then within them too): the csv module would
    find nothing in it, and is not needed to say so."""
    if '"' in text or "\r" in text or "\x00" in text:
        return False
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not _lines_within_limits(lines):
        return False
    result.header = lines[0].split(",") if lines and lines[0] else []
    return True


def _lines_within_limits(lines: list[str]) -> bool:
    """No more rows than MAX_TABLE_ROWS, no line longer than a cell may be, fewer than MAX_COLUMNS cells."""
    if len(lines) > MAX_TABLE_ROWS + 1 or max(map(len, lines), default=0) > MAX_CELL_CHARS:
        return False
    return max((line.count(",") for line in lines), default=0) < MAX_COLUMNS


def _identifier_columns(table: str, header: list[str]) -> list[Problem]:
    return [
        _problem(table, 1, _column_label(i), "IDENTIFIER_COLUMN", position=i)
        for i, name in enumerate(header, start=1)
        if IDENTIFYING_HEADERS.match(name.strip())
    ]


def _identifier_values(table: str, text: str, header: list[str]) -> list[Problem]:
    """Scan the raw text once per shape; locate matches by line and column, never quoting them.

    Linear in the text: the patterns are, and each match's line and column are counted from the
    previous match, never from the start of its line again."""
    found: dict[tuple[int, int], str] = {}
    for shape, pattern in SHAPE_PATTERNS:
        if shape == "email" and "@" not in text:  # no address without its "@": skip the scan
            continue
        line_no, column, scanned = 1, 0, 0
        for match in itertools.islice(pattern.finditer(text), MAX_MATCHES):
            start = match.start()
            newlines = text.count("\n", scanned, start)
            if newlines:
                line_no += newlines
                scanned = text.rfind("\n", scanned, start) + 1
                column = 0
            column += text.count(",", scanned, start)
            scanned = start
            found.setdefault((line_no, column), shape)
    problems = []
    for (line_no, column), shape in sorted(found.items()):
        name = _column_name(header, line_no, column)
        problems.append(_problem(table, line_no, name, "IDENTIFIER_VALUE", shape=shape_text(shape)))
    return problems


# -- frictionless ------------------------------------------------------------------------------------
def _expected_type(spec: dict) -> str:
    kind = str(spec.get("type"))
    return messages.t(f"outcomes.validate.types.{kind if kind in _TYPED else 'string'}")


_TYPED = ("integer", "number", "date", "boolean")


def _constraint_problem(table: str, row: int, name: str, note: str) -> Problem:
    spec = package.fields_by_name(table).get(name, {})
    title = spec.get("title", name)
    match = re.match(r'constraint "(\w+)"', note or "")
    constraint = match.group(1) if match else ""
    limits = spec.get("constraints", {})
    if constraint == "required":
        return _problem(table, row, name, "CELL_REQUIRED", title=title)
    if constraint == "enum":
        allowed = ", ".join(str(v) for v in limits.get("enum", []))
        return _problem(table, row, name, "CELL_ENUM", title=title, allowed=allowed)
    if constraint == "pattern":
        return _problem(
            table,
            row,
            name,
            "CELL_PATTERN",
            title=title,
            expected=spec.get("x-expected", spec.get("description", "")),
        )
    if constraint in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = limits.get("minimum"), limits.get("maximum")
        return _problem(
            table,
            row,
            name,
            "CELL_RANGE",
            title=title,
            expected=messages.t("outcomes.validate.range", low=low, high=high),
        )
    if constraint == "unique":
        return _problem(table, row, name, "CELL_UNIQUE", title=title)
    return _problem(table, row, name, "CELL_INVALID", title=title)


def _frictionless_problems(
    sources: Mapping[str, bytes], headers: dict[str, list[str]] | None = None, names: list[str] | None = None
) -> list[Problem]:
    """frictionless' findings on the whole package, or on the tables `names` only, read from `sources`
    (table -> the file's bytes as validation read them: frictionless opens no file again)."""
    import frictionless

    resources = []
    for spec in package.frictionless_descriptor(headers)["resources"]:
        schema = frictionless.Schema.from_descriptor(spec["schema"])
        source = sources[spec["name"]]
        resources.append(
            frictionless.Resource(
                source, name=spec["name"], format=spec["format"], encoding=spec["encoding"], schema=schema
            )
        )
    pkg = frictionless.Package(resources=resources)
    reports = [pkg.validate()] if names is None else [pkg.validate(name=name) for name in names]
    return [
        _structural_problem(task.name, error)
        for report in reports
        for task in report.tasks
        for error in task.errors
    ]


_LABEL_ERRORS = ("missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label")
_READ_ERRORS = ("encoding-error", "source-error", "scheme-error", "format-error", "io-error")


def _structural_problem(table: str, error) -> Problem:
    """One frictionless error as a located problem, its message from the schema (never frictionless')."""
    kind = error.type
    row = getattr(error, "row_number", None) or 0
    name = getattr(error, "field_name", None) or ""
    position = getattr(error, "field_number", None) or 0
    if kind in _LABEL_ERRORS:
        return _header_problem(table, kind, name, position)
    if kind in _ROW_ERRORS:
        return _row_problem(table, kind, row, name, position)
    return _cell_problem(table, kind, row, name, error)


_ROW_ERRORS = ("blank-row", "extra-cell", "missing-cell")


def _row_problem(table: str, kind: str, row: int, name: str, position: int) -> Problem:
    """A blank row, a row with a cell more or a cell less than the header."""
    if kind == "blank-row":
        return _problem(table, row, "", "ROW_BLANK")
    if kind == "extra-cell":
        return _problem(table, row, _column_label(position), "ROW_EXTRA_CELL")
    return _problem(table, row, name, "ROW_MISSING_CELL")


def _cell_problem(table: str, kind: str, row: int, name: str, error) -> Problem:
    """A cell's type or constraint, a key, or the file unreadable."""
    if kind == "type-error":
        expected = _expected_type(package.fields_by_name(table).get(name, {}))
        return _problem(table, row, name, "CELL_TYPE", title=_title(table, name), expected=expected)
    if kind == "constraint-error":
        return _constraint_problem(table, row, name, error.note)
    if kind == "unique-error":
        return _problem(table, row, name, "CELL_UNIQUE", title=_title(table, name))
    if kind in ("primary-key", "foreign-key"):
        return _key_problem(table, row, error)
    if kind in _READ_ERRORS:
        return _problem(table, 0, "", "TABLE_UNREADABLE")
    return _problem(table, row, name, "CELL_INVALID", title=_title(table, name) or kind)


def _header_problem(table: str, kind: str, name: str, position: int) -> Problem:
    if kind == "missing-label":
        return _problem(table, 1, name, "HEADER_MISSING", title=_title(table, name), field=name)
    if kind == "extra-label":
        return _problem(table, 1, _column_label(position), "HEADER_EXTRA", position=position)
    names = package.field_names(table)
    expected = names[position - 1] if 0 < position <= len(names) else ""
    return _problem(table, 1, _column_label(position), "HEADER_WRONG", position=position, field=expected)


def _key_problem(table: str, row: int, error) -> Problem:
    """A primary key seen twice, or a foreign key that matches no row of the other table."""
    if error.type == "primary-key":
        fields = ", ".join(package.table_schema(table)["primaryKey"])
        return _problem(table, row, "", "KEY_DUPLICATE", fields=fields)
    fk_fields = list(getattr(error, "field_names", None) or [""])
    other = getattr(error, "reference_name", "") or ""
    title = _title(table, fk_fields[0])
    return _problem(table, row, ",".join(fk_fields), "KEY_UNKNOWN", title=title, other=f"{other}.csv")


# -- domain rules ------------------------------------------------------------------------------------
def domain_problems(data: package.Data, territory: dict | None) -> list[Problem]:
    """The rules across cells and tables, in this order: zones and services, projects (dates, status,
    age, overlaps), assessments, admissions, costs."""
    ben, proj, asm, adm, cost = (data[t] for t in package.TABLES)
    out = _territory_problems(ben, territory) if territory else []
    birth = dict(zip(ben["beneficiary_id"], ben["birth_year"], strict=False))
    projects, by_person = _project_problems(proj, birth, out)
    out += _first_contact_problems(proj)
    out += _overlap_problems(by_person)
    out += _assessment_problems(asm, projects)
    out += [
        _problem("admissions", i + 2, "end_date", "ADMISSION_ORDER")
        for i, (start, end) in enumerate(zip(adm["start_date"], adm["end_date"], strict=False))
        if start and end and end < start
    ]
    out += _cost_problems(cost, projects)
    return out


def _territory_problems(ben: package.Table, territory: dict) -> list[Problem]:
    """A person's zone and health service must be the territory's."""
    zones = {z["id"] for z in territory.get("zones") or []} | {OUTSIDE_ZONE}
    services = {s["id"] for s in territory.get("health_services") or []}
    zone_title, service_title = _title("beneficiaries", "zone"), _title("beneficiaries", "health_service")
    out = []
    for row, (zone, service) in enumerate(zip(ben["zone"], ben["health_service"], strict=False), start=2):
        if zone is not None and zone not in zones:
            out.append(_problem("beneficiaries", row, "zone", "BENEFICIARY_ZONE_UNKNOWN", title=zone_title))
        if _unknown_service(service, services):
            code = "BENEFICIARY_SERVICE_UNKNOWN"
            out.append(_problem("beneficiaries", row, "health_service", code, title=service_title))
    return out


def _unknown_service(service: str | None, services: set[str]) -> bool:
    """A health service the territory does not list (a territory that lists none knows every one)."""
    return service is not None and bool(services) and service not in services


def _date_order(row: int, later: str, earlier: str, column: str | None = None) -> Problem:
    """`later` (a projects' column) comes before `earlier`: reported in `column` (`later` by default)."""
    return _problem(
        "projects",
        row,
        column or later,
        "PROJECT_DATE_ORDER",
        title=_title("projects", later),
        other=_title("projects", earlier),
    )


_PROJECT_COLUMNS = package.PROJECT_SPAN_COLUMNS


def _project_problems(
    proj: package.Table, birth: dict, out: list[Problem]
) -> tuple[dict[str, tuple], dict[str, list]]:
    """Each project's dates, status and the person's age, appended to `out`; return every dated project's
    (start, end, status) and each person's (start, end, row) spans, for the rules that follow."""
    projects: dict[str, tuple] = {}
    by_person: dict[str, list] = defaultdict(list)
    cols = [proj[c] for c in _PROJECT_COLUMNS]
    for i, (pid, person, referral, start, end, status, reason) in enumerate(zip(*cols, strict=False)):
        row = i + 2
        out += _project_dates(row, referral, start, end)
        out += _project_status(row, end, status, reason)
        year = birth.get(person)
        if start and isinstance(year, int) and start.year - year < 16:
            out.append(_problem("projects", row, "start_date", "BIRTH_AFTER_START"))
        if pid is not None and start is not None:
            projects[pid] = (start, end, status)
            by_person[person].append((start, end or dt.date.max, row))
    return projects, by_person


def _project_dates(row: int, referral, start, end) -> list[Problem]:
    """The referral before the start, the start before the end."""
    out = []
    if referral and start and referral > start:
        out.append(_date_order(row, "referral_date", "start_date"))
    if start and end and end < start:
        out.append(_date_order(row, "end_date", "start_date"))
    return out


def _project_status(row: int, end, status: str | None, reason: str | None) -> list[Problem]:
    """A closed project has its end and reason; an open one has neither."""
    if status == "closed":
        out = []
        if end is None:
            out.append(_problem("projects", row, "end_date", "END_MISSING"))
        if reason is None:
            out.append(_problem("projects", row, "closure_reason", "REASON_MISSING"))
        return out
    if status is not None and (end is not None or reason is not None):
        return [_problem("projects", row, "status", "END_ON_OPEN_PROJECT")]
    return []


def _first_contact_problems(proj: package.Table) -> list[Problem]:
    """The adolescents' programme's optional dates: the first contact comes before the start and the visit."""
    out = []
    for i, (contact, visit, start) in enumerate(
        zip(proj["first_contact_date"], proj["first_specialist_date"], proj["start_date"], strict=False)
    ):
        if contact and start and contact > start:
            out.append(_date_order(i + 2, "first_contact_date", "start_date"))
        if contact and visit and visit < contact:
            out.append(
                _date_order(
                    i + 2, "first_contact_date", "first_specialist_date", column="first_specialist_date"
                )
            )
    return out


def _overlap_problems(by_person: dict[str, list]) -> list[Problem]:
    """One project at a time: a project that starts before the person's previous one ends."""
    out = []
    for spans in by_person.values():
        if len(spans) > 1:
            spans.sort()
            for (_s1, e1, _), (s2, _e2, row2) in zip(spans, spans[1:], strict=False):
                if s2 <= e1:
                    out.append(_problem("projects", row2, "start_date", "PROJECTS_OVERLAP"))
    return out


def _assessment_problems(asm: package.Table, projects: dict[str, tuple]) -> list[Problem]:
    """HoNOS totals, assessment dates within their project, time points in order."""
    out = []
    honos_cols = [asm[f"honos_{k}"] for k in range(1, 13)]
    seen: dict[str, list] = defaultdict(list)
    for i, (pid, point, day, total) in enumerate(
        zip(asm["project_id"], asm["time_point"], asm["date"], asm["honos_total"], strict=False)
    ):
        row = i + 2
        out += _honos_total(row, [c[i] for c in honos_cols], total)
        span = projects.get(pid)
        if span is None or day is None:
            continue
        out += _within_project(row, day, point, span)
        if point in TIME_POINT_ORDER:
            seen[pid].append((TIME_POINT_ORDER[point], day, point, row))
    return out + _time_point_order(seen)


def _honos_total(row: int, items: list, total: int | None) -> list[Problem]:
    """The total of twelve known items is their sum; with an item unknown (9) there is no total."""
    if total is None or not all(isinstance(v, int) for v in items):
        return []
    if 9 in items:
        return [_problem("assessments", row, "honos_total", "HONOS_TOTAL_WITH_UNKNOWN")]
    if sum(items) != total:
        return [_problem("assessments", row, "honos_total", "HONOS_TOTAL_MISMATCH")]
    return []


def _within_project(row: int, day: dt.date, point: str | None, span: tuple) -> list[Problem]:
    """An assessment within its project's dates; at «closure» only of a closed project."""
    start, end, status = span
    out = []
    if day < start or (end is not None and day > end):
        out.append(_problem("assessments", row, "date", "ASSESSMENT_OUTSIDE_PROJECT"))
    if point == "closure" and status != "closed":
        out.append(_problem("assessments", row, "time_point", "TIMEPOINT_CLOSURE_OPEN"))
    return out


def _time_point_order(seen: dict[str, list]) -> list[Problem]:
    """Each project's time points in order of date (T0 before T6...)."""
    out = []
    for points in seen.values():
        points.sort()
        for (_, d1, p1, _), (_, d2, p2, row2) in zip(points, points[1:], strict=False):
            if d2 < d1:
                out.append(
                    _problem("assessments", row2, "date", "TIMEPOINT_ORDER", time_point=p2, previous=p1)
                )
    return out


def _cost_problems(cost: package.Table, projects: dict[str, tuple]) -> list[Problem]:
    """A cost's quarter must overlap its project's dates."""
    out = []
    bounds_cache: dict[str, Quarter | None] = {}
    for i, (pid, quarter) in enumerate(zip(cost["project_id"], cost["quarter"], strict=False)):
        span = projects.get(pid)
        if span is None or quarter is None:
            continue
        if quarter not in bounds_cache:
            bounds_cache[quarter] = Quarter.exact(quarter)
        q = bounds_cache[quarter]
        if q and (q.end < span[0] or (span[1] is not None and q.start > span[1])):
            out.append(_problem("costs", i + 2, "quarter", "COST_OUTSIDE_PROJECT"))
    return out


def _order(problems: list[Problem]) -> list[Problem]:
    tables = {f"{t}.csv": i for i, t in enumerate(package.TABLES)}
    unique = {(p.table, p.row, p.column, p.code): p for p in problems}
    for key in [k for k in unique if k[3] == "CELL_REQUIRED"]:
        if (*key[:3], "ROW_MISSING_CELL") in unique:  # one problem, not two
            del unique[key]
    return sorted(unique.values(), key=lambda p: (tables.get(p.table, -1), p.row, p.column, p.code))


ENGINES = ("fast", "frictionless")


def validate(
    data_dir: Path,
    territory: dict | None = None,
    check_repository: bool = True,
    load: bool = True,
    engine: str = "fast",
) -> Validation:
    """Validate the package in `data_dir`; `result.data` holds the typed tables when there are no problems.

    `engine` "fast" checks the rows with `rowcheck` (the same findings as frictionless, in a fraction
    of its time; it hands back to frictionless what it does not mirror); "frictionless" runs
    frictionless itself, as tests/test_outcomes_engines.py does to compare the two."""
    data_dir = Path(data_dir)
    _check_arguments(data_dir, engine, check_repository)
    result = Validation(data_dir)
    read = {table: _read_table(table, data_dir / f"{table}.csv") for table in package.TABLES}
    result.problems = [problem for table in package.TABLES for problem in read[table].problems]
    result.sha256 = {f"{table}.csv": r.sha256 for table, r in read.items() if r.sha256 is not None}
    if result.problems:
        return result
    identity, data, domain, structural = _check_contents(data_dir, read, territory, engine)
    result.problems = _order(identity + structural + domain)
    if load and result.ok:
        result.data = data
    return result


def _check_arguments(data_dir: Path, engine: str, check_repository: bool) -> None:
    """ValueError for an unknown engine; BdsError for a folder that is missing or that git could commit."""
    if engine not in ENGINES:
        raise ValueError(engine)
    if not data_dir.is_dir():
        raise BdsError(f"{data_dir}: {messages.t('outcomes.validate.missing_folder')}", exit_code=2)
    if check_repository:
        check_location(data_dir)


def _check_contents(
    data_dir: Path, read: dict[str, _Read], territory: dict | None, engine: str
) -> tuple[list[Problem], package.Data, list[Problem], list[Problem]]:
    """The identifier, typed, domain and structural problems of tables read without a problem: by the
    fast row checks, or by frictionless on what they hand back (everything with engine "frictionless")."""
    texts = {table: r.text or "" for table, r in read.items()}  # every table was read (no problem above)
    headers = {table: r.header for table, r in read.items()}
    fast = None
    if engine == "fast":
        fast, identity, data, domain = _with_rowcheck(data_dir, texts, headers, territory)
        if fast is not None and all(errors is not None for errors in fast.values()):
            return identity, data, domain, _fast_structural(fast)
    sources = {table: r.source() for table, r in read.items()}
    return _with_frictionless(data_dir, texts, sources, headers, territory, fast)


def _fast_structural(fast: dict[str, list[rowcheck.RowError] | None]) -> list[Problem]:
    """The row checks' findings, as problems (a table they handed to frictionless has none here)."""
    return [_structural_problem(table, error) for table, errors in fast.items() for error in errors or []]


def _content_problems(
    data_dir: Path, texts: dict[str, str], headers: dict[str, list[str]], territory: dict | None
) -> tuple[list[Problem], package.Data, list[Problem]]:
    """Identifier columns and values, the typed tables and the domain rules."""
    identity: list[Problem] = []
    for table, header in headers.items():
        identity += _identifier_columns(table, header)
        identity += _identifier_values(table, texts[table], header)
    with collector.paused():  # the typed tables are millions of objects, none of them a cycle
        data = package.load(data_dir, texts)
        return identity, data, domain_problems(data, territory)


def _with_rowcheck(
    data_dir: Path, texts: dict[str, str], headers: dict[str, list[str]], territory: dict | None
) -> tuple[dict[str, list[rowcheck.RowError] | None] | None, list[Problem], package.Data, list[Problem]]:
    """The fast row checks and the content checks; on a large package the row checks run in a second
    process (which reads the files again), so the two cores share the work."""
    size = sum(len(text) for text in texts.values())
    with ProcessPoolExecutor(max_workers=1) if size >= PARALLEL_FROM_BYTES else nullcontext() as pool:
        pending = pool.submit(_rowcheck_files, data_dir, headers) if pool else None
        identity, data, domain = _content_problems(data_dir, texts, headers, territory)
        if pending is None:
            return rowcheck.check(texts, headers), identity, data, domain
        digest, fast = pending.result()
    if digest != _digest(texts):  # a file changed between the two readings: check this reading
        fast = rowcheck.check(texts, headers)
    return fast, identity, data, domain


def _digest(texts: Mapping[str, str | None]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for table in package.TABLES:
        digest.update(b"\x00" if texts.get(table) is None else (texts[table] or "").encode("utf-8") + b"\x01")
    return digest.hexdigest()


def _rowcheck_files(
    data_dir: Path, headers: dict[str, list[str]]
) -> tuple[str, dict[str, list[rowcheck.RowError] | None] | None]:
    """`rowcheck.check` on the files read again (in a second process), with the digest of what it read."""
    texts: dict[str, str | None] = {}
    for table in package.TABLES:
        problems: list[Problem] = []
        raw = _read_bytes(table, data_dir / f"{table}.csv", problems)
        texts[table] = _decode(table, raw, problems) if raw is not None else None
    if any(text is None for text in texts.values()):
        return _digest(texts), None
    return _digest(texts), rowcheck.check({t: text or "" for t, text in texts.items()}, headers)


def _with_frictionless(
    data_dir: Path,
    texts: dict[str, str],
    sources: Mapping[str, bytes],
    headers: dict[str, list[str]],
    territory: dict | None,
    fast: dict[str, list[rowcheck.RowError] | None] | None,
) -> tuple[list[Problem], package.Data, list[Problem], list[Problem]]:
    """The content checks with frictionless on the tables `fast` left to it (all when `fast` is None),
    frictionless reading `sources` (table -> the file's bytes as validated).

    frictionless is slow (one core, ~30k rows/s): on a large package it runs in a second process
    while this one scans for identifiers, loads the tables and checks the domain rules."""
    names = None if fast is None else [t for t, errors in fast.items() if errors is None]
    size = sum(len(sources[t]) for t in names or package.TABLES)
    with ProcessPoolExecutor(max_workers=1) if size >= PARALLEL_FROM_BYTES else nullcontext() as pool:
        pending = pool.submit(_frictionless_problems, sources, headers, names) if pool else None
        identity, data, domain = _content_problems(data_dir, texts, headers, territory)
        structural = pending.result() if pending else _frictionless_problems(sources, headers, names)
    return identity, data, domain, structural + _fast_structural(fast or {})
