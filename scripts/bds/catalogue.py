"""The one catalogue of codes: every code that any command reports, in one namespace.

Two registries feed it, both made of `findings.Code`: the content findings (`findings.py`:
validate, and build, publish, import and intake, which check the records first) and the
outcome-data problems (`outcomes/codes.py`: outcomes validate and import, report). A code means
one thing whichever command prints it, so no code is registered twice (`codes` refuses it and a
test holds it). `bds codes` prints this catalogue and the site page «Messaggi del validatore» is
generated from it.
"""
# messages: pending (6 texts to move into data/messages/it.yml)

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from . import findings
from .findings import Code
from .outcomes import codes as outcome_codes


@dataclass(frozen=True)
class Area:
    """A part of the catalogue: the codes of one registry and how their messages look."""

    title: str
    intro: str
    codes: tuple[Code, ...]


def areas() -> tuple[Area, ...]:
    return (
        Area(
            "Schede e contenuti del sito",
            "Li segnalano `bds validate` e, prima di lavorare, `bds build`, `bds publish`, `bds import` e "
            "`bds intake`. Il formato di ogni riga è `file:riga:colonna: errore [CODICE] campo: messaggio`.",
            tuple(findings.REGISTRY.values()),
        ),
        Area(
            "Dati privati degli esiti",
            "Li segnalano `bds outcomes validate`, `bds outcomes import` e `bds report`. Il formato di ogni "
            "riga è `tabella.csv:riga:colonna: errore [CODICE] messaggio` (per un foglio di calcolo: "
            "`file:foglio:riga:colonna`). I messaggi non riportano mai il contenuto di una cella: i dati "
            "riguardano la salute delle persone.",
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
    lines = [
        "# Messaggi del validatore",
        "",
        "Ogni problema trovato da un comando di bds ha un codice stabile, lo stesso per tutti i comandi. "
        "Gli **errori** fermano il comando (e la pubblicazione); gli **avvisi** no, ma vanno letti.",
        "",
    ]
    for area in areas():
        lines += [f"## {area.title}", "", area.intro, ""]
        lines += findings.groups_markdown(area.codes, level=3)
    return "\n".join(lines)


def json_text() -> str:
    """The catalogue as a JSON list: code, severity, title, template, hint, group, command."""
    return json.dumps([asdict(entry) for entry in codes()], ensure_ascii=False, indent=2)
