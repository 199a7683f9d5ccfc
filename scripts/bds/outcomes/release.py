"""One quarterly release, end to end: validate, aggregate, protect, render, record in the ledger.

`build_report` is the library entry point (`bds report` and, later, `bds publish` call it).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .. import __version__, messages
from ..errors import BdsError
from ..pipeline.progress import say
from ..pipeline.staging import JOURNAL, Staging, recover_all
from ..pipeline.writing import check_writable, write_failed
from ..vocabulary import DEFAULTS
from . import aggregate, disclosure, fsutil, render
from . import ledger as ledger_mod
from .model import COUNT, SUPPRESSED
from .territory import load_territory
from .validate import Problem, validate

DEFAULT_THRESHOLD = 10
MIN_THRESHOLD = 5


class ValidationFailed(BdsError):
    def __init__(self, problems: list[Problem]):
        super().__init__(messages.t("outcomes.release.validation_failed", count=len(problems)), exit_code=1)
        self.problems = problems


@dataclass
class Settings:
    programme: str
    territory: dict
    k: int
    root: Path | None


def settings_for(project) -> Settings:
    if project is None:
        return Settings(DEFAULTS["programme"], {}, DEFAULT_THRESHOLD, None)
    # The threshold protects people: read it through the validator, so a territory file that breaks
    # its schema (e.g. disclosure_threshold below 5) stops the report instead of weakening it.
    territory = load_territory(project)
    k = int(territory.get("disclosure_threshold") or DEFAULT_THRESHOLD)
    if k < MIN_THRESHOLD:  # the schema already says so; kept here because this is the privacy boundary
        raise BdsError(messages.t("outcomes.release.threshold_minimum", minimum=MIN_THRESHOLD))
    return Settings(territory.get("programme") or DEFAULTS["programme"], territory, k, project.root)


def default_out(project, quarter: str) -> Path:
    if project is None:
        raise BdsError(messages.t("outcomes.release.no_out"), exit_code=2)
    return project.root / "private" / "reports" / quarter


def check_output(out_dir: Path, root: Path | None, folder: bool = True) -> None:
    check_writable(out_dir, folder=folder)
    if root is not None and fsutil.inside(out_dir, root / "site"):
        raise BdsError(f"{out_dir}: {messages.t('outcomes.release.inside_site')}", exit_code=2)
    why = fsutil.repository_exposure(out_dir)
    if why:
        reason = messages.t(f"outcomes.release.exposure.{why.replace('-', '_')}")
        raise BdsError(
            f"{out_dir}: {messages.t('outcomes.release.in_repository', reason=reason)}", exit_code=2
        )


def _versions() -> dict:
    out = {"bds": __version__}
    for name in ("frictionless", "numpy", "scipy", "weasyprint"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "assente"
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_report(
    data_dir: Path,
    quarter: str,
    out_dir: Path | None = None,
    project=None,
    ledger_path: Path | None = None,
    replace: bool = False,
    pdf: bool = True,
    checked=None,
    staging=None,
) -> dict:
    """Write the release for `quarter` into `out_dir` and record it in the ledger; return a summary.

    The report folder and the ledger are written together or not at all: both are staged beside
    their targets and switched in by one journaled commit (`pipeline.staging`; the journal is
    `.bds-commit.json` beside the ledger), which the next run completes if a crash interrupts it.
    With `staging` (a `Staging` of a larger run, `bds publish`) both are only staged into it and
    its owner commits them. `checked` is a successful `validate()` of the same `data_dir` with its
    tables loaded; when given, the (slow) validation is not repeated.
    """
    aggregate.quarter_bounds(quarter)  # a clear error for a malformed quarter, before any work
    timings = {}
    settings = settings_for(project)
    out_dir, ledger_path = _targets(project, quarter, settings, out_dir, ledger_path, replace, staging)

    started = time.perf_counter()
    reusable = checked is not None and checked.ok and checked.data is not None
    if not reusable or Path(checked.data_dir).resolve() != Path(data_dir).resolve():
        checked = validate(Path(data_dir), settings.territory or None)
    timings["validate"] = time.perf_counter() - started
    if not checked.ok:
        raise ValidationFailed(checked.problems)

    started = time.perf_counter()
    agg = aggregate.build(checked.data, quarter, settings.k, settings.territory or None)
    timings["aggregate"] = time.perf_counter() - started

    started = time.perf_counter()
    book = ledger_mod.load(ledger_path)
    seen = ledger_mod.view(book, quarter, settings.k)
    outcome = disclosure.run(agg, seen)
    timings["audit"] = time.perf_counter() - started

    started = time.perf_counter()
    summary = _summary(agg, outcome, quarter, settings.k)
    files = _release_files(agg, outcome, book, settings, summary, pdf)
    files["manifest.json"] = _json(_manifest(quarter, settings, checked.sha256, ledger_path, files))
    new_ledger = ledger_mod.record(book, agg, list(agg.relations))
    _write(files, new_ledger, out_dir, ledger_path, quarter, staging)
    timings["render"] = time.perf_counter() - started
    summary.update(out=str(out_dir), ledger=str(ledger_path), timings=timings)
    return summary


def _targets(
    project, quarter: str, settings: Settings, out_dir, ledger_path, replace: bool, staging
) -> tuple[Path, Path]:
    """The report folder and the ledger, both checked writable and outside the repository and the site;
    an interrupted earlier run is completed first (unless a larger run's `staging` owns the commit)."""
    out_dir = Path(out_dir) if out_dir else default_out(project, quarter)
    check_output(out_dir, settings.root)
    ledger_path = Path(ledger_path) if ledger_path else out_dir.parent / "ledger.json"
    check_output(ledger_path, settings.root, folder=False)
    if staging is None:  # before reading the ledger: an interrupted run may still have to record in it
        recover_all(
            [ledger_path.absolute().parent] + ([project.root] if project is not None else []), sys.stderr
        )
    if out_dir.exists() and any(out_dir.iterdir()) and not replace:
        raise BdsError(f"{out_dir}: {messages.t('outcomes.release.exists')}", exit_code=2)
    return out_dir, ledger_path


def _summary(agg, outcome, quarter: str, k: int) -> dict:
    counts = [c for c in agg.cells.values()]
    return {
        "quarter": quarter,
        "k": k,
        "tables": len(agg.tables),
        "cells": len(counts),
        "suppressed": sum(1 for c in counts if c.status == SUPPRESSED),
        "secondary": len(outcome.secondary),
        "milp_solves": outcome.solves,
        "unprotected": outcome.unprotected,
        "ledger_conflicts": outcome.ledger_conflicts,
    }


def _release_files(
    agg, outcome, book: dict, settings: Settings, summary: dict, pdf: bool
) -> dict[str, bytes]:
    """The release's files but the manifest: the tables, their datapackage, the report, the audit."""
    quarter = agg.quarter
    services = {
        s["id"]: s.get("short_name") or s.get("name", s["id"])
        for s in settings.territory.get("health_services") or []
    }
    files: dict[str, bytes] = {}
    for table in agg.tables:
        files[f"{table.name}.csv"] = render.table_csv(agg, table).encode("utf-8")
    files["datapackage.json"] = _json(render.datapackage(agg, quarter))
    # the previous quarters' figures come only from what earlier releases published (the ledger):
    # never a recomputation the audit of those releases did not protect
    earlier = {label: release["cells"] for label, release in book["releases"].items() if label < quarter}
    page = render.report_html(agg, quarter, settings.programme, services, summary, earlier)
    files["report.html"] = page.encode("utf-8")
    if pdf:
        files["report.pdf"] = render.report_pdf(page)
    files["audit.json"] = _json(_audit(agg, outcome, sorted(r for r in book["releases"] if r != quarter)))
    return files


def _manifest(
    quarter: str, settings: Settings, inputs: dict[str, str], ledger_path: Path, files: dict
) -> dict:
    """What went in (the hashes of the inputs as validated, parameters, the ledger before, versions) and
    what came out."""
    return {
        "quarter": quarter,
        "inputs": inputs,
        "parameters": {
            "disclosure_threshold": settings.k,
            "rounding_base": 5,
            "dominance_share": disclosure.DOMINANCE_SHARE,
            "p_percent": disclosure.P_PERCENT,
            "programme": settings.programme,
        },
        "ledger_before": _sha(ledger_path.read_bytes()) if ledger_path.is_file() else None,
        "versions": _versions(),
        "outputs": {name: _sha(data) for name, data in sorted(files.items())},
    }


def _write(
    files: dict[str, bytes], new_ledger: dict, out_dir: Path, ledger_path: Path, quarter: str, staging
):
    """Stage the ledger and the report folder, then commit both in one journaled step (or leave them
    to the `staging` of a larger run)."""
    out_target, ledger_target = out_dir.absolute(), ledger_path.absolute()  # the journal outlives the cwd
    area = staging if staging is not None else Staging()
    try:
        # the ledger first: interrupted between the two, a later release is audited against more
        # than was published, never less
        ledger_work = area.workspace(ledger_target) / ledger_target.name
        if ledger_target.is_file():
            shutil.copy2(ledger_target, ledger_work)  # keeps its permissions
        ledger_mod.save(ledger_work, new_ledger)
        area.add(ledger_work, ledger_target)
        work = area.workspace(out_target) / out_target.name
        work.mkdir()
        for name, data in files.items():
            (work / name).write_bytes(data)
        area.add(work, out_target)
        if staging is None:
            say(area.recovered, sys.stderr)
            area.commit(ledger_target.parent / JOURNAL, f"bds report {quarter}")  # msg-ok: the command line
    except OSError as exc:  # disk full, read-only, a file where a folder should be...
        raise write_failed(
            exc, messages.t("outcomes.release.write_what"), messages.t("outcomes.release.write_kept")
        ) from None
    finally:
        if staging is None:
            area.discard()


def _json(data) -> bytes:
    import json

    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _audit(agg, outcome, earlier: list[str]) -> dict:
    where: dict[str, list] = {}
    for table in agg.tables:
        for dims, key in table.rows:
            where.setdefault(key, []).append(
                {"table": table.name, "dims": dict(zip(table.dims, dims, strict=False))}
            )
    floor = disclosure.protected_floor(agg.k)
    cells = []
    for key, cell in sorted(agg.cells.items()):
        if cell.status != SUPPRESSED:
            continue
        entry = {
            "key": key,
            "kind": cell.kind,
            "reason": cell.reason,
            "shown": cell.shown,
            "where": where.get(key, []),
        }
        if cell.kind == COUNT and cell.interval is not None:
            lo, hi = cell.interval
            entry["interval"] = [lo if lo != float("-inf") else None, hi if hi != float("inf") else None]
        cells.append(entry)
    return {
        "quarter": agg.quarter,
        "k": agg.k,
        # audit.json explains itself in English (the kit's technical record, not a text for people)
        "attacker": "all published figures of this release "  # msg-ok: English, see above
        "and of the earlier releases in the ledger, as integer constraints (rounding [r-2,r+2], "
        "<k as [1,k-1], margins, quarter-to-quarter flows); intervals computed with scipy.optimize.milp",
        "protection": {
            "primary": f"each <{agg.k} cell: the attacker can neither "  # msg-ok: English, see above
            f"exclude {agg.k - 1} people nor prove more than {floor} "
            f"(attacker min <= {floor}, max >= {agg.k - 1})",
            "group": f"a group hidden for a shared sensitive "  # msg-ok: English, see above
            f"category: nobody can prove that fewer than {agg.k} lack it",
            "last_resort": f"when no published cell is left "  # msg-ok: English, see above
            f"to hide, a <{agg.k} cell is blanked",
            "not_covered": "a person who knows their own cell "  # msg-ok: English, see above
            "or other people's cells (a coalition): the audit can measure it "
            "(disclosure.audit with known values) but the release does not defend against it",
            "min_at_most": floor,
            "max_at_least": agg.k - 1,
        },
        "earlier_releases": earlier,
        "secondary_suppressions": outcome.secondary,
        "milp_solves": outcome.solves,
        "unprotected": outcome.unprotected,
        "ledger_conflicts": outcome.ledger_conflicts,
        "suppressed_cells": cells,
    }
