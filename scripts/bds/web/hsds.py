"""Open Referral HSDS 3.0 export: `dati/hsds.json` and its taxonomy, `dati/hsds-taxonomy.json`.

Shape: `dati/hsds.json` is a JSON array of complete HSDS 3.0 *service* objects, exactly the
official compiled schema `schema/compiled/service_package.json` (an array of `service.json`
objects, each with its nested organization, phones, schedules, service_areas, cost_options,
languages, attributes and service_at_locations/location). A consumer reads it as it would read the
bodies of `GET /services/{id}`; no envelope, no keys outside the standard.

The BdS facets (kind, axes, audience, access, zones) and two properties (peer-support workers in
the organization, accessibility notes) are taxonomy terms. Every attribute carries its
`taxonomy_term` (embedded taxonomy: code, name, description, taxonomy_id);
`dati/hsds-taxonomy.json` lists all the terms, each with its `taxonomy_detail`. Ids are UUID v5:
the kit's vocabularies have the same term ids in every territory; zones and records are scoped by
the site address.

Protected places (`bds.protected.is_protected`): the zones as `service_areas`, never a location,
an address or coordinates. Public places: a location with the place name; the street address goes
in the location description, because HSDS requires a postal code for a structured address and the
listings do not record one (none is invented). Schedules: the free text as `description`; `freq`,
`byday`, `opens_at`, `closes_at` only when the whole text is one of the plain weekly forms
(«Il martedì dalle 10 alle 12», «Dal lunedì al venerdì, dalle 9 alle 13»): nothing is guessed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from typing import Any

from .. import cells, kitfiles
from ..messages import t
from . import jsontext, model
from .context import SiteContext
from .text import plain_text

_NAMESPACE = uuid.UUID("6f1c7a52-3f0e-4d8e-9a35-0c8b2f4e1d10")
TAXONOMY_URL = "dati/hsds-taxonomy.json"

# the languages whose HSDS name the export gives (data.hsds.language.<code>)
LANGUAGE_CODES = ("it", "en", "fr", "es", "de", "ar", "zh", "ro", "uk", "ru", "sq", "pt", "tl", "bn")

# taxonomy code -> (facet of model.Labels, or None; scoped by territory); titles: data.hsds.taxonomy.<code>
TAXONOMIES = {
    "bds-tipo": ("kind", False),
    "bds-asse": ("axis", False),
    "bds-destinatari": ("audience", False),
    "bds-accesso": ("access", False),
    "bds-zona": ("zone", True),
    "bds-ente": (None, False),
    "bds-luogo": (None, False),
}
# the terms of the taxonomies with no facet: data.hsds.term.<taxonomy>.<code>.name / .description
EXTRA_TERMS = {"bds-ente": ("esp",), "bds-luogo": ("accessibilita",)}


def language_name(code: str) -> str | None:
    return t(f"data.hsds.language.{code}") if code in LANGUAGE_CODES else None


def taxonomy_title(code: str) -> str:
    return t(f"data.hsds.taxonomy.{code}")


def _extra_terms(taxonomy: str) -> dict[str, tuple[str, str]]:
    key = f"data.hsds.term.{taxonomy}"
    return {code: (t(f"{key}.{code}.name"), t(f"{key}.{code}.description")) for code in EXTRA_TERMS[taxonomy]}


_SEEDED = hashlib.sha1(_NAMESPACE.bytes)  # SHA-1 fed with the namespace: each id goes on from a copy
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}  # RFC 4122 variant bits


def _uuid(key: str) -> str:
    """`str(uuid.uuid5(_NAMESPACE, key))`, the same text without building a UUID object (a big site has
    a hundred thousand ids): the hex digest's version digit set to 5, its variant digit to 8-b."""
    sha = _SEEDED.copy()
    sha.update(key.encode("utf-8"))
    x = sha.hexdigest()
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"


