"""Disclosure control: primary rules and the attacker audit on known attacks and random small tables."""

from __future__ import annotations

import math

from bds.outcomes import disclosure
from bds.outcomes.disclosure import INF, LedgerView, audit, candidate_counts, protected_floor
from bds.outcomes.model import COUNT, MEAN, PUBLISHED, SUPPRESSED, ZERO, Aggregate, GroupRule, Relation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

K = 10


def grid_aggregate(matrix: list[list[int]], sensitive: bool = False) -> Aggregate:
    """A two-way table with row, column and grand totals, as aggregation would produce it."""
    agg = Aggregate("2026Q1", K)
    rows, cols = len(matrix), len(matrix[0])
    for i in range(rows):
        for j in range(cols):
            agg.cell(f"c{i}.{j}", kind=COUNT, true=matrix[i][j])
        agg.cell(f"r{i}", kind=COUNT, true=sum(matrix[i]))
    for j in range(cols):
        agg.cell(f"k{j}", kind=COUNT, true=sum(matrix[i][j] for i in range(rows)))
    agg.cell("T", kind=COUNT, true=sum(map(sum, matrix)))
    for i in range(rows):
        agg.relations.append(Relation({**{f"c{i}.{j}": 1 for j in range(cols)}, f"r{i}": -1}, 0, 0))
        if sensitive:
            agg.groups.append(GroupRule(f"r{i}", [f"c{i}.{j}" for j in range(cols)]))
    for j in range(cols):
        agg.relations.append(Relation({**{f"c{i}.{j}": 1 for i in range(rows)}, f"k{j}": -1}, 0, 0))
    agg.relations.append(Relation({**{f"r{i}": 1 for i in range(rows)}, "T": -1}, 0, 0))
    return agg


def reader_view(agg: Aggregate) -> dict[str, tuple[float, float]]:
    """What a reader learns from the shown values alone (rebuilt independently of the library)."""
    bounds = {}
    for key, cell in agg.cells.items():
        if cell.kind != COUNT:
            continue
        if cell.status == ZERO:
            bounds[key] = (0, 0)
        elif cell.status == PUBLISHED:
            bounds[key] = (max(K, int(cell.shown) - 2), int(cell.shown) + 2)
        elif cell.shown == f"<{K}":
            bounds[key] = (1, K - 1)
        else:
            bounds[key] = (0, INF)
    return bounds


def test_primary_rules_on_counts():
    agg = grid_aggregate([[0, 3, 12], [13, 27, 9]])
    disclosure.primary(agg, set())
    shown = {k: (c.status, c.shown) for k, c in agg.cells.items()}
    assert shown["c0.0"] == (ZERO, "0")
    assert shown["c0.1"] == (SUPPRESSED, "<10")
    assert shown["c1.1"] == (PUBLISHED, "25") and shown["c1.0"] == (PUBLISHED, "15")
    disclosure.run(agg)
    for cell in agg.cells.values():
        if cell.status == PUBLISHED:
            assert int(cell.shown) % 5 == 0 and int(cell.shown) >= K
            assert abs(int(cell.shown) - cell.true) <= 2


def test_a_count_hidden_in_a_delivered_report_stays_hidden_and_only_it():
    """The ledger's sticky rule: a count suppressed in an earlier release is suppressed again, even if
    it is now large enough, and no other cell pays for it (the rule once hid the wrong cell)."""
    agg = grid_aggregate([[12, 30], [25, 40]])
    disclosure.primary(agg, {"c0.0"})
    shown = {k: (c.status, c.shown, c.reason) for k, c in agg.cells.items()}
    assert shown["c0.0"] == (SUPPRESSED, "", "ledger")
    assert shown["c0.1"] == (PUBLISHED, "30", "") and shown["c1.1"] == (PUBLISHED, "40", "")


def test_classic_margin_attack_exact_margins_reveal_the_cell():
    # a + b + c = T; true (3, 12, 20, 35); publishing exact figures pins the "<10" cell
    relation = [Relation({"a": 1, "b": 1, "c": 1, "T": -1}, 0, 0)]
    exact = {"a": (1, 9), "b": (12, 12), "c": (20, 20), "T": (35, 35)}
    assert audit(exact, relation, ["a"])["a"] == (3, 3)
    rounded = {"a": (1, 9), "b": (10, 12), "c": (18, 22), "T": (33, 37)}
    low, high = audit(rounded, relation, ["a"])["a"]
    assert low <= 1 and high >= 9


