"""Writing the release: tidy CSVs, datapackage.json, report.html (inline SVG), report.pdf, audit.json.

Everything shown comes from the masked cells (`cell.shown`), never from true
values, so tables, charts and text agree and no bar encodes a hidden number.
Output is byte-for-byte deterministic: sorted keys, no timestamps, fixed PDF metadata.
Every text for people is in the message catalogue (`report.*`), in the territory's words.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import string
from dataclasses import dataclass
from pathlib import Path

from .. import cells, messages
from . import explain, itformat
from .aggregate import enum_values, previous_quarter, quarter_bounds
from .disclosure import protected_floor
from .model import COUNT, PERCENT, PUBLISHED, SUPPRESSED, TOTAL, ZERO, Aggregate, Table

_TABLES = "report.tables"


def _text_or(key: str, default: str) -> str:
    """The catalogue's text for `key`, or `default` for a code the catalogue does not name."""
    try:
        return messages.t(key)
    except messages.MessageError:
        return default


def table_title(name: str) -> str:
    return _text_or(f"{_TABLES}.titles.{name}", name)


def dim_label(dim: str) -> str:
    """The title of a table's column (`percorso` -> «Percorso»)."""
    return _text_or(f"{_TABLES}.dims.{dim}", dim)


def value_label(value: str) -> str:
    """What a row's code reads as (`prison-rems` -> «Uscita da carcere o REMS»); the code when unnamed."""
    key = "total" if value == TOTAL else value.lower().replace("-", "_")
    if not key.replace("_", "").isalnum():
        return value
    return _text_or(f"{_TABLES}.labels.{key}", value)


def label(value: str, services: dict[str, str]) -> str:
    return services.get(value) or value_label(value)


# -- CSV and datapackage ---------------------------------------------------------------------------
def table_csv(agg: Aggregate, table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*table.dims, "value", "status"])
    for dims, key in table.rows:
        cell = agg.cells[key]
        writer.writerow(cells.row([*dims, cell.shown, cell.status], numeric={len(dims)}))
    return buffer.getvalue()


