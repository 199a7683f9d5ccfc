"""One pure function per page type: records and a SiteContext in, a `Page` out (bds.web.page).

A page's body is one block of HTML. We write the HTML ourselves, so that every value is escaped
here (no engine or template decides it) and every internal link is relative (the site works from a
sub-path). Title and description stay plain text: the engine adapter escapes them for its theme.
"""

# ruff: noqa: E501 -- HTML and Italian text templates read better unbroken
from __future__ import annotations

import json
import re

from .. import guidelinks, messages
from ..records import Listing, as_listing
from . import ical, jsonld, languages, model, qr, services
from .context import SiteContext
from .engine import button_class
from .model import rel
from .page import Page
from .text import (
    esc,
    fact_text,
    guide_html,
    markdown_html,
    own_expansion,
    plain_text,
    safe_url,
    stopwords,
    t_html,
)

QR_PLACEHOLDER = "<!--bds:qr-->"
HEADER_SEARCH_MAX_LISTINGS = 400  # above this, listings are found only by the catalogue's own search


def language_name(code: str) -> str:
    """A listing's language in words («inglese»); a code the catalogue does not name stays as it is."""
    key = f"site.listing.language_names.{code}"
    return messages.t(key) if code.isalpha() and messages.has(key, "it") else code


ACCESS_HELP = {"via-case-manager": "via_case_manager", "direct": "direct", "both": "both"}


def access_help(access: str, words) -> str:
    """The help under the access mode, in the territory's words."""
    if access not in ACCESS_HELP:
        return ""
    return messages.t(
        f"site.listing.access_help.{ACCESS_HELP[access]}",
        coordinator=words.coordinator,
        coordinator_the=words.coordinator_the,
    )


def _latest(*dates) -> str:
    found = sorted(str(d) for d in dates if d)
    return found[-1] if found else ""


# -- pieces ----------------------------------------------------------------------------------------


def _written_date(parsed, written) -> str:
    """«12 gennaio 2026» from a record's parsed date; what the file says when it is not a date."""
    return model.italian_date(parsed if parsed is not None else written)


def example_badge(record: dict, text: str = "") -> str:
    return (
        f'<p class="bds-badge bds-badge--example" data-search-exclude>{esc(text or messages.t("site.example.listing"))}</p>'
        if record.get("example") is True
        else ""
    )


def contact_html(contact: dict | None, with_address: bool = False) -> str:
    contact = contact or {}
    items = []
    email = contact.get("email")
    if isinstance(email, str) and re.fullmatch(r"[^@\s<>\"'&]+@[^@\s<>\"'&]+\.[A-Za-z]{2,}", email):
        items.append(
            f'<li>{t_html("site.contact.email")}: <a href="mailto:{esc(email)}">{esc(email)}</a></li>'
        )
    elif email:
        items.append(f"<li>{t_html('site.contact.email')}: {esc(email)}</li>")
    phone = contact.get("phone")
    if phone:
        digits = re.sub(r"[^0-9+]", "", str(phone))
        if digits and not digits.startswith("+"):
            digits = "+39" + digits
        link = f'<a href="tel:{esc(digits)}">{esc(phone)}</a>' if len(digits) >= 6 else esc(phone)
        items.append(f"<li>{t_html('site.contact.phone')}: {link}</li>")
    url = safe_url(contact.get("url"))
    if url:
        items.append(
            f'<li>{t_html("site.contact.website")}: <a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a></li>'
        )
    elif contact.get("url"):
        items.append(f"<li>{t_html('site.contact.website')}: {esc(contact.get('url'))}</li>")
    if with_address and contact.get("address"):
        items.append(f"<li>{t_html('site.contact.address')}: {esc(contact['address'])}</li>")
    return (
        '<ul class="bds-contact">' + "".join(items) + "</ul>"
        if items
        else f"<p>{t_html('site.contact.none')}</p>"
    )


def _day(parsed, written) -> str:
    """A record's date in words with its weekday; what the file says when it is not a date."""
    return model.italian_day(parsed if parsed is not None else written)


def when_html(listing: Listing | dict) -> str:
    record = as_listing(listing)
    written = record.raw.get("dates") or {}
    parts = []
    start, end, deadline = written.get("start"), written.get("end"), written.get("deadline")
    if start and end and start == end:
        day = _day(record.start, start)
        parts.append(day[:1].upper() + day[1:])  # not str.capitalize: «Saturday 24 April», not «april»
    elif start and end:
        parts.append(
            messages.t("site.when.from_to", start=_day(record.start, start), end=_day(record.end, end))
        )
    elif start:
        parts.append(messages.t("site.when.from", start=_day(record.start, start)))
    elif end:
        parts.append(messages.t("site.when.until", end=_day(record.end, end)))
    else:
        parts.append(messages.t("site.when.ongoing"))
    if deadline:
        parts.append(messages.t("site.when.deadline", day=_day(record.deadline, deadline)))
    if record.raw.get("schedule"):
        parts.append(str(record.raw["schedule"]))
    return "<br>".join(esc(p) for p in parts)


def where_html(listing: Listing | dict, labels: model.Labels) -> str:
    record = as_listing(listing)
    # a zone with the neighbourhoods people know it by: «Municipio 9 (Niguarda, Bicocca, Affori, Comasina)»
    zones = ", ".join(
        labels.zones.get(z, z) + (f" ({', '.join(labels.zone_areas[z])})" if labels.zone_areas.get(z) else "")
        for z in record.zones
    )
    if record.protected:
        note = " " + messages.t("site.where.zone_only")  # a protected place (bds.protected)
        return f"{esc(zones)}{esc(note)}"
    parts = [p for p in (record.place_name, record.address, zones) if p]
    return "<br>".join(esc(p) for p in parts)


def places_html(listing: Listing | dict, ctx: SiteContext) -> str:
    """Places and status in one sentence that never contradicts the status."""
    record = ctx.listing(listing)
    places = record.raw.get("places")
    counted = isinstance(places, int) and not isinstance(places, bool) and places > 0
    status = record.raw.get("status")
    if status == "full" or (counted is False and places == 0):
        total = " " + messages.t("site.places.in_all", count=places) if counted else ""
        return t_html("site.places.full", total_html=esc(total))
    if record.is_expired(ctx.today) or status == "closed":
        return ""
    if counted:
        return esc(messages.t("site.places.count", count=places))
    return ""


