"""Indicators of one quarter, computed from the validated package as exact (private) cells.

The unit is the distinct person. Quarterly flows and fixed entry-year cohorts are
preferred to cumulative-to-date figures, so releases overlap as little as possible:
a cohort is shown only once complete (all its members had time to reach T12), so
its cells never change from one release to the next.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .. import messages
from ..errors import BdsError
from ..pipeline.quarter import Quarter
from . import package
from .model import (
    COUNT,
    EURO,
    MEAN,
    PERCENT,
    RATE,
    TOTAL,
    Aggregate,
    Cell,
    GroupRule,
    Relation,
    Table,
    population_hash,
)

AGE_BANDS = [
    (0, 34, "fino a 34"),  # msg-ok: a category key of the released tables and of the ledger's cells
    (35, 49, "35-49"),
    (50, 64, "50-64"),
    (65, 200, "65 e oltre"),  # msg-ok: as above
]
FLOWS = ("attivi", "ingressi", "uscite")
PAID_WORK = {"employed", "self-employed"}
HOUSING = ("residential", "supported", "independent", "other")
YEAR = 365.25


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    quarter = Quarter.exact(label)
    if quarter is None:
        raise BdsError(messages.t("outcomes.aggregate.bad_quarter", label=label), exit_code=2)
    return quarter.start, quarter.end


def previous_quarter(label: str) -> str:
    return str(Quarter(int(label[:4]), int(label[-1])).previous())


def enum_values(table: str, name: str) -> list[str]:
    return list(package.fields_by_name(table)[name]["constraints"]["enum"])


def _rows(table: package.Table, *names: str):
    """The rows of `table` as tuples of the columns `names`."""
    return zip(*(table[name] for name in names), strict=False)


_PROJECT_COLUMNS = (*package.PROJECT_SPAN_COLUMNS, "axes")


def _domains(person: dict[str, tuple], territory: dict | None) -> dict[str, list]:
    """Every category of each breakdown: the schema's, the territory's services and any other service seen."""
    services = [s["id"] for s in (territory or {}).get("health_services") or []]
    seen = sorted({p[3] for p in person.values() if p[3]} - set(services))
    return {
        "percorso": enum_values("beneficiaries", "pathway"),
        "servizio": services + seen,
        "fascia_eta": [label for _, _, label in AGE_BANDS],
        "sesso": enum_values("beneficiaries", "sex"),
        "asse": ["housing", "work", "social"],
    }


class People:
    """Person-level view of the package: each person's projects, assessments, admissions and costs."""

    def __init__(self, data: package.Data, territory: dict | None):
        ben, proj, asm, adm, cost = (data[t] for t in package.TABLES)
        self.person = {
            pid: (birth, sex, pathway, service)
            for pid, birth, sex, pathway, service in _rows(
                ben, "beneficiary_id", "birth_year", "sex", "pathway", "health_service"
            )
        }
        self.projects, owner = _projects(proj)
        # optional dates of the adolescents' programme: project -> (first contact, first specialist visit)
        self.contacts: dict[str, tuple] = {
            project_id: (contact, visit)
            for project_id, contact, visit in _rows(
                proj, "project_id", "first_contact_date", "first_specialist_date"
            )
            if contact is not None
        }
        self.assessments = _assessments(asm)
        self.admissions: dict[str, list[tuple]] = defaultdict(list)
        for pid, start, end in _rows(adm, "beneficiary_id", "start_date", "end_date"):
            self.admissions[pid].append((start, end))
        self.costs = _costs_by_quarter(cost, owner)
        self.domains = _domains(self.person, territory)

    def categories(self, dim: str, pid: str, project: tuple, year: int) -> tuple[str, ...]:
        birth, sex, pathway, service = self.person[pid]
        if dim == "percorso":
            return (pathway,)
        if dim == "servizio":
            return (service,)
        if dim == "sesso":
            return (sex,)
        if dim == "asse":
            return project[4]
        age = year - birth
        return tuple(label for low, high, label in AGE_BANDS if low <= age <= high)

    def flows(self, quarter: str) -> dict[str, dict[str, tuple]]:
        """flow -> person -> the project that puts the person in that flow."""
        qs, qe = quarter_bounds(quarter)
        out: dict[str, dict[str, tuple]] = {f: {} for f in FLOWS}
        for pid, spans in self.projects.items():
            for span in spans:  # sorted by start: the latest project wins
                for flow in _span_flows(span, qs, qe):
                    out[flow][pid] = span
        return out

    def first_projects(self) -> dict[str, tuple]:
        return {pid: spans[0] for pid, spans in self.projects.items() if spans}


