"""Rules across records, and the warnings that depend on today's date.

They run after the schema layer and only on records whose shape is valid, so
every rule can trust the types it reads. `today` is a parameter: date rules are
tested at fixed dates.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

from . import findings as F
from . import guidelinks, hygiene, messages, protected, schema, textcheck
from .content import Content
from .dates import parse as parse_date
from .load import Document, field_name
from .load import strings as _strings

# Raw HTML or script: a "<" followed by a tag name, "!", "/" or "?". Autolinks <https://...> stay allowed.
_HTML = re.compile(r"<\s*(?!(?:https?|mailto|tel):)[a-zA-Z!/?]")
# Markdown link targets, inline `](target)` and reference `[x]: target`. Markdown decodes character
# references in a target and browsers drop tabs and newlines in a scheme, so `java&#x73;cript:` and
# `javascript&#58;` are still scripts: the scheme is read after decoding.
# Linear: a reference definition starts a line (`[ \t]*`, not `\s*`, which would rescan every following
# blank line from every line start) and its label stays on that line. The form's JavaScript compiles the
# same pattern (intake/form.py), so no possessive quantifier.
_LINK = re.compile(r"(?:\]\(\s*<?|^[ \t]*\[[^\]\n]+\]:\s*<?)([^\s)>]+)", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_IGNORED_IN_SCHEME = re.compile(r"[\t\n\r\x00-\x1f]")
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_BARE_SCRIPT = re.compile(r"\b(?:javascript|vbscript|data)\s*:", re.IGNORECASE)

DEFAULT_REVIEW_DAYS = 180
READABILITY_MIN = 60


def _at(doc: Document, code: str, path: tuple, **params) -> F.Finding:
    line, col = doc.position(path)
    return F.make(code, doc.path, line, col, field_name(path), **params)


def markup_findings(doc: Document, kind: str) -> list[F.Finding]:
    """No raw HTML and no link to a script anywhere in a record's text."""
    out: list[F.Finding] = []
    if not isinstance(doc.data, dict):
        return out
    texts = list(_strings(doc.data))
    if doc.body is not None:
        texts.append((("__body__",), doc.body))
    for path, text in texts:
        # Each pattern holds a literal character: a text without it is skipped without running the pattern.
        bad = [m.start(1) for m in _LINK.finditer(text) if _unsafe_target(m.group(1))] if "]" in text else []
        if ":" in text:
            bad += [m.start() for m in _BARE_SCRIPT.finditer(text)]
        html = _HTML.search(text) if "<" in text else None
        if not bad and html is None:
            continue
        is_body = path == ("__body__",)
        title = messages.t("validate.text.guide_body") if is_body else schema.title_for(kind, path)
        if bad:
            out.append(_markup(doc, "URL_SCHEME", path, is_body, text, min(bad), title=title))
        if html:
            out.append(_markup(doc, "HTML_NOT_ALLOWED", path, is_body, text, html.start(), title=title))
    return out


def _unsafe_target(target: str) -> bool:
    scheme = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", html.unescape(target)))
    return scheme is not None and scheme.group(1).lower() not in _SAFE_SCHEMES


def _markup(
    doc: Document, code: str, path: tuple, is_body: bool, text: str, offset: int, **params
) -> F.Finding:
    if not is_body:
        return _at(doc, code, path, **params)
    # In a guide's body, point at the offending text: line of the file, column in that line.
    line = doc.body_line + text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return F.make(code, doc.path, line, column, messages.t("validate.text.body_field"), **params)


def _territory_facts(content: Content) -> tuple[dict | None, set[str] | None, set[str] | None, int]:
    """The territory's data (None if it is missing or invalid), its zones, its networks, its review
    period in days."""
    territory = content.territory.data if content.territory and content.territory.ok else None
    if not territory:
        return None, None, None, DEFAULT_REVIEW_DAYS
    zones = {z["id"] for z in territory["zones"]}
    networks = {n["id"] for n in territory.get("networks", [])}
    return territory, zones, networks, territory.get("review_days", DEFAULT_REVIEW_DAYS)


