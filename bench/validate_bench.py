"""Time `bds validate` against `check-jsonschema --schemafile` on the same N synthetic opportunities.

Usage: .venv/bin/python bench/validate_bench.py [N] [--repeat R]
Both run as whole processes on the same files (a temporary fixture project with a territory and
partners); the figure is the ratio check-jsonschema / bds (higher is better for bds). Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROJECT = REPO / "tests" / "fixtures" / "project"
KINDS = ["training", "volunteering", "internship", "job", "social", "peer-support", "family-support"]
WORDS = (
    "laboratorio cucina teatro orto lettura gruppo incontro quartiere persone insieme percorso lavoro "
    "formazione casa amicizia musica sport cammino biblioteca giardino"
).split()


def opportunity(i: int, rng: random.Random) -> str:
    kind = rng.choice(KINDS)
    axis = "work" if kind in ("training", "internship", "job") else "social"
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 200)))
    lines = [
        f"id: opportunita-{i}",
        f"title: Laboratorio numero {i}",
        f"kind: {kind}",
        f"axes: [{axis}]",
        f"partner: {rng.choice(['coop-esempio', 'associazione-prova'])}",
        "summary: Si fa un laboratorio insieme una volta alla settimana.",
        "description: |",
        f"  **Un laboratorio** per chi vuole provare. {text}",
        "  - si impara",
        "  - si sta insieme",
        "audience: [cps-users, citizens]",
        "access: both",
        f"zones: [{rng.choice(['zona-nord', 'zona-sud'])}]",
        "location:",
        "  name: Sala del quartiere",
        f"  address: Via Roma {i}",
        "  visibility: public",
        "dates:",
        '  start: "2026-09-01"',
        '  end: "2026-12-20"',
        '  deadline: "2026-08-31"',
        "schedule: il martedì dalle 15 alle 17",
        f"places: {rng.randint(1, 30)}",
        "cost: free",
        *(["stipend: 400"] if kind == "internship" else []),
        "contact:",
        f"  email: info{i}@example.org",
        '  phone: "02 1234 5678"',
        f"  url: https://example.org/opportunita/{i}",
        "accessibility: Sala al piano terra.",
        'languages: ["it"]',
        "tags: [laboratorio, quartiere]",
        "status: open",
        'reviewed: "2026-05-01"',
        "example: true",
    ]
    return "\n".join(lines) + "\n"


def make_project(root: Path, n: int) -> list[Path]:
    shutil.copytree(PROJECT, root)
    (root / "content" / "partners" / "associazione-prova.yml").write_text(
        (root / "content" / "partners" / "coop-esempio.yml")
        .read_text(encoding="utf-8")
        .replace("id: coop-esempio", "id: associazione-prova"),
        encoding="utf-8",
    )
    rng = random.Random(42)
    folder = root / "opportunities"
    folder.mkdir(exist_ok=True)  # git keeps no empty folder: the fixture project may lack it
    files = []
    for i in range(n):
        path = folder / f"opportunita-{i}.yml"
        path.write_text(opportunity(i, rng), encoding="utf-8")
        files.append(path)
    return files


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0,):
        print(f"  attenzione: {cmd[0]} è uscito con {proc.returncode}: {proc.stderr[-500:]}", file=sys.stderr)
    return elapsed, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bds = str(BIN / "bds")
    cjs = str(BIN / "check-jsonschema")
    with tempfile.TemporaryDirectory(prefix="bds-bench-") as tmp:
        root = Path(tmp) / "progetto"
        files = make_project(root, args.n)
        rel = [str(p.relative_to(root)) for p in files]
        size = sum(p.stat().st_size for p in files) / 1e6
        print(
            f"{args.n} opportunità sintetiche ({size:.1f} MB), {os.cpu_count()} CPU, "
            f"{args.repeat} ripetizioni"
        )
        ours, theirs = [], []
        for _ in range(args.repeat):  # alternate the two so that drift hits both equally
            ours.append(timed([bds, "--root", str(root), "validate", "--today", "2026-06-01"], root)[0])
            theirs.append(
                timed([cjs, "--schemafile", str(REPO / "schemas" / "opportunity.schema.json"), *rel], root)[0]
            )
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"bds validate (schema + regole tra schede): {a:.2f} s (mediana; min {min(ours):.2f})")
    print(f"check-jsonschema --schemafile (solo schema): {b:.2f} s (mediana; min {min(theirs):.2f})")
    print(f"rapporto check-jsonschema / bds: {b / a:.2f}x (obiettivo >= 3x a N = 10000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
