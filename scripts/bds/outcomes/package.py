"""The outcome data package: its schema (schemas/outcomes/) and a fast typed loader.

The package a case manager hands over is a folder with one CSV per table, named
like the tables (beneficiaries.csv, projects.csv, ...). The schema always comes
from the kit, never from the folder: a datapackage.json found there is ignored,
so nobody can loosen the rules by editing it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import kitfiles

SCHEMA_DIR_NAME = "outcomes"
TABLES = ("beneficiaries", "projects", "assessments", "admissions", "costs")
# The columns of a project's span (who, when, how it ended), read by the cross-table checks and the aggregate.
PROJECT_SPAN_COLUMNS = (
    "project_id",
    "beneficiary_id",
    "referral_date",
    "start_date",
    "end_date",
    "status",
    "closure_reason",
)


def schema_dir() -> Path:
    """schemas/outcomes of the kit (in the checkout, or shipped in the package: see kitfiles)."""
    return kitfiles.outcome_schemas()


@lru_cache(maxsize=1)
def descriptor() -> dict:
    """The package descriptor with every table schema inlined (a fresh copy is made by callers)."""
    folder = schema_dir()
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        schema = json.loads((folder / resource["schema"]).read_text(encoding="utf-8"))
        schema.pop("$comment", None)
        resource["schema"] = schema
    return package


def table_schema(table: str) -> dict:
    for resource in descriptor()["resources"]:
        if resource["name"] == table:
            return resource["schema"]
    raise KeyError(table)


def field_names(table: str) -> list[str]:
    return [f["name"] for f in table_schema(table)["fields"]]


def fields_by_name(table: str) -> dict[str, dict]:
    return {f["name"]: f for f in table_schema(table)["fields"]}


def optional_columns(table: str) -> set[str]:
    """Columns a file may leave out altogether (marked "x-optional-column" in the schema)."""
    return {f["name"] for f in table_schema(table)["fields"] if f.get("x-optional-column")}


def frictionless_descriptor(headers: dict[str, list[str]] | None = None) -> dict:
    """A plain descriptor for frictionless: custom keys (x-labels) removed.

    With `headers` (table -> the file's header), optional columns the file leaves out are dropped
    from that table's schema, so an older package without them still validates."""
    package = json.loads(json.dumps(descriptor()))
    for resource in package["resources"]:
        if headers is not None and resource["name"] in headers:
            present = set(headers[resource["name"]])
            drop = optional_columns(resource["name"]) - present
            resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] not in drop]
        for f in resource["schema"]["fields"]:
            for key in [k for k in f if k.startswith("x-")]:
                del f[key]
    return package


# -- typed loading ----------------------------------------------------------------------------------
TRUE = {"true", "True", "TRUE", "1"}  # msg-ok: the spellings a boolean cell may have (data)
FALSE = {"false", "False", "FALSE", "0"}  # msg-ok: as above


def _date(text: str):
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _int(text: str):
    try:
        return int(text)
    except ValueError:
        return None


def _float(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def _bool(text: str):
    return True if text in TRUE else False if text in FALSE else None


CONVERTERS = {"date": _date, "integer": _int, "number": _float, "boolean": _bool, "string": lambda t: t}


@dataclass
class Table:
    """Columns of one table, already typed; a cell that does not convert is None (validation reports it)."""

    name: str
    columns: dict[str, list] = field(default_factory=dict)
    rows: int = 0

    def __getitem__(self, column: str) -> list:
        return self.columns[column]

    def row_number(self, index: int) -> int:
        """Row number as a spreadsheet shows it: the header is row 1."""
        return index + 2


@dataclass
class Data:
    tables: dict[str, Table]

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]


def read_table(path: Path, table: str, text: str | None = None) -> Table:
    """Typed columns of one table, from `text` when given (already read and checked by validation)."""
    specs = fields_by_name(table)
    header, raw = _raw_columns(path, text)
    result = Table(table)
    result.rows = len(raw[0]) if raw else 0
    for position, name in enumerate(header):
        if name in specs:
            values = raw[position] if position < len(raw) else ()
            result.columns[name] = _typed(values, specs[name]["type"])
    for name in specs:
        result.columns.setdefault(name, [None] * result.rows)
    return result


def _raw_columns(path: Path, text: str | None) -> tuple[list[str], list[tuple]]:
    """The header and the columns (as text, short rows padded) of a CSV file, or of `text` when given."""
    with (
        io.StringIO(text, newline="")
        if text is not None
        else path.open(newline="", encoding="utf-8-sig") as fh
    ):
        reader = csv.reader(fh)
        header = next(reader, [])
        raw = list(itertools.zip_longest(*reader, fillvalue="")) if header else []
    return header, raw


def _typed(values, kind: str) -> list:
    """A column's values converted to the schema's `kind`; an empty cell is None."""
    if kind == "string":
        return [v if v != "" else None for v in values]
    convert = CONVERTERS.get(kind, CONVERTERS["string"])
    return [convert(v) if v != "" else None for v in values]


def load(data_dir: Path, texts: dict[str, str] | None = None) -> Data:
    texts = texts or {}
    return Data({t: read_table(data_dir / f"{t}.csv", t, texts.get(t)) for t in TABLES})
