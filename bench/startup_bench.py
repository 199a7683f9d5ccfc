"""Start-up benchmark: `bds --help` and `bds validate ONE_FILE` against check-jsonschema on the same file.

Usage: .venv/bin/python bench/startup_bench.py [--repeat 7] [--file opportunities/X.yml]

Each figure is the wall time of a whole process (interpreter start, imports, work), median of
`--repeat` runs taken in alternation (so that a busy machine slows all three alike). The reference
is `check-jsonschema --schemafile schemas/opportunity.schema.json FILE`, the check pre-commit would
run without the kit. Target: both bds figures at most the reference. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def wall(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--file", default=None, help="the listing to check (default: the first one)")
    args = parser.parse_args()
    one = args.file or sorted((REPO / "opportunities").glob("*.yml"))[0].relative_to(REPO).as_posix()
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"))
    checker = str(BIN / "check-jsonschema")
    commands = {
        "check-jsonschema FILE": [checker, "--schemafile", "schemas/opportunity.schema.json", one],
        "bds --help": [sys.executable, "-m", "bds", "--help"],
        "bds validate FILE": [sys.executable, "-m", "bds", "validate", one],
    }
    for cmd in commands.values():  # warm the page cache and the bytecode
        wall(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            times[name].append(wall(cmd, env))
    reference = statistics.median(times["check-jsonschema FILE"])
    print(f"file: {one}; median of {args.repeat} whole-process runs, taken in alternation")
    for name, runs in times.items():
        median = statistics.median(runs)
        spread = f"[{min(runs):.3f}-{max(runs):.3f}]"
        print(f"  {name:24} {median:.3f} s {spread}  ratio to check-jsonschema {median / reference:.2f}")
    ok = all(statistics.median(times[n]) <= reference for n in ("bds --help", "bds validate FILE"))
    print("target (both bds figures <= check-jsonschema):", "met" if ok else "not met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
