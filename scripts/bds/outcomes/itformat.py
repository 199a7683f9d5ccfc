"""Italian formatting of the report's figures and dates: «1.234», «17,3», «43%», «1.234 €», «1 ottobre 2026».

Only the report for people (HTML and PDF) uses it; the tidy CSVs for machines keep the plain
machine form (17.3, 1234) so that they load unchanged into any tool.
"""

from __future__ import annotations

import datetime as dt

from .. import dates, messages
from .model import COUNT, EURO, MEAN, PERCENT, RATE, SUPPRESSED, ZERO

NBSP = "\u00a0"
HIDDEN = "—"


def date_words(day: dt.date) -> str:
    """1 ottobre 2026."""
    return dates.in_words(day)


def quarter_words(label: str) -> str:
    """2026Q3 -> «3° trimestre 2026»."""
    return messages.t("report.format.quarter", number=label[-1], year=label[:4])


def quarter_short(label: str) -> str:
    """2026Q3 -> «III-26», short enough to sit under a bar."""
    return f"{('I', 'II', 'III', 'IV')[int(label[-1]) - 1]}-{label[2:4]}"


def group(digits: str) -> str:
    """Thousands point: 12345 -> 12.345."""
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("-")
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return sign + ".".join(parts)


def number(text: str) -> str:
    """A machine number («1234», «-3.1») in Italian form («1.234», «-3,1»)."""
    text = str(text)
    if "." in text:
        whole, frac = text.split(".", 1)
        return f"{group(whole)},{frac}"
    return group(text)


def percent(text: str) -> str:
    return f"{number(text)}%"


def euro(text: str) -> str:
    return f"{number(text)}{NBSP}€"


def value(kind: str, status: str, shown: str) -> str:
    """How a masked cell reads in the report: «<10», «—» for a hidden figure, else the Italian number."""
    if status == SUPPRESSED:
        return shown if shown else HIDDEN
    if status == ZERO:
        return "0"
    if kind == PERCENT:
        return percent(shown)
    if kind == EURO:
        return euro(shown)
    if kind in (MEAN, RATE, COUNT):
        return number(shown)
    return number(shown)
