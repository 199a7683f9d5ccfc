"""Writing the release: tidy CSVs, datapackage.json, report.html (inline SVG), report.pdf, audit.json.

Everything shown comes from the masked cells (`cell.shown`), never from true
values, so tables, charts and text agree and no bar encodes a hidden number.
Output is byte-for-byte deterministic: sorted keys, no timestamps, fixed PDF metadata.
"""
# messages: pending (146 texts to move into data/messages/it.yml)

from __future__ import annotations

import csv
import html
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

from .. import cells
from . import explain, itformat
from .aggregate import enum_values, previous_quarter, quarter_bounds
from .disclosure import protected_floor
from .model import COUNT, PERCENT, PUBLISHED, SUPPRESSED, TOTAL, ZERO, Aggregate, Table

TABLE_TITLES = {
    "flussi_per_percorso": "Persone attive, ingressi e uscite per percorso",
    "flussi_per_servizio": "Persone attive, ingressi e uscite per servizio sanitario",
    "flussi_per_fascia_eta": "Persone attive, ingressi e uscite per fascia d'età",
    "flussi_per_sesso": "Persone attive, ingressi e uscite per sesso",
    "flussi_per_asse": "Persone attive, ingressi e uscite per asse del progetto",
    "uscite_per_motivo": "Uscite per motivo di chiusura",
    "transizioni_abitative": (
        "Dove abitavano le persone all'avvio (T0) e dopo 12 mesi (T12), per anno di ingresso"
    ),
    "lavoro_t12": "Lavoro retribuito a 12 mesi, per anno di ingresso",
    "lavoro_t12_percentuale": "Percentuale di persone con lavoro retribuito a 12 mesi, per anno di ingresso",
    "honos_variazione": (
        "HoNOS all'avvio e a 12 mesi (punteggio totale, più basso è meglio), per anno di ingresso"
    ),
    "ricoveri": "Ricoveri nei 12 mesi prima dell'avvio e dopo l'avvio (persone attive nel trimestre)",
    "spesa_per_fonte": "Spesa diretta del budget per fonte di finanziamento (euro per anno-persona)",
    "spesa_per_categoria": "Spesa diretta del budget per voce (euro per anno-persona)",
    "attesa": "Attesa dalla proposta all'avvio del progetto (giorni), per chi è entrato nel trimestre",
    "attesa_adolescenti": (
        "Attesa dal primo contatto all'avvio del progetto e alla prima visita specialistica (giorni), "
        "per servizio, per chi è entrato nel trimestre"
    ),
}

LABELS = {
    "attivi": "Persone attive",
    "ingressi": "Ingressi",
    "uscite": "Uscite",
    "standard": "Percorso ordinario",
    "prison-rems": "Uscita da carcere o REMS",
    "residential": "Struttura residenziale",
    "supported": "Abitare supportato",
    "independent": "Casa propria o della famiglia",
    "other": "Altro",
    "F": "Femmine",
    "M": "Maschi",
    "X": "Altro o non dichiarato",
    "housing": "Abitare",
    "work": "Lavoro e formazione",
    "social": "Socialità",
    "goals-met": "Obiettivi raggiunti",
    "dropout": "Interruzione",
    "transferred": "Passaggio ad altro servizio",
    "moved-away": "Trasferimento fuori territorio",
    "deceased": "Decesso",
    "retribuito": "Con lavoro retribuito",
    "non-retribuito": "Senza lavoro retribuito",
    "persone": "Persone",
    "media_t0": "Media a T0",
    "media_t12": "Media a T12",
    "variazione_media": "Variazione media (T12 - T0)",
    "prima": "12 mesi prima dell'avvio",
    "dopo": "Dall'avvio",
    "persone_con_ricovero": "Persone con almeno un ricovero",
    "ricoveri_per_10_anni_persona": "Ricoveri ogni 10 anni-persona",
    "giornate_per_anno_persona": "Giornate di ricovero per anno-persona",
    "euro_per_anno_persona": "Euro per anno-persona",
    "media_giorni": "Attesa media (giorni)",
    "contatto_avvio": "Dal primo contatto all'avvio del progetto (giorni, media)",
    "persone_visita": "Persone con la prima visita specialistica",
    "contatto_visita": "Dal primo contatto alla prima visita specialistica (giorni, media)",
    "ssn": "Servizio sanitario",
    "comune": "Comune",
    "person-family": "Persona o famiglia",
    "foundation": "Fondazione",
    "transport": "Trasporti",
    "vouchers": "Buoni e voucher",
    "courses": "Corsi",
    "internship-stipend": "Indennità di tirocinio",
    "rent": "Affitto e utenze",
    "support-staff": "Operatori di supporto",
    TOTAL: "Totale",
}

