"""The CPS directory and finder, and the urgent-help numbers: from `content/territory.yml` to a page.

Pure functions: the territory record in, plain data (`directory`, `area_index`) or HTML out. The finder
works in the browser (bds.js, `setupCpsFinder`) over the A-Z list of neighbourhoods this page prints,
so without JavaScript the same list still leads, by plain links, from a neighbourhood to its CPS.
"""

# ruff: noqa: E501 -- HTML and Italian text templates read better unbroken
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import messages
from .context import SiteContext
from .engine import button_class
from .model import rel
from .page import Page
from .text import esc, fold, t_html

CPS_PAGE = "cps.md"


def finder_title(words) -> str:
    """«Trova il CPS della tua zona», in the territory's words (home card, tab, links, page title)."""
    return messages.t("site.cps.finder_title", unit_the=words.unit_the)


def finder_tab(words) -> str:
    """The header tab: short, and not the same words as the home card's link («Trova il CPS»)."""
    return messages.t("site.cps.finder_tab", unit_the=words.unit_the)


@dataclass(frozen=True)
class Cps:
    id: str
    name: str
    service: str  # the health service's short name
    zones: tuple[tuple[str, str], ...]  # (zone id, zone label), in the territory's order
    areas: tuple[str, ...]  # neighbourhoods it serves: its own list, else its zones' areas
    address: str
    phone: str
    email: str
    hours: str
    booking: str
    example: bool


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _records(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value) -> list[str]:
    return [str(v) for v in value if isinstance(v, (str, int))] if isinstance(value, list) else []


@dataclass(frozen=True)
class _Zones:
    """The territory's zones by id: where each stands in the territory's order, its label, its
    neighbourhoods."""

    order: dict[str, int]
    labels: dict[str, str]
    areas: dict[str, list[str]]

    @classmethod
    def of(cls, zones: list[dict]) -> _Zones:
        return cls(
            order={str(z.get("id")): i for i, z in enumerate(zones)},
            labels={str(z.get("id")): str(z.get("label") or z.get("id")) for z in zones},
            areas={str(z.get("id")): _strings(z.get("areas")) for z in zones},
        )

    def rank(self, zone: str) -> int:
        """Where `zone` stands in the territory's order; an unknown zone after every known one."""
        return self.order.get(zone, 999)


def directory(territory: dict) -> list[Cps]:
    """Every CPS of the territory, ordered by the first zone it serves (then by name)."""
    zones = _Zones.of(_records(territory.get("zones")))
    found = [
        _cps(cps, str(service.get("short_name") or service.get("name") or ""), zones)
        for service in _records(territory.get("health_services"))
        for cps in _records(service.get("cps"))
    ]
    return sorted(found, key=lambda c: (min((zones.rank(z) for z, _ in c.zones), default=999), c.name, c.id))


def _cps(cps: dict, service: str, zones: _Zones) -> Cps:
    """One CPS of the health service whose short name is `service`; without its own neighbourhoods,
    those of the zones it serves."""
    ids = sorted(_strings(cps.get("zones")), key=lambda z: (zones.rank(z), z))
    areas = _strings(cps.get("areas")) or [a for z in ids for a in zones.areas.get(z, [])]
    return Cps(
        id=str(cps.get("id")),
        name=str(cps.get("name") or cps.get("id")),
        service=service,
        zones=tuple((z, zones.labels.get(z, z)) for z in ids),
        areas=tuple(dict.fromkeys(areas)),
        address=_text(cps, "address"),
        phone=_text(cps, "phone"),
        email=_text(cps, "email"),
        hours=_text(cps, "hours"),
        booking=_text(cps, "booking"),
        example=cps.get("example") is True,
    )


def cps_directory(ctx: SiteContext) -> tuple[Cps, ...]:
    """The territory's CPS (`directory`), derived once per site context: the CPS finder, every health
    service's partner page, the catalogue's zones and its search all read it. Callers must not change it."""
    found = ctx.cache.get("cps-directory")
    if found is None or found[0] is not ctx.territory:  # a copy of the context with another territory
        found = ctx.cache["cps-directory"] = (ctx.territory, tuple(directory(ctx.territory)))
    return found[1]


