"""`bds report`: the quarterly anonymous aggregate of the outcome data (private, safe to hand on)."""
# messages: pending (15 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BdsError
from ..publish.quarter import Quarter


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="prepara il rapporto trimestrale anonimo sugli esiti",
        description="Controlla i dati degli esiti e ne ricava l'aggregato anonimo del trimestre: un CSV per "
        "tabella, datapackage.json, report.html, report.pdf, audit.json (cosa si può dedurre dei dati "
        "nascosti) e manifest.json. Scrive di norma in private/reports/TRIMESTRE/, mai dentro site/ né in "
        "cartelle registrate in git, e aggiorna il registro delle pubblicazioni (ledger.json) accanto: "
        "rapporto e registro cambiano insieme o per niente.",
        epilog="Esempi:\n  bds report --data private/dati-esiti --quarter 2026Q1\n"
        "  bds report --data private/demo --quarter 2026Q4 --out private/prove/2026Q4 --force",
    )
    p.add_argument("--data", required=True, metavar="CARTELLA", help="cartella con i CSV degli esiti")
    p.add_argument("--quarter", required=True, metavar="AAAAQn", help="trimestre, per esempio 2026Q1")
    p.add_argument(
        "--out", metavar="CARTELLA", help="cartella del rapporto (di norma private/reports/TRIMESTRE)"
    )
    p.add_argument(
        "--ledger", metavar="FILE", help="registro delle pubblicazioni (di norma ledger.json accanto)"
    )
    p.add_argument("--force", action="store_true", help="rifà il rapporto se la cartella esiste già")
    p.set_defaults(func=run)


def build_report(*args, **kwargs):
    """The whole release (outcomes.release), imported only when a report is made: numpy and scipy."""
    from ..outcomes.release import build_report as build

    return build(*args, **kwargs)


def run(args) -> int:
    from ..content import Project, ProjectNotFound
    from ..outcomes import codes, fsutil
    from ..outcomes.release import ValidationFailed

    Quarter.parse(args.quarter)  # a malformed or implausible quarter is a usage error, before any work
    try:
        proj = Project.find(Path(args.root) if getattr(args, "root", None) else None)
    except ProjectNotFound:
        proj = None
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
        for problem in exc.problems:
            print(problem.text())
        raise
    except OSError as exc:  # disk full, read-only disk, a folder that vanished: never a traceback
        where = exc.filename or args.out or "la cartella del rapporto"
        why = fsutil.write_problem(exc)
        raise BdsError(f"{where}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", exit_code=1) from None
    print(
        f"Rapporto {summary['quarter']} scritto in {summary['out']}: {summary['tables']} tabelle, "
        f"{summary['suppressed']} dati nascosti su {summary['cells']}.",
        file=sys.stderr,
    )
    if summary["unprotected"]:
        print(
            f"bds: avviso: {len(summary['unprotected'])} dati nascosti restano parzialmente deducibili "
            "dalle pubblicazioni precedenti (vedi audit.json).",
            file=sys.stderr,
        )
    return 0