def _scoped(ctx: SiteContext, kind: str, key: str) -> str:
    """The id of a record of this site (same scheme as the previous export: ids stay stable)."""
    return _uuid(f"{ctx.site_url}|{kind}|{key}")


def _taxonomy_id(ctx: SiteContext, code: str) -> str:
    return _uuid(f"{ctx.site_url}|taxonomy|{code}") if TAXONOMIES[code][1] else _uuid(f"bds|taxonomy|{code}")


def _term_id(ctx: SiteContext, taxonomy: str, code: str) -> str:
    if TAXONOMIES[taxonomy][1]:
        return _uuid(f"{ctx.site_url}|taxonomy_term|{taxonomy}|{code}")
    return _uuid(f"bds|taxonomy_term|{taxonomy}|{code}")


def _terms_of(ctx: SiteContext, taxonomy: str) -> dict[str, tuple[str, str]]:
    facet = TAXONOMIES[taxonomy][0]
    if facet is None:
        return _extra_terms(taxonomy)
    labels = ctx.labels.facet(facet)
    title = ctx.labels.facet_title("axis") if facet == "axis" else taxonomy_title(taxonomy)
    return {code: (label, f"{title}: {label}.") for code, label in labels.items()}


def taxonomy_term(ctx: SiteContext, taxonomy: str, code: str) -> dict:
    """One HSDS taxonomy_term with its taxonomy_detail; an unknown code keeps its code as name."""
    return _Parts(ctx).term(taxonomy, code)


