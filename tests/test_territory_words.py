"""The territory's own words: `vocabulary` in territory.yml reaches every generated page (home, catalogue,
listings, partners, guides, CPS finder, form, bulletins, open-data page), so a test territory shows none of
Milan's words anywhere on its site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bds import schema, vocabulary
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
TERRITORIES = ROOT / "tests" / "territories"
TODAY = "2026-11-25"


def build(territory: str, out: Path) -> Path:
    run = run_cli(["--root", TERRITORIES / territory, "build", "--out", out, "--today", TODAY])
    assert run.code == 0, run.err
    return out


def visible_pages(site: Path) -> dict[str, str]:
    """Every page and feed of the site (HTML, RSS, the form's script messages included)."""
    pages = {}
    for page in sorted(site.rglob("*")):
        if page.suffix in (".html", ".xml") and page.is_file():
            pages[page.relative_to(site).as_posix()] = page.read_text(encoding="utf-8")
    return pages


def found(pages: dict[str, str], pattern: str) -> list[str]:
    return [rel for rel, html in pages.items() if re.search(pattern, html)]


@pytest.fixture(scope="module")
def cremasco(tmp_path_factory) -> dict[str, str]:
    return visible_pages(build("cremasco", tmp_path_factory.mktemp("cremasco") / "sito"))


@pytest.fixture(scope="module")
def franciacorta(tmp_path_factory) -> dict[str, str]:
    return visible_pages(build("franciacorta", tmp_path_factory.mktemp("franciacorta") / "sito"))


def test_cremasco_shows_none_of_milans_words(cremasco):
    assert len(cremasco) > 20
    for milan in (r"Budget di Salute", r"\bCPS\b", r"case manager", r"Milano", r"Niguarda", r"municipio"):
        assert found(cremasco, milan) == [], milan


def test_cremasco_shows_its_own_words(cremasco):
    assert "Asse del budget di cura" in cremasco["opportunita/index.html"]
    assert "il referente" in cremasco["opportunita/index.html"]
    listing = cremasco["opportunita/tirocinio-estivo-scuola/index.html"]
    assert "Assi del budget di cura" in listing
    assert "Scuola, formazione e lavoro" in listing
    assert "Ragazze e ragazzi seguiti dai servizi" in listing
    assert "Tramite il referente della UONPIA o del consultorio" in listing
    assert "Coperto dal budget di cura" in cremasco["opportunita/gruppo-genitori-soncino/index.html"]
    assert "Voglio capire il budget di cura" in cremasco["index.html"]
    assert (
        "aperte: casa e vita in famiglia; scuola, formazione e lavoro; amicizie e tempo libero."
        in (cremasco["index.html"])
    )
    assert "realizzano il budget di cura" in cremasco["enti/index.html"].replace("\n", " ")


def test_franciacorta_shows_its_programme_name(franciacorta):
    assert found(franciacorta, "Budget di Salute") == []
    assert found(franciacorta, "Milano") == []
    assert "Asse del Budget Individuale di Salute" in franciacorta["opportunita/index.html"]
    assert any("Socialità e cultura della salute mentale" in html for html in franciacorta.values())


def test_milan_declares_every_word_and_they_are_the_defaults():
    territory = yaml.safe_load((ROOT / "content" / "territory.yml").read_text(encoding="utf-8"))
    declared = territory["vocabulary"]
    properties = schema.load_schema("territory")["properties"]["vocabulary"]["properties"]
    assert set(declared) == set(properties)
    for group in ("axes", "audiences", "access"):
        assert set(declared[group]) == set(properties[group]["properties"]), group
    assert vocabulary.of(territory) == vocabulary.of(None)


def test_the_vocabulary_keys_follow_the_schemas_enums():
    """Every axis, audience and access value of the record schemas can be renamed, and nothing else."""
    properties = schema.load_schema("territory")["properties"]["vocabulary"]["properties"]
    defaults = vocabulary.default_labels()
    for group in ("axes", "audiences", "access"):
        assert set(properties[group]["properties"]) == set(defaults[group]), group


def test_a_missing_word_takes_the_default_and_a_given_one_wins():
    words = vocabulary.of({"vocabulary": {"coordinator": "referente", "axes": {"work": "Scuola"}}})
    assert words.coordinator == "referente"
    assert words.programme == "Budget di Salute"
    assert words.axes["work"] == "Scuola" and words.axes["housing"] == "Abitare"


def test_an_unknown_word_is_a_schema_error(tmp_path):
    project = tmp_path / "progetto"
    shutil.copytree(TERRITORIES / "cremasco", project)
    path = project / "content" / "territory.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  programme_short: BdC\n", "  programme_shrot: BdC\n"),
        encoding="utf-8",
    )
    run = run_cli(["--root", project, "validate", "--today", TODAY, "--format", "json"])
    assert run.code == 1
    assert any(f["field"].startswith("vocabulary") for f in run.json())


def test_the_issue_form_speaks_the_territorys_words_and_reads_them_back(tmp_path):
    """Generated issue form and intake use the same labels: a proposal in Cremasco's words becomes a
    listing with the usual values."""
    from bds.content import Project, load_content
    from bds.intake import issue

    project = tmp_path / "cremasco"
    shutil.copytree(TERRITORIES / "cremasco", project)
    content = load_content(Project(project))
    form = issue.form(content)
    options = {
        e["id"]: [o if isinstance(o, str) else o["label"] for o in e["attributes"].get("options", [])]
        for e in form["body"]
        if e["type"] != "markdown"
    }
    assert "Ragazze e ragazzi seguiti dai servizi" in options["audience"]
    assert "Scuola, formazione e lavoro" in options["axes"]
    assert "Tramite il referente della UONPIA o del consultorio" in options["access"]
    answers = {
        "title": "Laboratorio di fumetto",
        "kind": next(o for o in options["kind"] if o.startswith("Laboratorio")),
        "axes": "Scuola, formazione e lavoro, Amicizie e tempo libero",
        "partner": "Cooperativa Sociale Sentieri (esempio)",
        "summary": "Disegniamo storie a fumetti in un piccolo gruppo.",
        "description": "Un laboratorio di fumetto per ragazze e ragazzi.",
        "audience": "Ragazze e ragazzi seguiti dai servizi, Genitori e familiari",
        "access": "Tramite il referente della UONPIA o del consultorio",
        "zones": "Crema",
        "location-name": "Sede della cooperativa",
        "location-visibility": next(o for o in options["location-visibility"] if o.startswith("Indirizzo")),
        "contact-email": "fumetto@coop-sentieri.example",
        "status": "Aperta",
    }
    parts = []
    for element in form["body"]:
        if element["type"] == "markdown":
            continue
        value = answers.get(element["id"], "")
        if element["type"] == "checkboxes":
            value = "\n".join(f"- [ ] {o['label']}" for o in element["attributes"]["options"])
        parts.append(f"### {element['attributes']['label']}\n\n{value or '_No response_'}")
    body = tmp_path / "issue.md"
    body.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    run = run_cli(["--root", project, "intake", "issue", body, "--today", TODAY])
    assert run.code == 0, run.err
    data = yaml.safe_load(
        (project / "opportunities" / "laboratorio-di-fumetto.yml").read_text(encoding="utf-8")
    )
    assert data["audience"] == ["cps-users", "families"]
    assert data["axes"] == ["work", "social"]
    assert data["access"] == "via-case-manager"
