"""Issue 10, private outcome data and the ledger: hostile CSVs, a repository guard that fails closed,
the territory through the validated loader, a validated ledger and unwritable outputs."""

from __future__ import annotations

import csv
import json
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from bds.content import Project
from bds.errors import BdsError
from bds.outcomes import build_report, codes, fsutil, ledger
from bds.outcomes import validate as validate_module
from bds.outcomes.validate import validate
from conftest import REPO, run_cli

TABLES = ("beneficiaries", "projects", "assessments", "admissions", "costs")
CANARY = "zqxcanaryvalue"  # a cell's content, never to be echoed


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "data"
    run = run_cli(["--root", REPO, "demo-data", "--out", out, "--people", "120", "--seed", "5"])
    assert run.code == 0, run.err
    return out


@pytest.fixture
def data(demo, tmp_path) -> Path:
    copy = tmp_path / "dati"
    shutil.copytree(demo, copy)
    return copy


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set_cell(data: Path, table: str, row: int, column: str, value: str) -> None:
    """Replace one cell (row as a spreadsheet shows it: 1 = header) and put the canary beside it."""
    rows = _rows(data / f"{table}.csv")
    position = rows[0].index(column)
    rows[row - 1][position] = value
    rows[row - 1][position - 1 if position else position + 1] = CANARY
    _write(data / f"{table}.csv", rows)


def _found(data: Path) -> set[tuple]:
    return {(p.table, p.row, p.column, p.code) for p in validate(data, None).problems}


def _validate_cli(data: Path):
    run = run_cli(["--root", REPO, "outcomes", "validate", data])
    assert "Traceback" not in run.err and "errore interno" not in run.err
    return run


# -- 1. hostile CSVs: located, bounded, never quoting a cell -------------------------------------------
def test_a_stray_non_utf8_byte_is_located_and_never_guessed(data):
    _set_cell(data, "projects", 4, "status", "closed")
    raw = (data / "projects.csv").read_bytes()
    lines = raw.split(b"\n")
    lines[3] = lines[3].replace(b"closed", b"clos\xe8d")  # Latin-1 "è"
    (data / "projects.csv").write_bytes(b"\n".join(lines))
    assert ("projects.csv", 4, "status", "TABLE_NOT_UTF8") in _found(data)
    run = _validate_cli(data)
    assert run.code == 1 and "projects.csv:4:status: errore [TABLE_NOT_UTF8]" in run.out
    assert CANARY not in run.out + run.err


def test_a_cell_past_the_csv_field_limit_is_located(data):
    _set_cell(data, "costs", 3, "category", "x" * 200_000)  # csv.field_size_limit() is 131072
    assert ("costs.csv", 3, "category", "CELL_TOO_LONG") in _found(data)
    run = _validate_cli(data)
    assert run.code == 1 and "costs.csv:3:category: errore [CELL_TOO_LONG]" in run.out
    assert CANARY not in run.out + run.err and "xxxx" not in run.out + run.err


def test_a_long_cell_below_the_csv_limit_is_refused_too(data):
    _set_cell(data, "beneficiaries", 2, "zone", "a" * (validate_module.MAX_CELL_CHARS + 1))
    assert ("beneficiaries.csv", 2, "zone", "CELL_TOO_LONG") in _found(data)


def test_a_pasted_300000_letter_cell_is_handled_in_well_under_a_few_seconds(data):
    _set_cell(data, "beneficiaries", 3, "zone", "a" * 300_000)
    started = time.perf_counter()
    found = _found(data)
    assert time.perf_counter() - started < 3
    assert ("beneficiaries.csv", 3, "zone", "CELL_TOO_LONG") in found


def test_a_letter_run_just_under_the_csv_limit_is_quick_too(data):
    _set_cell(data, "beneficiaries", 3, "zone", "a" * 130_000)  # took about 15 s with the old e-mail pattern
    started = time.perf_counter()
    found = _found(data)
    assert time.perf_counter() - started < 3
    assert ("beneficiaries.csv", 3, "zone", "CELL_TOO_LONG") in found


@pytest.mark.parametrize(
    "text",
    [
        "a" * 300_000,  # the reported case: quadratic in the e-mail pattern
        "1" * 300_000,
        "a." * 150_000,
        "a@" * 150_000,
        "x@" + "a." * 150_000,
        "+" * 300_000,
        "," * 300_000,
        "\n" * 300_000,
        "a@b.it," * 40_000,  # many matches on one line: located without rescanning the line
    ],
    ids=["letters", "digits", "dots", "ats", "dotted-domain", "plus", "commas", "newlines", "matches"],
)
def test_the_identifier_scan_is_linear(text):
    started = time.perf_counter()
    validate_module._identifier_values("beneficiaries", "zone,health_service\n" + text, ["zone"])
    assert time.perf_counter() - started < 1