def _partner_ids(content: Content) -> set[str]:
    partner_ids = {doc.data["id"] for doc in content.valid("partner")}
    # A partner that failed its schema still exists: don't report every listing that names it.
    return partner_ids | {_stem(doc.path) for doc in content.partners.values() if not doc.ok}


def _all_markup(content: Content, mine: Callable[[Document], bool]) -> list[F.Finding]:
    out: list[F.Finding] = []
    for shown, kind in content.kinds.items():
        doc = _doc(content, shown, kind)
        if doc is not None and doc.ok and mine(doc):
            out += markup_findings(doc, kind)
    return out


def check(content: Content, today: dt.date, only: set[str] | None = None) -> list[F.Finding]:
    """The findings across records; with `only` (shown paths), the findings of those records.

    Every finding belongs to the record being checked, so `only` skips the checks of a single other
    record (text scans, dates, contacts) and keeps what crosses records whole: identifiers, partner
    and zone references and protected places are still read from every loaded record.
    """

    def mine(doc: Document) -> bool:
        return only is None or doc.path in only

    out = _all_markup(content, mine)
    territory, zones, networks, review_days = _territory_facts(content)
    out += _ids(content.valid("partner"), "partner")
    out += _ids(content.valid("opportunity"), "opportunity")
    partner_ids = _partner_ids(content)
    if territory and content.territory is not None and zones is not None:
        out += _territory(content.territory, zones, partner_ids)
    for doc in filter(mine, content.valid("partner")):
        out += _partner(doc, zones, networks, today, review_days)
    for doc in filter(mine, content.valid("opportunity")):
        out += _opportunity(doc, partner_ids, zones, today, review_days)
    out += protected.check(content, only)  # protected places: no address, coordinates or map anywhere
    guides = list(filter(mine, content.valid("guide")))
    if guides:
        targets = _link_targets(content, partner_ids)
        for doc in guides:
            out += _guide(doc, targets)
    if content.glossary is not None and content.glossary.ok and mine(content.glossary):
        out += _glossary(content.glossary)
    out += hygiene.check(content, today, only)  # dates in range, partner look-alikes, guide images, nesting
    return out


def _partner(
    doc: Document, zones: set[str] | None, networks: set[str] | None, today: dt.date, review_days: int
) -> list[F.Finding]:
    """One partner's own findings: zones, networks, contacts, review date, wording."""
    out = _zones(doc, zones, ("zones",))
    if networks is not None:
        for i, net in enumerate(doc.data.get("networks", [])):
            if net not in networks:
                allowed = ", ".join(sorted(networks)) or messages.t("validate.rules.no_networks")
                out.append(_at(doc, "NETWORK_UNKNOWN", ("networks", i), value=net, allowed=allowed))
    out += _contact(doc)
    out += _stale(doc, today, review_days)
    out += _wording(doc, "partner", ("description",))
    return out


def _guide(doc: Document, targets: tuple[set[str], set[str], set[str]]) -> list[F.Finding]:
    """One guide's findings: stigmatising wording in its title, summary and body, and its links."""
    out: list[F.Finding] = []
    for path, text in ((("title",), doc.data["title"]), (("summary",), doc.data["summary"])):
        out += [
            _at(doc, "WORDING_STIGMATISING", path, found=f, suggestion=s)
            for f, s in textcheck.stigmatising(text)
        ]
    body = doc.body or ""
    out += [
        _markup(doc, "WORDING_STIGMATISING", ("__body__",), True, body, offset, found=f, suggestion=s)
        for offset, f, s in textcheck.stigmatising_at(body)
    ]
    out += _guide_links(doc, body, targets)
    return out


def _glossary(glossary: Document) -> list[F.Finding]:
    """The glossary's findings: stigmatising wording in a definition, a term given twice."""
    out: list[F.Finding] = []
    seen: set[str] = set()
    for i, term in enumerate(glossary.data["terms"]):
        where = ("terms", i, "definition")
        out += [
            _at(glossary, "WORDING_STIGMATISING", where, found=f, suggestion=s)
            for f, s in textcheck.stigmatising(term["definition"])
        ]
        key = term["term"].casefold()
        if key in seen:
            out.append(_at(glossary, "GLOSSARY_DUPLICATE", ("terms", i, "term"), value=term["term"]))
        seen.add(key)
    return out


