"""Plain-Italian explanations of every indicator, of every reason a figure is hidden, and the glossary.

Each table of the report carries what it counts, who is in the denominator and the time window,
written where the table appears; the headline page reuses the same sentences. The texts are in the
message catalogue (`report.explain.*`); this module says which text goes with which table or reason.
"""

from __future__ import annotations

from .. import messages

_EXPLAIN = "report.explain"

# table -> keys under report.explain: what it counts, who is in the denominator, time window.
# «flows.by.NAME»: the flows' common sentence, told apart by `tables.NAME.by`.
_QUARTER, _COHORT = "window.quarter", "window.cohort"
TABLES: dict[str, tuple[str, str, str]] = {
    "flussi_per_percorso": ("flows.by", "flows.who", _QUARTER),
    "flussi_per_servizio": ("flows.by", "flows.who", _QUARTER),
    "flussi_per_fascia_eta": ("flows.by", "flows.who", _QUARTER),
    "flussi_per_sesso": ("flows.by", "flows.who", _QUARTER),
    "flussi_per_asse": ("flows.by", "tables.flussi_per_asse.who", _QUARTER),
    "uscite_per_motivo": ("tables.uscite_per_motivo.what", "tables.uscite_per_motivo.who", _QUARTER),
    "transizioni_abitative": (
        "tables.transizioni_abitative.what",
        "tables.transizioni_abitative.who",
        _COHORT,
    ),
    "lavoro_t12": ("tables.lavoro_t12.what", "tables.lavoro_t12.who", _COHORT),
    "lavoro_t12_percentuale": (
        "tables.lavoro_t12_percentuale.what",
        "tables.lavoro_t12_percentuale.who",
        _COHORT,
    ),
    "honos_variazione": ("tables.honos_variazione.what", "tables.honos_variazione.who", _COHORT),
    "ricoveri": ("tables.ricoveri.what", "tables.ricoveri.who", "window.stays"),
    "spesa_per_fonte": ("tables.spesa_per_fonte.what", "tables.spesa_per_fonte.who", "window.costs"),
    "spesa_per_categoria": (
        "tables.spesa_per_categoria.what",
        "tables.spesa_per_categoria.who",
        "window.costs",
    ),
    "attesa": ("tables.attesa.what", "tables.attesa.who", "window.started"),
    "attesa_adolescenti": (
        "tables.attesa_adolescenti.what",
        "tables.attesa_adolescenti.who",
        "window.started",
    ),
}


def table(name: str, start: str, end: str, k: int) -> tuple[str, str, str] | None:
    """What table `name` counts, who is in it and its time window, filled in; None for a table without."""
    keys = TABLES.get(name)
    if keys is None:
        return None
    who, window = (messages.t(f"{_EXPLAIN}.{key}", start=start, end=end, k=k) for key in keys[1:])
    if keys[0] == "flows.by":
        first = messages.t(f"{_EXPLAIN}.flows.what", by=messages.t(f"{_EXPLAIN}.tables.{name}.by"))
    else:
        first = messages.t(f"{_EXPLAIN}.{keys[0]}", start=start, end=end, k=k)
    return first, who, window


# why a figure is hidden (the tables' notes, the headline's short clause), in the order they are told;
# the catalogue's keys are these, with «n<k» read as below_k
REASON_ORDER = ("primary", "secondary", "group", "ledger", "blank", "n<k", "dominance")


def _reason_key(reason: str) -> str:
    return "below_k" if reason == "n<k" else reason


def hidden_sentence(reasons: dict[str, int], k: int) -> str:
    """One plain sentence saying why the hidden cells of a table are hidden."""
    total = sum(reasons.values())
    clauses = [
        messages.t(f"{_EXPLAIN}.reasons.{_reason_key(r)}", k=k, km1=k - 1)
        for r in REASON_ORDER
        if reasons.get(r)
    ]
    clauses += [
        messages.t(f"{_EXPLAIN}.reasons.other")
        for r in sorted(reasons)
        if r not in REASON_ORDER and reasons[r]
    ][:1]
    return messages.t(
        f"{_EXPLAIN}.hidden_sentence",
        hidden=messages.t(f"{_EXPLAIN}.hidden_count", count=total),
        reasons="; ".join(clauses),
    )


def reason_short(reason: str, k: int) -> str:
    known = reason in REASON_ORDER
    return messages.t(f"{_EXPLAIN}.reasons_short.{_reason_key(reason) if known else 'other'}", k=k)


# the glossary's entries, in the order the report lists them (report.explain.glossary.ID.term/text)
GLOSSARY = (
    "active",
    "flows",
    "assessments",
    "honos",
    "cohort",
    "person_years",
    "spend",
    "threshold",
    "below_k",
    "hidden",
    "rounding",
    "wait",
)


def glossary(k: int) -> list[tuple[str, str]]:
    """The glossary's (term, text) pairs, the threshold filled in."""
    return [
        (
            messages.t(f"{_EXPLAIN}.glossary.{entry}.term", k=k, km1=k - 1),
            messages.t(f"{_EXPLAIN}.glossary.{entry}.text", k=k, km1=k - 1),
        )
        for entry in GLOSSARY
    ]
