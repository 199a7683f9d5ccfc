"""The coordinators' freshness report: what to re-verify, grouped by partner with its contact.

Pure functions: `entries()` joins `bds.freshness.freshness()` (listings expiring within 30 days or
expired, reviews older than the territory's `review_days`) with the partners that have nothing
open; `html()` and `csv_bytes()` render it. Public administrations (type `ente-pubblico`) are not
listed for having nothing open: they fund and coordinate the programme, they rarely run activities.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .. import cells
from .. import freshness as fr
from ..messages import t
from ..web import model
from ..web.context import SiteContext
from ..web.text import esc

NOTHING_OPEN = "nothing-open"
NOT_EXPECTED_TO_OFFER = ("ente-pubblico",)
REASON_KEY = {  # the label of each reason: publish.freshness.reason.<key>
    fr.EXPIRING: "expiring",
    fr.EXPIRED: "expired",
    fr.STALE: "stale",
    NOTHING_OPEN: "nothing_open",
}


def reason_label(kind: str) -> str:
    return t(f"publish.freshness.reason.{REASON_KEY[kind]}")


CSV_COLUMNS = [
    "ente",
    "ente_nome",
    "email",
    "telefono",
    "cosa",
    "id",
    "titolo",
    "file",
    "motivo",
    "campo",
    "data",
    "giorni",
    "spiegazione",
]


@dataclass
class Entry:
    partner: str
    name: str
    contact: dict
    nothing_open: bool = False
    items: list[fr.Item] = field(default_factory=list)


def entries(report: fr.Freshness, ctx: SiteContext) -> list[Entry]:
    """One entry per partner to contact, sorted by name."""
    out: dict[str, Entry] = {}
    for group in report.groups:
        partner = ctx.partners.get(group.partner, {})
        out[group.partner] = Entry(
            group.partner, group.name, dict(partner.get("contact") or {}), items=list(group.items)
        )
    for pid, partner in ctx.partners.items():
        if ctx.listings_by_partner.get(pid) or partner.get("type") in NOT_EXPECTED_TO_OFFER:
            continue
        entry = out.setdefault(
            pid, Entry(pid, str(partner.get("name", pid)), dict(partner.get("contact") or {}))
        )
        entry.nothing_open = True
    return sorted(out.values(), key=lambda e: (e.name.casefold(), e.partner))


def partner_file(partner_id: str) -> str:
    return f"content/partners/{partner_id}.yml"  # a partner's file is named after its id (a validation rule)


def counts(found: list[Entry]) -> dict[str, int]:
    listings = sum(1 for e in found for i in e.items if i.kind == "opportunity")
    return {
        "partners": len(found),
        "listings": listings,
        "partner_records": sum(1 for e in found for i in e.items if i.kind == "partner"),
        "nothing_open": sum(1 for e in found if e.nothing_open),
    }


def _cell(value) -> str:
    """Free text as a cell; the writer neutralises formulas once (`_Neutralised`, `bds.cells`)."""
    return "" if value is None else str(value)


class _Neutralised:
    """Every text cell of every row through `cells.neutralise` (emails, phones, ids, reasons too)."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, values) -> None:
        self._writer.writerow(cells.row(values))


