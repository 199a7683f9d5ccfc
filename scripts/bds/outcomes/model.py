"""The aggregate as data: cells with their true values, the tables that show them, the relations among them.

Aggregation fills these; disclosure control decides each cell's status; rendering
only ever sees the decided, masked values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

TOTAL = "TOTALE"

COUNT, MEAN, RATE, EURO, PERCENT = "count", "mean", "rate", "euro", "percent"

PUBLISHED, SUPPRESSED, ZERO = "published", "suppressed", "zero"


def population_hash(people) -> str:
    digest = hashlib.sha256()
    for pid in sorted(people):
        digest.update(pid.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


@dataclass
class Cell:
    key: str  # stable across releases, e.g. "flussi|attivi|percorso=standard|2026Q1"
    kind: str = COUNT
    true: float = 0  # exact value (private)
    people: int = 0  # distinct contributing persons
    population: str = ""  # hash of the contributing persons
    gate: str | None = None  # for statistics: the count cell that must be published
    denominator: str | None = None  # for percentages: the count cell under the fraction bar
    contributions: list[float] = field(default_factory=list)  # per person, for the dominance rules
    decimals: int = 0
    # decided by disclosure control
    status: str = ""
    shown: str = ""
    reason: str = ""  # primary, secondary, group, n<k, dominance, ledger
    interval: tuple[float, float] | None = None  # what an attacker can prove (suppressed counts)


@dataclass
class Table:
    name: str
    title: str
    dims: list[str]  # dimension column names
    rows: list[tuple[tuple, str]] = field(default_factory=list)  # (dimension values, cell key)
    note: str = ""
    chart: dict | None = None  # how to draw it (render decides the look)


@dataclass
class Relation:
    """sum(coef * cell) between lo and hi: a fact any reader can derive from the tables' structure."""

    coefs: Mapping[str, float]
    lo: float
    hi: float

    def as_list(self) -> list:
        return [dict(sorted(self.coefs.items())), self.lo, self.hi]


@dataclass
class GroupRule:
    """A sensitive breakdown of a group: nobody may prove that (almost) all share one category."""

    total: str
    members: list[str]
    sensitive: bool = True


@dataclass
class Aggregate:
    quarter: str
    k: int
    cells: dict[str, Cell] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    groups: list[GroupRule] = field(default_factory=list)
    # relations to cells of earlier quarters, kept only if they hold for the true values
    history: Mapping[str, float] = field(default_factory=dict)  # true values of earlier-quarter cells
    links: list[Relation] = field(default_factory=list)

    def cell(self, key: str, **kwargs) -> Cell:
        if key not in self.cells:
            self.cells[key] = Cell(key, **kwargs)
        return self.cells[key]
