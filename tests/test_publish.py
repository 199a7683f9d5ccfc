"""`bds publish`: the quarterly publication end to end, all or nothing, and its pure pieces."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from bds.content import Project
from bds.errors import BdsError
from bds.pipeline import staging
from bds.pipeline import today as reference_day
from bds.pipeline.quarter import Quarter
from bds.publish import archive, bulletin, freshness_report, provider, run
from bds.web import context, pages
from conftest import REPO, run_cli

PEOPLE = 150  # small demo package: the report step stays fast


def shipped_copy(root: Path) -> Path:
    """The shipped content in a folder of its own: publish writes content/bulletins/ into the project."""
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("bulletins"))
    shutil.copytree(REPO / "opportunities", root / "opportunities")
    return root


def tree(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def publish(project: Path, quarter: str, today: str, out: Path, reports: Path, data: Path | None = None):
    argv = [
        "--root",
        project,
        "publish",
        "--quarter",
        quarter,
        "--today",
        today,
        "--out",
        out,
        "--reports",
        reports,
    ]
    return run_cli(argv + (["--data", data] if data else []))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The shipped content plus `bds demo-data`, published for two consecutive quarters."""
    base = tmp_path_factory.mktemp("publish")
    project = shipped_copy(base / "progetto")
    data = base / "dati-esiti"
    made = run_cli(["--root", project, "demo-data", "--out", data, "--people", PEOPLE, "--seed", 3])
    assert made.code == 0, made.err
    out, reports = base / "sito", base / "rapporti"
    first = publish(project, "2026Q3", "2026-09-30", out, reports, data)
    assert first.code == 0, first.err + first.out
    site_after_first = tree(out)
    second = publish(project, "2026Q4", "2026-12-31", out, reports, data)
    assert second.code == 0, second.err + second.out
    return {
        "project": project,
        "data": data,
        "out": out,
        "reports": reports,
        "first": first,
        "second": second,
        "site_after_first": site_after_first,
    }


def test_both_bulletins_are_in_the_site_and_stored(published):
    out, project = published["out"], published["project"]
    for label in ("2026Q3", "2026Q4"):
        assert (out / "bollettini" / label / "index.html").is_file()
        assert (project / "content" / "bulletins" / f"{label}.yml").is_file()
        rows = list(
            csv.DictReader(io.StringIO((out / "dati" / label / "opportunita.csv").read_text("utf-8")))
        )
        stored = yaml.safe_load((project / "content" / "bulletins" / f"{label}.yml").read_text("utf-8"))
        assert (
            sorted(r["id"] for r in rows) == stored["catalogue"]
        )  # the quarter's open data is its catalogue
    index = (out / "bollettini" / "index.html").read_text("utf-8")
    assert 'href="2026Q3/"' in index and 'href="2026Q4/"' in index
    # the first bulletin, rendered again from its stored data, still describes its own quarter
    page = (out / "bollettini" / "2026Q3" / "index.html").read_text("utf-8")
    assert "come risultava il 30 settembre 2026" in page
    assert "bollettini/2026Q3/index.html" in published["site_after_first"]
    second = yaml.safe_load((project / "content" / "bulletins" / "2026Q4.yml").read_text("utf-8"))
    assert second["previous"] == "2026Q3"