def test_identifier_values_are_still_located_by_row_and_column(data):
    rows = _rows(data / "beneficiaries.csv")
    header = rows[0]
    rows[3][header.index("zone")] = "persona@example.org"
    rows[3][header.index("health_service")] = "persona@example.org"
    rows[5][header.index("health_service")] = "+39 333 1234567"
    _write(data / "beneficiaries.csv", rows)
    found = _found(data)
    assert ("beneficiaries.csv", 4, "zone", "IDENTIFIER_VALUE") in found
    assert ("beneficiaries.csv", 4, "health_service", "IDENTIFIER_VALUE") in found
    assert ("beneficiaries.csv", 6, "health_service", "IDENTIFIER_VALUE") in found


def test_nul_bytes_are_located(data):
    _set_cell(data, "admissions", 2, "setting", "sp\x00dc")
    assert ("admissions.csv", 2, "setting", "CELL_NUL") in _found(data)
    run = _validate_cli(data)
    assert run.code == 1 and CANARY not in run.out + run.err


def test_a_utf16_file_is_refused_not_read_as_nul_letters(data):
    text = (data / "costs.csv").read_text(encoding="utf-8")
    (data / "costs.csv").write_bytes(text.encode("utf-16-le"))
    codes_found = {p.code for p in validate(data, None).problems}
    assert codes_found & {"CELL_NUL", "TABLE_NOT_UTF8"}


def test_a_byte_order_mark_is_still_accepted(data):
    path = data / "projects.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate(data, None).ok


def test_huge_files_are_refused_before_they_are_read(data, monkeypatch):
    monkeypatch.setattr(validate_module, "MAX_TABLE_BYTES", 4096)
    found = _found(data)
    assert ("costs.csv", 0, "", "TABLE_TOO_LARGE") in found
    message = next(p.message for p in validate(data, None).problems if p.code == "TABLE_TOO_LARGE")
    assert "MB" in message


def test_too_many_rows_are_refused(data, monkeypatch):
    monkeypatch.setattr(validate_module, "MAX_TABLE_ROWS", 50)
    problems = [p for p in validate(data, None).problems if p.code == "TABLE_TOO_LARGE"]
    assert {p.table for p in problems} >= {"costs.csv", "beneficiaries.csv"}
    assert "50 righe" in problems[0].message


def test_a_row_with_thousands_of_cells_is_refused_quickly(data):
    rows = _rows(data / "projects.csv")
    rows[0] += [""] * 5_000  # frictionless took minutes over the extra labels
    rows[4] += ["1"] * 5_000
    _write(data / "projects.csv", rows)
    started = time.perf_counter()
    found = _found(data)
    assert time.perf_counter() - started < 5
    assert ("projects.csv", 1, "", "TABLE_TOO_LARGE") in found


def test_the_same_problem_is_reported_a_bounded_number_of_times(data):
    rows = _rows(data / "costs.csv")
    for row in rows[1:]:
        row[-1] = "\x00"
    _write(data / "costs.csv", rows)
    problems = [p for p in validate(data, None).problems if p.code == "CELL_NUL"]
    assert len(problems) == validate_module.MAX_SAME_PROBLEM < len(rows) - 1


def test_special_files_are_refused_without_being_opened(data):
    (data / "costs.csv").unlink()
    os.mkfifo(data / "costs.csv")  # opening a FIFO for reading would wait for ever
    (data / "admissions.csv").unlink()
    (data / "admissions.csv").mkdir()
    found = _found(data)
    assert ("costs.csv", 0, "", "TABLE_NOT_REGULAR") in found
    assert ("admissions.csv", 0, "", "TABLE_NOT_REGULAR") in found


