"""`bds import opportunities FILE`: listings from a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BdsError
from ..messages import t
from .common import (
    add_command,
    add_commands,
    add_format,
    add_today,
    path_problem,
    print_findings,
    project,
    today,
)

ENCODINGS = ("utf-8", "cp1252")  # intake.spreadsheet.ENCODINGS (tests/test_startup.py checks)


def register(sub) -> None:
    p = add_command(sub, "import", "intake.cmd.import.")
    inner = add_commands(p, t("intake.cmd.import.kinds"), t("intake.cmd.import.kind_metavar"))
    o = add_command(inner, "opportunities", "intake.cmd.import_opportunities.")
    o.add_argument("file", metavar="FILE", help=t("intake.cmd.import_opportunities.file"))
    o.add_argument("--partner", metavar="ID", help=t("intake.cmd.import_opportunities.partner"))
    o.add_argument("--update", action="store_true", help=t("intake.cmd.import_opportunities.update"))
    o.add_argument(
        "--out",
        metavar=t("intake.cmd.import_opportunities.out_metavar"),
        help=t("intake.cmd.import_opportunities.out"),
    )
    o.add_argument("--dry-run", action="store_true", help=t("intake.cmd.import_opportunities.dry_run"))
    o.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="utf-8",
        help=t("intake.cmd.import_opportunities.encoding"),
    )
    add_today(o)
    add_format(o)
    o.set_defaults(func=run)


def run(args) -> int:
    from ..content import load_content
    from ..intake import spreadsheet

    proj = project(args)
    path = Path(args.file)
    problem = path_problem(path)
    if problem:
        print(
            t("intake.cmd.import_opportunities.path_error", file=args.file, problem=problem), file=sys.stderr
        )
        return 2
    content = load_content(proj)
    try:
        result = spreadsheet.import_file(
            proj,
            content,
            path,
            today(args.today),
            partner=args.partner,
            update=args.update,
            out_dir=Path(args.out) if args.out else None,
            dry_run=args.dry_run,
            encoding=args.encoding,
        )
    except BdsError as refused:  # a file refused as a whole: its finding, when it has a code
        if args.format == "json" and getattr(refused, "findings", None):
            print_findings(refused.findings)  # type: ignore[attr-defined]
        raise
    _report(args, result)
    return 1 if result.failed else 0


def row_findings(file: str, result) -> list:
    """The columns ignored (row 1) and each row's problems and warnings as findings (`--format json`):
    the row as the line, the column's title as the field."""
    from .. import findings as F

    ignored = t("intake.cmd.import_opportunities.ignored_message")
    return [
        F.Finding(file, 1, 0, header, "FIELD_UNKNOWN", ignored, F.WARNING)
        for header in result.ignored_columns
    ] + [
        F.Finding(file, row.row, 0, title, code, message, severity)
        for row in result.rows
        for severity, found in ((F.ERROR, row.problems), (F.WARNING, row.warnings))
        for title, code, message in found
    ]


def _report(args, result) -> None:
    """The ignored columns and each row's problems on stderr, the files written on stdout, a summary."""
    say = "intake.cmd.import_opportunities."
    if args.format == "json":
        print_findings(row_findings(args.file, result))
    else:
        message = t(say + "ignored_message")
        for header in result.ignored_columns:
            print(t(say + "ignored", file=args.file, header=header, message=message), file=sys.stderr)
        for row in result.rows:
            for kind, found in (("error", row.problems), ("warning", row.warnings)):
                for title, code, message in found:
                    line = t(say + kind, file=args.file, row=row.row, title=title, code=code, message=message)
                    print(line, file=sys.stderr)
    for written in result.written:  # stdout holds the JSON list with --format json
        print(written, file=sys.stderr if args.format == "json" else sys.stdout)
    done = len(result.rows) - len(result.failed)
    verb = t(say + ("checked" if args.dry_run else "written"))
    summary = t(
        "intake.cmd.import_opportunities.summary",
        rows=len(result.rows),
        done=done,
        verb=verb,
        failed=len(result.failed),
    )
    print(summary, file=sys.stderr)
