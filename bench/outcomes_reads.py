"""How many times each table of the outcome data package is opened by one command (prints counts; not a test).

    .venv/bin/python bench/outcomes_reads.py [--people 400] [--engine fast|frictionless] [--publish]

Makes a demo package (`bds demo-data`), then runs `bds outcomes validate DIR` and `bds report` on it in
this process, counting every opening of a file of the package through Python's "open" audit event
(raised by `open`, `io.open`, `os.open` and `Path.open`/`read_bytes`/`read_text`: frictionless's own
readers included). A second process that validation may start on a large package (from 2 MB, see
`outcomes.validate.PARALLEL_FROM_BYTES`) is not counted: the default 400 people stay below it.
`--engine frictionless` runs the frictionless fallback path (every table handed to frictionless);
`--publish` also runs `bds publish` with the data on a copy of the Milan project (it builds the site: slower).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bds import cli
from bds.outcomes import package

ROOT = Path(__file__).resolve().parents[1]

_counts: Counter[str] = Counter()
_watched: dict[str, str] = {}  # real path of a package file -> its name


def _audit(event: str, args: tuple) -> None:
    if event != "open" or not args or isinstance(args[0], int):
        return
    name = _watched.get(os.path.realpath(os.fsdecode(args[0])))
    if name is not None:
        _counts[name] += 1


def _run(label: str, argv: list[str]) -> None:
    _counts.clear()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code
    if code:
        print(err.getvalue(), file=sys.stderr)
    counts = " ".join(f"{name} {_counts[name]}" for name in sorted(_watched.values()))
    print(f"{label} (exit {code}): {counts}; total {sum(_counts.values())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--engine", choices=("fast", "frictionless"), default="fast")
    parser.add_argument("--publish", action="store_true")
    args = parser.parse_args()
    if args.engine == "frictionless":
        from bds.outcomes import release
        from bds.outcomes import validate as validate_mod

        original = validate_mod.validate

        def with_frictionless(*a, **kw):
            kw["engine"] = "frictionless"
            return original(*a, **kw)

        validate_mod.validate = with_frictionless
        release.validate = with_frictionless
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "data"
        argv = ["demo-data", "--out", str(data), "--people", str(args.people), "--seed", "1"]
        with contextlib.redirect_stderr(io.StringIO()):
            cli.main(argv)
        for table in package.TABLES:
            _watched[os.path.realpath(data / f"{table}.csv")] = f"{table}.csv"
        sys.addaudithook(_audit)
        _run("bds outcomes validate", ["outcomes", "validate", str(data)])
        report = ["report", "--data", str(data), "--quarter", "2026Q3"]
        _run("bds report", report + ["--out", str(work / "report"), "--ledger", str(work / "ledger.json")])
        if args.publish:
            root = _copy_project(work / "milan")
            quarter = ["--quarter", "2026Q3", "--today", "2026-12-01", "--data", str(data)]
            places = ["--out", str(work / "site"), "--reports", str(work / "reports")]
            _run("bds publish", ["--root", str(root), "publish", *quarter, *places])
    return 0


def _copy_project(target: Path) -> Path:
    """The kit's own project (Milan) without its site, copied as bench/identity.py copies it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from identity import _copy_project as copy_project

    return copy_project(ROOT, target)


if __name__ == "__main__":
    sys.exit(main())
