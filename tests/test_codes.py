"""One catalogue of codes: both registries (content findings, outcome data) in one namespace, all listed
by `bds codes` (Markdown and JSON) and, in test_site_build, on the site page."""

from __future__ import annotations

import json

import pytest
from bds import catalogue, findings
from bds.outcomes import codes as outcome_codes
from conftest import run_cli

EVERY_CODE = [*findings.REGISTRY, *outcome_codes.REGISTRY]
FIELDS = {"code", "severity", "title", "template", "hint", "group", "command"}


def test_no_code_is_registered_twice_across_the_registries():
    assert not set(findings.REGISTRY) & set(outcome_codes.REGISTRY)
    assert len(findings.REGISTRY) == len(findings._CODES)
    assert len(outcome_codes.REGISTRY) == len(outcome_codes._CODES)
    assert [c.code for c in catalogue.codes()] == EVERY_CODE


def test_a_code_registered_twice_is_refused(monkeypatch):
    twice = outcome_codes.REGISTRY | {"DATE_ORDER": findings.REGISTRY["DATE_ORDER"]}
    monkeypatch.setattr(outcome_codes, "REGISTRY", twice)
    with pytest.raises(ValueError, match="DATE_ORDER"):
        catalogue.codes()


def test_both_registries_share_one_code_model():
    for entry in catalogue.codes():
        assert isinstance(entry, findings.Code)
        assert entry.severity in findings.SEVERITY_LABEL and entry.title and entry.hint and entry.group
    assert {c.command for c in outcome_codes.REGISTRY.values()} == {
        "outcomes validate",
        "outcomes import",
        "report",
    }
    assert findings.REGISTRY["IMPORT_NO_SHEET"].command == "import"
    assert findings.REGISTRY["DATE_ORDER"].command == "validate"


def test_codes_lists_every_code_of_every_command():
    run = run_cli(["codes"])
    assert run.code == 0, run.err
    for code in EVERY_CODE:
        assert f"| `{code}` |" in run.out, code
    assert "## Schede e contenuti del sito" in run.out and "## Dati privati degli esiti" in run.out
    assert run.out.index("`LEDGER_INVALID`") > run.out.index("## Dati privati degli esiti")


def test_codes_json_gives_every_code_with_its_fields():
    run = run_cli(["codes", "--format", "json"])
    assert run.code == 0, run.err
    entries = run.json()
    assert [e["code"] for e in entries] == EVERY_CODE
    assert all(set(e) == FIELDS for e in entries)
    by_code = {e["code"]: e for e in entries}
    ledger = outcome_codes.REGISTRY["LEDGER_INVALID"]
    assert by_code["LEDGER_INVALID"] == {
        "code": "LEDGER_INVALID",
        "severity": "error",
        "title": ledger.title,
        "template": ledger.template,
        "hint": ledger.hint,
        "group": ledger.group,
        "command": "report",
    }
    assert by_code["LISTING_EXPIRED"]["severity"] == "warning"
    assert json.loads(catalogue.json_text()) == entries


def test_outcome_templates_take_no_cell_value():
    # the outcome data are about health: a message names positions, titles and allowed values only
    for entry in outcome_codes.REGISTRY.values():
        assert "{value}" not in entry.template, entry.code


def test_the_texts_of_a_code_come_from_the_message_catalogue():
    """`codes.<CODE>.title|template|hint` and `validate.groups.<group>`; a template keeps its placeholders."""
    from bds import messages

    entry = findings.REGISTRY["FIELD_REQUIRED"]
    assert entry.title == messages.raw("codes.FIELD_REQUIRED.title")
    assert "{title}" in entry.template and "{name}" in entry.template
    assert entry.group == messages.t("validate.groups.fields")
    assert set(messages.section("codes")) == {
        f"{c}.{part}" for c in findings.REGISTRY for part in ("title", "template", "hint")
    }
    # A hint may show a placeholder to the reader as it is: only the territory's words are filled.
    assert '("{value}")' in findings.REGISTRY["YAML_AMBIGUOUS_BOOLEAN"].hint


def test_a_code_speaks_with_the_territorys_words():
    from bds import messages

    assert findings.REGISTRY["PROTECTED_TEXT_ADDRESS"].hint.endswith("dall'ente o dal case manager.")
    with messages.use(words={**messages.words(), "coordinator": "referente", "unit_the": "l'UONPIA"}):
        assert findings.REGISTRY["PROTECTED_TEXT_ADDRESS"].hint.endswith("dall'ente o dal referente.")
        assert "[l'UONPIA della tua zona](@cps)" in findings.REGISTRY["GUIDE_MENTION_UNLINKED"].hint
        found = findings.make("FIELD_REQUIRED", "x.yml", 1, 1, title="Titolo", name="title")
        assert found.message == "manca il campo obbligatorio «Titolo» (title)."
    assert "[il CPS della tua zona](@cps)" in findings.REGISTRY["GUIDE_MENTION_UNLINKED"].hint


def test_importing_the_registry_reads_no_catalogue():
    """`bds --help` imports findings: the catalogue (and YAML) are read only when a code is asked for."""
    import subprocess
    import sys

    from conftest import REPO

    code = "import sys, bds.findings, bds.report, bds.catalogue; print('yaml' in sys.modules)"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "scripts"), "PATH": ""},
        check=True,
    )
    assert proc.stdout.strip() == "False"