def _projects(proj: package.Table) -> tuple[dict[str, list[tuple]], dict[str, str]]:
    """Each person's projects as spans sorted by start, and each project's person."""
    projects: dict[str, list[tuple]] = defaultdict(list)
    owner = {}
    for row in _rows(proj, *_PROJECT_COLUMNS):
        project_id, pid, referral, start, end, status, reason, axes = row
        owner[project_id] = pid
        projects[pid].append(
            (start, end, status, reason, tuple((axes or "").split(";")), referral, project_id)
        )
    for spans in projects.values():
        spans.sort()
    return projects, owner


def _assessments(asm: package.Table) -> dict[str, dict[str, tuple]]:
    """project -> time point -> (date, HoNOS total, housing, work)."""
    assessments: dict[str, dict[str, tuple]] = defaultdict(dict)
    for project_id, point, day, total, housing, work in _rows(
        asm, "project_id", "time_point", "date", "honos_total", "housing", "work"
    ):
        assessments[project_id][point] = (day, total, housing, work)
    return assessments


def _costs_by_quarter(cost: package.Table, owner: dict[str, str]) -> dict[str, list[tuple]]:
    """quarter -> (person or None, funding source, category, amount) of each cost row."""
    costs: dict[str, list[tuple]] = defaultdict(list)
    for project_id, quarter, source, category, amount in _rows(
        cost, "project_id", "quarter", "funding_source", "category", "amount"
    ):
        costs[quarter].append((owner.get(project_id), source, category, amount or 0.0))
    return costs


def _span_flows(span: tuple, qs: dt.date, qe: dt.date) -> list[str]:
    """The flows of the quarter [qs, qe] a project puts its person in."""
    start, end = span[0], span[1]
    flows = []
    if start <= qe and (end is None or end >= qs):
        flows.append("attivi")
    if qs <= start <= qe:
        flows.append("ingressi")
    if end is not None and qs <= end <= qe and span[2] == "closed":
        flows.append("uscite")
    return flows


def _count(agg: Aggregate, key: str, people) -> str:
    people = list(people)
    agg.cell(key, kind=COUNT, true=len(people), people=len(people), population=population_hash(people))
    return key


def _margin(agg: Aggregate, members: list[str], total: str, multi: bool = False) -> None:
    coefs = {m: 1 for m in members}
    if not multi:
        coefs[total] = -1
        agg.relations.append(Relation(coefs, 0, 0))
        return
    for m in members:  # a person may fall in several categories: each cell is at most the total
        agg.relations.append(Relation({m: 1, total: -1}, float("-inf"), 0))
    coefs[total] = -1
    agg.relations.append(Relation(coefs, 0, float("inf")))


def _if_true(agg: Aggregate, relation: Relation) -> None:
    """Add a relation an attacker could assume, but only if the data really satisfy it."""
    value = sum(c * agg.cells[k].true for k, c in relation.coefs.items())
    if relation.lo <= value <= relation.hi:
        agg.relations.append(relation)


def build(data: package.Data, quarter: str, k: int, territory: dict | None = None) -> Aggregate:
    qs, qe = quarter_bounds(quarter)
    people = People(data, territory)
    agg = Aggregate(quarter, k)
    _flows(agg, people, quarter)
    _cohorts(agg, people, qe)
    _hospital(agg, people, quarter)
    _costs(agg, people, quarter)
    _waiting(agg, people, quarter)
    if people.contacts:  # only when the package records first contacts (the adolescents' programme)
        _contact_waiting(agg, people, quarter)
    return agg


def flow_key(flow: str, dim: str | None, category: str | None, quarter: str) -> str:
    if dim is None:
        return f"flussi|{flow}|{TOTAL}|{quarter}"
    return f"flussi|{flow}|{dim}={category}|{quarter}"