DIM_LABELS = {
    "flusso": "Flusso",
    "percorso": "Percorso",
    "servizio": "Servizio sanitario",
    "fascia_eta": "Fascia d'età",
    "sesso": "Sesso",
    "asse": "Asse",
    "motivo_chiusura": "Motivo",
    "coorte": "Anno di ingresso",
    "abitare_t0": "Abitare a T0",
    "abitare_t12": "Abitare a T12",
    "lavoro_t12": "Lavoro a T12",
    "indicatore": "Indicatore",
    "periodo": "Periodo",
    "fonte": "Fonte",
    "categoria": "Voce di spesa",
}


def label(value: str, services: dict[str, str]) -> str:
    return services.get(value) or LABELS.get(value, value)


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
            {"name": d, "type": "string", "title": DIM_LABELS.get(d, d), "constraints": {"required": True}}
            for d in table.dims
        ]
        fields += [
            {
                "name": "value",
                "type": "string",
                "title": "Valore",
                "description": f"Conteggi arrotondati a 5; «<{agg.k}» per i gruppi da 1 a {agg.k - 1} "
                "persone; "
                "vuoto se il dato è nascosto per proteggere le persone.",
                "constraints": {"required": False},
            },
            {
                "name": "status",
                "type": "string",
                "title": "Stato",
                "constraints": {"required": True, "enum": [PUBLISHED, SUPPRESSED, ZERO]},
            },
        ]
        resources.append(
            {
                "name": table.name.replace("_", "-"),
                "path": f"{table.name}.csv",
                "title": TABLE_TITLES.get(table.name, table.name),
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
        "title": f"Esiti del Budget di Salute, aggregato anonimo {quarter}",
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


def _page_css(programme: str, quarter: str) -> str:
    def css_string(text: str) -> str:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
        return f'"{text}"'

    where = css_string(f"{programme} · {itformat.quarter_words(quarter)}")
    return (
        "@page{size:A4;margin:1.8cm 1.5cm 1.7cm;"
        '@top-left{content:"RISERVATO · non pubblicare né inoltrare";font:bold 8pt "DejaVu Sans",sans-serif}'
        f'@top-right{{content:{where};font:8pt "DejaVu Sans",sans-serif}}'
        '@bottom-left{content:"Documento riservato: solo per chi governa e finanzia il programma";'
        'font:8pt "DejaVu Sans",sans-serif}'
        '@bottom-right{content:"pagina " counter(page) " di " counter(pages);'
        'font:8pt "DejaVu Sans",sans-serif}}'
        ".toc a::after{content:leader('.') ' pagina ' target-counter(attr(href),page)}"
    )


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


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
        f"<desc>{_esc(title)}: barre lunghe quanto il numero mostrato; i dati nascosti non hanno barra. "
        "I numeri sono nella tabella qui sotto.</desc>",
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
            mark = text if number is not None else (f"{text} (dato nascosto)" if value else "— dato nascosto")
            parts.append(f'<text x="{left + 4}" y="{y + 15}" font-size="12" fill="#333">{_esc(mark)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _chart_for(agg: Aggregate, table: Table, services: dict[str, str]) -> str:
    if not table.chart or table.chart.get("type") != "bars":
        return ""
    items = []
    kind = COUNT
    for dims, key in table.rows:
        if TOTAL in dims or (table.chart.get("group") and dims[0] != "attivi"):
            continue
        if table.chart.get("value") == "euro" and dims[-1] != "euro_per_anno_persona":
            continue
        cell = agg.cells[key]
        kind = cell.kind
        items.append(
            (
                " · ".join(label(d, services) for d in dims if d not in ("attivi", "euro_per_anno_persona")),
                cell.shown,
                cell.status,
            )
        )
    if not items:
        return ""
    title = TABLE_TITLES.get(table.name, table.name)
    if table.chart.get("group"):
        title = f"Persone attive nel trimestre ({DIM_LABELS.get(table.dims[-1], table.dims[-1]).lower()})"
    return (
        f"<figure>{bar_chart(title, items, kind)}<figcaption class=note>{_esc(title)}</figcaption></figure>"
    )


def _value_header(agg: Aggregate, table: Table) -> str:
    kinds = {agg.cells[key].kind for _, key in table.rows}
    if kinds == {COUNT}:
        return "Persone"
    if kinds == {PERCENT}:
        return "Percentuale"
    return "Valore"


def _html_table(agg: Aggregate, table: Table, services: dict[str, str]) -> str:
    head = (
        "".join(f"<th scope=col>{_esc(DIM_LABELS.get(d, d))}</th>" for d in table.dims)
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
        return f"<p class=note>{_esc(table.note or 'nessun dato')}</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _about(name: str, quarter: str, k: int) -> str:
    what, who, window = explain.TABLES.get(name, ("", "", ""))
    if not what:
        return ""
    qs, qe = quarter_bounds(quarter)
    fill = {"start": itformat.date_words(qs), "end": itformat.date_words(qe), "k": k}
    return (
        "<div class=about>"
        f"<p><strong>Cosa conta.</strong> {_esc(what.format(**fill))}</p>"
        f"<p><strong>Chi è contato.</strong> {_esc(who.format(**fill))}</p>"
        f"<p><strong>Periodo.</strong> {_esc(window.format(**fill))}</p></div>"
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
    floor = protected_floor(k)
    text = (
        "Un controllo automatico ha provato a ricostruire ogni dato nascosto combinando tutte le tabelle, "
        f"anche dei trimestri già consegnati: per ogni «&lt;{k}» non riesce a escludere che le persone siano "
        f"{k - 1}, né a dimostrare che siano più di {floor}. Il controllo non protegge da chi conosce già il "
        "proprio caso o quello di altre persone del gruppo: per questo il rapporto resta un documento "
        "riservato."
    )
    problems = []
    if summary.get("unprotected"):
        problems.append(
            f"{len(summary['unprotected'])} dati nascosti restano in parte ricostruibili "
            "(elenco in audit.json)"
        )
    if summary.get("ledger_conflicts"):
        problems.append(
            "alcuni dati dei trimestri precedenti sono stati corretti dopo la consegna e il confronto con "
            "quelli già consegnati è parziale (elenco in audit.json)"
        )
    if problems:
        text += ' <strong class="warn">Attenzione: ' + "; ".join(problems) + ".</strong>"
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
        return "nascosto" if text == itformat.HIDDEN else text


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


def headlines(agg: Aggregate, quarter: str, earlier: dict[str, dict]) -> list[Headline]:
    k = agg.k
    before = previous_quarter(quarter)
    series = sorted(q for q in earlier if q < quarter)[-5:] + [quarter]
    prev_cells = earlier.get(before)
    prev_label = f"{itformat.quarter_words(before)}"
    qs, qe = quarter_bounds(quarter)
    period = f"dal {itformat.date_words(qs)} al {itformat.date_words(qe)}"

    def quarterly(title, key_of, unit, text, sub="") -> Headline:
        trend = []
        for q in series:
            fig = _current(agg, key_of(q)) if q == quarter else _released(earlier.get(q), key_of(q), k)
            trend.append((itformat.quarter_short(q), itformat.quarter_words(q), fig))
        return Headline(
            title,
            _current(agg, key_of(quarter)),
            _released(prev_cells, key_of(before), k),
            prev_label,
            trend,
            unit,
            text,
            sub,
        )

    def cohort(title, figure_of, years, unit, text, sub_of=None) -> Headline | None:
        if not years:
            return None
        latest = years[-1]
        prev, prev_year = None, None
        if prev_cells is not None:
            for year in reversed(years + [latest + 1]):
                fig = figure_of(year, lambda key: _released(prev_cells, key, k))
                if fig is not None:
                    prev, prev_year = fig, year
                    break
        trend = [
            (str(y), f"entrati nel {y}", figure_of(y, lambda key: _current(agg, key))) for y in years[-6:]
        ]
        label_prev = prev_label + (f", entrati nel {prev_year}" if prev_year else "")
        return Headline(
            f"{title} (entrati nel {latest})",
            figure_of(latest, lambda key: _current(agg, key)),
            prev,
            label_prev,
            trend,
            unit,
            text,
            sub_of(latest) if sub_of else "",
        )

    def one(key_of):
        return lambda year, get: get(key_of(year))

    def housing_share(t0: str, t12: str):
        def figure(year, get):
            part = get(f"abitare|{year}|t0={t0}|t12={t12}")
            return _share(part, get(f"abitare|{year}|t0={TOTAL}|t12={TOTAL}"), k)

        return figure

    def reasons_sub() -> str:
        parts = []
        for r in enum_values("projects", "closure_reason"):
            fig = _current(agg, f"uscite|motivo={r}|{quarter}")
            if fig is not None:
                parts.append(f"{LABELS.get(r, r)} {fig.inline()}")
        return "Perché: " + "; ".join(parts) + "." if parts else ""

    def honos_sub(year: int) -> str:
        t0, t12 = _current(agg, f"honos|{year}|media_t0"), _current(agg, f"honos|{year}|media_t12")
        n = _current(agg, f"honos|{year}|persone")
        if not (t0 and t12 and n):
            return ""
        return f"Media da {t0.inline()} (T0) a {t12.inline()} (T12), su {n.inline()} persone."

    def housing_sub(year: int) -> str:
        before_share = housing_share("independent", TOTAL)(year, lambda key: _current(agg, key))
        total = _current(agg, f"abitare|{year}|t0={TOTAL}|t12={TOTAL}")
        if before_share is None or total is None:
            return ""
        return f"All'avvio (T0): {before_share.inline()}; persone valutate a T0 e T12: {total.inline()}."

    items = [
        quarterly(
            "Persone in un percorso",
            lambda q: f"flussi|attivi|{TOTAL}|{q}",
            "",
            f"Persone con un progetto aperto almeno un giorno {period}.",
        ),
        quarterly(
            "Ingressi",
            lambda q: f"flussi|ingressi|{TOTAL}|{q}",
            "",
            f"Persone che hanno avviato un progetto {period}.",
        ),
        quarterly(
            "Uscite",
            lambda q: f"flussi|uscite|{TOTAL}|{q}",
            "",
            f"Persone il cui progetto si è chiuso {period}.",
            reasons_sub(),
        ),
        cohort(
            "Lavoro retribuito a 12 mesi",
            one(lambda y: f"lavoro%|{y}"),
            _cohort_years(agg, "lavoro%"),
            "",
            "Quota di chi ha un lavoro retribuito alla valutazione T12, tra le persone valutate a 12 mesi "
            "entrate nello stesso anno.",
        ),
        cohort(
            "In casa propria o della famiglia a 12 mesi",
            housing_share(TOTAL, "independent"),
            _cohort_years(agg, "abitare"),
            "",
            "Quota di chi abita in casa propria o della famiglia alla valutazione T12, tra le persone "
            "valutate a T0 e a T12 entrate nello stesso anno (dai numeri arrotondati).",
            housing_sub,
        ),
        cohort(
            "Variazione HoNOS a 12 mesi",
            one(lambda y: f"honos|{y}|variazione_media"),
            _cohort_years(agg, "honos"),
            "",
            "Variazione media del punteggio HoNOS (0-48) da T0 a T12: un numero negativo è un "
            "miglioramento. Persone con entrambe le valutazioni complete.",
            honos_sub,
        ),
        quarterly(
            "Attesa per l'avvio",
            lambda q: f"attesa|percorso={TOTAL}|media_giorni|{q}",
            " giorni",
            f"Giorni in media dalla proposta all'avvio, per chi è entrato {period}.",
        ),
        quarterly(
            "Spesa per anno-persona",
            lambda q: f"spesa|{TOTAL}|euro_per_anno_persona|{q}",
            "",
            "Spesa diretta del budget nel trimestre divisa per il tempo di progetto (anni-persona) di chi "
            "ha avuto almeno una spesa.",
        ),
    ]
    if f"attesa_adolescenti|servizio={TOTAL}|contatto_avvio|{quarter}" in agg.cells:
        items.append(
            quarterly(
                "Dal primo contatto all'avvio",
                lambda q: f"attesa_adolescenti|servizio={TOTAL}|contatto_avvio|{q}",
                " giorni",
                f"Giorni in media dal primo contatto con il servizio all'avvio del progetto, per chi è "
                f"entrato {period}.",
            )
        )
        items.append(
            quarterly(
                "Dal primo contatto alla prima visita",
                lambda q: f"attesa_adolescenti|servizio={TOTAL}|contatto_visita|{q}",
                " giorni",
                "Giorni in media dal primo contatto alla prima visita specialistica, per chi è entrato "
                f"{period} e ha già fatto la visita.",
            )
        )
    for item in items:
        if item is not None:
            item.prev_released = prev_cells is not None
    return [h for h in items if h is not None]


def trend_chart(ident: str, title: str, trend: list[tuple[str, str, Figure | None]], unit: str) -> str:
    """A small bar chart of a headline's recent values: <title>, <desc> and a table fallback."""
    width, height, top_pad, bottom_pad = 220, 46, 10, 12
    numbers = [fig.number if fig is not None else None for _, _, fig in trend]
    known = [n for n in numbers if n is not None]
    hi, lo = max(known + [0.0]), min(known + [0.0])
    span = (hi - lo) or 1.0
    plot = height - top_pad - bottom_pad
    zero_y = top_pad + plot * hi / span
    slot = width / max(1, len(trend))
    words = []
    for _, long, fig in trend:
        words.append(f"{long}: {fig.text(unit) if fig is not None else 'non pubblicato'}")
    desc = "Andamento. " + "; ".join(words) + ". I dati nascosti o non pubblicati non hanno barra."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-t {ident}-d">',
        f'<title id="{ident}-t">{_esc(title)}: andamento</title>',
        f'<desc id="{ident}-d">{_esc(desc)}</desc>',
        f'<line x1="0" y1="{zero_y:.1f}" x2="{width}" y2="{zero_y:.1f}" stroke="#777" stroke-width="0.6"/>',
    ]
    for i, ((short, _, fig), number) in enumerate(zip(trend, numbers, strict=True)):
        x = i * slot + slot * 0.2
        last = i == len(trend) - 1
        weight = ' font-weight="bold"' if last else ""
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{height - 3}" text-anchor="middle" font-size="8"'
            f"{weight}>{_esc(short)}</text>"
        )
        if number is None or fig is None:  # a number comes from a figure: fig is None only if number is
            mark = "nasc." if fig is not None else "n.d."
            parts.append(
                f'<text x="{x + slot * 0.3:.1f}" y="{zero_y - 3:.1f}" text-anchor="middle" font-size="7" '
                f'fill="#333">{mark}</text>'
            )
            continue
        h = plot * abs(number) / span
        y = zero_y - h if number >= 0 else zero_y
        fill = "#222" if last else "#9a9a9a"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{max(h, 0.8):.1f}" '
            f'fill="{fill}"/>'
        )
        if last:
            label_y = y - 2 if number >= 0 else y + h + 8
            parts.append(
                f'<text x="{x + slot * 0.3:.1f}" y="{max(8, label_y):.1f}" text-anchor="middle" '
                f'font-size="8" font-weight="bold">{_esc(fig.text(unit))}</text>'
            )
    parts.append("</svg>")
    rows = "".join(
        f"<tr><td>{_esc(long)}</td>"
        f"<td class=num>{_esc(fig.text(unit) if fig else 'non pubblicato')}</td></tr>"
        for _, long, fig in trend
    )
    fallback = (
        f'<details class="fallback"><summary>Dati del grafico</summary><table><caption class=note>'
        f"{_esc(title)}</caption><thead><tr><th scope=col>Periodo</th><th scope=col>Valore</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )
    return "".join(parts) + fallback


def _headline_card(index: int, item: Headline, k: int) -> str:
    hidden = ""
    if item.now is None:
        now = "non disponibile"
    elif item.now.number is None:
        now = item.now.text()
        why = explain.reason_short(item.now.reason, k)
        hidden = f"<p class=sub><strong>Dato nascosto</strong> {_esc(why)}.</p>"
    else:
        now = item.now.text(item.unit)
    if item.prev is None:
        prev = "non disponibile" if item.prev_released else "nessun rapporto consegnato"
    elif item.prev.number is None:
        prev = f"{item.prev.text()} (nascosto {explain.reason_short(item.prev.reason, k)})"
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


READERS = (
    "Chi può leggerlo: il coordinamento del programma, gli enti che lo finanziano e gli organi di controllo "
    "previsti dall'accordo, per governare il programma. Non va pubblicato, inoltrato ad altri né messo su "
    "siti o social: i numeri sono aggregati e protetti, ma chi conosce le persone potrebbe riconoscerne "
    "qualcuna."
)


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
    qs, qe = quarter_bounds(quarter)
    items = headlines(agg, quarter, earlier or {})
    cards = "".join(_headline_card(i, item, k) for i, item in enumerate(items, start=1))
    sections, toc = [], []
    toc.append('<li><a href="#sintesi">Il trimestre in sintesi</a></li>')
    toc.append('<li><a href="#come-leggere">Come leggere questi dati</a></li>')
    for table in agg.tables:
        anchor = f"t-{table.name}"
        title = TABLE_TITLES.get(table.name, table.name)
        toc.append(f'<li><a href="#{anchor}">{_esc(title)}</a></li>')
        sections.append(
            f'<section class="table" id="{anchor}"><h2>{_esc(title)}</h2>'
            f"{_about(table.name, quarter, k)}{_hidden_note(agg, table)}"
            f"{_chart_for(agg, table, services)}{_html_table(agg, table, services)}"
            f"<p class=note>File per l'analisi: {_esc(table.name)}.csv (numeri in formato macchina, con il "
            "punto decimale e senza separatore delle migliaia).</p></section>"
        )
    toc.append('<li><a href="#glossario">Glossario</a></li>')
    glossary = "".join(
        f"<dt>{_esc(term.format(k=k, km1=k - 1))}</dt><dd>{_esc(text.format(k=k, km1=k - 1))}</dd>"
        for term, text in explain.GLOSSARY
    )
    title = f"{programme}: esiti del {itformat.quarter_words(quarter)}"
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{_esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}{_page_css(programme, quarter)}</style></head><body>
<div class="cover-page">
<header class="cover"><p class="mark">RISERVATO</p>
<h1>{_esc(title)}</h1>
<p>Periodo: dal {itformat.date_words(qs)} al {itformat.date_words(qe)}.
Soglia di riservatezza: {k} persone.</p>
<p class="readers">{_esc(READERS)}</p></header>
<section id="sintesi"><h2>Il trimestre in sintesi</h2>
<p class="note">Per ogni dato: il trimestre, il trimestre precedente già consegnato e un piccolo grafico
dei periodi recenti (la barra scura è il più recente). Un dato nascosto resta nascosto, con il motivo.</p>
<div class="glance">{cards}</div></section>
</div>
<nav class="toc"><h2>Indice</h2><ol>{"".join(toc)}</ol></nav>
<section id="come-leggere"><h2>Come leggere questi dati</h2>
<div class="box"><p>I numeri contano persone, non interventi.
Ogni conteggio è arrotondato al multiplo di 5 più vicino. «&lt;{k}» vuol dire «da 1 a {k - 1} persone»:
il numero esatto non si mostra perché qualcuno potrebbe riconoscere chi c'è dietro.
Un trattino (—) indica un dato nascosto anche quando il gruppo è più grande: altrimenti si potrebbe
ricavarlo per differenza, oppure rivelerebbe che (quasi) tutto un gruppo condivide una condizione delicata.
Un dato nascosto in un trimestre già consegnato resta nascosto. A volte anche un «&lt;{k}» diventa un
trattino, quando non resta altro da nascondere.
Medie, tassi e spese si mostrano solo per gruppi di almeno {k} persone, con un decimale (le spese in euro
interi), senza minimo e massimo; tassi e spese solo se nessuna persona pesa da sola più del 90% del totale
e se tutte le altre, tolte le due che pesano di più, arrivano almeno al 10% della prima.
Le percentuali si mostrano solo se il totale è almeno {k} e si calcolano dai numeri già arrotondati.
I totali sono arrotondati a parte, quindi la somma delle righe può differire dal totale.
I numeri sono scritti all'italiana (1.234 persone, 17,3 giorni, 43%, 1.234 €); i file CSV per l'analisi
restano in formato macchina (17.3, 1234).</p>
<p>Dati nascosti in questo rapporto: {summary["suppressed"]} su {summary["cells"]}.
{_audit_sentence(summary, k)}</p></div></section>
{"".join(sections)}
<section id="glossario"><h2>Glossario</h2><dl class="glossary">{glossary}</dl></section>
<p class="note">Rapporto prodotto con il kit bds.
Nessun dato personale: solo conteggi aggregati e protetti.</p>
</body></html>
"""


def report_pdf(html_text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html_text).write_pdf()


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
