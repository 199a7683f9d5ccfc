"""Byte-identity bench: every output the kit writes, so a refactor can prove it changed nothing.

    python bench/identity.py snapshot DIR          # write every output into DIR (new folder)
    python bench/identity.py compare BASE NEW      # list what differs; exit 1 if anything does

The snapshot holds the Milan site and both test territories' sites (built with a fixed --today),
a quarter published from demo data (site with the bulletin, private report), the outcome report
alone, a territory written by `bds init`, `bds codes`, every command's --help, and what `bds
validate` prints for every invalid fixture. Run it on the base commit and on the change, then
compare: a moved message, a split function or a typed record must leave every byte in place.
Figures (time per stage) are printed; nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-12-01"
QUARTER = "2026Q3"
COMMANDS = [
    "build",
    "codes",
    "demo-data",
    "fmt",
    "import",
    "init",
    "intake",
    "new",
    "outcomes",
    "publish",
    "report",
    "serve",
    "validate",
]
SUBCOMMANDS = {
    "outcomes": ["validate", "import", "template", "workbook"],
    "intake": ["issue", "form", "review"],
}


def _bds(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0", TZ="UTC", LC_ALL="C.UTF-8")
    return subprocess.run(
        [sys.executable, "-m", "bds", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _record(out: Path, name: str, result: subprocess.CompletedProcess) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.txt").write_text(
        f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}", encoding="utf-8"
    )


def _copy_project(source: Path, target: Path) -> Path:
    for part in ("content", "opportunities", "mkdocs.yml"):
        src = source / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        elif src.exists():
            shutil.copy2(src, target / part)
    if (source / "scripts").is_dir():  # Milan's mkdocs.yml points its theme into scripts/
        (target / "scripts").symlink_to(source / "scripts")
    return target


def stage_sites(out: Path, work: Path) -> None:
    projects = {
        "milan": REPO,
        "cremasco": REPO / "tests/territories/cremasco",
        "franciacorta": REPO / "tests/territories/franciacorta",
    }
    for name, source in projects.items():
        root = _copy_project(source, work / f"root-{name}")
        _record(
            out / "logs",
            f"build-{name}",
            _bds("--root", str(root), "build", "--out", str(out / f"site-{name}"), "--today", TODAY),
        )


def stage_outcomes(out: Path, work: Path) -> None:
    data = work / "data"
    _record(
        out / "logs", "demo-data", _bds("demo-data", "--out", str(data), "--people", "400", "--seed", "1")
    )
    _record(out / "logs", "outcomes-validate", _bds("outcomes", "validate", str(data)))
    _record(
        out / "logs",
        "report",
        _bds(
            "report",
            "--data",
            str(data),
            "--quarter",
            QUARTER,
            "--out",
            str(out / "report"),
            "--ledger",
            str(work / "ledger.json"),
        ),
    )
    root = _copy_project(REPO, work / "root-publish")
    _record(
        out / "logs",
        "publish",
        _bds(
            "--root",
            str(root),
            "publish",
            "--quarter",
            QUARTER,
            "--data",
            str(data),
            "--today",
            TODAY,
            "--out",
            str(out / "publish-site"),
            "--reports",
            str(out / "publish-reports"),
        ),
    )


def stage_init(out: Path, work: Path) -> None:
    _record(
        out / "logs",
        "init",
        _bds("init", str(out / "init"), "--territory", "Rete di prova", "--no-input", "--today", TODAY),
    )


def stage_cli(out: Path, work: Path) -> None:
    calls: dict[str, tuple[str, ...]] = {
        "help": ("--help",),
        "codes": ("codes",),
        "codes-json": ("codes", "--format", "json"),
    }
    for command in COMMANDS:
        calls[f"help-{command}"] = (command, "--help")
        for sub in SUBCOMMANDS.get(command, []):
            calls[f"help-{command}-{sub}"] = (command, sub, "--help")
    for fixture in sorted((REPO / "tests/fixtures").glob("*/invalid/*")):
        rel = fixture.relative_to(REPO)
        calls["validate-" + "-".join(rel.parts[2:])] = ("validate", str(rel))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(zip(calls, pool.map(lambda args: _bds(*args), calls.values()), strict=True))
    for name, result in results.items():
        _record(out / "cli", name, result)


STAGES = {"sites": stage_sites, "outcomes": stage_outcomes, "init": stage_init, "cli": stage_cli}


def snapshot(out: Path, only: list[str]) -> int:
    if out.exists():
        print(f"{out} esiste già: scegli una cartella nuova", file=sys.stderr)
        return 2
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="bds-identity-") as tmp:
        for name in only:
            start = time.perf_counter()
            STAGES[name](out, Path(tmp) / name)
            print(f"{name}: {time.perf_counter() - start:.1f} s")
    # The temporary folder's name appears in logs that echo paths: make it stable.
    for path in out.rglob("*.txt"):
        text = path.read_text(encoding="utf-8")
        fixed = _stable_paths(text, out)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    return 0


def _stable_paths(text: str, out: Path) -> str:
    import re

    text = text.replace(str(out), "<OUT>").replace(str(REPO), "<REPO>")
    text = re.sub(r"/tmp/bds-identity-[^/\s]+", "<TMP>", text)
    return re.sub(r"\b\d+,\d (s\b|secondi)", r"N \1", text)  # durations differ from run to run


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compare(base: Path, new: Path, show: int) -> int:
    files = lambda root: {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    a, b = files(base), files(new)
    missing, extra = sorted(a - b), sorted(b - a)
    changed = sorted(p for p in a & b if _digest(base / p) != _digest(new / p))
    for label, paths in (("manca", missing), ("in più", extra), ("diverso", changed)):
        for path in paths:
            print(f"{label}: {path}")
    for path in changed[:show]:
        try:
            old = (base / path).read_text(encoding="utf-8").splitlines()
            cur = (new / path).read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        sys.stdout.writelines(
            line + "\n" for line in list(difflib.unified_diff(old, cur, path, path, n=1, lineterm=""))[:40]
        )
    print(
        f"{len(a)} file di base, {len(b)} nuovi: {len(missing)} mancano, {len(extra)} in più, "
        f"{len(changed)} diversi"
    )
    return 1 if missing or extra or changed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--only", default=",".join(STAGES), help="stages, comma-separated: " + ",".join(STAGES))
    comp = sub.add_parser("compare")
    comp.add_argument("base", type=Path)
    comp.add_argument("new", type=Path)
    comp.add_argument("--show", type=int, default=5, help="diffs shown for the first N changed text files")
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        return snapshot(args.out.resolve(), [s for s in args.only.split(",") if s])
    return compare(args.base, args.new, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
