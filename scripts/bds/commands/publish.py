"""`bds publish`: the quarterly publication (site with bulletin, private report, freshness list)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BdsError
from ..messages import t
from ..pipeline import today
from ..pipeline.quarter import Quarter
from .common import add_command, add_format, print_findings, project


def register(sub) -> None:
    m = "publish.command."
    p = add_command(sub, "publish", m)
    p.add_argument("--quarter", required=True, metavar=t(m + "metavar.quarter"), help=t(m + "quarter"))
    p.add_argument("--data", metavar=t(m + "metavar.folder"), help=t(m + "data"))
    p.add_argument("--today", metavar=t(m + "metavar.date"), help=t(m + "today"))
    p.add_argument("--out", metavar=t(m + "metavar.folder"), help=t(m + "out"))
    p.add_argument("--reports", metavar=t(m + "metavar.folder"), help=t(m + "reports"))
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..publish import run as publishing

    proj = project(args)
    quarter = Quarter.parse(args.quarter)
    when = today.for_quarter(quarter, today.parse(args.today) if args.today else None)
    out = Path(args.out) if args.out else proj.root / "site"
    reports = Path(args.reports) if args.reports else proj.root / "private" / "reports"
    print(
        t("publish.command.start", quarter=quarter.label, date=when.isoformat()),
        file=sys.stderr,
        flush=True,
    )
    try:
        result = publishing.publish(proj, quarter, when, out, reports, Path(args.data) if args.data else None)
    except BdsError as failed:
        return _failed(args, failed)
    if args.format == "json":  # stdout is the findings' list; the summary goes with the log
        print_findings([])
    print(publishing.summary_text(result, proj), file=sys.stderr if args.format == "json" else sys.stdout)
    return 0


def _failed(args, failed: BdsError) -> int:
    """What stopped the publication: its findings (stdout) and the error (stderr); the exit code."""
    if args.format == "json":
        print_findings(getattr(failed, "findings", []))
    elif getattr(failed, "details", ""):
        print(failed.details)
    print(t("publish.command.error", error=failed), file=sys.stderr)
    if not getattr(failed, "changed", False):
        print(t("publish.command.nothing_changed"), file=sys.stderr)
    return failed.exit_code
