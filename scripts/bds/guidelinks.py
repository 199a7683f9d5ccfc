"""Links a guide writes by id, `[words](@target)`, and the mentions that need one.

A guide names pages of the site by id, never by address: `@cps`, `@catalogo?tipo=job`, `@proponi`,
`@enti`, `@guide`, `@glossario`, `@dati-aperti`, `@coordinamento` (the coordinators' email),
`@guida/SLUG`, `@ente/ID`, `@opportunita/ID`, each optionally followed by `#fragment`. The site
resolves them for the page they appear on (`bds.web.render.resolve_guide_links`); the validator warns
about a target that names nothing and about a mention («il CPS della tua zona», «il filtro «…»», «la
guida «…»», «il modulo», «scrivi al coordinamento») written without a link.
"""

from __future__ import annotations

import re

LINK = re.compile(r"\]\(@([a-z0-9][a-z0-9/-]*)([?#][^)\s]*)?\)")
PAGES = ("cps", "catalogo", "proponi", "enti", "guide", "glossario", "dati-aperti", "coordinamento")
KINDS = ("guida", "ente", "opportunita")
# Each part stops at the next bracket of its kind, so a text of thousands of «[» stays linear.
_ANY_LINK = re.compile(r"\[[^\[\]]*\]\([^()]*\)")
MENTIONS = re.compile(
    r"CPS della (?:tua )?zona|CPS della zona in cui abiti|"  # msg-ok: regular expression of mentions
    r"filtro\s+«[^»\n]+»|guida\s+«[^»\n]+»|"
    r"modulo\s+«Proponi un'opportunità»|scrivi\s+al\s+coordinamento",
    re.IGNORECASE,
)


def known(target: str, guides: set[str], partners: set[str], listings: set[str]) -> bool:
    if target in PAGES:
        return True
    kind, _, name = target.partition("/")
    names = {"guida": guides, "ente": partners, "opportunita": listings}.get(kind, set())
    return name in names


def unknown_targets(body: str, guides: set[str], partners: set[str], listings: set[str]):
    """(offset, target) of every `@target` in the body that names nothing."""
    for m in LINK.finditer(body):
        if not known(m.group(1), guides, partners, listings):
            yield m.start(1) - 1, m.group(1)


def unlinked_mentions(body: str):
    """(offset, words) of every mention outside a link and outside headings."""
    spans = [m.span() for m in _ANY_LINK.finditer(body)]
    for m in MENTIONS.finditer(body):
        line_start = body.rfind("\n", 0, m.start()) + 1
        if body.startswith("#", line_start):
            continue
        if any(a <= m.start() < b for a, b in spans):
            continue
        yield m.start(), m.group(0)