def flow_counts(people: People, quarter: str) -> dict[str, int]:
    """True counts of every flow cell of a quarter (used for earlier quarters' relations)."""
    year = quarter_bounds(quarter)[1].year
    flows = people.flows(quarter)
    counts: dict[str, int] = {}
    for flow, members in flows.items():
        counts[flow_key(flow, None, None, quarter)] = len(members)
        for dim, domain in people.domains.items():
            tally = dict.fromkeys(domain, 0)
            for pid, span in members.items():
                for c in people.categories(dim, pid, span, year):
                    tally[c] = tally.get(c, 0) + 1
            for c, n in tally.items():
                counts[flow_key(flow, dim, c, quarter)] = n
    return counts


def _flows(agg: Aggregate, people: People, quarter: str) -> None:
    year = quarter_bounds(quarter)[1].year
    flows = people.flows(quarter)
    for flow, members in flows.items():
        _count(agg, flow_key(flow, None, None, quarter), members)
    for dim in people.domains:
        table = Table(f"flussi_per_{dim}", "", ["flusso", dim], chart={"type": "bars", "group": "flusso"})
        for flow, members in flows.items():
            table.rows += _flow_breakdown(agg, people, (flow, members), dim, year, quarter)
        agg.tables.append(table)
    _exit_reasons(agg, flows["uscite"], quarter)
    _flow_links(agg, people, quarter)


def _flow_breakdown(
    agg: Aggregate, people: People, flow: tuple[str, dict[str, tuple]], dim: str, year: int, quarter: str
) -> list[tuple]:
    """The cells of one flow by the categories of `dim`, tied to the flow's total; return the table rows."""
    name, members = flow
    groups: dict[str, list[str]] = {c: [] for c in people.domains[dim]}
    for pid, span in members.items():
        for c in people.categories(dim, pid, span, year):
            groups.setdefault(c, []).append(pid)
    keys = [_count(agg, flow_key(name, dim, c, quarter), groups[c]) for c in groups]
    total = flow_key(name, None, None, quarter)
    _margin(agg, keys, total, multi=(dim == "asse"))
    return [((name, c), key) for c, key in zip(groups, keys, strict=False)] + [((name, TOTAL), total)]


def _exit_reasons(agg: Aggregate, exits: dict[str, tuple], quarter: str) -> None:
    """The quarter's exits by closure reason (a group: nobody's reason may be deduced)."""
    reasons = enum_values("projects", "closure_reason")
    groups: dict[str, list[str]] = {r: [] for r in reasons}
    for pid, span in exits.items():
        groups.setdefault(span[3] or "other", []).append(pid)
    keys = [_count(agg, f"uscite|motivo={r}|{quarter}", groups[r]) for r in groups]
    total = flow_key("uscite", None, None, quarter)
    _margin(agg, keys, total)
    agg.groups.append(GroupRule(total, keys))
    agg.tables.append(
        Table(
            "uscite_per_motivo",
            "",
            ["motivo_chiusura"],
            [((r,), key) for r, key in zip(groups, keys, strict=False)] + [((TOTAL,), total)],
            chart={"type": "bars"},
        )
    )


def _flow_links(agg: Aggregate, people: People, quarter: str) -> None:
    """The same people, one quarter earlier: "active now = active before - exits before + entries now"."""
    before = previous_quarter(quarter)
    agg.history = flow_counts(people, before)
    for by, values in [(None, [None]), *people.domains.items()]:
        for v in values:
            now_active, now_in = flow_key("attivi", by, v, quarter), flow_key("ingressi", by, v, quarter)
            then_active, then_out = flow_key("attivi", by, v, before), flow_key("uscite", by, v, before)
            if now_active not in agg.cells or then_active not in agg.history:
                continue
            value = (
                agg.cells[now_active].true
                - agg.history[then_active]
                + agg.history[then_out]
                - agg.cells[now_in].true
            )
            if value == 0:
                agg.links.append(Relation({now_active: 1, then_active: -1, then_out: 1, now_in: -1}, 0, 0))


