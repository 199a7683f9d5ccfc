"""Spreadsheets in and out: the CSV template, and importing CSV or XLSX rows as listings.

Headers are the schema's Italian titles (matched without regard to case,
accents kept), or the field names (`location.name`). Each valid row becomes
`opportunities/<id>.yml`; a row with errors writes nothing and is reported by
row and column. Existing files are replaced only when asked (`update`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import cells, load
from .. import findings as F
from ..errors import BdsError
from ..messages import t
from ..pipeline.writing import write_file
from . import record as R
from .fields import Field, choices_for, content_choices, fields

DELIMITER = ";"  # what Excel expects in an Italian locale
OPTIONAL_IN_SHEET = {"id", "reviewed"}  # derived from the title / set to today when left empty


def example_record(lists: dict) -> dict:
    """The example row of the template (a fictitious listing)."""
    partner = lists["partners"][0][0] if lists.get("partners") else "nome-ente"
    zone = lists["zones"][0][0] if lists.get("zones") else "zona"
    return {
        "id": "laboratorio-di-cucina-esempio",
        "title": t("intake.sheet.example.title"),
        "kind": "social",
        "axes": ["social"],
        "partner": partner,
        "summary": t("intake.sheet.example.summary"),
        "description": t("intake.sheet.example.description"),
        "audience": ["cps-users", "citizens"],
        "access": "both",
        "zones": [zone],
        "location.name": t("intake.sheet.example.location_name"),
        "location.address": t("intake.sheet.example.address"),
        "location.visibility": "public",
        "dates.start": "2026-10-01",
        "dates.end": "2027-06-30",
        "dates.deadline": "2026-09-25",
        "schedule": t("intake.sheet.example.schedule"),
        "places": 8,
        "cost": "free",
        "contact.email": "info@ente.example",
        "contact.phone": "02 1234 5678",
        "accessibility": t("intake.sheet.example.accessibility"),
        "languages": ["it"],
        "tags": [tag.strip() for tag in t("intake.sheet.example.tags").split(",")],
        "status": "open",
        "reviewed": "2026-05-01",  # in the past for any --today the tests use (never a future review)
        "example": True,
    }


def _cell(f: Field, value, lists: dict) -> str:
    labels = dict(choices_for(f, lists))
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, bool):
        return t("intake.sheet.yes") if value else t("intake.sheet.no")
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)


def template_csv(content=None, schema: dict | None = None) -> bytes:
    """Headers in Italian and one example row; UTF-8 with BOM so that Excel reads the accents."""
    lists = content_choices(content)
    all_fields = fields(schema)
    example = example_record(lists)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(cells.row([f.title for f in all_fields]))
    writer.writerow(cells.row([_cell(f, example.get(f.name), lists) for f in all_fields]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- Reading ------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A header as compared: without the form's «(obbligatorio)» / «(facoltativo)» marks or an asterisk."""
    marks = "|".join(re.escape(t(key)) for key in ("form.required", "form.optional"))
    text = re.sub(rf"{marks}|\*", "", str(text))
    return " ".join(text.split()).casefold()


def header_map(all_fields: list[Field]) -> dict[str, Field]:
    table: dict[str, Field] = {}
    leaves: dict[str, list[Field]] = {}
    for f in all_fields:
        table[_norm(f.title)] = f
        table[_norm(f.name)] = f
        leaves.setdefault(_norm(f.path[-1]), []).append(f)
    for leaf, found in leaves.items():
        if len(found) == 1:
            table.setdefault(leaf, found[0])
    return table


# Bounds: a spreadsheet of listings is small; anything far bigger is a mistake or an attack.
MAX_BYTES = 10 * 1024 * 1024  # the file as given (CSV, or XLSX compressed)
MAX_ROWS = 5_000  # rows with something in them, the header included
MAX_SCANNED_ROWS = 100_000  # the last row that may hold something (empty rows included)
EXCEL_MAX_ROWS = 1_048_576
MAX_COLUMNS = 200
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all the members together, as declared and as read
XLSX_MAX_SHARED_STRINGS = 30 * 1024 * 1024
XLSX_MAX_RATIO = 200  # uncompressed / compressed, for members over XLSX_RATIO_FLOOR
XLSX_RATIO_FLOOR = 1024 * 1024
ENCODINGS = ("utf-8", "cp1252")


