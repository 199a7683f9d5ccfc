"""Synthetic outcome data: a realistic, fully invented package to try the report without real data.

Deterministic per seed. Identifiers are random UUIDs drawn from the seeded
generator; there are no names, no addresses, nothing that could be a person.
Zones and health services come from the territory so the package validates.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import random
import uuid
from pathlib import Path

from ..pipeline.quarter import Quarter
from . import package

FIRST_ENTRY = dt.date(2023, 1, 1)
CUTOFF = dt.date(2026, 12, 31)  # the day the (invented) data were extracted
OUTSIDE_ZONE = "fuori-territorio"

DEFAULT_ZONES = {f"municipio-{i}": "asst-demo" for i in range(1, 10)}


def territory_zones(territory: dict | None) -> dict[str, str]:
    """zone id -> health service id, from the territory's health services and their CPS."""
    if not territory:
        return dict(DEFAULT_ZONES)
    mapping = _cps_zones(territory)
    for zone in territory.get("zones") or []:
        mapping.setdefault(zone["id"], (territory.get("health_services") or [{"id": "asst-demo"}])[0]["id"])
    return mapping or dict(DEFAULT_ZONES)


def _cps_zones(territory: dict) -> dict[str, str]:
    """zone id -> the health service of the first CPS that lists the zone."""
    mapping: dict[str, str] = {}
    for service in territory.get("health_services") or []:
        for cps in service.get("cps") or []:
            for zone in cps.get("zones") or []:
                mapping.setdefault(zone, service["id"])
    return mapping


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _Ids:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


PATHWAYS = {"standard": 0.80, "residential": 0.13, "prison-rems": 0.07}
CLOSURE = {
    "goals-met": 0.46,
    "dropout": 0.24,
    "transferred": 0.15,
    "moved-away": 0.08,
    "deceased": 0.02,
    "other": 0.05,
}
SOURCES = {"ssn": 0.45, "comune": 0.30, "foundation": 0.15, "person-family": 0.07, "other": 0.03}
CATEGORIES = {
    "housing": ["rent", "support-staff", "vouchers"],
    "work": ["internship-stipend", "courses", "transport"],
    "social": ["vouchers", "transport", "courses", "other"],
}


def adolescent_focused(territory: dict | None) -> bool:
    """A programme for adolescents (e.g. the Cremasco's budget di cura) records first contacts and visits."""
    text = " ".join(str((territory or {}).get(k) or "") for k in ("programme", "description")).lower()
    return "adolescen" in text or "ragazze e ragazzi" in text  # msg-ok: words matched in territory.yml


def generate(
    people: int, seed: int, territory: dict | None = None, contacts: bool | None = None
) -> dict[str, list[list]]:
    """Rows per table (header first), same rows for the same (people, seed, territory).

    `contacts`: fill the optional first-contact and first-visit dates (by default only for a programme
    for adolescents); they are drawn from a separate generator so that every other row stays the same."""
    rng = random.Random(f"bds-demo-{seed}")
    extra = random.Random(f"bds-demo-contacts-{seed}")
    if contacts is None:
        contacts = adolescent_focused(territory)
    new_id = _Ids(rng)
    zones = territory_zones(territory)
    zone_ids = sorted(zones)
    tables: dict[str, list[list]] = {t: [package.field_names(t)] for t in package.TABLES}
    span = (CUTOFF - FIRST_ENTRY).days
    for _ in range(people):
        row = _beneficiary(rng, new_id, zones, zone_ids)
        tables["beneficiaries"].append(row)
        pid, pathway = row[0], row[6]
        start = FIRST_ENTRY + dt.timedelta(days=rng.randrange(span - 20))
        projects = 1 + (rng.random() < 0.05)
        baseline = rng.uniform(8, 24) + (4 if pathway != "standard" else 0)
        person = (pid, pathway, baseline)
        _project_chain(rng, new_id, tables, person, start, projects, extra if contacts else None)
        _admissions(rng, new_id, tables, pid, start, baseline)
    return tables


