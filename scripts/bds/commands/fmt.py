"""`bds fmt`: rewrite records in the one canonical form (or, with --check, show what would change)."""

from __future__ import annotations

import difflib
import os
import stat
import sys
from pathlib import Path

from ..messages import t
from .common import add_command, add_format, content_paths, first_changed_line, print_findings, project


def register(sub) -> None:
    p = add_command(sub, "fmt", "cli.fmt.")
    p.add_argument("paths", nargs="*", metavar=t("cli.metavar.path"), help=t("cli.fmt.paths"))
    p.add_argument("--check", action="store_true", help=t("cli.fmt.check"))
    p.add_argument("--drop-comments", action="store_true", help=t("cli.fmt.drop_comments"))
    add_format(p)
    p.set_defaults(func=run)


def _kind(proj, path: Path) -> str:
    kind = proj.kind_of(path)
    if kind is None:
        kind = "guide" if path.suffix == ".md" else "opportunity"
    return kind


def write_atomic(path: Path, text: str) -> None:
    from ..pipeline.writing import write_file

    write_file(path, text)


def _same_regular_file(path: Path, before: os.stat_result) -> bool:
    try:
        now = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(now.st_mode) and (now.st_dev, now.st_ino) == (before.st_dev, before.st_ino)


def run(args) -> int:
    proj = project(args)
    paths = content_paths(proj, args.paths) or proj.all_files()
    changed, refused = 0, 0
    found: list = []  # the findings, printed as JSON with --format json
    for path in paths:
        one_changed, one_refused = _format_one(proj, path, args, found)
        changed += one_changed
        refused += one_refused
    if args.format == "json":
        print_findings(found)
    summary = "cli.fmt.summary_check" if args.check else "cli.fmt.summary"
    print(t(summary, checked=len(paths), changed=changed, refused=refused), file=sys.stderr)
    return 1 if refused or (args.check and changed) else 0


def _refused(args, found: list, shown: str, key: str, why) -> tuple[bool, bool]:
    """A file left as it is: its line on stderr, or its finding (FILE_FORMAT_REFUSED) with --format json."""
    if args.format == "json":
        from .. import findings as F

        message = F.REGISTRY["FILE_FORMAT_REFUSED"].template.format(
            why=str(why).rstrip(".")
        )  # never shortened
        found.append(F.Finding(shown, 1, 1, "", "FILE_FORMAT_REFUSED", message))
    else:
        print(t(key, file=shown, why=why), file=sys.stderr)
    return False, True


def _format_one(proj, path: Path, args, found: list) -> tuple[bool, bool]:
    """Format (or with --check, diff) one file: whether it needed a change, whether it was refused."""
    from .. import fmt, load

    shown = proj.shown(path)
    raw, problems = load.read_bytes(path, shown)  # a symlink, FIFO or device is never read
    try:
        if raw is None:
            raise ValueError(problems[0].message.rstrip("."))
        before = os.lstat(path)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = str(exc) if isinstance(exc, ValueError) else t("cli.fmt.unreadable")
        return _refused(args, found, shown, "cli.fmt.refused_read", why)
    try:
        result = fmt.format_text(text, _kind(proj, path), drop_comments=args.drop_comments)
    except fmt.FormatRefused as exc:
        return _refused(args, found, shown, "cli.fmt.refused", exc)
    if not result.changed:
        return False, False
    if args.check:
        _show_change(args, found, shown, text, result.text)
        return True, False
    if not _same_regular_file(path, before):  # never replace a symlink put there meanwhile
        return True, _refused(args, found, shown, "cli.fmt.changed_meanwhile", t("cli.fmt.changed_why"))[1]
    write_atomic(path, result.text)
    print(t("cli.fmt.rewritten", file=shown), file=sys.stderr)
    return True, False


def _show_change(args, found: list, shown: str, before: str, after: str) -> None:
    """--check: the unified diff on stdout, or a FILE_NOT_CANONICAL finding at the first line that would
    change with --format json."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if args.format != "json":
        sys.stdout.writelines(difflib.unified_diff(old, new, fromfile=f"a/{shown}", tofile=f"b/{shown}"))
        return
    from .. import findings as F

    line = first_changed_line(old, new)
    found.append(F.make("FILE_NOT_CANONICAL", shown, line, 1))
