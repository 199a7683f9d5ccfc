"""`bds report`: the quarterly anonymous aggregate of the outcome data (private, safe to hand on)."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import messages
from ..errors import BdsError
from ..pipeline.quarter import Quarter
from .common import add_command, add_format, print_findings, print_problems


def _cli(key: str) -> str:
    return messages.t(f"report.cli.{key}")


def register(sub) -> None:
    p = add_command(sub, "report", "report.cli.")
    folder = _cli("folder_metavar")
    p.add_argument("--data", required=True, metavar=folder, help=_cli("data_help"))
    p.add_argument("--quarter", required=True, metavar=_cli("quarter_metavar"), help=_cli("quarter_help"))
    p.add_argument("--out", metavar=folder, help=_cli("out_help"))
    p.add_argument("--ledger", metavar=_cli("file_metavar"), help=_cli("ledger_help"))
    p.add_argument("--force", action="store_true", help=_cli("force_help"))
    add_format(p)
    p.set_defaults(func=run)


def build_report(*args, **kwargs):
    """The whole release (outcomes.release), imported only when a report is made: numpy and scipy."""
    from ..outcomes.release import build_report as build

    return build(*args, **kwargs)


def territory_words(proj):
    """The words of the project's territory (CPS, case manager...), the kit's defaults outside a project.

    A territory file that does not load gives the defaults here: the report itself stops on it, with
    the validator's findings."""
    from .. import vocabulary
    from ..outcomes.territory import load_territory

    if proj is None:
        return vocabulary.of(None)
    try:
        return vocabulary.of(load_territory(proj))
    except BdsError:
        return vocabulary.of(None)


def run(args) -> int:
    from ..content import Project, ProjectNotFound

    Quarter.parse(args.quarter)  # a malformed or implausible quarter is a usage error, before any work
    try:
        proj = Project.find(Path(args.root) if getattr(args, "root", None) else None)
    except ProjectNotFound:
        proj = None
    with messages.use(words=territory_words(proj)):
        return _report(args, proj)


def _report(args, proj) -> int:
    from ..outcomes import codes, fsutil
    from ..outcomes.release import ValidationFailed

    try:
        summary = build_report(
            Path(args.data),
            args.quarter,
            Path(args.out) if args.out else None,
            proj,
            Path(args.ledger) if args.ledger else None,
            replace=args.force,
        )
    except ValidationFailed as exc:
        print_problems(exc.problems, args.format)
        raise
    except OSError as exc:  # disk full, read-only disk, a folder that vanished: never a traceback
        where = exc.filename or args.out or _cli("out_default")
        why = fsutil.write_problem(exc)
        raise BdsError(f"{where}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", exit_code=1) from None
    if args.format == "json":
        print_findings([])
    print(
        messages.t(
            "report.cli.written",
            quarter=summary["quarter"],
            out=summary["out"],
            tables=summary["tables"],
            suppressed=summary["suppressed"],
            cells=summary["cells"],
        ),
        file=sys.stderr,
    )
    if summary["unprotected"]:
        warning = messages.t("common.severity.warning")
        unprotected = messages.t("report.cli.unprotected", count=len(summary["unprotected"]))
        print(f"bds: {warning}: {unprotected}", file=sys.stderr)
    return 0