class _Parts:
    """The taxonomy terms, organizations and catalogue texts of one export, each built once: a big site
    has tens of thousands of attributes for a few dozen terms, and thousands of services for a hundred
    organizations. It lives for one call (`services`, `terms`, the tables), never in `ctx.cache`: the
    texts depend on the language and the words in use then, and a copy of the context with another
    address has other ids."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.names: dict[str, dict[str, tuple[str, str]]] = {}  # taxonomy -> code -> (name, description)
        self.details: dict[str, dict] = {}  # taxonomy -> its taxonomy_detail
        self.attached: dict[tuple[str, str], dict] = {}  # (taxonomy, code) -> term of an attribute
        self.organizations: dict[str, dict] = {}  # partner id -> the organization its services hold
        self.texts: dict[tuple, str] = {}  # (catalogue key, its parameters) -> the text
        self.timetables: dict[str, dict | None] = {}  # a schedule's words -> `weekly` of them

    def _names(self, taxonomy: str) -> dict[str, tuple[str, str]]:
        if taxonomy not in self.names:
            self.names[taxonomy] = _terms_of(self.ctx, taxonomy)
        return self.names[taxonomy]

    def _detail(self, taxonomy: str) -> dict:
        if taxonomy not in self.details:
            ctx = self.ctx
            self.details[taxonomy] = {
                "id": _taxonomy_id(ctx, taxonomy),
                "name": taxonomy_title(taxonomy),
                "description": t(
                    "data.hsds.taxonomy_description",
                    taxonomy=taxonomy,
                    name=ctx.territory.get("programme", ""),
                ),
                "uri": ctx.url(TAXONOMY_URL),
            }
        return self.details[taxonomy]

    def term(self, taxonomy: str, code: str) -> dict:
        """A new term dict with its own taxonomy_detail (dati/hsds-taxonomy.json)."""
        found = self._names(taxonomy).get(code)
        if found is None:
            found = (code, t("data.hsds.unknown_term", title=taxonomy_title(taxonomy), code=code))
        detail = self._detail(taxonomy)
        return {
            "id": _term_id(self.ctx, taxonomy, code),
            "code": f"{taxonomy}/{code}",  # unique in the dataset (HSDS), e.g. housing is a kind and an axis
            "name": found[0],
            "description": found[1],
            "taxonomy": taxonomy,
            "taxonomy_detail": dict(detail),
            "language": "it",
            "taxonomy_id": detail["id"],
        }

    def of_attribute(self, taxonomy: str, code: str) -> dict:
        """The term without its taxonomy_detail (that is in dati/hsds-taxonomy.json, once per term):
        one dict shared by every attribute that names it (callers must not change it)."""
        key = (taxonomy, code)
        if key not in self.attached:
            term = self.term(taxonomy, code)
            del term["taxonomy_detail"]
            self.attached[key] = term
        return self.attached[key]

    def text(self, key: str, **params: Any) -> str:
        """`t(key, **params)`, looked up once per export for the same parameters (an address, an
        amount: a few hundred texts for thousands of services)."""
        memo = (key, *params.items())
        if memo not in self.texts:
            self.texts[memo] = t(key, **params)
        return self.texts[memo]

    def weekly(self, text: str) -> dict | None:
        """`weekly(text)` once per export for the same words (do not change the dict it gives)."""
        if text not in self.timetables:
            self.timetables[text] = weekly(text)
        return self.timetables[text]

    def organization(self, pid: str) -> dict:
        """The organization of a partner, one dict shared by its services (callers must not change it)."""
        if pid not in self.organizations:
            self.organizations[pid] = _organization(self.ctx, pid, self)
        return self.organizations[pid]


def _attribute(
    parts: _Parts, owner_id: str, entity: str, taxonomy: str, code: str, value: str | None = None
) -> dict:
    term = parts.of_attribute(taxonomy, code)
    out = {
        "id": _uuid(f"{owner_id}|attribute|{taxonomy}|{code}"),
        "link_id": owner_id,
        "taxonomy_term_id": term["id"],
        "link_type": taxonomy,
        "link_entity": entity,
    }
    if value is not None:
        out["value"] = value
    out["taxonomy_term"] = term
    return out


# -- Schedules from the free text (only the plain weekly forms) ------------------------------------

_DAYS = {
    "lunedì": "MO",  # msg-ok: a day name the parser reads
    "martedì": "TU",  # msg-ok: a day name the parser reads
    "mercoledì": "WE",  # msg-ok: a day name the parser reads
    "giovedì": "TH",  # msg-ok: a day name the parser reads
    "venerdì": "FR",  # msg-ok: a day name the parser reads
    "sabato": "SA",
    "domenica": "SU",
}
_ORDER = list(_DAYS)
_DAY = "(lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica)"  # msg-ok: regex over day names
_TIME = r"([0-9]{1,2})(?:[.:]([0-9]{2}))?"
_HOURS = rf",? dalle {_TIME} alle {_TIME}\.?"  # msg-ok: regex over the listings' own Italian hours
_ONE_DAY = re.compile(_DAY, re.IGNORECASE)
_EVERY = re.compile(rf"(?:il|la) {_DAY}((?: e (?:il|la) {_DAY})*){_HOURS}", re.IGNORECASE)
_RANGE = re.compile(rf"da(?:l)? {_DAY} a(?:l)? {_DAY}{_HOURS}", re.IGNORECASE)


def schedule_text_of(item: dict) -> str:
    """The listing's hours in words (`schedule` is free text; anything else is not read here)."""
    value = item.get("schedule")
    return value.strip() if isinstance(value, str) else ""


def _hhmm(hour: str, minute: str | None) -> str | None:
    h, m = int(hour), int(minute or 0)
    return f"{h:02d}:{m:02d}" if h < 24 and m < 60 else None


def weekly(text: str) -> dict | None:
    """freq/byday/opens_at/closes_at when the whole text is a plain weekly timetable, else None."""
    text = " ".join(text.split())
    every = _EVERY.fullmatch(text)
    if every:
        days = [every.group(1).lower()] + [d.lower() for d in _ONE_DAY.findall(every.group(2) or "")]
        times = every.groups()[-4:]
    else:
        span = _RANGE.fullmatch(text)
        if not span:
            return None
        first, last = _ORDER.index(span.group(1).lower()), _ORDER.index(span.group(2).lower())
        if last <= first:
            return None
        days = _ORDER[first : last + 1]
        times = span.groups()[-4:]
    opens, closes = _hhmm(times[0], times[1]), _hhmm(times[2], times[3])
    if not opens or not closes or closes <= opens:
        return None
    return {
        "freq": "WEEKLY",
        "byday": ",".join(_DAYS[d] for d in days),
        "opens_at": opens,
        "closes_at": closes,
    }