def finder_key(text: str) -> str:
    """What the finder compares: lowercase, no accents, words split on anything else ("Città-Studi" -> "citta studi")."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(str(text))))


def area_index(cpss: list[Cps]) -> list[tuple[str, str, list[Cps]]]:
    """(name shown, finder key, CPSs) for every neighbourhood and zone, sorted as a reader looks them up."""
    by_key: dict[str, tuple[str, list[Cps]]] = {}
    for cps in cpss:
        names = list(cps.areas) + [label for _, label in cps.zones]
        for name in names:
            key = finder_key(name)
            if not key:
                continue
            shown, found = by_key.setdefault(key, (name, []))
            if cps not in found:
                found.append(cps)
    return sorted(((shown, key, found) for key, (shown, found) in by_key.items()), key=lambda e: (e[1], e[0]))


def tel_href(phone: str) -> str:
    """A tel: address: digits only, Italian numbers with +39 (service numbers like 112, 116117 stay as they are)."""
    digits = re.sub(r"[^0-9+]", "", phone)
    if digits[:1] in ("0", "3") and len(digits) >= 6:
        digits = "+39" + digits
    return "tel:" + digits


def phone_link(phone: str) -> str:
    return f'<a class="bds-tel" href="{esc(tel_href(phone))}">{esc(phone)}</a>'


def _zone_names(cps: Cps) -> str:
    labels = [label for _, label in cps.zones]
    if len(labels) == 1:
        return labels[0]
    return messages.t("site.cps.zone_list", first=", ".join(labels[:-1]), last=labels[-1])


def _missing(ctx: SiteContext) -> str:
    """What a CPS card says where the territory gives no fact: who to ask, when there is a number."""
    coord = ctx.territory.get("coordinators") or {}
    if coord.get("phone"):
        return messages.t("site.cps.missing_ask", phone=esc(coord["phone"]))
    return messages.t("site.cps.missing")


def _more_facts(cps: Cps) -> list[tuple[str, str]]:
    """The facts a card shows only when the territory gives them: the email, the neighbourhoods."""
    rows = []
    if cps.email:
        rows.append(
            (messages.t("site.cps.facts.email"), f'<a href="mailto:{esc(cps.email)}">{esc(cps.email)}</a>')
        )
    if cps.areas:
        rows.append((messages.t("site.cps.facts.areas"), esc(", ".join(cps.areas))))
    return rows


def cps_card(cps: Cps, ctx: SiteContext, heading: int = 3) -> str:
    missing = _missing(ctx)
    rows = [
        (messages.t("site.cps.facts.phone"), phone_link(cps.phone) if cps.phone else esc(missing)),
        (messages.t("site.cps.facts.address"), esc(cps.address) if cps.address else esc(missing)),
        (messages.t("site.cps.facts.hours"), esc(cps.hours) if cps.hours else esc(missing)),
        (messages.t("site.cps.facts.booking"), esc(cps.booking) if cps.booking else esc(missing)),
        *_more_facts(cps),
    ]
    badge = f'<p class="bds-badge bds-badge--example">{t_html("site.cps.example")}</p>' if cps.example else ""
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<section class="bds-cps" id="{esc(cps.id)}" data-cps="{esc(cps.id)}" aria-labelledby="{esc(cps.id)}-t">'
        f'<h{heading} id="{esc(cps.id)}-t">{esc(cps.name)}</h{heading}>'
        f'<p class="bds-meta">{esc(_zone_names(cps))} · {esc(cps.service)}</p>{badge}'
        f'<dl class="bds-facts">{facts}</dl></section>'
    )


def default_crisis() -> list[dict]:
    """The single European emergency number, when the territory lists no numbers of its own."""
    return [
        {
            "name": messages.t("site.crisis.default.name"),
            "phone": "112",
            "when": messages.t("site.crisis.default.when"),
            "what": messages.t("site.crisis.default.what"),
        }
    ]


def crisis_entries(territory: dict) -> list[dict]:
    entries = [e for e in _records(territory.get("crisis")) if e.get("name")]
    return entries or default_crisis()


def crisis_html(ctx: SiteContext, path: str, heading: int = 2, compact: bool = False) -> str:
    """«Se serve aiuto subito»: the numbers that answer at night and at weekends, from the territory."""
    items = []
    for entry in crisis_entries(ctx.territory):
        phone = phone_link(str(entry["phone"])) if entry.get("phone") else ""
        badge = (
            f' <span class="bds-badge bds-badge--example">{t_html("site.example.tag")}</span>'
            if entry.get("example") is True
            else ""
        )
        what = "" if compact or not entry.get("what") else f"<br>{esc(entry['what'])}"
        items.append(
            f"<li><strong>{esc(entry['name'])}</strong>{badge}: {phone}"
            f'{" · " if phone else ""}<span class="bds-when">{esc(entry.get("when", ""))}</span>{what}</li>'
        )
    more = (
        f'<p><a href="{esc(rel(path, CPS_PAGE))}#aiuto-urgente">{t_html("site.crisis.all_numbers")}</a></p>'
        if compact
        else ""
    )
    return (
        f'<section class="bds-crisis" aria-labelledby="aiuto-urgente"><h{heading} id="aiuto-urgente">'
        f"{t_html('site.crisis.heading')}</h{heading}>"
        f"<p>{t_html('site.crisis.intro', unit_the=ctx.labels.words.unit_the)}</p>"
        f'<ul class="bds-crisis-list">{"".join(items)}</ul>{more}</section>'
    )


def guide_for(ctx: SiteContext, slug: str) -> dict | None:
    return next((g for g in ctx.guides if g.get("slug") == slug), None)


def family_guide(ctx: SiteContext) -> dict | None:
    """The guide written for families: only for them if there is one, else the first that includes them."""
    for_families = [g for g in ctx.guides if "families" in (g.get("audience") or [])]
    return next((g for g in for_families if list(g.get("audience") or []) == ["families"]), None) or next(
        iter(for_families), None
    )


def finder_examples(cpss: list[Cps], count: int = 3) -> str:
    """Names a person could type, taken from the territory (the first neighbourhood of the first units,
    then a zone): never another city's places."""
    names = [c.areas[0] for c in cpss if c.areas][: count - 1]
    names += [label for c in cpss for _, label in c.zones if label not in names][:1]
    return ", ".join(dict.fromkeys(names))


