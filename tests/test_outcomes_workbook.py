"""`bds outcomes template` and `bds outcomes import`: the outcome data as a workbook, end to end."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bds.cli import main
from bds.content import Project
from bds.outcomes import package, synth, workbook
from bds.outcomes.territory import load_territory

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 120
# Built at run time so that no codice-fiscale-shaped string sits in the repository.
CANARY_CF = "RSSMRA" + "85T10A562S"
CANARY_MAIL = "mario.rossi" + "@" + "esempio.it"


def _bds(*args: str) -> int:
    return main(["--root", str(ROOT), *args])


@pytest.fixture(scope="module")
def template_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("template") / "modello.xlsx"
    assert _bds("outcomes", "template", "--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def tables() -> dict[str, list[list]]:
    return synth.generate(PEOPLE, 5, load_territory(Project(ROOT)))


def fill(template: Path, out: Path, tables: dict[str, list[list]], keep=None, as_people_type=True) -> Path:
    """Write synthetic rows into the template as a person would: dates as dates, numbers as numbers,
    drop-down labels instead of codes, yes/no for booleans. `keep(table, row)` selects rows."""
    book = openpyxl.load_workbook(template)
    for resource in workbook.resources():
        table = resource["name"]
        ws = book[workbook.sheet_title(resource)]
        specs = package.table_schema(table)["fields"]
        header, *rows = tables[table]
        assert header == [s["name"] for s in specs]
        number = 2
        for row in rows:
            if keep is not None and not keep(table, row):
                continue
            for position, (spec, value) in enumerate(zip(specs, row, strict=True), start=1):
                ws.cell(row=number, column=position, value=_typed(spec, value) if as_people_type else value)
            number += 1
    book.save(out)
    return out


def _typed(spec: dict, value: str):
    if value == "":
        return None
    kind = spec["type"]
    if kind == "date":
        return dt.datetime.fromisoformat(value)
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return "sì" if value == "true" else "no"
    shown = workbook.labels(spec) if spec.get("constraints", {}).get("enum") else {}
    return shown.get(value, value)


def _csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _same(table: str, rows: list[list]) -> list[list]:
    """Rows with the number columns as numbers: 161.70 typed in a sheet comes back as 161.7."""
    kinds = [s["type"] for s in package.table_schema(table)["fields"]]
    return [
        [float(c) if k == "number" and c != "" and i else str(c) for k, c in zip(kinds, r, strict=True)]
        for i, r in enumerate(rows)
    ]


def test_round_trip_template_fill_import_validate_report(template_file, tables, tmp_path, capsys):
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables)
    data = tmp_path / "dati"
    assert _bds("outcomes", "import", str(filled), "--out", str(data)) == 0, capsys.readouterr()
    for table in package.TABLES:
        assert _same(table, _csv(data / f"{table}.csv")) == _same(table, tables[table]), table
    assert _bds("outcomes", "validate", str(data)) == 0
    report = tmp_path / "rapporto" / "2026Q2"
    assert _bds("report", "--data", str(data), "--quarter", "2026Q2", "--out", str(report)) == 0
    assert (report / "report.html").is_file()
    assert json.loads((report / "manifest.json").read_text())


def test_template_is_deterministic_and_has_nothing_personal(template_file, tmp_path):
    again = tmp_path / "again.xlsx"
    assert _bds("outcomes", "template", "--out", str(again)) == 0
    assert again.read_bytes() == template_file.read_bytes()
    with zipfile.ZipFile(template_file) as archive:
        assert {i.date_time for i in archive.infolist()} == {workbook.FIXED_TIME}
        core = archive.read("docProps/core.xml").decode()
        assert str(dt.date.today().year) not in core
    book = openpyxl.load_workbook(template_file)
    for resource in workbook.resources():
        ws = book[workbook.sheet_title(resource)]
        assert ws.max_row == 1, "the template holds no data rows"
        assert ws.freeze_panes == "A2"
        specs = package.table_schema(resource["name"])["fields"]
        for position, spec in enumerate(specs, start=1):
            cell = ws.cell(row=1, column=position)
            assert cell.value == workbook.header_title(spec, specs)
            assert cell.comment is not None and spec["name"] in cell.comment.text
            assert ws.column_dimensions[cell.column_letter].width >= 8
    assert workbook.INSTRUCTIONS == book.sheetnames[0]
    assert "nome, cognome, codice fiscale" in "\n".join(
        str(c.value) for c in book[workbook.INSTRUCTIONS]["A"] if c.value
    )
    assert not _bds("outcomes", "template", "--out", str(again)) == 0  # never overwritten unasked


def _validations(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for rule in ws.data_validations.dataValidation:
        for cell_range in str(rule.sqref).split():
            out.setdefault(cell_range.split(":")[0].rstrip("0123456789"), []).append(rule)
    return out


def test_every_enum_has_a_drop_down_and_dates_numbers_are_checked(template_file):
    book = openpyxl.load_workbook(template_file)
    lists = book[workbook.LISTS]
    seen_enum = 0
    for resource in workbook.resources():
        ws = book[workbook.sheet_title(resource)]
        rules = _validations(ws)
        for position, spec in enumerate(package.table_schema(resource["name"])["fields"], start=1):
            letter = openpyxl.utils.get_column_letter(position)
            limits = spec.get("constraints", {})
            kinds = [r.type for r in rules.get(letter, [])]
            if limits.get("enum"):
                seen_enum += 1
                assert kinds == ["list"], spec["name"]
                ref = rules[letter][0].formula1
                column = ref.split("!")[1].split(":")[0].strip("$").rstrip("0123456789$")
                values = [c.value for c in lists[column][1:] if c.value is not None]
                assert [str(v) for v in values] == list(workbook.labels(spec).values())
            elif spec["type"] == "date":
                assert kinds == ["date"], spec["name"]
            elif spec["type"] in ("integer", "number") and "minimum" in limits:
                assert kinds == ["whole" if spec["type"] == "integer" else "decimal"], spec["name"]
                rule = rules[letter][0]
                assert (rule.formula1, rule.formula2) == (str(limits["minimum"]), str(limits["maximum"]))
    assert seen_enum >= 10


def test_an_identifier_in_a_cell_is_refused_located_never_echoed(template_file, tables, tmp_path, capsys):
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables)
    book = openpyxl.load_workbook(filled)
    book["Progetti"]["H3"] = CANARY_CF  # the axes of the second project
    book["Persone"]["B4"] = int("333" + "7654321")  # a phone number typed as a number
    notes = book["Istruzioni"]
    notes["B7"] = CANARY_MAIL  # anywhere: also outside the data sheets
    book.save(filled)
    capsys.readouterr()
    data = tmp_path / "dati"
    assert _bds("outcomes", "import", str(filled), "--out", str(data)) == 1
    out = capsys.readouterr()
    assert f"{filled}:Progetti:3:H: errore [IDENTIFIER_VALUE]" in out.out
    assert f"{filled}:Istruzioni:7:B: errore [IDENTIFIER_VALUE]" in out.out
    assert f"{filled}:Persone:4:B: errore [IDENTIFIER_VALUE]" in out.out
    assert "7654321" not in out.out + out.err
    assert CANARY_CF not in out.out + out.err and CANARY_MAIL not in out.out + out.err
    assert "mario" not in (out.out + out.err).lower()
    assert not data.exists()
    assert not list(tmp_path.glob(".dati*")), "no temporary folder left behind"


def test_identifying_header_and_unknown_sheet_are_refused(template_file, tmp_path, capsys):
    book = openpyxl.load_workbook(template_file)
    book["Persone"].cell(row=1, column=20, value="Cognome")
    book.create_sheet("Appunti di Mario")["A1"] = "una nota"
    path = tmp_path / "x.xlsx"
    book.save(path)
    capsys.readouterr()
    assert _bds("outcomes", "import", str(path), "--out", str(tmp_path / "dati")) == 1
    out = capsys.readouterr().out
    assert f"{path}:Persone:1:T: errore [IDENTIFIER_COLUMN]" in out
    assert "[WORKBOOK_SHEET_UNKNOWN]" in out and "Mario" not in out
    assert not (tmp_path / "dati").exists()


def _split(table: str, row: list, people: set[str], projects: set[str]) -> bool:
    if table == "beneficiaries":
        return row[0] in people
    if table in ("projects", "admissions"):
        return row[1] in people
    return row[0] in projects


def test_two_workbooks_are_merged(template_file, tables, tmp_path, capsys):
    people = [r[0] for r in tables["beneficiaries"][1:]]
    first = set(people[: len(people) // 2])
    second = set(people) - first
    a_projects = {r[0] for r in tables["projects"][1:] if r[1] in first}
    b_projects = {r[0] for r in tables["projects"][1:] if r[1] in second}
    a = fill(template_file, tmp_path / "nord.xlsx", tables, lambda t, r: _split(t, r, first, a_projects))
    b = fill(template_file, tmp_path / "sud.xlsx", tables, lambda t, r: _split(t, r, second, b_projects))
    data = tmp_path / "dati"
    assert _bds("outcomes", "import", str(a), str(b), "--out", str(data)) == 0, capsys.readouterr()
    for table in package.TABLES:
        got = _csv(data / f"{table}.csv")
        assert got[0] == tables[table][0]
        assert sorted(_same(table, got)[1:]) == sorted(_same(table, tables[table])[1:]), table
    assert _bds("outcomes", "validate", str(data)) == 0


def _person_in(table: str, row: list, people: set[str]) -> bool:
    return table == "beneficiaries" and row[0] in people


def test_the_same_key_in_two_workbooks_is_refused_naming_both(template_file, tables, tmp_path, capsys):
    people = [r[0] for r in tables["beneficiaries"][1:]]
    shared = people[0]
    first = set(people[:10])
    second = set(people[10:20]) | {shared}
    a = fill(template_file, tmp_path / "nord.xlsx", tables, lambda t, r: _person_in(t, r, first))
    b = fill(template_file, tmp_path / "sud.xlsx", tables, lambda t, r: _person_in(t, r, second))
    capsys.readouterr()
    data = tmp_path / "dati"
    assert _bds("outcomes", "import", str(a), str(b), "--out", str(data)) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "[WORKBOOK_KEY_ACROSS]" in x)
    assert line.startswith(f"{b}:Persone:")
    assert str(a) in line
    assert shared not in out
    assert "[CELL_UNIQUE]" not in out and "[KEY_DUPLICATE]" not in out
    assert not data.exists()


def test_validation_problems_are_located_in_the_sheet(template_file, tables, tmp_path, capsys):
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables)
    book = openpyxl.load_workbook(filled)
    ws = book["Persone"]
    ws["C5"] = "sconosciuto"  # sex outside the enum
    ws["B9"] = "milleottocento"  # birth year not a number
    for _ in range(3):
        ws.append([None] * 7)  # empty trailing rows with nothing in them
    book.save(filled)
    capsys.readouterr()
    assert _bds("outcomes", "import", str(filled), "--out", str(tmp_path / "dati")) == 1
    out = capsys.readouterr().out
    assert f"{filled}:Persone:5:C: errore [CELL_ENUM] «Sesso» ammette solo: Femmina, Maschio," in out
    assert f"{filled}:Persone:9:B: errore [CELL_TYPE]" in out
    assert "sconosciuto" not in out and "milleottocento" not in out
    assert _bds("outcomes", "import", str(filled), "--out", str(tmp_path / "dati"), "--format", "json") == 1
    found = json.loads(capsys.readouterr().out)
    # the findings of `bds validate --format json`: the sheet as the field, the column letter as its number
    assert {"file": str(filled), "field": "Persone", "line": 9, "column": 2}.items() <= found[1].items()
    assert {p["code"] for p in found} == {"CELL_ENUM", "CELL_TYPE"}


def test_excel_dates_and_numbers_typed_as_text():
    specs = {s["name"]: s for s in package.table_schema("costs")["fields"]}
    amount = specs["amount"]
    assert workbook.cell_text("1.234,50", amount) == "1234.50"
    assert workbook.cell_text(" 250,5 € ", amount) == "250.5"
    assert workbook.cell_text(250.0, amount) == "250"
    day = package.fields_by_name("projects")["start_date"]
    assert workbook.cell_text(dt.datetime(2026, 3, 15), day) == "2026-03-15"
    assert workbook.cell_text("15/03/2026", day) == "2026-03-15"
    assert workbook.cell_text(46096, day) == "2026-03-15"  # a serial number left by a lost date format
    year = package.fields_by_name("beneficiaries")["birth_year"]
    assert workbook.cell_text("1980", year) == "1980" and workbook.cell_text(1980.0, year) == "1980"
    flag = package.fields_by_name("admissions")["compulsory"]
    assert workbook.cell_text("Sì", flag) == "true" and workbook.cell_text(False, flag) == "false"


def test_out_inside_the_repository_is_refused(template_file, tables, tmp_path, capsys):
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    target = repo / "dati"
    assert _bds("outcomes", "import", str(filled), "--out", str(target)) == 2
    assert "[DIR_IN_REPOSITORY]" in capsys.readouterr().err
    assert not target.exists()
    inside = repo / "servizio.xlsx"
    inside.write_bytes(filled.read_bytes())
    assert _bds("outcomes", "import", str(inside), "--out", str(tmp_path / "dati")) == 2
    assert "[WORKBOOK_IN_REPOSITORY]" in capsys.readouterr().err
    assert not (tmp_path / "dati").exists()


def test_unsafe_or_broken_workbooks_are_refused(tmp_path, capsys):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x/>')
    assert _bds("outcomes", "import", str(bomb), "--out", str(tmp_path / "dati")) == 1
    assert "[IMPORT_XLSX_UNSAFE]" in capsys.readouterr().err
    broken = tmp_path / "rotto.xlsx"
    broken.write_bytes(b"not a zip")
    assert _bds("outcomes", "import", str(broken), "--out", str(tmp_path / "dati")) == 2
    assert not (tmp_path / "dati").exists()
    assert _bds("outcomes", "import", str(tmp_path / "x.csv"), "--out", str(tmp_path / "dati")) == 2


def test_an_existing_output_is_never_replaced_unasked(template_file, tables, tmp_path, capsys):
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables)
    data = tmp_path / "dati"
    data.mkdir()
    (data / "vecchio.txt").write_text("x")
    assert _bds("outcomes", "import", str(filled), "--out", str(data)) == 2
    assert (data / "vecchio.txt").read_text() == "x"
    assert _bds("outcomes", "import", str(filled), "--out", str(data), "--force") == 0
    assert not (data / "vecchio.txt").exists() and (data / "projects.csv").is_file()


def test_a_missing_column_is_refused_unless_optional(template_file, tables, tmp_path, capsys):
    """An older template lacks optional fields added since: it still imports; a required one is refused."""
    specs = package.table_schema("projects")["fields"]
    optional = next(i for i, s in enumerate(specs, 1) if not s.get("constraints", {}).get("required"))
    required = next(i for i, s in enumerate(specs, 1) if s.get("constraints", {}).get("required"))
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables)
    book = openpyxl.load_workbook(filled)
    book["Progetti"].delete_cols(optional)
    book.save(tmp_path / "senza-facoltativa.xlsx")
    data = tmp_path / "dati"
    capsys.readouterr()
    assert _bds("outcomes", "import", str(tmp_path / "senza-facoltativa.xlsx"), "--out", str(data)) in (0, 1)
    out = capsys.readouterr().out
    assert "[HEADER_MISSING]" not in out
    book = openpyxl.load_workbook(filled)
    book["Progetti"].delete_cols(required)
    book.save(tmp_path / "senza-obbligatoria.xlsx")
    assert (
        _bds("outcomes", "import", str(tmp_path / "senza-obbligatoria.xlsx"), "--out", str(tmp_path / "d2"))
        == 1
    )
    out = capsys.readouterr().out
    assert f"{tmp_path / 'senza-obbligatoria.xlsx'}:Progetti:1: errore [HEADER_MISSING]" in out
    assert not (tmp_path / "d2").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice non installato")
def test_a_workbook_saved_again_by_libreoffice_gives_the_same_csvs(template_file, tables, tmp_path, capsys):
    """What a case manager does: open the file in a spreadsheet program, save it, hand it over."""
    filled = fill(template_file, tmp_path / "servizio.xlsx", tables, lambda t, r: t != "costs")
    saved = tmp_path / "salvato"
    run = subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(saved), str(filled)],
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == 0 and (saved / "servizio.xlsx").is_file(), run.stderr
    assert _bds("outcomes", "import", str(filled), "--out", str(tmp_path / "a")) == 0
    assert _bds("outcomes", "import", str(saved / "servizio.xlsx"), "--out", str(tmp_path / "b")) == 0
    for table in package.TABLES:
        assert (tmp_path / "a" / f"{table}.csv").read_bytes() == (
            tmp_path / "b" / f"{table}.csv"
        ).read_bytes()


def test_a_table_given_twice_or_missing_is_refused_naming_the_sheet(template_file, tmp_path, capsys):
    # the sheet's title is a template value too: it once collided with _problem's own `sheet` parameter
    book = openpyxl.load_workbook(template_file)
    copy = book.copy_worksheet(book["Persone"])
    copy.title = "beneficiaries"  # the table's name: the same table as «Persone»
    last = workbook.resources()[-1]
    del book[workbook.sheet_title(last)]
    path = tmp_path / "x.xlsx"
    book.save(path)
    capsys.readouterr()
    assert _bds("outcomes", "import", str(path), "--out", str(tmp_path / "dati")) == 1
    out = capsys.readouterr().out
    assert "errore [WORKBOOK_SHEET_TWICE] c'è più di un foglio «beneficiaries»." in out
    assert f"errore [WORKBOOK_SHEET_MISSING] manca il foglio «{workbook.sheet_title(last)}»." in out
    assert not (tmp_path / "dati").exists()


def test_the_instructions_name_the_territorys_programme(template_file):
    """The instructions say the programme's name in the territory's words; Milan's stay the kit's."""
    cremasco = load_territory(Project(ROOT / "tests" / "territories" / "cremasco"))
    first = openpyxl.load_workbook(template_file)[workbook.INSTRUCTIONS]["A1"].value
    assert first == "Dati sugli esiti dei progetti di Budget di Salute"
    book = openpyxl.load_workbook(io.BytesIO(workbook.template(cremasco)))
    assert book[workbook.INSTRUCTIONS]["A1"].value == "Dati sugli esiti dei progetti di budget di cura"
    assert workbook.template(cremasco) == workbook.template(cremasco)  # still deterministic
