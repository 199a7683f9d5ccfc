"""The `bds` command: output formats, exit codes, help texts, the code catalogue, the shipped content."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bds import cli, findings
from conftest import FIXTURES, REPO, TODAY, place, run_cli

TEXT_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (errore|avviso) \[(?P<code>[A-Z0-9_]+)\] "
    r"(?:(?P<field>[\w.\[\]]+): )?\S.*$"
)
GITHUB_LINE = re.compile(
    r"^::(error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<code>[A-Z0-9_]+) [^:]*::\S.*$"
)
JSON_KEYS = {"file", "line", "column", "field", "code", "severity", "message"}

SEVERAL = FIXTURES / "opportunity" / "invalid" / "listing_expired.yml"  # two warnings
ERRORS = FIXTURES / "opportunity" / "invalid" / "dates_start_after_end.yml"
VALID = FIXTURES / "opportunity" / "valid" / "minimal.yml"


def _validate(root, *args):
    return run_cli(["--root", root, "validate", *args, "--today", TODAY])


def test_libyaml_is_used():
    assert yaml.__with_libyaml__ is True


def test_text_format_shape(project_copy):
    target = place(ERRORS, project_copy)
    run = _validate(project_copy, target, "--format", "text")
    assert run.code == 1
    lines = run.out.strip().splitlines()
    assert lines
    for line in lines:
        match = TEXT_LINE.match(line)
        assert match, line
        assert match["code"] in findings.REGISTRY
    assert TEXT_LINE.match(lines[0])["field"] == "dates.end"
    assert "errore" in run.err  # the summary goes to stderr, the findings to stdout


def test_text_format_says_avviso_for_warnings(project_copy):
    target = place(SEVERAL, project_copy)
    run = _validate(project_copy, target)
    assert run.code == 0
    assert [TEXT_LINE.match(line).group(4) for line in run.out.strip().splitlines()] == ["avviso", "avviso"]


def test_github_format_shape(project_copy):
    target = place(ERRORS, project_copy)
    run = _validate(project_copy, target, "--format", "github")
    lines = run.out.strip().splitlines()
    assert lines and all(GITHUB_LINE.match(line) for line in lines), lines
    warn = _validate(project_copy, place(SEVERAL, project_copy), "--format", "github")
    assert all(line.startswith("::warning ") for line in warn.out.strip().splitlines())


def test_json_format_shape(project_copy):
    target = place(ERRORS, project_copy)
    run = _validate(project_copy, target, "--format", "json")
    data = json.loads(run.out)
    assert isinstance(data, list) and data
    for item in data:
        assert JSON_KEYS <= set(item)
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
        assert item["severity"] in (findings.ERROR, findings.WARNING)
    assert (data[0]["file"], data[0]["line"], data[0]["code"]) == (
        "opportunities/dates-start-after-end.yml",
        19,
        "DATE_ORDER",
    )


def test_json_format_empty_list_when_clean(project_copy):
    run = _validate(project_copy, place(VALID, project_copy), "--format", "json")
    assert (run.code, json.loads(run.out)) == (0, [])


def test_quiet_hides_warnings(project_copy):
    run = _validate(project_copy, place(SEVERAL, project_copy), "--quiet", "--format", "json")
    assert json.loads(run.out) == []


def test_single_path_reports_only_that_file(project_copy):
    place(ERRORS, project_copy)
    good = place(VALID, project_copy)
    assert _validate(project_copy, good).code == 0
    assert _validate(project_copy).code == 1  # the whole project still has the broken file


def test_cross_record_context_applies_to_a_single_path(project_copy):
    target = place(FIXTURES / "opportunity" / "invalid" / "partner_unknown.yml", project_copy)
    run = _validate(project_copy, target, "--format", "json")
    assert [f["code"] for f in run.json()] == ["PARTNER_UNKNOWN"]


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--format", "xml"],
        ["validate", "--today", "2026-02-30"],
        ["validate", "--today", "20260601"],
        ["validate", "--today", "2026-W22"],
        ["validate", "non-esiste.yml"],
        ["validate", "--opzione-inventata"],
        ["comando-inventato"],
        [],
    ],
)
def test_usage_errors_exit_2(project_copy, argv):
    run = run_cli(["--root", project_copy, *argv])
    assert run.code == 2, (run.out, run.err)
    assert "Traceback" not in run.err


def test_missing_project_exits_2(tmp_path):
    run = run_cli(["--root", tmp_path, "validate"])
    assert run.code == 2
    assert "territory.yml" in run.err


def test_exit_0_with_warnings_only(project_copy):
    assert _validate(project_copy, place(SEVERAL, project_copy)).code == 0


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, sub, helps.get(name)
                yield from ((f"{name} {n}", s, h) for n, s, h in _subparsers(sub))


COMMANDS = list(_subparsers(cli.build_parser()))


def test_there_are_commands():
    assert {"validate", "codes", "new", "fmt"} <= {name for name, _, _ in COMMANDS}


@pytest.mark.parametrize(("name", "parser", "help_text"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_has_help_description_and_example(name, parser, help_text):
    assert help_text and help_text.strip(), f"{name}: missing help="
    assert parser.description and parser.description.strip(), f"{name}: missing description="
    # "Esempio:" or, with several examples, "Esempi:".
    assert parser.epilog and re.match(r"Esempio?\b", parser.epilog), (
        f"{name}: epilog must start with «Esempio»"
    )
    run = run_cli([*name.split(), "--help"])
    assert run.code == 0 and parser.epilog.splitlines()[0] in run.out
    assert run.out.startswith(f"uso: bds {name}"), run.out.splitlines()[0]


def test_catalogue_lists_every_code():
    catalogue = findings.catalogue_markdown()
    for code in findings.REGISTRY:
        assert f"`{code}`" in catalogue, code
    run = run_cli(["codes"])
    assert run.code == 0 and all(f"`{code}`" in run.out for code in findings.REGISTRY)


def test_registry_templates_render_without_missing_parameters():
    for code in findings.REGISTRY:
        assert findings.make(code, "f.yml", 1, 1).code == code


def test_shipped_content_is_valid():
    run = run_cli(["--root", REPO, "validate", "--format", "json"])
    errors = [f for f in json.loads(run.out) if f["severity"] == findings.ERROR] if run.out.strip() else []
    assert run.code == 0, errors[:10] or run.err


def test_second_territory_is_valid(tmp_path):
    franciacorta = REPO / "tests" / "territories" / "franciacorta"
    if not (franciacorta / "content" / "territory.yml").is_file():
        pytest.skip("tests/territories/franciacorta is not there yet (written by another helper)")
    copy = tmp_path / "franciacorta"
    shutil.copytree(franciacorta, copy)
    run = run_cli(["--root", copy, "validate", "--format", "json"])
    assert run.code == 0, run.out[:2000]


def test_a_folder_stands_for_the_records_in_it(project_copy):
    place(ERRORS, project_copy)
    run = _validate(project_copy, project_copy / "opportunities", "--format", "json")
    assert run.code == 1
    assert {f["file"] for f in run.json()} == {"opportunities/dates-start-after-end.yml"}
    clean = _validate(project_copy, project_copy / "content", "--format", "json")
    assert (clean.code, clean.json()) == (0, [])
    fmt = run_cli(["--root", REPO, "fmt", "--check", REPO / "content"])
    assert fmt.code == 0, fmt.err


@pytest.mark.parametrize("command", [["validate"], ["fmt", "--check"]])
def test_odd_paths_are_usage_errors_not_crashes(project_copy, tmp_path, command):
    empty = tmp_path / "vuota"
    empty.mkdir()
    odd = [empty, tmp_path / "non-esiste.yml", ""]
    if Path("/dev/null").exists():
        odd.append(Path("/dev/null"))  # exists, but is not a regular file
    for path in odd:
        run = run_cli(["--root", project_copy, *command, path])
        assert run.code == 2, (path, run.err)
        assert "Traceback" not in run.err and "Error" not in run.err, run.err


def test_unreadable_answers_are_explained_without_python_names(project_copy, tmp_path):
    broken = tmp_path / "risposte.yml"
    broken.write_text("titolo: !!python/object:os.system x\n", encoding="utf-8")
    for answers in (broken, tmp_path, tmp_path / "non-esiste.yml"):
        run = run_cli(["--root", project_copy, "new", "opportunity", "--from-answers", answers])
        assert run.code == 2
        assert "Error" not in run.err and "Traceback" not in run.err, run.err


def test_a_reader_that_stops_early_gets_no_error(tmp_path):
    """`bds codes | head -1`: the pipe closes under the command; no «errore interno», no traceback."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "scripts")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bds", "codes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(20)
    proc.stdout.close()  # the reader goes away while bds is still writing
    err = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=60)
    assert "errore interno" not in err and "Traceback" not in err, err


