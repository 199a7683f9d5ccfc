"""`bds outcomes template` and `bds outcomes import`: the outcome data as a workbook, in and out."""
# messages: pending (25 texts to move into data/messages/it.yml)

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BdsError

if TYPE_CHECKING:  # imported when a command runs: `bds --help` loads none of them
    from ..content import Project


def add_commands(inner) -> None:
    t = inner.add_parser(
        "template",
        help="scrive il foglio .xlsx vuoto da compilare",
        description="Scrive un foglio .xlsx vuoto, fatto dagli schemi di schemas/outcomes/: un foglio per "
        "tabella, le intestazioni in italiano con una nota ciascuna, gli elenchi a tendina, i controlli su "
        "date e numeri e un foglio di istruzioni. Non contiene dati di persone. Dentro un progetto, zona e "
        "servizio si scelgono dagli elenchi del territorio.",
        epilog="Esempio:\n  bds outcomes template --out esiti-modello.xlsx",
    )
    t.add_argument("--out", required=True, metavar="FILE.xlsx", help="file da scrivere")
    t.add_argument("--force", action="store_true", help="sostituisce il file se esiste già")
    t.set_defaults(func=run_template)
    i = inner.add_parser(
        "import",
        help="trasforma uno o più fogli compilati nei CSV degli esiti",
        description="Legge uno o più fogli .xlsx compilati (per esempio uno per servizio), li unisce e "
        "scrive i CSV del pacchetto degli esiti nella cartella --out, dopo gli stessi controlli di "
        "«bds outcomes validate». Ogni errore indica file, foglio, riga e colonna, mai il contenuto della "
        "cella. Rifiuta nomi di colonna e valori che identificano la persona in qualunque foglio. Non scrive "
        "mai dentro il repository; se c'è un errore non scrive niente. Esce con 0 se è andato tutto bene, "
        "1 se ci sono errori nei fogli, 2 se i file o la cartella non vanno bene.",
        epilog="Esempi:\n  bds outcomes import esiti.xlsx --out private/dati-esiti\n"
        "  bds outcomes import cps-nord.xlsx cps-sud.xlsx --out private/dati-esiti",
    )
    i.add_argument("files", nargs="+", metavar="FILE.xlsx", help="fogli compilati")
    i.add_argument("--out", required=True, metavar="CARTELLA", help="cartella nuova per i CSV")
    i.add_argument("--force", action="store_true", help="sostituisce la cartella se esiste già")
    i.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (come un compilatore) o json"
    )
    i.set_defaults(func=run_import)


def _project(args) -> Project | None:
    from ..content import Project, ProjectNotFound

    try:
        return Project.find(Path(args.root) if getattr(args, "root", None) else None)
    except ProjectNotFound:
        return None


def _territory(args) -> dict | None:
    from .outcomes import territory_of

    return territory_of(args)


def run_template(args) -> int:
    from ..outcomes import codes, fsutil, workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise BdsError(f"{out}: il modello è un file .xlsx: scegli un nome che finisce con .xlsx", 2)
    fsutil.check_writable(out, folder=False)
    if out.exists() and not args.force:
        raise BdsError(f"{out}: il file esiste già; usa --force per sostituirlo", 2)
    data = workbook.template(_territory(args))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        workbook.write_bytes(out, data, replace=args.force)
    except FileExistsError:
        raise BdsError(f"{out}: il file esiste già; usa --force per sostituirlo", 2) from None
    except OSError as exc:
        why = fsutil.write_problem(exc)
        raise BdsError(f"{out}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", 1) from None
    print(f"Modello scritto in {out}: {len(workbook.resources())} fogli da compilare.", file=sys.stderr)
    return 0


def run_import(args) -> int:
    from ..outcomes import codes, fsutil, validate, workbook

    out = Path(args.out)
    fsutil.check_writable(out, folder=True)
    validate.check_location(out)
    if out.is_dir() and any(out.iterdir()) and not args.force:  # said before reading the workbooks
        raise BdsError(
            f"la cartella {out} esiste già e non è vuota: scegli un'altra cartella o usa --force", exit_code=2
        )
    proj = _project(args)
    if proj is not None and fsutil.inside(out, proj.root / "site"):
        raise BdsError(f"{out}: i dati delle persone non si scrivono dentro il sito (site/)", 2)
    try:
        summary = workbook.import_workbooks(
            [Path(f) for f in args.files], out, _territory(args), replace=args.force
        )
    except workbook.ImportFailed as exc:
        if args.format == "json":
            print(json.dumps([p.as_dict() for p in exc.problems], ensure_ascii=False, indent=2))
        else:
            for problem in exc.problems:
                print(problem.text())
        count = len(exc.problems)
        word = "errore" if count == 1 else "errori"
        files = "1 file controllato" if len(args.files) == 1 else f"{len(args.files)} file controllati"
        print(f"{files}: {count} {word}; nessun file scritto.", file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or args.out
        why = fsutil.write_problem(exc)
        raise BdsError(f"{where}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", 1) from None
    if args.format == "json":
        print(json.dumps([], ensure_ascii=False))
    rows = sum(summary["rows"].values())
    print(
        f"Dati scritti in {out}: {rows} righe da {summary['files']} file, nessun errore.",
        file=sys.stderr,
    )
    return 0
