"""Lighthouse (mobile) on a build of the shipped content, served gzipped on 127.0.0.1.

Not a test: prints the four category scores per page and the audits that cost points.
Needs Node and `npm install lighthouse@12` in LH_DIR (default /tmp/lh), Chromium at CHROME_PATH.

    .venv/bin/python bench/lighthouse.py [--site DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-06-01"
PAGES = {
    "home": "",
    "catalogue": "opportunita/",
    "listing": None,  # the first listing page found
    "guide": "guide/cos-e-il-budget-di-salute/",
}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".ics")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it (as any real host does)."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        import io

        return io.BytesIO(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="an already built site (default: build the shipped content)")
    parser.add_argument("--out", default=tempfile.mkdtemp(prefix="bds-lighthouse-"))
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
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    listing = sorted(p for p in (site / "opportunita").glob("*/index.html"))[0].parent.name
    lh_dir = Path(os.environ.get("LH_DIR", "/tmp/lh"))
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    rows = []
    try:
        for name, path in PAGES.items():
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
