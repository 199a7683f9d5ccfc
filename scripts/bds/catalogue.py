"""The one catalogue of codes: every code that any command reports, in one namespace.

Two registries feed it, both made of `findings.Code`: the content findings (`findings.py`:
validate, and build, publish, import and intake, which check the records first) and the
outcome-data problems (`outcomes/codes.py`: outcomes validate and import, report). A code means
one thing whichever command prints it, so no code is registered twice (`codes` refuses it and a
test holds it). `bds codes` prints this catalogue and the site page «Messaggi del validatore» is
generated from it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from . import findings, messages
from .findings import Code
from .outcomes import codes as outcome_codes


@dataclass(frozen=True)
class Area:
    """A part of the catalogue: the codes of one registry and how their messages look."""

    title: str
    intro: str
    codes: tuple[Code, ...]


def areas() -> tuple[Area, ...]:
    """The two parts; their titles and intros are `validate.catalogue.<content|outcomes>_area|_area_intro`."""
    return (
        Area(
            messages.t("validate.catalogue.content_area"),
            messages.t("validate.catalogue.content_area_intro"),
            tuple(findings.codes()),
        ),
        Area(
            messages.t("validate.catalogue.outcomes_area"),
            messages.t("validate.catalogue.outcomes_area_intro"),
            tuple(outcome_codes.REGISTRY.values()),
        ),
    )


def codes() -> list[Code]:
    """Every code of every command, in catalogue order; a code registered twice is a programming error."""
    out: list[Code] = []
    seen: set[str] = set()
    for area in areas():
        for entry in area.codes:
            if entry.code in seen:
                raise ValueError(f"code {entry.code} is registered twice")
            seen.add(entry.code)
            out.append(entry)
    return out


def markdown() -> str:
    codes()  # refuses a duplicate before anything is printed
    lines = [f"# {messages.t('validate.catalogue.title')}", "", messages.t("validate.catalogue.intro"), ""]
    for area in areas():
        lines += [f"## {area.title}", "", area.intro, ""]
        lines += findings.groups_markdown(area.codes, level=3)
    return "\n".join(lines)


def json_text() -> str:
    """The catalogue as a JSON list: code, severity, title, template, hint, group, command."""
    return json.dumps([asdict(entry) for entry in codes()], ensure_ascii=False, indent=2)