def _refuse(path: Path, code: str, at: int | None = None, **params) -> BdsError:
    """A file-level refusal at line `at`: located, with its code and hint; exit 1, nothing written."""
    entry = F.REGISTRY[code]
    where = t("intake.sheet.line", path=path, line=at) if at else f"{path}"
    finding = F.make(code, str(path), at or 0, 0, **params)
    refused = BdsError(f"{where}: [{code}] {finding.message} {entry.hint}", exit_code=1)
    refused.findings = [finding]  # type: ignore[attr-defined]  # for `bds import --format json`
    return refused


def read_rows(path: Path, encoding: str = "utf-8") -> list[list]:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt"):
        raise BdsError(t("intake.sheet.unknown_format", path=path), exit_code=2)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BdsError(t("intake.sheet.unreadable", path=path, reason=exc.strerror), exit_code=2) from None
    if size > MAX_BYTES:
        raise _refuse(path, "IMPORT_FILE_TOO_LARGE", size=size // 1024, limit=MAX_BYTES // 1024)
    rows = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path, encoding)
    return rows


def _bounded(path: Path, rows) -> list[list]:
    """The rows, refusing too many filled ones and too wide ones.

    Empty rows past MAX_SCANNED_ROWS are skipped without being kept (an .xlsx may declare a
    used range down to row 1,048,576); a filled row there is refused, never silently dropped.
    """
    out: list[list] = []
    filled = 0
    for number, row in enumerate(rows, start=1):
        if number > EXCEL_MAX_ROWS:
            raise _refuse(path, "IMPORT_TOO_MANY_ROWS", limit=MAX_SCANNED_ROWS)
        if row.count(None) == len(row):  # fast path (in C) for the empty rows a sheet pads gaps with
            if number <= MAX_SCANNED_ROWS:
                out.append([])
            continue
        row = _narrowed(path, number, list(row))
        if any(_filled(c) for c in row):
            filled += 1
            _check_filled(path, number, filled)
            out.append(row)
        elif number <= MAX_SCANNED_ROWS:
            out.append([])  # an empty row costs nothing to keep
    return out


def _narrowed(path: Path, number: int, row: list) -> list:
    """The row cut to MAX_COLUMNS; refused when a cell past them is filled."""
    if len(row) <= MAX_COLUMNS:
        return row
    if any(_filled(c) for c in row[MAX_COLUMNS:]):
        raise _refuse(path, "IMPORT_TOO_MANY_COLUMNS", number, limit=MAX_COLUMNS)
    return row[:MAX_COLUMNS]


def _check_filled(path: Path, number: int, filled: int) -> None:
    """Refuse the `filled`-th filled row (row `number`) past MAX_ROWS or past MAX_SCANNED_ROWS."""
    if filled > MAX_ROWS:
        raise _refuse(path, "IMPORT_TOO_MANY_ROWS", number, limit=MAX_ROWS)
    if number > MAX_SCANNED_ROWS:
        raise _refuse(path, "IMPORT_TOO_MANY_ROWS", number, limit=MAX_SCANNED_ROWS)