def cost_html(listing: dict, labels: model.Labels | None = None, for_person: bool = False) -> str:
    cost = listing.get("cost")
    if cost == "free" or cost == 0:
        return t_html("site.cost.free_for_person") if for_person else t_html("site.cost.free")
    if cost == "budget":
        return esc((labels.costs if labels else model.cost_labels())["budget"])
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return esc(model.euro(cost))
    return t_html("site.cost.not_given")


def facts(rows: list[tuple[str, str]], searchable: bool = False) -> str:
    """The key facts as a definition list. `searchable`: the header search indexes them as sentences
    («Dove: Municipio 9 (…, Affori, …).»), in a copy nobody sees, since dt and dd would run together."""
    shown = [(k, v) for k, v in rows if v]
    html = (
        f'<dl class="bds-facts"{" data-search-exclude" if searchable else ""}>'
        + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in shown)
        + "</dl>"
    )
    if searchable:
        text = " ".join(f"{k}: {fact_text(re.sub(r'<br>', '; ', v)).rstrip('.')}." for k, v in shown)
        html += f'<p class="bds-search-text" hidden>{esc(text)}</p>'
    return html


def listing_item(listing: dict, ctx: SiteContext, from_path: str) -> str:
    """One catalogue entry. Facet values ride along as data attributes for the catalogue script.

    A listing appears on many pages (catalogue, filter pages, partner): the entry is cached per
    depth of the linking page (its path to the site root), the only thing the link depends on.
    """
    key = ("item", str(listing.get("id", "")), rel(from_path, "index.md"))
    cached = ctx.cache.get(key)
    if cached is None:
        cached = ctx.cache[key] = _listing_item(listing, ctx, from_path)
    return cached


def _italian_attr() -> str:
    """` lang="it"` on a page of another language: a listing's own text stays in Italian."""
    return "" if messages.current_language() == "it" else ' lang="it"'


def _listing_item(listing: dict, ctx: SiteContext, from_path: str) -> str:
    labels = ctx.labels
    record = ctx.listing(listing)
    written = record.raw.get("dates") or {}
    attrs = {
        "data-k": record.kind,
        "data-x": " ".join(record.axes),
        "data-z": " ".join(record.zones),
        "data-u": " ".join(record.audience),
        "data-r": record.access,
        "data-c": model.cost_key(record.raw),
        "data-o": "1" if record.is_open_now(ctx.today) else "0",
        "data-d": _latest(written.get("deadline"), written.get("end")),
        "data-id": record.id,
    }
    attr_text = " ".join(f'{k}="{esc(v)}"' for k, v in attrs.items() if v)
    zones = ", ".join(labels.zones.get(z, z) for z in record.zones)
    meta = [labels.kinds.get(record.kind, record.kind), zones]
    if model.pays(record.raw):
        stipend = record.raw.get("stipend")
        meta.append(
            messages.t("site.item.stipend", amount=model.euro(stipend))
            if isinstance(stipend, (int, float)) and not isinstance(stipend, bool) and stipend > 0
            else (messages.t("site.item.paid") if record.kind == "job" else "")
        )
    if record.status == "full":
        meta.append(messages.t("site.item.full"))
    if written.get("deadline"):
        meta.append(messages.t("site.when.deadline", day=_day(record.deadline, written["deadline"])))
    badge = example_tag() if record.example else ""
    href = rel(from_path, model.listing_path(record.id))
    return (
        f'<li class="bds-item" {attr_text}><a href="{esc(href)}">{esc(record.title)}</a>{badge}'
        f"<p>{esc(record.summary)}</p>"
        f'<p class="bds-meta">{esc(" · ".join(m for m in meta if m))}</p></li>'
    )


def example_tag() -> str:
    """The small «Esempio» tag beside a name."""
    return f' <span class="bds-badge bds-badge--example">{t_html("site.example.tag")}</span>'


def listing_list(listings: list[dict], ctx: SiteContext, from_path: str) -> str:
    if not listings:
        return f'<p class="bds-empty">{t_html("site.catalogue.empty_here")}</p>'
    return (
        '<ul class="bds-list">' + "".join(listing_item(item, ctx, from_path) for item in listings) + "</ul>"
    )


# -- pages -----------------------------------------------------------------------------------------


def axes_sentence(labels: model.Labels) -> str:
    """The three axes in the territory's words, as a list inside a sentence: «abitare; lavoro e formazione; ...»."""

    def lower_first(text: str) -> str:  # «Abitare» -> «abitare», but «UONPIA» stays as it is
        return text[:1].lower() + text[1:] if text[1:2].islower() else text

    return "; ".join(lower_first(labels.axes.get(axis, axis)) for axis in ("housing", "work", "social"))


def _home_paths(ctx: SiteContext, path: str) -> list[tuple[str, str, str]]:
    """The home page's ways in: (title, link, what it leads to), the family card only with a guide for them."""
    partners_guide = next(
        (g for g in ctx.guides if set(g.get("audience") or []) & {"partners", "volunteers"}), None
    )
    understand = next(
        (
            g
            for g in ctx.guides
            if set(g.get("audience") or []) & {"everyone", "cps-users", "families", "citizens"}
        ),
        None,
    )
    families = services.family_guide(ctx)
    understand_href = (
        rel(path, f"{model.GUIDE_DIR}/{understand['slug']}.md")
        if understand
        else rel(path, f"{model.GUIDE_DIR}/index.md")
    )
    partner_href = (
        rel(path, f"{model.GUIDE_DIR}/{partners_guide['slug']}.md")
        if partners_guide
        else rel(path, f"{model.PARTNER_DIR}/index.md")
    )
    paths = [
        (
            messages.t("site.home.paths.find.title"),
            rel(path, f"{model.LISTING_DIR}/index.md"),
            messages.t(
                "site.home.paths.find.text", in_catalogue=_in_catalogue(ctx), axes=axes_sentence(ctx.labels)
            ),
        ),
        (
            services.finder_title(ctx.labels.words),
            rel(path, services.CPS_PAGE),
            messages.t("site.home.paths.unit.text"),
        ),
        (
            messages.t("site.home.paths.understand.title", programme=ctx.labels.words.programme),
            understand_href,
            messages.t("site.home.paths.understand.text"),
        ),
        *(
            [
                (
                    messages.t("site.home.paths.family.title"),
                    rel(path, f"{model.GUIDE_DIR}/{families['slug']}.md"),
                    messages.t("site.home.paths.family.text"),
                )
            ]
            if families
            else []
        ),
        (
            messages.t("site.home.paths.partner.title"),
            partner_href,
            messages.t("site.home.paths.partner.text"),
        ),
    ]
    return paths


