"""`bds outcomes validate DIR`: check the private outcome data package before any report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import messages
from ..errors import BdsError
from .common import project


def register(sub) -> None:
    say = "outcomes.cli."
    p = sub.add_parser(
        "outcomes",
        help=messages.t(say + "help"),
        description=messages.t(say + "description"),
        epilog=messages.t(say + "epilog"),
    )
    inner = p.add_subparsers(title=messages.t(say + "commands"), metavar="COMANDO", parser_class=type(p))
    say += "validate."
    v = inner.add_parser(
        "validate",
        help=messages.t(say + "help"),
        description=messages.t(say + "description"),
        epilog=messages.t(say + "epilog"),
    )
    v.add_argument("data_dir", metavar="CARTELLA", help=messages.t(say + "data_dir"))
    v.add_argument("--format", choices=("text", "json"), default="text", help=messages.t(say + "format"))
    v.set_defaults(func=run_validate)
    from . import outcomes_workbook

    outcomes_workbook.add_commands(inner)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def territory_of(args) -> dict | None:
    """The project's territory, through the validated loader; None outside a project (rules skipped)."""
    from ..outcomes.territory import load_territory

    try:
        proj = project(args)
    except BdsError:
        return None
    return load_territory(proj)


def run_validate(args) -> int:
    from ..outcomes.validate import validate

    result = validate(Path(args.data_dir), territory_of(args))
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            print(problem.text())
        print(messages.t("outcomes.validate.checked", count=len(result.problems)), file=sys.stderr)
    return 1 if result.problems else 0
