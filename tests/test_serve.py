"""`bds serve`: the preview keeps the project in memory and a save rebuilds only what it touches.

The rule is in bds.web.live (module docstring). In-process tests drive `live.Preview` and
`engine.LiveSite` as `engine.serve` does, and count the pages the engine rendered; one test runs the
real `bds serve` on 127.0.0.1 and waits for the live-reload event the browser polls. No timings.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from bds.content import Project
from bds.web import engine, live, synthetic
from conftest import REPO, run_cli

TODAY = dt.date(2026, 6, 1)


def _edit(path: Path, **changes) -> None:
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record.update(changes)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 1_000_000  # a later mtime even on a coarse clock
    os.utime(path, ns=(stamp, stamp))


class Served:
    """A preview and its engine state, as engine.serve holds them; `save()` is one rebuild."""

    def __init__(self, root: Path, work: Path):
        self.err = io.StringIO()
        self.preview = live.Preview(Project(root), today=TODAY, err=self.err)
        self.site = engine.LiveSite(engine.config_file(root), work / "site", "http://127.0.0.1:8000/")
        self.site.build_all(self.preview.start())

    def save(self) -> live.Change | None:
        before = self.site.rendered
        change = self.preview.refresh()
        if change is not None and change.full:
            self.site.build_all(change.site)
        elif change is not None:
            self.site.update(change.changed, change.removed)
        self.rendered = self.site.rendered - before
        return change

    def html(self, path: str) -> str:
        return (self.site.site_dir / path / "index.html").read_text(encoding="utf-8")

    def exists(self, path: str) -> bool:
        return (self.site.site_dir / path / "index.html").is_file()


@pytest.fixture
def project(tmp_path) -> Path:
    return synthetic.write_project(tmp_path / "progetto", listings=12, partners=3, today=TODAY)


@pytest.fixture
def served(project, tmp_path):
    served = Served(project, tmp_path / "serve")
    yield served
    served.preview.close()


def _shown_listing(served: Served) -> tuple[Path, dict]:
    ctx = served.preview.generated.ctx
    listing = ctx.listings[0]
    for path in sorted((served.preview.project.opportunities_dir).glob("*.yml")):
        if yaml.safe_load(path.read_text(encoding="utf-8"))["id"] == listing["id"]:
            return path, listing
    raise AssertionError("no file for a shown listing")


def test_a_listing_save_rebuilds_its_pages_and_leaves_the_others(served):
    path, listing = _shown_listing(served)
    page = f"opportunita/{listing['id']}"
    privacy = served.site.site_dir / "privacy" / "index.html"
    stamp = privacy.stat().st_mtime_ns
    _edit(path, summary="Un riassunto cambiato in anteprima.")
    change = served.save()
    assert change is not None and not change.full
    assert "Un riassunto cambiato in anteprima." in served.html(page)
    assert "Un riassunto cambiato in anteprima." in served.html("opportunita")  # the catalogue lists it
    assert f"opportunita/{listing['id']}.md" in change.changed and "opportunita/index.md" in change.changed
    assert "privacy.md" not in change.changed and privacy.stat().st_mtime_ns == stamp
    assert 0 < served.rendered <= 15  # its page, catalogue, filter pages, partner, home: not the whole site
    assert served.save() is None  # nothing saved since: nothing rebuilt


def test_the_search_index_after_a_save_is_the_one_a_whole_build_writes(served, project, tmp_path):
    path, _listing = _shown_listing(served)
    _edit(path, title="Titolo nuovo per la ricerca")
    served.save()
    again = Served(project, tmp_path / "again")
    again.preview.close()
    index = "search/search_index.json"
    kept = json.loads((served.site.site_dir / index).read_text(encoding="utf-8"))
    whole = json.loads((again.site.site_dir / index).read_text(encoding="utf-8"))
    assert kept == whole and any("Titolo nuovo per la ricerca" in d["title"] for d in kept["docs"])


def test_a_partner_save_rebuilds_its_page_and_its_listings_pages(served, project):
    ctx = served.preview.generated.ctx
    partner_id, theirs = next((pid, items) for pid, items in ctx.listings_by_partner.items() if items)
    _edit(project / "content" / "partners" / f"{partner_id}.yml", name="Ente rinominato in anteprima")
    change = served.save()
    assert change is not None and not change.full
    assert "Ente rinominato in anteprima" in served.html(f"enti/{partner_id}")
    for item in theirs:
        assert "Ente rinominato in anteprima" in served.html(f"opportunita/{item['id']}")
    others = [item for item in ctx.listings if item["partner"] != partner_id]
    assert others and all(f"opportunita/{item['id']}.md" not in change.changed for item in others)


def test_an_invalid_save_prints_the_errors_and_keeps_the_last_good_page(served):
    path, listing = _shown_listing(served)
    page = f"opportunita/{listing['id']}"
    before = served.html(page)
    good = path.read_text(encoding="utf-8")
    _edit(path, title=12)
    assert served.save() is None
    assert "[FIELD_TYPE]" in served.err.getvalue() and path.name in served.err.getvalue()
    assert "errore" in served.err.getvalue()  # the validator's Italian message
    assert served.html(page) == before
    path.write_text(good.replace(f"title: {listing['title']}", "title: Titolo corretto"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 2_000_000,) * 2)
    assert served.save() is not None and "Titolo corretto" in served.html(page)  # a good save recovers


def test_deleting_and_adding_a_listing_file(served):
    path, listing = _shown_listing(served)
    page = f"opportunita/{listing['id']}"
    saved = path.read_bytes()
    path.unlink()
    change = served.save()
    assert change is not None and f"{page}.md" in change.removed and not served.exists(page)
    assert f'href="{listing["id"]}/"' not in served.html("opportunita")
    path.write_bytes(saved)
    served.save()
    assert served.exists(page) and listing["title"] in served.html("opportunita")


def test_a_territory_save_rebuilds_every_page(served, project):
    territory = project / "content" / "territory.yml"
    _edit(territory, programme="Budget di Salute a Nuovaprova")
    change = served.save()
    assert change is not None and change.full
    assert "Nuovaprova" in served.html("privacy") and "Nuovaprova" in served.html("")
    assert served.rendered == served.preview.generated.page_count


def test_an_invalid_territory_keeps_the_last_good_site(served, project):
    territory = project / "content" / "territory.yml"
    privacy = served.html("privacy")
    _edit(territory, zones="nessuna")
    assert served.save() is None
    assert "territory.yml" in served.err.getvalue() and served.html("privacy") == privacy
    (project / "content" / "territory.yml").unlink()
    assert served.save() is None and served.html("privacy") == privacy


def test_the_slow_outputs_follow_in_the_background(served):
    path, listing = _shown_listing(served)
    _edit(path, title="Titolo per i dati aperti")
    served.save()
    served.preview.after(served.site.write_output)
    served.preview._late._process.join(timeout=120)
    data = (served.site.site_dir / "dati" / "opportunita.json").read_text(encoding="utf-8")
    assert "Titolo per i dati aperti" in data


# -- the real command ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.read().decode("utf-8")


def _epoch(port: int, after: int) -> int:
    return int(_get(port, f"/livereload/{after}/1", timeout=90))


def test_bds_serve_reloads_the_browser_after_a_save(tmp_path):
    root = synthetic.write_project(tmp_path / "progetto", listings=6, partners=2, today=dt.date.today())
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"), NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "bds", "--root", str(root), "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                current = _epoch(port, 0)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "bds serve did not start"
                time.sleep(0.3)
        catalogue = _get(port, "/opportunita/")
        assert "livereload" in catalogue  # the page asks for the reload event
        first, listing_id = next(
            (path, yaml.safe_load(path.read_text(encoding="utf-8"))["id"])
            for path in sorted((root / "opportunities").glob("*.yml"))
            if f'href="{path.stem}/"' in catalogue  # shown today (synthetic ids are the file names)
        )
        _edit(first, summary="Riassunto salvato mentre il server gira.")
        while (now := _epoch(port, current)) <= current:
            pass
        assert "Riassunto salvato mentre il server gira." in _get(port, f"/opportunita/{listing_id}/")
        _edit(first, title=12)
        while (now2 := _epoch(port, now)) <= now:
            pass
        assert "Riassunto salvato mentre il server gira." in _get(port, f"/opportunita/{listing_id}/")
    finally:
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=60)
    assert "[FIELD_TYPE]" in err and now2 > now
    assert server.returncode == 0


def test_bds_serve_says_at_once_that_the_port_is_taken(tmp_path):
    root = synthetic.write_project(tmp_path / "progetto", listings=2, partners=1, today=TODAY)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_cli(["--root", root, "serve", "--port", port])
    assert run.code == 2 and str(port) in run.err and "Traceback" not in run.err


def test_a_configuration_the_engine_refuses_is_said_in_italian(tmp_path):
    """A project's own mkdocs.yml naming a theme folder that does not exist: `bds serve` stops at once with
    the message `bds build` gives (the file, what the engine said), exit 1, not an internal error."""
    root = synthetic.write_project(tmp_path / "progetto", listings=3, partners=1, today=dt.date.today())
    (root / "mkdocs.yml").write_text(
        "site_name: Prova\ntheme:\n  name: material\n  custom_dir: manca/tema\n  font: false\n",
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"), NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "bds", "--root", str(root), "serve", "--port", str(_free_port())]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert "il motore del sito si è fermato" in done.stderr and "custom_dir" in done.stderr
    assert "errore interno" not in done.stderr and "Traceback" not in done.stderr
