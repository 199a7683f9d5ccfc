"""`bds codes`: the one catalogue of codes of every command, generated from the registries."""
# messages: pending (4 texts to move into data/messages/it.yml)

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "codes",
        help="elenca i codici dei messaggi di tutti i comandi",
        description="Stampa il catalogo dei codici di errore e di avviso di tutti i comandi (schede e dati "
        "degli esiti), con il modo di risolverli: in Markdown o in JSON.",
        epilog="Esempi:\n  bds codes > codici.md\n  bds codes --format json",
    )
    p.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="markdown (come la pagina del sito) o json (code, severity, title, template, hint, group, "
        "command)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import catalogue

    print(catalogue.json_text() if args.format == "json" else catalogue.markdown())
    return 0
