"""Editing loop: from saving one listing to the browser's reload event, under `bds serve`.

Usage: .venv/bin/python bench/serve_bench.py [--listings 5000] [--partners 100] [--edits 3]

Writes a synthetic project (bds.web.synthetic), starts `bds serve` on 127.0.0.1 and asks the
live-reload endpoint the browser polls (`/livereload/EPOCH/ID`, MkDocs) for the current build.
Then, per edit: rewrite one listing's summary, take the file's mtime, and wait until the endpoint
answers with a newer epoch (the moment the page in the browser reloads). Prints each delay and the
median. Also the delay for a partner change and for a territory change. Not a test: it prints figures.
What a save rebuilds is the rule in bds.web.live; the machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date.today()  # the preview shows the catalogue of the real today


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def epoch(port: int, after: int, timeout: float) -> int:
    url = f"http://127.0.0.1:{port}/livereload/{after}/1"
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return int(response.read())


def wait_up(port: int, proc: subprocess.Popen, limit: float) -> int:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if proc.poll() is not None:
            raise SystemExit("bds serve stopped before serving")
        try:
            return epoch(port, 0, timeout=5)
        except OSError:
            time.sleep(0.5)
    raise SystemExit("bds serve did not answer in time")


def edit_and_wait(port: int, path: Path, old: str, new: str, current: int, limit: float) -> tuple[float, int]:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    saved = os.stat(path).st_mtime
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        now = epoch(port, current, timeout=limit)
        if now > current:
            return time.time() - saved, now
    raise SystemExit(f"no reload within {limit} s")


def page(port: int, path: str) -> str:
    try:
        response = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60)
    except OSError as exc:
        raise SystemExit(f"{path}: {exc}") from None
    with response:
        return response.read().decode("utf-8")


def published(port: int, listing: Path) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/opportunita/{listing.stem}/", timeout=60).close()
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--limit", type=float, default=600, help="seconds to wait for one rebuild")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "scripts"))
    from bds.web import synthetic

    with tempfile.TemporaryDirectory(prefix="bds-serve-bench-") as tmp:
        root = Path(tmp) / "project"
        synthetic.write_project(root, listings=args.listings, partners=args.partners, today=TODAY)
        port = free_port()
        env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"), NO_MKDOCS_2_WARNING="1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bds", "--root", str(root), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            started = time.monotonic()
            current = wait_up(port, proc, args.limit)
            print(
                f"{args.listings} listings, {args.partners} partners: first build served after "
                f"{time.monotonic() - started:.1f} s (load average {os.getloadavg()[0]:.2f}, "
                f"{os.cpu_count()} cores)"
            )
            listing = next(p for p in sorted((root / "opportunities").glob("*.yml")) if published(port, p))
            delays = []
            for i in range(args.edits):
                text = listing.read_text(encoding="utf-8")
                line = next(x for x in text.splitlines() if x.startswith("summary:"))
                delay, current = edit_and_wait(
                    port, listing, line, f"{line.rstrip('.')} ({i}).", current, args.limit
                )
                delays.append(delay)
                assert f"({i})." in page(port, f"/opportunita/{listing.stem}/"), "the page was not rebuilt"
                assert f"({i})." in page(port, "/opportunita/"), "the catalogue was not rebuilt"
            print(
                f"one listing saved -> reload: median {statistics.median(delays):.2f} s "
                f"(runs: {', '.join(f'{d:.2f}' for d in delays)}; target <= 1 s)"
            )
            partner = sorted((root / "content" / "partners").glob("*.yml"))[0]
            text = partner.read_text(encoding="utf-8")
            line = next(x for x in text.splitlines() if x.startswith("name:"))
            delay, current = edit_and_wait(port, partner, line, line + " bis", current, args.limit)
            print(f"one partner saved -> reload: {delay:.2f} s")
            assert " bis" in page(port, f"/enti/{partner.stem}/"), "the partner's page was not rebuilt"
            territory = root / "content" / "territory.yml"
            text = territory.read_text(encoding="utf-8")
            line = next(x for x in text.splitlines() if x.startswith("programme:"))
            delay, current = edit_and_wait(port, territory, line, line + " bis", current, args.limit)
            print(f"territory saved -> reload: {delay:.2f} s")
            assert "Borgoprova bis" in page(port, "/privacy/"), "a page without listings was not rebuilt"
            print(f"load average at the end: {os.getloadavg()[0]:.2f}")
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