# -- 2. the repository guard fails closed -----------------------------------------------------------
def _repo(tmp_path: Path, demo: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text("/private/\n", encoding="utf-8")
    shutil.copytree(demo, repo / "private" / "dati")
    shutil.copytree(demo, repo / "altro")
    return repo


def _refused(data: Path, code: str, tmp_path: Path, exit_code: int = 2) -> None:
    """`bds outcomes validate` and `bds report` both refuse, in Italian, and write nothing."""
    run = _validate_cli(data)
    assert run.code == exit_code and f"[{code}]" in run.err + run.out, run.err
    out = tmp_path / "rapporto" / "2026Q1"
    run = run_cli(["--root", REPO, "report", "--data", data, "--quarter", "2026Q1", "--out", out])
    assert run.code == exit_code and f"[{code}]" in run.err + run.out, run.err
    assert "errore interno" not in run.err
    assert not out.parent.exists()


def test_the_guard_still_accepts_ignored_and_outside_folders(demo, tmp_path):
    repo = _repo(tmp_path, demo)
    assert _validate_cli(repo / "private" / "dati").code == 0
    assert _validate_cli(demo).code == 0


def test_without_git_a_folder_inside_a_repository_is_refused(demo, tmp_path, monkeypatch):
    repo = _repo(tmp_path, demo)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    _refused(repo / "private" / "dati", "GIT_MISSING", tmp_path)
    # outside any repository git is not needed at all
    assert _validate_cli(demo).code == 0


def test_a_repository_owned_by_another_user_is_refused(demo, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("changing a folder's owner needs root")
    repo = _repo(tmp_path, demo)
    nobody = pwd.getpwnam("nobody")
    for folder, dirs, files in os.walk(repo):
        for name in [*dirs, *files]:
            os.lchown(Path(folder) / name, nobody.pw_uid, nobody.pw_gid)
    os.chown(repo, nobody.pw_uid, nobody.pw_gid)
    _refused(repo / "private" / "dati", "GIT_REFUSED", tmp_path)


def test_any_git_refusal_is_a_refusal(demo, tmp_path, monkeypatch):
    repo = _repo(tmp_path, demo)

    def refusing(folder, *args):
        stderr = "fatal: detected dubious ownership in repository"
        return subprocess.CompletedProcess(["git"], 128, "", stderr)

    monkeypatch.setattr(fsutil, "_git", refusing)
    _refused(repo / "private" / "dati", "GIT_REFUSED", tmp_path)
    monkeypatch.setattr(fsutil, "_git", lambda folder, *a: subprocess.CompletedProcess(["git"], 128, "", "x"))
    _refused(repo / "private" / "dati", "GIT_FAILED", tmp_path)


@pytest.mark.parametrize("variable", ["GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_CONFIG"])
def test_git_variables_pointing_elsewhere_do_not_hide_the_repository(demo, tmp_path, monkeypatch, variable):
    repo = _repo(tmp_path, demo)
    elsewhere = tmp_path / "altrove.git"
    subprocess.run(["git", "init", "-q", "--bare", str(elsewhere)], check=True)
    if variable == "GIT_DIR":
        monkeypatch.setenv("GIT_DIR", str(elsewhere))
    elif variable == "GIT_WORK_TREE":
        monkeypatch.setenv("GIT_DIR", str(elsewhere))
        monkeypatch.setenv("GIT_WORK_TREE", str(elsewhere))
    elif variable == "GIT_CEILING_DIRECTORIES":
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo))
    else:  # an exclude file given through the environment ignores the folder for this process only
        excludes = tmp_path / "excludes"
        excludes.write_text("altro/\n", encoding="utf-8")
        monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
        monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.excludesFile")
        monkeypatch.setenv("GIT_CONFIG_VALUE_0", str(excludes))
    _refused(repo / "altro", "DIR_IN_REPOSITORY", tmp_path)


def test_csvs_that_are_links_to_committed_files_are_refused(demo, tmp_path):
    repo = _repo(tmp_path, demo)
    subprocess.run(["git", "-C", str(repo), "add", "altro"], check=True)
    linked = tmp_path / "fuori"
    linked.mkdir()
    for table in TABLES:
        (linked / f"{table}.csv").symlink_to(repo / "altro" / f"{table}.csv")
    found = _found(linked)
    assert {("projects.csv", 0, "", "TABLE_NOT_REGULAR")} <= found
    _refused(linked, "TABLE_NOT_REGULAR", tmp_path, exit_code=1)


def test_csvs_that_are_hard_links_to_committed_files_are_refused(demo, tmp_path):
    repo = _repo(tmp_path, demo)
    subprocess.run(["git", "-C", str(repo), "add", "altro"], check=True)
    linked = tmp_path / "fuori"
    shutil.copytree(demo, linked)
    (linked / "costs.csv").unlink()
    os.link(repo / "altro" / "costs.csv", linked / "costs.csv")
    assert ("costs.csv", 0, "", "TABLE_NOT_REGULAR") in _found(linked)


