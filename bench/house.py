"""Figures of the house (issue 12): function length, complexity, places that know the engine.

    python bench/house.py [--radon PATH_TO_RADON]

Prints, for scripts/bds: functions and methods, how many are over 50 and over 60 lines, the longest ten;
with radon (not a dependency of the kit: pass the path of a radon executable, e.g. from a throw-away venv
with radon==6.0.1), how many rank C or worse; and the modules that import MkDocs or Material or name
Material's CSS classes. Figures only: nothing here fails.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "bds"
ENGINE_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:mkdocs|material)\b", re.MULTILINE)
ENGINE_NAMES = re.compile(r"\bmd-(?:button|typeset|content|nav|header|search|grid|banner)\b|material/")


def functions() -> list[tuple[str, str, int]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                out.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", node.name, length))
    return out


def engine_places() -> tuple[list[str], list[str]]:
    imports, names = [], []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html", ".js", ".css") or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(PACKAGE))
        if path.suffix == ".py" and ENGINE_IMPORT.search(text):
            imports.append(rel)
        elif ENGINE_NAMES.search(text):
            names.append(rel)
    return imports, names


def radon_ranks(radon: str) -> tuple[int, int]:
    result = subprocess.run([radon, "cc", "-j", str(PACKAGE)], capture_output=True, text=True, check=True)
    blocks = [b for items in json.loads(result.stdout).values() if isinstance(items, list) for b in items]
    funcs = [b for b in blocks if b.get("type") in ("function", "method")]
    return len(funcs), sum(1 for b in funcs if b["rank"] >= "C")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radon", help="path of a radon executable (optional)")
    args = parser.parse_args()
    found = functions()
    print(f"functions and methods: {len(found)}")
    over = {limit: sum(1 for f in found if f[2] > limit) for limit in (50, 60)}
    print(f"over 50 lines: {over[50]}; over 60 lines: {over[60]}")
    for place, name, length in sorted(found, key=lambda f: -f[2])[:10]:
        print(f"  {length:4d}  {name}  ({place})")
    if args.radon:
        total, complex_ = radon_ranks(args.radon)
        print(f"radon rank C or worse: {complex_}/{total} = {100 * complex_ / total:.1f}%")
    imports, names = engine_places()
    print(f"modules importing MkDocs/Material: {len(imports)}: {', '.join(imports)}")
    print(f"other files naming Material's classes or plugins: {len(names)}: {', '.join(names)}")


if __name__ == "__main__":
    main()
