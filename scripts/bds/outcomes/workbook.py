"""The outcome data as a workbook: a template made from the package schema, and its import.

`template()` writes an .xlsx with one sheet per table of schemas/outcomes/datapackage.json, the fields'
Italian titles as headers (a comment each: description, unit, allowed values), a drop-down list for
every enum, date and number validation from the constraints and an instructions sheet. Everything is
read from the schema at run time: a field added there appears in the workbook by itself. The bytes are
the same for the same kit version (and territory): dates inside the file and in the zip are fixed.

`import_workbooks()` turns one or more filled workbooks (one per service) into the package's CSVs and
checks them with `validate.validate`, so the checks and messages are those of `bds outcomes validate`;
each problem is located back in its file, sheet, row and column, never quoting a cell. Identifiers
(the shapes of `validate.SHAPES`, the headers of `validate.IDENTIFYING_HEADERS`) are looked for in every
cell of every sheet. The workbook is checked for zip bombs and XML declarations by the content
importer's guards (`intake.spreadsheet.check_xlsx`) before openpyxl reads it.
The workbook's texts (sheet names, notes, instructions) are `report.workbook.*` of the message catalogue.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, cells, messages, vocabulary
from ..errors import BdsError
from ..findings import ERROR, Finding
from ..intake import spreadsheet
from ..pipeline.staging import staged_folder
from . import codes, fsutil, package, validate

_WB = "report.workbook"
INSTRUCTIONS = messages.t(f"{_WB}.sheets.instructions")
LISTS = messages.t(f"{_WB}.sheets.lists")
LAST_ROW = 1_048_576  # the validations cover the whole column below the header
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries and document properties: no build time in the file
FIXED_STAMP = "2000-01-01T00:00:00Z"
YES, NO = messages.t(f"{_WB}.yes_word"), messages.t(f"{_WB}.no_word")
TRUE_WORDS = {"sì", "si", "true", "vero", "1"}  # msg-ok: words read back from a cell, not shown
FALSE_WORDS = {"no", "false", "falso", "0"}
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _say(key: str, /, count: int | None = None, **params) -> str:
    """A text of the workbook (report.workbook.KEY in the message catalogue)."""
    return messages.t(f"{_WB}.{key}", count=count, **params)


# -- the schema, as the workbook shows it -------------------------------------------------------------
def resources() -> list[dict]:
    return [r for r in package.descriptor()["resources"] if r["name"] in package.TABLES]


def sheet_title(resource: dict) -> str:
    return str(resource.get("title") or resource["name"])[:31]


def _norm(text) -> str:
    return " ".join(str(text).replace("*", " ").split()).casefold()


def header_title(spec: dict, specs: list[dict]) -> str:
    """The field's title, or «title (name)» when two fields of the table share a title."""
    title = str(spec.get("title") or spec["name"])
    same = [s for s in specs if _norm(s.get("title") or s["name"]) == _norm(title)]
    return f"{title} ({spec['name']})" if len(same) > 1 else title


def labels(spec: dict) -> dict[str, str]:
    """enum value -> what the drop-down shows (the x-labels when they tell the values apart)."""
    values = [str(v) for v in spec.get("constraints", {}).get("enum", [])]
    given = spec.get("x-labels") or {}
    shown = {v: str(given.get(v, v)) for v in values}
    if len({_norm(s) for s in shown.values()}) != len(shown):
        return {v: v for v in values}
    return shown


def territory_lists(territory: dict | None) -> dict[str, list[str]]:
    """Drop-down values for the fields whose allowed values come from the territory, not the schema."""
    if not territory:
        return {}
    zones = [z["id"] for z in territory.get("zones") or [] if z.get("id")]
    services = [s["id"] for s in territory.get("health_services") or [] if s.get("id")]
    out = {}
    if zones:
        out["zone"] = [*zones, validate.OUTSIDE_ZONE]
    if services:
        out["health_service"] = services
    return out