def csv_bytes(found: list[Entry]) -> bytes:
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    plain.writerow(CSV_COLUMNS)
    writer = _Neutralised(plain)
    for entry in found:
        contact = [
            entry.partner,
            _cell(entry.name),
            str(entry.contact.get("email") or ""),
            str(entry.contact.get("phone") or ""),
        ]
        for item in entry.items:
            what = "ente" if item.kind == "partner" else "opportunita"
            for reason in item.reasons:
                writer.writerow(
                    contact
                    + [
                        what,
                        item.id,
                        _cell(item.title),
                        item.path,
                        reason.kind,
                        reason.field,
                        reason.date,
                        reason.days,
                        reason.text(),
                    ]
                )
        if entry.nothing_open:
            writer.writerow(
                contact
                + [
                    "ente",
                    entry.partner,
                    _cell(entry.name),
                    partner_file(entry.partner),
                    NOTHING_OPEN,
                    "",
                    "",
                    "",
                    t("publish.freshness.nothing_open_text"),
                ]
            )
    return buffer.getvalue().encode("utf-8")


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f1f1f;background:#fff;
margin:0 auto;max-width:60rem;padding:1rem 1.25rem;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;border:1px solid #bbb;
padding:.35rem .5rem;vertical-align:top}thead th{background:#eef2f6}caption{text-align:left;font-weight:600}
.note{background:#f4f6f8;border-left:4px solid #1d5a8c;padding:.5rem .75rem}code{font-size:.95em}
a{color:#0b4f8a}@media print{h2{break-before:auto;break-after:avoid}table{break-inside:auto}}
"""


def _contact_html(contact: dict) -> str:
    parts = []
    if contact.get("email"):
        email = esc(contact["email"])
        parts.append(t("publish.freshness.contact.email", link=f'<a href="mailto:{email}">{email}</a>'))
    if contact.get("phone"):
        parts.append(t("publish.freshness.contact.phone", phone=esc(contact["phone"])))
    if contact.get("url"):
        parts.append(t("publish.freshness.contact.site", url=esc(contact["url"])))
    return "<p>" + " · ".join(parts) + "</p>" if parts else f"<p>{t('publish.freshness.contact.none')}</p>"


def html(found: list[Entry], quarter: str, report: fr.Freshness, programme: str) -> str:
    """A self-contained page (no request to anyone), readable on screen and on paper."""
    total = counts(found)
    sections = []
    for entry in found:
        rows = []
        for item in entry.items:
            what = t("publish.freshness.partner_record") if item.kind == "partner" else esc(item.title)
            why = "<br>".join(
                f"<strong>{esc(reason_label(r.kind))}</strong>: {esc(r.text())}" for r in item.reasons
            )
            rows.append(f"<tr><td>{what}</td><td><code>{esc(item.path)}</code></td><td>{why}</td></tr>")
        if entry.nothing_open:
            rows.append(
                f"<tr><td>{t('publish.freshness.partner_record')}</td>"
                f"<td><code>{esc(partner_file(entry.partner))}</code></td>"
                f"<td><strong>{esc(reason_label(NOTHING_OPEN))}</strong>: "
                f"{t('publish.freshness.ask_for_new')}</td></tr>"
            )
        sections.append(
            f'<section aria-labelledby="ente-{esc(entry.partner)}"><h2 id="ente-{esc(entry.partner)}">'
            f"{esc(entry.name)}</h2>{_contact_html(entry.contact)}"
            f"<table><caption>{t('publish.freshness.caption', name=esc(entry.name))}</caption><thead><tr>"
            f'<th scope="col">{t("publish.freshness.head.record")}</th>'
            f'<th scope="col">{t("publish.freshness.head.file")}</th>'
            f'<th scope="col">{t("publish.freshness.head.why")}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )
    intro = t(
        "publish.freshness.intro",
        date=esc(model.italian_date(report.today)),
        days=report.days,
        review_days=report.review_days,
    )
    summary = t(
        "publish.freshness.summary",
        partners=total["partners"],
        listings=total["listings"],
        nothing_open=total["nothing_open"],
    )
    body = "".join(sections) if sections else f"<p>{t('publish.freshness.none')}</p>"
    title = t("publish.freshness.title", quarter=quarter)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        f'initial-scale=1"><title>{esc(title)} · {esc(programme)}</title><style>{_STYLE}</style></head>'
        f"<body><main><h1>{esc(title)}</h1><p>{t('publish.freshness.private', name=esc(programme))}</p>"
        f'<p>{intro}</p><p class="note">{summary}</p>{body}</main></body></html>\n'
    )