# -- Services -------------------------------------------------------------------------------------


def _organization(ctx: SiteContext, pid: str, parts: _Parts) -> dict:
    partner = ctx.partners.get(pid, {})
    contact = partner.get("contact") or {}
    oid = _scoped(ctx, "organization", pid)
    org: dict[str, object] = {
        "id": oid,
        "name": str(partner.get("name", pid)),
        "description": plain_text(str(partner.get("description", ""))),
    }
    if contact.get("email"):
        org["email"] = str(contact["email"])
    if contact.get("url"):
        org["website"] = str(contact["url"])
    org["uri"] = ctx.url(model.partner_path(pid)) if pid in ctx.partners else None
    if org["uri"] is None:
        del org["uri"]
    if contact.get("phone"):
        org["phones"] = [
            {"id": _scoped(ctx, "phone", pid), "organization_id": oid, "number": str(contact["phone"])}
        ]
    if isinstance(partner.get("peer_support"), bool):
        org["attributes"] = [
            _attribute(parts, oid, "organization", "bds-ente", "esp", str(partner["peer_support"]).lower())
        ]
    return org


def _cost_options(item: dict, sid: str, ctx: SiteContext, parts: _Parts) -> list[dict]:
    cost, labels = item.get("cost"), ctx.labels.costs
    base = {"id": _uuid(f"{sid}|cost_option"), "service_id": sid}
    if cost == "free":
        option = labels["free"] if "free" in labels else parts.text("data.cost.free")
        return [base | {"option": option, "currency": "EUR", "amount": 0}]
    if cost == "budget":
        return [base | {"option": labels["budget"] if "budget" in labels else parts.text("data.cost.budget")}]
    amount = cost if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None
    if amount is None:
        return []
    return [base | {"option": parts.text("data.cost.paid"), "currency": "EUR", "amount": amount}]


def _fees(item: dict, ctx: SiteContext) -> str | None:
    cost = item.get("cost")
    if cost in ("free", "budget"):
        return ctx.labels.costs.get(cost)
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return model.euro(cost)
    return None


def _description(item: dict, parts: _Parts) -> str:
    description = " ".join(
        p for p in (str(item.get("summary", "")), plain_text(str(item.get("description", "")))) if p
    )
    stipend = item.get("stipend")
    if isinstance(stipend, (int, float)) and not isinstance(stipend, bool):
        description += " " + parts.text("data.hsds.stipend", amount=model.euro(stipend))
    return description


def _schedules(item: dict, sid: str, parts: _Parts) -> list[dict]:
    """The listing's dates and hours as one HSDS schedule, or none."""
    dates = item.get("dates") or {}
    schedule_text = schedule_text_of(item)
    if not (schedule_text or dates.get("start") or dates.get("end")):
        return []
    schedule = {"id": _uuid(f"{sid}|schedule"), "service_id": sid}
    if dates.get("start"):
        schedule["valid_from"] = str(dates["start"])
    if dates.get("end"):
        schedule["valid_to"] = str(dates["end"])
    if dates.get("start"):
        schedule["dtstart"] = str(dates["start"])
    schedule |= parts.weekly(schedule_text) or {}
    if schedule_text:
        schedule["description"] = schedule_text
    return [schedule]


