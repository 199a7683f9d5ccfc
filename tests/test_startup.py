"""Start-up: the parser imports no heavy library, and `bds validate FILE` loads only what its rules need.

Timing is in bench/startup_bench.py; these tests assert behaviour only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bds import validate
from bds.content import Project
from conftest import FIXTURES, REPO, TODAY, copy_fixture_project, target_name
from test_protected import SEAT_LISTING

HEAVY = ("scipy", "numpy", "matplotlib", "weasyprint", "frictionless", "mkdocs", "openpyxl")

SHIPPED_TODAY = "2026-12-01"  # the shipped content's review dates are all on or before this day


def _imported(code: str) -> set[str]:
    """The top-level packages imported after `code` runs in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"))
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_building_the_parser_imports_no_heavy_library():
    loaded = _imported("import bds.cli; bds.cli.build_parser()")
    assert "bds" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    # Not even the schema engines: `bds --help` needs none of them. YAML it does need (the C loader), for
    # the help texts: the message catalogue's `cli` and `init` sections.
    assert not loaded & {"jsonschema", "jsonschema_rs", "markdown", "segno"}


def test_validating_one_file_imports_only_the_validator():
    one = sorted((REPO / "opportunities").glob("*.yml"))[0]
    code = (
        "import contextlib, io, bds.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    assert bds.cli.main(['validate', {str(one)!r}, '--today', {SHIPPED_TODAY!r}]) == 0\n"
    )
    loaded = _imported(code)
    assert {"yaml", "jsonschema_rs"} <= loaded  # it did validate
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "jsonschema" not in loaded  # only a rejected record needs the detailed validator
    assert "markdown" not in loaded


def test_a_rejected_record_still_gets_the_detailed_messages(project_copy):
    bad = project_copy / "opportunities" / "senza-titolo.yml"
    bad.write_text("id: senza-titolo\n", encoding="utf-8")
    result = validate.run(Project(project_copy), [bad], dt.date.fromisoformat(TODAY))
    assert "FIELD_REQUIRED" in {f.code for f in result.errors}


def test_the_constants_the_parser_repeats_match_their_modules():
    from bds.commands import import_cmd, intake
    from bds.intake import issue, spreadsheet

    assert import_cmd.ENCODINGS == spreadsheet.ENCODINGS
    assert intake.ISSUE_FORM_PATH == issue.PATH


def test_version_and_report_are_still_reachable():
    import bds
    import bds.outcomes

    assert isinstance(bds.__version__, str) and bds.__version__
    assert callable(bds.outcomes.build_report)
    with pytest.raises(AttributeError):
        bds.no_such_name  # noqa: B018


def _troubled_project(tmp_path: Path) -> Path:
    """The fixture project with records that break rules across files, and some invalid ones."""
    root = copy_fixture_project(tmp_path / "progetto")
    opportunities, partners = root / "opportunities", root / "content" / "partners"
    (root / "content" / "guides").mkdir(exist_ok=True)
    for kind, folder in (("opportunity", opportunities), ("partner", partners), ("guide", None)):
        for fixture in sorted((FIXTURES / kind / "invalid").glob("*"))[:40]:
            if kind == "partner" and fixture.name.startswith("id_duplicate"):
                continue  # a second coop-esempio would hide the seat scenario below
            target = (folder / target_name(fixture)) if folder else root / "content" / "guides" / fixture.name
            target.write_bytes(fixture.read_bytes())
    valid = sorted((FIXTURES / "opportunity" / "valid").glob("*.yml"))[0].read_text(encoding="utf-8")
    # An id used twice (the second file is the duplicate), a listing naming an unknown partner, and a
    # protected place at its partner's seat while the partner publishes the seat's address.
    first = valid.splitlines()[0]
    (opportunities / "aaa-primo.yml").write_text(valid.replace(first, "id: doppio"), encoding="utf-8")
    (opportunities / "doppio.yml").write_text(valid.replace(first, "id: doppio"), encoding="utf-8")
    (opportunities / "senza-ente.yml").write_text(
        valid.replace(first, "id: senza-ente").replace("partner: coop-esempio", "partner: ente-inesistente"),
        encoding="utf-8",
    )
    (opportunities / "casa-in-sede.yml").write_text(SEAT_LISTING, encoding="utf-8")
    seat = partners / "coop-esempio.yml"
    text = seat.read_text(encoding="utf-8")
    seat.write_text(text.replace("contact:\n", "contact:\n  address: Via delle Prove 5, Borgoprova\n", 1))
    return root


def test_one_file_gives_what_the_whole_project_gives_for_it(tmp_path):
    root = _troubled_project(tmp_path)
    project = Project(root)
    today = dt.date.fromisoformat(TODAY)
    whole = validate.run(project, today=today)
    codes = {f.code for f in whole.findings}
    # The scenario really crosses records (otherwise the comparison proves little).
    crossing = {"ID_DUPLICATE", "PARTNER_UNKNOWN", "PROTECTED_AT_PUBLIC_SEAT", "PARTNER_ADDRESS_PROTECTED"}
    assert crossing <= codes
    files = project.all_files()
    assert len(files) > 60
    for path in files:
        shown = project.shown(path)
        alone = validate.run(project, [path], today)
        expected = [f for f in whole.findings if f.file == shown]
        assert alone.findings == expected, shown


def test_one_listing_does_not_load_the_guides(tmp_path):
    root = _troubled_project(tmp_path)
    project = Project(root)
    listing = root / "opportunities" / "doppio.yml"
    result = validate.run(project, [listing], dt.date.fromisoformat(TODAY))
    assert result.content.guides == {}
    assert len(result.content.opportunities) > 1 and result.content.partners  # the context is there
    assert "ID_DUPLICATE" in {f.code for f in result.findings}
