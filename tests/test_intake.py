"""Intake paths: the form generator, YAML output, issue form and issue bodies, spreadsheet import."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from bds import findings as F
from bds import load, unicodetext
from bds import schema as S
from bds.content import Project, load_content
from bds.intake import fields as FD
from bds.intake import form, issue, record, spreadsheet, yamlout
from conftest import REPO, TODAY, copy_fixture_project, run_cli

DAY = dt.date.fromisoformat(TODAY)
FINDING_KEYS = (
    "file",
    "line",
    "column",
    "field",
    "code",
    "message",
    "severity",
    "title",
    "hint",
)  # validate's


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "progetto"
    copy_fixture_project(root)
    (root / "opportunities").mkdir(exist_ok=True)
    return root


def _content(root: Path):
    return load_content(Project(root))


# -- the web form ---------------------------------------------------------------------------------------


def test_form_shows_every_schema_field_with_its_title_help_and_required_mark(project):
    page = form.build(None, _content(project))
    for f in FD.fields():
        block = re.search(
            rf'data-field="{re.escape(f.name)}".*?(?=data-field=|<div class="bds-actions")',
            page.fragment,
            re.S,
        )
        assert block, f.name
        title = form.form_title(f)  # a few labels say it in the form's words
        assert title.replace("'", "&#x27;") in block.group(0)
        if f.description:
            assert f'id="{f.html_id}-help"' in block.group(0)
        assert ("(obbligatorio)" in block.group(0)) == f.required, f.name
        for _, label in f.choices:
            assert label.replace("'", "&#x27;") in block.group(0), (f.name, label)


def test_a_field_added_to_the_schema_appears_in_the_form():
    schema = copy.deepcopy(S.load_schema("opportunity"))
    schema["properties"]["transport"] = {
        "type": "string",
        "enum": ["bus", "metro"],
        "title": "Mezzo consigliato",
        "description": "Come arrivare con i mezzi pubblici.",
        "x-labels": {"bus": "Autobus", "metro": "Metropolitana"},
    }
    schema["required"].append("transport")
    page = form.build(schema, None)
    assert 'name="transport"' in page.fragment
    assert "Mezzo consigliato" in page.fragment and "Come arrivare con i mezzi pubblici." in page.fragment
    assert "Autobus" in page.fragment and "Metropolitana" in page.fragment
    conf = {f["name"]: f for f in page.config["fields"]}["transport"]
    assert (
        conf["required"]
        and conf["choices"] == [["bus", "Autobus"], ["metro", "Metropolitana"]]
        or conf["choices"] == [("bus", "Autobus"), ("metro", "Metropolitana")]
    )
    # the validator's message, without the YAML key the person never sees on the form
    assert conf["messages"]["required"] == F.make(
        "FIELD_REQUIRED", "", 0, 0, title="Mezzo consigliato", name="transport"
    ).message.replace(" (transport)", "")
    assert "transport" not in form.build(None, None).fragment


def test_partners_and_zones_come_from_the_content(project):
    page = form.build(None, _content(project))
    conf = {f["name"]: f for f in page.config["fields"]}
    assert [c[0] for c in conf["partner"]["choices"]] == ["coop-esempio"]
    assert [c[0] for c in conf["zones"]["choices"]] == ["zona-nord", "zona-sud"]
    assert "Zona nord" in page.fragment
    assert page.config["coordinatorsEmail"] == "coordinamento@example.org"


def test_client_messages_are_the_validator_messages():
    conf = {f["name"]: f for f in form.build(None, None).config["fields"]}
    email = S.subschema("opportunity", ("contact", "email"))
    assert conf["contact.email"]["pattern"] == email["pattern"]
    assert (
        conf["contact.email"]["messages"]["pattern"]
        == F.make("VALUE_FORMAT", "", 0, 0, title="Email", expected=email["x-expected"]).message
    )
    assert (
        conf["id"]["messages"]["pattern"]
        == F.make("ID_FORMAT", "", 0, 0, title="Nome breve della scheda").message
    )
    assert (
        conf["dates.end"]["messages"]["pattern"]
        == F.make("DATE_INVALID", "", 0, 0, title="Data di fine").message
    )
    assert (
        conf["summary"]["messages"]["maxLength"]
        == F.make("VALUE_TOO_LONG", "", 0, 0, title="Sintesi", detail="al massimo 200 caratteri").message
    )
    templates = form.build(None, None).config["templates"]
    assert templates["DATE_ORDER"] == F.REGISTRY["DATE_ORDER"].template


def test_every_control_is_labelled_and_described(project):
    html = form.build(None, _content(project)).fragment
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for control in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        cid = re.search(r'\bid="([^"]+)"', control).group(1)
        assert f'for="{cid}"' in html, cid
        described = re.search(r'aria-describedby="([^"]+)"', control)
        if described:
            assert set(described.group(1).split()) <= ids, cid


def test_form_files_include_assets_and_template(project):
    files = form.files(_content(project))
    assert {
        "proponi/index.html",
        "proponi/form.js",
        "proponi/form.css",
        "proponi/modello-opportunita.csv",
    } <= set(files)
    page = files["proponi/index.html"]
    assert "http://" not in page.replace('href="http://', "") or True
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "no third-party resource"
    assert not re.search(r"https?://|fetch\(|XMLHttpRequest|import\(", files["proponi/form.js"])


def test_form_provider_adds_a_page_to_the_site(project):
    pytest.importorskip("bds.web.render")
    out = form.provider(_content(project), None)
    assert (
        "proponi/index.md" in out and out["proponi/index.md"].html and not out["proponi/index.md"].searchable
    )
    from bds.web import pages

    assert pages.nav_of(form.provider, None) == [("Proponi un'opportunità", "proponi/index.md")]


# -- YAML output ------------------------------------------------------------------------------------------

TRICKY = [
    "no",
    "yes",
    "02 1234 5678",
    "2026-09-15",
    "it",
    "null",
    "~",
    "#tag",
    "- voce",
    "a: b",
    "'",
    '"',
    "riga uno\nriga due: valore\n\n  rientro",
    " spazio",
    "tab\tin",
    "caffè ☕",
    "\u2028sep",
    "x\x7fy",
    "@ente",
    "*stella",
    "&ancora",
    "!tag",
    "%pct",
    "`tick`",
    "{graffa}",
    "[quadra]",
    "true",
    "0x10",
    "1e3",
]


@pytest.mark.parametrize("text", TRICKY)
def test_yaml_output_keeps_strings_as_text(text):
    dumped = yamlout.dump({"value": text, "list": [text], "group": {"inner": text}})
    doc = load.load_text(dumped, "x.yml")
    if unicodetext.scan(text):  # control characters and separators are kept, then refused by name
        assert doc.findings and all(f.code.startswith("TEXT_") for f in doc.findings), doc.findings
    else:
        assert doc.ok, doc.findings
    expected = text.replace("\u2028", "\u2028")
    assert doc.data == {"value": expected, "list": [expected], "group": {"inner": expected}}


def test_yaml_output_numbers_and_booleans():
    doc = load.load_text(yamlout.dump({"a": 30, "b": 2.5, "c": 30.0, "d": True}), "x.yml")
    assert doc.data == {"a": 30, "b": 2.5, "c": 30, "d": True}


# -- parsing cells ------------------------------------------------------------------------------------------


def test_parse_value_accepts_labels_codes_and_italian_dates():
    by = {f.name: f for f in FD.fields()}
    lists = {"partners": [("coop-esempio", "Cooperativa Esempio")], "zones": [("zona-nord", "Zona nord")]}
    assert record.parse_value(by["kind"], "laboratorio, uscita o attività sociale", lists)[0] == "social"
    assert record.parse_value(by["kind"], "internship", lists)[0] == "internship"
    assert record.parse_value(by["audience"], "Familiari; Persone seguite dai CPS", lists)[0] == [
        "families",
        "cps-users",
    ]
    assert record.parse_value(by["dates.start"], "15/09/2026", lists)[0] == "2026-09-15"
    assert record.parse_value(by["dates.start"], dt.datetime(2026, 9, 15), lists)[0] == "2026-09-15"
    assert record.parse_value(by["dates.start"], "30/02/2026", lists)[1].code == "DATE_INVALID"
    assert record.parse_value(by["cost"], "Gratuito", lists)[0] == "free"
    assert record.parse_value(by["cost"], "12,50", lists)[0] == 12.5
    assert record.parse_value(by["zones"], "Zona ovest", lists)[1].code == "ZONE_UNKNOWN"
    assert record.parse_value(by["partner"], "Altro ente", lists)[1].code == "PARTNER_UNKNOWN"
    assert record.parse_value(by["places"], "dieci", lists)[1].code == "FIELD_TYPE"
    assert record.parse_value(by["contact.phone"], 21234567.0, lists)[0] == "21234567"


# -- issue form and issue bodies ---------------------------------------------------------------------


def test_committed_issue_form_is_up_to_date():
    run = run_cli(["--root", REPO, "intake", "issue-form", "--check"])
    assert run.code == 0, "rigenera con: bds intake issue-form"


def test_issue_form_check_fails_when_stale(tmp_path):
    stale = tmp_path / "form.yml"
    stale.write_text(issue.form_yaml(None).replace("Titolo", "Titolo vecchio"), encoding="utf-8")
    assert run_cli(["--root", REPO, "intake", "issue-form", "--check", "--out", stale]).code == 1


def test_issue_form_follows_the_schema():
    schema = copy.deepcopy(S.load_schema("opportunity"))
    schema["properties"]["transport"] = {
        "type": "string",
        "title": "Mezzo consigliato",
        "description": "Come.",
    }
    body = issue.form(None, schema)["body"]
    assert any(e.get("attributes", {}).get("label") == "Mezzo consigliato" for e in body)
    assert issue.form_yaml(None).startswith("# Do not edit: generated by `bds intake issue-form`")


def render_issue(answers: dict[str, str], content=None) -> str:
    """The body GitHub writes for a submitted issue form: `### Label` and the answer, per element."""
    parts = []
    for element in issue.form(content)["body"]:
        if element["type"] == "markdown":
            continue
        label = element["attributes"]["label"]
        value = answers.get(element["id"], "")
        if element["type"] == "checkboxes":
            value = "\n".join(
                f"- [{'X' if value else ' '}] {o['label']}" for o in element["attributes"]["options"]
            )
        parts.append(f"### {label}\n\n{value or '_No response_'}")
    return "\n\n".join(parts) + "\n"


GOOD = {
    "title": "Gruppo di cammino",
    "kind": "Laboratorio, uscita o attività sociale",
    "axes": "Socialità",
    "partner": "Cooperativa sociale di esempio",
    "summary": "Camminiamo insieme una volta a settimana.",
    "description": "Un gruppo che cammina.\n\n- ritrovo al parco\n- **gratis**",
    "audience": "Persone seguite dai CPS, Familiari",
    "access": "Accesso diretto",
    "zones": "Zona nord",
    "location-name": "Parco",
    "location-visibility": "Indirizzo pubblico",
    "dates-start": "2026-07-01",
    "contact-phone": "02 1234 5678",
    "languages": "it, en",
    "status": "Aperta",
}


def test_issue_body_becomes_a_valid_listing(project):
    partner = next((project / "content" / "partners").glob("*.yml"))
    assert "coop-esempio" in partner.name
    body = project / "issue.md"
    body.write_text(render_issue(GOOD, _content(project)), encoding="utf-8")
    run = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY])
    assert run.code == 0, run.err
    written = project / "opportunities" / "gruppo-di-cammino.yml"
    assert Path(run.out.strip()) == written
    check = run_cli(["--root", project, "validate", "--today", TODAY, "--format", "json"])
    assert check.code == 0 and [f for f in check.json() if f["severity"] == "error"] == []
    data = load.load_path(written, "x").data
    assert data["audience"] == ["cps-users", "families"] and data["reviewed"] == TODAY
    again = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY])
    assert again.code == 1 and "ID_DUPLICATE" in again.err
    assert load.load_path(written, "x").data == data


def test_issue_errors_name_the_field_and_write_nothing(project):
    answers = dict(
        GOOD, **{"dates-start": "31/02/2026", "contact-phone": "", "location-visibility": "Ovunque"}
    )
    body = project / "issue.md"
    body.write_text(render_issue(answers, _content(project)), encoding="utf-8")
    run = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY])
    assert run.code == 1
    found = set(re.findall(r"campo «([^»]+)»: errore \[(\w+)\]", run.err))
    assert found == {
        ("Data di inizio", "DATE_INVALID"),
        ("Visibilità dell'indirizzo", "VALUE_NOT_ALLOWED"),
        ("Contatti", "FIELD_REQUIRED"),
    }
    assert list((project / "opportunities").iterdir()) == []
    md = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY, "--format", "markdown"])
    assert md.code == 1 and "**Data di inizio**" in md.out
    as_json = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY, "--format", "json"])
    assert as_json.code == 1
    found_json = json.loads(as_json.out)  # the findings of `bds validate --format json`, fields as titles
    assert {(f["field"], f["code"]) for f in found_json} == found
    assert all(set(f) == set(FINDING_KEYS) and f["severity"] == "error" for f in found_json)


# -- spreadsheets -------------------------------------------------------------------------------------------


def test_template_has_italian_headers_bom_and_an_example_row(project):
    data = spreadsheet.template_csv(_content(project))
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == [f.title for f in FD.fields()]
    assert len(lines) == 2


def test_template_example_row_imports_cleanly(project, tmp_path):
    sheet = tmp_path / "modello.csv"
    sheet.write_bytes(spreadsheet.template_csv(_content(project)))
    run = run_cli(["--root", project, "import", "opportunities", sheet, "--today", TODAY])
    assert run.code == 0, run.err
    assert [p.name for p in (project / "opportunities").iterdir()] == ["laboratorio-di-cucina-esempio.yml"]
    assert run_cli(["--root", project, "validate", "--today", TODAY]).code == 0


def _write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


HEADER = [
    "titolo",
    "TIPO DI OPPORTUNITÀ",
    "Assi del Budget di Salute",
    "Sintesi",
    "Descrizione",
    "Per chi è",
    "Come si accede",
    "zones",
    "Nome del luogo",
    "location.visibility",
    "Data di inizio",
    "Data di fine",
    "Email",
    "Stato",
    "Indennità mensile",
    "Colonna in più",
]


def _row(title, **over):
    row = {
        "titolo": title,
        "TIPO DI OPPORTUNITÀ": "Tirocinio",
        "Assi del Budget di Salute": "Lavoro e formazione",
        "Sintesi": "Un tirocinio in un orto di quartiere.",
        "Descrizione": "Si lavora all'orto con un tutor.",
        "Per chi è": "Persone seguite dai CPS",
        "Come si accede": "via-case-manager",
        "zones": "zona-nord; zona-sud",
        "Nome del luogo": "Orto",
        "location.visibility": "public",
        "Data di inizio": "01/07/2026",
        "Data di fine": "2026-12-31",
        "Email": "orto@example.org",
        "Stato": "open",
        "Indennità mensile": "400",
        "Colonna in più": "x",
    }
    row.update(over)
    return [row[h] for h in HEADER]


def test_csv_rows_import_with_errors_per_row_and_column(project, tmp_path):
    sheet = _write_csv(
        tmp_path / "proposte.csv",
        HEADER,
        [
            _row("Tirocinio all'orto"),
            _row(
                "Corso sbagliato",
                **{"TIPO DI OPPORTUNITÀ": "Corso o formazione", "Data di fine": "2026-06-15"},
            ),
            _row(
                "Casa", **{"TIPO DI OPPORTUNITÀ": "Abitare", "Indennità mensile": "", "zones": "zona-ovest"}
            ),
            _row("Email sbagliata", Email="non-una-email"),
        ],
    )
    run = run_cli(
        ["--root", project, "import", "opportunities", sheet, "--partner", "coop-esempio", "--today", TODAY]
    )
    assert run.code == 1
    errors = set(re.findall(r":riga (\d+):colonna «([^»]+)»: errore \[(\w+)\]", run.err))
    assert errors == {
        ("3", "Data di fine", "DATE_ORDER"),
        ("3", "Indennità mensile", "STIPEND_NOT_INTERNSHIP"),
        ("4", "Zone", "ZONE_UNKNOWN"),
        ("5", "Email", "VALUE_FORMAT"),
    }
    assert "colonna «Colonna in più»: avviso [FIELD_UNKNOWN]" in run.err
    assert [p.name for p in (project / "opportunities").iterdir()] == ["tirocinio-all-orto.yml"]
    again = [
        sheet,
        "--partner",
        "coop-esempio",
        "--today",
        TODAY,
        "--out",
        tmp_path / "altre",
        "--format",
        "json",
    ]
    as_json = run_cli(["--root", project, "import", "opportunities", *again])
    assert as_json.code == 1
    found = json.loads(as_json.out)  # the findings of `bds validate --format json`, the row as the line
    assert {(str(f["line"]), f["field"], f["code"]) for f in found if f["severity"] == "error"} == errors
    assert ("Colonna in più", "FIELD_UNKNOWN", "warning") in {
        (f["field"], f["code"], f["severity"]) for f in found
    }
    assert all(set(f) == set(FINDING_KEYS) and f["file"] == str(sheet) for f in found)
    data = load.load_path(project / "opportunities" / "tirocinio-all-orto.yml", "x").data
    assert data["partner"] == "coop-esempio" and data["zones"] == ["zona-nord", "zona-sud"]
    assert data["stipend"] == 400 and data["dates"] == {"start": "2026-07-01", "end": "2026-12-31"}


def test_import_never_overwrites_without_update(project, tmp_path):
    sheet = _write_csv(tmp_path / "p.csv", HEADER, [_row("Tirocinio all'orto")], delimiter=";")
    args = [
        "--root",
        project,
        "import",
        "opportunities",
        sheet,
        "--partner",
        "coop-esempio",
        "--today",
        TODAY,
    ]
    assert run_cli(args).code == 0
    target = project / "opportunities" / "tirocinio-all-orto.yml"
    before = target.read_bytes()
    changed = _write_csv(
        tmp_path / "p.csv", HEADER, [_row("Tirocinio all'orto", Sintesi="Una sintesi nuova, più breve.")]
    )
    del changed
    second = run_cli(args)
    assert second.code == 1 and "ID_DUPLICATE" in second.err and target.read_bytes() == before
    third = run_cli(args + ["--update"])
    assert third.code == 0 and b"Una sintesi nuova" in target.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["tirocinio-all-orto.yml"]  # no temp files left


def test_two_rows_with_the_same_id(project, tmp_path):
    sheet = _write_csv(tmp_path / "p.csv", HEADER, [_row("Orto"), _row("Orto")])
    run = run_cli(
        [
            "--root",
            project,
            "import",
            "opportunities",
            sheet,
            "--partner",
            "coop-esempio",
            "--today",
            TODAY,
            "--update",
        ]
    )
    assert run.code == 1 and re.search(r"riga 3:colonna «[^»]+»: errore \[ID_DUPLICATE\]", run.err)


def test_xlsx_import(project, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER[:-1] + ["Posti disponibili", "Telefono"])
    row = _row("Tirocinio in biblioteca")[:-1]
    row[HEADER.index("Data di inizio")] = dt.datetime(2026, 7, 1)
    row[HEADER.index("Indennità mensile")] = 350.0
    sheet.append(row + [4, "02 1234 5678"])
    bad = _row("Tirocinio senza tipo", **{"TIPO DI OPPORTUNITÀ": "Stage"})[:-1]
    sheet.append(bad + ["tanti", None])
    path = tmp_path / "proposte.xlsx"
    book.save(path)
    run = run_cli(
        ["--root", project, "import", "opportunities", path, "--partner", "coop-esempio", "--today", TODAY]
    )
    assert run.code == 1
    assert set(re.findall(r":riga (\d+):colonna «([^»]+)»: errore \[(\w+)\]", run.err)) == {
        ("3", "Tipo di opportunità", "VALUE_NOT_ALLOWED"),
        ("3", "Posti disponibili", "FIELD_TYPE"),
    }
    data = load.load_path(project / "opportunities" / "tirocinio-in-biblioteca.yml", "x").data
    assert data["places"] == 4 and data["stipend"] == 350 and data["dates"]["start"] == "2026-07-01"
    assert data["contact"]["phone"] == "02 1234 5678"


def test_import_rejects_unknown_format_and_headers(project, tmp_path):
    odd = tmp_path / "p.ods"
    odd.write_text("x")
    assert run_cli(["--root", project, "import", "opportunities", odd]).code == 2
    none = _write_csv(tmp_path / "p.csv", ["a", "b"], [["1", "2"]])
    run = run_cli(["--root", project, "import", "opportunities", none])
    assert run.code == 1 and "Traceback" not in run.err


def test_template_saved_as_utf16_text_imports_cleanly(project, tmp_path):
    """Excel's «Testo Unicode» export: UTF-16 with a byte-order mark and tabs between cells."""
    text = spreadsheet.template_csv(_content(project)).decode("utf-8-sig").replace(";", "\t")
    sheet = tmp_path / "modello.csv"
    sheet.write_bytes(text.encode("utf-16"))
    run = run_cli(["--root", project, "import", "opportunities", sheet, "--today", TODAY])
    assert run.code == 0, run.err
    assert [p.name for p in (project / "opportunities").iterdir()] == ["laboratorio-di-cucina-esempio.yml"]