def _comment_text(spec: dict, shown: list[str] | None) -> str:
    limits = spec.get("constraints", {})
    lines = [str(spec.get("title") or spec["name"])]
    if spec.get("description"):
        lines.append(str(spec["description"]))
    lines.append(_say("comment.required" if limits.get("required") else "comment.optional"))
    lines += _comment_hints(spec, shown)
    span = _comment_range(spec, limits, shown)
    if span:
        lines.append(span)
    lines.append(_say("comment.field", name=spec["name"]))
    return "\n".join(lines)


def _comment_hints(spec: dict, shown: list[str] | None) -> list[str]:
    """What a column's comment says of its values: the list, yes and no, the unit, the format, dates."""
    lines = []
    if shown:
        lines.append(_say("comment.values", values="; ".join(shown)))
    elif spec.get("type") == "boolean":
        lines.append(_say("comment.boolean", yes=YES, no=NO))
    if spec.get("x-unit"):
        lines.append(_say("comment.unit", unit=spec["x-unit"]))
    if spec.get("x-expected"):
        lines.append(_say("comment.format", format=spec["x-expected"]))
    if spec.get("type") == "date":
        lines.append(_say("comment.date"))
    return lines


def _comment_range(spec: dict, limits: dict, shown: list[str] | None) -> str | None:
    """The range of a number column with a limit (and no list of values), or None."""
    low, high = limits.get("minimum"), limits.get("maximum")
    if spec.get("type") not in ("integer", "number") or shown or (low is None and high is None):
        return None
    return _say("comment.range", low=_or_dots(low), high=_or_dots(high))


def _or_dots(limit):
    return limit if limit is not None else "…"


# -- writing the template -----------------------------------------------------------------------------
def _excel_serial(day: str) -> str:
    from openpyxl.utils.datetime import to_excel

    return str(int(to_excel(dt.datetime.fromisoformat(day))))


def _validation(spec: dict, list_ref: str | None):
    from openpyxl.worksheet.datavalidation import DataValidation

    limits = spec.get("constraints", {})
    kind = spec.get("type")
    allow_blank = not limits.get("required")
    common = dict(allow_blank=allow_blank, showErrorMessage=True, errorStyle="stop")
    if list_ref:
        return DataValidation(
            type="list",
            formula1=list_ref,
            errorTitle=_say("validation.list_title"),
            error=_say("validation.list_error"),
            **common,
        )
    if kind == "date":
        return _date_validation(limits, common)
    if kind in ("integer", "number") and _number_limits(limits) is not None:
        return _number_validation(kind, limits, common)
    if kind == "string" and limits.get("pattern") == UUID_PATTERN:
        return DataValidation(
            type="textLength",
            operator="equal",
            formula1="36",
            errorTitle=_say("validation.code_title"),
            error=_say("validation.code_error"),
            **common,
        )
    return None


def _date_validation(limits: dict, common: dict):
    from openpyxl.worksheet.datavalidation import DataValidation

    low = _excel_serial(limits.get("minimum") or "1900-01-01")
    high = _excel_serial(limits.get("maximum") or "2099-12-31")
    return DataValidation(
        type="date",
        operator="between",
        formula1=low,
        formula2=high,
        errorTitle=_say("validation.date_title"),
        error=_say("validation.date_error"),
        **common,
    )


def _number_limits(limits: dict) -> tuple | None:
    """(minimum, maximum) of a number column, either one None; None when it has neither."""
    low, high = limits.get("minimum"), limits.get("maximum")
    return None if low is None and high is None else (low, high)


def _number_validation(kind: str, limits: dict, common: dict):
    from openpyxl.worksheet.datavalidation import DataValidation

    low, high = limits.get("minimum"), limits.get("maximum")
    what = _say("validation.integer" if kind == "integer" else "validation.number")
    if low is not None and high is not None:
        rule = dict(operator="between", formula1=str(low), formula2=str(high))
        error = _say("validation.between", what=what, low=low, high=high)
    elif low is not None:
        rule = dict(operator="greaterThanOrEqual", formula1=str(low))
        error = _say("validation.at_least", what=what, low=low)
    else:
        rule = dict(operator="lessThanOrEqual", formula1=str(high))
        error = _say("validation.at_most", what=what, high=high)
    return DataValidation(
        type="whole" if kind == "integer" else "decimal",
        errorTitle=_say("validation.number_title"),
        error=error,
        **rule,
        **common,
    )


