"""`bds serve`: preview the site with live reload while editing content, or serve a built site."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from ..errors import BdsError
from ..messages import t
from .common import add_command, project


def register(sub) -> None:
    p = add_command(sub, "serve", "cli.serve.")
    p.add_argument("--port", type=int, default=8000, help=t("cli.serve.port"))
    p.add_argument("--site", metavar=t("cli.metavar.folder"), help=t("cli.serve.site"))
    p.set_defaults(func=run)


def run(args) -> int:
    if args.site:
        return serve_built(Path(args.site), args.port)
    from ..web import engine, live

    proj = project(args)
    config = engine.config_file(proj.root)
    _check_port("127.0.0.1", args.port)  # before the first build, which takes minutes on a big project
    preview = live.Preview(proj, config=config if config.parent == proj.root else None)
    engine.serve(config, preview, "127.0.0.1", args.port)
    return 0


def _check_port(host: str, port: int) -> None:
    """Say at once if the port is taken or not ours to open (the server reuses addresses too)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            why = exc.strerror or t("cli.serve.network_error")
            raise BdsError(t("cli.serve.port_unusable", port=port, why=why), exit_code=2) from None


def serve_built(site: Path, port: int) -> int:
    from ..web import precompress

    if not (site / "index.html").is_file():
        raise BdsError(t("cli.serve.no_site", site=site), exit_code=2)
    try:
        server = precompress.serve_site(site, "127.0.0.1", port)
    except OSError as exc:
        why = exc.strerror or t("cli.serve.network_error")
        raise BdsError(t("cli.serve.port_unusable", port=port, why=why), exit_code=2) from None
    address, bound = server.server_address[:2]
    # the socket reports its address as str; the stub also allows bytes, decoded rather than shown as b'…'
    host = address.decode() if isinstance(address, (bytes, bytearray)) else address
    print(t("cli.serve.serving", site=site, host=host, port=bound), file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