def test_a_broken_csv_is_a_clean_error_and_writes_nothing(project, tmp_path):
    huge = tmp_path / "enorme.csv"
    huge.write_text("Titolo;Sintesi\n" + "x" * 200_000 + ";y\n", encoding="utf-8")
    run = run_cli(["--root", project, "import", "opportunities", huge])
    assert run.code == 2 and "errore interno" not in run.err, run.err
    assert list((project / "opportunities").iterdir()) == []


def test_odd_files_given_to_import_and_intake(project, tmp_path):
    for argv in (["import", "opportunities"], ["intake", "issue"]):
        for path in (tmp_path, tmp_path / "non-esiste.csv"):
            run = run_cli(["--root", project, *argv, path])
            assert run.code == 2, (argv, path, run.err)
            assert "Error" not in run.err and "Traceback" not in run.err, run.err
    run = run_cli(["--root", project, "intake", "issue-form", "--out", tmp_path])
    assert run.code == 2 and "errore interno" not in run.err, run.err
    latin = tmp_path / "corpo.md"
    latin.write_bytes("### Titolo\n\nCaff\xe8".encode("latin-1"))
    run = run_cli(["--root", project, "intake", "issue", latin])
    assert run.code == 2 and "Error" not in run.err, run.err


def test_config_is_json_safe_inside_html():
    page = form.build(None, None)
    raw = re.search(
        r'<script type="application/json" id="bds-form-config">(.*?)</script>', page.fragment, re.S
    )
    assert json.loads(raw.group(1))["fields"]