def datapackage(agg: Aggregate, quarter: str) -> dict:
    resources = []
    for table in agg.tables:
        fields = [
            {"name": d, "type": "string", "title": dim_label(d), "constraints": {"required": True}}
            for d in table.dims
        ]
        fields += [
            {
                "name": "value",
                "type": "string",
                "title": messages.t("report.datapackage.value_title"),
                "description": messages.t("report.datapackage.value_description", k=agg.k, km1=agg.k - 1),
                "constraints": {"required": False},
            },
            {
                "name": "status",
                "type": "string",
                "title": messages.t("report.datapackage.status_title"),
                "constraints": {"required": True, "enum": [PUBLISHED, SUPPRESSED, ZERO]},
            },
        ]
        resources.append(
            {
                "name": table.name.replace("_", "-"),
                "path": f"{table.name}.csv",
                "title": table_title(table.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": cells.RULE_IT,
                "schema": {"fields": fields, "missingValues": []},
            }
        )
    return {
        "name": f"bds-esiti-aggregati-{quarter.lower()}",
        "title": messages.t("report.datapackage.title", quarter=quarter),
        "profile": "tabular-data-package",
        "resources": resources,
    }


# -- HTML ------------------------------------------------------------------------------------------
# Greyscale-safe: meaning never rests on colour alone (hidden figures are marked in words, the current
# quarter's bar also carries its value), and the PDF repeats the confidentiality mark on every page.
CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#1a1a1a;max-width:60rem;margin:1.5rem auto;
padding:0 1rem;line-height:1.4;font-size:10.5pt}
h1{font-size:1.3rem;margin:.3rem 0}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #666;
break-after:avoid}h3{font-size:.95rem;margin:0 0 .15rem}
table{border-collapse:collapse;margin:.4rem 0 .8rem}thead{display:table-header-group}
tr{break-inside:avoid}th,td{border:1px solid #888;padding:.15rem .45rem;text-align:left}
th{background:#e6e6e6}td.num{text-align:right;white-space:nowrap}tr.total td{font-weight:bold}
.note{color:#333;font-size:.88em}.about{font-size:.88em;margin:.2rem 0 .4rem;break-inside:avoid}
.about p{margin:.1rem 0}.hidden-note{font-size:.88em;border-left:3px solid #444;padding-left:.5rem;
margin:.3rem 0}
.box{border:1px solid #555;padding:.4rem .9rem;background:#f2f2f2}svg{max-width:100%;height:auto}
.warn{color:#7a1900;font-weight:bold}
.cover{border-bottom:2px solid #222;padding-bottom:.2rem;margin-bottom:.3rem}
.cover p{margin:.2rem 0}
.mark{display:inline-block;border:2px solid #111;padding:.05rem .5rem;font-weight:bold;
letter-spacing:.15em;font-size:.95rem}
.readers{font-size:.8em}
#sintesi h2{margin-top:.4rem}#sintesi>p{margin:.2rem 0 .4rem}
.glance{display:grid;grid-template-columns:1fr 1fr 1fr;gap:.4rem .5rem}
.card{border:1px solid #777;padding:.25rem .45rem;break-inside:avoid}
.card h3{font-size:.82rem}
.big{font-size:1.25rem;font-weight:bold;margin:0}.prev,.sub{font-size:.72em;margin:.05rem 0}
.why{font-size:.7em;color:#222;margin:.1rem 0 0;line-height:1.3}
.card svg{display:block;margin:.15rem 0}
.toc ol{padding-left:1.2rem}.toc a{color:#1a1a1a;text-decoration:none}
dl.glossary dt{font-weight:bold;margin-top:.35rem}dl.glossary dd{margin-left:1rem}
details.fallback summary{font-size:.8em;cursor:pointer}details.fallback table{font-size:.8em}
section.table{break-before:auto}
@media print{details.fallback{display:none}.cover-page{break-after:page}}
"""


def _css_string(text: str, quote: str = '"') -> str:
    text = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("<", "\\3C ").replace("\n", " ")
    return f"{quote}{text}{quote}"


def _css_content(template: str, quote: str = '"', **counters: str) -> str:
    """A message with placeholders as a CSS `content` value: the text quoted, `counters` as they are
    («pagina {page}» -> `"pagina " counter(page)`)."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(_css_string(literal, quote))
        if name is not None:
            parts.append(counters[name])
    return " ".join(parts)


def _page_css(programme: str, quarter: str) -> str:
    where = _css_string(f"{programme} · {itformat.quarter_words(quarter)}")
    head = _css_string(messages.t("report.page.running_head"))
    foot = _css_string(messages.t("report.page.running_foot"))
    page_number = _css_content(
        messages.t("report.page.page_number", page="{page}", pages="{pages}"),
        page="counter(page)",
        pages="counter(pages)",
    )
    toc_page = _css_content(
        " " + messages.t("report.page.toc_page", page="{page}"), "'", page="target-counter(attr(href),page)"
    )
    return (
        "@page{size:A4;margin:1.8cm 1.5cm 1.7cm;"
        f'@top-left{{content:{head};font:bold 8pt "DejaVu Sans",sans-serif}}'
        f'@top-right{{content:{where};font:8pt "DejaVu Sans",sans-serif}}'
        f"@bottom-left{{content:{foot};"
        'font:8pt "DejaVu Sans",sans-serif}'
        f"@bottom-right{{content:{page_number};"
        'font:8pt "DejaVu Sans",sans-serif}}'
        f".toc a::after{{content:leader('.') {toc_page}}}"
    )


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _prose(text: str) -> str:
    """Running text of the page: only &, < and > escaped (apostrophes and quotes stay as written)."""
    return html.escape(text, quote=False)


def _number_of(status: str, shown: str) -> float | None:
    if status == ZERO:
        return 0.0
    if status != PUBLISHED:
        return None
    try:
        return float(shown)
    except ValueError:
        return None


def bar_chart(title: str, items: list[tuple[str, str, str]], kind: str = COUNT) -> str:
    """Horizontal bars from shown values only; hidden values get a text mark and no bar."""
    width, row_h, left = 640, 24, 260
    numbers = [_number_of(s, v) for _, v, s in items]
    top = max([n for n in numbers if n is not None] or [1]) or 1
    height = row_h * len(items) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_esc(title)}">',
        f"<title>{_esc(title)}</title>",
        f"<desc>{_esc(messages.t('report.charts.bars_desc', title=title))}</desc>",
    ]
    for i, ((name, value, status), number) in enumerate(zip(items, numbers, strict=True)):
        y = 10 + i * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12">{_esc(name)}</text>'
        )
        text = itformat.value(kind, status, value)
        if number is not None and number > 0:
            bar = round((width - left - 90) * number / top, 1)
            parts.append(f'<rect x="{left}" y="{y + 2}" width="{bar}" height="{row_h - 6}" fill="#4a4a4a"/>')
            parts.append(f'<text x="{left + bar + 6}" y="{y + 15}" font-size="12">{_esc(text)}</text>')
        else:
            mark = text if number is not None else _hidden_mark(text, value)
            parts.append(f'<text x="{left + 4}" y="{y + 15}" font-size="12" fill="#333">{_esc(mark)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _hidden_mark(text: str, value: str) -> str:
    if value:
        return messages.t("report.charts.hidden_value", value=text)
    return messages.t("report.charts.hidden")


_NOT_IN_BAR_LABEL = ("attivi", "euro_per_anno_persona")  # the measure, said by the chart's title


def _chart_for(agg: Aggregate, table: Table, services: dict[str, str]) -> str:
    if not table.chart or table.chart.get("type") != "bars":
        return ""
    items, kind = _bar_items(agg, table, services)
    if not items:
        return ""
    title = table_title(table.name)
    if table.chart.get("group"):
        title = messages.t("report.charts.active_by", dimension=dim_label(table.dims[-1]).lower())
    return (
        f"<figure>{bar_chart(title, items, kind)}<figcaption class=note>{_esc(title)}</figcaption></figure>"
    )


def _bar_items(agg: Aggregate, table: Table, services: dict[str, str]) -> tuple[list[tuple], str]:
    """The bars of a table's chart (label, value, status), and the kind of their values."""
    chart = table.chart or {}
    items = []
    kind = COUNT
    for dims, key in table.rows:
        if not _charted(chart, dims):
            continue
        cell = agg.cells[key]
        kind = cell.kind
        items.append(
            (
                " · ".join(label(d, services) for d in dims if d not in _NOT_IN_BAR_LABEL),
                cell.shown,
                cell.status,
            )
        )
    return items, kind


def _charted(chart: dict, dims) -> bool:
    """Whether a row is a bar: never a total; of a grouped chart the active people, of a euro chart the
    euro per person and year."""
    if TOTAL in dims or (chart.get("group") and dims[0] != "attivi"):
        return False
    return not (chart.get("value") == "euro" and dims[-1] != "euro_per_anno_persona")


def _value_header(agg: Aggregate, table: Table) -> str:
    kinds = {agg.cells[key].kind for _, key in table.rows}
    if kinds == {COUNT}:
        return messages.t("report.tables.value_header.count")
    if kinds == {PERCENT}:
        return messages.t("report.tables.value_header.percent")
    return messages.t("report.tables.value_header.value")


def _html_table(agg: Aggregate, table: Table, services: dict[str, str]) -> str:
    head = (
        "".join(f"<th scope=col>{_esc(dim_label(d))}</th>" for d in table.dims)
        + f"<th scope=col>{_value_header(agg, table)}</th>"
    )
    rows = []
    for dims, key in table.rows:
        cell = agg.cells[key]
        shown = itformat.value(cell.kind, cell.status, cell.shown)
        css = ' class="total"' if TOTAL in dims else ""
        rows.append(
            f"<tr{css}>"
            + "".join(f"<td>{_esc(label(d, services))}</td>" for d in dims)
            + f"<td class=num>{_esc(shown)}</td></tr>"
        )
    if not rows:
        return f"<p class=note>{_esc(table.note or messages.t('report.tables.no_data'))}</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _about(name: str, quarter: str, k: int) -> str:
    qs, qe = quarter_bounds(quarter)
    texts = explain.table(name, itformat.date_words(qs), itformat.date_words(qe), k)
    if texts is None:
        return ""
    heads = [messages.t(f"report.explain.{part}_label") for part in ("what", "who", "window")]
    return (
        "<div class=about>"
        + "".join(
            f"<p><strong>{_esc(head)}</strong> {_esc(text)}</p>"
            for head, text in zip(heads, texts, strict=True)
        )
        + "</div>"
    )


def _hidden_note(agg: Aggregate, table: Table) -> str:
    reasons: dict[str, int] = {}
    for _, key in table.rows:
        cell = agg.cells[key]
        if cell.status == SUPPRESSED:
            reason = "blank" if cell.reason == "primary" and not cell.shown else cell.reason
            reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons:
        return ""
    return f"<p class=hidden-note>{_esc(explain.hidden_sentence(reasons, agg.k))}</p>"


def _audit_sentence(summary: dict, k: int) -> str:
    """What the attacker audit guarantees, and what it does not: the policy in plain Italian."""
    text = _prose(messages.t("report.audit.guarantee", k=k, km1=k - 1, floor=protected_floor(k)))
    problems = []
    if summary.get("unprotected"):
        problems.append(messages.t("report.audit.unprotected", count=len(summary["unprotected"])))
    if summary.get("ledger_conflicts"):
        problems.append(messages.t("report.audit.ledger_conflicts"))
    if problems:
        attention = messages.t("report.audit.attention", problems="; ".join(problems))
        text += f' <strong class="warn">{_prose(attention)}</strong>'
    return text


# -- the headline page -----------------------------------------------------------------------------
@dataclass
class Figure:
    """One masked figure as a reader sees it, from this release or from an earlier one in the ledger."""

    kind: str
    status: str
    shown: str
    reason: str = ""

    @property
    def number(self) -> float | None:
        return _number_of(self.status, self.shown)

    def text(self, unit: str = "") -> str:
        shown = itformat.value(self.kind, self.status, self.shown)
        return f"{shown}{unit}" if self.number is not None else shown

    def inline(self) -> str:
        """The figure inside a sentence: a hidden one reads «nascosto», not a lone dash."""
        text = self.text()
        return messages.t("report.glance.hidden_inline") if text == itformat.HIDDEN else text


def _current(agg: Aggregate, key: str) -> Figure | None:
    cell = agg.cells.get(key)
    if cell is None:
        return None
    return Figure(cell.kind, cell.status, cell.shown, cell.reason)


def _released(cells_of: dict | None, key: str, k: int) -> Figure | None:
    """A figure as an earlier release published it (ledger entry); None if it was not published there."""
    entry = (cells_of or {}).get(key)
    if entry is None:
        return None
    status, kind, reason = entry["status"], entry["kind"], entry.get("reason", "")
    if status == ZERO:
        return Figure(kind, status, "0", reason)
    if status == SUPPRESSED:
        return Figure(kind, status, f"<{k}" if reason == "primary" else "", reason)
    shown = entry.get("shown")
    if shown is None and kind == COUNT and entry.get("hi") is not None:
        shown = str(int(entry["hi"]) - 2)  # a published count r was recorded as [max(k, r-2), r+2]
    if shown is None:
        return None  # recorded by an older kit without the published figure: not shown
    return Figure(kind, status, str(shown), reason)


def _share(num: Figure | None, den: Figure | None, k: int) -> Figure | None:
    """A percentage of two published (rounded) counts; hidden when either is hidden or den < k."""
    if num is None or den is None:
        return None
    den_number, num_number = den.number, num.number
    if den_number is None:
        return Figure(PERCENT, SUPPRESSED, "", den.reason or "n<k")
    if num_number is None:
        return Figure(PERCENT, SUPPRESSED, "", num.reason or "n<k")
    if den_number < k:
        return Figure(PERCENT, SUPPRESSED, "", "n<k")
    return Figure(PERCENT, PUBLISHED, str(int(math.floor(100 * num_number / den_number + 0.5))))


@dataclass
class Headline:
    title: str
    now: Figure | None
    prev: Figure | None
    prev_label: str
    trend: list[tuple[str, str, Figure | None]]  # (short label, words label, figure)
    unit: str
    explain: str
    sub: str = ""
    prev_released: bool = True  # False: no earlier release of that quarter in the ledger


def _cohort_years(agg: Aggregate, prefix: str) -> list[int]:
    years = set()
    for key in agg.cells:
        parts = key.split("|")
        if parts[0] == prefix and len(parts) > 1 and parts[1].isdigit():
            years.add(int(parts[1]))
    return sorted(years)


class _Glance:
    """The headline figures of one quarter: this release's cells and the earlier releases' (ledger)."""

    def __init__(self, agg: Aggregate, quarter: str, earlier: dict[str, dict]):
        self.agg, self.quarter, self.earlier, self.k = agg, quarter, earlier, agg.k
        self.before = previous_quarter(quarter)
        self.series = sorted(q for q in earlier if q < quarter)[-5:] + [quarter]
        self.prev_cells = earlier.get(self.before)
        self.prev_label = f"{itformat.quarter_words(self.before)}"
        qs, qe = quarter_bounds(quarter)
        self.period = messages.t(
            "report.glance.period", start=itformat.date_words(qs), end=itformat.date_words(qe)
        )

    def now(self, key: str) -> Figure | None:
        return _current(self.agg, key)

    def quarterly(self, card: str, key_of, unit: str, sub: str = "") -> Headline:
        trend = []
        for q in self.series:
            fig = (
                self.now(key_of(q))
                if q == self.quarter
                else _released(self.earlier.get(q), key_of(q), self.k)
            )
            trend.append((itformat.quarter_short(q), itformat.quarter_words(q), fig))
        return Headline(
            messages.t(f"report.glance.cards.{card}.title"),
            self.now(key_of(self.quarter)),
            _released(self.prev_cells, key_of(self.before), self.k),
            self.prev_label,
            trend,
            unit,
            messages.t(f"report.glance.cards.{card}.why", period=self.period),
            sub,
        )

    def cohort(self, card: str, figure_of, years: list[int], sub_of=None) -> Headline | None:
        if not years:
            return None
        latest = years[-1]
        prev, prev_year = None, None
        if self.prev_cells is not None:
            for year in reversed(years + [latest + 1]):
                fig = figure_of(year, lambda key: _released(self.prev_cells, key, self.k))
                if fig is not None:
                    prev, prev_year = fig, year
                    break
        trend = [
            (str(y), messages.t("report.glance.entered_in", year=y), figure_of(y, self.now))
            for y in years[-6:]
        ]
        label_prev = self.prev_label
        if prev_year:
            label_prev = messages.t("report.glance.cohort_previous", label=label_prev, year=prev_year)
        title = messages.t(f"report.glance.cards.{card}.title")
        return Headline(
            messages.t("report.glance.cohort_title", title=title, year=latest),
            figure_of(latest, self.now),
            prev,
            label_prev,
            trend,
            "",
            messages.t(f"report.glance.cards.{card}.why"),
            sub_of(latest) if sub_of else "",
        )

    def housing_share(self, t0: str, t12: str):
        def figure(year, get):
            part = get(f"abitare|{year}|t0={t0}|t12={t12}")
            return _share(part, get(f"abitare|{year}|t0={TOTAL}|t12={TOTAL}"), self.k)

        return figure

    def reasons_sub(self) -> str:
        parts = []
        for r in enum_values("projects", "closure_reason"):
            fig = self.now(f"uscite|motivo={r}|{self.quarter}")
            if fig is not None:
                parts.append(f"{value_label(r)} {fig.inline()}")
        return messages.t("report.glance.why_label", reasons="; ".join(parts)) if parts else ""

    def honos_sub(self, year: int) -> str:
        t0, t12 = self.now(f"honos|{year}|media_t0"), self.now(f"honos|{year}|media_t12")
        n = self.now(f"honos|{year}|persone")
        if not (t0 and t12 and n):
            return ""
        return messages.t("report.glance.honos_sub", t0=t0.inline(), t12=t12.inline(), people=n.inline())

    def housing_sub(self, year: int) -> str:
        before_share = self.housing_share("independent", TOTAL)(year, self.now)
        total = self.now(f"abitare|{year}|t0={TOTAL}|t12={TOTAL}")
        if before_share is None or total is None:
            return ""
        return messages.t("report.glance.housing_sub", share=before_share.inline(), people=total.inline())


def _one(key_of):
    return lambda year, get: get(key_of(year))


def headlines(agg: Aggregate, quarter: str, earlier: dict[str, dict]) -> list[Headline]:
    glance = _Glance(agg, quarter, earlier)
    days = messages.t("report.glance.days")
    items = [
        glance.quarterly("active", lambda q: f"flussi|attivi|{TOTAL}|{q}", ""),
        glance.quarterly("entries", lambda q: f"flussi|ingressi|{TOTAL}|{q}", ""),
        glance.quarterly("exits", lambda q: f"flussi|uscite|{TOTAL}|{q}", "", glance.reasons_sub()),
        glance.cohort("work", _one(lambda y: f"lavoro%|{y}"), _cohort_years(agg, "lavoro%")),
        glance.cohort(
            "housing",
            glance.housing_share(TOTAL, "independent"),
            _cohort_years(agg, "abitare"),
            glance.housing_sub,
        ),
        glance.cohort(
            "honos",
            _one(lambda y: f"honos|{y}|variazione_media"),
            _cohort_years(agg, "honos"),
            glance.honos_sub,
        ),
        glance.quarterly("wait", lambda q: f"attesa|percorso={TOTAL}|media_giorni|{q}", days),
        glance.quarterly("spend", lambda q: f"spesa|{TOTAL}|euro_per_anno_persona|{q}", ""),
    ]
    if f"attesa_adolescenti|servizio={TOTAL}|contatto_avvio|{quarter}" in agg.cells:
        items.append(
            glance.quarterly(
                "contact_start", lambda q: f"attesa_adolescenti|servizio={TOTAL}|contatto_avvio|{q}", days
            )
        )
        items.append(
            glance.quarterly(
                "contact_visit", lambda q: f"attesa_adolescenti|servizio={TOTAL}|contatto_visita|{q}", days
            )
        )
    for item in items:
        if item is not None:
            item.prev_released = glance.prev_cells is not None
    return [h for h in items if h is not None]


@dataclass(frozen=True)
class _TrendFrame:
    """The trend chart's vertical geometry and the width of one bar's slot."""

    height: int
    plot: float
    span: float
    zero_y: float
    slot: float


def trend_chart(ident: str, title: str, trend: list[tuple[str, str, Figure | None]], unit: str) -> str:
    """A small bar chart of a headline's recent values: <title>, <desc> and a table fallback."""
    width, height, top_pad, bottom_pad = 220, 46, 10, 12
    numbers = [fig.number if fig is not None else None for _, _, fig in trend]
    known = [n for n in numbers if n is not None]
    hi, lo = max(known + [0.0]), min(known + [0.0])
    span = (hi - lo) or 1.0
    plot = height - top_pad - bottom_pad
    frame = _TrendFrame(height, plot, span, top_pad + plot * hi / span, width / max(1, len(trend)))
    zero_y = frame.zero_y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-t {ident}-d">',
        f'<title id="{ident}-t">{_esc(messages.t("report.glance.trend_title", title=title))}</title>',
        f'<desc id="{ident}-d">{_esc(_trend_desc(trend, unit))}</desc>',
        f'<line x1="0" y1="{zero_y:.1f}" x2="{width}" y2="{zero_y:.1f}" stroke="#777" stroke-width="0.6"/>',
    ]
    for i, ((short, _, fig), number) in enumerate(zip(trend, numbers, strict=True)):
        parts += _trend_bar(frame, i, (short, fig, number), unit, last=i == len(trend) - 1)
    parts.append("</svg>")
    return "".join(parts) + _trend_table(title, trend, unit)


def _trend_desc(trend: list[tuple[str, str, Figure | None]], unit: str) -> str:
    missing = messages.t("report.glance.not_published")
    words = [f"{long}: {fig.text(unit) if fig is not None else missing}" for _, long, fig in trend]
    return messages.t("report.glance.trend_desc", values="; ".join(words))


def _trend_bar(frame: _TrendFrame, i: int, bar: tuple, unit: str, last: bool) -> list[str]:
    """One period of the trend chart (`bar` is its short name, figure and number): its name under a bar,
    or under a mark when the figure is hidden or missing; the last period's value above its bar."""
    short, fig, number = bar
    slot, zero_y = frame.slot, frame.zero_y
    x = i * slot + slot * 0.2
    weight = ' font-weight="bold"' if last else ""
    parts = [
        f'<text x="{x + slot * 0.3:.1f}" y="{frame.height - 3}" text-anchor="middle" font-size="8"'
        f"{weight}>{_esc(short)}</text>"
    ]
    if number is None or fig is None:  # a number comes from a figure: fig is None only if number is
        mark = messages.t("report.glance.mark_hidden" if fig is not None else "report.glance.mark_missing")
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{zero_y - 3:.1f}" text-anchor="middle" font-size="7" '
            f'fill="#333">{mark}</text>'
        )
        return parts
    h = frame.plot * abs(number) / frame.span
    y = zero_y - h if number >= 0 else zero_y
    fill = "#222" if last else "#9a9a9a"
    parts.append(
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{max(h, 0.8):.1f}" fill="{fill}"/>'
    )
    if last:
        label_y = y - 2 if number >= 0 else y + h + 8
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{max(8, label_y):.1f}" text-anchor="middle" '
            f'font-size="8" font-weight="bold">{_esc(fig.text(unit))}</text>'
        )
    return parts


def _trend_table(title: str, trend: list[tuple[str, str, Figure | None]], unit: str) -> str:
    """The trend chart's figures as a table, folded away (and left out of print)."""
    missing = messages.t("report.glance.not_published")
    rows = "".join(
        f"<tr><td>{_esc(long)}</td><td class=num>{_esc(fig.text(unit) if fig else missing)}</td></tr>"
        for _, long, fig in trend
    )
    return (
        f'<details class="fallback"><summary>{_esc(messages.t("report.glance.chart_data"))}</summary>'
        f"<table><caption class=note>{_esc(title)}</caption><thead><tr>"
        f"<th scope=col>{_esc(messages.t('report.glance.period_header'))}</th>"
        f"<th scope=col>{_esc(messages.t('report.glance.value_header'))}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )


def _headline_card(index: int, item: Headline, k: int) -> str:
    hidden = ""
    if item.now is None:
        now = messages.t("report.glance.not_available")
    elif item.now.number is None:
        now = item.now.text()
        why = explain.reason_short(item.now.reason, k)
        hidden = f"<p class=sub><strong>{_esc(messages.t('report.glance.hidden'))}</strong> {_esc(why)}.</p>"
    else:
        now = item.now.text(item.unit)
    if item.prev is None:
        prev = messages.t(
            "report.glance.not_available" if item.prev_released else "report.glance.no_earlier_report"
        )
    elif item.prev.number is None:
        why = explain.reason_short(item.prev.reason, k)
        prev = messages.t("report.glance.previous_hidden", value=item.prev.text(), why=why)
    else:
        prev = item.prev.text(item.unit)
    big_class = "big" if item.now is not None and item.now.number is not None else "big hidden"
    sub = f"<p class=sub>{_esc(item.sub)}</p>" if item.sub else ""
    return (
        f'<div class="card"><h3>{_esc(item.title)}</h3><p class="{big_class}">{_esc(now)}</p>'
        f"{hidden}<p class=prev>{_esc(item.prev_label[:1].upper() + item.prev_label[1:])}: {_esc(prev)}</p>"
        f"{sub}"
        f"{trend_chart(f'andamento-{index}', item.title, item.trend, item.unit)}"
        f"<p class=why>{_esc(item.explain)}</p></div>"
    )


def _table_sections(agg: Aggregate, quarter: str, services: dict[str, str]) -> tuple[list[str], list[str]]:
    """One section per table (what it counts, hidden cells, chart, table) and its line of the contents."""
    toc, sections = [], []
    for table in agg.tables:
        anchor = f"t-{table.name}"
        title = table_title(table.name)
        toc.append(f'<li><a href="#{anchor}">{_esc(title)}</a></li>')
        sections.append(
            f'<section class="table" id="{anchor}"><h2>{_esc(title)}</h2>'
            f"{_about(table.name, quarter, agg.k)}{_hidden_note(agg, table)}"
            f"{_chart_for(agg, table, services)}{_html_table(agg, table, services)}"
            f"<p class=note>{_prose(messages.t('report.tables.csv_note', file=table.name))}</p></section>"
        )
    return toc, sections


def _toc_line(anchor: str, key: str) -> str:
    return f'<li><a href="#{anchor}">{_prose(messages.t(key))}</a></li>'


def _cover(title: str, quarter: str, k: int, cards: str) -> str:
    """The first page: the confidentiality mark, title, period, who may read it, the headline cards."""
    qs, qe = quarter_bounds(quarter)
    period = messages.t(
        "report.cover.period", start=itformat.date_words(qs), end=itformat.date_words(qe), k=k
    )
    return f"""<div class="cover-page">
<header class="cover"><p class="mark">{_prose(messages.t("report.cover.mark"))}</p>
<h1>{_esc(title)}</h1>
<p>{_prose(period)}</p>
<p class="readers">{_esc(messages.t("report.cover.readers"))}</p></header>
<section id="sintesi"><h2>{_prose(messages.t("report.sections.glance"))}</h2>
<p class="note">{_prose(messages.t("report.sections.glance_note"))}</p>
<div class="glance">{cards}</div></section>
</div>"""


def _reading(summary: dict, k: int) -> str:
    """How to read the figures: rounding, hidden cells, what the audit guarantees."""
    hidden = messages.t(
        "report.reading.hidden_count", suppressed=summary["suppressed"], cells=summary["cells"]
    )
    return f"""<section id="come-leggere"><h2>{_prose(messages.t("report.sections.reading"))}</h2>
<div class="box"><p>{_prose(messages.t("report.reading.box", k=k, km1=k - 1))}</p>
<p>{_prose(hidden)}
{_audit_sentence(summary, k)}</p></div></section>"""


def report_html(
    agg: Aggregate,
    quarter: str,
    programme: str,
    services: dict[str, str],
    summary: dict,
    earlier: dict[str, dict] | None = None,
) -> str:
    """The report for people. `earlier`: the ledger's earlier releases (quarter -> recorded cells)."""
    k = agg.k
    items = headlines(agg, quarter, earlier or {})
    cards = "".join(_headline_card(i, item, k) for i, item in enumerate(items, start=1))
    toc, sections = _table_sections(agg, quarter, services)
    toc = [
        _toc_line("sintesi", "report.sections.glance"),
        _toc_line("come-leggere", "report.sections.reading"),
        *toc,
        _toc_line("glossario", "report.sections.glossary"),
    ]
    glossary = "".join(f"<dt>{_esc(term)}</dt><dd>{_esc(text)}</dd>" for term, text in explain.glossary(k))
    glossary_title = _prose(messages.t("report.sections.glossary"))
    title = messages.t("report.title", name=programme, quarter=itformat.quarter_words(quarter))
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{_esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}{_page_css(programme, quarter)}</style></head><body>
{_cover(title, quarter, k, cards)}
<nav class="toc"><h2>{_prose(messages.t("report.sections.contents"))}</h2><ol>{"".join(toc)}</ol></nav>
{_reading(summary, k)}
{"".join(sections)}
<section id="glossario"><h2>{glossary_title}</h2><dl class="glossary">{glossary}</dl></section>
<p class="note">{_prose(messages.t("report.sections.colophon"))}</p>
</body></html>
"""


def report_pdf(html_text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html_text).write_pdf()


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
