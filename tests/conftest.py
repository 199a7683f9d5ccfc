"""Shared helpers: run the CLI in-process, place fixtures into a copy of the fixture project, serve a
built site on 127.0.0.1 and launch Debian's Chromium for the browser tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from bds import cli

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_PROJECT = FIXTURES / "project"
TODAY = "2026-06-01"  # every date in the fixtures is relative to this day
KINDS = ("opportunity", "partner", "territory", "guide", "glossary")

# Browser tests: Debian's Chromium (never `playwright install`), with no background traffic.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(argv: list[str]) -> Run:
    """`bds ARGV` in this process (much faster than a subprocess); argparse exits become codes."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
    return Run(code, out.getvalue(), err.getvalue())


def fixture_files() -> list[Path]:
    return sorted(p for kind in KINDS for p in (FIXTURES / kind).glob("*/*") if p.is_file())


def fixture_id(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


def copy_fixture_project(root: Path) -> Path:
    """A writable copy of the fixture project; git keeps no empty folder, so opportunities/ is made here."""
    shutil.copytree(FIXTURE_PROJECT, root, dirs_exist_ok=True)
    (root / "opportunities").mkdir(exist_ok=True)
    return root


def target_name(fixture: Path) -> str:
    """Opportunity and partner files must be named after their id: KEY_REASON.yml -> key-reason.yml."""
    return fixture.name.replace("_", "-") if fixture.suffix == ".yml" else fixture.name


def place(fixture: Path, root: Path) -> Path:
    """Copy the fixture project to `root` and put `fixture` where a file of its kind lives."""
    copy_fixture_project(root)
    kind = fixture.parent.parent.name
    target = {
        "territory": root / "content" / "territory.yml",
        "glossary": root / "content" / "glossary.yml",
        "partner": root / "content" / "partners" / target_name(fixture),
        "guide": root / "content" / "guides" / fixture.name,
        "opportunity": root / "opportunities" / target_name(fixture),
    }[kind]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fixture.read_bytes())
    return target


def validate_fixture(fixture: Path, root: Path, fmt: str = "json") -> tuple[Run, Path]:
    target = place(fixture, root)
    return run_cli(["--root", root, "validate", target, "--format", fmt, "--today", TODAY]), target


@pytest.fixture
def project_copy(tmp_path) -> Path:
    return copy_fixture_project(tmp_path / "progetto")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session: Playwright's sync API cannot run two at once in a process."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium non installato")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


JOURNEY_SIZES = {"phone": (375, 812), "laptop": (1280, 900)}  # the widths every journey is walked at


def _outside(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return parsed.scheme not in ("data", "blob", "about") and parsed.hostname != "127.0.0.1"


@pytest.fixture
def open_page(browser):
    """open_page(size, **context options) -> a fresh page (touch on the phone size); the test fails if
    any request leaves 127.0.0.1 or a script error happens on the page."""
    contexts, external, errors = [], [], []

    def make(size: str, **extra):
        width, height = JOURNEY_SIZES[size]
        phone = size == "phone"
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="it-IT",
            has_touch=phone,
            is_mobile=phone,
            device_scale_factor=1,
            accept_downloads=True,
            **extra,
        )
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: external.append(r.url) if _outside(r.url) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert external == [], f"requests left 127.0.0.1: {external}"
    assert errors == [], errors