def territory_description(territory: dict) -> tuple[str, bool]:
    """The territory's presentation in the page's language, and whether it is in that language
    (`translations.<lang>.description` in territory.yml; else the Italian one)."""
    language = messages.current_language()
    own = ((territory.get("translations") or {}).get(language) or {}).get("description")
    if language != "it" and own:
        return str(own), True
    return str(territory.get("description") or ""), language == "it"


def home(ctx: SiteContext, path: str = "index.md") -> Page:
    territory = ctx.territory
    described, in_language = territory_description(territory)
    sentences = esc(described)
    cards = "".join(
        f'<li class="bds-path"><a href="{esc(href)}"><strong>{esc(title)}</strong></a><p>{esc(text)}</p></li>'
        for title, href, text in _home_paths(ctx, path)
    )
    recent = sorted(
        ctx.listings, key=lambda x: (str(x.get("reviewed", "")), str(x.get("id", ""))), reverse=True
    )[:5]
    programme = territory.get("programme", ctx.labels.words.programme)
    body = (
        f'<div class="bds-home"><h1>{esc(programme)}</h1>'
        f'<p class="bds-lead"{"" if in_language else _italian_attr()}>{ctx.glossary.mark(sentences, "home")}</p>'
        f'<h2 id="percorsi">{t_html("site.home.start")}</h2><ul class="bds-paths">{cards}</ul>'
        f'<h2 id="novita">{t_html("site.home.recent")}</h2>{listing_list(recent, ctx, path)}'
        f'<p><a href="{esc(rel(path, model.LISTING_DIR + "/index.md"))}">{t_html("site.home.see_all")}</a></p>'
        f"{services.crisis_html(ctx, path, compact=True)}</div>"
    )
    return Page(
        programme,
        body,
        description=described,
        side_menu=False,
        outline=False,
    )


def zone_areas(ctx: SiteContext) -> dict[str, list[str]]:
    """Zone id -> the neighbourhoods people know it by: the zone's areas and those of the CPS serving it."""
    out: dict[str, list[str]] = {}
    for zone in ctx.territory.get("zones") or []:
        out[str(zone.get("id"))] = [str(a) for a in zone.get("areas") or []]
    for cps in services.cps_directory(ctx):  # a CPS of one zone names that zone's neighbourhoods
        if len(cps.zones) == 1 and cps.zones[0][0] in out:
            known = out[cps.zones[0][0]]
            known += [a for a in cps.areas if a not in known]
    return out


def _in_catalogue(ctx: SiteContext) -> str:
    """«54 opportunità, 50 aperte ora»: the same two numbers as the catalogue's «Aperte ora» box."""
    now = sum(1 for record in ctx.open_records if record.is_open_now(ctx.today))
    total = len(ctx.listings)
    if now == total:
        return messages.t("site.catalogue.count_open", count=total)
    return messages.t("site.catalogue.count_open_now", count=total, now=now)


def facet_controls(ctx: SiteContext, path: str) -> str:
    """Filter form for the catalogue script (hidden without JavaScript) and the no-script facet links."""
    counts = model.facet_counts(ctx.listings, ctx.labels)
    groups = []
    links = []
    for facet in model.FACETS:
        if not counts[facet]:
            continue
        key = model.FACET_QUERY[facet]
        areas = zone_areas(ctx) if facet == "zone" else {}
        boxes = "".join(
            f'<li><input type="checkbox" id="f-{key}-{esc(v)}" name="{key}" value="{esc(v)}">'
            f'<label for="f-{key}-{esc(v)}">{esc(ctx.labels.value(facet, v))} '
            f'<span class="bds-count" data-count-for="{key}:{esc(v)}">({n})</span>'
            + (f'<span class="bds-zone-areas">{esc(", ".join(areas[v]))}</span>' if areas.get(v) else "")
            + "</label></li>"
            for v, n in counts[facet]
        )
        groups.append(
            f'<fieldset class="bds-facet"><legend>{esc(ctx.labels.facet_title(facet))}</legend>'
            f"<ul>{boxes}</ul></fieldset>"
        )
        links.append(_browse_group(ctx, path, facet, counts[facet]))
    now_count = sum(1 for record in ctx.open_records if record.is_open_now(ctx.today))
    form = (
        f'<form class="bds-filters" id="bds-filters" hidden role="search" aria-label="{t_html("site.filters.label")}">'
        f'<p class="bds-search"><label for="bds-q">{t_html("site.filters.search")}</label>'
        '<input type="search" id="bds-q" name="q" autocomplete="off"></p>'
        f'<p class="bds-now"><input type="checkbox" id="f-aperte" name="aperte" value="1">'
        f'<label for="f-aperte">{t_html("site.filters.open_now")} <span class="bds-count" data-count-for="aperte:1">({now_count})'
        "</span></label></p>"
        + f'<details class="bds-more" id="bds-facets"><summary>{t_html("site.filters.more")}'
        '<span class="bds-active" data-active></span></summary>'
        + "".join(groups)
        + f'<p class="bds-jump-p"><a class="{button_class(primary=True)} bds-jump" href="#bds-result" '
        f"hidden>{t_html('site.filters.see_results')}</a></p>"
        + "</details>"
        + f'<p><button type="reset" class="{button_class()}">{t_html("site.filters.reset")}</button></p></form>'
    )
    browse = (
        '<nav class="bds-browse" id="bds-browse" aria-labelledby="sfoglia">'
        f'<h2 id="sfoglia">{t_html("site.browse.heading")}</h2>' + "".join(links) + "</nav>"
    )
    return form + browse


