"""The release ledger: every cell ever released, so later releases are audited against earlier ones.

Kept beside the private reports (private/reports/ledger.json). A release records,
for each cell, what a reader learnt (status and, for counts, the interval the
published figure implies) and the relations among cells; never a true value.
"""

from __future__ import annotations

import json
import math
import os
import stat
from functools import lru_cache
from pathlib import Path

from .. import messages
from ..errors import BdsError
from ..pipeline.writing import write_file
from . import codes, package
from .disclosure import LedgerView, or_zero, prior
from .model import COUNT, SUPPRESSED, Aggregate, Relation

FORMAT = 1


def _num(value: float):
    return None if math.isinf(value) else value


def _inf(value, sign: int) -> float:
    return sign * math.inf if value is None else value


MAX_BYTES = 64 * 1024 * 1024
MAX_PROBLEMS = 5

_TYPES = ("object", "array", "integer", "number", "string")  # outcomes.ledger.types; "null" as JSON says it


def _type_name(name: str) -> str:
    return messages.t(f"outcomes.ledger.types.{name}") if name in _TYPES else name


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads((package.schema_dir() / "ledger.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _fail(path: Path, code: str, **values) -> BdsError:
    return BdsError(f"{path}: {codes.message(code, **values)}", exit_code=1)


def _where(parts) -> str:
    return ".".join(str(p) for p in parts) or messages.t("outcomes.ledger.root")


def _problem(error) -> str:
    """An Italian sentence for one schema error; never the offending value (it might be anything)."""
    kind, expected = error.validator, error.validator_value
    say = "outcomes.ledger.problems."
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        return messages.t(say + "type", types=messages.t(say + "type_or").join(map(_type_name, names)))
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in expected if name not in instance]
        return messages.t(say + "required", names="», «".join(missing))
    return messages.t(say + _SENTENCE.get(kind, "invalid"), minimum=expected)


_SENTENCE = {  # schema keyword -> key of outcomes.ledger.problems
    "dependentRequired": "together",
    "enum": "enum",
    "const": "enum",
    "additionalProperties": "extra_field",
    "propertyNames": "name",
    "pattern": "name",
    "minimum": "minimum",
    "minItems": "items",
    "maxItems": "items",
    "prefixItems": "items",
    "minProperties": "empty",
}


def _unreadable(why: str, **values) -> str:
    """Why the ledger cannot be read (a key of outcomes.ledger.unreadable)."""
    return messages.t(f"outcomes.ledger.unreadable.{why}", **values)


def _no_duplicates(pairs):
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("duplicate")
    return dict(pairs)


def _no_constant(name):
    raise ValueError(name)  # NaN and Infinity are not JSON, and would void every bound they touch


def load(path: Path) -> dict:
    """The ledger at `path` (empty when there is none), validated against schemas/outcomes/ledger.schema.json.

    Anything else stops the release before a file is written: a ledger that cannot be trusted cannot
    protect the cells that earlier releases hid."""
    path = Path(path)
    if not _exists(path):
        return {"format": FORMAT, "releases": {}}
    data = _parse(path)
    _check(path, data)
    return data


def _exists(path: Path) -> bool:
    """False when there is no ledger yet; raise when something is there that cannot be a ledger."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise _fail(path, "LEDGER_UNREADABLE", why=_unreadable("dangling")) from None
        return False
    except OSError as exc:
        raise _fail(path, "LEDGER_UNREADABLE", why=exc.strerror or _unreadable("read_error")) from None
    why = _wrong_file(info)
    if why is not None:
        raise _fail(path, "LEDGER_UNREADABLE", why=why)
    return True


def _wrong_file(info: os.stat_result) -> str | None:
    """Why the file at hand is no ledger to read (a folder, not a regular file, too large), or None."""
    if stat.S_ISDIR(info.st_mode):
        return _unreadable("folder")
    if not stat.S_ISREG(info.st_mode):
        return _unreadable("not_regular")
    if info.st_size > MAX_BYTES:
        return _unreadable("too_large", megabytes=MAX_BYTES // 2**20)
    return None


def _parse(path: Path):
    """The ledger's JSON: UTF-8, no duplicate names, no NaN or Infinity."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise _fail(path, "LEDGER_UNREADABLE", why=_unreadable("not_utf8")) from None
    except json.JSONDecodeError as exc:
        raise _fail(path, "LEDGER_UNREADABLE", why=_unreadable("json_line", line=exc.lineno)) from None
    except (ValueError, RecursionError):
        why = _unreadable("json_other")
        raise _fail(path, "LEDGER_UNREADABLE", why=why) from None
    except OSError as exc:
        raise _fail(path, "LEDGER_UNREADABLE", why=exc.strerror or _unreadable("read_error")) from None
    return data


def _check(path: Path, data) -> None:
    """Raise, with the first few problems, unless the ledger follows its schema and has no contradiction."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    lines = [
        codes.message("LEDGER_INVALID", where=_where(e.absolute_path), problem=_problem(e))
        for e in errors[:MAX_PROBLEMS]
    ]
    if not errors:
        lines = _contradictions(data)[:MAX_PROBLEMS]
    if lines:
        more = len(errors) - MAX_PROBLEMS
        tail = "\n" + messages.t("outcomes.ledger.more", count=more) if more > 0 else ""
        raise BdsError(f"{path}: " + f"\n{path}: ".join(lines) + tail, exit_code=1)


def _min_above_max() -> str:
    return messages.t("outcomes.ledger.problems.min_above_max")


def _contradictions(data: dict) -> list[str]:
    """Bounds the schema cannot compare: a minimum above its maximum."""
    out = []
    for label, release in sorted(data["releases"].items()):
        for key, cell in sorted(release["cells"].items()):
            lo, hi = cell.get("lo"), cell.get("hi")
            if lo is not None and hi is not None and lo > hi:
                where = _where(("releases", label, "cells", key))
                out.append(codes.message("LEDGER_INVALID", where=where, problem=_min_above_max()))
        for i, (_coefs, lo, hi) in enumerate(release["relations"]):
            if lo is not None and hi is not None and lo > hi:
                where = _where(("releases", label, "relations", i))
                out.append(codes.message("LEDGER_INVALID", where=where, problem=_min_above_max()))
    return out


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
                messages.t("outcomes.ledger.threshold_changed", quarter=label, earlier=release.get("k"), k=k),
                exit_code=1,
            )
        _read_counts(out, release["cells"])
        for coefs, lo, hi in release["relations"]:
            out.relations.append(Relation(dict(coefs), _inf(lo, -1), _inf(hi, 1)))
    return out


def _read_counts(out: LedgerView, cells: dict) -> None:
    """What one earlier release said of its counts: bounds (narrowed by other releases), zero-or-more,
    "<k" cells still protected, and the population each count covered."""
    for key, cell in cells.items():
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


def record(ledger: dict, agg: Aggregate, relations: list[Relation]) -> dict:
    cells = {}
    for key, cell in sorted(agg.cells.items()):
        entry: dict[str, object] = {"status": cell.status, "reason": cell.reason, "kind": cell.kind}
        if cell.status != SUPPRESSED:  # what readers saw (never a true value): the report's trend reads it
            entry["shown"] = cell.shown
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
    write_file(path, json.dumps(ledger, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