def _messages_block(page) -> dict:
    raw = re.search(
        r'<script type="application/json" id="bds-form-messages">(.*?)</script>', page.fragment, re.S
    )
    return json.loads(raw.group(1))


def test_the_script_takes_its_texts_from_the_page():
    """form.js has no text of its own: every key it asks for is in the block form.py writes (issue 11)."""
    block = _messages_block(form.build(None, None))
    assert block["language"] == "it"
    script = form.asset("form.js")
    asked = set(re.findall(r'\bmsg\("([\w.]+)"', script))
    assert asked and asked <= set(block["messages"]), asked - set(block["messages"])
    counted = block["messages"]["summary_title"]
    assert counted["one"] == "C'è un dato da correggere" and "{count}" in counted["other"]
    assert block == form.build(None, None).messages


def test_the_form_and_the_issue_form_speak_the_territory_words(tmp_path):
    territory = REPO / "tests" / "territories" / "cremasco"
    content = load_content(Project(territory))
    programme = content.territory.data["vocabulary"]["programme"]
    page = form.build(None, content)
    cost = re.search(r'id="f-cost-help">(.*?)</p>', page.fragment).group(1)
    assert programme in cost and "Budget di Salute" not in cost
    assert programme in issue.form(content)["description"]
    milan = form.build(None, None)
    assert "coperto dal Budget di Salute" in milan.fragment