def test_the_quarter_open_data_validates_where_the_site_serves_it(published):
    from frictionless import validate

    report = validate(str(published["out"] / "dati" / "2026Q3" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_stored_bulletin_is_rendered_by_a_plain_build(published, tmp_path):
    out = tmp_path / "sito"
    built = run_cli(["--root", published["project"], "build", "--out", out, "--today", "2027-01-15"])
    assert built.code == 0, built.err
    assert (out / "bollettini" / "2026Q3" / "index.html").is_file()
    assert (out / "bollettini" / "2026Q4" / "index.html").is_file()
    assert (out / "dati" / "2026Q4" / "datapackage.json").is_file()


def test_second_audit_includes_the_first_release(published):
    reports = published["reports"]
    audit = json.loads((reports / "2026Q4" / "audit.json").read_text("utf-8"))
    assert audit["earlier_releases"] == ["2026Q3"]
    ledger = json.loads((reports / "ledger.json").read_text("utf-8"))
    assert sorted(ledger["releases"]) == ["2026Q3", "2026Q4"]
    for label in ("2026Q3", "2026Q4"):
        for name in ("report.html", "audit.json", "manifest.json", "freshness.html", "freshness.csv"):
            assert (reports / label / name).is_file(), (label, name)


def test_bulletins_carry_catalogue_figures_only(published):
    project, out = published["project"], published["out"]
    for path in (project / "content" / "bulletins").glob("*.yml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        assert set(data) == {
            "format",
            "quarter",
            "title",
            "programme",
            "period",
            "reference_date",
            "previous",
            "totals",
            "by_kind",
            "by_axis",
            "by_zone",
            "new",
            "expiring",
            "partners_active",
            "open_data",
            "catalogue",
        }
        assert set(data["totals"]) == {"listings", "new", "expiring", "partners", "partners_active", "places"}
    private_names = {
        "audit.json",
        "manifest.json",
        "ledger.json",
        "report.pdf",
        "freshness.csv",
        "freshness.html",
    }
    assert not [p for p in out.rglob("*") if p.name in private_names]


def test_freshness_list_groups_by_partner_with_contact(published):
    project = Project(published["project"])
    partner_ids = {p.stem for p in project.partners_dir.glob("*.yml")}
    text = (published["reports"] / "2026Q4" / "freshness.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == freshness_report.CSV_COLUMNS
    assert {r["ente"] for r in rows} <= partner_ids
    assert {r["motivo"] for r in rows} <= {"expiring", "expired", "stale", "nothing-open"}
    ordered = [r["ente_nome"].casefold() for r in rows]
    assert ordered == sorted(ordered)  # grouped: one partner's rows are together
    assert any(r["email"] for r in rows)


def test_summary_names_outputs_and_next_steps(published):
    second = published["second"]
    assert "2026Q4" in second.out and "freshness.html" in second.out
    assert "[1/5]" in second.err and "[5/5]" in second.err  # progress on stderr, in order
    assert second.err.index("[3/5]") < second.err.index("[4/5]")


def test_failure_in_the_last_step_changes_nothing(published, monkeypatch):
    out, reports, project = published["out"], published["reports"], published["project"]
    bulletins = project / "content" / "bulletins"
    before = (tree(out), tree(reports), tree(bulletins))

    def broken(*args, **kwargs):
        raise BdsError("disco pieno (simulato)")

    monkeypatch.setattr(run, "write_freshness", broken)
    failed = publish(project, "2026Q4", "2026-12-31", out, reports, published["data"])
    assert failed.code == 1
    assert "[5/5]" in failed.err
    assert (tree(out), tree(reports), tree(bulletins)) == before
    leftovers = [
        p.name
        for folder in (out.parent, reports, bulletins)
        for p in folder.iterdir()
        if p.name.startswith(".")
    ]
    assert leftovers == []


def test_failure_while_swapping_puts_everything_back(published, monkeypatch):
    out, reports, project = published["out"], published["reports"], published["project"]
    bulletins = project / "content" / "bulletins"
    before = (tree(out), tree(reports), tree(bulletins))
    real_switch = staging.switch
    calls = {"n": 0}

    def flaky_switch(staged, target, backup, index):
        calls["n"] += 1
        if calls["n"] == 3:  # the site, the bulletin and its folder are already in place
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_switch(staged, target, backup, index)

    monkeypatch.setattr(staging, "switch", flaky_switch)
    with pytest.raises(BdsError) as failed:  # without outcome data, to keep it quick
        run.publish(
            Project(project), Quarter.parse("2027Q1"), dt.date(2027, 3, 31), out, reports, log=io.StringIO()
        )
    assert "il disco è pieno" in str(failed.value)
    assert calls["n"] == 3
    assert (tree(out), tree(reports), tree(bulletins)) == before
    assert not (reports.parent / "freshness").exists()
    assert not (project / staging.JOURNAL).exists()


def test_content_errors_stop_before_anything_is_built(published, tmp_path):
    project = shipped_copy(tmp_path / "rotto")
    target = sorted((project / "opportunities").glob("*.yml"))[0]
    target.write_text(
        target.read_text("utf-8").replace("kind:", "kind: nessuno\nx_kind:", 1), encoding="utf-8"
    )
    out, reports = tmp_path / "sito", tmp_path / "rapporti"
    failed = publish(project, "2026Q4", "2026-12-31", out, reports)
    assert failed.code == 1
    assert f"opportunities/{target.name}:" in failed.out  # located findings, as bds validate prints them
    assert not out.exists() and not reports.exists() and not (project / "content" / "bulletins").exists()


def test_invalid_outcome_data_stops_without_echoing_values(published, tmp_path):
    data = tmp_path / "dati"
    shutil.copytree(published["data"], data)
    projects = data / "projects.csv"
    lines = projects.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("start_date")] = "CANARINO-9271"
    lines[1] = ",".join(cells)
    projects.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = (tree(published["out"]), tree(published["reports"]))
    failed = publish(
        published["project"], "2026Q4", "2026-12-31", published["out"], published["reports"], data
    )
    assert failed.code == 1
    assert "projects.csv:2:" in failed.out
    assert "CANARINO" not in failed.out + failed.err
    assert "[2/5]" in failed.err and "[3/5]" not in failed.err
    assert (tree(published["out"]), tree(published["reports"])) == before


def test_without_data_the_freshness_list_has_its_own_folder(tmp_path):
    project = shipped_copy(tmp_path / "progetto")
    out, reports = tmp_path / "sito", tmp_path / "private" / "reports"
    done = publish(project, "2026Q4", "2026-12-31", out, reports)
    assert done.code == 0, done.err
    assert "[3/3]" in done.err
    assert (tmp_path / "private" / "freshness" / "2026Q4" / "freshness.csv").is_file()
    assert not reports.exists()
    assert (out / "bollettini" / "2026Q4" / "index.html").is_file()


def test_bad_quarter_and_future_quarter_are_usage_errors(tmp_path):
    project = shipped_copy(tmp_path / "progetto")
    assert publish(project, "2026-T4", "2026-12-31", tmp_path / "s", tmp_path / "r").code == 2
    assert publish(project, "2027Q2", "2027-01-10", tmp_path / "s", tmp_path / "r").code == 2
    assert not (tmp_path / "s").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    project = shipped_copy(tmp_path / "progetto")
    out = tmp_path / "documenti"
    out.mkdir()
    (out / "tesi.txt").write_text("mia", encoding="utf-8")
    assert publish(project, "2026Q4", "2026-12-31", out, tmp_path / "r").code == 2
    assert tree(out) == {"tesi.txt": b"mia"}


# -- pure pieces ---------------------------------------------------------------------------------------------


def test_quarter_bounds_and_default_today():
    q = Quarter.parse("2026q4")
    assert (q.label, q.title, q.start, q.end) == (
        "2026Q4",
        "2026 T4",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert q.previous().label == "2026Q3" and Quarter.parse("2027Q1").previous() == q
    assert q.default_today(dt.date(2027, 2, 1)) == dt.date(2026, 12, 31)  # over: its last day
    assert q.default_today(dt.date(2026, 11, 5)) == dt.date(2026, 11, 5)  # running: today
    with pytest.raises(BdsError) as error:
        reference_day.for_quarter(q, dt.date(2026, 9, 30))
    assert error.value.exit_code == 2
    for bad in ("2026Q5", "26Q1", "", "2026Q"):
        with pytest.raises(BdsError):
            Quarter.parse(bad)


def _listing(lid, kind="training", **extra):
    record = {
        "id": lid,
        "title": f"Titolo {lid}",
        "kind": kind,
        "axes": ["work"],
        "partner": "ente-a",
        "zones": ["zona-1"],
        "status": "open",
        "reviewed": "2026-10-01",
        "places": 5,
    }
    record.update(extra)
    return record


def _ctx(listings, today=dt.date(2026, 12, 31)):
    territory = {"programme": "Prova", "zones": [{"id": "zona-1", "label": "Zona uno"}]}
    partners = [
        {"id": "ente-a", "name": "Ente A", "type": "associazione", "contact": {"email": "a@x.example"}},
        {"id": "ente-b", "name": "Ente B", "type": "associazione", "contact": {"phone": "02 1"}},
        {"id": "comune", "name": "Comune", "type": "ente-pubblico"},
    ]
    return context.SiteContext.create(territory, listings, partners, [], [], today, inline_qr=False)


def test_snapshot_defines_new_expiring_active_and_places():
    q = Quarter.parse("2026Q4")
    listings = [
        _listing("inizia-nel-trimestre", dates={"start": "2026-11-02"}),
        _listing("mai-vista", kind="social", axes=["social", "work"]),
        _listing("gia-vista", places=None),
        _listing("scade-presto", dates={"deadline": "2027-01-20"}),
        _listing("scaduta", dates={"end": "2026-11-30"}),
        _listing("scade-tardi", dates={"end": "2027-06-30"}),
        _listing("chiusa", status="closed", dates={"end": "2026-12-01"}),
    ]
    listings[2].pop("places")
    previous = {
        "quarter": "2026Q3",
        "catalogue": ["gia-vista", "scade-presto", "scade-tardi", "scaduta", "inizia-nel-trimestre"],
    }
    data = bulletin.snapshot(_ctx(listings), q, previous)
    assert [(n["id"], n["reason"]) for n in data["new"]] == [
        ("inizia-nel-trimestre", "start"),
        ("mai-vista", "first"),
    ]
    assert [(e["id"], e["past"]) for e in data["expiring"]] == [("scaduta", True), ("scade-presto", False)]
    assert [p["id"] for p in data["partners_active"]] == ["ente-a"]
    assert data["totals"]["listings"] == 5 and data["totals"]["places"] == 20
    axes = {r["value"]: (r["listings"], r["places"], r["unstated"]) for r in data["by_axis"]}
    assert axes == {"work": (5, 20, 1), "social": (1, 5, 0)}  # several axes: counted in each
    first = bulletin.snapshot(_ctx(listings), q, None)
    assert [n["id"] for n in first["new"]] == [
        "inizia-nel-trimestre"
    ]  # no earlier catalogue: start dates only


def test_page_is_accessible_and_links_only_published_records():
    data = bulletin.snapshot(
        _ctx([_listing("una"), _listing("due", kind="housing")]), Quarter.parse("2026Q4")
    )
    html = bulletin.page_html(data, bulletin.page_path("2026Q4"), shown={"una"}, partners={"ente-a"}).body
    assert 'role="img"' in html and 'aria-labelledby="grafico-2026Q4-t grafico-2026Q4-d"' in html
    assert '<title id="grafico-2026Q4-t">' in html and '<desc id="grafico-2026Q4-d">' in html
    assert html.count("<table") == 3 and html.count("<caption") == 3  # the chart's data, by kind, axis, zone
    assert html.count('role="region" tabindex="0"') == 3  # each table scrolls by keyboard on a phone
    data["new"] = [
        {
            "id": "una",
            "title": "Una",
            "partner": "ente-a",
            "partner_name": "Ente A",
            "kind": "training",
            "kind_label": "Corso",
            "start": "2026-11-01",
            "reason": "start",
        },
        {
            "id": "sparita",
            "title": "Sparita",
            "partner": "ente-x",
            "partner_name": "Ente X",
            "kind": "training",
            "kind_label": "Corso",
            "start": "2026-11-01",
            "reason": "start",
        },
    ]
    html = bulletin.page_html(data, bulletin.page_path("2026Q4"), shown={"una"}, partners={"ente-a"}).body
    assert 'href="../../opportunita/una/"' in html
    assert "opportunita/sparita/" not in html and "enti/ente-x/" not in html


def test_hostile_text_is_escaped_in_the_bulletin():
    evil = '"><script>alert(1)</script>'
    data = bulletin.snapshot(
        _ctx([_listing("una", title=evil, dates={"start": "2026-11-01"})]), Quarter.parse("2026Q4")
    )
    html = bulletin.page_html(data, bulletin.page_path("2026Q4"), shown={"una"}, partners=set()).body
    assert "<script>alert" not in html


def test_stored_bulletin_round_trips_and_passes_yamllint(tmp_path):
    from yamllint import config, linter

    data = bulletin.snapshot(
        _ctx([_listing("una", title="Una: con due punti e «virgolette»")]), Quarter.parse("2026Q4")
    )
    text = archive.dump(data)
    assert yaml.safe_load(text) == data
    rules = config.YamlLintConfig(file=str(REPO / ".yamllint.yaml"))
    assert [str(p) for p in linter.run(text, rules)] == []


def test_archive_reports_a_damaged_bulletin_by_file(tmp_path):
    folder = tmp_path / "content" / "bulletins"
    folder.mkdir(parents=True)
    (folder / "2026Q4.yml").write_text("quarter: 2026Q3\n", encoding="utf-8")
    with pytest.raises(BdsError) as error:
        archive.load_all(tmp_path)
    assert "content/bulletins/2026Q4.yml" in str(error.value)


def test_the_bulletin_provider_is_registered_once():
    entries = [e for e in pages.PAGE_PROVIDERS if pages.resolve(e) is provider.provider]
    assert len(entries) == 1
    swapped = provider.providers_with({})
    assert len(swapped) == len(pages.PAGE_PROVIDERS)
    assert not [e for e in swapped if pages.resolve(e) is provider.provider]


def test_freshness_entries_and_csv_guard():
    from bds import freshness as fr

    listings = [_listing("una", partner="ente-a", title='=HYPERLINK("x")')]
    ctx = _ctx(listings)
    item = fr.Item(
        "opportunities/una.yml",
        "opportunity",
        "una",
        listings[0]["title"],
        (fr.Reason(fr.EXPIRING, "dates.end", "2027-01-10", 10),),
    )
    report = fr.Freshness(ctx.today, 30, 180, [fr.Group("ente-a", "Ente A", [item])])
    found = freshness_report.entries(report, ctx)
    assert [(e.partner, e.nothing_open, len(e.items)) for e in found] == [
        ("ente-a", False, 1),
        ("ente-b", True, 0),
    ]
    rows = list(csv.DictReader(io.StringIO(freshness_report.csv_bytes(found).decode("utf-8"))))
    assert rows[0]["titolo"].startswith("'=")
    assert rows[1]["motivo"] == "nothing-open" and rows[1]["telefono"] == "02 1"
    page = freshness_report.html(found, "2026Q4", report, "Prova")
    assert (
        page.startswith("<!DOCTYPE html>") and 'lang="it"' in page and "http" not in page.split("<body>")[0]
    )


def test_staging_rolls_back_a_partial_commit(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text("vecchio a", encoding="utf-8")
    second.mkdir()
    (second / "f").write_text("vecchio b", encoding="utf-8")
    area = staging.Staging()
    area.stage_file(first, b"nuovo a")
    work = area.workspace(second) / "b"
    work.mkdir()
    (work / "f").write_text("nuovo b", encoding="utf-8")
    area.add(work, second)
    real = staging.switch
    failed = []

    def flaky(staged, target, backup, index):
        if Path(target) == second and not failed:
            failed.append(target)
            raise OSError("rename interrotto (simulato)")
        return real(staged, target, backup, index)

    monkeypatch.setattr(staging, "switch", flaky)
    with pytest.raises(OSError):
        area.commit(tmp_path / staging.JOURNAL, "prova")
    area.discard()
    assert first.read_text("utf-8") == "vecchio a" and (second / "f").read_text("utf-8") == "vecchio b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_the_bulletin_speaks_in_the_territory_words():
    from bds import messages

    words = dict(programme="budget di cura", health_service="ATS")
    data = bulletin.snapshot(_ctx([_listing("una")]), Quarter.parse("2026Q4"))
    with messages.use(words=words):
        bulletin_page = bulletin.page_html(data, bulletin.page_path("2026Q4"), shown={"una"}, partners=set())
        index_page = bulletin.index_html([data])
    html = bulletin_page.body
    for page in (bulletin_page, index_page):
        text = f"{page.title} {page.description} {page.body}"
        assert "Budget di Salute" not in text and "budget di cura" in text
    assert "Opportunità e posti per asse del budget di cura" in html


def test_the_stored_bulletin_names_the_programme_of_the_territory():
    ctx = _ctx([_listing("una")])
    ctx.territory.pop("programme", None)
    ctx.territory["vocabulary"] = {"programme": "budget di cura"}
    assert bulletin.snapshot(ctx, Quarter.parse("2026Q4"))["programme"] == "budget di cura"


def test_the_freshness_report_names_the_territory_health_service():
    from bds import freshness as fr
    from bds import messages

    report = fr.Freshness(today=dt.date(2026, 12, 1), days=30, review_days=365, groups=[])
    with messages.use(words={"health_service": "ATS"}):
        page = freshness_report.html([], "2026Q4", report, "Rete di prova")
    assert "le ATS invece compaiono" in page and "ASST" not in page
