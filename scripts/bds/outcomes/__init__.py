"""The private, anonymised outcome aggregate.

Stages, one module each: package (schema and loading), validate, synth (demo data),
aggregate (indicators), disclosure (primary rules, attacker audit, secondary
suppression), ledger (earlier releases), render (files), release (the whole run).

`build_report` is imported on first use: the release pulls in numpy and scipy (disclosure), which
`bds outcomes validate`, `bds demo-data` and the light modules here (codes, fsutil) never need.
"""


def __getattr__(name: str):
    if name == "build_report":
        from .release import build_report

        return build_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
