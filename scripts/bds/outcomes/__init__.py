"""The private, anonymised outcome aggregate.

Stages, one module each: package (schema and loading), validate, synth (demo data),
aggregate (indicators), disclosure (primary rules, attacker audit, secondary
suppression), ledger (earlier releases), render (files), release (the whole run).
"""

from .release import build_report  # noqa: F401