def _service_areas(ctx: SiteContext, item: dict, sid: str, parts: _Parts) -> list[dict]:
    locality = str(ctx.territory.get("locality") or ctx.territory.get("territory", ""))
    areas = {str(z.get("id")): z for z in ctx.territory.get("zones") or []}
    out = []
    for zone in item.get("zones") or []:
        said = _uuid(f"{sid}|service_area|{zone}")
        label = ctx.labels.zones.get(zone, zone)
        neighbourhoods = ", ".join(str(a) for a in (areas.get(zone) or {}).get("areas") or [])
        out.append(
            {
                "id": said,
                "service_id": sid,
                "name": label,
                "description": f"{label} ({locality})" + (f": {neighbourhoods}" if neighbourhoods else ""),
                "attributes": [_attribute(parts, said, "service_area", "bds-zona", str(zone))],
            }
        )
    return out


def _service_at_locations(ctx: SiteContext, item: dict, sid: str, org_id: str, parts: _Parts) -> list[dict]:
    """The public place of the listing; none for a protected place (bds.protected): zones only."""
    record = ctx.listing(item)  # the place computed once (bds.records): never a protected one
    place, address = record.place_name, record.address
    if not (place or address):
        return []
    pid, lid = str(item.get("partner", "")), str(item.get("id", ""))
    # one location per place: the listings of a partner held in the same place share it
    loc_id = _scoped(ctx, "location", f"{pid}|{place or ''}|{address or ''}")
    location: dict = {"id": loc_id, "location_type": "physical", "organization_id": org_id}
    location["name"] = place or address
    if address:
        location["description"] = parts.text("data.hsds.address", address=address)
    if item.get("accessibility"):
        location["accessibility"] = [
            {
                "id": _uuid(f"{loc_id}|accessibility|{item['accessibility']}"),
                "location_id": loc_id,
                "description": item["accessibility"],
            }
        ]
    return [
        {
            "id": _scoped(ctx, "service_at_location", lid),
            "service_id": sid,
            "location_id": loc_id,
            "location": location,
        }
    ]


def _languages(item: dict, sid: str) -> list[dict]:
    out = []
    for code in (str(code) for code in item.get("languages") or []):
        language = {"id": _uuid(f"{sid}|language|{code}"), "service_id": sid}
        name = language_name(code)
        if name is not None:
            language["name"] = name
        language["code"] = code
        out.append(language)
    return out


def _service_attributes(parts: _Parts, item: dict, sid: str) -> list[dict]:
    attributes = [_attribute(parts, sid, "service", "bds-tipo", str(item.get("kind", "")))]
    attributes += [_attribute(parts, sid, "service", "bds-asse", str(a)) for a in item.get("axes") or []]
    attributes += [
        _attribute(parts, sid, "service", "bds-destinatari", str(a)) for a in item.get("audience") or []
    ]
    attributes.append(_attribute(parts, sid, "service", "bds-accesso", str(item.get("access", ""))))
    if item.get("accessibility"):
        attributes.append(
            _attribute(parts, sid, "service", "bds-luogo", "accessibilita", str(item["accessibility"]))
        )
    return attributes


def service(ctx: SiteContext, item: dict, parts: _Parts | None = None) -> dict:
    """One HSDS service object; its keys in the order of service.json (the export's byte order).
    `parts`: the terms and organizations already built by this export (shared, see `_Parts`)."""
    parts = parts or _Parts(ctx)
    sid = _scoped(ctx, "service", str(item.get("id", "")))
    out = _service_facts(ctx, item, sid, parts)
    _add_service_parts(out, ctx, item, sid, parts)
    return out


def _service_facts(ctx: SiteContext, item: dict, sid: str, parts: _Parts) -> dict:
    """The service's own fields, from its id to its last change."""
    lid = str(item.get("id", ""))
    contact = item.get("contact") or {}
    out: dict = {
        "id": sid,
        "organization_id": _scoped(ctx, "organization", str(item.get("partner", ""))),
        "name": str(item.get("title", "")),
        "description": _description(item, parts),
        "url": ctx.url(model.listing_path(lid)),
    }
    if contact.get("email"):
        out["email"] = str(contact["email"])
    out["status"] = "active"
    out["application_process"] = ctx.labels.access.get(str(item.get("access")), str(item.get("access", "")))
    fees = _fees(item, ctx)
    if fees:
        out["fees_description"] = fees
    out["eligibility_description"] = ", ".join(
        ctx.labels.audiences.get(a, a) for a in item.get("audience") or []
    )
    out["assured_date"] = str(item.get("reviewed", ""))
    if item.get("status") == "full":
        out["alert"] = ctx.labels.statuses.get("full", t("data.status_full"))
    out["last_modified"] = f"{item.get('reviewed', '')}T00:00:00Z"
    return out


