"""`bds import opportunities FILE`: listings from a spreadsheet (CSV or XLSX)."""
# messages: pending (21 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys
from pathlib import Path

from .common import add_today, path_problem, project, today

ENCODINGS = ("utf-8", "cp1252")  # intake.spreadsheet.ENCODINGS (tests/test_startup.py checks)


def register(sub) -> None:
    p = sub.add_parser(
        "import",
        help="importa schede da un foglio di calcolo (CSV o XLSX)",
        description="Importa schede da un foglio di calcolo.",
        epilog="Esempio:\n  bds import opportunities proposte.xlsx --partner art-up",
    )
    inner = p.add_subparsers(title="tipi di scheda", metavar="TIPO", parser_class=type(p))
    p.set_defaults(func=lambda args: p.print_help() or 2)
    o = inner.add_parser(
        "opportunities",
        help="una scheda opportunities/<id>.yml per ogni riga valida",
        description="Legge un file CSV o XLSX con le intestazioni del modello (i titoli italiani dei campi, "
        "maiuscole e minuscole indifferenti, oppure i nomi dei campi come "
        "location.name). Scrive una scheda per "
        "ogni riga valida; per le altre righe stampa gli errori per riga e colonna e non scrive nulla. Gli "
        "elenchi si separano con «;» o «,». Non sostituisce mai un file esistente senza --update, e con "
        "--update solo le schede dello stesso ente. "
        "Esce con 1 se almeno una riga ha errori. Limiti: 10 MB, 5000 righe, 200 colonne; un CSV è in "
        "UTF-8 (o UTF-16 con BOM), un'altra codifica si dichiara con --encoding e non viene mai indovinata.",
        epilog="Esempi:\n  bds import opportunities proposte.csv\n"
        "  bds import opportunities proposte.xlsx --partner art-up --update",
    )
    o.add_argument("file", metavar="FILE", help="file .csv o .xlsx")
    o.add_argument("--partner", metavar="ID", help="ente da usare per le righe senza «Ente proponente»")
    o.add_argument("--update", action="store_true", help="sostituisci le schede che esistono già")
    o.add_argument("--out", metavar="CARTELLA", help="cartella di destinazione (di norma opportunities/)")
    o.add_argument("--dry-run", action="store_true", help="controlla soltanto, senza scrivere")
    o.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="utf-8",
        help="codifica di un file CSV senza BOM: utf-8 (di norma) oppure cp1252 (Excel vecchio, Windows); "
        "non viene mai indovinata",
    )
    add_today(o)
    o.set_defaults(func=run)


def run(args) -> int:
    from ..content import load_content
    from ..intake import spreadsheet

    proj = project(args)
    path = Path(args.file)
    problem = path_problem(path)
    if problem:
        print(f"bds: errore: {args.file}: {problem}", file=sys.stderr)
        return 2
    content = load_content(proj)
    result = spreadsheet.import_file(
        proj,
        content,
        path,
        today(args.today),
        partner=args.partner,
        update=args.update,
        out_dir=Path(args.out) if args.out else None,
        dry_run=args.dry_run,
        encoding=args.encoding,
    )
    for header in result.ignored_columns:
        print(
            f"{args.file}:riga 1:colonna «{header}»: avviso [FIELD_UNKNOWN] colonna "
            f"non riconosciuta: ignorata",
            file=sys.stderr,
        )
    for row in result.rows:
        for title, code, message in row.problems:
            print(f"{args.file}:riga {row.row}:colonna «{title}»: errore [{code}] {message}", file=sys.stderr)
        for title, code, message in row.warnings:
            print(f"{args.file}:riga {row.row}:colonna «{title}»: avviso [{code}] {message}", file=sys.stderr)
    for written in result.written:
        print(written)
    done = len(result.rows) - len(result.failed)
    verb = "controllate" if args.dry_run else "scritte"
    print(
        f"{len(result.rows)} righe: {done} schede {verb}, {len(result.failed)} righe con errori.",
        file=sys.stderr,
    )
    return 1 if result.failed else 0
