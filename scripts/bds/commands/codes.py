"""`bds codes`: the one catalogue of codes of every command, generated from the registries."""

from __future__ import annotations

from ..messages import t


def register(sub) -> None:
    p = sub.add_parser(
        "codes",
        help=t("cli.codes.help"),
        description=t("cli.codes.description"),
        epilog=t("cli.codes.epilog"),
    )
    p.add_argument("--format", choices=("markdown", "json"), default="markdown", help=t("cli.codes.format"))
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import catalogue

    print(catalogue.json_text() if args.format == "json" else catalogue.markdown())
    return 0
