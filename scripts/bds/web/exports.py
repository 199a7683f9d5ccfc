"""Open data files from the open listings: CSV, JSON, Data Package, HSDS, iCalendar, RSS.

Pure functions returning bytes. Deterministic: ordering is by id, dates come from the records
and from `today`, never from the clock. Protected places (`bds.protected`: housing, zone-only,
homes on the housing axis) never carry an address, a place name or coordinates: only their zones.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime

from .. import messages
from ..records import Listing
from . import hsds as hsds_export
from . import ical, jsontext, model, tabular
from .context import SiteContext

CSV_FIELDS = [(c.name, c.type, c.title or c.name) for c in tabular.OPPORTUNITY_COLUMNS]
public_record = tabular.public_record


def _by_id(ctx: SiteContext) -> list[Listing]:
    return sorted(ctx.open_records, key=lambda record: record.id)


def listings_csv(ctx: SiteContext) -> bytes:
    """opportunita.csv (see bds.web.tabular: columns derived from the JSON Schemas)."""
    return tabular.listings_csv(ctx)


def table_files(ctx: SiteContext) -> dict[str, bytes]:
    """All the CSV tables of the data package, by file name (opportunita.csv included)."""
    return tabular.csv_files(ctx)


def listings_json(ctx: SiteContext) -> bytes:
    data = {
        "programma": ctx.territory.get("programme", ""),
        "licenza": model.licence(ctx.territory).text,
        "aggiornato_il": ctx.today.isoformat(),
        "opportunita": [tabular.open_record(record, ctx) for record in _by_id(ctx)],
    }
    return (jsontext.dumps(data, indent=1) + "\n").encode("utf-8")


def datapackage(ctx: SiteContext) -> bytes:
    """datapackage.json: the Table Schemas of the CSV tables, derived from the JSON Schemas."""
    return tabular.datapackage(ctx)


def hsds(ctx: SiteContext) -> bytes:
    """Open Referral HSDS 3.0: an array of compiled service objects (see bds.web.hsds)."""
    return hsds_export.hsds_json(ctx)


def hsds_taxonomy(ctx: SiteContext) -> bytes:
    return hsds_export.taxonomy_json(ctx)


def hsds_tabular(ctx: SiteContext) -> dict[str, bytes]:
    """dati/hsds/: the HSDS 3.0 tabular data package (site paths -> bytes)."""
    return hsds_export.tabular_files(ctx)


def calendar(ctx: SiteContext) -> bytes:
    """The iCalendar of the listings that are events: see bds.web.ical (RRULE from the timetable)."""
    return ical.calendar(ctx)


def _rfc822(day: dt.date | None) -> str:
    moment = dt.datetime.combine(day or dt.date(2000, 1, 1), dt.time(0, 0), tzinfo=dt.UTC)
    return format_datetime(moment)


# Characters XML 1.0 does not allow (C0 controls but tab/newline/return, surrogates, U+FFFE/U+FFFF): a feed
# reader refuses the whole feed for one of them, so they are dropped from every text the feed carries.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rss(ctx: SiteContext, limit: int = 50) -> bytes:
    """RSS 2.0 of the most recently verified listings (reviewed date, then id: deterministic)."""
    from xml.sax.saxutils import escape as xml_escape

    def escape(text: str) -> str:
        return xml_escape(_NOT_XML.sub("", text))

    newest = sorted(ctx.open_records, key=lambda x: (str(x.raw.get("reviewed", "")), x.id), reverse=True)
    items = []
    for record in newest[:limit]:
        url = ctx.url(model.listing_path(record.id))
        category = ctx.labels.kinds.get(record.kind, record.kind)
        items.append(
            "<item>"
            f"<title>{escape(record.title)}</title>"
            f"<link>{escape(url)}</link>"
            f'<guid isPermaLink="true">{escape(url)}</guid>'
            f"<description>{escape(record.summary)}</description>"
            f"<category>{escape(category)}</category>"
            f"<pubDate>{_rfc822(record.reviewed)}</pubDate>"
            "</item>"
        )
    title = messages.t("site.feed.title", name=ctx.territory.get("programme", ""))
    feed_url = ctx.url("dati/novita.xml")
    description = messages.t("site.feed.description", programme=ctx.labels.words.programme)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(title)}</title><link>{escape(ctx.site_url)}</link>"
        f"<description>{escape(description)}</description>"
        f"<language>it</language><lastBuildDate>{_rfc822(ctx.today)}</lastBuildDate>"
        f'<atom:link href="{escape(feed_url)}" rel="self" type="application/rss+xml"/>'
        + "".join(items)
        + "</channel></rss>\n"
    )
    return text.encode("utf-8")
