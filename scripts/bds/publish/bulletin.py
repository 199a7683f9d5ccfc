"""The quarterly bulletin: catalogue figures of one quarter as data, and its pages as pure functions.

A bulletin carries catalogue figures only (listings, partners, places): never a figure about
people or outcomes. `snapshot()` computes the data once, at publication; the data is stored in
`content/bulletins/<quarter>.yml` and every later build renders it again (`page_html()`), so an
earlier bulletin stays exactly as it was published, whatever the catalogue becomes.

Definitions (also printed on every bulletin page):
- the catalogue of the bulletin is the catalogue on the reference day (`today` of the
  publication: the quarter's last day when it is over): listings open or full, not expired;
- a listing is «nuova» when it is in that catalogue and either starts within the quarter
  (`dates.start`) or was not in the catalogue of the previous stored bulletin;
- a listing is «in scadenza» when it is open or full and the first of its deadline and end
  falls within the quarter or in the `SOON_DAYS` days after it;
- a partner is «attivo» when at least one of its listings is in the catalogue;
- places are summed over the listings that state them; a listing with several axes or zones
  counts once in each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .. import dates, vocabulary
from ..messages import t
from ..pipeline.quarter import Quarter
from ..web import model
from ..web.context import SiteContext
from ..web.model import rel
from ..web.page import Page
from ..web.text import esc

FORMAT = 1  # version of the stored bulletin data
SOON_DAYS = 60
INDEX_PATH = "bollettini/index.md"
# file name, key of its title and description under publish.bulletin.files
OPEN_DATA_FILES = (
    ("opportunita.csv", "listings_csv"),
    ("opportunita.json", "listings_json"),
    ("datapackage.json", "datapackage"),
    ("enti.csv", "partners_csv"),
    ("zone.csv", "zones_csv"),
    ("opportunita-zone.csv", "listing_zones_csv"),
)


def page_path(label: str) -> str:
    return f"bollettini/{label}.md"


def data_dir(label: str) -> str:
    return f"dati/{label}"


leaves_on = dates.leaves_catalogue_on  # on a plain mapping; typed records carry it (Listing.leaves_on)


def _breakdown(listings: list[dict], facet: str, labels: model.Labels) -> list[dict]:
    rows: dict[str, dict] = {}
    for item in listings:
        places = (
            item.get("places")
            if isinstance(item.get("places"), int) and not isinstance(item.get("places"), bool)
            else None
        )
        for value in model.facet_values(item, facet):
            row = rows.setdefault(
                value,
                {
                    "value": value,
                    "label": labels.value(facet, value),
                    "listings": 0,
                    "places": 0,
                    "unstated": 0,
                },
            )
            row["listings"] += 1
            if places is None:
                row["unstated"] += 1
            else:
                row["places"] += places
    known = list(labels.facet(facet))
    return sorted(
        rows.values(),
        key=lambda r: (known.index(r["value"]) if r["value"] in known else len(known), r["value"]),
    )


def _new_listings(ctx: SiteContext, quarter: Quarter, previous: dict | None) -> list[dict]:
    """Listings of the catalogue that start within the quarter or were not in the previous bulletin."""
    earlier = set(previous.get("catalogue") or []) if previous else None
    new = []
    for record in ctx.open_records:
        start = record.start
        if quarter.contains(start):
            why = "start"
        elif earlier is not None and record.id not in earlier:
            why = "first"
        else:
            continue
        new.append(
            {
                "id": record.id,
                "title": record.title,
                "partner": record.partner_id,
                "kind": record.kind,
                "kind_label": ctx.labels.kinds.get(record.kind, record.kind),
                "start": start.isoformat() if start else "",
                "reason": why,
            }
        )
    return new


def _expiring(ctx: SiteContext, quarter: Quarter) -> list[dict]:
    """Open or full listings that leave the catalogue within the quarter or SOON_DAYS after it."""
    window_end = quarter.end + dt.timedelta(days=SOON_DAYS)
    expiring = []
    for record in ctx.all_records:
        day = record.leaves_on
        if record.status not in model.SHOWN_STATUSES or day is None:
            continue
        if quarter.start <= day <= window_end:
            expiring.append(
                {
                    "id": record.id,
                    "title": record.title,
                    "partner": record.partner_id,
                    "date": day.isoformat(),
                    "past": day < ctx.today,
                }
            )
    expiring.sort(key=lambda e: (e["date"], e["id"]))
    return expiring


def _active_partners(ctx: SiteContext) -> list[dict[str, Any]]:
    active: list[dict[str, Any]] = []
    for pid, partner in ctx.partners.items():
        count = len(ctx.listings_by_partner.get(pid, []))
        if count:
            active.append({"id": pid, "name": str(partner.get("name", pid)), "listings": count})
    active.sort(key=lambda p: (p["name"].casefold(), p["id"]))
    return active


def snapshot(ctx: SiteContext, quarter: Quarter, previous: dict | None = None) -> dict:
    """The bulletin of `quarter` from the catalogue on `ctx.today`; `previous` is the earlier stored one."""
    catalogue = ctx.listings
    new = _new_listings(ctx, quarter, previous)
    expiring = _expiring(ctx, quarter)
    active = _active_partners(ctx)
    partner_names = {pid: str(p.get("name", pid)) for pid, p in ctx.partners.items()}
    for row in new + expiring:
        row["partner_name"] = partner_names.get(str(row["partner"]), str(row["partner"]))
    places = sum(
        i["places"]
        for i in catalogue
        if isinstance(i.get("places"), int) and not isinstance(i.get("places"), bool)
    )
    return {
        "format": FORMAT,
        "quarter": quarter.label,
        "title": t("publish.bulletin.title", quarter=quarter.title),
        "programme": str(ctx.territory.get("programme") or vocabulary.of(ctx.territory).programme),
        "period": {"start": quarter.start.isoformat(), "end": quarter.end.isoformat()},
        "reference_date": ctx.today.isoformat(),
        "previous": previous.get("quarter") if previous else None,
        "totals": {
            "listings": len(catalogue),
            "new": len(new),
            "expiring": len(expiring),
            "partners": len(ctx.partners),
            "partners_active": len(active),
            "places": places,
        },
        "by_kind": _breakdown(catalogue, "kind", ctx.labels),
        "by_axis": _breakdown(catalogue, "axis", ctx.labels),
        "by_zone": _breakdown(catalogue, "zone", ctx.labels),
        "new": new,
        "expiring": expiring,
        "partners_active": active,
        "open_data": [name for name, _ in OPEN_DATA_FILES],
        "catalogue": sorted(str(i.get("id")) for i in catalogue),
    }


# -- rendering --------------------------------------------------------------------------------------


def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def bar_chart(rows: list[dict], key: str, chart_id: str, title: str, description: str) -> str:
    """A horizontal bar chart as accessible inline SVG: role img, <title> and <desc>; values printed."""
    label_w, bar_w, row_h, top = 260, 300, 36, 8
    width = label_w + bar_w + 70
    height = top * 2 + row_h * max(1, len(rows))
    top_value = max([r[key] for r in rows] + [1])
    parts = [
        f'<svg class="bds-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        'style="max-width:100%;height:auto">'
        f'<title id="{chart_id}-t">{esc(title)}</title><desc id="{chart_id}-d">{esc(description)}</desc>'
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        length = round(bar_w * row[key] / top_value, 1)
        label = row["label"] if len(row["label"]) <= 24 else row["label"][:23] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 24}" text-anchor="end" font-size="19" fill="#1f1f1f">'
            f"{esc(label)}</text>"
            f'<rect x="{label_w}" y="{y + 6}" width="{length}" height="{row_h - 12}" fill="#1d5a8c"></rect>'
            f'<text x="{label_w + length + 6}" y="{y + 24}" font-size="19" fill="#1f1f1f">'
            f"{_num(row[key])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_CELL = 'style="padding:.45em .7em;border-bottom:1px solid #d0d4d9;text-align:left;vertical-align:top"'


def data_table(table_id: str, caption: str, head: list[str], rows: list[list[str]], empty: str) -> str:
    """An HTML table (cells already escaped) in its own scroll region: named by the caption and
    focusable, so a narrow screen can scroll it with the keyboard. The class keeps the theme from
    wrapping it in a scroll box of its own that nothing could focus."""
    head_html = "".join(f'<th scope="col" {_CELL}>{h}</th>' for h in head)
    body = (
        "".join(
            "<tr>"
            + f'<th scope="row" {_CELL}>{row[0]}</th>'
            + "".join(f"<td {_CELL}>{c}</td>" for c in row[1:])
            + "</tr>"
            for row in rows
        )
        or f'<tr><td colspan="{len(head)}" {_CELL}>{esc(empty)}</td></tr>'
    )
    return (
        f'<div class="bds-table-scroll" role="region" tabindex="0" aria-labelledby="{table_id}-c" '
        'style="overflow-x:auto;margin:1em 0">'
        f'<table class="bds-table" id="{table_id}" '
        'style="border-collapse:collapse;min-width:100%;font-size:.85em">'
        f'<caption id="{table_id}-c" style="text-align:left;font-weight:700;padding:.3em 0">'
        f"{esc(caption)}</caption>"
        f"<thead><tr>{head_html}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _table(rows: list[dict], first: str, caption: str, table_id: str) -> str:
    cells = [[esc(r["label"]), _num(r["listings"]), _num(r["places"]), _num(r["unstated"])] for r in rows]
    return data_table(
        table_id,
        caption,
        [
            esc(first),
            t("publish.bulletin.table.listings"),
            t("publish.bulletin.table.places"),
            t("publish.bulletin.table.unstated"),
        ],
        cells,
        t("publish.bulletin.empty_catalogue"),
    )


def _listing_ref(row: dict, path: str, shown: set[str]) -> str:
    title = esc(row["title"])
    if row["id"] in shown:
        return f'<a href="{esc(rel(path, model.listing_path(row["id"])))}">{title}</a>'
    return title  # no longer in the catalogue: no link that would lead nowhere


def _partner_ref(pid: str, name: str, path: str, partners: set[str]) -> str:
    if pid in partners:
        return f'<a href="{esc(rel(path, model.partner_path(pid)))}">{esc(name)}</a>'
    return esc(name)


def _facts_html(totals: dict) -> str:
    facts = [
        (t("publish.bulletin.facts.listings"), _num(totals["listings"])),
        (t("publish.bulletin.facts.new"), _num(totals["new"])),
        (t("publish.bulletin.facts.expiring"), _num(totals["expiring"])),
        (
            t("publish.bulletin.facts.partners_active"),
            t(
                "publish.bulletin.facts.partners_of",
                active=_num(totals["partners_active"]),
                total=_num(totals["partners"]),
            ),
        ),
        (t("publish.bulletin.facts.places"), _num(totals["places"])),
    ]
    return '<dl class="bds-facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def _chart(data: dict) -> str:
    by_kind = data["by_kind"]
    description = "; ".join(
        t("publish.bulletin.chart.row", label=r["label"], places=r["places"], listings=r["listings"])
        for r in by_kind
    ) or t("publish.bulletin.empty_catalogue")
    return bar_chart(
        by_kind,
        "places",
        f"grafico-{data['quarter']}",
        t("publish.bulletin.chart.title", title=data["title"]),
        description,
    )


def _new_items(data: dict, path: str, shown: set[str], partners: set[str]) -> str:
    return "".join(
        f"<li>{_listing_ref(r, path, shown)} ({esc(r['kind_label'])}, "
        f"{_partner_ref(r['partner'], r['partner_name'], path, partners)}): "
        + (
            t("publish.bulletin.new.starts", date=esc(model.italian_date(r["start"])))
            if r["reason"] == "start"
            else t("publish.bulletin.new.first")
        )
        + "</li>"
        for r in data["new"]
    )


def _expiring_items(data: dict, path: str, shown: set[str], partners: set[str]) -> str:
    return "".join(
        f"<li>{_listing_ref(r, path, shown)} "
        f"({_partner_ref(r['partner'], r['partner_name'], path, partners)}): "
        + t(
            "publish.bulletin.expiring.past" if r["past"] else "publish.bulletin.expiring.future",
            date=esc(model.italian_date(r["date"])),
        )
        + "</li>"
        for r in data["expiring"]
    )


def _partner_items(data: dict, path: str, partners: set[str]) -> str:
    return "".join(
        f"<li>{_partner_ref(p['id'], p['name'], path, partners)}: "
        + t("publish.bulletin.partner_open", count=p["listings"], number=_num(p["listings"]))
        + "</li>"
        for p in data["partners_active"]
    )


def _files_items(data: dict, path: str) -> str:
    return "".join(
        f'<li><a href="{esc(rel(path, data_dir(data["quarter"]) + "/" + name))}">'
        f"{esc(t(f'publish.bulletin.files.{key}.title'))}</a>: "
        f"{esc(t(f'publish.bulletin.files.{key}.text'))}</li>"
        for name, key in OPEN_DATA_FILES
        if name in (data.get("open_data") or [])
    )


def _new_rule(data: dict) -> str:
    previous = data.get("previous")
    if previous:
        return t("publish.bulletin.new_rule.with_previous", previous=esc(previous))
    return t("publish.bulletin.new_rule.first")


def _section(heading_id: str, heading_key: str, count: int, items: str, empty_key: str) -> str:
    """A counted list of the bulletin (new listings, listings expiring, partners), or a line that
    says there is none; `heading_key` and `empty_key` under publish.bulletin."""
    heading = t(f"publish.bulletin.heading.{heading_key}", number=_num(count))
    empty = t(f"publish.bulletin.{empty_key}")
    return f'<h2 id="{heading_id}">{heading}</h2>' + (f"<ul>{items}</ul>" if items else f"<p>{empty}</p>")


def page_html(data: dict, path: str, shown: set[str], partners: set[str]) -> Page:
    """The bulletin page. `shown`/`partners`: ids published in this build (only those get a link)."""
    totals = data["totals"]
    label = data["quarter"]
    start, end, ref = (
        model.italian_date(data["period"]["start"]),
        model.italian_date(data["period"]["end"]),
        model.italian_date(data["reference_date"]),
    )
    files = _files_items(data, path)
    m = "publish.bulletin."
    body = (
        f'<article class="bds-bulletin"><h1>{esc(data["title"])}</h1>'
        '<p class="bds-lead">'
        + t(m + "lead", name=esc(data["programme"]), start=esc(start), end=esc(end), ref=esc(ref))
        + f'</p><h2 id="in-breve">{t(m + "heading.summary")}</h2>{_facts_html(totals)}'
        f'<h2 id="posti">{t(m + "heading.places")}</h2>'
        f'<figure class="bds-figure">{_chart(data)}<figcaption>{t(m + "chart.caption")}</figcaption></figure>'
        + _table(data["by_kind"], t(m + "table.kind"), t(m + "table.by_kind"), f"tipo-{label}")
        + _table(data["by_axis"], t(m + "table.axis"), t(m + "table.by_axis"), f"asse-{label}")
        + _table(data["by_zone"], t(m + "table.zone"), t(m + "table.by_zone"), f"zona-{label}")
        + f"<p>{t(m + 'counted_in_each')}</p>"
        + _section("nuove", "new", totals["new"], _new_items(data, path, shown, partners), "new.none")
        + f"<p>{_new_rule(data)}</p>"
        + _section(
            "in-scadenza",
            "expiring",
            totals["expiring"],
            _expiring_items(data, path, shown, partners),
            "expiring.none",
        )
        + f"<p>{t(m + 'expiring.rule', days=SOON_DAYS)}</p>"
        + _section(
            "enti",
            "partners",
            totals["partners_active"],
            _partner_items(data, path, partners),
            "partners_none",
        )
        + f'<h2 id="dati">{t(m + "heading.open_data")}</h2>'
        + (f"<p>{t(m + 'open_data.frozen', ref=esc(ref))}</p><ul>{files}</ul>" if files else "")
        + f"<p>{t(m + 'open_data.current', href=esc(rel(path, 'dati-aperti.md')))}</p>"
        f'<h2 id="nota">{t(m + "heading.note")}</h2>'
        f"<p>{t(m + 'note')}</p>"
        f'<p><a href="{esc(rel(path, INDEX_PATH))}">{t(m + "all_bulletins")}</a></p></article>'
    )
    return Page(
        data["title"],
        body,
        description=t(m + "description", quarter=data["quarter"]),
        side_menu=False,
    )


def index_html(bulletins: Iterable[dict], path: str = INDEX_PATH) -> Page:
    ordered = sorted(bulletins, key=lambda b: b["quarter"], reverse=True)
    rows = [
        [
            f'<a href="{esc(rel(path, page_path(b["quarter"])))}">{esc(b["title"])}</a>',
            _num(b["totals"]["listings"]),
            _num(b["totals"]["new"]),
            _num(b["totals"]["partners_active"]),
            _num(b["totals"]["places"]),
        ]
        for b in ordered
    ]
    m = "publish.bulletin.index."
    table = data_table(
        "bollettini",
        t(m + "caption"),
        [t(m + "head." + key) for key in ("bulletin", "listings", "new", "partners_active", "places")],
        rows,
        t(m + "empty"),
    )
    body = (
        f'<div class="bds-bulletins"><h1>{t(m + "title")}</h1>'
        f'<p class="bds-lead">{t(m + "lead")}</p>{table}</div>'
    )
    return Page(t(m + "title"), body, description=t(m + "description"))
