"""Every command that reports findings prints them with `--format json` in one shape: `bds validate`'s.

The contract is a JSON list of objects with the keys of `findings.Finding.as_dict` (file, line, column,
field, code, message, severity, title, hint), codes of either registry (content and outcome data); the
exit status stays non-zero on errors, and the text form is unchanged (bench/identity.py).
`bds intake issue` and `bds import opportunities` are checked in tests/test_intake.py, `bds outcomes
import` in tests/test_outcomes_workbook.py. The codes of `bds fmt` and `bds intake issue-form --check`
(FILE_NOT_CANONICAL, FILE_FORMAT_REFUSED, ISSUE_FORM_STALE) are made here.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from bds import catalogue
from conftest import FIXTURES, TODAY, place, run_cli

ROOT = Path(__file__).resolve().parents[1]
FINDING_KEYS = ["file", "line", "column", "field", "code", "message", "severity", "title", "hint"]
INVALID = FIXTURES / "opportunity" / "invalid" / "axes_empty.yml"


def _findings(out: str) -> list[dict]:
    found = json.loads(out)
    assert isinstance(found, list)
    known = {entry.code: entry for entry in catalogue.codes()}
    for finding in found:
        assert list(finding) == FINDING_KEYS
        assert (
            finding["title"] == known[finding["code"]].title
            and finding["hint"] == known[finding["code"]].hint
        )
    return found


@pytest.fixture(scope="module")
def broken_data(tmp_path_factory) -> Path:
    """A demo outcome package with a value outside its enum (projects.csv, row 3, status)."""
    data = tmp_path_factory.mktemp("json") / "data"
    assert run_cli(["--root", ROOT, "demo-data", "--out", data, "--people", "60", "--seed", "2"]).code == 0
    with (data / "projects.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[2][rows[0].index("status")] = "chiuso?"
    with (data / "projects.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return data


def test_validate_is_the_contract(tmp_path):
    target = place(INVALID, tmp_path / "progetto")
    run = run_cli(["--root", tmp_path / "progetto", "validate", target, "--format", "json", "--today", TODAY])
    assert run.code == 1
    assert "VALUE_TOO_SHORT" in {f["code"] for f in _findings(run.out)}


def test_build_prints_the_findings_that_stop_it_as_json(tmp_path):
    root = tmp_path / "progetto"
    place(INVALID, root)
    expected = run_cli(["--root", root, "validate", "--format", "json", "--today", TODAY])
    run = run_cli(["--root", root, "build", "--out", tmp_path / "sito", "--today", TODAY, "--format", "json"])
    assert run.code == 1 and not (tmp_path / "sito").exists()
    assert _findings(run.out) == json.loads(expected.out)
    text = run_cli(["--root", root, "build", "--out", tmp_path / "sito", "--today", TODAY])
    assert text.code == 1 and "[" in text.out and not text.out.lstrip().startswith("[")


def test_publish_prints_the_findings_that_stop_it_as_json(tmp_path):
    root = tmp_path / "progetto"
    place(INVALID, root)
    expected = run_cli(["--root", root, "validate", "--format", "json", "--today", TODAY])
    argv = ["--root", root, "publish", "--quarter", "2026Q1", "--today", TODAY, "--out", tmp_path / "sito"]
    run = run_cli([*argv, "--reports", tmp_path / "rapporti", "--format", "json"])
    assert run.code == 1
    assert _findings(run.out) == json.loads(expected.out)


def _outcome_codes(found: list[dict]) -> set[tuple]:
    return {(f["file"], f["line"], f["field"], f["code"]) for f in found}


def test_outcomes_validate_prints_its_problems_as_findings(broken_data):
    run = run_cli(["--root", ROOT, "outcomes", "validate", broken_data, "--format", "json"])
    assert run.code == 1
    found = _findings(run.out)
    assert ("projects.csv", 3, "status", "CELL_ENUM") in _outcome_codes(found)
    assert all(f["severity"] == "error" and f["column"] == 0 for f in found)
    text = run_cli(["--root", ROOT, "outcomes", "validate", broken_data])
    assert [line for line in text.out.splitlines() if "CELL_ENUM" in line] == [
        f"projects.csv:3:status: errore [CELL_ENUM] {f['message']}" for f in found if f["code"] == "CELL_ENUM"
    ]


def test_report_prints_the_problems_that_stop_it_as_findings(broken_data, tmp_path):
    argv = ["--root", ROOT, "report", "--data", broken_data, "--quarter", "2026Q1", "--out", tmp_path / "r"]
    run = run_cli([*argv, "--ledger", tmp_path / "ledger.json", "--format", "json"])
    assert run.code == 1 and not (tmp_path / "r").exists()
    assert ("projects.csv", 3, "status", "CELL_ENUM") in _outcome_codes(_findings(run.out))


def test_a_clean_report_prints_an_empty_list(tmp_path):
    good = tmp_path / "dati"
    assert run_cli(["--root", ROOT, "demo-data", "--out", good, "--people", "60", "--seed", "2"]).code == 0
    argv = ["--root", ROOT, "report", "--data", good, "--quarter", "2026Q1", "--out", tmp_path / "r"]
    run = run_cli([*argv, "--ledger", tmp_path / "ledger.json", "--format", "json"])
    assert run.code == 0 and json.loads(run.out) == []


def test_fmt_check_names_each_file_not_in_canonical_form(project_copy):
    listing = project_copy / "content" / "partners"
    target = sorted(listing.glob("*.yml"))[0]
    original = target.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    target.write_text(lines[0] + "\n" + "".join(lines[1:]), encoding="utf-8")  # a blank line after the first
    run = run_cli(["--root", project_copy, "fmt", "--check", target, "--format", "json"])
    assert run.code == 1
    found = _findings(run.out)
    assert [(f["code"], f["line"]) for f in found] == [("FILE_NOT_CANONICAL", 2)]
    assert target.read_text(encoding="utf-8") != original  # --check writes nothing
    text = run_cli(["--root", project_copy, "fmt", "--check", target])
    assert text.code == 1 and text.out.startswith("---")  # the text form is the diff, as before


def test_fmt_names_a_file_it_refuses(project_copy):
    target = sorted((project_copy / "content" / "partners").glob("*.yml"))[0]
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines[:1] + ["# una nota\n"] + lines[1:]), encoding="utf-8")
    run = run_cli(["--root", project_copy, "fmt", target, "--format", "json"])
    assert run.code == 1
    (finding,) = _findings(run.out)
    assert finding["code"] == "FILE_FORMAT_REFUSED" and "--drop-comments" in finding["message"]
    text = run_cli(["--root", project_copy, "fmt", target])
    assert text.code == 1 and text.out == "" and "non riformattato" in text.err


def test_issue_form_check_names_a_stale_form(tmp_path):
    stale = tmp_path / "modulo.yml"
    assert run_cli(["--root", ROOT, "intake", "issue-form", "--out", stale]).code == 0
    lines = stale.read_text(encoding="utf-8").splitlines(keepends=True)
    stale.write_text("".join(lines[:3] + ["# cambiato\n"] + lines[3:]), encoding="utf-8")
    run = run_cli(["--root", ROOT, "intake", "issue-form", "--check", "--out", stale, "--format", "json"])
    assert run.code == 1
    assert [(f["code"], f["line"], f["file"]) for f in _findings(run.out)] == [
        ("ISSUE_FORM_STALE", 4, str(stale))
    ]
    fresh = run_cli(["--root", ROOT, "intake", "issue-form", "--check", "--format", "json"])
    assert fresh.code == 0 and json.loads(fresh.out) == []
