"""Disclosure control: primary rules, secondary suppression chosen by an attacker audit, and the ledger.

The attacker knows every published figure of this release and of every earlier
release in the ledger, as integer constraints: a rounded count r lies in [r-2, r+2]
(and is at least k, or it would read "<k"), "<k" lies in [1, k-1], zero is zero,
a blank cell is unknown; margins add up; last quarter's active people minus its
exits plus this quarter's entries are this quarter's active people. For every
protected quantity the audit computes, with `scipy.optimize.milp`, the smallest
and largest value consistent with all that. While some "<k" cell can be narrowed
below [1, k-1], or some group can be shown to (almost) all share a sensitive
category, the cheapest related published cell is suppressed too, and the audit
runs again. Each connected family of constraints is solved on its own, so the
integer programmes stay small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .model import (
    COUNT,
    EURO,
    PERCENT,
    PUBLISHED,
    RATE,
    SUPPRESSED,
    TOTAL,
    ZERO,
    Aggregate,
    Cell,
    Relation,
)

INF = math.inf
DOMINANCE_SHARE = 0.90  # no single contributor above 90% of a total
P_PERCENT = 0.10  # p%-rule: the second largest cannot estimate the largest within 10%


def round5(value: int) -> int:
    return 5 * ((int(value) + 2) // 5)


# -- what an attacker can read from a status --------------------------------------------------------
def prior(cell: Cell, k: int) -> tuple[float, float]:
    if cell.status == ZERO:
        return 0, 0
    if cell.status == PUBLISHED:
        r = int(cell.shown)
        return max(k, r - 2), r + 2
    if cell.reason == "primary":
        return 1, k - 1
    if cell.reason == "secondary":
        return k, INF  # or zero: see or_zero()
    return 0, INF  # a blank cell hidden by the group rule, the ledger or blanked "<k": anything


def or_zero(cell: Cell) -> bool:
    """A secondary suppression hides a zero or a published count: the attacker knows x = 0 or x >= k."""
    return cell.status == SUPPRESSED and cell.reason == "secondary"


BIG = 10**7


def either_zero(problem: Problem, key: str, k: int, components: dict[str, int] | None = None) -> None:
    """x in {0} U [k, inf): x >= k*b, x <= BIG*b with a binary b."""
    switch = f"{key}#nonzero"
    lo, hi = problem.bounds[key]
    lo = max(lo, k)
    problem.bounds[key] = (0, hi)
    problem.bounds[switch] = (0, 1)
    problem.relations.append(Relation({key: 1, switch: -lo}, 0, INF))
    problem.relations.append(Relation({key: 1, switch: -BIG}, -INF, 0))
    if components is not None:
        components[switch] = components[key]


def primary(agg: Aggregate, sticky: set[str]) -> None:
    """Counts: 0 -> zero; 1..k-1 -> "<k"; else rounded to 5. Sticky and group rules on top."""
    k = agg.k
    for cell in agg.cells.values():
        if cell.kind == COUNT:
            _count_status(cell, k)
    for key in sticky:
        held = agg.cells.get(key)
        if held is not None and held.kind == COUNT and held.status != SUPPRESSED:
            held.status, held.shown, held.reason = SUPPRESSED, "", "ledger"
    _group_rule(agg)


def _count_status(cell: Cell, k: int) -> None:
    """The primary rule for one count: 0 -> zero; 1..k-1 -> "<k"; else rounded to 5."""
    v = int(cell.true)
    if v == 0:
        cell.status, cell.shown, cell.reason = ZERO, "0", ""
    elif v < k:
        cell.status, cell.shown, cell.reason = SUPPRESSED, f"<{k}", "primary"
    else:
        cell.status, cell.shown, cell.reason = PUBLISHED, str(round5(v)), ""


def _group_rule(agg: Aggregate) -> None:
    """A group where someone's category leaves fewer than k others is blanked whole, total and members."""
    k = agg.k
    for group in agg.groups:
        total = agg.cells[group.total].true
        members = [agg.cells[m] for m in group.members]
        if total and any(m.true >= 1 and total - m.true < k for m in members):
            for cell in [agg.cells[group.total], *members]:
                cell.status, cell.shown, cell.reason = SUPPRESSED, "", "group"


def _blank(cell: Cell, reason: str) -> None:
    cell.status, cell.shown, cell.reason = SUPPRESSED, "", reason


