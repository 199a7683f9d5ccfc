"""`bds serve`: preview the site with live reload while editing content."""

from __future__ import annotations

from .common import project


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="anteprima del sito con aggiornamento automatico",
        description="Avvia un server locale (solo su questo computer) che mostra il sito e lo aggiorna "
        "a ogni "
        "modifica dei file in content/ e opportunities/. Ferma con Ctrl+C.",
        epilog="Esempi:\n  bds serve\n  bds serve --port 8001",
    )
    p.add_argument("--port", type=int, default=8000, help="porta del server (di norma 8000)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..web import engine

    proj = project(args)
    engine.serve(engine.config_file(proj.root), proj.root, "127.0.0.1", args.port)
    return 0
