"""`bds serve`: preview the site with live reload while editing content, or serve a built site."""
# messages: pending (12 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BdsError
from .common import project


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="anteprima del sito con aggiornamento automatico",
        description="Avvia un server locale (solo su questo computer) che mostra il sito e lo aggiorna "
        "a ogni "
        "modifica dei file in content/ e opportunities/. Ferma con Ctrl+C. Con --site mostra invece un sito "
        "già costruito (bds build) così come lo manda un servizio di hosting: con i file compressi .gz "
        "a chi li accetta, senza aggiornamento automatico.",
        epilog="Esempi:\n  bds serve\n  bds serve --port 8001\n"
        "  bds build --out site && bds serve --site site",
    )
    p.add_argument("--port", type=int, default=8000, help="porta del server (di norma 8000)")
    p.add_argument(
        "--site", metavar="CARTELLA", help="cartella di un sito già costruito da servire così com'è"
    )
    p.set_defaults(func=run)


def run(args) -> int:
    if args.site:
        return serve_built(Path(args.site), args.port)
    from ..web import engine

    proj = project(args)
    engine.serve(engine.config_file(proj.root), proj.root, "127.0.0.1", args.port)
    return 0


def serve_built(site: Path, port: int) -> int:
    from ..web import precompress

    if not (site / "index.html").is_file():
        raise BdsError(f"--site: in «{site}» non c'è un sito costruito (manca index.html)", exit_code=2)
    try:
        server = precompress.serve_site(site, "127.0.0.1", port)
    except OSError as exc:
        why = exc.strerror or "errore di rete"
        raise BdsError(f"--port: la porta {port} non si può usare ({why})", exit_code=2) from None
    address, bound = server.server_address[:2]
    # the socket reports its address as str; the stub also allows bytes, decoded rather than shown as b'…'
    host = address.decode() if isinstance(address, (bytes, bytearray)) else address
    print(f"Sito {site} su http://{host}:{bound}/ (ferma con Ctrl+C)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
