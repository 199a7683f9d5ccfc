"""Dates in records, and the one rule for when a listing leaves the catalogue.

Records keep dates as ISO text (the loader never turns them into objects); every stage that
reasons about them (validator warnings, site, bulletin, freshness) parses them here.
"""

from __future__ import annotations

import datetime as dt

from . import lazy
from .messages import t

_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def month_name(month: int) -> str:
    """The name of `month` (1-12) in the current language: «ottobre»."""
    return t(f"common.dates.months.{_MONTH_KEYS[month - 1]}")


def weekday_name(day: dt.date) -> str:
    """The name of `day`'s weekday in the current language: «lunedì»."""
    return t(f"common.dates.weekdays.{_WEEKDAY_KEYS[day.weekday()]}")


def in_words(day: dt.date) -> str:
    """«1 ottobre 2026»: how the site and the report write a date."""
    return t("common.dates.day", day=day.day, month=month_name(day.month), year=day.year)


def with_weekday(day: dt.date) -> str:
    """«lunedì 11 gennaio 2027»: a date with its weekday, as people say it."""
    return t("common.dates.weekday_day", weekday=weekday_name(day), date=in_words(day))


def span(start: dt.date, end: dt.date | None = None) -> str:
    """«Da lunedì 11 gennaio 2027» or «Da lunedì 11 gennaio 2027 a venerdì 15 gennaio 2027»."""
    if end is None:
        return t("common.dates.from", start=with_weekday(start))
    return t("common.dates.from_to", start=with_weekday(start), end=with_weekday(end))


# The month and weekday names in the current language, read from the catalogue when asked.
MONTHS: tuple[str, ...]
WEEKDAYS: tuple[str, ...]
__getattr__ = lazy.attributes(
    __name__,
    MONTHS=lambda: tuple(month_name(n) for n in range(1, 13)),
    WEEKDAYS=lambda: tuple(t(f"common.dates.weekdays.{key}") for key in _WEEKDAY_KEYS),
)


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
