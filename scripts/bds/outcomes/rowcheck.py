"""The row checks of the outcome package, column by column, with frictionless' own semantics.

Frictionless stays the contract: the Table Schemas of schemas/outcomes/ drive this checker (types,
required, enum, pattern, minimum/maximum, unique, primary keys, foreign keys) and it finds what
frictionless 5 finds on the same package, as frictionless' error records (type, row_number,
field_name, field_number, note, ...), which `validate._structural_problem` turns into our codes.
tests/test_outcomes_engines.py runs both on every package it can make and compares the findings.

Why plain Python and no columnar engine: the lock already holds all it needs (the csv module reads
the text validation has already decoded; numpy is not even needed), and the checks are cheap once
they are made per column on the *distinct* values: an enum, date or HoNOS column of 500,000 cells has
a handful of distinct values, each typed and checked once; only the rows holding a bad value are
then located. DuckDB, pyarrow or polars would add a large binary dependency, parse CSV with their
own rules (quotes, blank rows, dates) that would have to be reconciled with frictionless' anyway,
and save little over this on a programme's scale (about a million rows at most).

It never decides alone what it does not mirror exactly: a header that is not exactly the schema's
field names (frictionless then pairs labels and fields in its own way), a CSV dialect other than
plain commas and double quotes (frictionless sniffs it from the first 100 lines), a first row that
frictionless would not take for the header (it picks the first row about as wide as the first 100
rows on average, so a file whose early rows are mostly short or long has its header moved) or a table with
as many errors as frictionless' error limit (it truncates in its own row order) is handed back to
frictionless (`None` below). No value of a cell leaves this module: errors carry positions only.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import collector
from . import package

LIMIT_ERRORS = 1000  # frictionless' DEFAULT_LIMIT_ERRORS, per table
SAMPLE_LINES = 100  # the lines frictionless' CSV parser sniffs the dialect from
DELIMITERS = ",\t;|"  # the delimiters it lets the sniffer choose from
TRUE_VALUES = ("true", "True", "TRUE", "1")  # msg-ok: frictionless' default boolean spellings (data)
FALSE_VALUES = ("false", "False", "FALSE", "0")  # msg-ok: as above
DATE_PATTERN = "%Y-%m-%d"  # frictionless' "default" date format
MISSING = object()  # a cell the row does not have (shorter than the header)

# The constraints each type checks, in frictionless' order (fields/*.py: supported_constraints).
_BOUNDS = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
SUPPORTED = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": _BOUNDS,
    "number": _BOUNDS,
    "date": _BOUNDS,
    "boolean": ["required"],
}


@dataclass(frozen=True)
class RowError:
    """One finding, shaped like the frictionless error it stands for (the attributes validate reads)."""

    type: str
    row_number: int
    field_name: str = ""
    field_number: int = 0
    note: str = ""
    field_names: list[str] = field(default_factory=list)
    reference_name: str = ""


# -- typing one cell, as frictionless' value readers do -------------------------------------------------
def _read_string(cell: str) -> Any:
    return cell


def _read_integer(cell: str) -> Any:
    try:
        return int(cell.strip())
    except Exception:
        return None


def _read_number(cell: str) -> Any:
    try:
        return Decimal(cell.strip())
    except Exception:
        return None


def _read_date(cell: str) -> Any:
    year, month, day = cell[:4], cell[5:7], cell[8:]
    if len(cell) == 10 and cell.isascii() and cell[4] + cell[7] == "--" and (year + month + day).isdigit():
        try:  # the common spelling, the same answer as strptime's and ten times faster
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            pass
    try:
        return dt.datetime.strptime(cell, DATE_PATTERN).date()
    except Exception:
        return None


_BOOLEANS = {**dict.fromkeys(FALSE_VALUES, False), **dict.fromkeys(TRUE_VALUES, True)}


def _read_boolean(cell: str) -> Any:
    return _BOOLEANS.get(cell)


READERS: dict[str, Callable[[str], Any]] = {
    "string": _read_string,
    "integer": _read_integer,
    "number": _read_number,
    "date": _read_date,
    "boolean": _read_boolean,
}


def _bound(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(limit: Any, value: Any) -> bool:
        if value is None:
            return True
        if value != value:  # NaN: incomparable, refused (as frictionless does)
            return False
        return bool(compare(value, limit))

    return check


CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "required": lambda required, value: not (required and value is None),
    "minLength": lambda limit, value: value is None or len(value) >= limit,
    "maxLength": lambda limit, value: value is None or len(value) <= limit,
    "pattern": lambda pattern, value: value is None or bool(pattern.match(value)),
    "enum": lambda allowed, value: value is None or value in allowed,
    "minimum": _bound(operator.ge),
    "maximum": _bound(operator.le),
    "exclusiveMinimum": _bound(operator.gt),
    "exclusiveMaximum": _bound(operator.lt),
}


@dataclass(frozen=True)
class Verdict:
    """What frictionless makes of one distinct cell: its typed value and the errors it raises."""

    value: Any
    type_error: bool = False
    failed: tuple[str, ...] = ()  # the constraints it breaks, in frictionless' order

    @property
    def bad(self) -> bool:
        return self.type_error or bool(self.failed)


class Column:
    """One schema field's checks, compiled once (constraints typed like the cells, as frictionless does)."""

    def __init__(self, spec: dict, number: int, missing_values: Sequence[str]) -> None:
        self.name, self.number = spec["name"], number
        self.type = spec.get("type", "string")
        if self.type not in READERS or spec.get("format", "default") != "default":
            raise NotImplementedError(f"{self.type}/{spec.get('format')}")  # never hit by the kit's schema
        self.read = READERS[self.type]
        self.missing = set(missing_values)
        self.checks: list[tuple[str, Callable[[Any], bool]]] = []
        constraints = spec.get("constraints", {})
        for name in SUPPORTED[self.type]:
            if constraints.get(name) is None:
                continue
            limit = constraints[name]
            if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                limit = self._typed(limit)
            elif name == "pattern":
                limit = re.compile(f"^{limit}$")
            elif name == "enum":
                limit = [self._typed(v) for v in limit]
            self.checks.append((name, functools.partial(CHECKS[name], limit)))
        self.constraints = constraints
        self.required = bool(constraints.get("required"))
        self.ok = self._quick_check()

    def _quick_check(self) -> Callable[[Any], Any]:
        """One call that is truthy when a present, typed value breaks no constraint (the common case,
        made cheap: a bare compiled pattern or a set for the usual single constraint)."""
        checks = [(name, check) for name, check in self.checks if name != "required"]
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            name, check = checks[0]
            limit: Any = check.args[0] if isinstance(check, functools.partial) else None
            if name == "pattern":
                return limit.match
            if name == "enum" and self.type in ("string", "integer"):
                return frozenset(limit).__contains__
            return check
        names = [name for name, _ in checks]
        if names == ["minimum", "maximum"]:
            low, high = (check.args[0] for _, check in checks if isinstance(check, functools.partial))
            return lambda value: value == value and low <= value <= high  # NaN refused, as _bound does
        return lambda value: all(check(value) for _, check in checks)

    def _typed(self, value: Any) -> Any:
        """A constraint's value as frictionless types it (a number in the schema stays a number)."""
        if isinstance(value, str):
            return self.read(value)
        if self.type == "number" and isinstance(value, float):
            return Decimal(str(value))
        return value

    def verdict(self, cell: Any) -> Verdict:
        if cell is MISSING or cell in self.missing:
            value = None
        else:
            value = self.read(cell)
            if value is None:
                return Verdict(None, type_error=True)
        failed = tuple(name for name, check in self.checks if not check(value))
        return Verdict(value, failed=failed)

    def classify(self, distinct: set[Any]) -> tuple[dict[Any, Verdict], dict[Any, Any] | None]:
        """The verdicts of the distinct cells that raise an error, and the typed value of every distinct
        cell (None when each cell is its own typed value: a string column without blanks)."""
        blank = {cell for cell in distinct if cell is MISSING or cell in self.missing}
        present = distinct - blank if blank else distinct
        typed: dict[Any, Any] | None
        if self.type == "string":
            typed = dict.fromkeys(blank) | {cell: cell for cell in present} if blank else None
            suspects = [cell for cell in present if not self.ok(cell)]
        else:
            typed = dict.fromkeys(blank) | {cell: self.read(cell) for cell in present}
            suspects = [cell for cell in present if typed[cell] is None or not self.ok(typed[cell])]
        if self.required:
            suspects += blank
        bad = {cell: self.verdict(cell) for cell in suspects}
        return {cell: verdict for cell, verdict in bad.items() if verdict.bad}, typed

    def note(self, constraint: str) -> str:
        return f'constraint "{constraint}" is "{self.constraints[constraint]}"'