def _browse_group(ctx: SiteContext, path: str, facet: str, counted: list, level: int = 3) -> str:
    """Links to the static page of every value of one filter, with its count."""
    items = "".join(
        f'<li><a href="{esc(rel(path, model.facet_path(facet, v)))}">{esc(ctx.labels.value(facet, v))}</a> ({n})</li>'
        for v, n in counted
        if model.is_slug(v)
    )
    return f'<div class="bds-browse-group"><h{level}>{esc(ctx.labels.facet_title(facet))}</h{level}><ul>{items}</ul></div>'


def browse_page(ctx: SiteContext, path: str, facets: tuple[str, ...]) -> Page:
    """The folder pages above the filter pages (catalogo/, catalogo/tipo/ ...): where each value leads."""
    counts = model.facet_counts(ctx.listings, ctx.labels)
    name = ctx.labels.facet_title(facets[0])
    title = (
        messages.t("site.browse.catalogue")
        if len(facets) > 1
        else messages.t("site.browse.by", facet=f"{name[0].lower()}{name[1:]}")
    )
    groups = "".join(_browse_group(ctx, path, facet, counts[facet], 2) for facet in facets if counts[facet])
    body = (
        f'<div class="bds-facet-page"><h1>{esc(title)}</h1>'
        f'<p><a href="{esc(rel(path, model.LISTING_DIR + "/index.md"))}">{t_html("site.browse.all")}</a></p>'
        f"{groups}</div>"
    )
    return Page(title, body, searchable=False, side_menu=False, outline=False)


def catalogue(ctx: SiteContext, path: str = f"{model.LISTING_DIR}/index.md") -> Page:
    by_kind: dict[str, list[dict]] = {}
    for item in ctx.listings:
        by_kind.setdefault(str(item.get("kind", "")), []).append(item)
    order = [k for k in ctx.labels.kinds if k in by_kind] + sorted(
        k for k in by_kind if k not in ctx.labels.kinds
    )
    toc = "".join(
        f'<li data-kind="{esc(k)}"><a href="#tipo-{esc(k)}">{esc(ctx.labels.kinds.get(k, k))}</a> '
        f'<span class="bds-count" data-kind-count>({len(by_kind[k])})</span></li>'
        for k in order
    )
    groups = "".join(
        f'<section class="bds-group" id="tipo-{esc(k)}" data-group="{esc(k)}">'
        f'<h2>{esc(ctx.labels.kinds.get(k, k))} <span class="bds-count" data-group-count>({len(by_kind[k])})</span></h2>'
        f"{listing_list(by_kind[k], ctx, path)}</section>"
        for k in order
    )
    index_href = rel(path, f"{model.LISTING_DIR}/indice-ricerca.json")
    body = (
        f'<div class="bds-catalogue" data-index="{esc(index_href)}" data-today="{ctx.today.isoformat()}" '
        f'data-stop="{esc(" ".join(sorted(stopwords(messages.current_language()))))}">'
        f"<h1>{t_html('site.catalogue.title')}</h1>"
        f'<p class="bds-lead">{t_html("site.catalogue.lead", in_catalogue=_in_catalogue(ctx))}</p>'
        + facet_controls(ctx, path)
        + '<p class="bds-result" id="bds-result" role="status" aria-live="polite"></p>'
        + (
            f'<nav aria-label="{t_html("site.catalogue.kinds_label")}" class="bds-kinds"><ul>{toc}</ul></nav>'
            if toc
            else ""
        )
        + (groups or f'<p class="bds-empty">{t_html("site.catalogue.empty")}</p>')
        + "</div>"
    )
    return Page(
        messages.t("site.catalogue.title"),
        body,
        description=messages.t("site.catalogue.description"),
        searchable=False,  # its listings are found by its own search field (indice-ricerca.json)
        side_menu=False,
        outline=False,
    )


def facet_page(ctx: SiteContext, facet: str, value: str, path: str) -> Page:
    chosen = [item for item in ctx.listings if value in model.facet_values(item, facet)]
    label = ctx.labels.value(facet, value)
    title = f"{ctx.labels.facet_title(facet)}: {label}"
    body = (
        f'<div class="bds-facet-page"><h1>{esc(title)}</h1>'
        f'<p><a href="{esc(rel(path, model.LISTING_DIR + "/index.md"))}">{t_html("site.facet_page.back")}</a></p>'
        f"<p>{t_html('site.facet_page.count', count=len(chosen))}</p>{listing_list(chosen, ctx, path)}</div>"
    )
    return Page(title, body, searchable=False, side_menu=False, outline=False)


def search_index(ctx: SiteContext) -> bytes:
    """Compact catalogue search data: listing id -> stems of its title, summary, description, tags."""
    from .text import search_tokens

    entries = {}
    areas = zone_areas(ctx)
    for item in ctx.listings:
        zones = [z for z in item.get("zones") or [] if isinstance(z, str)]
        tokens = search_tokens(
            str(item.get("title", "")),
            str(item.get("summary", "")),
            *(item.get("bds_italian") or ()),  # a translated listing is found by its Italian words too
            plain_text(str(item.get("description", ""))),
            " ".join(item.get("tags") or []),
            ctx.partners.get(str(item.get("partner")), {}).get("name", ""),
            # a neighbourhood's name finds the listings of its zone («Affori» -> Municipio 9)
            " ".join(ctx.labels.zones.get(z, z) + " " + " ".join(areas.get(z, [])) for z in zones),
        )
        entries[str(item.get("id"))] = " ".join(tokens)
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def calendar_link(listing: Listing | dict, ctx: SiteContext, path: str) -> str:
    """«Aggiungi al calendario»: the listing's own .ics, only when it is a calendar event (bds.web.ical)."""
    record = ctx.listing(listing)
    if ical.event(record, ctx) is None:
        return ""
    href = rel(path, ical.listing_file(record.id))
    return (
        f'<br><a class="bds-ics" href="{esc(href)}" download type="text/calendar">'
        f"{t_html('site.listing.add_to_calendar')}</a>"
    )


