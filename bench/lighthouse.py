"""Lighthouse (mobile) on a build of the shipped content, served on 127.0.0.1 as a host serves it.

The server is `bds serve --site`'s (bds.web.precompress.StaticHandler): a plain static server that sends
the build's pre-compressed FILE.gz copies, nothing compressed on the fly. Not a test: prints the four
category scores per page and the audits that cost points: home, catalogue, listing, guide, form, and the
home of the other languages asked for (`--languages en,zh`).
Needs Node and `npm i -E lighthouse@12.2.3` in LH_DIR (default /tmp/lh), Chromium at CHROME_PATH.

    .venv/bin/python bench/lighthouse.py [--site DIR] [--out DIR] [--languages en]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bds.web import precompress

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-06-01"
PAGES = {
    "home": "",
    "catalogue": "opportunita/",
    "listing": None,  # the first listing page found
    "guide": "guide/cos-e-il-budget-di-salute/",
    "form": "proponi/",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="an already built site (default: build the shipped content)")
    parser.add_argument("--out", default=tempfile.mkdtemp(prefix="bds-lighthouse-"))
    parser.add_argument("--languages", default="", help="other languages whose home is measured too: en,zh")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    site = Path(args.site) if args.site else out / "site"
    if not args.site:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bds.cli",
                "--root",
                str(REPO),
                "build",
                "--out",
                str(site),
                "--today",
                TODAY,
            ],
            check=True,
        )
    server = precompress.serve_site(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    listing = sorted(p for p in (site / "opportunita").glob("*/index.html"))[0].parent.name
    lh_dir = Path(os.environ.get("LH_DIR", "/tmp/lh"))
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    rows = []
    try:
        pages = {**PAGES, **{f"home-{code}": f"{code}/" for code in args.languages.split(",") if code}}
        for name, path in pages.items():
            url = base + (path if path is not None else f"opportunita/{listing}/")
            report = out / f"{name}.json"
            profile = tempfile.mkdtemp(prefix="bds-lh-profile-")
            flags = (
                "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync "
                f"--user-data-dir={profile}"
            )
            subprocess.run(
                [
                    "npx", "lighthouse", url, "--quiet",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--output=json", f"--output-path={report}", f"--chrome-flags={flags}",
                ],
                cwd=lh_dir, env=env, check=True,
            )  # fmt: skip
            data = json.loads(report.read_text(encoding="utf-8"))
            scores = {k: round((v["score"] or 0) * 100) for k, v in data["categories"].items()}
            lost = sorted(
                f"{a['id']} ({a['score']})"
                for a in data["audits"].values()
                if a.get("score") is not None
                and a["score"] < 1
                and a.get("scoreDisplayMode") in ("binary", "numeric")
            )
            rows.append((name, scores, lost))
            print(f"{name:10} {scores}  lost: {', '.join(lost) or '-'}", flush=True)
    finally:
        server.shutdown()
    print(json.dumps({name: scores for name, scores, _ in rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