def test_a_data_folder_that_is_a_link_into_the_repository_is_refused(demo, tmp_path):
    repo = _repo(tmp_path, demo)
    link = tmp_path / "scorciatoia"
    link.symlink_to(repo / "altro", target_is_directory=True)
    _refused(link, "DIR_IN_REPOSITORY", tmp_path)


# -- 3. the territory through the validated loader ----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("programme: [\n", "YAML_SYNTAX"),
        ("- zones\n- health_services\n", "YAML_NOT_MAPPING"),
        ("programme: !!python/object/apply:os.system [echo]\n", "YAML_TAG"),
        ("zones: 3\n", "FIELD_TYPE"),
    ],
    ids=["broken", "list-shaped", "tagged", "wrong-type"],
)
def test_a_bad_territory_gets_the_located_error_of_bds_validate(demo, tmp_path, text, code):
    root = tmp_path / "territorio"
    shutil.copytree(REPO / "content", root / "content")
    (root / "content" / "territory.yml").write_text(text, encoding="utf-8")
    run = run_cli(["--root", root, "outcomes", "validate", demo])
    assert run.code == 1 and "errore interno" not in run.err
    assert "content/territory.yml:" in run.err and f"[{code}]" in run.err
    out = tmp_path / "demo"
    run = run_cli(["--root", root, "demo-data", "--out", out, "--people", "10"])
    assert run.code == 1 and f"[{code}]" in run.err and not out.exists()
    out = tmp_path / "rapporto"
    run = run_cli(["--root", root, "report", "--data", demo, "--quarter", "2026Q1", "--out", out])
    assert run.code == 1 and f"[{code}]" in run.err and not out.exists()


def test_no_command_reads_the_territory_file_outside_the_loader():
    offenders = []
    for path in (REPO / "scripts" / "bds").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "territory_file.read" in text or "territory_file.open" in text:
            offenders.append(path.relative_to(REPO).as_posix())
    assert offenders == []


