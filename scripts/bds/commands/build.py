"""`bds build`: validate the content and build the public site (atomic swap into --out)."""
# messages: pending (5 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys
from pathlib import Path

from .common import add_today, project, today


def register(sub) -> None:
    p = sub.add_parser(
        "build",
        help="costruisce il sito pubblico (catalogo, enti, guide, dati aperti)",
        description="Controlla i contenuti come bds validate e, se non ci sono errori, costruisce il sito "
        "statico. Il sito nuovo prende il posto del vecchio solo alla fine: se la costruzione si interrompe, "
        "il sito precedente resta com'era. Esce con 1 se i contenuti hanno errori.",
        epilog="Esempi:\n  bds build\n  bds build --out /tmp/anteprima --today 2026-09-01",
    )
    p.add_argument(
        "--out", metavar="CARTELLA", help="cartella del sito (di norma site/ nella cartella del progetto)"
    )
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
        print(f"bds: errore: {failed}", file=sys.stderr)
        return 1
    print(summary.line(), file=sys.stderr)
    return 0
