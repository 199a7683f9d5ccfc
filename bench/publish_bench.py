"""Time and peak memory of each step of `bds publish` on a large territory. Not a test.

The shipped content plus N synthetic listings (bds.web.synthetic, remapped onto the shipped
partners and zones) and P synthetic beneficiaries (`bds demo-data`), published for one quarter.

Usage: .venv/bin/python bench/publish_bench.py [--listings 5000] [--people 50000] [--quarter 2026Q4]
                                               [--today 2026-12-31] [--keep DIR]

Peak memory per step is the process's resident-set high-water mark (VmHWM), reset before each
step through /proc/self/clear_refs (Linux). Worker processes (content loading from 1,500 files,
QR codes) are not included: they are forked, so their pages are mostly shared with this one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml
from bds.content import Project
from bds.outcomes import synth
from bds.pipeline.quarter import Quarter
from bds.publish import run
from bds.web import synthetic

REPO = Path(__file__).resolve().parents[1]


def make_project(root: Path, listings: int, today: dt.date) -> Project:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("bulletins"))
    shutil.copytree(REPO / "opportunities", root / "opportunities")
    territory = yaml.safe_load((root / "content" / "territory.yml").read_text(encoding="utf-8"))
    zones = [z["id"] for z in territory["zones"]]
    partners = sorted(p.stem for p in (root / "content" / "partners").glob("*.yml"))
    rng = random.Random(11)
    for i in range(listings):
        record = synthetic.listing(i, rng, 100, today)
        record["partner"] = partners[i % len(partners)]
        record["zones"] = [zones[i % len(zones)]]
        path = root / "opportunities" / f"{record['id']}.yml"
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Project(root)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--people", type=int, default=50000)
    parser.add_argument("--quarter", default="2026Q4")
    parser.add_argument("--today", default="2026-12-31")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the outputs")
    args = parser.parse_args()
    quarter, today = Quarter.parse(args.quarter), dt.date.fromisoformat(args.today)
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bds-publish-bench-"))
    try:
        started = time.perf_counter()
        project = make_project(base / "progetto", args.listings, today)
        prepared_listings = time.perf_counter() - started
        started = time.perf_counter()
        territory = yaml.safe_load(project.territory_file.read_text(encoding="utf-8"))
        synth.write(base / "dati", synth.generate(args.people, 1, territory))
        prepared_people = time.perf_counter() - started
        print(
            f"Preparazione: {args.listings} opportunità sintetiche in {prepared_listings:.1f} s, "
            f"{args.people} persone sintetiche in {prepared_people:.1f} s",
            flush=True,
        )

        peaks: dict[str, int] = {}
        at_start: dict[str, int] = {}
        can_reset = _reset_hwm()

        def on_step(name: str, phase: str) -> None:
            if phase == "start":
                _reset_hwm()
                at_start[name] = _status_kib("VmRSS")
            else:
                peaks[name] = _status_kib("VmHWM")

        log = io.StringIO()
        total_started = time.perf_counter()
        result = run.publish(
            project,
            quarter,
            today,
            base / "sito",
            base / "private" / "reports",
            base / "dati",
            log=log,
            on_step=on_step,
        )
        total = time.perf_counter() - total_started
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    names = {
        "content": "validazione contenuti",
        "data": "validazione dati esiti",
        "site": "sito + bollettino",
        "report": "rapporto privato",
        "freshness": "schede da verificare",
    }
    heading = f"bds publish {quarter.label}: contenuti spediti + {args.listings} opportunità"
    print(f"\n{heading}, {args.people} persone")
    print(f"{'passo':<26}{'secondi':>9}{'RSS inizio MiB':>16}{'picco RSS MiB':>15}")
    for name, seconds in result.seconds.items():
        peak = f"{peaks.get(name, 0) / 1024:.0f}" if can_reset else "n/d"
        start = at_start.get(name, 0) / 1024
        print(f"{names[name]:<26}{seconds:>9.1f}{start:>16.0f}{peak:>15}")
    swap = total - sum(result.seconds.values())
    print(f"{'sostituzione + resto':<26}{swap:>9.1f}")
    whole = (
        max(peaks.values(), default=0) / 1024
        if can_reset
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(f"{'totale':<26}{total:>9.1f}{'':>16}{whole:>15.0f}")
    print(
        f"\nSito: {result.pages} pagine, {result.listings} opportunità aperte; bollettino: "
        f"{result.bulletin_totals}; rapporto: {result.report_summary.get('cells')} celle, "
        f"{result.report_summary.get('suppressed')} oscurate; da verificare: {result.freshness_counts}"
    )
    if result.report_summary.get("timings"):
        inner = ", ".join(f"{k} {v:.1f} s" for k, v in result.report_summary["timings"].items())
        print(f"Dentro il rapporto privato: {inner}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