@pytest.mark.parametrize(
    ("english", "italian"),
    [
        ("the following arguments are required: CARTELLA", "mancano gli argomenti obbligatori: CARTELLA"),
        ("unrecognized arguments: --x y", "argomenti non riconosciuti: --x y"),
        (
            "argument --format: invalid choice: 'xml' (choose from 'text', 'json')",
            "argomento --format: scelta non valida 'xml' (possibili: 'text', 'json')",
        ),
        ("argument --today: expected one argument", "argomento --today: manca il valore"),
        ("argument --port: invalid int value: 'x'", "argomento --port: valore non valido 'x'"),
        ("argument --x: not allowed with argument --y", "argomento --x: not allowed with argument --y"),
        ("something argparse never said", "something argparse never said"),
    ],
)
def test_argparse_messages_are_translated_from_the_catalogue(english, italian):
    assert cli.translate_argparse(english) == italian


def test_dates_in_words_come_from_the_catalogue():
    import datetime as dt

    from bds import dates

    day = dt.date(2027, 1, 11)
    assert dates.in_words(dt.date(2026, 10, 1)) == "1 ottobre 2026"
    assert dates.with_weekday(day) == "lunedì 11 gennaio 2027"
    assert dates.span(day) == "Da lunedì 11 gennaio 2027"
    assert dates.span(day, dt.date(2027, 1, 15)) == "Da lunedì 11 gennaio 2027 a venerdì 15 gennaio 2027"
    assert dates.MONTHS[11] == "dicembre" and len(dates.MONTHS) == 12
    assert dates.WEEKDAYS[6] == "domenica"
    with pytest.raises(AttributeError):
        dates.NO_SUCH_NAME  # noqa: B018


def test_the_internal_error_line_names_no_traceback(monkeypatch, capsys):
    from bds.commands import codes

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(codes, "run", broken)
    monkeypatch.delenv("BDS_DEBUG", raising=False)
    assert cli.main(["codes"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err == "bds: errore interno (RuntimeError). Ripeti con BDS_DEBUG=1 e segnala il problema.\n"
