"""Helpers shared by the subcommands (not a command itself: it has no `register`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..content import Project, ProjectNotFound
from ..errors import BdsError


def project(args) -> Project:
    try:
        return Project.find(Path(args.root) if getattr(args, "root", None) else None)
    except ProjectNotFound as exc:
        raise BdsError(str(exc), exit_code=2) from None


def today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BdsError(f"--today: «{value}» non è una data nel formato AAAA-MM-GG", exit_code=2) from None


def add_today(parser) -> None:
    parser.add_argument(
        "--today",
        metavar="AAAA-MM-GG",
        help="data da usare come «oggi» per scadenze e verifiche (di norma la data di oggi)",
    )
