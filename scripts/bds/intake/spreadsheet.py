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

from .. import files, load
from .. import findings as F
from ..errors import BdsError
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
        "title": "Laboratorio di cucina (esempio)",
        "kind": "social",
        "axes": ["social"],
        "partner": partner,
        "summary": "Si cucina insieme una volta a settimana e poi si mangia insieme.",
        "description": "Un gruppo piccolo, con una cuoca e due volontari. Si "
        "impara a fare la spesa e a cucinare.",
        "audience": ["cps-users", "citizens"],
        "access": "both",
        "zones": [zone],
        "location.name": "Spazio di quartiere",
        "location.address": "Via Esempio 1",
        "location.visibility": "public",
        "dates.start": "2026-10-01",
        "dates.end": "2027-06-30",
        "dates.deadline": "2026-09-25",
        "schedule": "il martedì dalle 15 alle 17",
        "places": 8,
        "cost": "free",
        "contact.email": "info@ente.example",
        "contact.phone": "02 1234 5678",
        "accessibility": "Spazio senza barriere architettoniche.",
        "languages": ["it"],
        "tags": ["cucina", "gruppo"],
        "status": "open",
        "reviewed": "2026-05-01",  # in the past for any --today the tests use (never a future review)
        "example": True,
    }


def _cell(f: Field, value, lists: dict) -> str:
    labels = dict(choices_for(f, lists))
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    if isinstance(value, bool):
        return "sì" if value else "no"
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)


def template_csv(content=None, schema: dict | None = None) -> bytes:
    """Headers in Italian and one example row; UTF-8 with BOM so that Excel reads the accents."""
    lists = content_choices(content)
    all_fields = fields(schema)
    example = example_record(lists)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([f.title for f in all_fields])
    writer.writerow([_cell(f, example.get(f.name), lists) for f in all_fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- Reading ------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    text = re.sub(r"\((obbligatorio|facoltativo)\)|\*", "", str(text))
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


def read_rows(path: Path) -> list[list]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise BdsError(f"{path}: formato non riconosciuto; usa un file .csv o .xlsx", exit_code=2)


def _read_csv(path: Path) -> list[list]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BdsError(f"{path}: il file non si può leggere ({exc.strerror})", exit_code=2) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export is UTF-16
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # older Excel "CSV" on Windows
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:  # a cell over the csv module's size limit, or a broken quote at the end
        raise BdsError(
            f"{path}: riga {reader.line_num}: il file non è un CSV leggibile "
            "(una cella troppo lunga o virgolette non chiuse)",
            exit_code=2,
        ) from None


def _read_xlsx(path: Path) -> list[list]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or non-xlsx file
        raise BdsError(f"{path}: il file non è un foglio .xlsx leggibile", exit_code=2) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
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
) -> ImportResult:
    rows = read_rows(path)
    while rows and all(R.is_empty(c) for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise BdsError(f"{path}: il file è vuoto", exit_code=1)
    all_fields = fields()
    table = header_map(all_fields)
    columns: dict[int, Field] = {}
    ignored = []
    for i, header in enumerate(rows[0]):
        if header is None or not str(header).strip():
            continue
        f = table.get(_norm(header))
        if f is None or f in columns.values():
            ignored.append(str(header).strip())
        else:
            columns[i] = f
    if not columns:
        raise BdsError(
            f"{path}: nessuna intestazione riconosciuta; usa il modello con i titoli dei campi "
            "(per esempio «Titolo», «Sintesi»)",
            exit_code=1,
        )
    lists = content_choices(content)
    if partner and partner not in dict(lists["partners"]):
        raise BdsError(f"--partner: l'ente «{partner}» non è nell'elenco degli enti (content/partners/)", 2)
    out_dir = out_dir or project.opportunities_dir
    results, written = [], []
    seen_ids: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if all(R.is_empty(c) or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        values = {f.name: row[i] if i < len(row) else None for i, f in columns.items()}
        result = _row(number, values, all_fields, lists, content, today, partner, update, out_dir)
        results.append(result)
        record_id = (result.record or {}).get("id")
        if isinstance(record_id, str) and record_id in seen_ids and not result.problems:
            message = F.make(
                "ID_DUPLICATE", "", 0, 0, value=record_id, other=f"riga {seen_ids[record_id]}"
            ).message
            result.problems.append((all_fields[0].title, "ID_DUPLICATE", message))
        if isinstance(record_id, str):
            seen_ids.setdefault(record_id, number)
        if not result.problems and not dry_run:
            written.append(write_new(result.target, R.to_yaml(result.record), update))
            # Later rows see this one, so two rows with the same id are reported.
            doc_path = f"opportunities/{result.target.stem}.yml"
            content.opportunities[doc_path] = load.load_text(R.to_yaml(result.record), doc_path)
    return ImportResult(results, ignored, written)


def _row(number, values, all_fields, lists, content, today, partner, update, out_dir) -> RowResult:
    result = RowResult(number)
    parsed: dict[str, object] = {}
    titles = {f.name: f.title for f in all_fields}
    for f in all_fields:
        raw = values.get(f.name)
        if isinstance(raw, str):
            raw = raw.strip()
        if R.is_empty(raw) or raw == "":
            continue
        value, problem = R.parse_value(f, raw, lists)
        if problem:
            result.problems.append((f.title, problem.code, problem.message()))
        else:
            parsed[f.name] = value
    if not parsed.get("partner") and partner:
        parsed["partner"] = partner
    if not parsed.get("id") and isinstance(parsed.get("title"), str):
        parsed["id"] = R.slug(parsed["title"])
    if not parsed.get("reviewed"):
        parsed["reviewed"] = today.isoformat()
    record = R.build(parsed)
    failed = {title for title, _, _ in result.problems}
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    target = out_dir / f"{record_id}.yml" if record_id else None
    replacing = f"opportunities/{record_id}.yml" if update else None
    _, found = R.check(record, content, today, replacing=replacing)
    for finding in found:
        title = R.column_title(finding, titles)
        if finding.code == "FIELD_REQUIRED" and title in failed:
            continue
        entry = (title, finding.code, finding.message)
        if finding.severity == F.ERROR:
            if title not in failed or finding.code != "FIELD_REQUIRED":
                result.problems.append(entry)
        else:
            result.warnings.append(entry)
    if target is not None and target.exists() and not update and not result.problems:
        shown = f"opportunities/{target.name}"
        message = F.make("ID_DUPLICATE", "", 0, 0, value=record_id, other=shown).message
        result.problems.append((titles["id"], "ID_DUPLICATE", f"{message} Per sostituirlo usa --update."))
    result.record, result.target = record, target
    return result


def write_new(target: Path, text: str, update: bool) -> Path:
    """Write atomically; without `update`, never replace a file, not even one that appeared meanwhile."""
    try:
        return files.write_text(target, text, replace=update)
    except FileExistsError:
        raise BdsError(f"{target}: il file esiste già; per sostituirlo usa --update", 1) from None
