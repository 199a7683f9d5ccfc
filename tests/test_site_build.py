"""Whole-site builds: validation gate, determinism, atomic swap, exports, no reserved address anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import struct
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml
from bds import cli, protected
from bds.content import Project
from bds.errors import BdsError
from bds.web import build, pages, synthetic

TODAY = "2026-06-01"
EXPIRED_ID = "opportunita-scaduta"


def write_site_project(root: Path) -> Path:
    synthetic.write_project(root, listings=40, partners=5, today=dt.date.fromisoformat(TODAY))
    expired = yaml.safe_load((root / "opportunities" / "opportunita-00001.yml").read_text(encoding="utf-8"))
    expired.update(id=EXPIRED_ID, dates={"start": "2026-01-10", "end": "2026-05-20"})
    (root / "opportunities" / f"{EXPIRED_ID}.yml").write_text(
        yaml.safe_dump(expired, allow_unicode=True), encoding="utf-8"
    )
    return root


def run_cli(*args) -> int:
    return cli.main(list(args))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_site_project(tmp_path_factory.mktemp("site-project"))


@pytest.fixture(scope="module")
def site(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    assert run_cli("--root", str(project), "build", "--out", str(out), "--today", TODAY) == 0
    return out


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def protected_records(project: Path) -> list[dict]:
    found = []
    for path in sorted((project / "opportunities").glob("*.yml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if protected.is_protected(record):
            found.append(record)
    return found


def test_core_pages_exist(site):
    for page in (
        "index.html",
        "opportunita/index.html",
        "enti/index.html",
        "guide/index.html",
        "glossario/index.html",
        "dati-aperti/index.html",
        "accessibilita/index.html",
        "privacy/index.html",
        "messaggi-del-validatore/index.html",
        "404.html",
        "sitemap.xml",
        "sitemap.xml.gz",
        "opportunita/opportunita-00002/index.html",
        "enti/ente-001/index.html",
        "guide/cos-e-il-budget-di-salute/index.html",
        "catalogo/zona/zona-nord/index.html",
    ):
        assert (site / page).is_file(), page


def test_housing_address_appears_nowhere(project, site):
    # Protected places carry no address at all (the schema and the rules refuse one); what the site shows
    # of them is their zone. tests/test_protected.py proves it on every output file with canaries.
    records = protected_records(project)
    assert records, "the synthetic project must contain housing"
    assert all("address" not in record["location"] for record in records)
    for record in records:
        page = (site / "opportunita" / record["id"] / "index.html").read_text(encoding="utf-8")
        assert record["location"]["name"] not in page.split("<article", 1)[-1].split("</article>", 1)[0]


def test_expired_listing_left_the_catalogue(site):
    catalogue = (site / "opportunita" / "index.html").read_text(encoding="utf-8")
    assert 'data-id="opportunita-00002"' in catalogue
    assert EXPIRED_ID not in catalogue
    assert not (site / "opportunita" / EXPIRED_ID).exists()
    assert EXPIRED_ID not in (site / "dati" / "opportunita.csv").read_text(encoding="utf-8")


def test_qr_code_in_every_listing_page(site):
    pages_ = list((site / "opportunita").glob("*/index.html"))
    assert pages_
    for page in pages_:
        text = page.read_text(encoding="utf-8")
        assert "<!--bds:qr-->" not in text
        assert text.count('class="bds-qr-svg"') == 1


def test_build_is_deterministic(project, site, tmp_path):
    again = tmp_path / "again"
    assert run_cli("--root", str(project), "build", "--out", str(again), "--today", TODAY) == 0
    first, second = all_files(site), all_files(again)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_sitemap_uses_content_dates(site):
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" in text
    for day in re.findall(r"<lastmod>([^<]+)</lastmod>", text):
        assert dt.date.fromisoformat(day) <= dt.date.fromisoformat(TODAY)
    raw = (site / "sitemap.xml.gz").read_bytes()
    mtime = struct.unpack("<I", raw[4:8])[0]
    assert dt.datetime.fromtimestamp(mtime, dt.UTC).date() == dt.date.fromisoformat(TODAY)


def test_failed_build_leaves_previous_site(project, site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = all_files(out)

    def broken(content, ctx):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        build.build_site(
            Project(project),
            out,
            dt.date.fromisoformat(TODAY),
            providers=list(pages.PAGE_PROVIDERS) + [broken],
            log=io.StringIO(),
        )
    assert all_files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left behind


def test_validation_errors_refuse_to_build(project, tmp_path, capsys):
    bad = tmp_path / "bad"
    shutil.copytree(project, bad)
    (bad / "opportunities" / "opportunita-00003.yml").write_text(
        "id: opportunita-00003\ntitle: x\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / build.MARKER).write_text("old", encoding="utf-8")
    assert run_cli("--root", str(bad), "build", "--out", str(out), "--today", TODAY) == 1
    printed = capsys.readouterr().out
    assert "opportunities/opportunita-00003.yml:" in printed and "[FIELD_REQUIRED]" in printed
    assert [p.name for p in out.iterdir()] == [build.MARKER]
    assert run_cli("--root", str(bad), "validate", "--today", TODAY) == 1
    assert capsys.readouterr().out == printed  # the same findings, word for word, as `bds validate`


def test_refuses_to_replace_a_foreign_folder(project, tmp_path):
    out = tmp_path / "documenti"
    out.mkdir()
    (out / "tesi.txt").write_text("importante", encoding="utf-8")
    with pytest.raises(BdsError):
        build.build_site(Project(project), out, dt.date.fromisoformat(TODAY), log=io.StringIO())
    assert (out / "tesi.txt").read_text(encoding="utf-8") == "importante"


def test_csv_and_datapackage_validate_with_frictionless(site):
    from frictionless import validate

    report = validate(str(site / "dati" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO((site / "dati" / "opportunita.csv").read_text(encoding="utf-8"))))
    listed = json.loads((site / "dati" / "opportunita.json").read_text(encoding="utf-8"))["opportunita"]
    assert len(rows) == len(listed) == len(list((site / "opportunita").glob("*/index.html")))


def test_calendar_parses_with_one_event_per_dated_listing(site, project):
    """An event per dated listing with a timetable (bds.web.ical); 60-day blocks without one are left out."""
    cal = icalendar.Calendar.from_ical((site / "dati" / "opportunita.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    listed = json.loads((site / "dati" / "opportunita.json").read_text(encoding="utf-8"))["opportunita"]
    records = {
        p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (project / "opportunities").glob("*.yml")
    }
    timed = {i["id"] for i in listed if i["data_inizio"] and "timetable" in records[i["id"]]}
    assert timed and {str(e["UID"]).split("@")[0] for e in events} == timed
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event in events:
        assert event.get("DTSTART") and event.get("SUMMARY") and event.get("RRULE")
        assert (site / "dati" / "calendario" / f"{str(event['UID']).split('@')[0]}.ics").is_file()


def test_rss_parses(site):
    feed = feedparser.parse((site / "dati" / "novita.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.entries and all(
        entry.link.startswith("https://bds.example/opportunita/") for entry in feed.entries
    )
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_hsds_export_structure(project, site):
    # HSDS 3.0 service objects (tests/test_open_data_hsds.py validates them with the official schemas).
    data = json.loads((site / "dati" / "hsds.json").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    assert all(s["organization_id"] == s["organization"]["id"] and s["status"] == "active" for s in data)
    assert all(s["service_areas"] for s in data)
    # Only public places have a location; a protected place is its zones (service_areas) only.
    located = [s for s in data if s.get("service_at_locations")]
    names = {r["location"]["name"] for r in protected_records(project)}
    assert located and len(located) < len(data)
    locations = [s["service_at_locations"][0]["location"] for s in located]
    assert all(loc["location_type"] == "physical" and "addresses" not in loc for loc in locations)
    assert not any(loc["name"] in names for loc in locations)
    terms = json.loads((site / "dati" / "hsds-taxonomy.json").read_text(encoding="utf-8"))
    assert {t["taxonomy"] for t in terms} >= {"bds-tipo", "bds-asse", "bds-zona"}


def test_jsonld_in_built_pages(site):
    seen = set()
    for page in sorted((site / "opportunita").glob("*/index.html")):
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', page.read_text("utf-8"), re.S
        ):
            data = json.loads(block)
            seen.add(data["@type"])
            if data["@type"] == "JobPosting":
                assert {"title", "description", "datePosted", "hiringOrganization", "jobLocation"} <= set(
                    data
                )
            if data["@type"] == "Event":
                assert {"name", "startDate", "location", "offers"} <= set(data)
    assert seen == {"JobPosting", "Event", "Service"}  # see bds.web.jsonld for which type and why


def test_search_index_is_compact_and_a_small_catalogue_is_in_the_header_search(site):
    stock = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    listed = [doc for doc in stock["docs"] if doc["location"].startswith("opportunita/opportunita-")]
    assert listed and all(doc.get("boost") == 4 for doc in listed)  # 40 listings: found first
    index = json.loads((site / "opportunita" / "indice-ricerca.json").read_text(encoding="utf-8"))
    assert "opportunita-00002" in index


def test_engine_receives_pages_in_docs_folder_order(tmp_path):
    from bds.web import engine

    paths = ["z.md", "index.md", "a/b.md", "a/index.md", "a/c/index.md", "b.md", "a/z.json", "aa/index.md"]
    for path in paths:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x", encoding="utf-8")
    walked = []
    for folder, dirs, names in __import__("os").walk(tmp_path):
        dirs.sort()
        for name in sorted(names, key=lambda n: (n.rsplit(".", 1)[0] not in ("index", "README"), n)):
            walked.append((Path(folder) / name).relative_to(tmp_path).as_posix())
    assert sorted(paths, key=engine.walk_order) == walked


def test_qr_codes_drawn_in_a_worker_match_in_process(monkeypatch):
    from bds.content import load_content
    from bds.web import postprocess, qr
    from bds.web.generate import context_from_content
    from bds.web.text import esc

    project = Path(__file__).resolve().parents[1]
    ctx = context_from_content(load_content(Project(project)), dt.date.fromisoformat(TODAY), inline_qr=False)
    monkeypatch.setattr(postprocess, "IN_PROCESS_BELOW", 0)
    monkeypatch.setattr(postprocess, "BATCH", 7)
    jobs = postprocess.start_qr(ctx)
    try:
        assert jobs.pool is not None
        for listing in reversed(ctx.listings):  # any order: each page waits for its own batch
            path = pages.model.listing_path(listing["id"])
            filled = jobs.fill(path, "<p>a</p><!--bds:qr--><p>b</p>")
            label = esc(f"Codice QR della pagina «{listing['title']}»")
            assert filled == "<p>a</p>" + qr.svg(ctx.url(path), label) + "<p>b</p>"
        assert jobs.fill("index.md", "<!--bds:qr-->") == "<!--bds:qr-->"
    finally:
        jobs.close()


def test_a_broken_project_config_is_a_clear_error_and_keeps_the_site(project, site, tmp_path):
    own = tmp_path / "con-config"
    shutil.copytree(project, own)
    # the kit's mkdocs.yml copied as is: its theme folder is relative to the kit, not to this project
    shutil.copy(Path(__file__).resolve().parents[1] / "mkdocs.yml", own / "mkdocs.yml")
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = all_files(out)
    with pytest.raises(BdsError) as failed:
        build.build_site(Project(own), out, dt.date.fromisoformat(TODAY), log=io.StringIO())
    assert failed.value.exit_code == 1 and "mkdocs.yml" in str(failed.value)
    assert all_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_preview_hook_regenerates_the_pages_from_the_project(tmp_path, monkeypatch):
    """`bds serve` runs the MkDocs hook's on_config on every rebuild: it must regenerate the pages."""
    from types import SimpleNamespace

    from bds.web import mkdocs_hook, preview

    # the preview shows the catalogue of the real today: listings made around it stay open
    own = synthetic.write_project(tmp_path / "anteprima", listings=8, partners=2, today=dt.date.today())
    monkeypatch.setenv("BDS_PROJECT_ROOT", str(own))
    monkeypatch.setattr(preview.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    config = SimpleNamespace(config_file_path=str(own / "mkdocs.yml"), extra={}, site_name="x", nav=None)
    config = mkdocs_hook.on_config(config)
    docs = Path(config.docs_dir)
    assert docs == preview.docs_dir_for(own)
    listing = docs / "opportunita" / "opportunita-00002.md"
    assert listing.is_file() and (docs / "index.md").is_file()
    assert config.nav and "CC BY 4.0" in config.copyright
    record_file = own / "opportunities" / "opportunita-00002.yml"
    record = yaml.safe_load(record_file.read_text(encoding="utf-8"))
    record["title"] = "Titolo cambiato in anteprima"
    record_file.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    untouched = docs / "privacy.md"
    stamp = untouched.stat().st_mtime_ns
    mkdocs_hook.on_config(config)
    assert "Titolo cambiato in anteprima" in listing.read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == stamp  # only changed pages are rewritten: live reload stays quick


def test_preview_rebuilds_every_page_when_the_territory_changes(tmp_path, monkeypatch):
    """The plain engine preview's rule (preview.write_preview): what every page shows changes all pages."""
    from types import SimpleNamespace

    from bds.web import mkdocs_hook, preview

    own = synthetic.write_project(tmp_path / "anteprima", listings=4, partners=2, today=dt.date.today())
    monkeypatch.setenv("BDS_PROJECT_ROOT", str(own))
    monkeypatch.setattr(preview.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    config = SimpleNamespace(config_file_path=str(own / "mkdocs.yml"), extra={}, site_name="x", nav=None)
    config = mkdocs_hook.on_config(config)
    untouched = Path(config.docs_dir) / "privacy.md"
    stamp = untouched.stat().st_mtime_ns
    mkdocs_hook.on_config(config)  # nothing changed: nothing touched
    assert untouched.stat().st_mtime_ns == stamp
    territory = own / "content" / "territory.yml"
    data = yaml.safe_load(territory.read_text(encoding="utf-8"))
    data["programme"] = "Budget di Salute a Nuovaprova"
    territory.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    mkdocs_hook.on_config(config)
    assert config.site_name == "Budget di Salute a Nuovaprova"
    assert untouched.stat().st_mtime_ns > stamp  # its source is newer than its page: the engine rebuilds it


def test_build_reports_progress_and_ends_with_a_one_line_summary(project, tmp_path):
    log = io.StringIO()
    summary = build.build_site(Project(project), tmp_path / "s", dt.date.fromisoformat(TODAY), log=log)
    assert summary.pages == len(list((tmp_path / "s").rglob("index.html")))
    assert summary.listings == len(list((tmp_path / "s" / "opportunita").glob("*/index.html")))
    assert summary.warnings >= 0 and summary.seconds > 0
    line = summary.line()
    assert "\n" not in line and str(summary.pages) in line and str(summary.listings) in line
    assert len(log.getvalue().splitlines()) >= 3  # checking, generating, building: one line per stage
    ticks = io.StringIO()
    report = build.progress_printer(ticks, every=500, total=2000)
    for done in range(1, 2001):
        report(done)
    assert ticks.getvalue().splitlines() == [f"  … {n}/2000 pagine" for n in (500, 1000, 1500, 2000)]


def test_page_titles_name_the_site_once(site):
    def title(path: str) -> str:
        return re.search(r"<title>([^<]*)</title>", (site / path).read_text(encoding="utf-8")).group(1)

    home = title("index.html")
    assert " - " not in home  # the home page is the programme itself
    catalogue = title("opportunita/index.html")
    assert catalogue.startswith("Opportunità - ") and catalogue.endswith(home)


def test_the_codes_page_lists_every_code_of_every_command(site):
    from bds import findings
    from bds.outcomes import codes as outcome_codes

    page = (site / "messaggi-del-validatore" / "index.html").read_text(encoding="utf-8")
    for code in [*findings.REGISTRY, *outcome_codes.REGISTRY]:
        assert f"<code>{code}</code>" in page, code
