"""Helpers shared by the subcommands (not a command itself: it has no `register`).

Every command module imports this one while the parser is built, so it imports nothing heavy at
module level (no YAML, no schema, no content loader): those come inside the helpers that use them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BdsError
from ..messages import t
from ..pipeline.today import parse as today  # noqa: F401 (every command reads `--today` from here)

if TYPE_CHECKING:
    from ..content import Project


def add_command(sub, name: str, say: str, **params):
    """Register the subcommand `name` and return its parser.

    Its help, description and epilog are the catalogue's `{say}help`, `{say}description` and
    `{say}epilog` (`say` ends with its separator, "." or "_"), placeholders filled from `params`.
    """
    return sub.add_parser(
        name,
        help=t(say + "help", **params),
        description=t(say + "description", **params),
        epilog=t(say + "epilog", **params),
    )


def add_commands(parser, title: str, metavar: str):
    """The subcommands of `parser` (a command of commands); alone, it prints its help and exits 2."""
    inner = parser.add_subparsers(title=title, metavar=metavar, parser_class=type(parser))
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
    return inner


def add_format(parser, *others: str, help_key: str = "cli.common.format") -> None:
    """`--format text|json` (and `others`): json prints the findings as `bds validate --format json` does."""
    parser.add_argument("--format", choices=("text", *others, "json"), default="text", help=t(help_key))


def print_findings(found, form: str = "json") -> None:
    """`found` (`findings.Finding`s) on stdout as the one JSON contract (`report.as_json`), or as
    compiler lines (`report.text`) when `form` is "text"."""
    from .. import report

    out = report.as_json(list(found)) if form == "json" else report.text(list(found))
    if out or form == "json":
        print(out)


def first_changed_line(old: list[str], new: list[str]) -> int:
    """The 1-based number of the first line that differs between two texts' lines (a finding's line)."""
    pairs = enumerate(zip(old, new, strict=False), start=1)
    return next((number for number, (a, b) in pairs if a != b), min(len(old), len(new)) + 1)


def print_problems(problems, form: str) -> None:
    """The outcome-data problems on stdout: as findings in the JSON contract, or each its own line
    (`form` is "json" or "text")."""
    if form == "json":
        print_findings([p.finding() for p in problems])
        return
    for problem in problems:
        print(problem.text())


def project(args) -> Project:
    from ..content import Project, ProjectNotFound

    try:
        return Project.find(Path(args.root) if getattr(args, "root", None) else None)
    except ProjectNotFound as exc:
        raise BdsError(str(exc), exit_code=2) from None


def add_today(parser) -> None:
    parser.add_argument("--today", metavar=t("cli.metavar.date"), help=t("cli.common.today.help"))


def read_problem(exc: BaseException) -> str:
    """Why a file could not be read, in Italian (never a Python class name)."""
    if isinstance(exc, FileNotFoundError):
        return t("cli.common.read.not_found")
    if isinstance(exc, IsADirectoryError):
        return t("cli.common.read.directory")
    if isinstance(exc, PermissionError):
        return t("cli.common.read.permission")
    if isinstance(exc, UnicodeDecodeError):
        return t("cli.common.read.encoding")
    if isinstance(exc, OSError):
        return exc.strerror or t("cli.common.read.os_error")
    yaml = sys.modules.get("yaml")  # a YAML error comes only after yaml was imported
    if yaml is not None and isinstance(exc, yaml.YAMLError):
        return t("cli.common.read.yaml")
    return t("cli.common.read.unreadable")


def path_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a file, or None when it can (it exists and is a regular file)."""
    if not path.exists():
        return t("cli.common.path.not_found")
    if path.is_dir():
        return t("cli.common.path.directory")
    if not path.is_file():
        return t("cli.common.path.not_regular")
    return None


def content_paths(proj: Project, given: list[str]) -> list[Path]:
    """The files named on the command line; a folder stands for the records inside it.

    Inside the project a folder means the project's own content files under it (so `content/` and
    `opportunities/` work); elsewhere, the YAML and Markdown files directly in it. Raises BdsError
    (exit 2) for a path that does not exist, is not a regular file, or is a folder with no record in it.
    """
    out: list[Path] = []
    problems: list[str] = []
    for text in given:
        path = Path(text)
        if not text.strip():
            problems.append(t("cli.common.path.not_a_path", text=text))
            continue
        if path.is_dir():
            try:
                found = _records_in(proj, path)
            except OSError as exc:
                problems.append(t("cli.common.path.folder_unreadable", text=text, why=read_problem(exc)))
                continue
            if not found:
                problems.append(t("cli.common.path.folder_empty", text=text))
            out += found
            continue
        problem = path_problem(path)
        if problem:
            problems.append(t("cli.common.path.problem", text=text, problem=problem))
        else:
            out.append(path)
    if problems:
        raise BdsError(t("cli.common.path.separator").join(problems), exit_code=2)
    return out


def _records_in(proj: Project, folder: Path) -> list[Path]:
    from ..content import absolute

    base = folder.resolve()
    if base == proj.root or proj.root in base.parents:
        return [p for p in proj.all_files() if base in absolute(p).parents]  # a symlink is not followed
    # Outside the project only the folder's own files, not its subfolders: `bds validate ~` must not
    # walk a whole home directory.
    return sorted(
        p
        for p in base.iterdir()
        if p.suffix in (".yml", ".yaml", ".md") and p.is_file() and not p.name.startswith(("_", "."))
    )