def _listing_facts(listing: dict, ctx: SiteContext, path: str) -> list[tuple[str, str]]:
    """The key facts of a listing page, in the order a reader asks them (kind, axes, partner, status...)."""
    labels = ctx.labels
    record = ctx.listing(listing)
    partner = ctx.partners.get(record.partner_id)
    partner_name = (partner or {}).get("name") or record.partner_id
    partner_html = (
        f'<a href="{esc(rel(path, model.partner_path(str(partner.get("id")))))}">{esc(partner_name)}</a>'
        if partner
        else esc(partner_name)
    )
    status = record.status
    status_text = labels.statuses.get(status, status)
    if record.is_expired(ctx.today) or status == "closed":
        status_text = messages.t("site.listing.closed")
    access = record.access
    rows = [
        (
            messages.t("site.listing.facts.kind"),
            esc(labels.kinds.get(record.kind, record.kind)),
        ),
        (
            messages.t("site.listing.facts.axes", programme=labels.words.programme),
            esc(", ".join(labels.axes.get(a, a) for a in record.axes)),
        ),
        (messages.t("site.listing.facts.partner"), partner_html),
        (messages.t("site.listing.facts.status"), esc(status_text)),
        # right after the status: what a job seeker asks first
        (messages.t("site.listing.facts.pay"), esc(model.pay_text(listing))),
        (messages.t("site.listing.facts.places"), places_html(record, ctx)),
        (messages.t("site.listing.facts.when"), when_html(record) + calendar_link(record, ctx, path)),
        (messages.t("site.listing.facts.where"), where_html(record, labels)),
        (
            messages.t("site.listing.facts.audience"),
            esc(", ".join(labels.audiences.get(a, a) for a in record.audience)),
        ),
        (
            messages.t("site.listing.facts.access"),
            f"<strong>{esc(labels.access.get(access, access))}</strong>. {esc(access_help(access, labels.words))}"
            + (
                f' <a href="{esc(rel(path, services.CPS_PAGE))}">{esc(services.finder_title(labels.words))}</a>.'
                if access in ("via-case-manager", "both")
                else ""
            ),
        ),
        (
            messages.t(
                "site.listing.facts.cost_for_person" if model.pays(listing) else "site.listing.facts.cost"
            ),
            cost_html(listing, labels, for_person=model.pays(listing)),
        ),
        (messages.t("site.listing.facts.accessibility"), esc(listing.get("accessibility", ""))),
        (
            messages.t("site.listing.facts.languages"),
            esc(", ".join(language_name(str(code)) for code in listing.get("languages") or [])),
        ),
    ]
    return rows


def listing_page(listing: dict, ctx: SiteContext, path: str) -> Page:
    labels = ctx.labels
    record = ctx.listing(listing)
    partner = ctx.partners.get(record.partner_id)
    rows = _listing_facts(listing, ctx, path)
    url = ctx.url(path)
    title = record.title
    if ctx.inline_qr:
        qr_html = qr.svg(url, esc(messages.t("site.listing.qr_label", title=title)))
    else:
        qr_html = QR_PLACEHOLDER
    description = ctx.glossary.mark(markdown_html(str(listing.get("description", "")), 3), "d")
    data = jsonld.for_listing(record, partner, ctx.territory, labels, url, ctx.review_days)
    body = (
        f'<div class="bds-page"><h1>{esc(title)}</h1><article class="bds-listing">{example_badge(listing)}'
        f'<p class="bds-lead">{ctx.glossary.mark(esc(listing.get("summary", "")), "s")}</p>'
        f"{facts(rows, searchable=True)}"
        f'<h2 id="contatti">{t_html("site.listing.contacts")}</h2>{contact_html(listing.get("contact"))}'
        f'<h2 id="descrizione">{t_html("site.listing.description")}</h2><div class="bds-description"{_italian_attr()}>{description}</div>'
        f'<p class="bds-reviewed">{t_html("site.reviewed", date=_written_date(record.reviewed, listing.get("reviewed")))}</p>'
        f'<div class="bds-print-card"><div class="bds-qr">{qr_html}</div>'
        f'<p>{t_html("site.listing.scan")}<br><span class="bds-url">{esc(url)}</span></p></div>'
        f'<p class="bds-actions"><a href="{esc(rel(path, model.LISTING_DIR + "/index.md"))}">{t_html("site.listing.back")}</a></p>'
        f"{jsonld.script_tag(data)}</article></div>"
    )
    return Page(
        title,
        body,
        description=str(listing.get("summary", "")),
        # the header search finds listings first («tirocinio», «cucina», «Affori»); a big catalogue
        # stays out of it (its index would weigh megabytes) and is searched by its own field
        searchable=len(ctx.listings) <= HEADER_SEARCH_MAX_LISTINGS,
        search_boost=4,
        lastmod=str(listing.get("reviewed", "")),
        side_menu=False,
    )


def partner_item(partner: dict, ctx: SiteContext, from_path: str) -> str:
    count = len(ctx.listings_by_partner.get(str(partner.get("id")), []))
    attrs = (
        f'data-t="{esc(partner.get("type", ""))}" data-z="{esc(" ".join(partner.get("zones") or []))}" '
        f'data-e="{"1" if partner.get("peer_support") is True else "0"}"'
    )
    zones = ", ".join(ctx.labels.zones.get(z, z) for z in partner.get("zones") or [])
    extra = " · " + messages.t("site.partners.peer_support") if partner.get("peer_support") is True else ""
    href = rel(from_path, model.partner_path(str(partner.get("id", ""))))
    return (
        f'<li class="bds-item" {attrs}><a href="{esc(href)}">{esc(partner.get("name", ""))}</a>'
        f'<p class="bds-meta">{esc(zones + extra)} · {t_html("site.partners.open_count", count=count)}</p></li>'
    )