def _beneficiary(rng, new_id, zones: dict[str, str], zone_ids: list[str]) -> list:
    """One invented person's row of beneficiaries: id, birth year, sex, zone, service, source, pathway."""
    pid = new_id()
    pathway = _pick(rng, PATHWAYS)
    zone = rng.choice(zone_ids) if rng.random() > 0.03 else OUTSIDE_ZONE
    service = zones.get(zone) or zones[zone_ids[0]]
    source = {
        "standard": _pick(rng, {"cps": 0.7, "spdc": 0.15, "social-services": 0.1, "other": 0.05}),
        "residential": "residential-facility",
        "prison-rems": "prison-rems",
    }[pathway]
    birth = int(min(2006, max(1945, rng.gauss(1982, 12))))
    sex = _pick(rng, {"M": 0.53, "F": 0.45, "X": 0.02})
    return [pid, birth, sex, zone, service, source, pathway]


def _project_chain(rng, new_id, tables, person: tuple, start: dt.date, count: int, extra) -> None:
    """Up to `count` successive projects of one person, each some months after the previous one closed."""
    pid, pathway, baseline = person
    for _ in range(count):
        end = _project(rng, new_id, tables, pid, pathway, start, baseline, extra)
        if end is None:
            break
        start = end + dt.timedelta(days=rng.randrange(90, 400))
        if start > CUTOFF - dt.timedelta(days=30):
            break


def _project(rng, new_id, tables, pid, pathway, start, baseline, extra=None) -> dt.date | None:
    project_id = new_id()
    referral = start - dt.timedelta(days=int(rng.expovariate(1 / 45)) + 5)
    months = rng.choice([6, 9, 12, 12, 18, 24, 24, 30, 36])
    planned = _add_months(start, months) + dt.timedelta(days=rng.randrange(-20, 20))
    end, status, reason = _ending(rng, planned)
    axes = _axes(rng, pathway)
    tables["projects"].append(
        [
            project_id,
            pid,
            referral.isoformat(),
            start.isoformat(),
            end.isoformat() if end else "",
            status,
            reason,
            ";".join(axes),
            *_contacts(extra, referral, start),
        ]
    )
    _follow_up(rng, tables, project_id, pathway, axes, (start, end), baseline)
    _project_costs(rng, tables, project_id, axes, start, min(end or CUTOFF, CUTOFF))
    return end


def _ending(rng, planned: dt.date) -> tuple[dt.date | None, str, str]:
    """End date, status and closure reason: still open when the planned end is after the cutoff."""
    if planned > CUTOFF:
        return None, ("suspended" if rng.random() < 0.04 else "active"), ""
    return planned, "closed", _pick(rng, CLOSURE)


def _axes(rng, pathway: str) -> list[str]:
    axes = [a for a in ("housing", "work", "social") if rng.random() < 0.5] or ["social"]
    if pathway == "residential" and "housing" not in axes:
        axes.insert(0, "housing")
    return axes


def _follow_up(rng, tables, project_id, pathway, axes, dates: tuple, baseline: float) -> None:
    """The project's assessments at T0, T6, T12 and T24 up to its end, and at closure."""
    start, end = dates
    last = min(end or CUTOFF, CUTOFF)
    housing = {
        "residential": "residential",
        "prison-rems": _pick(rng, {"residential": 0.5, "supported": 0.3, "other": 0.2}),
    }.get(pathway, _pick(rng, {"independent": 0.6, "supported": 0.25, "residential": 0.1, "other": 0.05}))
    work = _pick(
        rng, {"none": 0.6, "occupational": 0.2, "training": 0.1, "employed": 0.07, "internship": 0.03}
    )
    severity = baseline
    points = [("T0", 0), ("T6", 6), ("T12", 12), ("T24", 24)]
    for label, offset in points:
        when = _add_months(start, offset) + dt.timedelta(days=rng.randrange(0, 14))
        if when > last:
            break
        tables["assessments"].append(_assessment(rng, project_id, label, when, severity, housing, work))
        severity = max(0.0, severity - rng.uniform(-1.5, 4))
        housing = _next_housing(rng, housing, "housing" in axes)
        work = _next_work(rng, work, "work" in axes)
    if end and (end - start).days > 60:
        tables["assessments"].append(_assessment(rng, project_id, "closure", end, severity, housing, work))


