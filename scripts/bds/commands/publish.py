"""`bds publish`: the quarterly publication (site with bulletin, private report, freshness list)."""
# messages: pending (13 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BdsError
from ..publish.quarter import Quarter
from .common import project, today


def register(sub) -> None:
    p = sub.add_parser(
        "publish",
        help="pubblica il trimestre: sito con il bollettino, rapporto privato, schede da verificare",
        description="Pubblicazione trimestrale in un solo comando. In ordine: controlla i contenuti, "
        "controlla i dati degli esiti (con --data), costruisce il sito pubblico con il bollettino del "
        "trimestre, prepara il rapporto privato anonimizzato (con --data) e l'elenco delle schede da "
        "verificare. Tutto è scritto a parte e sostituisce i file pubblicati solo se ogni passo riesce: al "
        "primo errore non cambia niente; se si interrompe mentre sostituisce i file (per esempio per un "
        "calo di corrente), la prossima esecuzione completa la sostituzione e lo dice. Il bollettino "
        "(solo numeri del catalogo) è salvato in "
        "content/bulletins/ per restare consultabile nelle pubblicazioni successive. Esce con 1 se i "
        "contenuti o i dati hanno errori.",
        epilog="Esempi:\n  bds publish --quarter 2026Q4\n"
        "  bds publish --quarter 2026Q4 --data ~/dati-esiti\n"
        "  bds publish --quarter 2026Q4 --data ~/dati-esiti --out /tmp/sito --reports /tmp/rapporti "
        "--today 2026-12-31\n\n"
        "Data di riferimento (--today): se non la indichi, è l'ultimo giorno del trimestre quando il "
        "trimestre è finito, altrimenti la data di oggi.",
    )
    p.add_argument(
        "--quarter", required=True, metavar="AAAAQn", help="il trimestre da pubblicare, per esempio 2026Q4"
    )
    p.add_argument(
        "--data",
        metavar="CARTELLA",
        help="cartella dei dati degli esiti (fuori dal repository); senza, niente rapporto privato",
    )
    p.add_argument(
        "--today",
        metavar="AAAA-MM-GG",
        help="data di riferimento per il catalogo, le scadenze e le verifiche (di norma l'ultimo giorno "
        "del trimestre se è finito, altrimenti oggi)",
    )
    p.add_argument(
        "--out", metavar="CARTELLA", help="cartella del sito (di norma site/ nella cartella del progetto)"
    )
    p.add_argument(
        "--reports",
        metavar="CARTELLA",
        help="cartella dei rapporti privati (di norma private/reports/); senza --data l'elenco delle "
        "schede da verificare va nella cartella freshness/ accanto a questa",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from ..publish import run as publishing

    proj = project(args)
    quarter = Quarter.parse(args.quarter)
    when = publishing.resolve_today(quarter, today(args.today) if args.today else None)
    out = Path(args.out) if args.out else proj.root / "site"
    reports = Path(args.reports) if args.reports else proj.root / "private" / "reports"
    print(
        f"Pubblicazione del trimestre {quarter.label} con data di riferimento {when.isoformat()}.",
        file=sys.stderr,
        flush=True,
    )
    try:
        result = publishing.publish(proj, quarter, when, out, reports, Path(args.data) if args.data else None)
    except BdsError as failed:
        if getattr(failed, "details", ""):
            print(failed.details)
        print(f"bds: errore: {failed}", file=sys.stderr)
        if not getattr(failed, "changed", False):
            print(
                "Non è cambiato niente: il sito e i rapporti pubblicati sono quelli di prima.",
                file=sys.stderr,
            )
        return failed.exit_code
    print(publishing.summary_text(result, proj))
    return 0
