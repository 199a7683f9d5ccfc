"""`bds build`: validate the content and build the public site (atomic swap into --out)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..messages import t
from .common import add_command, add_format, add_today, print_findings, project, today


def register(sub) -> None:
    p = add_command(sub, "build", "cli.build.")
    p.add_argument("--out", metavar=t("cli.metavar.folder"), help=t("cli.build.out"))
    add_today(p)
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..web import build as site_build

    proj = project(args)
    out = Path(args.out) if args.out else proj.root / "site"
    try:
        summary = site_build.build_site(proj, out, today(args.today))
    except site_build.ValidationFailed as failed:
        if args.format == "json":
            print_findings(failed.findings)
        else:
            print(failed.findings_text)
        print(t("cli.main.error", message=failed), file=sys.stderr)
        return 1
    if args.format == "json":
        print_findings([])
    print(summary.line(), file=sys.stderr)
    return 0