# -- reading ---------------------------------------------------------------------------------------------
def plain_dialect(text: str) -> bool:
    """True when frictionless' sniffer reads `text` as plain CSV (commas, double quotes, no space skipped)."""
    sample = "".join(itertools.islice(io.StringIO(text, newline=""), SAMPLE_LINES))
    try:
        sniffed = csv.Sniffer().sniff(sample, DELIMITERS)
    except csv.Error:
        return True  # frictionless falls back to csv.excel
    quote = '"' if sniffed.quotechar == "'" else sniffed.quotechar
    return sniffed.delimiter == "," and quote == '"' and not sniffed.skipinitialspace


def rows_of(text: str) -> list[list[str]]:
    """The rows of `text` as the csv module reads them (split directly when nothing is quoted)."""
    if '"' not in text and "\r" not in text:
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        return [line.split(",") if line else [] for line in lines]
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # validation has already bounded every cell
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(limit)


def columns_of(text: str, width: int) -> list[list[str]] | None:
    """The columns of the data rows of a text with nothing quoted, no carriage return and `width` cells
    on every row, cut from one split of the whole text (what the csv module would read, in a fraction
    of its time); None for any other text."""
    if '"' in text or "\r" in text or width < 2:
        return None
    end = text.find("\n")
    body = text[end + 1 :] if end >= 0 else ""
    if body.endswith("\n"):
        body = body[:-1]
    if not body:
        return [[] for _ in range(width)]
    if any(line.count(",") != width - 1 for line in body.split("\n")):  # an empty line fails too
        return None
    flat = body.replace("\n", ",").split(",")
    return [flat[i::width] for i in range(width)]