def derived(agg: Aggregate, sticky: set[str]) -> None:
    """Means, rates, euros and percentages, decided once the counts they rest on are final."""
    k = agg.k
    for cell in agg.cells.values():
        if cell.kind == COUNT:
            continue
        gate = agg.cells.get(cell.gate) if cell.gate else None
        if cell.key in sticky:
            _blank(cell, "ledger")
        elif cell.kind == PERCENT:
            _derive_percent(agg, cell, gate)
        else:
            _derive_value(cell, gate, k)


def _derive_percent(agg: Aggregate, cell: Cell, gate: Cell | None) -> None:
    """A percentage, computed from the shown figures: only when its denominator is published."""
    assert cell.denominator is not None, cell.key  # aggregate gives every percentage one
    denominator = agg.cells[cell.denominator]
    if denominator.status != PUBLISHED or gate is None or gate.status not in (PUBLISHED, ZERO):
        _blank(cell, "n<k")
        return
    numerator = int(gate.shown)
    cell.status, cell.shown = (
        PUBLISHED,
        str(int(math.floor(100 * numerator / int(denominator.shown) + 0.5))),
    )


def _derive_value(cell: Cell, gate: Cell | None, k: int) -> None:
    """A mean, rate or euro figure: at least k people behind a published count, and no dominant one."""
    if gate is None or gate.status != PUBLISHED or cell.people < k:
        _blank(cell, "n<k")
        return
    if cell.kind in (RATE, EURO) and not dominance_ok(cell.contributions):
        _blank(cell, "dominance")
        return
    if cell.kind == EURO:
        cell.status, cell.shown = PUBLISHED, str(int(math.floor(cell.true + 0.5)))
    else:
        cell.status, cell.shown = PUBLISHED, f"{cell.true:.{cell.decimals or 1}f}"


def dominance_ok(contributions: list[float]) -> bool:
    total = sum(contributions)
    if total <= 0:
        return True
    ordered = sorted(contributions, reverse=True)
    largest = ordered[0]
    second = ordered[1] if len(ordered) > 1 else 0.0
    if largest > DOMINANCE_SHARE * total:
        return False
    return total - largest - second >= P_PERCENT * largest


def candidate_counts(mean: float, decimals: int, n_lo: int, n_hi: int, v_lo: float, v_hi: float) -> list[int]:
    """Counts n in [n_lo, n_hi] for which some integer sum gives `mean` once rounded (the mean attack)."""
    half = 0.5 * 10 ** (-decimals)
    found = []
    for n in range(max(1, n_lo), n_hi + 1):
        low, high = max((mean - half) * n, v_lo * n), min((mean + half) * n, v_hi * n)
        if math.ceil(low - 1e-9) <= high + 1e-9:
            found.append(n)
    return found


