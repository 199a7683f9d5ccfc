"""`bds demo-data`: an invented outcome package to try the report without real data."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import messages
from ..errors import BdsError
from .common import add_command
from .outcomes import territory_of


def register(sub) -> None:
    say = "outcomes.demo_data."
    p = add_command(sub, "demo-data", say)
    p.add_argument("--out", required=True, metavar="CARTELLA", help=messages.t(say + "out"))
    p.add_argument("--people", type=int, default=400, metavar="N", help=messages.t(say + "people"))
    p.add_argument("--seed", type=int, default=1, metavar="S", help=messages.t(say + "seed"))
    p.set_defaults(func=run)


def run(args) -> int:
    from ..outcomes import synth

    if not 1 <= args.people <= 1_000_000:
        raise BdsError(messages.t("outcomes.demo_data.people_range"), exit_code=2)
    tables = synth.generate(args.people, args.seed, territory_of(args))
    synth.write(Path(args.out), tables)
    rows = sum(len(t) - 1 for t in tables.values())
    print(
        messages.t("outcomes.demo_data.written", out=args.out, people=args.people, rows=rows), file=sys.stderr
    )
    return 0
