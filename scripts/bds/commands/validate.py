"""`bds validate`: check content against the schemas and the rules across records."""

from __future__ import annotations

import sys

from .. import report
from ..messages import t
from .common import add_command, add_today, content_paths, project, today


def register(sub) -> None:
    p = add_command(sub, "validate", "cli.validate.")
    p.add_argument("paths", nargs="*", metavar=t("cli.metavar.path"), help=t("cli.validate.paths"))
    p.add_argument("--format", choices=report.FORMATS, default="text", help=t("cli.validate.format"))
    p.add_argument("--quiet", action="store_true", help=t("cli.validate.quiet"))
    add_today(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import validate as validation

    proj = project(args)
    paths = content_paths(proj, args.paths)
    result = validation.run(proj, paths or None, today(args.today))
    shown = result.errors if args.quiet else result.findings
    out = report.render(shown, args.format)
    if args.format == "json":
        print(out)
    else:
        if out:
            print(out)
        files = len(paths) if paths else len(result.content.kinds)
        print(report.summary(result.findings, files), file=sys.stderr)
    return 1 if result.errors else 0