def header_row(rows: list[list[str]]) -> int:
    """The row frictionless takes for the header: the first of its sample (100 rows) whose width is
    within 10% of the sample's mean width (row 1 when none is)."""
    widths = [len(cells) for cells in rows[:SAMPLE_LINES]]
    if not widths:
        return 1
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    return next((n for n, w in enumerate(widths, start=1) if width - drift <= w <= width + drift), 1)


@dataclass
class Table:
    """One table's rows as columns, its typed key columns and the errors found so far."""

    name: str
    fields: list[Column]
    count: int  # data rows
    cells: list[Any]  # one sequence per field: the raw cell, or MISSING
    errors: list[RowError] = field(default_factory=list)
    typed: dict[str, list[Any]] = field(default_factory=dict)  # filled for the key columns
    blank: set[int] = field(default_factory=set)  # indexes of blank rows

    def row(self, index: int) -> int:
        return index + 2  # the header is row 1


def _table(name: str, header: list[str], rows: list[list[str]] | None, columns: list[Any] | None) -> Table:
    """One table from its `columns` (every row as wide as the header) or else from its `rows`."""
    specs = package.fields_by_name(name)
    missing_values = package.table_schema(name).get("missingValues", [""])
    fields = [Column(specs[label], number, missing_values) for number, label in enumerate(header, start=1)]
    width = len(fields)
    body = (rows or [])[1:]
    cells: list[Any]
    if columns is not None:
        cells = columns
    elif all(len(r) == width for r in body):
        cells = list(zip(*body, strict=True)) if body else [() for _ in fields]
    else:  # some rows are shorter or longer: their missing cells are MISSING, their extra ones dropped
        cells = list(itertools.zip_longest(*body, fillvalue=MISSING))[:width]
        cells += [(MISSING,) * len(body)] * (width - len(cells))
    table = Table(name, fields, len(cells[0]) if cells else 0, cells)
    _shape_errors(table, body, width)
    return table


def _shape_errors(table: Table, body: list[list[str]], width: int) -> None:
    """Extra and missing cells (rows in `body` only), and blank rows (which replace every other error
    of their row)."""
    first = table.cells[0] if table.cells else ()
    pairs = list(zip(table.fields, table.cells, strict=True))
    for index, cell in enumerate(first):
        if cell is MISSING or cell in table.fields[0].missing:
            if all(c[index] is MISSING or c[index] in f.missing for f, c in pairs):
                table.blank.add(index)
    for index, cells in enumerate(body):
        if len(cells) == width or index in table.blank:
            continue
        row = table.row(index)
        for number in range(width + 1, len(cells) + 1):
            table.errors.append(RowError("extra-cell", row, field_number=number))
        for column in table.fields[len(cells) :]:
            table.errors.append(RowError("missing-cell", row, column.name, column.number))


# -- the checks ------------------------------------------------------------------------------------------
def _cell_errors(table: Table, keys: set[str]) -> None:
    """Type and constraint errors, column by column, each distinct cell checked once; the typed values
    of the columns in `keys` (primary key, unique, foreign keys) kept for the checks across rows."""
    for column, cells in zip(table.fields, table.cells, strict=True):
        bad, typed = column.classify(set(cells))
        if column.name in keys:
            table.typed[column.name] = list(cells) if typed is None else [typed[cell] for cell in cells]
        if not bad:
            continue
        for index, cell in enumerate(cells):
            if cell in bad and index not in table.blank:
                _append_cell(table, column, table.row(index), bad[cell])