def _cohorts(agg: Aggregate, people: People, quarter_end: dt.date) -> None:
    """The entry-year cohorts complete by `quarter_end`: housing from T0 to T12, work at T12, HoNOS."""
    firsts = people.first_projects()
    years = sorted({span[0].year for span in firsts.values()})
    cohorts = [y for y in years if dt.date(y + 1, 12, 31) <= quarter_end]
    housing_table = Table(
        "transizioni_abitative", "", ["coorte", "abitare_t0", "abitare_t12"], chart={"type": "matrix"}
    )
    work_table = Table("lavoro_t12", "", ["coorte", "lavoro_t12"], chart={"type": "bars"})
    share_table = Table("lavoro_t12_percentuale", "", ["coorte"])
    honos_table = Table("honos_variazione", "", ["coorte", "indicatore"])
    for year in cohorts:
        moves, work, honos = _cohort_members(people, firsts, year)
        grand = _housing_cohort(agg, housing_table, year, moves)
        _work_cohort(agg, work_table, share_table, year, work, grand)
        _honos_cohort(agg, honos_table, year, honos, grand)
    for table in (housing_table, work_table, share_table, honos_table):
        table.note = "" if cohorts else messages.t("outcomes.aggregate.no_cohort")
        agg.tables.append(table)


def _cohort_members(people: People, firsts: dict[str, tuple], year: int):
    """The cohort's people by housing move (T0, T12), by work at T12, and their HoNOS totals at T0 and T12."""
    moves: dict[tuple[str, str], list[str]] = defaultdict(list)
    work: dict[str, list[str]] = {"retribuito": [], "non-retribuito": []}
    honos: list[tuple[str, int, int]] = []
    for pid, span in firsts.items():
        if span[0].year != year:
            continue
        points = people.assessments.get(span[6], {})
        t0, t12 = points.get("T0"), points.get("T12")
        if t12 is not None:
            work["retribuito" if t12[3] in PAID_WORK else "non-retribuito"].append(pid)
        if t0 is not None and t12 is not None:
            moves[(t0[2], t12[2])].append(pid)
            if t0[1] is not None and t12[1] is not None:
                honos.append((pid, t0[1], t12[1]))
    return moves, work, honos


def _housing_cohort(agg: Aggregate, table: Table, year: int, moves: dict[tuple[str, str], list[str]]) -> str:
    """The housing matrix of one cohort with its margins; return the key of the cohort's total."""
    prefix = f"abitare|{year}"
    grid = {
        (a, b): _count(agg, f"{prefix}|t0={a}|t12={b}", moves.get((a, b), []))
        for a in HOUSING
        for b in HOUSING
    }
    rows = {a: _count(agg, f"{prefix}|t0={a}|t12={TOTAL}", _moved(moves, a, None)) for a in HOUSING}
    cols = {b: _count(agg, f"{prefix}|t0={TOTAL}|t12={b}", _moved(moves, None, b)) for b in HOUSING}
    grand = _count(agg, f"{prefix}|t0={TOTAL}|t12={TOTAL}", [p for v in moves.values() for p in v])
    _housing_margins(agg, table, str(year), grid, (rows, cols, grand))
    return grand


def _moved(moves: dict[tuple[str, str], list[str]], t0: str | None, t12: str | None) -> list[str]:
    """The people housed in `t0` at T0 (any when None) and in `t12` at T12 (any when None)."""
    return [
        p
        for a in HOUSING
        for b in HOUSING
        if t0 in (None, a) and t12 in (None, b)
        for p in moves.get((a, b), [])
    ]


def _housing_margins(
    agg: Aggregate, table: Table, year: str, grid: dict[tuple[str, str], str], margins: tuple[dict, dict, str]
) -> None:
    """Tie the matrix to its row, column and grand totals (each row a group), and fill the table's rows."""
    rows, cols, grand = margins
    for a in HOUSING:
        _margin(agg, [grid[(a, b)] for b in HOUSING], rows[a])
        agg.groups.append(GroupRule(rows[a], [grid[(a, b)] for b in HOUSING]))
        table.rows += [((year, a, b), grid[(a, b)]) for b in HOUSING]
        table.rows.append(((year, a, TOTAL), rows[a]))
    for b in HOUSING:
        _margin(agg, [grid[(a, b)] for a in HOUSING], cols[b])
        table.rows.append(((year, TOTAL, b), cols[b]))
    _margin(agg, list(rows.values()), grand)
    _margin(agg, list(cols.values()), grand)
    table.rows.append(((year, TOTAL, TOTAL), grand))


