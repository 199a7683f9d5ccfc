"""Benchmark of the outcome report: 50,000 invented people over 8 quarters (prints figures; not a test).

    .venv/bin/python bench/outcomes_bench.py [--people 50000] [--quarter 2026Q4]

Times frictionless validation alone (the contract), `bds outcomes validate` as it runs (the fast
row checks of outcomes/rowcheck.py + identifiers + domain rules), then one `build_report` split
into validate, aggregate, audit and render, with the ratios issue 17 names: validate and the whole
report each at most 0.5x frictionless alone. `--repeat N` times each step N times and prints medians
(the machine may be shared).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from bds.content import Project
from bds.outcomes import build_report, package, synth
from bds.outcomes.validate import validate

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(step: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """The median wall time of `step`, its median CPU time (this process and the second one it may
    start: the fairer figure on a shared machine) and its last value."""
    times, cpus, value = [], [], None
    for _ in range(max(1, repeat)):
        started, used = time.perf_counter(), _cpu()
        value = step()
        times.append(time.perf_counter() - started)
        cpus.append(_cpu() - used)
    return statistics.median(times), statistics.median(cpus), value


def _synthetic(work: Path, people: int, territory: dict) -> Path:
    started = time.perf_counter()
    tables = synth.generate(people, 1, territory)
    data = work / "data"
    synth.write(data, tables)
    print(
        f"synthetic data: {people} people, "
        + ", ".join(f"{name} {len(rows) - 1}" for name, rows in tables.items())
        + f" rows; {time.perf_counter() - started:.1f} s"
    )
    return data


def _against_frictionless(
    args: argparse.Namespace, data: Path, work: Path, project: Project, territory: dict
):
    """frictionless alone, `bds outcomes validate` and one whole report, with the ratios of issue 17."""
    import frictionless

    def contract():
        return frictionless.Package(package.frictionless_descriptor(), basepath=str(data)).validate()

    alone, alone_cpu, report = timed(contract, args.repeat)
    print(f"frictionless alone: {alone:.2f} s, cpu {alone_cpu:.2f} s (valid={report.valid})")
    fast, fast_cpu, checked = timed(lambda: validate(data, territory, check_repository=False), args.repeat)
    print(
        f"bds outcomes validate (fast rows, identifiers, domain rules): {fast:.2f} s, "
        f"cpu {fast_cpu:.2f} s (ok={checked.ok})"
    )
    run = iter(range(10**6))

    def one_report():
        out = work / "reports" / f"{args.quarter}-{next(run)}"
        return build_report(data, args.quarter, out, project, pdf=args.pdf)

    whole, whole_cpu, summary = timed(one_report, args.repeat)
    t = summary["timings"]
    print(
        f"report {args.quarter}: validate {t['validate']:.2f} s, aggregate {t['aggregate']:.2f} s, "
        f"audit {t['audit']:.2f} s ({summary['milp_solves']} MILP solves, {summary['suppressed']} of "
        f"{summary['cells']} cells suppressed), render {t['render']:.2f} s; whole {whole:.2f} s, "
        f"cpu {whole_cpu:.2f} s"
    )
    for what, wall, cpu in (("validate", fast, fast_cpu), ("whole report", whole, whole_cpu)):
        ratios = f"{wall / alone:.2f} (cpu {cpu / alone_cpu:.2f}; target <= 0.5)"
        print(f"ratio {what} / frictionless alone: {ratios}")


def _ledger_run(args: argparse.Namespace, data: Path, work: Path, project: Project) -> None:
    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", args.quarter]
    started = time.perf_counter()
    for quarter in quarters[:-1]:
        build_report(data, quarter, work / "ledger-run" / quarter, project, pdf=False)
    summary = build_report(data, args.quarter, work / "ledger-run" / args.quarter, project, pdf=False)
    print(
        f"8 quarterly releases in sequence with the ledger: {time.perf_counter() - started:.1f} s; "
        "last audit "
        f"{summary['timings']['audit']:.2f} s, {summary['milp_solves']} solves, "
        f"unprotected {len(summary['unprotected'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--quarter", default="2026Q4")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF")
    parser.add_argument("--repeat", type=int, default=1, help="time each step this many times (medians)")
    parser.add_argument("--no-ledger", action="store_true", help="skip the 8 releases in sequence")
    args = parser.parse_args()
    project = Project(ROOT)
    territory = yaml.safe_load(project.territory_file.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="bds-outcomes-bench-"))
    try:
        data = _synthetic(work, args.people, territory)
        _against_frictionless(args, data, work, project, territory)
        if not args.no_ledger:
            _ledger_run(args, data, work, project)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
