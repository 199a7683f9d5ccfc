"""The private, anonymised outcome aggregate.

Stages, one module each: package (schema and loading), validate, synth (demo data),
aggregate (indicators), disclosure (primary rules, attacker audit, secondary
suppression), ledger (earlier releases), render (files), release (the whole run).

`build_report` is imported on first use: the code registry (`outcomes.codes`, listed by
`bds codes` and the site) must not pull in the statistics stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .release import build_report as build_report


def __getattr__(name: str) -> Any:
    if name == "build_report":
        from .release import build_report

        return build_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