def _filled(cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def decode_csv(path: Path, raw: bytes, encoding: str = "utf-8") -> str:
    """The text of a CSV file. The encoding is read from the byte-order mark or given, never guessed.

    UTF-8 (with or without BOM) by default; UTF-16 and UTF-32 only with their BOM (Excel's «Testo
    Unicode»); Windows-1252 only when asked (`--encoding cp1252`). A stray byte, or a NUL byte, is a
    located error, not mojibake.
    """
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    codec = next((name for bom, name in boms if raw.startswith(bom)), None)
    if codec is None:
        if b"\x00" in raw:
            offset = raw.index(b"\x00")
            line, column = _position(raw, offset)
            raise _refuse(path, "IMPORT_NUL_BYTE", line, at_line=line, at_column=column)
        codec = "utf-8" if encoding == "utf-8" else encoding
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        shown = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(codec, codec.upper())
        before = raw[: exc.start].decode(codec, errors="replace")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise _refuse(
            path,
            "IMPORT_NOT_UTF8",
            line,
            encoding=shown,
            byte=f"0x{raw[exc.start]:02X}",
            at_line=line,
            at_column=column,
            offset=exc.start,
        ) from None
    if "\x00" in text:  # a NUL inside UTF-16 or UTF-32 text
        before = text[: text.index("\x00")]
        line = before.count("\n") + 1
        raise _refuse(path, "IMPORT_NUL_BYTE", line, at_line=line, at_column=len(before) - before.rfind("\n"))
    return text


MAX_CELL = 131_072  # characters in one cell (the csv module's own default)


def _read_csv(path: Path, encoding: str = "utf-8") -> list[list]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BdsError(t("intake.sheet.unreadable", path=path, reason=exc.strerror), exit_code=2) from None
    text = decode_csv(path, raw, encoding)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # The cell limit is the kit's, not whatever another library left in the process-wide setting.
    previous = csv.field_size_limit(MAX_CELL)
    try:
        return _bounded(path, reader)
    except csv.Error:  # a cell over the csv module's size limit, or a broken quote at the end
        raise BdsError(
            t("intake.sheet.csv_unreadable", path=path, line=reader.line_num), exit_code=2
        ) from None
    finally:
        csv.field_size_limit(previous)


_XML_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_UTF16_XML = (b"\xff\xfe<\x00", b"\xfe\xff\x00<", b"<\x00", b"\x00<")


def check_xlsx(path: Path) -> None:
    """Refuse a zip bomb, huge shared strings and XML with a DOCTYPE before openpyxl reads anything.

    openpyxl parses with the standard library (defusedxml is not installed), so an XML member with
    a DOCTYPE or ENTITY declaration (entity expansion, «billion laughs», external entities) is
    refused here; the sizes declared in the zip bound what Python's zipfile will ever inflate,
    and the members are read here in chunks to check them.
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BdsError(t("intake.sheet.xlsx_unreadable", path=path), exit_code=2) from None
    with archive:
        members = archive.infolist()
        reason = _declared_problem(members)
        if reason:
            raise _refuse(path, "IMPORT_XLSX_UNSAFE", reason=reason)
        read = 0
        for m in members:
            if m.is_dir():
                continue
            try:
                read += _scan_xml(path, archive, m)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
                raise BdsError(t("intake.sheet.xlsx_unreadable", path=path), exit_code=2) from None
            if read > XLSX_MAX_UNCOMPRESSED:
                raise _refuse(path, "IMPORT_XLSX_UNSAFE", reason=t("intake.sheet.xlsx.too_big"))


def _declared_problem(members) -> str | None:
    """Why the members and sizes the zip declares make it unsafe to inflate, or None."""
    if len(members) > XLSX_MAX_MEMBERS:
        return t("intake.sheet.xlsx.members", limit=XLSX_MAX_MEMBERS)
    if sum(m.file_size for m in members) > XLSX_MAX_UNCOMPRESSED:
        return t("intake.sheet.xlsx.uncompressed", limit=XLSX_MAX_UNCOMPRESSED // (1024 * 1024))
    for m in members:
        reason = _member_problem(m)
        if reason:
            return reason
    return None


def _member_problem(m) -> str | None:
    """Why one zip member is unsafe to inflate (a password, a bomb, huge shared strings), or None."""
    if m.flag_bits & 0x1:
        return t("intake.sheet.xlsx.password")
    if m.file_size > XLSX_RATIO_FLOOR and m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1):
        return t("intake.sheet.xlsx.ratio")
    if m.filename.lower().endswith("sharedstrings.xml") and m.file_size > XLSX_MAX_SHARED_STRINGS:
        return t("intake.sheet.xlsx.shared_strings", limit=XLSX_MAX_SHARED_STRINGS // (1024 * 1024))
    return None


def _scan_xml(path: Path, archive, member) -> int:
    """Bytes read of one member; refuses XML with a DOCTYPE or ENTITY, or XML in UTF-16.

    Every member is looked at, whatever its name (the workbook's relationships may point a sheet
    at any name): one that starts like XML is read through; a binary one (an image) after one chunk.
    """
    read, tail, first = 0, b"", True
    with archive.open(member) as fh:
        while chunk := fh.read(1024 * 1024):
            read += len(chunk)
            if first:
                first = False
                if chunk.startswith(_UTF16_XML):
                    raise _refuse(path, "IMPORT_XLSX_UNSAFE", reason=t("intake.sheet.xlsx.utf16"))
                if not chunk.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
                    return read  # not XML: openpyxl does not parse it
            window = tail + chunk
            if any(mark in window for mark in _XML_FORBIDDEN):
                raise _refuse(
                    path,
                    "IMPORT_XLSX_UNSAFE",
                    reason=t("intake.sheet.xlsx.doctype"),
                )
            tail = window[-16:]
            if read > member.file_size or read > XLSX_MAX_UNCOMPRESSED:
                raise _refuse(path, "IMPORT_XLSX_UNSAFE", reason=t("intake.sheet.xlsx.too_big"))
    return read


def _read_xlsx(path: Path) -> list[list]:
    import openpyxl

    check_xlsx(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or non-xlsx file
        raise BdsError(t("intake.sheet.xlsx_unreadable", path=path), exit_code=2) from None
    try:
        sheets = [s for s in book.worksheets if hasattr(s, "iter_rows")]
        if not sheets:
            raise _refuse(path, "IMPORT_NO_SHEET")
        sheet = sheets[0]
        declared = getattr(sheet, "max_column", None)  # from the sheet's <dimension>, when present
        if isinstance(declared, int) and declared > MAX_COLUMNS:
            raise _refuse(path, "IMPORT_TOO_MANY_COLUMNS", limit=MAX_COLUMNS)
        if hasattr(sheet, "reset_dimensions"):
            # openpyxl stops at the declared last row: a stale or lying <dimension> would drop rows
            # silently. Read them all (bounded by _bounded); max_col bounds the width of every row
            # (a cell past column 201 in a sheet that declares fewer columns is the one thing left out).
            sheet.reset_dimensions()
        try:
            return _bounded(path, sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1))
        except BdsError:
            raise
        except Exception:  # a damaged sheet part
            raise BdsError(t("intake.sheet.xlsx_unreadable", path=path), exit_code=2) from None
    finally:
        book.close()


@dataclass
class RowResult:
    row: int
    record: dict | None = None
    target: Path | None = None
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (column title, code, message)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult]
    ignored_columns: list[str]
    written: list[Path]

    @property
    def failed(self) -> list[RowResult]:
        return [r for r in self.rows if r.problems]


def import_file(
    project,
    content,
    path: Path,
    today: dt.date,
    partner: str | None = None,
    update: bool = False,
    out_dir: Path | None = None,
    dry_run: bool = False,
    encoding: str = "utf-8",
) -> ImportResult:
    rows = _from_header(path, encoding)
    all_fields = fields()
    columns, ignored = _columns(path, rows[0], all_fields)
    lists = content_choices(content)
    if partner and partner not in dict(lists["partners"]):
        raise BdsError(t("intake.sheet.partner_unknown", partner=partner), 2)
    out_dir = out_dir or project.opportunities_dir
    results, written = [], []
    seen_ids: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        result = _row(
            number, _values(row, columns), all_fields, lists, content, today, partner, update, out_dir
        )
        results.append(result)
        _check_repeated_id(result, number, seen_ids, all_fields[0].title)
        if not result.problems and not dry_run and result.target and result.record is not None:
            written.append(_write_row(result.target, result.record, content, update))
    return ImportResult(results, ignored, written)


def _from_header(path: Path, encoding: str) -> list[list]:
    """The rows from the header on (the empty rows above it dropped); BdsError for an empty file."""
    rows = read_rows(path, encoding)
    while rows and all(R.is_empty(c) for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise BdsError(t("intake.sheet.empty", path=path), exit_code=1)
    return rows


def _blank(row: list) -> bool:
    return all(R.is_empty(c) or (isinstance(c, str) and not c.strip()) for c in row)


def _values(row: list, columns: dict[int, Field]) -> dict[str, object]:
    return {f.name: row[i] if i < len(row) else None for i, f in columns.items()}


def _check_repeated_id(result: RowResult, number: int, seen_ids: dict[str, int], id_title: str) -> None:
    """A second row with an id an earlier row of the file has (recorded in `seen_ids`) is a problem."""
    record_id = (result.record or {}).get("id")
    if not isinstance(record_id, str):
        return
    if record_id in seen_ids and not result.problems:
        other = t("intake.sheet.row", row=seen_ids[record_id])
        message = F.make("ID_DUPLICATE", "", 0, 0, value=record_id, other=other).message
        result.problems.append((id_title, "ID_DUPLICATE", message))
    seen_ids.setdefault(record_id, number)


def _write_row(target: Path, record: dict, content, update: bool) -> Path:
    written = write_new(target, R.to_yaml(record), update)
    # Later rows see this one, so two rows with the same id are reported.
    doc_path = f"opportunities/{target.stem}.yml"
    content.opportunities[doc_path] = load.load_text(R.to_yaml(record), doc_path)
    return written


def _columns(path: Path, headers: list, all_fields: list[Field]) -> tuple[dict[int, Field], list[str]]:
    """Column index -> field for the headers the kit knows; the others, as written, to be ignored."""
    table = header_map(all_fields)
    columns: dict[int, Field] = {}
    ignored = []
    for i, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        f = table.get(_norm(header))
        if f is None or f in columns.values():
            ignored.append(str(header).strip())
        else:
            columns[i] = f
    if not columns:
        raise BdsError(t("intake.sheet.no_headers", path=path), exit_code=1)
    return columns, ignored


def _row(number, values, all_fields, lists, content, today, partner, update, out_dir) -> RowResult:
    result = RowResult(number)
    titles = {f.name: f.title for f in all_fields}
    parsed = _parse_cells(result, values, all_fields, lists)
    _fill_defaults(parsed, partner, today)
    record = R.build(parsed)
    failed = {title for title, _, _ in result.problems}
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    target = out_dir / f"{record_id}.yml" if record_id else None
    replacing = f"opportunities/{record_id}.yml" if update else None
    _, found = R.check(record, content, today, replacing=replacing)
    _add_findings(result, found, titles, failed)
    if target is not None:
        _existing_checks(result, target, record, titles, update)
    result.record, result.target = record, target
    return result


def _parse_cells(result: RowResult, values: dict, all_fields: list[Field], lists: dict) -> dict[str, object]:
    """The typed value of every filled cell of a row; what cannot be read goes to `result.problems`."""
    parsed: dict[str, object] = {}
    for f in all_fields:
        raw = values.get(f.name)
        if isinstance(raw, str):
            raw = cells.read_back(raw.replace("\r\n", "\n").strip())  # a CSV the kit wrote
        if R.is_empty(raw) or raw == "":
            continue
        hidden = R.forbidden_character(raw) if isinstance(raw, str) else None
        if hidden:
            message = F.make("INTAKE_CHARACTER_FORBIDDEN", "", 0, 0, **hidden).message
            result.problems.append((f.title, "INTAKE_CHARACTER_FORBIDDEN", message))
            continue
        value, problem = R.parse_value(f, raw, lists)
        if problem:
            result.problems.append((f.title, problem.code, problem.message()))
        else:
            parsed[f.name] = value
    return parsed


def _fill_defaults(parsed: dict[str, object], partner: str | None, today: dt.date) -> None:
    """The partner given with --partner, the id from the title, today as the review date, when empty."""
    if not parsed.get("partner") and partner:
        parsed["partner"] = partner
    title = parsed.get("title")
    if not parsed.get("id") and isinstance(title, str):
        parsed["id"] = R.slug(title)
    if not parsed.get("reviewed"):
        parsed["reviewed"] = today.isoformat()


def _add_findings(result: RowResult, found, titles: dict, failed: set) -> None:
    """The record's findings under their column titles: errors as problems, the rest as warnings.

    A column whose cell could not be read (in `failed`) is not reported again as missing.
    """
    for finding in found:
        title = R.column_title(finding, titles)
        if finding.code == "FIELD_REQUIRED" and title in failed:
            continue
        entry = (title, finding.code, finding.message)
        (result.problems if finding.severity == F.ERROR else result.warnings).append(entry)


def _existing_checks(result: RowResult, target: Path, record: dict, titles: dict, update: bool) -> None:
    """A listing already at `target`: replaced only with `update`, and only one of the same partner."""
    record_id = record.get("id")
    if update and not result.problems and (target.exists() or target.is_symlink()):
        owner = _owner(target)
        if owner != record.get("partner"):
            message = F.make(
                "IMPORT_OTHER_PARTNER",
                "",
                0,
                0,
                listing=f"opportunities/{target.name}",
                other=owner or t("intake.sheet.owner_unknown"),
                partner=record.get("partner"),
            ).message
            result.problems.append((titles["partner"], "IMPORT_OTHER_PARTNER", message))
    if target.exists() and not update and not result.problems:
        shown = f"opportunities/{target.name}"
        message = F.make("ID_DUPLICATE", "", 0, 0, value=record_id, other=shown).message
        result.problems.append((titles["id"], "ID_DUPLICATE", t("intake.sheet.use_update", message=message)))


def _owner(target: Path) -> str | None:
    """The partner of the listing already at `target`; None when it cannot be read or has none."""
    if target.is_symlink() or not target.is_file():
        return None
    doc = load.load_path(target, f"opportunities/{target.name}")
    data = doc.data if doc.ok else None
    partner = data.get("partner") if isinstance(data, dict) else None
    return partner if isinstance(partner, str) else None


def write_new(target: Path, text: str, update: bool) -> Path:
    """Write atomically; without `update`, never replace a file, not even one that appeared meanwhile."""
    try:
        return write_file(target, text, replace=update)
    except FileExistsError:
        raise BdsError(t("intake.sheet.exists", path=target), 1) from None
