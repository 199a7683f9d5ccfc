"""The report read at a glance: headline page, Italian numbers, explanations, hidden-cell notes, PDF marks."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bds.cli import main
from bds.content import Project
from bds.outcomes import build_report, explain, itformat
from bds.outcomes.validate import validate

ROOT = Path(__file__).resolve().parents[1]
CREMASCO = ROOT / "tests" / "territories" / "cremasco"
K = 10
DECIMAL_POINT = re.compile(r"\d\.\d(?!\d\d)")  # 17.3 or 17.35, but not the thousands point of 1.234


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("glance") / "data"
    assert main(["--root", str(ROOT), "demo-data", "--out", str(out), "--people", "300", "--seed", "3"]) == 0
    return out


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("glance-reports")
    for quarter in ("2025Q4", "2026Q1"):
        build_report(demo, quarter, base / quarter, Project(ROOT))
    return base


@pytest.fixture(scope="module")
def page(reports) -> str:
    return (reports / "2026Q1" / "report.html").read_text(encoding="utf-8")


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def section(page: str, name: str) -> str:
    match = re.search(rf'<section class="table" id="t-{name}">(.*?)</section>', page, re.S)
    assert match, name
    return match.group(1)


def test_italian_numbers_and_dates():
    assert itformat.number("1234567") == "1.234.567" and itformat.number("17.3") == "17,3"
    assert itformat.number("-3.1") == "-3,1" and itformat.number("-1234") == "-1.234"
    assert itformat.percent("43") == "43%" and itformat.euro("3381") == "3.381\u00a0€"
    assert itformat.date_words(dt.date(2026, 10, 1)) == "1 ottobre 2026"
    assert itformat.quarter_words("2026Q3") == "3° trimestre 2026"


def test_every_table_cell_is_in_italian_form(reports, page):
    cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]
    assert len(cells) > 200
    for cell in cells:
        assert not DECIMAL_POINT.search(cell), cell
    folder = reports / "2026Q1"
    checked = set()
    for csv_file in sorted(folder.glob("*.csv")):
        shown = [text_of(v) for v in re.findall(r"<td class=num>(.*?)</td>", section(page, csv_file.stem))]
        table = rows(csv_file)[1:]
        assert len(shown) == len(table), csv_file.name
        for row, cell in zip(table, shown, strict=True):
            value, status = row[-2], row[-1]
            if status == "suppressed":
                assert cell == (value or "—")
                continue
            if csv_file.stem.endswith("percentuale"):
                assert cell == f"{value}%"
                checked.add("percent")
            elif row[-3] == "euro_per_anno_persona":
                assert cell == itformat.number(value) + "\u00a0€" and "." not in value
                checked.add("euro")
            elif "." in value:
                assert cell == value.replace(".", ",")
                checked.add("decimal")
            else:
                assert cell == itformat.number(value)
    assert checked == {"percent", "euro", "decimal"}
    assert "dal 1 gennaio 2026 al 31 marzo 2026" in page  # dates in words


def test_every_indicator_is_explained_where_it_appears(reports, page):
    names = [p.stem for p in (reports / "2026Q1").glob("*.csv")]
    assert len(names) == 14
    for name in names:
        body = text_of(section(page, name))
        for part in ("Cosa conta.", "Chi è contato.", "Periodo."):
            assert part in body, (name, part)
        what, who, window = explain.table(name, "1 gennaio 2026", "31 marzo 2026", K)
        assert what in body and who in body and window in body, name
    glossary = text_of(re.search(r'<section id="glossario">(.*?)</section>', page, re.S).group(1))
    for term in ("HoNOS", "T0, T6, T12", "Anni-persona", "Soglia di riservatezza", "Celle nascoste", "«<10»"):
        assert term in glossary, term


def test_hidden_cells_are_explained_at_their_table(reports, page):
    with_hidden = 0
    for csv_file in (reports / "2026Q1").glob("*.csv"):
        body = section(page, csv_file.stem)
        hidden = [r for r in rows(csv_file)[1:] if r[-1] == "suppressed"]
        notes = re.findall(r"<p class=hidden-note>(.*?)</p>", body, re.S)
        if not hidden:
            assert notes == [], csv_file.name
            continue
        with_hidden += 1
        assert len(notes) == 1, csv_file.name
        sentence = text_of(notes[0])
        count = len(hidden)
        assert sentence.startswith(
            f"In questa tabella {count} dat" if count > 1 else "In questa tabella 1 dato"
        )
        assert sentence.count(".") == 1 and sentence.endswith(".")  # one sentence
        if any(r[-2] == f"<{K}" for r in hidden):
            assert f"«<{K}» indica un gruppo da 1 a {K - 1} persone" in sentence
        if any(r[-2] == "" for r in hidden):
            assert "trattino (—)" in sentence
    assert with_hidden >= 5


def _cards(page: str) -> dict[str, dict]:
    glance = re.search(r'<section id="sintesi">(.*?)</section>', page, re.S).group(1)
    out = {}
    for card in re.findall(r'<div class="card">(.*?)</div>(?=<div class="card">|</div>)', glance, re.S):
        title = text_of(re.search(r"<h3>(.*?)</h3>", card).group(1))
        now = text_of(re.search(r'<p class="big[^"]*">(.*?)</p>', card).group(1))
        prev = text_of(re.search(r"<p class=prev>(.*?)</p>", card).group(1))
        out[title.split(" (")[0]] = {"now": now, "prev": prev, "html": card}
    return out


def _csv_value(folder: Path, table: str, *dims: str) -> str:
    for row in rows(folder / f"{table}.csv")[1:]:
        if tuple(row[: len(dims)]) == dims:
            return itformat.value("count", row[-1], row[-2]) if row[-1] != "published" else row[-2]
    raise AssertionError(dims)


def test_headline_page_comes_first_with_the_previous_quarter_and_accessible_trends(reports, page):
    assert page.index('id="sintesi"') < page.index('class="toc"') < page.index('id="t-')
    cards = _cards(page)
    assert set(cards) >= {
        "Persone in un percorso",
        "Ingressi",
        "Uscite",
        "Lavoro retribuito a 12 mesi",
        "In casa propria o della famiglia a 12 mesi",
        "Variazione HoNOS a 12 mesi",
        "Attesa per l'avvio",
        "Spesa per anno-persona",
    }
    for title, card in cards.items():
        svg = re.search(r"<svg[^>]*>(.*?)</svg>", card["html"], re.S)
        assert svg and "<title" in svg.group(1) and "<desc" in svg.group(1), title
        assert 'aria-labelledby="' in card["html"] and "<table>" in card["html"], title  # table fallback
        assert card["prev"].startswith("4° trimestre 2025"), title
        assert "<p class=why>" in card["html"], title
        if card["now"] in ("—", f"<{K}"):
            assert "Dato nascosto per" in text_of(card["html"]), title
    # the headline shows exactly what the tables (this quarter) and the earlier release published
    now, before = reports / "2026Q1", reports / "2025Q4"
    for title, flow in (("Persone in un percorso", "attivi"), ("Ingressi", "ingressi"), ("Uscite", "uscite")):
        current = _csv_value(now, "flussi_per_sesso", flow, "TOTALE")
        assert cards[title]["now"] == (itformat.number(current) if current[0].isdigit() else current), title
        expected = _csv_value(before, "flussi_per_sesso", flow, "TOTALE")
        prev = cards[title]["prev"].split(": ", 1)[1]
        assert prev.split(" (")[0] == (itformat.number(expected) if expected[0].isdigit() else expected), (
            title
        )
    spend = _csv_value(now, "spesa_per_fonte", "TOTALE", "euro_per_anno_persona")
    if spend[0].isdigit():
        assert cards["Spesa per anno-persona"]["now"] == itformat.euro(spend)


def test_pdf_has_cover_contents_page_numbers_and_the_mark_on_every_page(reports):
    pdf = reports / "2026Q1" / "report.pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) non installato")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = text.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    assert len(pages) >= 5
    for number, body in enumerate(pages, start=1):
        assert "RISERVATO" in body, number
        assert f"pagina {number} di {len(pages)}" in body, number
        assert "Documento riservato" in body, number
    first = " ".join(pages[0].split())
    assert "Chi può leggerlo" in first and "Il trimestre in sintesi" in first and "Ingressi" in first
    contents = " ".join(pages[1].split())
    assert "Indice" in contents and "Glossario" in contents and re.search(r"pagina \d+ \d+\. ", contents)


def test_pdf_rows_are_never_split_and_headers_repeat(page):
    assert "tr{break-inside:avoid}" in page and "thead{display:table-header-group}" in page


def test_cremasco_waiting_times_appear_only_when_recorded(tmp_path, demo):
    data = tmp_path / "cremasco-data"
    assert (
        main(["--root", str(CREMASCO), "demo-data", "--out", str(data), "--people", "300", "--seed", "3"])
        == 0
    )
    header = rows(data / "projects.csv")[0]
    assert header[-2:] == ["first_contact_date", "first_specialist_date"]
    filled = [r for r in rows(data / "projects.csv")[1:] if r[-2]]
    assert len(filled) == len(rows(data / "projects.csv")) - 1
    out = tmp_path / "rapporti" / "2026Q2"
    assert (
        main(
            ["--root", str(CREMASCO), "report", "--data", str(data), "--quarter", "2026Q2", "--out", str(out)]
        )
        == 0
    )
    table = rows(out / "attesa_adolescenti.csv")
    assert [r[:2] for r in table[1:5]] == [
        ["asst-crema", "persone"],
        ["asst-crema", "contatto_avvio"],
        ["asst-crema", "persone_visita"],
        ["asst-crema", "contatto_visita"],
    ]
    # the territory's words: its programme, not Milan's «Budget di Salute»
    title = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["title"]
    assert title == "Esiti del budget di cura, aggregato anonimo 2026Q2"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Dal primo contatto all'avvio" in text_of(page) and "Cosa conta." in section(
        page, "attesa_adolescenti"
    )
    # a programme that does not record first contacts: no such table
    assert not rows(demo / "projects.csv")[1][-1] and not (demo / "attesa_adolescenti.csv").exists()


def test_an_older_package_without_the_optional_columns_still_validates(demo, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(demo, old)
    table = rows(old / "projects.csv")
    with (old / "projects.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(r[:-2] for r in table)
    assert validate(old, check_repository=False).ok


def test_a_first_contact_after_the_start_is_located(demo, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(demo, bad)
    table = rows(bad / "projects.csv")
    table[1][-2] = "2099-01-01"
    with (bad / "projects.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    result = validate(bad, check_repository=False)
    assert [(p.table, p.row, p.column, p.code) for p in result.problems] == [
        ("projects.csv", 2, "first_contact_date", "PROJECT_DATE_ORDER")
    ]


def test_the_ledger_keeps_only_what_readers_saw(reports):
    from bds.outcomes import ledger as ledger_mod

    book = ledger_mod.load(reports / "ledger.json")  # validated against the schema, "shown" included
    cells = book["releases"]["2026Q1"]["cells"]
    assert any("shown" in c for c in cells.values())
    for key, cell in cells.items():
        if cell["status"] == "suppressed":
            assert "shown" not in cell, key
        elif cell["status"] == "zero":
            assert cell["shown"] == "0", key
    spend = cells["spesa|TOTALE|euro_per_anno_persona|2026Q1"]
    if spend["status"] == "published":
        assert [spend["shown"]] == [
            r[-2]
            for r in rows(reports / "2026Q1" / "spesa_per_fonte.csv")
            if r[:2] == ["TOTALE", "euro_per_anno_persona"]
        ]
