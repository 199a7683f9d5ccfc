"""The territory as the outcome commands see it: always read through the validated loader.

`bds outcomes validate`, `bds demo-data` and `bds report` all take zones, health services and the
disclosure threshold from content/territory.yml. A broken, tagged or list-shaped file gets the same
located findings as `bds validate`, never a crash and never a silently weakened rule.
"""

from __future__ import annotations

from .. import findings, load, messages, report, schema
from ..errors import BdsError


def load_territory(project) -> dict:
    """content/territory.yml of `project`, parsed safely and checked against its schema."""
    path = project.territory_file
    doc = load.load_path(path, project.shown(path))
    problems = doc.findings + (schema.validate(doc, "territory") if doc.ok else [])
    errors = [f for f in problems if f.severity == findings.ERROR]
    if not errors and not isinstance(doc.data, dict):  # the schema says so; kept as the last guard
        errors = [
            findings.make(
                "YAML_NOT_MAPPING", doc.path, 1, 1, found=messages.t("outcomes.territory.other_shape")
            )
        ]
    if errors:
        raise BdsError(messages.t("outcomes.territory.invalid") + "\n" + report.text(errors), exit_code=1)
    return doc.data
