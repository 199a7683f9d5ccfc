"""The release ledger: every cell ever released, so later releases are audited against earlier ones.

Kept beside the private reports (private/reports/ledger.json). A release records,
for each cell, what a reader learnt (status and, for counts, the interval the
published figure implies) and the relations among cells; never a true value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..errors import BdsError
from .disclosure import LedgerView, or_zero, prior
from .fsutil import atomic_write_text
from .model import COUNT, SUPPRESSED, Aggregate, Relation

FORMAT = 1


def _num(value: float):
    return None if math.isinf(value) else value


def _inf(value, sign: int) -> float:
    return sign * math.inf if value is None else value


def load(path: Path) -> dict:
    if not path.is_file():
        return {"format": FORMAT, "releases": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BdsError(
            f"{path}: il registro delle pubblicazioni non è leggibile; ripristinalo da una copia", exit_code=1
        ) from None
    if data.get("format") != FORMAT or not isinstance(data.get("releases"), dict):
        raise BdsError(f"{path}: il registro delle pubblicazioni ha un formato sconosciuto", exit_code=1)
    return data


def view(ledger: dict, quarter: str, k: int) -> LedgerView:
    """Everything earlier (and later) releases disclosed, except the one being replaced for `quarter`."""
    out = LedgerView()
    for label in sorted(ledger["releases"]):
        release = ledger["releases"][label]
        for key, cell in release["cells"].items():
            if cell["status"] == SUPPRESSED:
                out.sticky.add(key)
        if label == quarter:
            continue
        if release.get("k") != k:
            raise BdsError(
                f"il registro contiene il trimestre {label} pubblicato con soglia {release.get('k')}: "
                f"non si può cambiare soglia ({k}) tra una pubblicazione e l'altra",
                exit_code=1,
            )
        for key, cell in release["cells"].items():
            if "lo" not in cell:
                continue
            lo, hi = _inf(cell["lo"], -1), _inf(cell["hi"], 1)
            if key in out.bounds:
                old = out.bounds[key]
                lo, hi = max(lo, old[0]), min(hi, old[1])
            out.bounds[key] = (lo, hi)
            if cell.get("or_zero"):
                out.or_zero.add(key)
            if cell.get("reason") in ("primary", "blank"):
                out.primary.add(key)
            if cell.get("population"):
                out.populations[key] = cell["population"]
        for coefs, lo, hi in release["relations"]:
            out.relations.append(Relation(dict(coefs), _inf(lo, -1), _inf(hi, 1)))
    return out


def record(ledger: dict, agg: Aggregate, relations: list[Relation]) -> dict:
    cells = {}
    for key, cell in sorted(agg.cells.items()):
        entry = {"status": cell.status, "reason": cell.reason, "kind": cell.kind}
        if cell.kind == COUNT:
            lo, hi = prior(cell, agg.k)
            entry.update(lo=_num(lo), hi=_num(hi), population=cell.population)
            if or_zero(cell):
                entry["or_zero"] = True
        cells[key] = entry
    releases = dict(ledger["releases"])
    releases[agg.quarter] = {
        "k": agg.k,
        "cells": cells,
        "relations": [[r.as_list()[0], _num(r.lo), _num(r.hi)] for r in relations],
    }
    return {"format": FORMAT, "releases": dict(sorted(releases.items()))}


def save(path: Path, ledger: dict) -> None:
    atomic_write_text(path, json.dumps(ledger, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