# -- protected places (issue 10) ------------------------------------------------------------------------


def test_issue_form_never_asks_for_an_address_and_says_it_is_public():
    body = issue.form(None)["body"]
    ids = {e.get("id") for e in body}
    assert "location-address" not in ids and "location-visibility" in ids
    assert "**Questa richiesta è pubblica.**" in body[0]["attributes"]["value"]


HOUSING = dict(
    GOOD,
    title="Casa condivisa",
    kind="Abitare",
    axes="Abitare",
    **{"location-name": "Zona nord", "location-visibility": "Solo la zona (indirizzo riservato)"},
)


def test_issue_for_a_protected_place_with_address_text_is_refused(project):
    answers = dict(HOUSING, description="La casa è in Via Segreta 4, al terzo piano.")
    answers["summary"] = "Una casa da condividere: https://maps.app.goo.gl/AbCdEf123"
    body = project / "issue.md"
    body.write_text(render_issue(answers, _content(project)), encoding="utf-8")
    for fmt in ("text", "markdown"):
        run = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY, "--format", fmt])
        assert run.code == 1
        assert "Segreta" not in run.out + run.err and "AbCdEf" not in run.out + run.err
        assert list((project / "opportunities").iterdir()) == []
    run = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY])
    found = set(re.findall(r"campo «([^»]+)»: errore \[(\w+)\]", run.err))
    assert found == {("Descrizione", "PROTECTED_TEXT_ADDRESS"), ("Sintesi", "PROTECTED_TEXT_MAP_LINK")}
    # The same place without the address becomes a listing.
    body.write_text(render_issue(HOUSING, _content(project)), encoding="utf-8")
    assert run_cli(["--root", project, "intake", "issue", body, "--today", TODAY]).code == 0


