"""Writing the release: tidy CSVs, datapackage.json, report.html (inline SVG), report.pdf, audit.json.

Everything shown comes from the masked cells (`cell.shown`), never from true
values, so tables, charts and text agree and no bar encodes a hidden number.
Output is byte-for-byte deterministic: sorted keys, no timestamps, fixed PDF metadata.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from .. import cells
from .disclosure import protected_floor
from .model import PUBLISHED, SUPPRESSED, TOTAL, ZERO, Aggregate, Table

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
CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#1a1a1a;max-width:60rem;margin:1.5rem auto;
padding:0 1rem;
line-height:1.45;font-size:11pt}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #888}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #999;padding:.2rem .5rem;text-align:left}
td.num{text-align:right}tr.total td{font-weight:bold}.note{color:#444;font-size:.9em}
.box{border:1px solid #666;padding:.5rem 1rem;background:#f3f3f3}svg{max-width:100%;height:auto}
.warn{color:#8a1c00}
@page{size:A4;margin:1.5cm}
"""


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def bar_chart(title: str, items: list[tuple[str, str, str]]) -> str:
    """Horizontal bars from shown values only; hidden values get a text mark and no bar."""
    width, row_h, left = 640, 24, 260
    numbers = [int(v) for _, v, s in items if s == PUBLISHED and v.lstrip("-").isdigit()]
    top = max(numbers) if numbers else 1
    height = row_h * len(items) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_esc(title)}">',
        f"<title>{_esc(title)}</title>",
    ]
    for i, (name, value, status) in enumerate(items):
        y = 10 + i * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12">{_esc(name)}</text>'
        )
        if status == PUBLISHED and value.isdigit():
            bar = round((width - left - 70) * int(value) / top, 1)
            parts.append(f'<rect x="{left}" y="{y + 2}" width="{bar}" height="{row_h - 6}" fill="#2f5d8a"/>')
            parts.append(f'<text x="{left + bar + 6}" y="{y + 15}" font-size="12">{_esc(value)}</text>')
        else:
            mark = value if value else "dato nascosto"
            parts.append(f'<text x="{left + 4}" y="{y + 15}" font-size="12" fill="#555">{_esc(mark)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _chart_for(agg: Aggregate, table: Table, services: dict[str, str]) -> str:
    if not table.chart or table.chart.get("type") != "bars":
        return ""
    items = []
    for dims, key in table.rows:
        if TOTAL in dims or (table.chart.get("group") and dims[0] != "attivi"):
            continue
        if table.chart.get("value") == "euro" and dims[-1] != "euro_per_anno_persona":
            continue
        cell = agg.cells[key]
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
        title = f"Persone attive nel trimestre ({table.dims[-1].replace('_', ' ')})"
    return f"<figure>{bar_chart(title, items)}<figcaption class=note>{_esc(title)}</figcaption></figure>"


def _html_table(agg: Aggregate, table: Table, services: dict[str, str]) -> str:
    head = (
        "".join(f"<th scope=col>{_esc(DIM_LABELS.get(d, d))}</th>" for d in table.dims)
        + "<th scope=col>Valore</th>"
    )
    rows = []
    for dims, key in table.rows:
        cell = agg.cells[key]
        shown = cell.shown if cell.shown else "—"
        css = ' class="total"' if TOTAL in dims else ""
        rows.append(
            f"<tr{css}>"
            + "".join(f"<td>{_esc(label(d, services))}</td>" for d in dims)
            + f"<td class=num>{_esc(shown)}</td></tr>"
        )
    if not rows:
        return f"<p class=note>{_esc(table.note or 'nessun dato')}</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


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


def report_html(agg: Aggregate, quarter: str, programme: str, services: dict[str, str], summary: dict) -> str:
    k = agg.k
    sections = []
    for table in agg.tables:
        sections.append(
            f"<section><h2>{_esc(TABLE_TITLES.get(table.name, table.name))}</h2>"
            f"{_chart_for(agg, table, services)}{_html_table(agg, table, services)}"
            f"<p class=note>File: {_esc(table.name)}.csv</p></section>"
        )
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{_esc(programme)}: esiti {_esc(quarter)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style></head><body>
<h1>{_esc(programme)}: esiti del trimestre {_esc(quarter)}</h1>
<div class="box"><p><strong>Come leggere questi dati.</strong> I numeri contano persone, non interventi.
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
I totali sono arrotondati a parte, quindi la somma delle righe può differire dal totale.</p>
<p>Dati nascosti in questo rapporto: {summary["suppressed"]} su {summary["cells"]}.
{_audit_sentence(summary, k)}</p></div>
{"".join(sections)}
<p class="note">Rapporto prodotto con il kit bds.
Nessun dato personale: solo conteggi aggregati e protetti.</p>
</body></html>
"""


def report_pdf(html_text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html_text).write_pdf()


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
