"""`bds intake`: the paths that bring a new listing in without a server.

`issue` turns a GitHub issue-form body into a listing file; `issue-form`
regenerates the issue form from the schema; `form` writes the web form as a
standalone page; `freshness` lists what must be re-verified.
"""
# messages: pending (34 texts to move into data/messages/it.yml)

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import BdsError
from .common import add_today, path_problem, project, read_problem, today

ISSUE_FORM_PATH = ".github/ISSUE_TEMPLATE/nuova-opportunita.yml"  # intake.issue.PATH (tests/test_startup.py)


def register(sub) -> None:
    p = sub.add_parser(
        "intake",
        help="proposte di nuove opportunità: issue di GitHub, modulo web, schede da verificare",
        description="Strumenti per ricevere le proposte degli enti senza un server.",
        epilog="Esempi:\n  bds intake issue corpo-issue.md\n  bds intake issue-form\n"
        "  bds intake freshness --format markdown",
    )
    inner = p.add_subparsers(title="comandi", metavar="COMANDO", parser_class=type(p))
    p.set_defaults(func=lambda args: p.print_help() or 2)

    q = inner.add_parser(
        "issue",
        help="trasforma il testo di una issue (modulo «Nuova opportunità») in una scheda",
        description="Legge il testo di una issue creata con il modulo «Nuova opportunità» "
        "(sezioni «### Campo») "
        "e scrive opportunities/<id>.yml, controllato con le stesse regole di "
        "bds validate. Non sostituisce mai "
        "un file esistente. Esce con 1 se ci sono dati da correggere.",
        epilog="Esempio:\n  bds intake issue corpo.md\n  bds intake issue corpo.md --out /tmp/scheda.yml "
        "--format markdown",
    )
    q.add_argument("file", metavar="FILE", help="file con il testo della issue («-» per lo standard input)")
    q.add_argument(
        "--out", metavar="PERCORSO", help="file .yml o cartella di destinazione (di norma opportunities/)"
    )
    q.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="text: errori su stderr; markdown: errori come commento per chi ha aperto la issue",
    )
    add_today(q)
    q.set_defaults(func=run_issue)

    f = inner.add_parser(
        "issue-form",
        help="rigenera il modulo di GitHub per le nuove opportunità dallo schema",
        description=f"Scrive {ISSUE_FORM_PATH} a partire da schemas/opportunity.schema.json e dai contenuti "
        "(enti, zone). Con --check non scrive nulla ed esce con 1 se il file non è aggiornato.",
        epilog="Esempio:\n  bds intake issue-form\n  bds intake issue-form --check",
    )
    f.add_argument("--out", metavar="FILE", help=f"file da scrivere (di norma {ISSUE_FORM_PATH})")
    f.add_argument("--check", action="store_true", help="controlla soltanto che il file sia aggiornato")
    f.set_defaults(func=run_issue_form)

    w = inner.add_parser(
        "form",
        help="scrive il modulo web «Proponi un'opportunità» come pagina a sé",
        description="Scrive in una cartella la pagina del modulo con i suoi file (script, "
        "stile, modello CSV): "
        "funziona anche senza il sito e senza rete.",
        epilog="Esempio:\n  bds intake form --out /tmp/modulo",
    )
    w.add_argument("--out", metavar="CARTELLA", required=True, help="cartella da creare (non deve esistere)")
    add_today(w)
    w.set_defaults(func=run_form)

    r = inner.add_parser(
        "freshness",
        help="elenca le schede da verificare, raggruppate per ente",
        description="Elenca le schede che scadono entro N giorni o sono scadute, e quelle "
        "verificate da più di "
        "review_days giorni (180 se il territorio non dice altro), raggruppate per ente.",
        epilog="Esempio:\n  bds intake freshness --format markdown > da-verificare.md",
    )
    r.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="formato dell'elenco"
    )
    r.add_argument(
        "--days", type=int, default=30, metavar="N", help="giorni di preavviso per le scadenze (30)"
    )
    add_today(r)
    r.set_defaults(func=run_freshness)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    problem = path_problem(Path(path))
    if problem:
        raise BdsError(f"{path}: {problem}", exit_code=2)
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BdsError(f"{path}: il file non si può leggere: {read_problem(exc)}", exit_code=2) from None


def run_issue(args) -> int:
    from ..content import load_content
    from ..intake import issue as issue_form
    from ..intake.spreadsheet import write_new

    proj = project(args)
    content = load_content(proj)
    result = issue_form.parse_body(_read(args.file), content, today(args.today))
    if result.problems:
        if args.format == "markdown":
            print(issue_form.problems_markdown(result), end="")
        else:
            for title, code, message in result.problems:
                print(f"{args.file}: campo «{title}»: errore [{code}] {message}", file=sys.stderr)
        return 1
    record_id = result.record["id"]
    if args.out and args.out.endswith((".yml", ".yaml")):
        target = Path(args.out)
    else:
        target = (Path(args.out) if args.out else proj.opportunities_dir) / f"{record_id}.yml"
    if target.exists():
        raise BdsError(
            f"{target}: il file esiste già; la proposta non lo sostituisce (scegli un altro identificativo)",
            exit_code=1,
        )
    write_new(target, result.text, update=False)
    for title, code, message in result.warnings:
        print(f"{args.file}: campo «{title}»: avviso [{code}] {message}", file=sys.stderr)
    print(target)
    return 0


def run_issue_form(args) -> int:
    from ..content import load_content
    from ..intake import issue as issue_form
    from ..intake.spreadsheet import write_new

    proj = project(args)
    target = Path(args.out) if args.out else proj.root / issue_form.PATH
    if target.is_dir():
        raise BdsError(f"--out: {target} è una cartella; indica il file da scrivere (.yml)", exit_code=2)
    text = issue_form.form_yaml(load_content(proj))
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            print(f"bds: {target} non è aggiornato: rigeneralo con «bds intake issue-form»", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    write_new(target, text, update=True)
    print(target)
    return 0


def run_form(args) -> int:
    from ..content import load_content
    from ..intake import form as web_form

    proj = project(args)
    out = Path(args.out)
    if out.exists():
        raise BdsError(f"--out: la cartella {out} esiste già; scegline una nuova", exit_code=2)
    files = web_form.files(load_content(proj), today(args.today) if args.today else None)
    staging = out.with_name(f".{out.name}.tmp")
    for rel, data in files.items():
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    staging.rename(out)
    print(out / web_form.PAGE_DIR / "index.html")
    return 0


def run_freshness(args) -> int:
    from .. import freshness as FR
    from ..content import load_content

    proj = project(args)
    content = load_content(proj)
    report = FR.freshness(content, today(args.today), days=args.days)
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        territory = (
            content.territory.data if content.territory and isinstance(content.territory.data, dict) else {}
        )
        print(FR.markdown(report, territory.get("repository_url")), end="")
    else:
        print(FR.text(report))
    return 0