# -- the attacker ------------------------------------------------------------------------------------
def protected_floor(k: int) -> int:
    """A "<k" cell is protected while the attacker can neither exclude k-1 people nor prove more than k//2.

    Proving "at least 2" when one more person entered is harmless; proving "at most 2" is not.
    """
    return max(1, k // 2)


@dataclass
class Protection:
    coefs: dict[str, int]  # the protected expression
    need_min_at_most: float | None  # its attacker minimum must be <= this
    need_max_at_least: float | None  # its attacker maximum must be >= this
    label: str

    @property
    def keys(self) -> list[str]:
        return list(self.coefs)


@dataclass
class Problem:
    """All variables and constraints the attacker has: current cells, ledger cells, relations."""

    bounds: dict[str, tuple[float, float]]
    relations: list[Relation]
    known: dict[str, float] = field(default_factory=dict)  # extra knowledge (a person knows their own cell)
    solves: int = 0

    def components(self) -> dict[str, int]:
        parent = {key: key for key in self.bounds}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for relation in self.relations:
            keys = list(relation.coefs)
            for other in keys[1:]:
                a, b = find(keys[0]), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        roots: dict[str, int] = {}
        return {key: roots.setdefault(find(key), len(roots)) for key in sorted(self.bounds)}

    def extent(
        self, coefs: dict[str, int], scope: list[str], scope_relations: list[Relation]
    ) -> tuple[float, float]:
        """The attacker's [min, max] of sum(coef * x) over the integer points that satisfy everything."""
        index = {key: i for i, key in enumerate(scope)}
        lb = np.array([self.known.get(k, self.bounds[k][0]) for k in scope], dtype=float)
        ub = np.array([self.known.get(k, self.bounds[k][1]) for k in scope], dtype=float)
        constraints = _constraints(index, len(scope), scope_relations)
        objective = np.zeros(len(scope))
        for key, coef in coefs.items():
            objective[index[key]] = coef
        integrality = np.ones(len(scope))
        out = []
        for sign in (1, -1):
            self.solves += 1
            result = milp(
                sign * objective,
                integrality=integrality,
                bounds=Bounds(lb, ub),
                constraints=constraints,
                options={"presolve": True},
            )
            out.append(_optimum(result, sign))
        low, high = out
        return (_whole(low), _whole(high))


def _constraints(index: dict[str, int], width: int, relations: list[Relation]) -> list[LinearConstraint]:
    """The relations as one (dense) matrix constraint over the variables of `index` (none: no constraint)."""
    if not relations:
        return []
    matrix = np.zeros((len(relations), width))
    for row, relation in enumerate(relations):
        for key, coef in relation.coefs.items():
            matrix[row, index[key]] = coef
    return [LinearConstraint(matrix, [r.lo for r in relations], [r.hi for r in relations])]


def _optimum(result, sign: int) -> float:
    """The minimum (sign 1) or maximum (sign -1) a milp result proves; infinite when unbounded or unsolved."""
    if result.status == 0:
        return sign * result.fun
    if result.status == 2:
        raise Infeasible()
    # unbounded (3, or 4 saying so) or the solver gave up: the attacker learns nothing on that side
    return -INF if sign == 1 else INF


def _whole(value: float) -> float:
    return round(value) if math.isfinite(value) else value


class Infeasible(Exception):
    pass


def _scope(problem: Problem, components: dict[str, int], keys: list[str]):
    ids = {components[k] for k in keys}
    scope = [k for k, c in components.items() if c in ids]
    members = set(scope)
    relations = [r for r in problem.relations if next(iter(r.coefs)) in members]
    return scope, relations


def check(problem: Problem, protection: Protection, components: dict[str, int]) -> tuple[bool, tuple]:
    scope, relations = _scope(problem, components, protection.keys)
    low, high = problem.extent(protection.coefs, scope, relations)
    ok = True
    if protection.need_min_at_most is not None and low > protection.need_min_at_most:
        ok = False
    if protection.need_max_at_least is not None and high < protection.need_max_at_least:
        ok = False
    return ok, (low, high)


# -- putting it together ---------------------------------------------------------------------------
@dataclass
class LedgerView:
    """What earlier releases told the world (read from the ledger)."""

    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    primary: set[str] = field(default_factory=set)  # "<k" cells of earlier releases: still protected
    relations: list[Relation] = field(default_factory=list)
    sticky: set[str] = field(default_factory=set)
    populations: dict[str, str] = field(default_factory=dict)
    or_zero: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    intervals: dict[str, tuple[float, float]]
    secondary: list[str]
    solves: int
    unprotected: list[str]
    ledger_conflicts: list[str]


def build_problem(agg: Aggregate, ledger: LedgerView) -> tuple[Problem, list[str]]:
    k = agg.k
    bounds: dict[str, tuple[float, float]] = {}
    for key, cell in agg.cells.items():
        if cell.kind == COUNT:
            bounds[key] = prior(cell, k)
    zero_or_more = {key for key, cell in agg.cells.items() if cell.kind == COUNT and or_zero(cell)}
    conflicts = _ledger_bounds(agg, ledger, bounds, zero_or_more)
    problem = Problem(bounds, list(agg.relations))
    for key in sorted(zero_or_more):
        either_zero(problem, key, k)
    problem.relations += _ledger_relations(ledger, conflicts, problem.bounds)
    problem.relations += _still_true_links(agg, ledger)
    return problem, conflicts


def _ledger_bounds(
    agg: Aggregate, ledger: LedgerView, bounds: dict[str, tuple[float, float]], zero_or_more: set[str]
) -> list[str]:
    """Narrow `bounds` by what earlier releases said of each count; return the counts in conflict.

    A count whose earlier figure the data no longer fit (revised since) is a different quantity: the
    earlier figure becomes a variable of its own, `key@ledger`."""
    conflicts = []
    for key, (lo, hi) in ledger.bounds.items():
        earlier_zero = key in ledger.or_zero
        if key not in bounds:
            bounds[key] = (lo, hi)
            if earlier_zero:
                zero_or_more.add(key)
            continue
        if not _same_quantity(agg.cells[key], ledger, key, (lo, hi)):
            conflicts.append(key)
            bounds[f"{key}@ledger"] = (lo, hi)
            if earlier_zero:
                zero_or_more.add(f"{key}@ledger")
            continue
        now = bounds[key]
        bounds[key] = (max(lo, now[0]), min(now[1], hi))
        if earlier_zero and now[0] <= 0:  # both allow zero: keep {0} U [lo, hi]
            zero_or_more.add(key)
    return conflicts


def _same_quantity(cell: Cell, ledger: LedgerView, key: str, earlier: tuple[float, float]) -> bool:
    """The same people as the earlier release counted, and a true value the earlier figure allows."""
    lo, hi = earlier
    earlier_zero = key in ledger.or_zero
    same = ledger.populations.get(key) in (None, cell.population)
    fits = lo <= cell.true <= hi or (earlier_zero and cell.true == 0)
    return same and fits


def _ledger_relations(
    ledger: LedgerView, conflicts: list[str], bounds: dict[str, tuple[float, float]]
) -> list[Relation]:
    """Earlier releases' relations over known variables (a conflicting count read as `key@ledger`)."""
    out = []
    for relation in ledger.relations:
        coefs = {(f"{k}@ledger" if k in conflicts else k): c for k, c in relation.coefs.items()}
        if all(k in bounds for k in coefs):
            out.append(Relation(coefs, relation.lo, relation.hi))
    return out


def _still_true_links(agg: Aggregate, ledger: LedgerView) -> list[Relation]:
    """The links to last quarter, kept only where the ledger's figures of last quarter fit the data."""
    out = []
    for link in agg.links:
        earlier = [k for k in link.coefs if k not in agg.cells]
        if all(
            k in ledger.bounds and ledger.bounds[k][0] <= agg.history.get(k, -1) <= ledger.bounds[k][1]
            for k in earlier
        ):
            out.append(link)
    return out


def protections(agg: Aggregate, ledger: LedgerView) -> list[Protection]:
    k = agg.k
    out = []
    for key, cell in sorted(agg.cells.items()):
        if cell.kind == COUNT and cell.status == SUPPRESSED and cell.reason == "primary":
            out.append(Protection({key: 1}, protected_floor(k), k - 1, key))
    for key in sorted(ledger.primary - set(agg.cells)):
        out.append(Protection({key: 1}, protected_floor(k), k - 1, key))
    return out + _group_protections(agg)


def _group_protections(agg: Aggregate) -> list[Protection]:
    """For each group blanked by the group rule, the members that would leave fewer than k others."""
    k = agg.k
    out = []
    for group in agg.groups:
        total = agg.cells[group.total]
        if total.reason != "group":
            continue
        for member in group.members:
            cell = agg.cells[member]
            if cell.true >= 1 and total.true - cell.true < k:
                # nobody may prove that fewer than k lack the category (or, in a group smaller than k,
                # that all share it)
                need = k if total.true >= k else 1
                out.append(Protection({group.total: 1, member: -1}, None, need, f"{group.total} - {member}"))
    return out


def _candidates(agg: Aggregate, problem: Problem, protection: Protection) -> list[Cell]:
    """The cells to hide next for `protection`, best first: shown counts, smallest and non-total first."""
    pool = _shown_counts(agg, sorted(_related(problem, protection.keys)))
    if not pool:  # nothing directly related is left: widen to the whole family
        pool = _shown_counts(agg, _family(problem, protection))
    if pool:
        return sorted(pool, key=lambda c: (TOTAL in c.key, c.true, c.key))
    # only "<k" cells are left: blank one (it then reads as unknown, not even "at least 1"), largest first
    pool = [
        agg.cells[k]
        for k in _family(problem, protection)
        if k in agg.cells and agg.cells[k].reason == "primary" and agg.cells[k].kind == COUNT
    ]
    return sorted(pool, key=lambda c: (-c.true, c.key))


def _related(problem: Problem, keys: list[str]) -> set[str]:
    """Every variable that shares a relation with one of `keys`."""
    wanted = set(keys)
    related: set[str] = set()
    for relation in problem.relations:
        if wanted & set(relation.coefs):
            related |= set(relation.coefs)
    return related


def _family(problem: Problem, protection: Protection) -> list[str]:
    """Every variable of the connected family of constraints the protection belongs to."""
    scope, _ = _scope(problem, problem.components(), protection.keys)
    return scope


def _shown_counts(agg: Aggregate, keys) -> list[Cell]:
    """The current release's counts among `keys` that readers see (a figure or a zero)."""
    return [
        agg.cells[k]
        for k in keys
        if k in agg.cells and agg.cells[k].status in (PUBLISHED, ZERO) and agg.cells[k].kind == COUNT
    ]


def protect(agg: Aggregate, ledger: LedgerView) -> Outcome:
    """Secondary suppression by audit, then the final intervals of every suppressed count."""
    problem, conflicts = build_problem(agg, ledger)
    try:
        components = problem.components()
        pending = protections(agg, ledger)
        check_all(problem, components, pending)  # raises Infeasible early
    except Infeasible:
        # earlier releases contradict the revised data: audit this release on its own, and say so
        conflicts = sorted(set(conflicts) | {"*"})
        problem, components, pending = _release_alone(agg)
    secondary, unprotected = _suppress_until_safe(agg, problem, components, pending)
    intervals = _intervals(agg, problem, components)
    return Outcome(intervals, secondary, problem.solves, unprotected, conflicts)


def _release_alone(agg: Aggregate) -> tuple[Problem, dict[str, int], list[Protection]]:
    """The attacker's problem, its families and the protections of this release without the ledger."""
    problem = Problem(
        {key: prior(c, agg.k) for key, c in agg.cells.items() if c.kind == COUNT}, list(agg.relations)
    )
    for key, cell in agg.cells.items():
        if cell.kind == COUNT and or_zero(cell):
            either_zero(problem, key, agg.k)
    components = problem.components()
    pending = [p for p in protections(agg, LedgerView()) if all(k in problem.bounds for k in p.keys)]
    return problem, components, pending


def _suppress_until_safe(
    agg: Aggregate, problem: Problem, components: dict[str, int], pending: list[Protection]
) -> tuple[list[str], list[str]]:
    """Hide cells until every protection holds; return the cells hidden, and the protections none saved."""
    secondary: list[str] = []
    unprotected: list[str] = []
    queue = list(pending)
    while queue:
        protection = queue.pop(0)
        ok, _ = check(problem, protection, components)
        if ok:
            continue
        candidates = _candidates(agg, problem, protection)
        if not candidates:
            unprotected.append(protection.label)
            continue
        chosen = candidates[0]
        _hide(agg, problem, components, chosen)
        secondary.append(chosen.key)
        queue.insert(0, protection)  # the loop only widens intervals: earlier passes still hold
    return secondary, unprotected


def _hide(agg: Aggregate, problem: Problem, components: dict[str, int], chosen: Cell) -> None:
    """Suppress a shown count (the attacker then knows 0 or at least k), or blank a "<k" one."""
    if chosen.status == SUPPRESSED:
        chosen.shown, chosen.reason = "", "blank"
        problem.bounds[chosen.key] = prior(chosen, agg.k)
        return
    chosen.status, chosen.shown, chosen.reason = SUPPRESSED, "", "secondary"
    problem.bounds[chosen.key] = prior(chosen, agg.k)
    either_zero(problem, chosen.key, agg.k, components)


def _intervals(
    agg: Aggregate, problem: Problem, components: dict[str, int]
) -> dict[str, tuple[float, float]]:
    """The attacker's final interval of every suppressed count (also kept on the cell)."""
    intervals = {}
    for key, cell in sorted(agg.cells.items()):
        if cell.kind == COUNT and cell.status == SUPPRESSED:
            scope, relations = _scope(problem, components, [key])
            intervals[key] = problem.extent({key: 1}, scope, relations)
            cell.interval = intervals[key]
    return intervals


def check_all(problem: Problem, components: dict[str, int], pending: list[Protection]) -> None:
    """Only a feasibility probe: the true values satisfy everything unless the ledger disagrees."""
    seen = set()
    for protection in pending:
        component = components[protection.keys[0]]
        if component in seen:
            continue
        seen.add(component)
        check(problem, protection, components)


def audit(
    bounds: dict[str, tuple[float, float]],
    relations: list[Relation],
    targets: list[str],
    known: dict[str, float] | None = None,
) -> dict[str, tuple[float, float]]:
    """The attacker's proven interval for each target, given bounds, relations and extra knowledge."""
    problem = Problem(dict(bounds), list(relations), dict(known or {}))
    components = problem.components()
    out = {}
    for key in targets:
        scope, scoped = _scope(problem, components, [key])
        out[key] = problem.extent({key: 1}, scope, scoped)
    return out


def run(agg: Aggregate, ledger: LedgerView | None = None) -> Outcome:
    ledger = ledger or LedgerView()
    primary(agg, ledger.sticky)
    outcome = protect(agg, ledger)
    derived(agg, ledger.sticky)
    return outcome
