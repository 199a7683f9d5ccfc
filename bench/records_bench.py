"""How often the kit re-derives the same values: dates parsed, open-data records built, `.get(` calls.

    python bench/records_bench.py [--today 2026-12-01] [--skip-publish]

Runs in this process, through the same entry point as the command line (`bds.cli.main`):
- `bds build --today DAY` of Milan: every call of `bds.dates.parse`, split into the validation
  (load, schema, rules) and the rest (records, context, renderers, engine), and by caller;
- `bds publish` of a quarter from demo data (as bench/identity.py runs it): how many times each
  listing's open-data record (`bds.web.tabular.public_record`) is built;
- the `.get(` written in scripts/bds/web and scripts/bds/publish/bulletin.py.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

# Patch before anything else of bds is imported: `from ..dates import parse` then takes the counter.
from bds import dates  # noqa: E402

_original_parse = dates.parse
CALLS: collections.Counter = collections.Counter()
PHASE = {"name": "other"}


def _counted_parse(value):
    caller = sys._getframe(1)
    CALLS[(PHASE["name"], f"{caller.f_globals.get('__name__')}:{caller.f_code.co_name}")] += 1
    return _original_parse(value)


dates.parse = _counted_parse  # type: ignore[assignment]

from bds import cli  # noqa: E402
from bds import validate as validation  # noqa: E402

_original_run = validation.run


def _phased_run(*args, **kwargs):
    PHASE["name"] = "validation"
    try:
        return _original_run(*args, **kwargs)
    finally:
        PHASE["name"] = "generation"


validation.run = _phased_run  # type: ignore[assignment]


def _copy_project(target: Path) -> Path:
    for part in ("content", "opportunities", "mkdocs.yml"):
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        else:
            shutil.copy2(src, target / part)
    (target / "scripts").symlink_to(REPO / "scripts")  # Milan's mkdocs.yml points its theme here
    return target


def _quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return cli.main(argv)


def measure_build(work: Path, today: str) -> None:
    root = _copy_project(work / "root-build")
    CALLS.clear()
    code = _quiet(["--root", str(root), "build", "--out", str(work / "site"), "--today", today])
    by_phase: collections.Counter = collections.Counter()
    for (phase, _), count in CALLS.items():
        by_phase[phase] += count
    listings = len(list((root / "opportunities").glob("*.yml")))
    print(f"bds build --today {today} (Milan, {listings} listings, exit {code})")
    print(f"  bds.dates.parse calls: {sum(CALLS.values())}", dict(sorted(by_phase.items())))
    for (phase, caller), count in CALLS.most_common(12):
        print(f"    {count:6d}  {phase:10s} {caller}")


def measure_publish(work: Path, today: str) -> None:
    from bds.web import exports, tabular

    builds: collections.Counter = collections.Counter()
    original = tabular.public_record

    def counted(listing, ctx):
        lid = listing.id if hasattr(listing, "raw") else listing.get("id", "")  # a typed record or a mapping
        builds[str(lid)] += 1
        return original(listing, ctx)

    tabular.public_record = counted  # type: ignore[assignment]
    if getattr(exports, "public_record", None) is original:
        exports.public_record = counted  # type: ignore[assignment]
    data, root = work / "data", _copy_project(work / "root-publish")
    _quiet(["demo-data", "--out", str(data), "--people", "400", "--seed", "1"])
    CALLS.clear()
    code = _quiet(
        ["--root", str(root), "publish", "--quarter", "2026Q3", "--data", str(data), "--today", today]
        + ["--out", str(work / "publish-site"), "--reports", str(work / "reports")]
    )
    tabular.public_record = original  # type: ignore[assignment]
    per_listing = collections.Counter(builds.values())
    print(f"bds publish --quarter 2026Q3 --today {today} (exit {code})")
    print(f"  open-data records built: {sum(builds.values())} for {len(builds)} listings;", end=" ")
    print("times per listing -> listings:", dict(sorted(per_listing.items())))
    print(f"  bds.dates.parse calls during publish: {sum(CALLS.values())}")


def count_gets() -> None:
    folders = [REPO / "scripts/bds/web", REPO / "scripts/bds/publish/bulletin.py"]
    files = [p for f in folders for p in (sorted(f.rglob("*.py")) if f.is_dir() else [f])]
    counts = {p.relative_to(REPO).as_posix(): len(re.findall(r"\.get\(", p.read_text())) for p in files}
    web = sum(n for path, n in counts.items() if "/web/" in path)
    bulletin = counts["scripts/bds/publish/bulletin.py"]
    print(f"`.get(` in scripts/bds/web: {web}; in publish/bulletin.py: {bulletin}")
    print("  ", ", ".join(f"{Path(p).name} {n}" for p, n in sorted(counts.items()) if n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--skip-publish", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bds-records-") as tmp:
        measure_build(Path(tmp), args.today)
        if not args.skip_publish:
            measure_publish(Path(tmp), args.today)
    count_gets()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
