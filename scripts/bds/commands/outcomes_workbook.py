"""`bds outcomes template` and `bds outcomes import`: the outcome data as a workbook, in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import messages
from ..errors import BdsError
from .common import add_command, print_problems

if TYPE_CHECKING:  # imported when a command runs: `bds --help` loads none of them
    from ..content import Project


_SAY = "report.workbook.cli."


def _cli(key: str, /, count: int | None = None, **params) -> str:
    return messages.t(_SAY + key, count=count, **params)


def add_commands(inner) -> None:
    t = add_command(inner, "template", _SAY + "template_")
    t.add_argument("--out", required=True, metavar="FILE.xlsx", help=_cli("template_out_help"))
    t.add_argument("--force", action="store_true", help=_cli("template_force_help"))
    t.set_defaults(func=run_template)
    i = add_command(inner, "import", _SAY + "import_")
    i.add_argument("files", nargs="+", metavar="FILE.xlsx", help=_cli("files_help"))
    i.add_argument("--out", required=True, metavar=_cli("folder_metavar"), help=_cli("import_out_help"))
    i.add_argument("--force", action="store_true", help=_cli("import_force_help"))
    i.add_argument("--format", choices=("text", "json"), default="text", help=_cli("format_help"))
    i.set_defaults(func=run_import)


def _project(args) -> Project | None:
    from ..content import Project, ProjectNotFound

    try:
        return Project.find(Path(args.root) if getattr(args, "root", None) else None)
    except ProjectNotFound:
        return None


def _territory(args) -> dict | None:
    from .outcomes import territory_of

    return territory_of(args)


def run_template(args) -> int:
    from ..outcomes import codes, fsutil, workbook
    from ..pipeline.writing import check_writable, write_file

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise BdsError(f"{out}: {_cli('not_xlsx')}", 2)
    check_writable(out, folder=False)
    if out.exists() and not args.force:
        raise BdsError(f"{out}: {_cli('file_exists')}", 2)
    data = workbook.template(_territory(args))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_file(out, data, replace=args.force, mode=0o644)
    except FileExistsError:
        raise BdsError(f"{out}: {_cli('file_exists')}", 2) from None
    except OSError as exc:
        why = fsutil.write_problem(exc)
        raise BdsError(f"{out}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", 1) from None
    print(_cli("written", out=out, sheets=len(workbook.resources())), file=sys.stderr)
    return 0


def run_import(args) -> int:
    from ..outcomes import codes, fsutil, workbook

    out = Path(args.out)
    _check_import_out(args, out)
    try:
        summary = workbook.import_workbooks(
            [Path(f) for f in args.files], out, _territory(args), replace=args.force
        )
    except workbook.ImportFailed as exc:
        print_problems(exc.problems, args.format)
        files = _cli("checked", count=len(args.files))
        errors = _cli("errors", count=len(exc.problems))
        print(_cli("failed", files=files, errors=errors), file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or args.out
        why = fsutil.write_problem(exc)
        raise BdsError(f"{where}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", 1) from None
    if args.format == "json":
        print_problems([], "json")
    rows = sum(summary["rows"].values())
    print(_cli("imported", out=out, rows=rows, files=summary["files"]), file=sys.stderr)
    return 0


def _check_import_out(args, out: Path) -> None:
    """BdsError for an output folder the import may not fill, said before reading the workbooks."""
    from ..outcomes import fsutil, validate
    from ..pipeline.writing import check_writable

    check_writable(out, folder=True)
    validate.check_location(out)
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise BdsError(_cli("folder_not_empty", out=out), exit_code=2)
    proj = _project(args)
    if proj is not None and fsutil.inside(out, proj.root / "site"):
        raise BdsError(f"{out}: {_cli('inside_site')}", 2)
