"""`bds codes`: the catalogue of validator messages, generated from the registry."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "codes",
        help="elenca i codici dei messaggi del validatore",
        description="Stampa in Markdown il catalogo dei codici di errore e di avviso, "
        "con il modo di risolverli.",
        epilog="Esempio:\n  bds codes > codici.md",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from ..findings import catalogue_markdown

    print(catalogue_markdown())
    return 0