def _finder_form(title: str, words, cpss: list[Cps]) -> str:
    """The finder's search field (shown by bds.js) and the places its answers go."""
    examples = finder_examples(cpss)
    hint = t_html("site.cps.finder_hint", examples=examples) if examples else ""
    return (
        f'<form class="bds-finder" id="bds-cps-finder" hidden role="search" aria-label="{esc(title)}" '
        f'data-your="{esc(words.unit_your)}" data-many="{esc(words.unit)}">'
        f'<p><label for="bds-cps-q">{t_html("site.cps.finder_label")}</label>'
        f'<span class="bds-hint" id="bds-cps-hint">{hint}</span>'
        '<span class="bds-finder-row"><input type="search" id="bds-cps-q" name="q" autocomplete="off" '
        'aria-describedby="bds-cps-hint" enterkeyhint="search">'
        f'<button type="submit" class="{button_class(primary=True)}">{t_html("site.cps.finder_button")}</button>'
        "</span></p></form>"
        '<p id="bds-cps-answer" class="bds-cps-answer" role="status" aria-live="polite"></p>'
        '<div id="bds-cps-cards" class="bds-cps-cards"></div>'
    )


def _ask_coordinators(ctx: SiteContext) -> str:
    """«Non trovi il tuo quartiere?»: the coordinators' phone and email, when the territory gives them."""
    coord = ctx.territory.get("coordinators") or {}
    if not (coord.get("email") or coord.get("phone")):
        return ""
    contacts = []
    if coord.get("phone"):
        contacts.append(phone_link(str(coord["phone"])))
    if coord.get("email"):
        contacts.append(f'<a href="mailto:{esc(coord["email"])}">{esc(coord["email"])}</a>')
    return f"<p>{t_html('site.cps.ask', contacts_html=' · '.join(contacts))}</p>"


def cps_page(ctx: SiteContext, path: str = CPS_PAGE) -> Page:

    words = ctx.labels.words
    title = finder_title(words)
    cpss = list(cps_directory(ctx))
    index = area_index(cpss)
    territory = str(ctx.territory.get("territory") or "")
    entries = "".join(
        f'<li data-n="{esc(key)}" data-c="{esc(" ".join(c.id for c in found))}"><a href="#{esc(found[0].id)}">{esc(shown)}</a>: '
        f"{esc(', '.join(c.name for c in found))}</li>"
        for shown, key, found in index
    )
    finder = _finder_form(title, words, cpss)
    cards = "".join(cps_card(c, ctx) for c in cpss)
    ask = _ask_coordinators(ctx)
    chosen = {g["slug"]: g for g in (guide_for(ctx, "come-accedere"), family_guide(ctx)) if g}
    read = [
        f'<a href="{esc(rel(path, "guide/" + slug + ".md"))}">{esc(g.get("title", ""))}</a>'
        for slug, g in chosen.items()
    ]
    guides = (
        f'<h2 id="cosa-dire">{t_html("site.cps.when_calling_heading")}</h2><p>{t_html("site.cps.when_calling")}</p>'
        + (f"<p>{t_html('site.cps.next', guides_html=' · '.join(read))}</p>" if read else "")
    )
    lead = t_html(
        "site.cps.lead",
        unit_long=words.unit_long,
        unit=words.unit,
        programme=words.programme,
        territory=territory,
        places_html=t_html("site.cps.places", count=len(cpss)),
    )
    body = (
        f'<div class="bds-cps-page"><h1>{esc(title)}</h1>'
        f'<p class="bds-lead">{lead}</p>'
        f"{finder}{guides}{crisis_html(ctx, path)}"
        f'<h2 id="quartieri">{t_html("site.cps.areas_heading")}</h2><ul class="bds-areas" id="bds-areas">{entries}</ul>'
        f"{ask}"
        f'<h2 id="elenco">{t_html("site.cps.list_heading", unit=words.unit)}</h2>{cards}'
        "</div>"
    )
    return Page(
        title,
        body,
        description=messages.t("site.cps.description", unit_the=words.unit_the),
        side_menu=False,
        outline=False,
    )
