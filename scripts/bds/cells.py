"""Spreadsheet cells that cannot run: the one rule for every CSV and XLSX the kit writes.

A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
as a formula (OWASP, "CSV Injection"); a hostile listing title such as `=HYPERLINK(...)`
would run on the computer of whoever opens the open-data file. Text cells that start with one
of those characters, or with an apostrophe, get one leading apostrophe: spreadsheets then show
the text as it is, and a program gets the original back with one rule:

    a text cell that starts with an apostrophe: drop that first apostrophe.

Only text is touched. Numbers written as numbers (ints and floats, or the number columns of a
table, see `neutralise(value, numeric=True)`) stay numbers: `-3` is a number, not a formula.
"""

from __future__ import annotations

import re

from . import lazy

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")

RULE_IT: str  # the rule in words, for the files that carry such cells (`validate.cells.rule`): `rule()`


def rule() -> str:
    """The rule in words, for the readers of a file whose cells were neutralised."""
    from . import messages

    return messages.t("validate.cells.rule")


__getattr__ = lazy.attributes(__name__, RULE_IT=rule)


def neutralise(value, numeric: bool = False):
    """`value` safe for a spreadsheet cell; non-text values are returned unchanged.

    With `numeric`, a text that is exactly a number (`-3`, `+2.5`, `-1,5`) is left alone too:
    use it only for columns documented as numbers.
    """
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if numeric and _NUMBER.fullmatch(value):
        return value
    return "'" + value


def restore(value: str) -> str:
    """The inverse of `neutralise` for a text cell (what a machine reading the CSV does)."""
    return value[1:] if value.startswith("'") else value


def read_back(value):
    """A cell read from a spreadsheet: the kit's own apostrophe (one before = + - @ tab CR or ') dropped.

    Only the exact form `neutralise` writes is undone, so a text typed with a leading apostrophe in
    a spreadsheet program (which never reaches the CSV) or a word like «'Ndrangheta» stays as it is.
    """
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in TRIGGERS:
        return value[1:]
    return value


def row(values, numeric: set[int] | frozenset[int] = frozenset()) -> list:
    """A whole row through `neutralise`; `numeric` holds the positions of the number columns."""
    return [neutralise(v, numeric=i in numeric) for i, v in enumerate(values)]