def _doc(content: Content, shown: str, kind: str) -> Document | None:
    if kind == "territory":
        return content.territory
    if kind == "glossary":
        return content.glossary
    return {"partner": content.partners, "opportunity": content.opportunities, "guide": content.guides}[
        kind
    ].get(shown)


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def _territory(doc: Document, zones: set[str], partner_ids: set[str]) -> list[F.Finding]:
    out = []
    seen: set[str] = set()
    for i, zone in enumerate(doc.data["zones"]):
        if zone["id"] in seen:
            out.append(_at(doc, "ID_DUPLICATE", ("zones", i, "id"), value=zone["id"], other="zones"))
        seen.add(zone["id"])
    for i, service in enumerate(doc.data["health_services"]):
        # The site links a health service to its partner page: the page must exist.
        if "partner" in service and service["partner"] not in partner_ids:
            out.append(
                _at(doc, "PARTNER_UNKNOWN", ("health_services", i, "partner"), value=service["partner"])
            )
        for j, cps in enumerate(service["cps"]):
            out += _zones(doc, zones, ("health_services", i, "cps", j, "zones"), cps["zones"])
    return out


def _ids(docs: list[Document], kind: str) -> list[F.Finding]:
    out = []
    first: dict[str, str] = {}
    for doc in docs:
        record_id = doc.data["id"]
        stem = _stem(doc.path)
        if record_id != stem:
            out.append(_at(doc, "ID_MISMATCH", ("id",), value=record_id, expected=stem))
        if record_id in first:
            out.append(_at(doc, "ID_DUPLICATE", ("id",), value=record_id, other=first[record_id]))
        else:
            first[record_id] = doc.path
    return out


def _zones(doc: Document, zones: set[str] | None, path: tuple, values=None) -> list[F.Finding]:
    if zones is None:
        return []
    values = doc.data.get(path[0], []) if values is None else values
    return [
        _at(doc, "ZONE_UNKNOWN", path + (i,), value=z, allowed=", ".join(sorted(zones)))
        for i, z in enumerate(values)
        if z not in zones
    ]


def _contact(doc: Document) -> list[F.Finding]:
    contact = doc.data.get("contact") or {}
    if not any(contact.get(k) for k in ("email", "phone", "url")):
        return [_at(doc, "CONTACT_MISSING", ("contact",))]
    return []


def _stale(doc: Document, today: dt.date, review_days: int) -> list[F.Finding]:
    reviewed = parse_date(doc.data.get("reviewed"))
    if reviewed and (today - reviewed).days > review_days:
        return [_at(doc, "REVIEW_STALE", ("reviewed",), date=reviewed.isoformat(), days=review_days)]
    return []


def _wording(doc: Document, kind: str, *paths: tuple) -> list[F.Finding]:
    texts = [(path, text) for path in paths if isinstance(text := doc.data.get(path[0]), str)]
    # One look at the fields together first: most records hold no such wording anywhere.
    if not textcheck.may_hold_wording(*(text for _, text in texts)):
        return []
    out = []
    for path, text in texts:
        out += [
            _at(doc, "WORDING_STIGMATISING", path, found=f, suggestion=s)
            for f, s in textcheck.stigmatising(text)
        ]
    return out


def _published_order(doc: Document) -> list[F.Finding]:
    published, reviewed = parse_date(doc.data.get("published")), parse_date(doc.data.get("reviewed"))
    if published and reviewed and published > reviewed:
        return [_at(doc, "PUBLISHED_AFTER_REVIEWED", ("published",), published=published, reviewed=reviewed)]
    return []


def _timetable(doc: Document) -> list[F.Finding]:
    """The structured timetable against itself and the dates (what JSON Schema cannot compare)."""
    out = _published_order(doc)
    table = doc.data.get("timetable")
    if not isinstance(table, dict):
        return out
    start, end = table.get("start_time"), table.get("end_time")
    if start and end and end <= start:
        out.append(_at(doc, "TIMETABLE_TIME_ORDER", ("timetable", "end_time"), start=start, end=end))
    return out + _sessions(doc, table)