def partner_directory(ctx: SiteContext, path: str = f"{model.PARTNER_DIR}/index.md") -> Page:
    partners = sorted(
        ctx.partners.values(), key=lambda p: (str(p.get("name", "")).casefold(), str(p.get("id")))
    )
    by_type: dict[str, list[dict]] = {}
    for p in partners:
        by_type.setdefault(str(p.get("type", "")), []).append(p)
    types = [t for t in ctx.labels.partner_types if t in by_type] + sorted(
        t for t in by_type if t not in ctx.labels.partner_types
    )
    zones_used = sorted(
        {z for p in partners for z in p.get("zones") or []},
        key=lambda z: (list(ctx.labels.zones).index(z) if z in ctx.labels.zones else 999, z),
    )

    def options(values: list[str], labels: dict[str, str]) -> str:
        return "".join(f'<option value="{esc(v)}">{esc(labels.get(v, v))}</option>' for v in values)

    form = (
        '<form class="bds-filters bds-partner-filters" id="bds-partner-filters" hidden role="search" '
        f'aria-label="{t_html("site.partners.filters_label")}">'
        f'<p><label for="pf-tipo">{t_html("site.partners.type")}</label><select id="pf-tipo" name="tipo">'
        f'<option value="">{t_html("site.partners.all_types")}</option>{options(types, ctx.labels.partner_types)}</select></p>'
        f'<p><label for="pf-zona">{t_html("site.partners.zone")}</label><select id="pf-zona" name="zona">'
        f'<option value="">{t_html("site.partners.all_zones")}</option>'
        f"{options(zones_used, ctx.labels.zones)}</select></p>"
        '<p class="bds-now"><input type="checkbox" id="pf-esp" name="esp" value="1">'
        f'<label for="pf-esp">{t_html("site.partners.peer_support")}</label></p></form>'
        '<p class="bds-result" id="bds-result" role="status" aria-live="polite"></p>'
    )
    groups = "".join(
        f'<section class="bds-group" data-group="{esc(t)}"><h2 id="tipo-{esc(t)}">'
        f'{esc(ctx.labels.partner_types.get(t, t))} <span class="bds-count" data-group-count>({len(by_type[t])})</span>'
        f'</h2><ul class="bds-list">{"".join(partner_item(p, ctx, path) for p in by_type[t])}</ul></section>'
        for t in types
    )
    none = f"<p>{t_html('site.partners.none')}</p>"
    body = (
        f'<div class="bds-partners"><h1>{t_html("site.partners.title")}</h1>'
        f'<p class="bds-lead">{t_html("site.partners.lead", count=len(partners))}</p>{form}{groups or none}</div>'
    )
    return Page(
        messages.t("site.partners.title"),
        body,
        description=messages.t("site.partners.description"),
        side_menu=False,
        outline=False,
    )


def _partner_cps(partner: dict, ctx: SiteContext, path: str) -> str:
    """On a health service's page: its CPS, each a link to its card (phone, hours) in the CPS finder."""
    services_of = [
        s
        for s in ctx.territory.get("health_services") or []
        if isinstance(s, dict) and s.get("partner") == partner.get("id")
    ]
    ids = {str(c.get("id")) for s in services_of for c in s.get("cps") or [] if isinstance(c, dict)}
    cpss = [c for c in services.cps_directory(ctx) if c.id in ids]
    if not cpss:
        return ""
    items = "".join(
        f'<li><a href="{esc(rel(path, services.CPS_PAGE))}#{esc(c.id)}">{esc(c.name)}</a>: '
        f"{esc(', '.join(label for _, label in c.zones))}</li>"
        for c in cpss
    )
    return f'<h2 id="cps">{t_html("site.partner.units")}</h2><ul>{items}</ul>'


def partner_page(partner: dict, ctx: SiteContext, path: str) -> Page:
    labels = ctx.labels
    networks = {str(n.get("id")): n for n in ctx.territory.get("networks") or []}
    rows = [
        (
            messages.t("site.partner.facts.type"),
            esc(labels.partner_types.get(str(partner.get("type")), partner.get("type", ""))),
        ),
        (
            messages.t("site.partner.facts.role"),
            esc(labels.partner_roles.get(str(partner.get("role")), partner.get("role", ""))),
        ),
        (
            messages.t("site.partner.facts.zones"),
            esc(", ".join(labels.zones.get(z, z) for z in partner.get("zones") or [])),
        ),
        (
            messages.t("site.partner.facts.networks"),
            esc(", ".join(networks.get(n, {}).get("name", n) for n in partner.get("networks") or [])),
        ),
        (
            messages.t("site.partner.facts.peer_support"),
            t_html("site.answer_yes") if partner.get("peer_support") is True else t_html("site.answer_no"),
        ),
    ]
    services = "".join(f"<li>{esc(s)}</li>" for s in partner.get("services") or [])
    listings = ctx.listings_by_partner.get(str(partner.get("id")), [])
    name = str(partner.get("name", ""))
    description = ctx.glossary.mark(markdown_html(str(partner.get("description", ""))), "d")
    body = (
        f'<div class="bds-page"><h1>{esc(name)}</h1><article class="bds-partner">'
        f"{example_badge(partner, messages.t('site.example.partner'))}"
        f'<div class="bds-description">{description}</div>{facts(rows)}'
        f'<h2 id="servizi">{t_html("site.partner.services")}</h2><ul>{services}</ul>'
        f'<h2 id="contatti">{t_html("site.listing.contacts")}</h2>{contact_html(partner.get("contact"), with_address=True)}'
        f"{_partner_cps(partner, ctx, path)}"
        f'<h2 id="opportunita">{t_html("site.partner.open", count=len(listings))}</h2>{listing_list(listings, ctx, path)}'
        f'<p class="bds-reviewed">{t_html("site.reviewed", date=_written_date(ctx.partner(partner).reviewed, partner.get("reviewed")))}</p>'
        f'<p><a href="{esc(rel(path, model.PARTNER_DIR + "/index.md"))}">{t_html("site.partner.all")}</a></p></article></div>'
    )
    return Page(
        name,
        body,
        description=plain_text(str(partner.get("description", ""))),
        search_boost=0.5,  # listings come first in the header search
        lastmod=str(partner.get("reviewed", "")),
        side_menu=False,
    )