# -- 4. the ledger is validated before use ----------------------------------------------------------
@pytest.fixture(scope="module")
def released(demo, tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("released")
    build_report(demo, "2025Q4", base / "2025Q4", Project(REPO), pdf=False)
    book = json.loads((base / "ledger.json").read_text(encoding="utf-8"))
    return base / "ledger.json", book


def _first_cell(book: dict) -> dict:
    return next(c for c in book["releases"]["2025Q4"]["cells"].values() if "lo" in c)


def _mutations():
    def release_is_list(book):
        book["releases"]["2025Q4"] = []

    def release_without_cells(book):
        del book["releases"]["2025Q4"]["cells"]

    def bound_as_string(book):
        _first_cell(book)["lo"] = "3"

    def bounds_crossed(book):
        cell = _first_cell(book)
        cell["lo"], cell["hi"] = 50, 2

    def cells_is_list(book):
        book["releases"]["2025Q4"]["cells"] = [1, 2]

    def quarter_label(book):
        book["releases"]["2025Q7"] = book["releases"].pop("2025Q4")

    def threshold_as_string(book):
        book["releases"]["2025Q4"]["k"] = "10"

    def relation_short(book):
        book["releases"]["2025Q4"]["relations"].append([{"x": 1}, 0])

    def unknown_status(book):
        _first_cell(book)["status"] = "visto"

    return {
        f.__name__: f
        for f in (
            release_is_list,
            release_without_cells,
            bound_as_string,
            bounds_crossed,
            cells_is_list,
            quarter_label,
            threshold_as_string,
            relation_short,
            unknown_status,
        )
    }


def _release_with_ledger(demo: Path, tmp_path: Path, write) -> tuple[Path, Path, bytes | None]:
    ledger_path = tmp_path / "reports" / "ledger.json"
    ledger_path.parent.mkdir()
    write(ledger_path)
    before = ledger_path.read_bytes() if ledger_path.is_file() else None
    out = tmp_path / "reports" / "2026Q1"
    with pytest.raises(BdsError) as caught:
        build_report(demo, "2026Q1", out, Project(REPO), pdf=False)
    assert not out.exists()
    if before is not None:
        assert ledger_path.read_bytes() == before
    return ledger_path, out, caught.value


@pytest.mark.parametrize("mutation", sorted(_mutations()))
def test_a_malformed_ledger_stops_the_release_before_anything_is_written(demo, released, tmp_path, mutation):
    book = json.loads(json.dumps(released[1]))
    _mutations()[mutation](book)
    _, _, error = _release_with_ledger(
        demo, tmp_path, lambda p: p.write_text(json.dumps(book), encoding="utf-8")
    )
    assert "[LEDGER_INVALID]" in str(error) and error.exit_code == 1


@pytest.mark.parametrize(
    "raw",
    ["", "{", '{"format": 1, "releases": {}, "releases": {}}', "[" * 100_000, "\xff"],
    ids=["empty", "truncated", "duplicate-names", "deep", "not-utf8"],
)
def test_an_unreadable_ledger_stops_the_release(demo, tmp_path, raw):
    data = raw.encode("latin-1") if raw == "\xff" else raw.encode("utf-8")
    _, _, error = _release_with_ledger(demo, tmp_path, lambda p: p.write_bytes(data))
    assert "[LEDGER_UNREADABLE]" in str(error)


def test_nan_bounds_are_refused(released, tmp_path):
    text = released[0].read_text(encoding="utf-8")
    path = tmp_path / "ledger.json"
    path.write_text(text.replace('"lo": 0', '"lo": NaN', 1), encoding="utf-8")
    assert "NaN" in path.read_text(encoding="utf-8")
    with pytest.raises(BdsError, match="LEDGER_UNREADABLE"):
        ledger.load(path)


def test_a_folder_where_the_ledger_goes_is_refused(demo, tmp_path):
    out = tmp_path / "reports" / "2026Q1"
    (tmp_path / "reports" / "ledger.json").mkdir(parents=True)
    run = run_cli(["--root", REPO, "report", "--data", demo, "--quarter", "2026Q1", "--out", out])
    assert run.code != 0 and "errore interno" not in run.err
    assert "ledger.json" in run.err and not out.exists()
    with pytest.raises(BdsError, match="LEDGER_UNREADABLE"):
        ledger.load(tmp_path / "reports" / "ledger.json")


def test_a_valid_ledger_is_accepted(released):
    assert ledger.load(released[0]) == released[1]


# -- 5. outputs that cannot be written ----------------------------------------------------------------
def _report(demo: Path, out: Path, *extra):
    run = run_cli(["--root", REPO, "report", "--data", demo, "--quarter", "2026Q1", "--out", out, *extra])
    assert "errore interno" not in run.err and "Traceback" not in run.err
    return run


def test_an_out_folder_under_a_regular_file_gets_a_message(demo, tmp_path):
    blocker = tmp_path / "un-file"
    blocker.write_text("x", encoding="utf-8")
    run = _report(demo, blocker / "sotto" / "2026Q1")
    assert run.code == 2 and "[OUTPUT_NOT_WRITABLE]" in run.err
    run = _report(demo, blocker)
    assert run.code == 2 and "[OUTPUT_NOT_WRITABLE]" in run.err
    run = _report(demo, tmp_path / "r" / "2026Q1", "--ledger", blocker / "ledger.json")
    assert run.code == 2 and "[OUTPUT_NOT_WRITABLE]" in run.err and not (tmp_path / "r").exists()
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_read_only_out_folder_gets_a_message(demo, tmp_path, monkeypatch):
    target = tmp_path / "sola-lettura"
    target.mkdir()
    real = os.access
    monkeypatch.setattr(fsutil.os, "access", lambda p, mode: False if Path(p) == target else real(p, mode))
    run = _report(demo, target / "2026Q1")
    assert run.code == 2 and "[OUTPUT_NOT_WRITABLE]" in run.err and "sola lettura" in run.err
    assert list(target.iterdir()) == []


def test_a_write_failure_midway_gets_a_message(demo, tmp_path, monkeypatch):
    from bds.commands import report_cmd

    def failing(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(tmp_path / "r"))

    monkeypatch.setattr(report_cmd, "build_report", failing)
    run = _report(demo, tmp_path / "r")
    assert run.code == 1 and "[OUTPUT_NOT_WRITABLE]" in run.err and "sola lettura" in run.err


def test_every_new_code_is_in_the_registry():
    for code in (
        "TABLE_NOT_REGULAR",
        "TABLE_TOO_LARGE",
        "TABLE_NOT_UTF8",
        "CELL_NUL",
        "CELL_TOO_LONG",
        "GIT_MISSING",
        "GIT_REFUSED",
        "GIT_FAILED",
        "LEDGER_UNREADABLE",
        "LEDGER_INVALID",
        "OUTPUT_NOT_WRITABLE",
    ):
        entry = codes.REGISTRY[code]
        assert entry.title and entry.hint and "{" not in entry.hint
