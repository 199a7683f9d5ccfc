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
from email.utils import format_datetime

import icalendar

from .. import cells
from ..dates import parse as parse_date
from . import hsds as hsds_export
from . import model
from .context import SiteContext

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


def hsds(ctx: SiteContext) -> bytes:
    """Open Referral HSDS 3.0: an array of compiled service objects (see bds.web.hsds)."""
    return hsds_export.hsds_json(ctx)


def hsds_taxonomy(ctx: SiteContext) -> bytes:
    return hsds_export.taxonomy_json(ctx)


def calendar(ctx: SiteContext) -> bytes:
    """One all-day VEVENT per listing with a start date. DTSTAMP is the review date (deterministic)."""
    host = ctx.site_url.split("//", 1)[-1].split("/", 1)[0] or "bds"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bds//Budget di Salute//IT")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{ctx.territory.get('programme', '')}: opportunità")
    for item in _by_id(ctx):
        dates = item.get("dates") or {}
        start = parse_date(dates.get("start"))
        if start is None:
            continue
        end = parse_date(dates.get("end")) or start
        lid = str(item.get("id", ""))
        event = icalendar.Event()
        event.add("uid", f"{lid}@{host}")
        event.add(
            "dtstamp",
            dt.datetime.combine(parse_date(item.get("reviewed")) or ctx.today, dt.time(0, 0), tzinfo=dt.UTC),
        )
        event.add("dtstart", start)
        event.add("dtend", end + dt.timedelta(days=1))
        event.add("summary", str(item.get("title", "")))
        url = ctx.url(model.listing_path(lid))
        text = str(item.get("summary", ""))
        if item.get("schedule"):
            text += f"\nOrari: {item['schedule']}"
        event.add("description", f"{text}\n{url}")
        zones = ", ".join(ctx.labels.zones.get(z, z) for z in item.get("zones") or [])
        place = ", ".join(p for p in (model.public_place_name(item), model.public_address(item), zones) if p)
        event.add("location", place)
        event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()


def _rfc822(day) -> str:
    moment = dt.datetime.combine(parse_date(day) or dt.date(2000, 1, 1), dt.time(0, 0), tzinfo=dt.UTC)
    return format_datetime(moment)


def rss(ctx: SiteContext, limit: int = 50) -> bytes:
    """RSS 2.0 of the most recently verified listings (reviewed date, then id: deterministic)."""
    from xml.sax.saxutils import escape

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