def _add_service_parts(out: dict, ctx: SiteContext, item: dict, sid: str, parts: _Parts) -> None:
    """The objects a service holds, from its phones to its attributes (empty lists left out)."""
    phone = (item.get("contact") or {}).get("phone")
    if phone:
        out["phones"] = [{"id": _uuid(f"{sid}|phone"), "service_id": sid, "number": str(phone)}]
    schedules = _schedules(item, sid, parts)
    if schedules:
        out["schedules"] = schedules
    out["service_areas"] = _service_areas(ctx, item, sid, parts)
    locations = _service_at_locations(ctx, item, sid, out["organization_id"], parts)
    if locations:
        out["service_at_locations"] = locations
    languages = _languages(item, sid)
    if languages:
        out["languages"] = languages
    out["organization"] = parts.organization(str(item.get("partner", "")))
    costs = _cost_options(item, sid, ctx, parts)
    if costs:
        out["cost_options"] = costs
    out["attributes"] = _service_attributes(parts, item, sid)


def services(ctx: SiteContext) -> list[dict]:
    """Every open listing's service object, built once per site context (dati/hsds.json and the tables
    of dati/hsds/ are the same objects). Callers must not change them."""
    found = ctx.cache.get("hsds-services")
    if found is None or found[0] is not ctx.listings:  # a copy of the context with other listings
        parts = _Parts(ctx)
        listings = sorted(ctx.listings, key=lambda x: str(x.get("id", "")))
        made = [service(ctx, item, parts) for item in listings]
        found = ctx.cache["hsds-services"] = (ctx.listings, made)
    return found[1]


def terms(ctx: SiteContext) -> list[dict]:
    """Every term of the BdS taxonomies, taxonomy by taxonomy, in the order of the labels."""
    parts = _Parts(ctx)
    return [parts.term(code, term) for code in TAXONOMIES for term in _terms_of(ctx, code)]


def _dump(data) -> bytes:
    return (jsontext.dumps(data, indent=1) + "\n").encode("utf-8")


def hsds_json(ctx: SiteContext) -> bytes:
    return _dump(services(ctx))


def taxonomy_json(ctx: SiteContext) -> bytes:
    return _dump(terms(ctx))


# -- The HSDS tabular data package (dati/hsds/) -----------------------------------------------------

TABULAR_DIR = "dati/hsds"


def _official_package() -> dict:
    """The HSDS 3.0 datapackage.json of the specification (bds/data/hsds/, CC BY-SA 4.0)."""
    return json.loads(kitfiles.data("hsds/datapackage.json").read_text(encoding="utf-8"))