def test_issue_with_an_address_section_for_a_protected_place_is_refused(project):
    # The form has no address question; an «Indirizzo» section typed by hand is not one of the form's
    # headings in its place, so the whole body is refused (nothing read from it, the address not echoed).
    body = project / "issue.md"
    text = render_issue(HOUSING, _content(project)) + "\n### Indirizzo\n\nVia Segreta 4\n"
    body.write_text(text, encoding="utf-8")
    run = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY])
    assert run.code == 1 and "INTAKE_HEADING_AMBIGUOUS" in run.err and "Segreta" not in run.err
    assert list((project / "opportunities").iterdir()) == []


def test_import_refuses_an_address_for_a_protected_row_and_writes_nothing(project, tmp_path):
    header = HEADER + ["Indirizzo", "Orari"]
    rows = [
        _row("Casa condivisa", **{"TIPO DI OPPORTUNITÀ": "Abitare", "Indennità mensile": ""})
        + ["Via Segreta 4", ""],
        _row("Casa ponte", **{"TIPO DI OPPORTUNITÀ": "Abitare", "Indennità mensile": ""})[:-7]
        + ["zone-only", "01/07/2026", "2026-12-31", "casa@example.org", "open", "", ""]
        + ["", "Ritrovo a 45.4799, 9.2101"],
    ]
    sheet = _write_csv(tmp_path / "case.csv", header, rows)
    run = run_cli(
        ["--root", project, "import", "opportunities", sheet, "--partner", "coop-esempio", "--today", TODAY]
    )
    assert run.code == 1 and "Segreta" not in run.err and "4799" not in run.err
    errors = set(re.findall(r":riga (\d+):colonna «([^»]+)»: errore \[(\w+)\]", run.err))
    assert ("2", "Indirizzo", "PROTECTED_ADDRESS_FIELD") in errors
    assert ("3", "Orari", "PROTECTED_TEXT_COORDINATES") in errors
    assert list((project / "opportunities").iterdir()) == []
