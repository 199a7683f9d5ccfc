"""`bds outcomes validate DIR`: check the private outcome data package before any report."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import messages
from ..errors import BdsError
from .common import add_command, add_commands, print_problems, project


def register(sub) -> None:
    say = "outcomes.cli."
    p = add_command(sub, "outcomes", say)
    inner = add_commands(p, messages.t(say + "commands"), "COMANDO")
    say += "validate."
    v = add_command(inner, "validate", say)
    v.add_argument("data_dir", metavar="CARTELLA", help=messages.t(say + "data_dir"))
    v.add_argument("--format", choices=("text", "json"), default="text", help=messages.t(say + "format"))
    v.set_defaults(func=run_validate)
    from . import outcomes_workbook

    outcomes_workbook.add_commands(inner)


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
    print_problems(result.problems, args.format)
    if args.format != "json":
        print(messages.t("outcomes.validate.checked", count=len(result.problems)), file=sys.stderr)
    return 1 if result.problems else 0
