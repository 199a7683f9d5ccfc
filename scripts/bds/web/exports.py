"""Open data files from the open listings: CSV, JSON, Data Package, HSDS, iCalendar, RSS.

Pure functions returning bytes. Deterministic: ordering is by id, dates come from the records
and from `today`, never from the clock. Protected places (`bds.protected`: housing, zone-only,
homes on the housing axis) never carry an address, a place name or coordinates: only their zones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from email.utils import format_datetime

from .. import cells
from ..dates import parse as parse_date
from . import ical, model
from .context import SiteContext
from .text import plain_text

CSV_FIELDS = [
    ("id", "string", "Identificativo della scheda"),
    ("titolo", "string", "Titolo"),
    ("tipo", "string", "Tipo di opportunità (codice)"),
    ("tipo_etichetta", "string", "Tipo di opportunità"),
    ("assi", "string", "Assi del Budget di Salute, separati da «;»"),
    ("ente", "string", "Identificativo dell'ente"),
    ("ente_nome", "string", "Nome dell'ente"),
    ("sintesi", "string", "Sintesi"),
    ("zone", "string", "Zone, separate da «;»"),
    ("luogo", "string", "Nome del luogo (vuoto per i luoghi protetti)"),
    ("indirizzo", "string", "Indirizzo (vuoto per i luoghi protetti: mai per le case)"),
    ("data_inizio", "date", "Data di inizio"),
    ("data_fine", "date", "Data di fine"),
    ("scadenza", "date", "Scadenza per iscriversi"),
    ("orari", "string", "Orari"),
    ("posti", "integer", "Posti disponibili"),
    ("costo", "string", "free, budget oppure importo in euro"),
    ("indennita_mensile", "number", "Indennità mensile in euro"),
    ("accesso", "string", "Come si accede (codice)"),
    ("destinatari", "string", "Per chi è (codici separati da «;»)"),
    ("email", "string", "Email di contatto"),
    ("telefono", "string", "Telefono di contatto"),
    ("sito", "string", "Sito web"),
    ("stato", "string", "open oppure full"),
    ("verificata_il", "date", "Data dell'ultima verifica"),
    ("esempio", "boolean", "true se è una scheda di esempio"),
    ("url", "string", "Pagina della scheda sul sito"),
]


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def public_record(listing: dict, ctx: SiteContext) -> dict:
    """A listing as published: the address and place name are dropped when the place is reserved."""
    dates = listing.get("dates") or {}
    contact = listing.get("contact") or {}
    partner = ctx.partners.get(str(listing.get("partner")), {})
    cost = listing.get("cost")
    return {
        "id": str(listing.get("id", "")),
        "titolo": str(listing.get("title", "")),
        "tipo": str(listing.get("kind", "")),
        "tipo_etichetta": ctx.labels.kinds.get(listing.get("kind"), ""),
        "assi": ";".join(listing.get("axes") or []),
        "ente": str(listing.get("partner", "")),
        "ente_nome": str(partner.get("name", "")),
        "sintesi": str(listing.get("summary", "")),
        "zone": ";".join(listing.get("zones") or []),
        "luogo": model.public_place_name(listing) or "",
        "indirizzo": model.public_address(listing) or "",
        "data_inizio": str(dates.get("start") or ""),
        "data_fine": str(dates.get("end") or ""),
        "scadenza": str(dates.get("deadline") or ""),
        "orari": str(listing.get("schedule") or ""),
        "posti": listing["places"] if isinstance(listing.get("places"), int) else None,
        "costo": "" if cost is None else str(cost),
        "indennita_mensile": _num(listing.get("stipend")),
        "accesso": str(listing.get("access", "")),
        "destinatari": ";".join(listing.get("audience") or []),
        "email": str(contact.get("email") or ""),
        "telefono": str(contact.get("phone") or ""),
        "sito": str(contact.get("url") or ""),
        "stato": str(listing.get("status", "")),
        "verificata_il": str(listing.get("reviewed", "")),
        "esempio": listing.get("example") is True,
        "url": ctx.url(model.listing_path(str(listing.get("id", "")))),
    }


def _by_id(ctx: SiteContext) -> list[dict]:
    return sorted(ctx.listings, key=lambda item: str(item.get("id", "")))


def listings_csv(ctx: SiteContext) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in CSV_FIELDS])
    for item in _by_id(ctx):
        record = public_record(item, ctx)
        row = []
        for name, kind, _ in CSV_FIELDS:
            value = record[name]
            if value is None:
                row.append("")
            elif kind == "boolean":
                row.append("true" if value else "false")
            else:
                row.append(cells.neutralise(value))  # text cells only: see bds.cells
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def listings_json(ctx: SiteContext) -> bytes:
    data = {
        "programma": ctx.territory.get("programme", ""),
        "licenza": model.licence(ctx.territory).text,
        "aggiornato_il": ctx.today.isoformat(),
        "opportunita": [public_record(item, ctx) for item in _by_id(ctx)],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def datapackage(ctx: SiteContext) -> bytes:
    chosen = model.licence(ctx.territory)
    licence_info = {"title": chosen.title}
    if chosen.spdx:
        licence_info = {"name": chosen.spdx, "title": chosen.title, "path": chosen.url}
    fields = []
    for name, kind, title in CSV_FIELDS:
        field = {"name": name, "type": kind, "title": title}
        if kind == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        fields.append(field)
    package = {
        "profile": "tabular-data-package",
        "name": "bds-opportunita",
        "title": f"{ctx.territory.get('programme', '')}: opportunità aperte",
        "licenses": [licence_info],
        "resources": [
            {
                "name": "opportunita",
                "path": "opportunita.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": cells.RULE_IT,
                "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
            }
        ],
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_NAMESPACE = uuid.UUID("6f1c7a52-3f0e-4d8e-9a35-0c8b2f4e1d10")


def _uuid(kind: str, key: str, site_url: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{site_url}|{kind}|{key}"))


def hsds(ctx: SiteContext) -> bytes:
    """Open Referral HSDS 3.0-style JSON: organizations, services, locations, service_at_locations.

    Protected places (bds.protected) become a location with the zone as its name and no address.
    """
    site = ctx.site_url
    organizations = []
    for pid, partner in ctx.partners.items():
        contact = partner.get("contact") or {}
        org = {
            "id": _uuid("organization", pid, site),
            "name": str(partner.get("name", "")),
            "description": plain_text(str(partner.get("description", ""))),
            "email": contact.get("email"),
            "website": contact.get("url"),
            "phones": [{"id": _uuid("phone", pid, site), "number": contact["phone"]}]
            if contact.get("phone")
            else [],
            "attributes": [
                {
                    "id": _uuid("attribute", pid + "|esp", site),
                    "tag": "peer_support",
                    "value": "true" if partner.get("peer_support") is True else "false",
                }
            ],
        }
        organizations.append({k: v for k, v in org.items() if v is not None})
    services, locations, links = [], [], []
    for item in _by_id(ctx):
        lid = str(item.get("id", ""))
        partner_uuid = _uuid("organization", str(item.get("partner", "")), site)
        contact = item.get("contact") or {}
        status = "active"
        service = {
            "id": _uuid("service", lid, site),
            "organization_id": partner_uuid,
            "name": str(item.get("title", "")),
            "description": " ".join(
                (str(item.get("summary", "")), plain_text(str(item.get("description", ""))))
            ),
            "url": ctx.url(model.listing_path(lid)),
            "email": contact.get("email"),
            "status": status,
            "application_process": ctx.labels.access.get(item.get("access"), ""),
            "fees_description": {"free": "Gratuito", "budget": "Coperto dal Budget di Salute"}.get(
                item.get("cost"), model.euro(item["cost"]) if _num(item.get("cost")) is not None else None
            ),
            "eligibility_description": ", ".join(
                ctx.labels.audiences.get(a, a) for a in item.get("audience") or []
            ),
            "assured_date": str(item.get("reviewed", "")),
            "last_modified": f"{item.get('reviewed', '')}T00:00:00Z",
        }
        services.append({k: v for k, v in service.items() if v is not None})
        zones = ", ".join(ctx.labels.zones.get(z, z) for z in item.get("zones") or [])
        location = {
            "id": _uuid("location", lid, site),
            "location_type": "physical",
            "organization_id": partner_uuid,
            "name": model.public_place_name(item) or zones,
            "description": f"Zona: {zones}",
            "addresses": [],
        }
        address = model.public_address(item)
        if address:
            location["addresses"].append(
                {
                    "id": _uuid("address", lid, site),
                    "location_id": location["id"],
                    "address_1": address,
                    "city": str(ctx.territory.get("territory", "")),
                    "state_province": str(ctx.territory.get("region", "")),
                    "postal_code": "",
                    "country": "IT",
                    "address_type": "physical",
                }
            )
        locations.append(location)
        links.append(
            {
                "id": _uuid("service_at_location", lid, site),
                "service_id": service["id"],
                "location_id": location["id"],
            }
        )
    data = {
        "hsds_version": "3.0",
        "generated_on": ctx.today.isoformat(),
        "licence": model.licence(ctx.territory).text,
        "organizations": organizations,
        "services": services,
        "locations": locations,
        "service_at_locations": links,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def calendar(ctx: SiteContext) -> bytes:
    """The iCalendar of the listings that are events: see bds.web.ical (RRULE from the timetable)."""
    return ical.calendar(ctx)


def _rfc822(day) -> str:
    moment = dt.datetime.combine(parse_date(day) or dt.date(2000, 1, 1), dt.time(0, 0), tzinfo=dt.UTC)
    return format_datetime(moment)


# Characters XML 1.0 does not allow (C0 controls but tab/newline/return, surrogates, U+FFFE/U+FFFF): a feed
# reader refuses the whole feed for one of them, so they are dropped from every text the feed carries.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rss(ctx: SiteContext, limit: int = 50) -> bytes:
    """RSS 2.0 of the most recently verified listings (reviewed date, then id: deterministic)."""
    from xml.sax.saxutils import escape as xml_escape

    def escape(text: str) -> str:
        return xml_escape(_NOT_XML.sub("", text))

    newest = sorted(
        ctx.listings, key=lambda x: (str(x.get("reviewed", "")), str(x.get("id", ""))), reverse=True
    )
    items = []
    for item in newest[:limit]:
        url = ctx.url(model.listing_path(str(item.get("id", ""))))
        category = ctx.labels.kinds.get(item.get("kind"), str(item.get("kind", "")))
        items.append(
            "<item>"
            f"<title>{escape(str(item.get('title', '')))}</title>"
            f"<link>{escape(url)}</link>"
            f'<guid isPermaLink="true">{escape(url)}</guid>'
            f"<description>{escape(str(item.get('summary', '')))}</description>"
            f"<category>{escape(category)}</category>"
            f"<pubDate>{_rfc822(item.get('reviewed'))}</pubDate>"
            "</item>"
        )
    title = f"{ctx.territory.get('programme', '')}: nuove opportunità"
    feed_url = ctx.url("dati/novita.xml")
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(title)}</title><link>{escape(ctx.site_url)}</link>"
        f"<description>{escape('Le ultime opportunità verificate del Budget di Salute.')}</description>"
        f"<language>it</language><lastBuildDate>{_rfc822(ctx.today)}</lastBuildDate>"
        f'<atom:link href="{escape(feed_url)}" rel="self" type="application/rss+xml"/>'
        + "".join(items)
        + "</channel></rss>\n"
    )
    return text.encode("utf-8")