def _width(spec: dict, title: str, shown: list[str] | None) -> float:
    longest = max([len(title) * 0.9, *(len(s) for s in shown or [])], default=10)
    typical = {"date": 12, "integer": 8, "number": 10, "boolean": 8}.get(str(spec.get("type")), 12)
    if spec.get("constraints", {}).get("pattern") == UUID_PATTERN:
        typical = 38
    return round(min(max(longest, typical) + 3, 45), 1)


# the instructions sheet, line by line: (style, key under report.workbook.instructions); "" is a blank line
_GUIDE_START = [
    ("h1", "title"),
    ("", "made_by"),
    ("", ""),
    ("h2", "before"),
    ("", "no_names"),
    ("", "random_code"),
    ("", "private_folder"),
    ("", ""),
    ("h2", "how"),
    ("", "rows"),
    ("", "notes"),
    ("", "lists"),
    ("", "dates"),
    ("", "amounts"),
    ("", "optional"),
    ("", "keep"),
    ("", "one_file_each"),
]
_GUIDE_END = [
    ("", ""),
    ("h2", "done"),
    ("", "hand_over"),
    ("code", "command"),
    ("", "located"),
]


def _guide_lines(keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(style, _say(f"instructions.{key}", version=__version__) if key else "") for style, key in keys]


