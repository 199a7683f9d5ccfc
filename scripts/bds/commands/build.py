"""`bds build`: validate the content and build the public site (atomic swap into --out)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..messages import t
from .common import add_command, add_today, project, today


def register(sub) -> None:
    p = add_command(sub, "build", "cli.build.")
    p.add_argument("--out", metavar=t("cli.metavar.folder"), help=t("cli.build.out"))
    add_today(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..web import build as site_build

    proj = project(args)
    out = Path(args.out) if args.out else proj.root / "site"
    try:
        summary = site_build.build_site(proj, out, today(args.today))
    except site_build.ValidationFailed as failed:
        print(failed.findings_text)
        print(t("cli.main.error", message=failed), file=sys.stderr)
        return 1
    print(summary.line(), file=sys.stderr)
    return 0