def _easy_guides(ctx: SiteContext, path: str) -> str:
    """The list of the easy-Italian versions (Italian site only), for readers who look for them first."""
    from . import languages

    easy = [g for g in ctx.guides if g.get("bds_easy")]
    if not easy:
        return ""
    links = "".join(
        f'<li><a href="{esc(rel(path, languages.easy_path(str(g["bds_easy"]))))}">{esc(g.get("title", ""))}</a></li>'
        for g in easy
    )
    return (
        f'<h2 id="facile">{t_html("languages.easy.heading")}</h2><p>{t_html("languages.easy.lead")}</p>'
        f'<ul class="bds-list">{links}</ul>'
    )


def guides_index(ctx: SiteContext, path: str = f"{model.GUIDE_DIR}/index.md") -> Page:
    items = "".join(
        f'<li><a href="{esc(rel(path, model.GUIDE_DIR + "/" + g["slug"] + ".md"))}">{esc(g.get("title", ""))}</a>'
        f"<p>{esc(g.get('summary', ''))}</p></li>"
        for g in ctx.guides
    )
    body = (
        f'<div class="bds-guides"><h1>{t_html("site.guides.title")}</h1><p class="bds-lead">{t_html("site.guides.lead")}</p>'
        f'<ul class="bds-list">{items}</ul>{_easy_guides(ctx, path)}</div>'
    )
    return Page(messages.t("site.guides.title"), body, description=messages.t("site.guides.description"))


# Links a guide writes by id, `[text](@target)`, resolved here for the page they appear on:
# @cps, @catalogo?per=families, @proponi, @enti, @guide, @glossario, @dati-aperti, @guida/SLUG,
# @ente/ID, @opportunita/ID, @coordinamento (the coordinators' email). A fragment may follow (#...).
GUIDE_LINK = guidelinks.LINK
GUIDE_PAGES = {
    "cps": services.CPS_PAGE,
    "catalogo": f"{model.LISTING_DIR}/index.md",
    "proponi": "proponi/index.md",
    "enti": f"{model.PARTNER_DIR}/index.md",
    "guide": f"{model.GUIDE_DIR}/index.md",
    "glossario": "glossario.md",
    "dati-aperti": "dati-aperti.md",
}


def guide_link_target(target: str, ctx: SiteContext) -> str | None:
    """The site path (or mailto: address) of a guide's `@target`, or None when it names nothing."""
    if target in GUIDE_PAGES:
        return GUIDE_PAGES[target]
    if target == "coordinamento":
        email = (ctx.territory.get("coordinators") or {}).get("email")
        return f"mailto:{email}" if email else None
    kind, _, name = target.partition("/")
    if kind == "guida" and any(g.get("slug") == name for g in ctx.guides):
        return f"{model.GUIDE_DIR}/{name}.md"
    if kind == "guida" and name in ctx.italian_guides:  # not translated: the Italian site, one folder up
        return f"../{model.GUIDE_DIR}/{name}.md"
    if kind == "ente" and name in ctx.partners:
        return model.partner_path(name)
    if kind == "opportunita" and any(str(item.get("id")) == name for item in ctx.listings):
        return model.listing_path(name)
    return None


def resolve_guide_links(source: str, ctx: SiteContext, path: str) -> str:
    """`](@target)` -> a relative link from `path`; a target that names nothing leaves plain text."""

    def repl(m: re.Match) -> str:
        found = guide_link_target(m.group(1), ctx)
        if found is None:
            return "](#)"
        href = found if found.startswith("mailto:") else rel(path, found)
        return f"]({href}{m.group(2) or ''})"

    text = GUIDE_LINK.sub(repl, source)
    return re.sub(r"\[([^\[\]]*)\]\(#\)", r"\1", text)  # unresolved: the words stay, the link goes


# A summary that names the reader's CPS (a pattern over Italian words, not text for people).
_SUMMARY_CPS = re.compile(
    r"\b(?:tuo|suo) CPS\b|\bCPS della (?:tua )?zona\b",  # msg-ok: a regular expression over guide summaries
    re.IGNORECASE,
)


def _summary_cps_link(guide: dict, path: str, ctx: SiteContext) -> str:
    """A summary that sends the reader to «il CPS della tua zona» (plain text) gets the link beside it."""
    if not _SUMMARY_CPS.search(str(guide.get("summary", ""))):
        return ""
    return f'<p><a href="{esc(rel(path, services.CPS_PAGE))}">{esc(services.finder_title(ctx.labels.words))}</a></p>'


def guide_page(guide: dict, ctx: SiteContext, path: str) -> Page:
    audience = ", ".join(ctx.labels.guide_audiences.get(a, a) for a in guide.get("audience") or [])
    source = resolve_guide_links(str(guide.get("body", "")), ctx, path)
    content = ctx.glossary.mark(guide_html(source), "g")
    summary = ctx.glossary.mark(esc(guide.get("summary", "")), "s")
    body = (
        f'<div class="bds-page"><h1>{esc(guide.get("title", ""))}</h1>{languages.guide_notes(guide, path)}'
        '<article class="bds-guide">'
        f"{example_badge(guide, messages.t('site.example.guide'))}"
        f'<div class="bds-easy" role="note" aria-label="{t_html("site.guide.in_short")}">'
        f'<p class="bds-easy-title">{t_html("site.guide.in_short")}</p>'
        f"<p>{summary}</p>{_summary_cps_link(guide, path, ctx)}</div>"
        f'<p class="bds-meta">{t_html("site.guide.audience", audience=audience)}</p>{content}'
        f'<p class="bds-reviewed">{t_html("site.guide.reviewed", date=_written_date(ctx.guide(guide).reviewed, guide.get("reviewed")))}</p>'
        "</article></div>"
    )
    return Page(
        str(guide.get("title", "")),
        body,
        description=str(guide.get("summary", "")),
        lastmod=str(guide.get("reviewed", "")),
    )


