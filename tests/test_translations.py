"""Translated guides (issue 14): how the loader keeps them apart, and the checks of bds.translations."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
import yaml
from bds import findings as F
from bds import schema as S
from bds import textcheck
from bds import translations as T
from bds.content import Project, load_content
from conftest import REPO, copy_fixture_project, run_cli

CORE = (
    "cos-e-il-budget-di-salute",
    "come-accedere",
    "per-le-famiglie",
    "esperto-supporto-tra-pari",
    "budget-diretto",
    "glossario",
)
LANGUAGES = ("en", "ar", "zh", "es")

ITALIAN = """---
title: Come si accede
summary: Si parte dal CPS della tua zona. Lì incontri il case manager.
audience: [cps-users, families]
reviewed: "2026-05-10"
order: 20
---

## Il primo passo

Vai al [CPS della tua zona](@cps). Leggi anche la [guida](@guida/come-accedere).
"""


def _guide(front: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body


def _translation(source: str = "come-accedere", reviewed: str | None = None, **front) -> dict:
    data = {
        "title": "How to get access",
        "summary": "You start at the mental health centre (CPS) for your area.",
        "audience": ["cps-users", "families"],
        "reviewed": "2026-05-10",
        "order": 20,
        "translation": {"from": source, "reviewed": reviewed},
    }
    data.update(front)
    return data


BODY = "## First step\n\nGo to the [CPS for your area](@cps). Read the [guide](@guida/come-accedere).\n"


@pytest.fixture
def project(tmp_path) -> Path:
    root = copy_fixture_project(tmp_path / "p")
    guides = root / "content" / "guides"
    guides.mkdir(parents=True)
    (guides / "come-accedere.md").write_text(ITALIAN, encoding="utf-8")
    territory = root / "content" / "territory.yml"
    territory.write_text(territory.read_text(encoding="utf-8") + "languages: [it, en]\n", encoding="utf-8")
    return root


def _write(root: Path, language: str, name: str, text: str) -> Path:
    folder = root / "content" / "guides" / language
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _codes(root: Path) -> list[str]:
    return [f.code for f in T.check(load_content(Project(root)))]


# -- loading -----------------------------------------------------------------------------------------


def test_translations_load_apart_from_the_italian_guides(project):
    _write(project, "en", "come-accedere", _guide(_translation(), BODY))
    content = load_content(Project(project))
    assert list(content.guides) == ["content/guides/come-accedere.md"]
    assert list(content.translations) == ["content/guides/en/come-accedere.md"]
    assert content.kinds["content/guides/en/come-accedere.md"] == "guide"  # schema-checked as a guide
    assert content.findings == []
    assert Project(project).language_of(project / "content/guides/en/come-accedere.md") == "en"
    assert Project(project).language_of(project / "content/guides/come-accedere.md") is None


def test_a_translation_is_schema_checked_like_a_guide(project):
    _write(project, "en", "come-accedere", _guide(_translation(audience=["nobody"]), BODY))
    content = load_content(Project(project))
    assert [f.code for f in content.findings] == ["VALUE_NOT_ALLOWED"]
    assert T.check(content) == []  # an invalid record is the schema's: the rules skip it


def test_validate_names_a_translation_without_a_traceback(project):
    path = _write(project, "en", "come-accedere", _guide(_translation(), BODY))
    run = run_cli(["--root", project, "validate", path, "--format", "json", "--today", "2026-06-01"])
    assert run.code == 0 and "Traceback" not in run.err, run.err
    assert [f["code"] for f in run.json()] == ["TRANSLATION_UNREVIEWED"]  # a warning, as it should be


def test_a_symlinked_language_folder_is_reported_not_followed(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "come-accedere.md").write_text(_guide(_translation(), BODY), encoding="utf-8")
    os.symlink(elsewhere, project / "content" / "guides" / "en")
    content = load_content(Project(project))
    assert content.translations == {}
    assert [f.code for f in content.findings] == ["FOLDER_SYMLINK"]


def test_files_and_pictures_beside_the_guides_are_not_translations(project):
    guides = project / "content" / "guides"
    (guides / "img").mkdir()
    (guides / "img" / "nota.md").write_text("# non è una guida\n", encoding="utf-8")
    (guides / "_bozze").mkdir()
    (guides / "_bozze" / "x.md").write_text("bozza\n", encoding="utf-8")
    content = load_content(Project(project))
    assert content.translations == {}


# -- the checks --------------------------------------------------------------------------------------


def test_a_good_unreviewed_translation_gives_only_the_unreviewed_warning(project):
    _write(project, "en", "come-accedere", _guide(_translation(), BODY))
    found = T.check(load_content(Project(project)))
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("TRANSLATION_UNREVIEWED", F.WARNING, "translation")
    ]
    assert found[0].message == F.registry()["TRANSLATION_UNREVIEWED"].template


def test_reviewed_after_the_italian_guide_is_quiet_before_it_is_outdated(project):
    _write(project, "en", "come-accedere", _guide(_translation(reviewed="2026-05-20"), BODY))
    assert _codes(project) == []
    _write(project, "en", "come-accedere", _guide(_translation(reviewed="2026-04-01"), BODY))
    [found] = T.check(load_content(Project(project)))
    assert found.code == "TRANSLATION_OUTDATED"
    assert "2026-05-10" in found.message and "2026-04-01" in found.message


def test_the_source_must_be_an_italian_guide_with_the_same_name(project):
    _write(
        project,
        "en",
        "come-accedere",
        _guide(_translation(source="come-iscriversi", reviewed="2026-06-01"), BODY),
    )
    assert _codes(project) == ["TRANSLATION_SOURCE_UNKNOWN"]
    _write(
        project,
        "en",
        "come-accedere",
        _guide(_translation(source="come-accedere", reviewed="2026-06-01"), BODY),
    )
    _write(
        project, "en", "accesso", _guide(_translation(source="come-accedere", reviewed="2026-06-01"), BODY)
    )
    # accesso.md sorts first, so the second file met is come-accedere.md: it is the duplicate
    assert sorted(_codes(project)) == ["TRANSLATION_DUPLICATE", "TRANSLATION_NAME_MISMATCH"]


def test_a_translation_without_its_source_field(project):
    front = _translation(reviewed="2026-06-01")
    del front["translation"]
    _write(project, "en", "come-accedere", _guide(front, BODY))
    assert _codes(project) == ["TRANSLATION_SOURCE_MISSING"]


@pytest.mark.parametrize(
    "folder,code",
    [
        ("en", None),
        ("facile", None),  # easy Italian: always allowed
        ("ar", "TRANSLATION_LANGUAGE_UNDECLARED"),  # a known language the territory does not publish
        ("xx", "TRANSLATION_LANGUAGE_UNKNOWN"),
        ("it", "TRANSLATION_LANGUAGE_UNKNOWN"),  # Italian guides live in content/guides/ itself
    ],
)
def test_the_language_folder_is_one_the_territory_declares(project, folder, code):
    body = BODY
    if folder == "facile":  # easy Italian also has to read easily
        body = "## Il primo passo\n\nVai al [CPS](@cps).\nÈ vicino a te.\n"
        body += "Leggi la [guida](@guida/come-accedere).\n"
    _write(project, folder, "come-accedere", _guide(_translation(reviewed="2026-06-01"), body))
    assert _codes(project) == ([code] if code else [])


def test_without_languages_the_territory_publishes_italian_only(project):
    territory = project / "content" / "territory.yml"
    territory.write_text(territory.read_text(encoding="utf-8").replace("languages: [it, en]\n", ""), "utf-8")
    _write(project, "en", "come-accedere", _guide(_translation(reviewed="2026-06-01"), BODY))
    [found] = T.check(load_content(Project(project)))
    assert found.code == "TRANSLATION_LANGUAGE_UNDECLARED" and "(it)" in found.message


def test_audience_and_order_follow_the_italian_guide(project):
    front = _translation(reviewed="2026-06-01", audience=["everyone"], order=5)
    _write(project, "en", "come-accedere", _guide(front, BODY))
    found = T.check(load_content(Project(project)))
    assert [(f.code, f.field) for f in found] == [
        ("TRANSLATION_FRONT_MATTER_DIFFERS", "audience"),
        ("TRANSLATION_FRONT_MATTER_DIFFERS", "order"),
    ]
    assert "[cps-users, families]" in found[0].message


def test_links_resolve_and_none_of_the_italian_links_is_lost(project):
    body = "## First step\n\nGo to the [CPS](@cps). See [the list](@guida/per-tutti).\n"
    path = _write(project, "en", "come-accedere", _guide(_translation(reviewed="2026-06-01"), body))
    found = T.check(load_content(Project(project)))
    assert [f.code for f in found] == ["TRANSLATION_LINK_MISSING", "GUIDE_LINK_UNKNOWN"]  # by line
    missing, unknown = found
    line = path.read_text(encoding="utf-8").splitlines().index(body.splitlines()[2]) + 1
    assert (unknown.line, unknown.column) == (line, body.splitlines()[2].index("@guida") + 1)
    assert "@guida/come-accedere" in missing.message and "1 link" in missing.message


def test_no_raw_html_in_a_translation(project):
    body = BODY + "\n<script>alert(1)</script>\n"
    _write(project, "en", "come-accedere", _guide(_translation(reviewed="2026-06-01"), body))
    assert _codes(project) == ["HTML_NOT_ALLOWED"]


def test_easy_italian_must_read_more_easily_than_italian_guides(project):
    hard = (
        "## Il primo passo\n\nPer accedere al percorso personalizzato occorre rivolgersi preliminarmente "
        "all'operatore di riferimento del [CPS](@cps), il quale, valutata congiuntamente l'opportunità "
        "dell'attivazione, predispone la documentazione necessaria, come illustrato dalla "
        "[guida](@guida/come-accedere).\n"
    )
    _write(project, T.EASY, "come-accedere", _guide(_translation(reviewed="2026-06-01"), hard))
    [found] = T.check(load_content(Project(project)))
    assert found.code == "TRANSLATION_EASY_HARD_TO_READ"
    italian = T.readability(T.italian_guides(load_content(Project(project)))["come-accedere"])
    assert italian is not None
    assert f"almeno {max(T.EASY_READABILITY_MIN, italian + 1)}" in found.message  # and easier than Italian


def test_easy_italian_uses_person_first_words(project):
    body = "## Il primo passo\n\nVai al [CPS](@cps).\nSei un malato di mente?\n"
    body += "Leggi la [guida](@guida/come-accedere).\n"
    _write(project, T.EASY, "come-accedere", _guide(_translation(reviewed="2026-06-01"), body))
    assert "WORDING_STIGMATISING" in _codes(project)


# -- the codes table ---------------------------------------------------------------------------------


TRANSLATION_CODES = [code for code, entry in F.registry().items() if code.startswith("TRANSLATION_")]


def test_the_codes_are_registered_in_their_group():
    assert len(TRANSLATION_CODES) == 11
    for code in TRANSLATION_CODES:
        entry = F.registry()[code]
        assert entry.group == F.registry()["TRANSLATION_OUTDATED"].group
        for text in (entry.title, entry.template, entry.hint):
            assert text.strip() and text == text.strip()
            list(string.Formatter().parse(text))  # no broken brace
    assert T.EASY_READABILITY_MIN > 60  # the Italian plain-language floor (rules.READABILITY_MIN)


def test_every_code_can_be_produced():
    """The tests above produce every code of the group (kept in step by hand: a new code needs a test)."""
    source = Path(__file__).read_text(encoding="utf-8")
    assert [code for code in TRANSLATION_CODES if f'"{code}"' not in source] == []


# -- the shipped translations -------------------------------------------------------------------------


def test_every_core_guide_is_translated_and_easy():
    content = load_content(Project(REPO))
    have = {(T.language_of(doc.path), T.stem(doc.path)) for doc in content.valid("translation")}
    want = {(lang, slug) for lang in (*LANGUAGES, T.EASY) for slug in CORE}
    assert want <= have
    assert [f for f in content.findings if f.file.startswith("content/guides/")] == []


def test_the_shipped_translations_only_wait_for_a_person_and_a_declared_language():
    content = load_content(Project(REPO))
    for found in T.check(content):
        assert found.code in ("TRANSLATION_UNREVIEWED", "TRANSLATION_LANGUAGE_UNDECLARED"), found


def test_the_shipped_easy_italian_reads_easier_than_its_guide():
    content = load_content(Project(REPO))
    originals = T.italian_guides(content)
    for doc in content.valid("translation"):
        if T.language_of(doc.path) == T.EASY:
            score, before = T.readability(doc), T.readability(originals[T.stem(doc.path)])
            assert score is not None and before is not None
            assert score >= T.EASY_READABILITY_MIN and score > before, (doc.path, score, before)
            assert textcheck.stigmatising(doc.body or "") == []


def test_the_territory_languages_come_from_a_documented_set():
    node = S.load_schema("territory")["properties"]["languages"]
    assert {"it", "en", "ar", "zh", "es"} <= set(node["items"]["enum"])
    assert node["default"] == ["it"] and node["prefixItems"][0]["enum"] == ["it"]
    assert set(T.known_languages()) == set(node["items"]["x-labels"])
