"""Quarters as the coordinators name them: 2026Q4 on the command line, «2026 T4» on the page.

The one quarter type of the kit: publication, report, ledger and outcome data all name quarters by
`Quarter.label`. `parse` reads what a person typed (2026q4 too, a year the kit knows); `exact` reads
a label a file or an earlier step wrote (exactly YYYYQn, None otherwise).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import dates
from ..errors import BdsError
from ..messages import t

_LABEL = re.compile(r"(\d{4})Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, label: str) -> Quarter:
        match = _LABEL.fullmatch(str(label or "").strip().upper())
        if not match:
            raise BdsError(
                t("publish.quarter.invalid", label=label),
                exit_code=2,
            )
        year = int(match.group(1))
        if not dates.FIRST_YEAR <= year <= dates.LAST_YEAR:
            raise BdsError(
                t("publish.quarter.out_of_range", label=label, first=dates.FIRST_YEAR, last=dates.LAST_YEAR),
                exit_code=2,
            )
        return cls(year, int(match.group(2)))

    @classmethod
    def exact(cls, label: str | None) -> Quarter | None:
        match = _LABEL.fullmatch(label or "")
        return cls(int(match.group(1)), int(match.group(2))) if match else None

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def title(self) -> str:
        return t("publish.quarter.title", year=self.year, number=self.number)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def default_today(self, clock_today: dt.date) -> dt.date:
        """The quarter's last day once it is over (a late publication sees the quarter as it ended);
        during the quarter, the real today (nothing after today can be known)."""
        return self.end if self.end < clock_today else clock_today

    def __str__(self) -> str:
        return self.label
