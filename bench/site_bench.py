"""Site build benchmark: N synthetic listings and P partners, against the engine's own floor.

Prints: total `bds build` time and peak memory; the time MkDocs alone takes on the same generated
pages (the floor); our overhead over it; the catalogue + search payload gzipped. Each measurement
runs in a fresh process. Not a test: it prints figures.

    .venv/bin/python bench/site_bench.py [--listings 5000] [--partners 100] [--repeat 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-06-01"
PY = sys.executable

# The floor is MkDocs alone, measured like the total: the wall time of a fresh process (interpreter
# start and imports included) that builds the same generated pages, written beforehand to a docs
# folder, with the same mkdocs.yml (same theme, plugins and hook) and the same overrides.
PREPARE_SCRIPT = r"""
import datetime as dt, json, sys
from pathlib import Path
from bds import validate
from bds.content import Project
from bds.web import engine, generate
from bds.web.preview import copyright_text
from bds.web.text import esc
root, docs = Path(sys.argv[1]), Path(sys.argv[2])
today = dt.date.fromisoformat(sys.argv[3])
result = validate.run(Project(root), today=today)
ctx = generate.context_from_content(result.content, today, inline_qr=False)
gen = generate.run_providers(result.content, ctx)
generate.write_docs(gen, docs)
settings = {"config": str(engine.config_file(root)), "nav": gen.nav,
            "site_name": esc(ctx.territory["programme"]), "site_url": ctx.site_url,
            "copyright": copyright_text(ctx.territory)}
(docs.parent / (docs.name + ".json")).write_text(json.dumps(settings), encoding="utf-8")
"""

FLOOR_SCRIPT = r"""
import datetime as dt, json, sys
from pathlib import Path
from bds.web import engine
docs, site = Path(sys.argv[1]), Path(sys.argv[2])
s = json.loads((docs.parent / (docs.name + ".json")).read_text(encoding="utf-8"))
engine.build(Path(s["config"]), docs, site, s["nav"], s["site_name"], s["site_url"], s["copyright"],
             dt.date.fromisoformat(sys.argv[3]))
"""


def run_measured(args: list[str], env=None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes of the child, and its stdout."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) * 1024, proc.stdout


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")

    with tempfile.TemporaryDirectory(prefix="bds-site-bench-") as tmp:
        root = Path(tmp) / "project"
        from bds.web import synthetic

        t0 = time.perf_counter()
        synthetic.write_project(
            root, listings=args.listings, partners=args.partners, today=dt.date.fromisoformat(TODAY)
        )
        print(
            f"generated {args.listings} listings, {args.partners} partners "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        totals, peaks, floors = [], [], []
        for i in range(args.repeat):
            out = Path(tmp) / f"site-{i}"
            wall, peak, _ = run_measured(
                [PY, "-m", "bds.cli", "--root", str(root), "build", "--out", str(out), "--today", TODAY], env
            )
            totals.append(wall)
            peaks.append(peak)
            docs = Path(tmp) / f"docs-{i}"
            run_measured([PY, "-c", PREPARE_SCRIPT, str(root), str(docs), TODAY], env)
            floor_wall, _, _ = run_measured(
                [PY, "-c", FLOOR_SCRIPT, str(docs), str(Path(tmp) / f"floor-{i}"), TODAY], env
            )
            floors.append(floor_wall)
        total, floor = statistics.median(totals), statistics.median(floors)
        site = Path(tmp) / "site-0"
        catalogue = site / "opportunita" / "index.html"
        index = site / "opportunita" / "indice-ricerca.json"
        stock = site / "search" / "search_index.json"
        script = site / "assets" / "bds.js"
        payload = {
            p.relative_to(site).as_posix(): (p.stat().st_size, gz(p))
            for p in (catalogue, index, stock, script)
        }
        pages = sum(1 for _ in site.rglob("index.html"))
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())

    print(f"pages built: {pages}; site size {size / 2**20:.1f} MiB")
    print(
        f"bds build total (median): {total:.2f} s (runs: {', '.join(f'{t:.2f}' for t in totals)}); "
        f"peak memory {max(peaks) / 2**20:.0f} MiB (target <= 1024)"
    )
    print(
        f"engine floor (MkDocs alone on the same generated pages, median): {floor:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in floors)})"
    )
    overhead = (total - floor) / floor * 100
    print(f"our overhead: {total - floor:.2f} s = {overhead:.1f}% of the floor (target <= 15%)")
    gz_total = sum(g for _, g in payload.values())
    for name, (raw, g) in payload.items():
        print(f"  {name}: {raw:,} B raw, {g:,} B gzipped")
    print(
        f"catalogue + search payload: {gz_total:,} B gzipped = {gz_total / 2**20:.2f} MiB (target <= 1 MiB)"
    )
    print(
        json.dumps(
            {
                "listings": args.listings,
                "partners": args.partners,
                "total_s": round(total, 2),
                "floor_s": round(floor, 2),
                "overhead_pct": round(overhead, 1),
                "peak_mib": round(max(peaks) / 2**20),
                "payload_gz_bytes": gz_total,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
