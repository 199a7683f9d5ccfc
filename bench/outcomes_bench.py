"""Benchmark of the outcome report: 50,000 invented people over 8 quarters (prints figures; not a test).

    .venv/bin/python bench/outcomes_bench.py [--people 50000] [--quarter 2026Q4]

Times frictionless validation alone, then one `build_report` split into validate
(frictionless + identifiers + domain rules), aggregate, audit and render, and the
ratio of the whole report to frictionless alone (target <= 1.5).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import yaml
from bds.content import Project
from bds.outcomes import build_report, package, synth

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--quarter", default="2026Q4")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF")
    args = parser.parse_args()
    project = Project(ROOT)
    territory = yaml.safe_load(project.territory_file.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="bds-outcomes-bench-"))
    try:
        started = time.perf_counter()
        tables = synth.generate(args.people, 1, territory)
        data = work / "data"
        synth.write(data, tables)
        print(
            f"synthetic data: {args.people} people, "
            + ", ".join(f"{name} {len(rows) - 1}" for name, rows in tables.items())
            + f" rows; {time.perf_counter() - started:.1f} s"
        )

        import frictionless

        started = time.perf_counter()
        report = frictionless.Package(package.frictionless_descriptor(), basepath=str(data)).validate()
        alone = time.perf_counter() - started
        print(f"frictionless alone: {alone:.2f} s (valid={report.valid})")

        started = time.perf_counter()
        quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", args.quarter]
        summary = build_report(data, args.quarter, work / "reports" / args.quarter, project, pdf=args.pdf)
        whole = time.perf_counter() - started
        t = summary["timings"]
        print(
            f"report {args.quarter}: validate {t['validate']:.2f} s, aggregate {t['aggregate']:.2f} s, "
            f"audit {t['audit']:.2f} s ({summary['milp_solves']} MILP solves, {summary['suppressed']} of "
            f"{summary['cells']} cells suppressed), render {t['render']:.2f} s; whole {whole:.2f} s"
        )
        print(f"ratio whole report / frictionless alone: {whole / alone:.2f} (target <= 1.5)")

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
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