def _append_cell(table: Table, column: Column, row: int, verdict: Verdict) -> None:
    if verdict.type_error:
        table.errors.append(RowError("type-error", row, column.name, column.number))
    for constraint in verdict.failed:
        note = column.note(constraint)
        table.errors.append(RowError("constraint-error", row, column.name, column.number, note))


def _duplicates(keys: Iterable[Any]) -> list[int]:
    """Indexes of the keys already seen on an earlier row (None never counts)."""
    seen: set[Any] = set()
    again = []
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:
            again.append(index)
        else:
            seen.add(key)
    return again


def _unique_errors(table: Table) -> None:
    for column in table.fields:
        if column.constraints.get("unique"):
            values = table.typed[column.name]
            if len(set(values)) + values.count(None) - (None in values) == len(values):
                continue  # nothing repeated (the common case, decided without a loop)
            for index in _duplicates(values):
                table.errors.append(RowError("unique-error", table.row(index), column.name, column.number))


def _primary_key_errors(table: Table, primary: list[str]) -> None:
    columns = [table.typed[name] for name in primary]
    keys = list(zip(*columns, strict=True)) if len(columns) > 1 else [(v,) for v in columns[0]]
    empty = (None,) * len(primary)
    if len(set(keys)) == len(keys) and empty not in keys:
        return
    rows = {index for index, key in enumerate(keys) if key == empty}
    rows.update(_duplicates(None if key == empty else key for key in keys))
    table.errors.extend(RowError("primary-key", table.row(index)) for index in sorted(rows))


def _foreign_key_errors(table: Table, tables: dict[str, Table], foreign_keys: list[dict]) -> None:
    for fk in foreign_keys:
        names, other = list(fk["fields"]), fk["reference"]["resource"]
        source = tables[other]
        source_columns = [source.typed[name] for name in fk["reference"]["fields"]]
        empty = (None,) * len(names)
        known = set(zip(*source_columns, strict=True)) - {empty}
        keys = list(zip(*(table.typed[name] for name in names), strict=True))
        if not set(keys) - known - {empty}:
            continue
        for index, key in enumerate(keys):
            if key != empty and key not in known:
                error = RowError("foreign-key", table.row(index), field_names=names, reference_name=other)
                table.errors.append(error)


def _blank_errors(table: Table) -> None:
    """A blank row: one blank-row error (frictionless drops its row's other cell errors; its empty
    primary key is reported by `_primary_key_errors`)."""
    for index in sorted(table.blank):
        table.errors.append(RowError("blank-row", table.row(index)))


def check(texts: dict[str, str], headers: dict[str, list[str]]) -> dict[str, list[RowError] | None] | None:
    """Every table's row errors, or None when frictionless must check the whole package (a header
    other than the schema's names, a dialect other than plain CSV); a table's entry is None when its
    errors reach frictionless' limit (frictionless then checks that table)."""
    expected = {
        resource["name"]: [f["name"] for f in resource["schema"]["fields"]]
        for resource in package.frictionless_descriptor(headers)["resources"]
    }
    for name in package.TABLES:
        if headers.get(name) != expected[name] or not plain_dialect(texts[name]):
            return None
    with collector.paused():
        return _check(texts, headers)


def _check(texts: dict[str, str], headers: dict[str, list[str]]) -> dict[str, list[RowError] | None] | None:
    tables: dict[str, Table] = {}
    for name in package.TABLES:
        columns, rows = columns_of(texts[name], len(headers[name])), None
        if columns is None:
            rows = rows_of(texts[name])
            if header_row(rows) != 1:
                return None
        tables[name] = _table(name, headers[name], rows, columns)
    schemas = {name: package.table_schema(name) for name in package.TABLES}
    referenced: dict[str, set[str]] = {name: set() for name in package.TABLES}
    for schema in schemas.values():
        for fk in schema.get("foreignKeys", []):
            referenced[fk["reference"]["resource"]].update(fk["reference"]["fields"])
    for name, table in tables.items():
        schema = schemas[name]
        keys = set(schema.get("primaryKey", [])) | referenced[name]
        keys |= {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
        keys |= {n for fk in schema.get("foreignKeys", []) for n in fk["fields"]}
        _cell_errors(table, keys & set(headers[name]))
    out: dict[str, list[RowError] | None] = {}
    for name, table in tables.items():
        schema = schemas[name]
        primary = list(schema.get("primaryKey", []))
        _unique_errors(table)
        if primary:
            _primary_key_errors(table, primary)
        _foreign_key_errors(table, tables, schema.get("foreignKeys", []))
        _blank_errors(table)
        out[name] = table.errors if len(table.errors) < LIMIT_ERRORS else None
    return out
