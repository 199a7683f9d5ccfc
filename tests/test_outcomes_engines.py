"""The fast row checks (outcomes/rowcheck.py) find what frictionless finds, at the same positions.

Every package below is validated twice, `engine="fast"` (what `bds outcomes validate` and `bds report`
use) and `engine="frictionless"` (frictionless itself, the contract), and the two lists of problems
(table, row, column, code and message) must be identical. Each case also states whether the fast
checker decides it alone or hands it back to frictionless (a renamed header, a semicolon file, a
table past frictionless' error limit), so that the comparison is never vacuous.
"""

from __future__ import annotations

import csv
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bds.cli import main
from bds.outcomes import package, rowcheck
from bds.outcomes.validate import _frictionless_problems, _read_table, _structural_problem, validate

ROOT = Path(__file__).resolve().parents[1]
UUID = "3f2b9c1e-8a4d-4c2b-9e1f-0a6b7c8d9e0f"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("engines") / "data"
    assert main(["--root", str(ROOT), "demo-data", "--out", str(out), "--people", "120", "--seed", "5"]) == 0
    return out


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _edit(table: str, change: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        rows = _rows(data / f"{table}.csv")
        change(rows)
        _write(data / f"{table}.csv", rows)

    return apply


def _cell(table: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell; `row` counts like a spreadsheet (the header is row 1)."""

    def change(rows: list[list[str]]) -> None:
        rows[row - 1][rows[0].index(column)] = value

    return _edit(table, change)


def _raw(table: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        path = data / f"{table}.csv"
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")

    return apply


def _column(table: str, column: str, value: Callable[[int, str], str]) -> Callable[[Path], None]:
    def change(rows: list[list[str]]) -> None:
        at = rows[0].index(column)
        for number, row in enumerate(rows[1:], start=2):
            row[at] = value(number, row[at])

    return _edit(table, change)


def _many(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        for change in changes:
            change(data)

    return apply


def _duplicate_row(table: str, row: int) -> Callable[[Path], None]:
    return _edit(table, lambda rows: rows.append(list(rows[row - 1])))


def _quote_all(table: str) -> Callable[[Path], None]:
    def apply(data: Path) -> None:
        rows = _rows(data / f"{table}.csv")
        with (data / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)

    return apply


def _templates(data: Path) -> None:
    for table in package.TABLES:
        shutil.copy(package.schema_dir() / "templates" / f"{table}.csv", data / f"{table}.csv")


def _drop_column(table: str, column: str) -> Callable[[Path], None]:
    def change(rows: list[list[str]]) -> None:
        at = rows[0].index(column)
        for row in rows:
            del row[at]

    return _edit(table, change)


# (name, change, who decides: FAST alone, TABLE = a table past the error limit goes to frictionless,
# PACKAGE = the whole package goes to frictionless)
FAST, TABLE, PACKAGE = "fast", "table", "package"
CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("valid", lambda data: None, FAST),
    ("templates-only-headers", _templates, FAST),
    (
        "cells",
        _many(
            _cell("projects", 2, "referral_date", "31-02-2026 circa"),
            _cell("projects", 3, "status", "chiuso?"),
            _cell("costs", 2, "amount", "987654.321987"),
            _cell("assessments", 2, "honos_1", "7"),
            _cell("beneficiaries", 2, "birth_year", "1900"),
            _cell("beneficiaries", 3, "birth_year", " 1970 "),
            _cell("beneficiaries", 4, "birth_year", "1970.0"),
            _cell("beneficiaries", 5, "birth_year", "19_70"),
            _cell("beneficiaries", 6, "zone", "Centro"),
            _cell("beneficiaries", 7, "zone", "centro\n"),
            _cell("beneficiaries", 8, "sex", ""),
            _cell("beneficiaries", 9, "health_service", "a,b"),
        ),
        FAST,
    ),
    (
        "types",
        _many(
            _cell("admissions", 2, "compulsory", "yes"),
            _cell("admissions", 3, "compulsory", "TRUE"),
            _cell("admissions", 4, "compulsory", " true"),
            _cell("admissions", 5, "start_date", "2024-1-5"),
            _cell("admissions", 6, "start_date", "2024-02-30"),
            _cell("admissions", 7, "start_date", "1999-12-31"),
            _cell("admissions", 8, "start_date", "+202-01-05"),
            _cell("admissions", 9, "end_date", "05/01/2024"),
            _cell("costs", 2, "amount", "NaN"),
            _cell("costs", 3, "amount", "1e3"),
            _cell("costs", 4, "amount", "-1"),
            _cell("costs", 5, "amount", "Infinity"),
            _cell("costs", 6, "amount", "12,5"),
            _cell("costs", 7, "amount", " 12.5 "),
            _cell("costs", 8, "quarter", "2026Q5"),
            _cell("assessments", 3, "honos_total", "49"),
            _cell("assessments", 4, "honos_total", "-0"),
            _cell("assessments", 5, "honos_2", "x"),
        ),
        FAST,
    ),
    (
        "required",
        _many(
            _cell("beneficiaries", 2, "beneficiary_id", ""),
            _cell("projects", 2, "project_id", ""),
            _cell("assessments", 2, "date", ""),
            _cell("costs", 3, "category", ""),
            _cell("admissions", 2, "end_date", ""),
        ),
        FAST,
    ),
    (
        "keys",
        _many(
            _duplicate_row("beneficiaries", 3),
            _duplicate_row("assessments", 2),
            _duplicate_row("costs", 4),
            _cell("projects", 3, "beneficiary_id", UUID),
            _cell("admissions", 2, "beneficiary_id", "not-a-uuid"),
            _cell("assessments", 3, "project_id", ""),
            _cell("costs", 2, "project_id", UUID.upper()),
        ),
        FAST,
    ),
    (
        "key-to-a-bad-id",
        _many(
            _column("beneficiaries", "beneficiary_id", lambda n, v: v.upper() if n == 2 else v),
            _column("admissions", "beneficiary_id", lambda n, v: v.upper()),
        ),
        FAST,
    ),
    (
        "shape",
        _many(
            _raw("beneficiaries", lambda text: text + "\n,,,,,,\n,,,,,,,x\n"),
            _raw("costs", lambda text: text.replace("\n", "\n\n", 3)),
            _edit("projects", lambda rows: rows[2].append("extra")),
            _edit("projects", lambda rows: rows[3].extend(["a", "b"])),
            _edit("admissions", lambda rows: rows.__setitem__(2, rows[2][:3])),
            _edit("assessments", lambda rows: rows.__setitem__(3, rows[3][:1])),
            _edit("assessments", lambda rows: rows.insert(4, [""] * 3 + ["x"])),
        ),
        FAST,
    ),
    (
        "late-rows-short",  # past the 100 rows frictionless samples: the header stays row 1
        _edit("costs", lambda rows: rows.__setitem__(slice(120, 200), [r[:2] for r in rows[120:200]])),
        FAST,
    ),
    (
        "every-row-short",  # frictionless takes row 2 (as wide as the sample's mean) for the header
        _edit("admissions", lambda rows: rows.__setitem__(slice(1, None), [r[:2] for r in rows[1:]])),
        PACKAGE,
    ),
    ("every-row-long", _edit("beneficiaries", lambda rows: [r.append("") for r in rows[1:]]), FAST),
    ("only-blank-rows", _raw("costs", lambda text: text.split("\n", 1)[0] + "\n\n,,\n,,,,,,\n"), PACKAGE),
    (
        "crlf-and-quotes",
        _many(
            _raw("beneficiaries", lambda text: text.replace("\n", "\r\n")),
            _quote_all("costs"),
            _quote_all("assessments"),
            _cell("projects", 2, "closure_reason", 'say "no", then'),
        ),
        FAST,
    ),
    ("byte-order-mark", _raw("projects", lambda text: "\ufeff" + text), FAST),
    (
        "older-package-without-optional-columns",
        _many(
            _drop_column("projects", "first_contact_date"),
            _drop_column("projects", "first_specialist_date"),
        ),
        FAST,
    ),
    ("many-errors", _column("costs", "amount", lambda n, v: "x"), TABLE),
    ("renamed-header", _raw("beneficiaries", lambda text: text.replace("birth_year", "born", 1)), PACKAGE),
    ("missing-column", _drop_column("costs", "axis"), PACKAGE),
    ("extra-column", _edit("admissions", lambda rows: [row.append("1") for row in rows]), PACKAGE),
    (
        "swapped-columns",
        _edit("admissions", lambda rows: [row.insert(0, row.pop(1)) for row in rows]),
        PACKAGE,
    ),
    ("empty-file", _raw("admissions", lambda text: ""), PACKAGE),
    ("semicolons", _raw("costs", lambda text: text.replace(",", ";")), PACKAGE),
]


# Packages frictionless accepts. A semicolon file is one: frictionless sniffs the delimiter, while the
# kit's loader reads commas only (so its columns come out empty); the fast checker hands it to
# frictionless and the contract decides, as it did before.
VALID = {
    "valid",
    "templates-only-headers",
    "byte-order-mark",
    "older-package-without-optional-columns",
    "semicolons",
}


def _problems(data: Path, engine: str) -> list[dict]:
    return [p.as_dict() for p in validate(data, None, check_repository=False, engine=engine).problems]


@pytest.mark.parametrize(("name", "change", "decides"), CASES, ids=[case[0] for case in CASES])
def test_fast_checks_find_what_frictionless_finds(demo, tmp_path, name, change, decides):
    data = tmp_path / name
    shutil.copytree(demo, data)
    change(data)
    reads = {t: _read_table(t, data / f"{t}.csv") for t in package.TABLES}
    assert not [p for r in reads.values() for p in r.problems]  # the row checks are reached
    texts = {t: r.text or "" for t, r in reads.items()}
    fast = rowcheck.check(texts, {t: r.header for t, r in reads.items()})
    decided = PACKAGE if fast is None else TABLE if None in fast.values() else FAST
    assert decided == decides
    fast_problems, frictionless_problems = _problems(data, "fast"), _problems(data, "frictionless")
    assert fast_problems == frictionless_problems
    if name not in VALID:
        assert frictionless_problems  # every broken package is found broken
    assert all(p["message"] for p in fast_problems)


@pytest.mark.parametrize(("name", "change", "decides"), CASES, ids=[case[0] for case in CASES])
def test_frictionless_reading_the_validated_bytes_finds_what_it_finds_in_the_files(
    demo, tmp_path, name, change, decides
):
    """The fallback hands frictionless the bytes validation read (no file opened again): the same
    findings as frictionless opening the files itself, as it did before."""
    import frictionless

    data = tmp_path / name
    shutil.copytree(demo, data)
    change(data)
    reads = {t: _read_table(t, data / f"{t}.csv") for t in package.TABLES}
    headers = {t: r.header for t, r in reads.items()}
    from_bytes = _frictionless_problems({t: r.source() for t, r in reads.items()}, headers)
    from_files = frictionless.Package(package.frictionless_descriptor(headers), basepath=str(data)).validate()
    assert from_bytes == [_structural_problem(task.name, e) for task in from_files.tasks for e in task.errors]
    assert all(r.source() == (data / f"{t}.csv").read_bytes() for t, r in reads.items())


def test_a_table_past_the_error_limit_goes_to_frictionless(demo, tmp_path):
    data = tmp_path / "limit"
    shutil.copytree(demo, data)
    _column("costs", "amount", lambda n, v: "x")(data)
    reads = {t: _read_table(t, data / f"{t}.csv") for t in package.TABLES}
    fast = rowcheck.check(
        {t: r.text or "" for t, r in reads.items()}, {t: r.header for t, r in reads.items()}
    )
    assert fast is not None
    if sum(1 for _ in (data / "costs.csv").open()) > rowcheck.LIMIT_ERRORS:
        assert fast["costs"] is None
    assert fast["beneficiaries"] == []


def test_no_value_leaves_the_checker(demo, tmp_path):
    data = tmp_path / "canary"
    shutil.copytree(demo, data)
    _cell("beneficiaries", 2, "zone", "ZZcanaryZZ")(data)
    _cell("costs", 2, "amount", "424242")(data)
    reads = {t: _read_table(t, data / f"{t}.csv") for t in package.TABLES}
    fast = rowcheck.check(
        {t: r.text or "" for t, r in reads.items()}, {t: r.header for t, r in reads.items()}
    )
    assert fast is not None
    text = repr(fast) + repr(_problems(data, "fast"))
    assert "ZZcanaryZZ" not in text and "424242" not in text
    assert fast["beneficiaries"] and fast["costs"]


def test_an_unknown_engine_is_refused(demo):
    with pytest.raises(ValueError):
        validate(demo, None, check_repository=False, engine="pandas")


def _another_reading(*args) -> tuple[str, dict]:
    return "another reading", {}


def test_a_file_changed_between_the_two_readings_is_checked_as_first_read(demo, tmp_path, monkeypatch):
    from bds.outcomes import validate as validate_module

    data = tmp_path / "changed"
    shutil.copytree(demo, data)
    _cell("costs", 2, "amount", "x")(data)
    expected = _problems(data, "frictionless")
    monkeypatch.setattr(validate_module, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(validate_module, "_rowcheck_files", _another_reading)
    assert _problems(data, "fast") == expected


TRICKY = ["", " ", "x", "0", "9", "-1", "+3", " 4", "1e2", "NaN", "inf", "-0", "1_0", "true", "yes"]
TRICKY += ["2024-01-05", "2024-1-5", "2024-13-01", "2023-02-29", "2100-01-01", "T0", "closure", "spdc"]
TRICKY += ["Milano", "abc\n", 'a"b', "a,b", "2026Q5", "100000.01", "1920", "2013", "\u0663"]


def _shuffle(data: Path, rng: random.Random) -> None:
    """Up to 25 random edits: a tricky or borrowed value in a cell; a repeated, cut, long or blank row."""
    for _ in range(rng.randint(1, 25)):
        path = data / f"{rng.choice(package.TABLES)}.csv"
        rows = _rows(path)
        at, width, action = rng.randrange(1, len(rows)), len(rows[0]), rng.random()
        if action < 0.7:
            column = rng.randrange(width)
            rows[at] += [""] * (column + 1 - len(rows[at]))
            other = rows[rng.randrange(1, len(rows))]
            rows[at][column] = rng.choice(TRICKY + ([other[column]] if column < len(other) else []))
        elif action < 0.8:
            rows.append(list(rows[at]))
        elif action < 0.87:
            rows[at] = rows[at][: rng.randrange(max(1, len(rows[at])))]
        elif action < 0.93:
            rows[at] += ["z"] * rng.randint(1, 2)
        else:
            rows.insert(at, [""] * rng.randint(0, width + 1))
        _write(path, rows)


def test_randomly_broken_packages_get_the_same_findings(demo, tmp_path):
    rng, fast_alone = random.Random(17), 0
    for trial in range(12):
        data = tmp_path / f"random-{trial}"
        shutil.copytree(demo, data)
        _shuffle(data, rng)
        reads = {t: _read_table(t, data / f"{t}.csv") for t in package.TABLES}
        if any(r.problems for r in reads.values()):
            continue
        fast = rowcheck.check(
            {t: r.text or "" for t, r in reads.items()}, {t: r.header for t, r in reads.items()}
        )
        fast_alone += fast is not None and None not in fast.values()
        assert _problems(data, "fast") == _problems(data, "frictionless"), trial
    assert fast_alone >= 6  # most are decided by the fast checks alone, so the comparison means something