def _sessions(doc: Document, table: dict) -> list[F.Finding]:
    """A timetable that gives no session within the dates; an exception that is not a session."""
    from .web.ical import sessions  # the same expansion the calendar files use

    data, out = doc.data, []
    every_day = sessions(dict(data, timetable={k: v for k, v in table.items() if k != "except"}))
    dates = data.get("dates") or {}
    if not every_day and parse_date(dates.get("start")):
        first, last = dates.get("start"), dates.get("end") or dates.get("start")
        out.append(_at(doc, "TIMETABLE_NO_SESSION", ("timetable",), start=first, end=last))
    for i, day in enumerate(table.get("except") or []):
        if parse_date(day) not in every_day:
            out.append(_at(doc, "TIMETABLE_EXCEPT_NOT_A_SESSION", ("timetable", "except", i), day=day))
    return out


def _date_order(doc: Document, start, end, deadline) -> list[F.Finding]:
    out = []
    if start and end and end < start:
        out.append(_at(doc, "DATE_ORDER", ("dates", "end"), start=start, end=end))
    if deadline and end and deadline > end:
        out.append(_at(doc, "DEADLINE_AFTER_END", ("dates", "deadline"), deadline=deadline, end=end))
    return out


def _kind_rules(doc: Document) -> list[F.Finding]:
    """A home's place is never public; a stipend belongs to an internship."""
    data, out = doc.data, []
    if data["kind"] == "housing" and data["location"]["visibility"] != "zone-only":
        out.append(_at(doc, "HOUSING_ADDRESS_PUBLIC", ("location", "visibility")))
    if "stipend" in data and data["kind"] != "internship":
        out.append(_at(doc, "STIPEND_NOT_INTERNSHIP", ("stipend",)))
    return out


def _expired(doc: Document, today: dt.date, end, deadline) -> list[F.Finding]:
    """An open listing whose end or deadline has passed."""
    if doc.data["status"] == "closed":
        return []
    out = []
    for key, value in (("end", end), ("deadline", deadline)):
        if value and value < today:
            title = schema.title_for("opportunity", ("dates", key))
            out.append(_at(doc, "LISTING_EXPIRED", ("dates", key), title=title, date=value))
    return out


def _readability(doc: Document) -> list[F.Finding]:
    score = textcheck.gulpease(doc.data["summary"])
    if score is not None and score < READABILITY_MIN:
        return [_at(doc, "SUMMARY_HARD_TO_READ", ("summary",), score=score)]
    return []


def _opportunity(doc, partner_ids, zones, today, review_days) -> list[F.Finding]:
    data = doc.data
    out = []
    if data["partner"] not in partner_ids:
        out.append(_at(doc, "PARTNER_UNKNOWN", ("partner",), value=data["partner"]))
    out += _zones(doc, zones, ("zones",))
    dates = data.get("dates") or {}
    start, end, deadline = (parse_date(dates.get(k)) for k in ("start", "end", "deadline"))
    out += _date_order(doc, start, end, deadline)
    out += _kind_rules(doc)
    out += _contact(doc)
    out += _expired(doc, today, end, deadline)
    out += _timetable(doc)
    out += _stale(doc, today, review_days)
    out += _readability(doc)
    out += _wording(doc, "opportunity", ("title",), ("summary",), ("description",))
    return out


def _link_targets(content: Content, partner_ids: set[str]) -> tuple[set[str], set[str], set[str]]:
    """The pages a guide may link to by id: guides, partners, listings (read once for every guide)."""
    guides = {_stem(g.path) for g in content.valid("guide")}
    listings = {str(o.data.get("id")) for o in content.valid("opportunity")}
    return guides, partner_ids, listings


def _guide_links(doc: Document, body: str, targets: tuple[set[str], set[str], set[str]]) -> list[F.Finding]:
    """Guides link where they point: a link by id names a page, a mention of a page has a link."""
    guides, partner_ids, listings = targets
    out = [
        _markup(doc, "GUIDE_LINK_UNKNOWN", ("__body__",), True, body, offset, target=target)
        for offset, target in guidelinks.unknown_targets(body, guides, partner_ids, listings)
    ]
    out += [
        _markup(doc, "GUIDE_MENTION_UNLINKED", ("__body__",), True, body, offset, found=found)
        for offset, found in guidelinks.unlinked_mentions(body)
    ]
    return out
