"""Dates in records, and the one rule for when a listing leaves the catalogue.

Records keep dates as ISO text (the loader never turns them into objects); every stage that
reasons about them (validator warnings, site, bulletin, freshness) parses them here.
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)


def in_words(day: dt.date) -> str:
    """«1 ottobre 2026»: how the site and the report write a date."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parse(value) -> dt.date | None:
    """An ISO date (AAAA-MM-GG) from a record, or None when it is missing or not a real date."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def leaves_catalogue_on(listing: dict) -> dt.date | None:
    """The first of `dates.deadline` and `dates.end`: after that day the listing leaves the catalogue."""
    dates = listing.get("dates") or {}
    found = [d for d in (parse(dates.get("deadline")), parse(dates.get("end"))) if d is not None]
    return min(found) if found else None


def is_expired(listing: dict, today: dt.date) -> bool:
    """Past `dates.end` or past `dates.deadline`."""
    day = leaves_catalogue_on(listing)
    return day is not None and day < today


# The days a command may take as «today» (--today) or as a quarter (--quarter): past the calendar's
# last year a date cannot even be moved forward by a day, and no programme runs before 2000.
FIRST_YEAR, LAST_YEAR = 2000, 2100
