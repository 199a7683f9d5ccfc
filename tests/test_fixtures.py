"""Every fixture, validated inside a copy of the fixture project at a fixed date.

Valid fixtures give no finding at all; each invalid one gives exactly the (code, line) pairs listed in
tests/fixtures/expected.yml. The mapping is checked both ways, and together with a few dedicated tests
the fixtures must produce every code of the registry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from bds import findings, load, schema
from conftest import FIXTURES, TODAY, fixture_files, fixture_id, run_cli, validate_fixture

EXPECTED: dict[str, list[list]] = yaml.safe_load((FIXTURES / "expected.yml").read_text(encoding="utf-8"))
ALL = fixture_files()
INVALID = [p for p in ALL if p.parent.name == "invalid"]

# Codes no fixture can produce, and why; keep this list short.
UNREACHABLE = {
    "VALUE_INVALID": "fallback for a schema keyword without its own code, or for the two engines disagreeing",
    "SERVICE_UNKNOWN": "no rule on the content produces it (kept in the registry for other data)",
}
# Codes produced by dedicated tests below rather than by a committed file.
DEDICATED = {"FILE_TOO_LARGE", "FILE_UNREADABLE"}
# Import and issue intake report these codes, not the validator (tests/test_intake_hardening.py).
DEDICATED |= {c for c in findings.REGISTRY if c.startswith(("IMPORT_", "INTAKE_"))}
# Hardening: files, folders and configuration (issue 10): made by tests/test_files.py.
DEDICATED |= {"FILE_SYMLINK", "FILE_NOT_REGULAR", "FOLDER_SYMLINK", "FOLDER_NOT_FOLDER", "FOLDER_UNREADABLE"}
DEDICATED |= {"FILE_EXTENSION", "FILE_NAME_RESERVED", "FILE_NAME_CASE_CLASH", "CONFIG_SYNTAX", "CONFIG_EMPTY"}
DEDICATED |= {"CONFIG_NOT_MAPPING", "CONFIG_TAG", "CONFIG_ALIAS", "CONFIG_THIRD_PARTY", "CONFIG_PATH_OUTSIDE"}
DEDICATED |= {"PROTECTED_AT_PUBLIC_SEAT"}  # tests/test_protected.py: needs a partner and its listing together
# Languages (issue 14): tests/test_translations.py, which needs an Italian guide and a language folder.
DEDICATED |= {c for c in findings.REGISTRY if c.startswith("TRANSLATION_")}
# tests/test_findings_json.py: `bds fmt` and `bds intake issue-form --check` (no record to put in a fixture)
DEDICATED |= {"FILE_NOT_CANONICAL", "FILE_FORMAT_REFUSED", "ISSUE_FORM_STALE"}


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fixture", ALL, ids=fixture_id)
def test_fixture(fixture: Path, tmp_path):
    root = tmp_path / "p"
    run, _target = validate_fixture(fixture, root)
    before = _tree_hashes(root)
    run, _target = validate_fixture(fixture, root)
    assert "Traceback" not in run.err and run.code in (0, 1), run.err
    found = run.json()
    got = sorted((f["code"], f["line"]) for f in found)
    if fixture.parent.name == "valid":
        assert got == [], found
        assert run.code == 0
    else:
        want = sorted((code, line) for code, line in EXPECTED.get(fixture_id(fixture), []))
        assert got == want, found
        has_error = any(f["severity"] == findings.ERROR for f in found)
        assert run.code == (1 if has_error else 0)
    assert _tree_hashes(root) == before, "the validator must never change a file"


def test_every_invalid_fixture_has_expectations():
    missing = [fixture_id(p) for p in INVALID if fixture_id(p) not in EXPECTED]
    assert missing == [], f"no expected findings for: {missing}"


def test_every_expectation_has_a_fixture():
    present = {fixture_id(p) for p in INVALID}
    orphans = sorted(set(EXPECTED) - present)
    assert orphans == [], f"expected findings for missing fixtures: {orphans}"


def test_every_expectation_is_a_known_code_and_a_positive_line():
    for name, pairs in EXPECTED.items():
        assert pairs, f"{name}: an invalid fixture must expect at least one finding"
        for code, line in pairs:
            assert code in findings.REGISTRY, f"{name}: unknown code {code}"
            assert isinstance(line, int) and line >= 1, name


def test_fixtures_cover_every_registry_code():
    covered = {code for pairs in EXPECTED.values() for code, _ in pairs} | DEDICATED
    assert not (covered & set(UNREACHABLE)), (
        "a code listed as unreachable is covered: remove it from the list"
    )
    missing = set(findings.REGISTRY) - covered - set(UNREACHABLE)
    assert missing == set(), f"codes not produced by any fixture: {sorted(missing)}"


def test_file_too_large_is_rejected_before_parsing(project_copy):
    target = project_copy / "opportunities" / "enorme.yml"
    target.write_bytes(b"id: enorme\ndescription: |\n" + b"  riga di testo ripetuta\n" * 12_000)
    assert target.stat().st_size > load.MAX_BYTES
    run = run_cli(["--root", project_copy, "validate", target, "--format", "json", "--today", TODAY])
    assert run.code == 1
    assert [(f["code"], f["line"]) for f in run.json()] == [("FILE_TOO_LARGE", 1)]


def test_unreadable_file_is_a_finding_not_a_crash(project_copy):
    # A folder named like a record: reading it fails the way an unreadable file does (root ignores chmod).
    (project_copy / "opportunities" / "cartella.yml").mkdir()
    run = run_cli(["--root", project_copy, "validate", "--format", "json", "--today", TODAY])
    assert run.code == 1
    assert [(f["file"], f["code"]) for f in run.json()] == [("opportunities/cartella.yml", "FILE_UNREADABLE")]


def _loaded(fixture: Path):
    kind = fixture.parent.parent.name
    raw = fixture.read_bytes()
    if kind == "guide":
        from bds.content import load_guide

        return load_guide(raw, fixture.name)
    return load.load_bytes(raw, fixture.name)


# Files that do not load never reach the schema, so only the loadable ones can compare the engines.
LOADABLE = [f for f in ALL if (doc := _loaded(f)).ok and isinstance(doc.data, dict)]


def test_enough_fixtures_reach_the_schema():
    assert len(LOADABLE) >= 50


@pytest.mark.parametrize("fixture", LOADABLE, ids=fixture_id)
def test_schema_engines_agree(fixture: Path):
    """jsonschema-rs (fast path) and jsonschema (detailed path) must agree on valid/invalid."""
    kind = fixture.parent.parent.name
    doc = _loaded(fixture)
    fast = schema._fast(kind).is_valid(doc.data)
    detailed = schema._detailed(kind).is_valid(doc.data)
    assert fast == detailed