def _work_cohort(
    agg: Aggregate, table: Table, share_table: Table, year: int, work: dict[str, list[str]], grand: str
) -> None:
    """Paid and unpaid work at T12 of one cohort, and the paid share."""
    keys = {w: _count(agg, f"lavoro|{year}|{w}", members) for w, members in work.items()}
    total = _count(agg, f"lavoro|{year}|{TOTAL}", work["retribuito"] + work["non-retribuito"])
    _margin(agg, list(keys.values()), total)
    agg.groups.append(GroupRule(total, list(keys.values())))
    _if_true(agg, Relation({grand: 1, total: -1}, float("-inf"), 0))
    table.rows += [((str(year), w), key) for w, key in keys.items()] + [((str(year), TOTAL), total)]
    share = agg.cell(f"lavoro%|{year}", kind=PERCENT, gate=keys["retribuito"], denominator=total)
    share.true = 100 * len(work["retribuito"]) / max(1, len(work["retribuito"]) + len(work["non-retribuito"]))
    share_table.rows.append(((str(year),), share.key))


def _honos_cohort(
    agg: Aggregate, table: Table, year: int, honos: list[tuple[str, int, int]], grand: str
) -> None:
    """How many of one cohort have both HoNOS totals, and the mean at T0, at T12 and of the change."""
    n_key = _count(agg, f"honos|{year}|persone", [p for p, _, _ in honos])
    _if_true(agg, Relation({n_key: 1, grand: -1}, float("-inf"), 0))
    n = len(honos)
    means = {
        "media_t0": sum(a for _, a, _ in honos) / n if n else 0.0,
        "media_t12": sum(b for _, _, b in honos) / n if n else 0.0,
        "variazione_media": sum(b - a for _, a, b in honos) / n if n else 0.0,
    }
    table.rows.append(((str(year), "persone"), n_key))
    for name, value in means.items():
        cell = agg.cell(f"honos|{year}|{name}", kind=MEAN, true=value, people=n, gate=n_key, decimals=1)
        table.rows.append(((str(year), name), cell.key))


