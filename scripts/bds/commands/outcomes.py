"""`bds outcomes validate DIR`: check the private outcome data package before any report."""
# messages: pending (9 texts to move into data/messages/it.yml)

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import BdsError
from .common import project


def register(sub) -> None:
    p = sub.add_parser(
        "outcomes",
        help="controlla i dati privati sugli esiti (persone, progetti, valutazioni, ricoveri, spese)",
        description="Comandi sui dati privati degli esiti. I dati restano fuori dal repository: "
        "il kit ne ricava solo un aggregato anonimo (bds report).",
        epilog="Esempi:\n  bds outcomes validate private/dati-esiti\n"
        "  bds outcomes template --out esiti-modello.xlsx\n"
        "  bds outcomes import esiti.xlsx --out private/dati-esiti",
    )
    inner = p.add_subparsers(title="comandi", metavar="COMANDO", parser_class=type(p))
    v = inner.add_parser(
        "validate",
        help="controlla il pacchetto di dati degli esiti",
        description="Controlla la cartella con i CSV degli esiti (beneficiaries.csv, projects.csv, "
        "assessments.csv, admissions.csv, costs.csv) con gli schemi di schemas/outcomes/ e le regole tra "
        "tabelle. I messaggi indicano tabella, riga e colonna, mai il contenuto della cella. Esce con 0 se "
        "non ci sono errori, 1 se ce ne sono, 2 se la cartella non va bene (per esempio è dentro il "
        "repository, oppure git non permette di verificarlo). Legge solo file normali in UTF-8, senza "
        "seguire collegamenti.",
        epilog="Esempi:\n  bds outcomes validate private/dati-esiti\n"
        "  bds outcomes validate private/dati-esiti --format json",
    )
    v.add_argument("data_dir", metavar="CARTELLA", help="cartella con i CSV degli esiti")
    v.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (come un compilatore) o json"
    )
    v.set_defaults(func=run_validate)
    from . import outcomes_workbook

    outcomes_workbook.add_commands(inner)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def territory_of(args) -> dict | None:
    """The project's territory, through the validated loader; None outside a project (rules skipped)."""
    from ..outcomes.territory import load_territory

    try:
        proj = project(args)
    except BdsError:
        return None
    return load_territory(proj)


def run_validate(args) -> int:
    from ..outcomes.validate import validate

    result = validate(Path(args.data_dir), territory_of(args))
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            print(problem.text())
        count = len(result.problems)
        word = "errore" if count == 1 else "errori"
        print(f"5 tabelle controllate: {count} {word}.", file=sys.stderr)
    return 1 if result.problems else 0
