"""`bds demo-data`: an invented outcome package to try the report without real data."""
# messages: pending (8 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BdsError
from .outcomes import territory_of


def register(sub) -> None:
    p = sub.add_parser(
        "demo-data",
        help="crea dati degli esiti inventati, per provare il rapporto",
        description="Crea un pacchetto di dati degli esiti del tutto inventato (nessuna persona reale), "
        "uguale a ogni esecuzione con lo stesso seme. Copre più trimestri dal 2023 al 2026 e contiene "
        "gruppi piccoli, così il rapporto mostra anche i dati nascosti.",
        epilog="Esempi:\n  bds demo-data --out private/demo\n"
        "  bds demo-data --out private/demo --people 2000 --seed 7",
    )
    p.add_argument("--out", required=True, metavar="CARTELLA", help="cartella nuova dove scrivere i CSV")
    p.add_argument("--people", type=int, default=400, metavar="N", help="numero di persone (di norma 400)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="seme del generatore (di norma 1)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..outcomes import synth

    if not 1 <= args.people <= 1_000_000:
        raise BdsError("--people deve essere tra 1 e 1000000", exit_code=2)
    tables = synth.generate(args.people, args.seed, territory_of(args))
    synth.write(Path(args.out), tables)
    rows = sum(len(t) - 1 for t in tables.values())
    print(f"Dati inventati scritti in {args.out}: {args.people} persone, {rows} righe.", file=sys.stderr)
    return 0