def _overlap_days(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> int:
    return max(0, (min(a1, b1) - max(a0, b0)).days + 1)


def _hospital(agg: Aggregate, people: People, quarter: str) -> None:
    table = Table("ricoveri", "", ["periodo", "indicatore"])
    for period, rows in _hospital_periods(people, quarter).items():
        table.rows += _hospital_rows(agg, period, rows, quarter)
    agg.tables.append(table)


def _hospital_periods(people: People, quarter: str) -> dict[str, list[tuple[str, int, int, int]]]:
    """For the year before the plan and the plan so far, each active person's (person, admissions,
    bed-days, exposure days)."""
    qs, qe = quarter_bounds(quarter)
    active = people.flows(quarter)["attivi"]
    periods: dict[str, list[tuple[str, int, int, int]]] = {"prima": [], "dopo": []}
    for pid, span in active.items():
        start, end = span[0], span[1]
        windows = {
            "prima": (start - dt.timedelta(days=365), start - dt.timedelta(days=1)),
            "dopo": (start, min(end or qe, qe)),
        }
        for period, (w0, w1) in windows.items():
            stays = [(a0, a1 or w1) for a0, a1 in people.admissions.get(pid, ()) if w0 <= a0 <= w1]
            days = sum(_overlap_days(a0, a1, w0, w1) for a0, a1 in stays)
            periods[period].append((pid, len(stays), days, (w1 - w0).days + 1))
    return periods


def _hospital_rows(agg: Aggregate, period: str, rows: list[tuple[str, int, int, int]], quarter: str) -> list:
    """One period's people with an admission, admission rate and bed-days; return the table rows."""
    users = [r for r in rows if r[1]]
    exposure = sum(r[3] for r in rows) / YEAR or 1.0
    n_key = _count(agg, f"ricoveri|{period}|persone_con_ricovero|{quarter}", [r[0] for r in users])
    _if_true(agg, Relation({n_key: 1, flow_key("attivi", None, None, quarter): -1}, float("-inf"), 0))
    # a rate is a mean, shown with one decimal like every mean: per 10 person-years, so that
    # typical rates (0.3-0.6 per person-year) keep two significant digits
    admissions = 10 * sum(r[1] for r in users) / exposure
    rate = _rate(
        agg, f"ricoveri|{period}|ricoveri_per_10_anni_persona|{quarter}", n_key, admissions, users, 1
    )
    bed_days_value = sum(r[2] for r in users) / exposure
    bed_days = _rate(
        agg, f"ricoveri|{period}|giornate_per_anno_persona|{quarter}", n_key, bed_days_value, users, 2
    )
    return [
        ((period, "persone_con_ricovero"), n_key),
        ((period, "ricoveri_per_10_anni_persona"), rate.key),
        ((period, "giornate_per_anno_persona"), bed_days.key),
    ]


def _rate(agg: Aggregate, key: str, gate: str, value: float, users: list[tuple], column: int) -> Cell:
    """A rate over `users`, each contributing its `column` (admissions or bed-days)."""
    return agg.cell(
        key,
        kind=RATE,
        gate=gate,
        true=value,
        people=len(users),
        decimals=1,
        contributions=[float(r[column]) for r in users],
    )


def _costs(agg: Aggregate, people: People, quarter: str) -> None:
    exposure = _exposure_years(people, quarter)
    rows = [r for r in people.costs.get(quarter, ()) if r[0] is not None]
    total_key = f"spesa|{TOTAL}|persone|{quarter}"
    spend_all = _spend(rows)
    _count(agg, total_key, spend_all)
    _if_true(agg, Relation({total_key: 1, flow_key("attivi", None, None, quarter): -1}, float("-inf"), 0))
    total_euro = _euro(agg, f"spesa|{TOTAL}|euro_per_anno_persona|{quarter}", total_key, spend_all, exposure)
    for dim, position, domain in (
        ("fonte", 1, enum_values("costs", "funding_source")),
        ("categoria", 2, enum_values("costs", "category")),
    ):
        table = Table(f"spesa_per_{dim}", "", [dim, "indicatore"], chart={"type": "bars", "value": "euro"})
        keys = []
        for value in domain:
            spend = _spend([row for row in rows if row[position] == value])
            n_key = _count(agg, f"spesa|{dim}={value}|persone|{quarter}", spend)
            keys.append(n_key)
            euro = _euro(agg, f"spesa|{dim}={value}|euro_per_anno_persona|{quarter}", n_key, spend, exposure)
            table.rows += [((value, "persone"), n_key), ((value, "euro_per_anno_persona"), euro.key)]
        _margin(agg, keys, total_key, multi=True)
        table.rows += [((TOTAL, "persone"), total_key), ((TOTAL, "euro_per_anno_persona"), total_euro.key)]
        agg.tables.append(table)


def _exposure_years(people: People, quarter: str) -> dict[str, float]:
    """Each active person's years in a project during the quarter."""
    qs, qe = quarter_bounds(quarter)
    exposure = {}
    for pid in people.flows(quarter)["attivi"]:
        exposure[pid] = sum(_overlap_days(s[0], s[1] or qe, qs, qe) for s in people.projects[pid]) / YEAR
    return exposure


def _spend(rows: list[tuple]) -> dict[str, float]:
    """Each person's spending over cost rows (person, source, category, amount)."""
    spend: dict[str, float] = defaultdict(float)
    for pid, _, _, amount in rows:
        spend[pid] += amount
    return spend


def _euro(agg: Aggregate, key: str, gate: str, spend: dict[str, float], exposure: dict[str, float]) -> Cell:
    """Euros per person-year of the people in `spend`, over their exposure."""
    years = sum(exposure.get(p, 0.0) for p in spend) or 1.0
    return agg.cell(
        key,
        kind=EURO,
        gate=gate,
        true=sum(spend.values()) / years,
        people=len(spend),
        contributions=list(spend.values()),
    )


def _waiting(agg: Aggregate, people: People, quarter: str) -> None:
    entries = people.flows(quarter)["ingressi"]
    table = Table("attesa", "", ["percorso", "indicatore"])
    groups: dict[str, list[int]] = {c: [] for c in people.domains["percorso"]}
    for pid, span in entries.items():
        if span[5] is not None:
            groups[people.person[pid][2]].append((span[0] - span[5]).days)
    everyone = [d for days in groups.values() for d in days]
    for category, days in [*groups.items(), (TOTAL, everyone)]:
        gate = flow_key(
            "ingressi",
            None if category == TOTAL else "percorso",
            None if category == TOTAL else category,
            quarter,
        )
        mean = _mean_days(agg, f"attesa|percorso={category}|media_giorni|{quarter}", gate, days)
        table.rows += [((category, "persone"), gate), ((category, "media_giorni"), mean.key)]
    agg.tables.append(table)


def _mean_days(agg: Aggregate, key: str, gate: str, days: list[int]) -> Cell:
    """The mean of `days` (zero when there is none), shown only as the count `gate` allows."""
    return agg.cell(
        key,
        kind=MEAN,
        gate=gate,
        decimals=1,
        true=sum(days) / len(days) if days else 0.0,
        people=len(days),
    )


def _contact_waiting(agg: Aggregate, people: People, quarter: str) -> None:
    """Days from the first contact to the start of the plan and to the first specialist visit, by service."""
    table = Table("attesa_adolescenti", "", ["servizio", "indicatore"])
    plan, visit = _waits_by_service(people, quarter)
    prefix = "attesa_adolescenti|servizio="
    groups = list(plan)
    everyone = {"plan": [x for s in groups for x in plan[s]], "visit": [x for s in groups for x in visit[s]]}
    keys: dict[str, list[str]] = {"plan": [], "visit": []}
    for category in [*groups, TOTAL]:
        rows = everyone if category == TOTAL else {"plan": plan[category], "visit": visit[category]}
        n_plan, n_visit = _waiting_rows(agg, table, f"{prefix}{category}", category, rows, quarter)
        if category != TOTAL:
            keys["plan"].append(n_plan)
            keys["visit"].append(n_visit)
    for name, suffix in (("plan", "persone"), ("visit", "persone_visita")):
        _margin(agg, keys[name], f"{prefix}{TOTAL}|{suffix}|{quarter}")
    agg.tables.append(table)


def _waits_by_service(people: People, quarter: str):
    """The quarter's entries with a first contact, by health service: (person, days to the plan's start) and
    (person, days to the first specialist visit)."""
    services = list(people.domains["servizio"])
    plan: dict[str, list[tuple[str, int]]] = {s: [] for s in services}
    visit: dict[str, list[tuple[str, int]]] = {s: [] for s in services}
    for pid, span in people.flows(quarter)["ingressi"].items():
        contact, first_visit = people.contacts.get(span[6], (None, None))
        if contact is None:
            continue
        service = people.person[pid][3]
        plan.setdefault(service, []).append((pid, (span[0] - contact).days))
        if first_visit is not None:
            visit.setdefault(service, []).append((pid, (first_visit - contact).days))
    return plan, visit


def _waiting_rows(
    agg: Aggregate, table: Table, prefix: str, category: str, rows: dict[str, list], quarter: str
) -> tuple[str, str]:
    """One service's (or the total's) rows: people and mean days, to the plan and to the visit."""
    n_plan = _count(agg, f"{prefix}|persone|{quarter}", [p for p, _ in rows["plan"]])
    n_visit = _count(agg, f"{prefix}|persone_visita|{quarter}", [p for p, _ in rows["visit"]])
    total = category == TOTAL
    entered = flow_key("ingressi", None if total else "servizio", None if total else category, quarter)
    if entered in agg.cells:
        _if_true(agg, Relation({n_plan: 1, entered: -1}, float("-inf"), 0))
    _if_true(agg, Relation({n_visit: 1, n_plan: -1}, float("-inf"), 0))
    means = []
    for name, gate, values in (
        ("contatto_avvio", n_plan, rows["plan"]),
        ("contatto_visita", n_visit, rows["visit"]),
    ):
        cell = _mean_days(agg, f"{prefix}|{name}|{quarter}", gate, [d for _, d in values])
        means.append(cell.key)
    table.rows += [
        ((category, "persone"), n_plan),
        ((category, "contatto_avvio"), means[0]),
        ((category, "persone_visita"), n_visit),
        ((category, "contatto_visita"), means[1]),
    ]
    return n_plan, n_visit