def _project_costs(rng, tables, project_id, axes, start: dt.date, last: dt.date) -> None:
    """A few cost rows in each quarter from the project's start to `last`."""
    quarter_day = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while quarter_day <= last:
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            axis = rng.choice(axes)
            category = rng.choice(CATEGORIES[axis])
            source = _pick(rng, SOURCES)
            amount = round(rng.lognormvariate(5.8, 0.7), 2)
            row = [project_id, Quarter.of(quarter_day).label, source, axis, category, f"{amount:.2f}"]
            if all(r[:5] != row[:5] for r in tables["costs"][-3:]):
                tables["costs"].append(row)
        quarter_day = _add_months(quarter_day, 3)


def _contacts(extra, referral: dt.date, start: dt.date) -> list[str]:
    """First contact a few weeks before the referral; the first specialist visit some weeks after it."""
    if extra is None:
        return ["", ""]
    contact = min(referral, start) - dt.timedelta(days=int(extra.expovariate(1 / 21)))
    visit = contact + dt.timedelta(days=int(extra.expovariate(1 / 35)) + 3)
    return [contact.isoformat(), visit.isoformat() if extra.random() < 0.9 else ""]


def _assessment(rng, project_id, label, when, severity, housing, work) -> list:
    items = []
    for _ in range(12):
        score = int(min(4, max(0, round(rng.gauss(severity / 12, 0.9)))))
        items.append(9 if rng.random() < 0.01 else score)
    total = "" if 9 in items else sum(items)
    relationships = _pick(rng, {"0": 0.2, "1-2": 0.45, "3-5": 0.25, "6+": 0.1})
    community = "true" if rng.random() < 0.35 else "false"
    return [project_id, label, when.isoformat(), *items, total, housing, work, relationships, community]


def _next_housing(rng, housing, housing_axis) -> str:
    move = rng.random() < (0.25 if housing_axis else 0.08)
    if not move:
        return housing
    return {
        "residential": "supported",
        "supported": "independent",
        "other": "supported",
        "independent": "independent",
    }[housing]


def _next_work(rng, work, work_axis) -> str:
    if rng.random() < (0.25 if work_axis else 0.06):
        return _pick(rng, {"internship": 0.4, "employed": 0.45, "self-employed": 0.05, "training": 0.1})
    return work


def _admissions(rng, new_id, tables, pid, start, baseline) -> None:
    day = start - dt.timedelta(days=400)
    rate = 0.25 + baseline / 60  # admissions per person-year, higher for more severe difficulties
    while True:
        current = rate if day < start else rate * 0.55  # the project tends to reduce admissions
        day = day + dt.timedelta(days=int(rng.expovariate(current / 365)) + 1)
        if day > CUTOFF:
            break
        length = int(rng.expovariate(1 / 14)) + 1
        end = day + dt.timedelta(days=length)
        setting = _pick(rng, {"spdc": 0.6, "other-psychiatric": 0.25, "general": 0.15})
        compulsory = "true" if setting == "spdc" and rng.random() < 0.15 else "false"
        tables["admissions"].append(
            [new_id(), pid, day.isoformat(), end.isoformat() if end <= CUTOFF else "", setting, compulsory]
        )
        day = end


def write(out_dir: Path, tables: dict[str, list[list]]) -> None:
    """Write the CSVs and a datapackage.json (schemas inlined) into a new folder, atomically."""
    from ..pipeline.staging import staged_folder

    with staged_folder(out_dir) as tmp:
        for name, rows in tables.items():
            with (tmp / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh, lineterminator="\n").writerows(rows)
        (tmp / "datapackage.json").write_text(
            json.dumps(package.frictionless_descriptor(), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