def glossary_page(ctx: SiteContext, path: str = "glossario.md") -> Page:
    terms = sorted(ctx.glossary_terms, key=lambda t: str(t.get("term", "")).casefold())
    entries = []
    for term in terms:
        index = ctx.glossary.entries.index(term) if term in ctx.glossary.entries else 0
        expansion = (
            f' <span class="bds-expansion">({esc(own_expansion(term))})</span>' if own_expansion(term) else ""
        )
        aliases = term.get("aliases") or []
        extra = (
            f'<br><span class="bds-meta">{t_html("site.glossary.aliases", aliases=", ".join(aliases))}</span>'
            if aliases
            else ""
        )
        entries.append(
            f'<dt id="{ctx.glossary.slug(index)}">{esc(term.get("term", ""))}{expansion}</dt>'
            f"<dd>{esc(term.get('definition', ''))}{extra}</dd>"
        )
    body = (
        f'<div class="bds-glossary"><h1>{t_html("site.glossary.title")}</h1>'
        f'<p class="bds-lead">{t_html("site.glossary.lead")}</p>'
        f'<dl class="bds-terms">{"".join(entries)}</dl></div>'
    )
    return Page(
        messages.t("site.glossary.title"),
        body,
        description=messages.t("site.glossary.description"),
    )


# The open data files, each with its title and text in the catalogue (site.open_data.files.KEY).
OPEN_DATA_FILES = [
    ("dati/opportunita.csv", "opportunities_csv"),
    ("dati/opportunita.json", "opportunities_json"),
    ("dati/enti.csv", "partners_csv"),
    ("dati/zone.csv", "zones_csv"),
    ("dati/opportunita-zone.csv", "opportunity_zones_csv"),
    ("dati/datapackage.json", "datapackage"),
    ("dati/hsds.json", "hsds_json"),
    ("dati/hsds/datapackage.json", "hsds_tables"),
    ("dati/hsds-taxonomy.json", "hsds_taxonomy"),
    ("dati/opportunita.ics", "calendar"),
    ("dati/novita.xml", "rss"),
]


def open_data_files() -> list[tuple[str, str, str]]:
    """(file, title, what it holds) for every open data file, in the current language."""
    return [
        (
            name,
            messages.t(f"site.open_data.files.{key}.title"),
            messages.t(f"site.open_data.files.{key}.text"),
        )
        for name, key in OPEN_DATA_FILES
    ]


def open_data_page(ctx: SiteContext, path: str = "dati-aperti.md") -> Page:
    licence = model.licence(ctx.territory)
    licence_name = (
        f'<a href="{esc(licence.url)}">{esc(licence.text)}</a>' if licence.url else esc(licence.text)
    )
    items = "".join(
        f'<li><a href="{esc(rel(path, f))}">{esc(t)}</a>: {esc(d)}</li>' for f, t, d in open_data_files()
    )
    lead = t_html(
        "site.open_data.lead",
        listings=len(ctx.listings),
        partners=len(ctx.partners),
        date=model.italian_date(ctx.today),
    )
    body = (
        f'<div class="bds-open-data"><h1>{t_html("site.open_data.title")}</h1>'
        f'<p class="bds-lead">{lead}</p>'
        f'<ul class="bds-files">{items}</ul>'
        f'<h2 id="licenza">{t_html("site.open_data.licence_heading")}</h2>'
        f"<p>{t_html('site.open_data.licence', licence_html=licence_name, reuse=licence.reuse)}</p>"
        f'<h2 id="riservatezza">{t_html("site.open_data.privacy_heading")}</h2>'
        f"<p>{t_html('site.open_data.privacy')}</p>"
        "</div>"
    )
    return Page(
        messages.t("site.open_data.title"),
        body,
        description=messages.t("site.open_data.description"),
    )


def accessibility_page(ctx: SiteContext, path: str = "accessibilita.md") -> Page:
    coord = ctx.territory.get("coordinators") or {}
    email = coord.get("email", "")
    email_html = f'<a href="mailto:{esc(email)}">{esc(email)}</a>'

    def section(anchor: str, key: str, body_html: str) -> str:
        return f'<h2 id="{anchor}">{t_html(f"site.accessibility.{key}_heading")}</h2>{body_html}'

    body = (
        f'<div class="bds-legal"><h1>{t_html("site.accessibility.title")}</h1>'
        f"<p>{t_html('site.accessibility.intro', coordination=coord.get('name', ''), site_url=ctx.site_url)}</p>"
        + section("stato", "status", f"<p>{t_html('site.accessibility.status')}</p>")
        + section(
            "non-accessibili",
            "not_accessible",
            f"<ul><li>{t_html('site.accessibility.not_accessible_files')}</li>"
            f"<li>{t_html('site.accessibility.not_accessible_texts')}</li></ul>",
        )
        + section(
            "redazione",
            "drafted",
            f"<p>{t_html('site.accessibility.drafted', date=model.italian_date(ctx.today))}</p>",
        )
        + section(
            "feedback", "feedback", f"<p>{t_html('site.accessibility.feedback', email_html=email_html)}</p>"
        )
        + section("attuazione", "enforcement", f"<p>{t_html('site.accessibility.enforcement')}</p>")
        + "</div>"
    )
    return Page(
        messages.t("site.accessibility.title"), body, description=messages.t("site.accessibility.description")
    )


def privacy_page(ctx: SiteContext, path: str = "privacy.md") -> Page:
    coord = ctx.territory.get("coordinators") or {}
    email = coord.get("email", "")
    email_html = f'<a href="mailto:{esc(email)}">{esc(email)}</a>'
    paragraphs = "".join(
        f"<p>{t_html(f'site.privacy.{key}')}</p>" for key in ("cookies", "search", "host", "records")
    )
    body = (
        f'<div class="bds-legal"><h1>{t_html("site.privacy.title")}</h1>{paragraphs}'
        f"<p>{t_html('site.privacy.questions', email_html=email_html)}</p></div>"
    )
    return Page(messages.t("site.privacy.title"), body, description=messages.t("site.privacy.description"))