def test_protect_closes_a_margin_attack():
    # the only small cell in its row and column: rounding alone narrows it, the loop must add suppressions
    agg = grid_aggregate([[3, 10], [10, 10]])
    outcome = disclosure.run(agg)
    assert outcome.unprotected == []
    key = "c0.0"
    low, high = audit(reader_view(agg), agg.relations, [key])[key]
    assert low <= protected_floor(K) and high >= K - 1


def test_singleton_who_knows_their_own_value():
    # two "<10" cells in a row whose total is published: the person in a knows a = 1
    relations = [Relation({"a": 1, "b": 1, "T": -1}, 0, 0)]
    bounds = {"a": (1, 9), "b": (1, 9), "T": (10, 12)}
    plain = audit(bounds, relations, ["b"])["b"]
    informed = audit(bounds, relations, ["b"], known={"a": 1})["b"]
    assert plain == (1, 9)
    assert informed == (9, 9)  # the audit sees the coalition attack


def test_differencing_two_quarters_is_in_the_audit():
    # active now = active before - exits before + entries now; entries of 1 person must not be recoverable
    link = Relation({"act2": 1, "act1": -1, "out1": 1, "in2": -1}, 0, 0)
    exact = {"act2": (41, 41), "act1": (40, 40), "out1": (0, 0), "in2": (1, 9)}
    assert audit(exact, [link], ["in2"])["in2"] == (1, 1)
    rounded = {"act2": (38, 42), "act1": (38, 42), "out1": (0, 0), "in2": (1, 9)}
    low, high = audit(rounded, [link], ["in2"])["in2"]
    assert low <= 1 and high >= 4  # still narrowed below 9: protect() must react to such links


def test_protect_uses_earlier_releases():
    # last quarter's figures come from the ledger; this quarter's entries are a single person
    agg = Aggregate("2026Q2", K)
    agg.cell("act2", kind=COUNT, true=41)
    agg.cell("in2", kind=COUNT, true=1)
    agg.cell("in2.other", kind=COUNT, true=20)
    agg.cell("inT", kind=COUNT, true=21)
    agg.relations.append(Relation({"in2": 1, "in2.other": 1, "inT": -1}, 0, 0))
    agg.links.append(Relation({"act2": 1, "act1": -1, "out1": 1, "in2": -1}, 0, 0))
    agg.history = {"act1": 40, "out1": 0}
    ledger = LedgerView(bounds={"act1": (38, 42), "out1": (0, 0)})
    outcome = disclosure.run(agg, ledger)
    assert outcome.unprotected == []
    assert agg.cells["act2"].status == SUPPRESSED  # the cheapest cell that breaks the difference
    low, high = agg.cells["in2"].interval
    assert low <= protected_floor(K) and high >= K - 1


def test_nested_groups_in_a_hierarchy():
    # district A = A1 + A2, city = A + B: a small A1 must survive both levels of totals
    agg = Aggregate("2026Q1", K)
    for key, value in {"A1": 4, "A2": 21, "A": 25, "B": 30, "city": 55}.items():
        agg.cell(key, kind=COUNT, true=value)
    agg.relations += [
        Relation({"A1": 1, "A2": 1, "A": -1}, 0, 0),
        Relation({"A": 1, "B": 1, "city": -1}, 0, 0),
    ]
    outcome = disclosure.run(agg)
    assert outcome.unprotected == []
    low, high = audit(reader_view(agg), agg.relations, ["A1"])["A1"]
    assert low <= protected_floor(K) and high >= K - 1


def test_mean_is_shown_only_with_enough_people():
    agg = Aggregate("2026Q1", K)
    agg.cell("n_small", kind=COUNT, true=4)
    agg.cell("mean_small", kind=MEAN, true=2.25, people=4, gate="n_small", decimals=1)
    agg.cell("n_big", kind=COUNT, true=23)
    agg.cell("mean_big", kind=MEAN, true=12.3478, people=23, gate="n_big", decimals=1)
    disclosure.run(agg)
    assert agg.cells["mean_small"].status == SUPPRESSED and agg.cells["mean_small"].shown == ""
    assert agg.cells["mean_big"].shown == "12.3"
    # with n < k an exact mean can pin n; with n >= k and n rounded, several n always fit
    assert candidate_counts(2.3, 1, 1, 9, 0, 48) != list(range(1, 10))
    n = int(agg.cells["n_big"].shown)
    assert len(candidate_counts(12.3, 1, n - 2, n + 2, 0, 48)) >= 2