def _instructions(ws, territory_named: bool) -> None:
    from openpyxl.styles import Alignment, Font

    lines = _guide_lines(_GUIDE_START)
    if territory_named:
        lines += _guide_lines([("", "territory")])
    lines += [("", ""), ("h2", _say("instructions.sheets"))]
    for resource in resources():
        specs = package.table_schema(resource["name"])["fields"]
        required = sum(1 for s in specs if s.get("constraints", {}).get("required"))
        sheet = _say("instructions.sheet", sheet=sheet_title(resource), columns=len(specs), required=required)
        lines.append(("", sheet))
    lines += _guide_lines(_GUIDE_END)
    ws.column_dimensions["A"].width = 110
    for number, (style, text) in enumerate(lines, start=1):
        cell = ws.cell(row=number, column=1, value=cells.neutralise(text) if text else None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "h1":
            cell.font = Font(bold=True, size=14)
        elif style == "h2":
            cell.font = Font(bold=True, size=12)
        elif style == "code":
            cell.font = Font(name="Courier New")


def template(territory: dict | None = None) -> bytes:
    """The workbook's bytes: the same for the same kit version, schema and territory (and its words)."""
    if territory is None:
        return _template(None)
    with messages.use(words=vocabulary.of(territory)):
        return _template(territory)


def _template(territory: dict | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS
    from_territory = territory_lists(territory)
    _instructions(guide, bool(from_territory))
    lists = _Lists(book.create_sheet(LISTS))
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for resource in resources():
        ws = book.create_sheet(sheet_title(resource))
        specs = package.table_schema(resource["name"])["fields"]
        for position, spec in enumerate(specs, start=1):
            _column(ws, position, spec, specs, from_territory, lists, header_fill)
        ws.row_dimensions[1].height = 45
        ws.freeze_panes = "A2"
    lists.ws.sheet_state = "hidden"
    book.active = 0
    fixed = dt.datetime(*FIXED_TIME)
    book.properties.creator = "bds"
    book.properties.lastModifiedBy = "bds"
    book.properties.title = _say("title")
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


@dataclass
class _Lists:
    """The hidden sheet of drop-down values: one column per field with a list."""

    ws: Any
    column: int = 0

    def add(self, heading: str, values: list[str], integers: bool) -> str:
        """Write `values` under `heading` in the next column; the range a list validation points to."""
        from openpyxl.utils import get_column_letter

        self.column += 1
        letter = get_column_letter(self.column)
        self.ws.cell(row=1, column=self.column, value=cells.neutralise(heading))
        for row, value in enumerate(values, start=2):
            number = integers and re.fullmatch(r"-?[0-9]+", value)
            self.ws.cell(row=row, column=self.column, value=int(value) if number else cells.neutralise(value))
        return f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"


def _shown_values(spec: dict, from_territory: dict[str, list[str]]) -> list[str] | None:
    """The values a field's drop-down offers: the schema's labels, the territory's ids, sì/no; or none."""
    if spec.get("constraints", {}).get("enum"):
        return list(labels(spec).values())
    if spec["name"] in from_territory:
        return list(from_territory[spec["name"]])
    if spec.get("type") == "boolean":
        return [YES, NO]
    return None


def _column(ws, position: int, spec: dict, specs: list[dict], from_territory, lists: _Lists, fill) -> None:
    """One column of a data sheet: the header with its note, the drop-down or check, width and format."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(position)
    title = header_title(spec, specs)
    shown = _shown_values(spec, from_territory)
    cell = ws.cell(row=1, column=position, value=cells.neutralise(title))
    cell.font = Font(bold=bool(spec.get("constraints", {}).get("required")))
    cell.fill = fill
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    comment = Comment(_comment_text(spec, shown if spec.get("type") != "boolean" else None), "bds")
    comment.width, comment.height = 320, 200
    cell.comment = comment
    list_ref = lists.add(f"{ws.title}: {title}", shown, spec.get("type") == "integer") if shown else None
    rule = _validation(spec, list_ref)
    if rule is not None:
        rule.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(rule)
    dimension = ws.column_dimensions[letter]
    dimension.width = _width(spec, title, shown)
    if spec.get("type") == "date":
        dimension.number_format = "DD/MM/YYYY"
    elif spec.get("type") == "string":
        dimension.number_format = "@"  # «1-2» or «0» stay text, not a date or a number


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed entry dates and document dates (openpyxl stamps the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content, compresslevel=9)
    return out.getvalue()


# -- reading a filled workbook ------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """A problem located in a workbook: file, sheet, row (1 = header, 0 = the whole sheet), column."""

    file: str
    sheet: str
    row: int
    column: str  # a column letter, or ""
    code: str
    message: str

    def text(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.sheet, self.row or "", self.column) if p != "")
        return f"{where}: {messages.t('common.severity.error')} [{self.code}] {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)  # the fields in their order: file, sheet, row, column, code, message

    def finding(self) -> Finding:
        """This problem in the one finding model (`report.as_json`, every command's JSON): the sheet
        as the field, the column letter as its number (0 for the whole row or sheet)."""
        column = 0
        for letter in self.column:
            column = column * 26 + ord(letter.upper()) - ord("A") + 1
        return Finding(self.file, self.row, column, self.sheet, self.code, self.message, ERROR)


def _problem(file: str, sheet: str, row: int, column: str, code: str, /, **values) -> Problem:
    return Problem(file, sheet, row, column, code, codes.REGISTRY[code].template.format(**values))


@dataclass
class _Sheet:
    table: str
    file: str
    title: str
    letters: dict[str, str] = field(default_factory=dict)  # field name -> column letter
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # sheet row, field -> text


@dataclass
class _Book:
    file: str
    sheets: dict[str, _Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    structural: bool = False  # a problem that keeps the tables from being built


_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+")


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def cell_text(value, spec: dict, shown: dict[str, str] | None = None) -> str:
    """The CSV text of a cell for the field `spec`: Excel dates and numbers, and numbers typed as text,
    to the package's forms; a drop-down label to its value. What does not convert is kept as typed, so
    that validation reports it."""
    kind = spec.get("type")
    if value is None:
        return ""
    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta, int, float)):
        return _typed_cell(value, kind)
    text = " ".join(str(value).split())  # no line breaks: one row of the sheet is one line of the CSV
    code = _code_of(text, shown)
    if code is not None:
        return code
    convert = _TEXT_CELLS.get(str(kind))
    return convert(text) if convert else text


def _typed_cell(value, kind) -> str:
    """A cell Excel typed (a truth value, a date or time, a number) as the package writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return _day_cell(value, kind)
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return _excel_number_cell(value, kind)


def _day_cell(value: dt.date, kind) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if kind == "date" else value.isoformat(sep=" ")
    return value.isoformat()


def _excel_number_cell(value, kind) -> str:
    """A number cell: an Excel date serial in a date column, 0 or 1 in a yes/no column, else the number."""
    if kind == "date" and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date().isoformat()
    if kind == "boolean" and value in (0, 1):
        return "true" if value else "false"
    return _number_text(value)


def _code_of(text: str, shown: dict[str, str] | None) -> str | None:
    """The value whose drop-down label `text` is (None when it is no label, or the value itself)."""
    for code, label in (shown or {}).items():
        if _norm(text) == _norm(label) and text != code:
            return code
    return None


def _date_cell(text: str) -> str:
    """A date typed day first (15/09/2026) in ISO form; anything else as typed."""
    match = _DAY_FIRST.fullmatch(text)
    if not match:
        return text
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return text


def _number_cell(text: str, integer: bool = False) -> str:
    """A number typed as text (euro sign, thousands dots, decimal comma) in the package's form."""
    bare = text.replace("€", "").replace(" ", "")
    if _THOUSANDS.fullmatch(bare):
        bare = bare.replace(".", "")
    if _DECIMAL_COMMA.fullmatch(bare):
        bare = bare.replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]+(?:\.[0-9]+)?", bare):
        return text
    if integer and re.fullmatch(r"[+-]?[0-9]+\.0+", bare):
        return bare.split(".")[0]
    return bare


def _integer_cell(text: str) -> str:
    return _number_cell(text, integer=True)


def _boolean_cell(text: str) -> str:
    if _norm(text) in TRUE_WORDS:
        return "true"
    if _norm(text) in FALSE_WORDS:
        return "false"
    return text


_TEXT_CELLS = {"date": _date_cell, "integer": _integer_cell, "number": _number_cell, "boolean": _boolean_cell}


def _scan_text(value) -> str | None:
    """The text to scan for identifiers: every cell but dates and times."""
    if value is None or isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        return None
    return _number_text(value) if isinstance(value, (int, float)) else str(value)


def _identifier(text: str) -> str | None:
    for shape, pattern in validate.SHAPES:
        if pattern.search(text):
            return shape
    return None


def _check_file(path: Path) -> None:
    shown = str(path)
    if path.suffix.lower() != ".xlsx":
        raise BdsError(f"{shown}: {_say('read.not_xlsx')}", 2)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise BdsError(f"{shown}: {_say('read.missing')}", 2) from None
    except OSError:
        raise BdsError(f"{shown}: {_say('read.unreadable')}", 2) from None
    why = validate._not_regular(info)
    if why:
        raise BdsError(f"{shown}: {codes.message('TABLE_NOT_REGULAR', file=path.name, why=why)}", 2)
    if info.st_size > spreadsheet.MAX_BYTES:
        limit = f"{spreadsheet.MAX_BYTES // 2**20} MB"
        raise BdsError(f"{shown}: {codes.message('TABLE_TOO_LARGE', limit=limit)}", 2)
    exposure = fsutil.repository_exposure(path)
    if exposure:
        reason = _say({"tracked": "read.tracked", "not-ignored": "read.not_ignored"}[exposure])
        raise BdsError(f"{shown}: {codes.message('WORKBOOK_IN_REPOSITORY', why=reason)}", 2)
    spreadsheet.check_xlsx(path)  # zip bomb, password, DOCTYPE/ENTITY, sizes: before openpyxl reads it


def read_workbook(path: Path) -> _Book:
    """The data sheets of one workbook, typed to CSV text, and the problems found in it."""
    import openpyxl

    _check_file(path)
    book = _Book(str(path))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise BdsError(f"{path}: {_say('read.damaged')}", exit_code=2) from None
    by_name = _sheet_names()
    try:
        for position, ws in enumerate(workbook.worksheets, start=1):
            table = _sheet_table(book, ws, position, by_name)
            try:
                _read_sheet(book, ws, table)
            except BdsError:
                raise
            except Exception:  # a damaged sheet part
                raise BdsError(f"{path}: {_say('read.damaged')}", exit_code=2) from None
    finally:
        workbook.close()
    for resource in resources():
        if resource["name"] not in book.sheets:
            title = sheet_title(resource)
            book.problems.append(_problem(book.file, title, 0, "", "WORKBOOK_SHEET_MISSING", sheet=title))
            book.structural = True
    return book


def _sheet_names() -> dict[str, str]:
    """What a sheet may be called (normalised: its template title or the table's name) -> the table."""
    by_name = {}
    for resource in resources():
        by_name[_norm(sheet_title(resource))] = resource["name"]
        by_name[_norm(resource["name"])] = resource["name"]
    return by_name


def _sheet_table(book: _Book, ws, position: int, by_name: dict[str, str]) -> str | None:
    """The table a sheet holds, or None; a sheet of no known name, or a table's second sheet, is a problem."""
    name = _norm(ws.title)
    table = by_name.get(name)
    if table is None and name not in (_norm(INSTRUCTIONS), _norm(LISTS)):
        # the sheet's name is typed by a person: it is not shown
        where = _say("read.sheet_at", position=position)
        book.problems.append(_problem(book.file, where, 0, "", "WORKBOOK_SHEET_UNKNOWN", position=position))
        book.structural = True
    if table is not None and table in book.sheets:
        book.problems.append(_problem(book.file, ws.title, 0, "", "WORKBOOK_SHEET_TWICE", sheet=ws.title))
        book.structural = True
        return None
    return table


def _read_sheet(book: _Book, ws, table: str | None) -> None:
    _SheetReader(book, ws, table).read()


def _header_names(ordered: list[dict]) -> dict[str, str]:
    """What a header may say (normalised) -> the field: the template's title, the field's title, its name."""
    headers = {}
    for spec in ordered:
        headers[_norm(header_title(spec, ordered))] = spec["name"]
        headers.setdefault(_norm(spec.get("title") or spec["name"]), spec["name"])
        headers[_norm(spec["name"])] = spec["name"]
    return headers


class _SheetReader:
    """One sheet, row by row: every cell scanned for identifiers; a data sheet's header matched to the
    fields and its rows typed to CSV text (`table` None: a sheet that is not a table, only scanned)."""

    def __init__(self, book: _Book, ws, table: str | None):
        self.book, self.ws, self.table = book, ws, table
        self.sheet = _Sheet(table, book.file, ws.title) if table else None
        self.specs = package.fields_by_name(table) if table else {}
        self.ordered = package.table_schema(table)["fields"] if table else []
        self.headers = _header_names(self.ordered)
        self.shown = {
            name: labels(spec) for name, spec in self.specs.items() if spec.get("constraints", {}).get("enum")
        }
        self.columns: dict[int, str] = {}  # 0-based position -> field name
        self.counts: dict[str, int] = defaultdict(int)

    def found(self, row: int, column: str, code: str, **values) -> None:
        self.counts[code] += 1
        if self.counts[code] <= validate.MAX_SAME_PROBLEM:
            self.book.problems.append(_problem(self.book.file, self.ws.title, row, column, code, **values))

    def structural(self, row: int, column: str, code: str, **values) -> None:
        """A problem that keeps the tables from being built."""
        self.found(row, column, code, **values)
        self.book.structural = True

    def read(self) -> None:
        if hasattr(self.ws, "reset_dimensions"):
            self.ws.reset_dimensions()  # a stale <dimension> would drop rows silently
        filled = 0
        rows = self.ws.iter_rows(values_only=True, max_col=spreadsheet.MAX_COLUMNS + 1)
        for number, values in enumerate(rows, 1):
            if number > spreadsheet.EXCEL_MAX_ROWS:
                break
            if values.count(None) == len(values) or not any(spreadsheet._filled(v) for v in values):
                continue  # empty rows, at the end or in between, are left out
            filled += 1
            if filled > validate.MAX_TABLE_ROWS + 1:
                limit = _say("read.rows_limit", count=validate.MAX_TABLE_ROWS)
                self.structural(0, "", "TABLE_TOO_LARGE", limit=limit)
                return
            self._row(number, values, filled)
        self._finish()

    def _row(self, number: int, values: tuple, filled: int) -> None:
        """One filled row: its cells scanned, and below the header, its values typed into the table."""
        for position, value in enumerate(values):
            if value is not None:
                self._cell(number, position, value, filled)
        if self.sheet is None or number <= 1 or filled <= 1:
            return
        row = {
            name: cell_text(values[p], self.specs[name], self.shown.get(name))
            for p, name in self.columns.items()
        }
        if any(row.values()):
            self.sheet.rows.append((number, row))

    def _finish(self) -> None:
        """A data sheet with every required column becomes the book's table."""
        if self.sheet is None or self.table is None:
            return
        for spec in self.ordered:
            # a workbook made from an older template may lack a field added since: only if it is optional
            if spec["name"] not in self.sheet.letters and spec.get("constraints", {}).get("required"):
                self.structural(
                    1, "", "HEADER_MISSING", title=spec.get("title", spec["name"]), field=spec["name"]
                )
        self.book.sheets[self.table] = self.sheet

    def _cell(self, number: int, position: int, value, filled: int) -> None:
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(position + 1)
        text = _scan_text(value)
        if text is not None and len(text) > validate.MAX_CELL_CHARS:
            self.found(number, letter, "CELL_TOO_LONG", limit=validate.MAX_CELL_CHARS)
        shape = _identifier(text) if text else None
        if shape:
            self.found(number, letter, "IDENTIFIER_VALUE", shape=shape)
        if self.sheet is None or not spreadsheet._filled(value):
            return
        if number == 1:
            self._header(self.sheet, position, letter, value)
        elif position not in self.columns and filled > 1:
            self.structural(number, letter, "ROW_EXTRA_CELL")

    def _header(self, sheet: _Sheet, position: int, letter: str, value) -> None:
        name = self.headers.get(_norm(value))
        if name is None:
            identifying = validate.IDENTIFYING_HEADERS.match(str(value).strip())
            self.structural(
                1, letter, "IDENTIFIER_COLUMN" if identifying else "HEADER_EXTRA", position=position + 1
            )
        elif name in sheet.letters:
            self.structural(1, letter, "WORKBOOK_HEADER_TWICE", title=self.specs[name].get("title", name))
        else:
            self.columns[position] = name
            sheet.letters[name] = letter


# -- several workbooks into one package ---------------------------------------------------------------
def _keys(table: str) -> list[list[str]]:
    schema = package.table_schema(table)
    keys = [list(schema.get("primaryKey") or [])]
    keys += [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    out: list[list[str]] = []
    for key in keys:
        if key and key not in out:
            out.append(key)
    return out


def _across(books: list[_Book]) -> list[Problem]:
    """The same key in two workbooks: an error at the second, naming the first."""
    out = []
    for table in package.TABLES:
        for key in _keys(table):
            out += _same_key(table, key, books)
    return out


def _same_key(table: str, key: list[str], books: list[_Book]) -> list[Problem]:
    seen: dict[tuple, tuple[_Sheet, int]] = {}
    out = []
    for book in books:
        sheet = book.sheets.get(table)
        if sheet is None:
            continue
        for number, row in sheet.rows:
            value = tuple(row.get(name, "") for name in key)
            if not all(value):
                continue
            first = seen.get(value)
            if first is None:
                seen[value] = (sheet, number)
            elif first[0].file != book.file:
                out.append(_key_problem(table, key, sheet, number, first))
    return out


def _key_problem(
    table: str, key: list[str], sheet: _Sheet, number: int, first: tuple[_Sheet, int]
) -> Problem:
    fields = ", ".join(package.fields_by_name(table)[n].get("title", n) for n in key)
    return _problem(
        sheet.file,
        sheet.title,
        number,
        sheet.letters.get(key[0], ""),
        "WORKBOOK_KEY_ACROSS",
        fields=fields,
        other=first[0].file,
        other_sheet=first[0].title,
        other_row=first[1],
    )


def _write_tables(folder: Path, books: list[_Book]) -> dict[str, list[tuple[_Sheet, int]]]:
    """One CSV per table, rows in file order; returns where each CSV row comes from."""
    origins: dict[str, list[tuple[_Sheet, int]]] = {}
    for table in package.TABLES:
        specs = package.table_schema(table)["fields"]
        names = [s["name"] for s in specs]
        numeric = {i for i, s in enumerate(specs) if s.get("type") in ("integer", "number")}
        origins[table] = []
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(names)
            for book in books:
                sheet = book.sheets[table]
                for number, row in sheet.rows:
                    writer.writerow(cells.row([row.get(n, "") for n in names], numeric=numeric))
                    origins[table].append((sheet, number))
    (folder / "datapackage.json").write_text(
        json.dumps(package.frictionless_descriptor(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return origins


def _located(problem: validate.Problem, origins, books: list[_Book]) -> Problem:
    table = problem.table.removesuffix(".csv")
    if table not in origins:
        return Problem("", "", 0, "", problem.code, problem.message)
    title = sheet_title(next(r for r in resources() if r["name"] == table))
    if problem.row >= 2 and problem.row - 2 < len(origins[table]):
        sheet, number = origins[table][problem.row - 2]
        first = problem.column.split(",")[0]
        letter = sheet.letters.get(first, "")
        message = problem.message
        spec = package.fields_by_name(table).get(first)
        if problem.code == "CELL_ENUM" and spec is not None:
            # the sheet shows the drop-down's labels: the message lists those, not the package's codes
            allowed = ", ".join(labels(spec).values())
            message = codes.REGISTRY["CELL_ENUM"].template.format(
                title=spec.get("title", first), allowed=allowed
            )
        return Problem(sheet.file, sheet.title, number, letter, problem.code, message)
    files = ", ".join(b.file for b in books)
    return Problem(files, title, 0, "", problem.code, problem.message)


def _package_problems(found, origins, books: list[_Book], across: list[Problem]) -> list[Problem]:
    """The merged package's problems, located in the workbooks, less those the workbooks said already."""
    taken = {(p.file, p.sheet, p.row) for p in across}
    out = []
    for problem in found:
        located = _located(problem, origins, books)
        if problem.code == "IDENTIFIER_VALUE" and located.row:
            continue  # the workbook scan has located it already, cell by cell
        place = (located.file, located.sheet, located.row)
        if problem.code in ("KEY_DUPLICATE", "CELL_UNIQUE") and place in taken:
            continue  # said once, naming the other file
        out.append(located)
    return out


class ImportFailed(BdsError):
    def __init__(self, problems: list[Problem]):
        super().__init__(_say("read.failed", count=len(problems)), exit_code=1)
        self.problems = problems


def _order(problems: list[Problem], books: list[_Book]) -> list[Problem]:
    files = {b.file: i for i, b in enumerate(books)}
    sheets = {sheet_title(r): i for i, r in enumerate(resources())}
    unique = {(p.file, p.sheet, p.row, p.column, p.code): p for p in problems}
    return sorted(
        unique.values(),
        key=lambda p: (
            files.get(p.file, -1),
            sheets.get(p.sheet, 99),
            p.sheet,
            p.row,
            len(p.column),
            p.column,
            p.code,
        ),
    )


def import_workbooks(paths: list[Path], out_dir: Path, territory: dict | None, replace: bool = False) -> dict:
    """Read, merge and check the workbooks, then write the package into `out_dir` in one step.

    Raises ImportFailed with every located problem, and writes nothing, when any check fails."""
    books = _read_all(paths)
    problems = [p for b in books for p in b.problems]
    if any(b.structural for b in books):
        raise ImportFailed(_order(problems, books))
    across = _across(books)
    with staged_folder(out_dir, replace=replace) as tmp:
        origins = _write_tables(tmp, books)
        result = validate.validate(tmp, territory, check_repository=False, load=False)
        problems += _package_problems(result.problems, origins, books, across)
        problems += across
        if problems:
            raise ImportFailed(_order(problems, books))
    return {
        "out": str(out_dir),
        "files": len(books),
        "rows": {t: sum(len(b.sheets[t].rows) for b in books) for t in package.TABLES},
    }


def _read_all(paths: list[Path]) -> list[_Book]:
    """Every workbook read; BdsError (exit 2) when one is named twice."""
    resolved = [Path(p).resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise BdsError(_say("read.twice"), exit_code=2)
    return [read_workbook(Path(p)) for p in paths]
