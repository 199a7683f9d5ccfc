"""`bds intake`: the paths that bring a new listing in without a server.

`issue` turns a GitHub issue-form body into a listing file; `issue-form`
regenerates the issue form from the schema; `form` writes the web form as a
standalone page; `freshness` lists what must be re-verified.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import BdsError
from ..messages import t
from .common import (
    add_command,
    add_commands,
    add_format,
    add_today,
    first_changed_line,
    path_problem,
    print_findings,
    project,
    read_problem,
    today,
)

ISSUE_FORM_PATH = ".github/ISSUE_TEMPLATE/nuova-opportunita.yml"  # intake.issue.PATH (tests/test_startup.py)


def register(sub) -> None:
    p = add_command(sub, "intake", "intake.cmd.intake.")
    inner = add_commands(p, t("intake.cmd.commands"), "COMANDO")
    _register_issue(inner)
    _register_issue_form(inner)
    _register_form(inner)
    _register_freshness(inner)


def _register_issue(inner) -> None:
    q = add_command(inner, "issue", "intake.cmd.issue.")
    q.add_argument("file", metavar="FILE", help=t("intake.cmd.issue.file"))
    q.add_argument("--out", metavar=t("intake.cmd.issue.out_metavar"), help=t("intake.cmd.issue.out"))
    add_format(q, "markdown", help_key="intake.cmd.issue.format")
    add_today(q)
    q.set_defaults(func=run_issue)


def _register_issue_form(inner) -> None:
    f = add_command(inner, "issue-form", "intake.cmd.issue_form.", path=ISSUE_FORM_PATH)
    f.add_argument("--out", metavar="FILE", help=t("intake.cmd.issue_form.out", path=ISSUE_FORM_PATH))
    f.add_argument("--check", action="store_true", help=t("intake.cmd.issue_form.check"))
    add_format(f)
    f.set_defaults(func=run_issue_form)


def _register_form(inner) -> None:
    w = add_command(inner, "form", "intake.cmd.form.")
    w.add_argument(
        "--out", metavar=t("intake.cmd.form.out_metavar"), required=True, help=t("intake.cmd.form.out")
    )
    add_today(w)
    w.set_defaults(func=run_form)


def _register_freshness(inner) -> None:
    r = add_command(inner, "freshness", "intake.cmd.freshness.")
    r.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help=t("intake.cmd.freshness.format"),
    )
    r.add_argument("--days", type=int, default=30, metavar="N", help=t("intake.cmd.freshness.days"))
    add_today(r)
    r.set_defaults(func=run_freshness)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    problem = path_problem(Path(path))
    if problem:
        raise BdsError(f"{path}: {problem}", exit_code=2)
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BdsError(
            t("intake.cmd.issue.unreadable", path=path, reason=read_problem(exc)), exit_code=2
        ) from None


def run_issue(args) -> int:
    from ..content import load_content
    from ..intake import issue as issue_form
    from ..intake.spreadsheet import write_new

    proj = project(args)
    content = load_content(proj)
    result = issue_form.parse_body(_read(args.file), content, today(args.today))
    if result.problems:
        _print_issue_problems(args, result)
        return 1
    target = _issue_target(args.out, proj, result.record["id"])
    if target.exists():
        raise BdsError(t("intake.cmd.issue.exists", path=target), exit_code=1)
    write_new(target, result.text, update=False)
    if args.format == "json":  # stdout is the findings' list; the file written goes to stderr
        print_findings(issue_findings(args.file, [], result.warnings))
        print(target, file=sys.stderr)
        return 0
    for title, code, message in result.warnings:
        print(
            t("intake.cmd.issue.warning", file=args.file, title=title, code=code, message=message),
            file=sys.stderr,
        )
    print(target)
    return 0


def _print_issue_problems(args, result) -> None:
    """Why the issue gives no listing: a comment for its author (markdown), findings (json) or lines."""
    from ..intake import issue as issue_form

    if args.format == "markdown":
        print(issue_form.problems_markdown(result), end="")
    elif args.format == "json":
        print_findings(issue_findings(args.file, result.problems, []))
    else:
        for title, code, message in result.problems:
            print(
                t("intake.cmd.issue.error", file=args.file, title=title, code=code, message=message),
                file=sys.stderr,
            )


def _issue_target(out: str | None, proj, record_id: str) -> Path:
    """The listing's file: --out itself when it names a YAML file, else `<id>.yml` in --out or in the
    project's listings."""
    if out and out.endswith((".yml", ".yaml")):
        return Path(out)
    return (Path(out) if out else proj.opportunities_dir) / f"{record_id}.yml"


def issue_findings(file: str, problems: list[tuple], warnings: list[tuple]) -> list:
    """The issue's problems (errors) and warnings as findings, the field's title as the field (an issue
    body has no line that matches the form's)."""
    from .. import findings as F

    return [
        F.Finding(file, 0, 0, title, code, message, severity)
        for severity, found in ((F.ERROR, problems), (F.WARNING, warnings))
        for title, code, message in found
    ]


def run_issue_form(args) -> int:
    from ..content import load_content
    from ..intake import issue as issue_form
    from ..intake.spreadsheet import write_new

    proj = project(args)
    target = Path(args.out) if args.out else proj.root / issue_form.PATH
    if target.is_dir():
        raise BdsError(t("intake.cmd.issue_form.is_folder", path=target), exit_code=2)
    text = issue_form.form_yaml(load_content(proj))
    if args.check:
        return _check_issue_form(args, target, text)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_new(target, text, update=True)
    if args.format == "json":  # stdout is the findings' list (none: the form was written)
        print_findings([])
        print(target, file=sys.stderr)
        return 0
    print(target)
    return 0


def _check_issue_form(args, target: Path, text: str) -> int:
    """--check: 1 when the form on disk differs from `text`; with --format json its ISSUE_FORM_STALE
    finding at the first line that differs."""
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    stale = current != text
    if args.format == "json":
        from .. import findings as F

        line = first_changed_line((current or "").splitlines(), text.splitlines())
        print_findings([F.make("ISSUE_FORM_STALE", str(target), line, 1)] if stale else [])
    elif stale:
        print(t("intake.cmd.issue_form.stale", path=target), file=sys.stderr)
    return 1 if stale else 0


def run_form(args) -> int:
    from ..content import load_content
    from ..intake import form as web_form

    proj = project(args)
    out = Path(args.out)
    if out.exists():
        raise BdsError(t("intake.cmd.form.exists", path=out), exit_code=2)
    files = web_form.files(load_content(proj), today(args.today) if args.today else None)
    staging = out.with_name(f".{out.name}.tmp")
    for rel, data in files.items():
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    staging.rename(out)
    print(out / web_form.PAGE_DIR / "index.html")
    return 0


def run_freshness(args) -> int:
    from .. import freshness as FR
    from ..content import load_content

    proj = project(args)
    content = load_content(proj)
    report = FR.freshness(content, today(args.today), days=args.days)
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        territory = (
            content.territory.data if content.territory and isinstance(content.territory.data, dict) else {}
        )
        print(FR.markdown(report, territory.get("repository_url")), end="")
    else:
        print(FR.text(report))
    return 0
