"""Site build benchmark: N synthetic listings and N/50 partners, against the engine's own floor.

For each size: the wall time of `bds build` and of MkDocs alone on the same generated pages (the floor),
measured alternately in fresh processes (not sampled: see `run_measured`), their ratio (target <= 1.15
at 5,000 listings), the peak memory of the whole process tree (the build forks: page rendering, QR
codes, generation workers), the site's size and the catalogue + search payload gzipped (target <= 1 MiB
at 5,000). Not a test: it prints figures.

    .venv/bin/python bench/site_bench.py [--listings 500,5000,20000] [--repeat 2]

Memory, in one more `bds build` of its own: every 50 ms the sampler adds up the resident set (RSS) and
the proportional set (PSS: pages shared copy-on-write by forked processes counted once, split among
them) of the process and all its descendants; the table shows the peaks. RSS counts shared pages once
per process (an upper bound). The synthetic project is in Italian only (no `languages`): one engine
run, as MkDocs alone.
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
import threading
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
engine.build(engine.SiteInput(Path(s["config"]), docs, site, s["nav"], s["site_name"], s["site_url"],
                              s["copyright"]), dt.date.fromisoformat(sys.argv[3]))
"""


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def _memory(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in bytes, summed over `pids`."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
    return rss, pss


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_measured(args: list[str], env=None, sample: bool = False) -> tuple[float, int, int, float]:
    """Wall seconds, the peak RSS and PSS (bytes) of the child's whole process tree (`sample`, else 0),
    and the CPU seconds of the tree (processes the build forks and waits for count in its own).

    The memory is sampled only when asked: reading smaps_rollup walks every page table of every process
    of the tree 20 times a second, which slows the measured processes (by 1–1.5 s of a 14 s build at
    5,000 listings, more for a build in several processes than for MkDocs alone): the timed runs are
    not sampled, a run of its own measures the memory."""
    peaks = [0, 0]
    cpu = _cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    done = threading.Event()

    def sample_memory() -> None:
        while not done.wait(0.05):
            rss, pss = _memory(_tree(proc.pid))
            peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)

    sampler = threading.Thread(target=sample_memory if sample else done.wait, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        print(out[-2000:], err[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return wall, peaks[0], peaks[1], _cpu() - cpu


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def measure(tmp: Path, listings: int, partners: int, repeat: int, env: dict, floor: bool = True) -> dict:
    """One size: generate the project, build it `repeat` times with bds and (`floor`) with MkDocs alone."""
    from bds.web import synthetic

    root = tmp / f"project-{listings}"
    synthetic.write_project(root, listings=listings, partners=partners, today=dt.date.fromisoformat(TODAY))
    totals, floors, rss, pss, cpus, floor_cpus = [], [], [], [], [], []

    def command(out: Path) -> list[str]:
        return [PY, "-m", "bds.cli", "--root", str(root), "build", "--out", str(out), "--today", TODAY]

    for i in range(repeat):
        wall, _, _, cpu = run_measured(command(tmp / f"site-{listings}-{i}"), env)
        totals.append(wall)
        cpus.append(cpu)
        if not floor:
            continue
        docs = tmp / f"docs-{listings}-{i}"
        run_measured([PY, "-c", PREPARE_SCRIPT, str(root), str(docs), TODAY], env)
        floor_wall, _, _, floor_cpu = run_measured(
            [PY, "-c", FLOOR_SCRIPT, str(docs), str(tmp / f"floor-{i}"), TODAY], env
        )
        floors.append(floor_wall)
        floor_cpus.append(floor_cpu)
    _, peak_rss, peak_pss, _ = run_measured(command(tmp / f"site-{listings}-memory"), env, sample=True)
    rss.append(peak_rss)
    pss.append(peak_pss)
    site = tmp / f"site-{listings}-0"
    payload = {
        path: gz(site / path)
        for path in (
            "opportunita/index.html",
            "opportunita/indice-ricerca.json",
            "search/search_index.json",
            "assets/bds.js",
        )
    }
    total = statistics.median(totals)
    floor_s = statistics.median(floors) if floors else None
    return {
        "listings": listings,
        "partners": partners,
        "pages": sum(1 for _ in site.rglob("index.html")),
        "total_s": round(total, 2),
        "floor_s": round(floor_s, 2) if floor_s else None,
        "ratio": round(total / floor_s, 2) if floor_s else None,
        "runs": [round(t, 2) for t in totals],
        "cpu_s": round(statistics.median(cpus), 2),
        "floor_cpu_s": round(statistics.median(floor_cpus), 2) if floor_cpus else None,
        "floor_runs": [round(t, 2) for t in floors],
        "peak_rss_mib": round(max(rss) / 2**20),
        "peak_pss_mib": round(max(pss) / 2**20),
        "site_mib": round(sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20, 1),
        "payload_gz_bytes": sum(payload.values()),
    }


def _table(rows: list[dict]) -> str:
    head = (
        "| listings | pages | bds build | MkDocs alone | ratio | CPU bds / MkDocs | peak RSS tree "
        "| peak PSS tree | site | payload gz |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        floor = f"{r['floor_s']:.2f} s" if r["floor_s"] else "-"
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        floor_cpu = f"{r['floor_cpu_s']:.1f}" if r["floor_cpu_s"] else "-"
        lines.append(
            f"| {r['listings']:,} | {r['pages']:,} | {r['total_s']:.2f} s | {floor} | {ratio} | "
            f"{r['cpu_s']:.1f} / {floor_cpu} s | {r['peak_rss_mib']} MiB | {r['peak_pss_mib']} MiB | "
            f"{r['site_mib']} MiB | {r['payload_gz_bytes'] / 2**20:.2f} MiB |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", default="500,5000,20000", help="sizes, comma-separated")
    parser.add_argument("--partners", type=int, default=0, help="partners (default: listings / 50)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--floor-up-to", type=int, help="MkDocs alone only up to this many listings (time)")
    args = parser.parse_args()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bds-site-bench-") as tmp:
        for listings in (int(n) for n in args.listings.split(",")):
            partners = args.partners or max(2, listings // 50)
            floor = args.floor_up_to is None or listings <= args.floor_up_to
            rows.append(measure(Path(tmp), listings, partners, args.repeat, env, floor))
            print(json.dumps(rows[-1]), flush=True)
    print("load average (1/5/15 min) at the end: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    print(_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
