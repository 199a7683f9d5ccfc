"""The outcome package, `bds outcomes validate`, `bds demo-data` and `bds report`, end to end."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bds.cli import main
from bds.content import Project
from bds.errors import BdsError
from bds.outcomes import build_report, synth
from bds.outcomes.validate import validate

ROOT = Path(__file__).resolve().parents[1]
K = 10
# Built at run time so that no codice-fiscale-shaped string sits in the repository.
CANARY_CF = "RSSMRA" + "85T10A562S"
CANARY_NUMBER = "987654.321987"


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "data"
    assert main(["--root", str(ROOT), "demo-data", "--out", str(out), "--people", "300", "--seed", "3"]) == 0
    return out


@pytest.fixture(scope="module")
def reports(demo, project, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("reports")
    for quarter in ("2025Q4", "2026Q1"):
        build_report(demo, quarter, base / quarter, project)
    return base


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_demo_data_is_valid_and_deterministic(demo, tmp_path):
    assert validate(demo, None).ok
    again = tmp_path / "again"
    assert (
        main(["--root", str(ROOT), "demo-data", "--out", str(again), "--people", "300", "--seed", "3"]) == 0
    )
    for name in ("beneficiaries.csv", "projects.csv", "assessments.csv", "admissions.csv", "costs.csv"):
        assert (again / name).read_bytes() == (demo / name).read_bytes()
    header = rows(demo / "beneficiaries.csv")[0]
    assert not {"nome", "cognome", "name", "codice_fiscale"} & set(header)


def test_validate_cli_exit_codes(demo, capsys):
    assert main(["--root", str(ROOT), "outcomes", "validate", str(demo)]) == 0
    assert main(["--root", str(ROOT), "outcomes", "validate", str(demo / "missing")]) == 2


def _broken_copy(demo: Path, tmp_path: Path) -> Path:
    bad = tmp_path / "bad"
    shutil.copytree(demo, bad)
    projects = rows(bad / "projects.csv")
    projects[1][2] = CANARY_CF  # referral_date holds a codice fiscale
    projects[2][5] = "chiuso?"  # status outside the enum
    projects[3][3], projects[3][4] = "2026-05-01", "2026-01-01"  # end before start
    costs = rows(bad / "costs.csv")
    costs[1][5] = CANARY_NUMBER  # weird amount, above the maximum
    assessments = rows(bad / "assessments.csv")
    assessments[1][3] = "7"  # HoNOS item outside 0-4/9
    for name, data in (("projects.csv", projects), ("costs.csv", costs), ("assessments.csv", assessments)):
        with (bad / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(data)
    return bad


def test_validate_reports_positions_and_codes_never_values(demo, tmp_path, capsys):
    bad = _broken_copy(demo, tmp_path)
    found = {(p.table, p.row, p.column, p.code) for p in validate(bad, None).problems}
    assert ("projects.csv", 2, "referral_date", "IDENTIFIER_VALUE") in found
    assert ("projects.csv", 2, "referral_date", "CELL_TYPE") in found
    assert ("projects.csv", 3, "status", "CELL_ENUM") in found
    assert ("projects.csv", 4, "end_date", "PROJECT_DATE_ORDER") in found
    assert ("costs.csv", 2, "amount", "CELL_RANGE") in found
    assert ("assessments.csv", 2, "honos_1", "CELL_ENUM") in found
    assert main(["--root", str(ROOT), "outcomes", "validate", str(bad)]) == 1
    assert main(["--root", str(ROOT), "outcomes", "validate", str(bad), "--format", "json"]) == 1
    out_dir = tmp_path / "report"
    assert (
        main(
            ["--root", str(ROOT), "report", "--data", str(bad), "--quarter", "2026Q1", "--out", str(out_dir)]
        )
        == 1
    )
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "IDENTIFIER_VALUE" in text
    for canary in (CANARY_CF, CANARY_NUMBER, "chiuso?", "2026-05-01"):
        assert canary not in text
    assert not out_dir.exists()


def test_large_packages_validate_the_same_with_the_row_checks_in_a_second_process(
    demo, tmp_path, monkeypatch
):
    from bds.outcomes import validate as validate_module

    bad = _broken_copy(demo, tmp_path)
    alone = [(p.table, p.row, p.column, p.code) for p in validate(bad, None).problems]
    monkeypatch.setattr(validate_module, "PARALLEL_FROM_BYTES", 0)
    for engine in validate_module.ENGINES:  # the fast row checks, or frictionless, in the second process
        together = [(p.table, p.row, p.column, p.code) for p in validate(bad, None, engine=engine).problems]
        assert together == alone and len(alone) >= 6


def test_identifier_columns_and_values_are_refused(demo, tmp_path):
    bad = tmp_path / "ids"
    shutil.copytree(demo, bad)
    table = rows(bad / "beneficiaries.csv")
    table[0].append("cognome")
    for row in table[1:]:
        row.append("x")
    table[5][3] = "mario.rossi@example.org"
    table[6][3] = "+39 333 1234567"
    with (bad / "beneficiaries.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    found = {(p.row, p.column, p.code) for p in validate(bad, None).problems}
    assert (1, f"colonna {len(table[0])}", "IDENTIFIER_COLUMN") in found
    assert (6, "zone", "IDENTIFIER_VALUE") in found
    assert (7, "zone", "IDENTIFIER_VALUE") in found


def test_data_inside_a_git_work_tree_is_refused(demo, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    tracked = repo / "dati"
    shutil.copytree(demo, tracked)
    subprocess.run(["git", "-C", str(repo), "add", "dati"], check=True)
    assert main(["outcomes", "validate", str(tracked)]) == 2
    (repo / ".gitignore").write_text("/private/\n")
    ignored = repo / "private" / "dati"
    shutil.copytree(demo, ignored)
    assert main(["outcomes", "validate", str(ignored)]) == 0
    loose = repo / "altro"
    shutil.copytree(demo, loose)
    assert main(["outcomes", "validate", str(loose)]) == 2


def test_report_refuses_site_and_tracked_outputs(demo, capsys):
    assert (
        main(
            [
                "--root",
                str(ROOT),
                "report",
                "--data",
                str(demo),
                "--quarter",
                "2026Q1",
                "--out",
                str(ROOT / "site" / "esiti"),
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "--root",
                str(ROOT),
                "report",
                "--data",
                str(demo),
                "--quarter",
                "2026Q1",
                "--out",
                str(ROOT / "schemas" / "esiti"),
            ]
        )
        == 2
    )
    assert (
        main(
            ["--root", str(ROOT), "report", "--data", str(demo), "--quarter", "2026Q9", "--out", "/tmp/never"]
        )
        == 2
    )
    assert not (ROOT / "site" / "esiti").exists() and not (ROOT / "schemas" / "esiti").exists()


def test_report_files_and_disclosure_rules(reports):
    folder = reports / "2026Q1"
    names = {p.name for p in folder.iterdir()}
    assert {
        "report.html",
        "report.pdf",
        "audit.json",
        "manifest.json",
        "datapackage.json",
        "flussi_per_percorso.csv",
        "transizioni_abitative.csv",
        "spesa_per_fonte.csv",
        "attesa.csv",
    } <= names
    count_rows = 0
    for csv_file in folder.glob("*.csv"):
        table = rows(csv_file)
        assert table[0][-2:] == ["value", "status"]
        for row in table[1:]:
            value, status = row[-2], row[-1]
            assert status in {"published", "suppressed", "zero"}
            if status == "suppressed":
                assert value in ("", f"<{K}")
            if status == "zero":
                assert value == "0"
        if csv_file.name.startswith(("flussi", "uscite", "transizioni", "lavoro_t12.csv")):
            for row in table[1:]:
                if row[-1] == "published":
                    count_rows += 1
                    assert int(row[-2]) % 5 == 0 and int(row[-2]) >= K
    assert count_rows > 5
    flows = rows(folder / "flussi_per_sesso.csv")
    assert ["attivi", "TOTALE"] in [r[:2] for r in flows]
    audit = json.loads((folder / "audit.json").read_text())
    assert audit["unprotected"] == []
    floor = K // 2
    for cell in audit["suppressed_cells"]:
        if cell["shown"] == f"<{K}":
            low, high = cell["interval"]
            assert low <= floor and (high is None or high >= K - 1)
    html = (folder / "report.html").read_text()
    assert "<svg" in html and 'lang="it"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")


def test_output_datapackage_validates_with_frictionless(reports):
    import frictionless

    report = frictionless.validate(str(reports / "2026Q1" / "datapackage.json"))
    assert report.valid


def test_manifest_and_ledger(reports, demo):
    manifest = json.loads((reports / "2026Q1" / "manifest.json").read_text())
    assert set(manifest["inputs"]) == {
        "beneficiaries.csv",
        "projects.csv",
        "assessments.csv",
        "admissions.csv",
        "costs.csv",
    }
    assert manifest["parameters"]["disclosure_threshold"] == K
    assert "scipy" in manifest["versions"] and manifest["ledger_before"]
    ledger = json.loads((reports / "ledger.json").read_text())
    assert sorted(ledger["releases"]) == ["2025Q4", "2026Q1"]
    earlier = ledger["releases"]["2025Q4"]["cells"]
    later = ledger["releases"]["2026Q1"]["cells"]
    for key, cell in earlier.items():  # a suppressed cell stays suppressed when it is released again
        if cell["status"] == "suppressed" and key in later:
            assert later[key]["status"] == "suppressed"
    assert any(key in later for key, cell in earlier.items() if cell["status"] == "suppressed")


def test_same_input_same_bytes(demo, project, tmp_path):
    first = build_report(demo, "2026Q2", tmp_path / "a" / "2026Q2", project)
    second = build_report(demo, "2026Q2", tmp_path / "b" / "2026Q2", project)
    assert first["suppressed"] == second["suppressed"]
    for path in sorted((tmp_path / "a" / "2026Q2").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / "2026Q2" / path.name).read_bytes(), path.name
    with pytest.raises(BdsError):
        build_report(demo, "2026Q2", tmp_path / "a" / "2026Q2", project)  # never overwrite unasked


def test_synthetic_people_have_no_names():
    tables = synth.generate(30, 9, None)
    text = json.dumps(tables)
    assert "@" not in text
    assert all(len(row[0]) == 36 for row in tables["beneficiaries"][1:])


# Every indicator the programme promised its funders (issue: "Indicators per quarter"), one table each.
INDICATOR_TABLES = {
    "flussi_per_asse",  # active people, entries and exits, by axis
    "flussi_per_percorso",  # ... by pathway
    "flussi_per_servizio",  # ... by health service
    "flussi_per_fascia_eta",  # ... by age band
    "flussi_per_sesso",  # ... by sex
    "uscite_per_motivo",  # exits by closure reason
    "transizioni_abitative",  # housing T0 -> T12
    "lavoro_t12",
    "lavoro_t12_percentuale",  # share in paid work at T12
    "honos_variazione",  # HoNOS change T0 -> T12 by entry-year cohort
    "ricoveri",  # admissions and bed-days per person-year, before and after entry
    "spesa_per_fonte",  # direct-budget euros per beneficiary-year by funding source
    "spesa_per_categoria",  # ... and by category
    "attesa",  # waiting time from referral to start
}


def test_every_indicator_is_reported_with_means_to_one_decimal(reports):
    folder = reports / "2026Q1"
    assert {p.stem for p in folder.glob("*.csv")} == INDICATOR_TABLES
    package = json.loads((folder / "datapackage.json").read_text())
    assert {r["path"] for r in package["resources"]} == {f"{n}.csv" for n in INDICATOR_TABLES}
    ages = [r[1] for r in rows(folder / "flussi_per_fascia_eta.csv")[1:] if r[1] != "TOTALE"]
    for band in ages:  # closed bands span at least 15 years
        if "-" in band:
            low, high = map(int, band.split("-"))
            assert high - low + 1 >= 15, band
    decimals = set()
    for name in ("honos_variazione", "ricoveri", "attesa"):
        for row in rows(folder / f"{name}.csv")[1:]:
            if row[-1] == "published" and "." in row[-2]:
                decimals.add(len(row[-2].split(".")[1]))
            assert not any(word in row[1] for word in ("min", "max")), row  # never minimum or maximum
    assert decimals == {1}


def test_audit_states_the_protection_it_checked(reports):
    audit = json.loads((reports / "2026Q1" / "audit.json").read_text())
    assert audit["protection"]["min_at_most"] == K // 2 and audit["protection"]["max_at_least"] == K - 1
    for cell in audit["suppressed_cells"]:
        if cell["shown"] == f"<{K}":
            low, high = cell["interval"]
            assert low <= audit["protection"]["min_at_most"] and high >= audit["protection"]["max_at_least"]


def test_report_page_warns_when_the_audit_falls_short():
    from bds.outcomes import render
    from bds.outcomes.model import Aggregate

    agg = Aggregate("2026Q1", K)
    base = {"suppressed": 0, "cells": 0, "unprotected": [], "ledger_conflicts": []}
    calm = render.report_html(agg, "2026Q1", "Prova", {}, base)
    short = render.report_html(agg, "2026Q1", "Prova", {}, {**base, "unprotected": ["x"]})
    revised = render.report_html(agg, "2026Q1", "Prova", {}, {**base, "ledger_conflicts": ["y"]})
    assert 'class="warn"' not in calm
    assert 'class="warn"' in short and 'class="warn"' in revised


def test_report_refuses_a_territory_whose_threshold_breaks_the_schema(demo, tmp_path, capsys):
    # bds validate rejects disclosure_threshold below 5; the report must not quietly use it either.
    root = tmp_path / "territorio"
    shutil.copytree(ROOT / "content", root / "content")
    territory = root / "content" / "territory.yml"
    territory.write_text(
        territory.read_text(encoding="utf-8").replace("disclosure_threshold: 10", "disclosure_threshold: 2"),
        encoding="utf-8",
    )
    out = tmp_path / "rapporto"
    code = main(
        ["--root", str(root), "report", "--data", str(demo), "--quarter", "2026Q1", "--out", str(out)]
    )
    assert code == 1
    assert "[VALUE_OUT_OF_RANGE] disclosure_threshold" in capsys.readouterr().err
    assert not out.exists()


# -- texts from the message catalogue (issue 11) ----------------------------------------------------
def test_outcome_codes_take_their_texts_from_the_catalogue():
    from bds import messages
    from bds.outcomes import codes

    groups = set(messages.section("outcomes.groups").values())
    for code in codes.REGISTRY.values():
        key = f"outcome_codes.{code.code}"
        assert (code.title, code.template) == (messages.raw(f"{key}.title"), messages.raw(f"{key}.template"))
        assert code.group in groups
    # the hint names the programme with the territory's word (Milan's default here)
    assert "{programme}" in messages.raw("outcome_codes.TABLE_TOO_LARGE.hint")
    assert "un programma di Budget di Salute" in codes.REGISTRY["TABLE_TOO_LARGE"].hint


def test_identifier_shapes_are_named_in_the_catalogue():
    from bds.outcomes import validate as validation

    names = [name for name, _ in validation.SHAPES]  # as the workbook import reads them
    assert names == ["un codice fiscale", "un indirizzo email", "un numero di telefono"]
    assert [shape for shape, _ in validation.SHAPE_PATTERNS] == ["tax_code", "email", "phone"]


def test_ledger_problems_are_sentences_without_the_value(tmp_path):
    from bds.outcomes import ledger

    path = tmp_path / "ledger.json"
    path.write_text('{"format": 1, "releases": {"2026Q1": {"k": "segreto", "cells": {}, "relations": []}}}')
    with pytest.raises(BdsError) as caught:
        ledger.load(path)
    assert "segreto" not in str(caught.value)
    assert "[LEDGER_INVALID]" in str(caught.value)


def _count_openings(monkeypatch, folder: Path) -> dict[str, int]:
    """Every opening of a file in `folder` from now on, by name (os.open, open, io.open: Path's too)."""
    import builtins
    import io
    import os

    counts: dict[str, int] = {}
    real_os_open, real_open = os.open, builtins.open
    inside = str(folder.resolve())

    def counted(path) -> None:
        if not isinstance(path, int) and os.path.dirname(os.path.realpath(os.fspath(path))) == inside:
            name = os.path.basename(os.fspath(path))
            counts[name] = counts.get(name, 0) + 1

    def os_open(path, *args, **kwargs):
        counted(path)
        return real_os_open(path, *args, **kwargs)

    def open_(file, *args, **kwargs):
        counted(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(io, "open", open_)
    return counts


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_a_report_reads_each_table_once(demo, project, tmp_path, monkeypatch, engine):
    """Validation reads each CSV once; the typed tables, the fallback to frictionless and the manifest's
    hashes all come from that reading (bench/outcomes_reads.py prints the same counts)."""
    from bds.outcomes import release
    from bds.outcomes import validate as validation

    monkeypatch.setattr(release, "validate", lambda *a, **k: validation.validate(*a, **k, engine=engine))
    counts = _count_openings(monkeypatch, demo)
    summary = build_report(demo, "2026Q1", tmp_path / "r", project, tmp_path / "ledger.json", pdf=False)
    assert counts == {
        f"{table}.csv": 1 for table in ("beneficiaries", "projects", "assessments", "admissions", "costs")
    }
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == {
        name: hashlib.sha256((demo / name).read_bytes()).hexdigest() for name in manifest["inputs"]
    }
    assert summary["quarter"] == "2026Q1"