class _Rows:
    """Resource name -> rows, filled object by object; a place or an accessibility note shared by
    several listings is one row."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {}
        self.seen: set[str] = set()

    def add(self, table: str, record: dict) -> None:
        self.rows.setdefault(table, []).append(record)

    def once(self, table: str, record: dict) -> None:
        if record["id"] not in self.seen:
            self.seen.add(record["id"])
            self.add(table, record)

    def attributes(self, node: dict) -> None:
        for attribute in node.get("attributes") or []:
            self.add("attribute", attribute)

    def organization(self, org: dict) -> None:
        self.add("organization", org)
        for phone in org.get("phones") or []:
            self.add("phone", phone)
        self.attributes(org)

    def service(self, item: dict) -> None:
        self.add("service", item)
        self.attributes(item)
        for key, table in _SERVICE_TABLES:
            for record in item.get(key) or []:
                self.add(table, record)
        for area in item.get("service_areas") or []:
            self.add("service_area", area)
            self.attributes(area)
        self.locations(item)

    def locations(self, item: dict) -> None:
        for link in item.get("service_at_locations") or []:
            self.add("service_at_location", link)
            location = link["location"]
            self.once("location", {k: v for k, v in location.items() if k != "accessibility"})
            for access in location.get("accessibility") or []:
                self.once("accessibility", access)

    def term(self, term: dict) -> None:
        self.add("taxonomy_term", term)
        detail = term["taxonomy_detail"]
        if detail["id"] not in {t["id"] for t in self.rows.get("taxonomy", [])}:
            self.add("taxonomy", detail)


# The lists of a service that are tables of their own, with nothing nested.
_SERVICE_TABLES = (
    ("phones", "phone"),
    ("schedules", "schedule"),
    ("languages", "language"),
    ("cost_options", "cost_option"),
)


def _rows(ctx: SiteContext) -> dict[str, list[dict]]:
    """Resource name -> rows: the same objects as dati/hsds.json, one table per HSDS object."""
    rows = _Rows()
    parts = _Parts(ctx)
    for pid in ctx.partners:
        rows.organization(_organization(ctx, pid, parts))
    for item in services(ctx):
        rows.service(item)
    for term in terms(ctx):
        rows.term(term)
    return rows.rows


_HHMM = re.compile(r"[0-9]{2}:[0-9]{2}")


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "time" and _HHMM.fullmatch(str(value)):
        return f"{value}:00"  # Table Schema time is HH:MM:SS
    if kind in ("number", "integer"):
        return str(value)
    return cells.neutralise(str(value))  # text cells only: see bds.cells


def _table(fields: list[dict], records: list[dict]) -> bytes:
    """One CSV table: a header of the field names, a row of `_cell`s per record."""
    names = [f["name"] for f in fields]
    kinds = [f["type"] for f in fields]
    textual = [kind == "string" for kind in kinds]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    triggers = cells.TRIGGERS
    # a missing value, or a text that bds.cells leaves alone (most of them), is written without _cell
    writer.writerows(
        [
            ""
            if value is None
            else value
            if text and type(value) is str and not value.startswith(triggers)
            else _cell(value, kind)
            for value, kind, text in zip(map(record.get, names), kinds, textual, strict=True)
        ]
        for record in records
    )
    return buffer.getvalue().encode("utf-8")


def tabular_files(ctx: SiteContext) -> dict[str, bytes]:
    """dati/hsds/: every table of the HSDS 3.0 tabular package (empty ones with their header) and its
    datapackage.json, whose resources are the specification's own, unchanged."""
    official = _official_package()
    rows = _rows(ctx)
    out: dict[str, bytes] = {}
    for resource in official["resources"]:
        records = rows.get(resource["name"], [])
        out[f"{TABULAR_DIR}/{resource['path']}"] = _table(resource["schema"]["fields"], records)
    chosen = model.licence(ctx.territory)
    licence_info: dict[str, str | None] = {"title": chosen.title}
    if chosen.spdx:
        licence_info = {"name": chosen.spdx, "title": chosen.title, "path": chosen.url}
    programme = str(ctx.territory.get("programme", ""))
    package = {
        "profile": "tabular-data-package",
        "name": "bds-hsds",
        "title": t("data.hsds.package.title", name=programme),
        "description": t(
            "data.hsds.package.description",
            name=programme,
            version=official.get("version", "3.0.0"),
            rule=cells.RULE_IT,
        ),
        "licenses": [licence_info],
        "sources": [{"title": "Human Services Data Specification 3.0", "path": "https://openreferral.org/"}],
        "resources": official["resources"],
    }
    out[f"{TABULAR_DIR}/datapackage.json"] = _dump(package)
    return out
