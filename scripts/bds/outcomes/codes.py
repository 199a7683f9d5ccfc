"""The registry of outcome-data problems: stable codes; their titles, message templates and hints are in
the message catalogue (`outcome_codes.<CODE>`, the groups' titles in `outcomes.groups`).

Templates only take positions, field titles and allowed values from the schema,
never a cell's content: the data are about people's health.

The codes are `findings.Code` entries (every one an error) and share one namespace with the content
codes: `bds codes` and the site list both registries (`bds/catalogue.py`), and a test keeps every code
unique across them. Each section sets the group (`_g`) and the command that reports it (`_cmd`).
"""

from __future__ import annotations

import functools

from .. import messages
from ..findings import ERROR, Code

_TABLE: list[tuple[str, str, str]] = []  # (code, group, command), in catalogue order
VALIDATE, IMPORT = "outcomes validate", "outcomes import"  # msg-ok: the commands' names


def _code(code: str) -> None:
    """Register `code` (its texts are read from the catalogue when the registry is first asked for)."""
    _TABLE.append((code, _g, _cmd))


def _build(code: str, group: str, command: str) -> Code:
    """The code with its texts from the catalogue (`outcome_codes.<CODE>`): the title and the template
    stay raw (the template's placeholders are filled where the problem is found); the hint takes the
    territory's default words (`{programme}`), as `bds codes` lists it."""
    key = f"outcome_codes.{code}"
    title, template = messages.raw(f"{key}.title"), messages.raw(f"{key}.template")
    return Code(
        code,
        ERROR,
        title,
        template,
        messages.t(f"{key}.hint"),
        messages.raw(f"outcomes.groups.{group}"),
        command,
    )


# -- the folder and its files ---------------------------------------------------------------------
_g, _cmd = "folder", VALIDATE
_code("DIR_IN_REPOSITORY")
_code("TABLE_MISSING")
_code("TABLE_UNREADABLE")
_code("HEADER_MISSING")
_code("HEADER_EXTRA")
_code("HEADER_WRONG")
_code("IDENTIFIER_COLUMN")
_code("IDENTIFIER_VALUE")
_code("ROW_BLANK")
_code("ROW_EXTRA_CELL")
_code("ROW_MISSING_CELL")
# -- one cell ------------------------------------------------------------------------------------
_g, _cmd = "cells", VALIDATE
_code("CELL_REQUIRED")
_code("CELL_TYPE")
_code("CELL_ENUM")
_code("CELL_PATTERN")
_code("CELL_RANGE")
_code("CELL_UNIQUE")
_code("KEY_DUPLICATE")
_code("KEY_UNKNOWN")
_code("CELL_INVALID")
# -- rules across cells and tables ---------------------------------------------------------------
_g, _cmd = "consistency", VALIDATE
_code("BENEFICIARY_ZONE_UNKNOWN")
_code("BENEFICIARY_SERVICE_UNKNOWN")
_code("PROJECT_DATE_ORDER")
_code("END_MISSING")
_code("END_ON_OPEN_PROJECT")
_code("REASON_MISSING")
_code("PROJECTS_OVERLAP")
_code("ASSESSMENT_OUTSIDE_PROJECT")
_code("TIMEPOINT_ORDER")
_code("TIMEPOINT_CLOSURE_OPEN")
_code("HONOS_TOTAL_WITH_UNKNOWN")
_code("HONOS_TOTAL_MISMATCH")
_code("ADMISSION_ORDER")
_code("COST_OUTSIDE_PROJECT")
_code("BIRTH_AFTER_START")

# -- hardening: reading the files, the repository guard, the ledger, the outputs (issue 10) ---------
_g, _cmd = "reading", VALIDATE
_code("TABLE_NOT_REGULAR")
_code("TABLE_TOO_LARGE")
_code("TABLE_NOT_UTF8")
_code("CELL_NUL")
_code("CELL_TOO_LONG")
_code("GIT_MISSING")
_code("GIT_REFUSED")
_code("GIT_FAILED")
_g, _cmd = "ledger", "report"
_code("LEDGER_UNREADABLE")
_code("LEDGER_INVALID")
_code("OUTPUT_NOT_WRITABLE")

# -- workbooks: bds outcomes template and bds outcomes import (issue 16) ------------------------------
_g, _cmd = "workbooks", IMPORT
_code("WORKBOOK_IN_REPOSITORY")
_code("WORKBOOK_SHEET_MISSING")
_code("WORKBOOK_SHEET_UNKNOWN")
_code("WORKBOOK_SHEET_TWICE")
_code("WORKBOOK_HEADER_TWICE")
_code("WORKBOOK_KEY_ACROSS")

# `REGISTRY` and `_CODES` are built when first asked for (module `__getattr__`), as findings.py does:
# `bds --help` imports the catalogue of codes without reading YAML.
REGISTRY: dict[str, Code]
_CODES: list[Code]


def _registry() -> dict[str, Code]:
    """The codes with the texts in the current territory's words (hints may name {programme})."""
    return _registry_for(tuple(sorted(messages.words().items())))


@functools.lru_cache(maxsize=8)
def _registry_for(words: tuple[tuple[str, str], ...]) -> dict[str, Code]:
    return {code: _build(code, group, command) for code, group, command in _TABLE}


def __getattr__(name: str) -> object:
    if name == "REGISTRY":
        return _registry()
    if name == "_CODES":
        return list(_registry().values())
    raise AttributeError(name)


def message(code: str, **values: object) -> str:
    """`[CODE] message` for errors that stop a command (not located in a table)."""
    return f"[{code}] " + _registry()[code].template.format(**values)
