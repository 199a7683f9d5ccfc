"""`bds import opportunities FILE`: listings from a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..messages import t
from .common import add_command, add_commands, add_today, path_problem, project, today

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
    _report(args, result)
    return 1 if result.failed else 0


def _report(args, result) -> None:
    """The ignored columns and each row's problems on stderr, the files written on stdout, a summary."""
    say = "intake.cmd.import_opportunities."
    for header in result.ignored_columns:
        print(t("intake.cmd.import_opportunities.ignored", file=args.file, header=header), file=sys.stderr)
    for row in result.rows:
        for kind, found in (("error", row.problems), ("warning", row.warnings)):
            for title, code, message in found:
                line = t(say + kind, file=args.file, row=row.row, title=title, code=code, message=message)
                print(line, file=sys.stderr)
    for written in result.written:
        print(written)
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
