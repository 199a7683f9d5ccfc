"""Time `bds.validate.run` on a project: wall and CPU (this process, the loader's workers), then where a
single process spends it (scan, job list, loading with the schema layer, the rules across records).

Usage: .venv/bin/python bench/validation_bench.py DIR [--today 2026-06-01] [--repeat 3] [--qr]
`--qr` starts the QR codes' prefetch first, as `bds build` does (web/postprocess.prefetch), so the
figures are those of validation inside a build. A synthetic project: bds.web.synthetic.write_project.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bds import content, rules  # noqa: E402
from bds import validate as validation  # noqa: E402
from bds.content import Project  # noqa: E402
from bds.web import postprocess  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(root: Path, today: dt.date, qr: bool) -> str:
    prefetch = postprocess.prefetch(Project(root)) if qr else None
    try:
        children, wall, cpu = _children_cpu(), time.perf_counter(), time.process_time()
        result = validation.run(Project(root), today=today)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        workers = _children_cpu() - children
    finally:
        if prefetch is not None:
            prefetch.close()
    found = len(result.findings)
    return f"wall {wall:.2f} s, CPU here {cpu:.2f} s + workers {workers:.2f} s, {found} findings"


def phases(root: Path, today: dt.date) -> dict[str, float]:
    """CPU seconds of each stage in one process (workers=1)."""
    spent: dict[str, float] = {}
    originals = [(content.Project, "scan"), (content, "_jobs"), (content, "load_files"), (rules, "check")]
    for owner, name in originals:
        setattr(owner, name, _counting(getattr(owner, name), name, spent))
    try:
        validation.run(Project(root), today=today, workers=1)
    finally:
        for owner, name in originals:
            setattr(owner, name, getattr(owner, name).__wrapped__)
    return spent


def _counting(function, name: str, spent: dict[str, float]):
    @functools.wraps(function)
    def counted(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start

    return counted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 6, 1))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--qr", action="store_true")
    args = parser.parse_args()
    for _ in range(args.repeat):
        print(("with the QR prefetch: " if args.qr else "") + timed_run(args.root, args.today, args.qr))
    spent = phases(args.root, args.today)
    print("one process, CPU: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in spent.items()))


if __name__ == "__main__":
    main()
