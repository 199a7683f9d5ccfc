""" "Today" for every command: the reference day is `--today` (AAAA-MM-GG) or the clock's date, and a
quarter's publication defaults to the quarter's last day once the quarter is over."""

from __future__ import annotations

import datetime as dt
import re

from .. import dates
from ..errors import BdsError
from ..messages import t
from .quarter import Quarter


def parse(value: str | None) -> dt.date:
    """The day `--today` names, or the clock's date when it names none (BdsError, exit 2, otherwise)."""
    if not value:
        return dt.date.today()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError  # fromisoformat also takes 20261231 and 2026-W53: the help promises AAAA-MM-GG
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BdsError(t("cli.common.today.not_a_date", value=value), exit_code=2) from None
    if not dates.FIRST_YEAR <= day.year <= dates.LAST_YEAR:
        raise BdsError(
            t("cli.common.today.out_of_range", value=value, first=dates.FIRST_YEAR, last=dates.LAST_YEAR),
            exit_code=2,
        )
    return day


def for_quarter(quarter: Quarter, value: dt.date | None, clock_today: dt.date | None = None) -> dt.date:
    """The reference day of `quarter`'s publication: `value`, else the quarter's default (its last day
    once it is over); never before the quarter begins."""
    today = value or quarter.default_today(clock_today or dt.date.today())
    if today < quarter.start:
        raise BdsError(
            t(
                "publish.run.before_quarter",
                quarter=quarter.label,
                start=quarter.start.isoformat(),
                date=today.isoformat(),
            ),
            exit_code=2,
        )
    return today