def test_dominance_rule():
    assert not disclosure.dominance_ok([9500.0] + [50.0] * 10)
    assert disclosure.dominance_ok([300.0, 280.0, 260.0, 250.0] * 3)


def test_group_attribute_rule_hides_a_row_that_all_share_a_category():
    agg = grid_aggregate([[0, 25, 0], [12, 11, 14]], sensitive=True)
    disclosure.run(agg)
    assert agg.cells["c0.1"].status == SUPPRESSED and agg.cells["r0"].status == SUPPRESSED
    # nobody can prove that (almost) everybody in row 0 shares column 1
    coefs = {"r0": 1, "c0.1": -1}
    problem = disclosure.Problem(reader_view(agg), list(agg.relations))
    components = problem.components()
    scope, relations = disclosure._scope(problem, components, list(coefs))
    assert problem.extent(coefs, scope, relations)[1] >= K


small = st.integers(min_value=0, max_value=30)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(small, min_size=2, max_size=3), min_size=2, max_size=3).filter(
        lambda m: len({len(r) for r in m}) == 1
    ),
    st.booleans(),
)
def test_attacker_never_narrows_a_suppressed_cell(matrix, sensitive):
    agg = grid_aggregate(matrix, sensitive)
    outcome = disclosure.run(agg)
    assert outcome.unprotected == []
    view = reader_view(agg)
    for cell in agg.cells.values():
        if cell.status == PUBLISHED:
            assert int(cell.shown) % 5 == 0 and not 1 <= int(cell.shown) < K
    targets = [k for k, c in agg.cells.items() if c.shown == f"<{K}"]
    if targets:
        for key, (low, high) in audit(view, agg.relations, targets).items():
            assert low <= protected_floor(K) and high >= K - 1, key
    for group in agg.groups:
        total = agg.cells[group.total]
        if total.reason != "group":
            continue
        problem = disclosure.Problem(dict(view), list(agg.relations))
        components = problem.components()
        for member in group.members:
            if agg.cells[member].true >= 1 and total.true - agg.cells[member].true < K:
                coefs = {group.total: 1, member: -1}
                scope, relations = disclosure._scope(problem, components, list(coefs))
                assert problem.extent(coefs, scope, relations)[1] >= (K if total.true >= K else 1)
    assert all(math.isfinite(v[0]) for v in view.values())


def test_percentages_only_over_k_and_from_rounded_figures():
    from bds.outcomes.model import PERCENT

    agg = Aggregate("2026Q1", K)
    agg.cell("paid", kind=COUNT, true=13)  # shown 15
    agg.cell("all", kind=COUNT, true=37)  # shown 35
    agg.cell("share", kind=PERCENT, gate="paid", denominator="all", true=100 * 13 / 37)
    agg.cell("paid_small", kind=COUNT, true=3)
    agg.cell("all_small", kind=COUNT, true=8)
    agg.cell("share_small", kind=PERCENT, gate="paid_small", denominator="all_small", true=37.5)
    disclosure.run(agg)
    assert agg.cells["share"].shown == str(round(100 * 15 / 35))  # 43, not the exact 35
    assert agg.cells["share_small"].status == SUPPRESSED and agg.cells["share_small"].shown == ""


def test_euro_amounts_need_k_people_and_no_dominant_contributor():
    from bds.outcomes.model import EURO

    agg = Aggregate("2026Q1", K)
    agg.cell("n_few", kind=COUNT, true=6)
    agg.cell("eur_few", kind=EURO, gate="n_few", people=6, true=500.0, contributions=[500.0] * 6)
    agg.cell("n_one", kind=COUNT, true=12)
    agg.cell("eur_one", kind=EURO, gate="n_one", people=12, true=900.0, contributions=[9500.0] + [50.0] * 11)
    agg.cell("n_ok", kind=COUNT, true=12)
    agg.cell("eur_ok", kind=EURO, gate="n_ok", people=12, true=812.46, contributions=[300.0] * 12)
    disclosure.run(agg)
    assert agg.cells["eur_few"].status == SUPPRESSED and agg.cells["eur_few"].reason == "n<k"
    assert agg.cells["eur_one"].status == SUPPRESSED and agg.cells["eur_one"].reason == "dominance"
    assert agg.cells["eur_ok"].status == PUBLISHED and agg.cells["eur_ok"].shown == "812"
