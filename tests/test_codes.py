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
