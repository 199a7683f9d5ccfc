"""`bds codes`: the one catalogue of codes of every command, generated from the registries."""

from __future__ import annotations

from ..messages import t
from .common import add_command


def register(sub) -> None:
    p = add_command(sub, "codes", "cli.codes.")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown", help=t("cli.codes.format"))
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import catalogue

    print(catalogue.json_text() if args.format == "json" else catalogue.markdown())
    return 0
