"""Pictures of the outcome workbook for the case managers' guide, drawn from the real template.

No spreadsheet program is needed: the template made by `bds outcomes template` is read back with
openpyxl (sheets, headers, comments, drop-down lists) and drawn as an HTML grid that looks like a
spreadsheet, then photographed with Debian's Chromium. Set BDS_SCREENSHOTS=1 to refresh the pictures
in content/guides/img/ (otherwise they go to a temporary folder).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
from pathlib import Path

import openpyxl
import pytest
from bds.content import Project
from bds.outcomes import package, synth, workbook
from bds.outcomes.territory import load_territory

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

STYLE = """
body { font: 13px/1.3 "DejaVu Sans", Arial, sans-serif; margin: 0; background: #fff; color: #222; }
.app { display: inline-block; border: 1px solid #b9b9b9; }
.bar { background: #f3f3f3; border-bottom: 1px solid #c8c8c8; padding: 4px 8px; font-size: 12px;
  color: #444; }
table { border-collapse: collapse; table-layout: fixed; }
td, th { border: 1px solid #d4d4d4; padding: 2px 5px; height: 20px; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; position: relative; }
th.col, th.row { background: #efefef; color: #555; font-weight: normal; text-align: center; }
th.row { width: 32px; }
td.head { background: #dde7f0; white-space: normal; vertical-align: top; height: 44px; }
td.head.req { font-weight: bold; }
td.head.note::after { content: ""; position: absolute; top: 0; right: 0; border-style: solid;
  border-width: 0 7px 7px 0; border-color: transparent #d00 transparent transparent; }
tr.frozen td, tr.frozen th { border-bottom: 2px solid #8a8a8a; }
td.open { overflow: visible; }
td.pick { outline: 2px solid #1a73e8; outline-offset: -2px; }
.arrow { position: absolute; right: 1px; top: 1px; bottom: 1px; width: 16px; background: #eee;
  border-left: 1px solid #bbb; font-size: 9px; text-align: center; line-height: 18px; }
.list { position: absolute; z-index: 3; background: #fff; border: 1px solid #888;
  box-shadow: 2px 3px 6px rgba(0,0,0,.25); min-width: 180px; }
.list div { padding: 3px 8px; white-space: nowrap; }
.list div.on { background: #1a73e8; color: #fff; }
.note-box { position: absolute; z-index: 3; background: #ffffe1; border: 1px solid #777; padding: 6px 8px;
  width: 300px; white-space: pre-wrap; font-weight: normal; font-size: 12px;
  box-shadow: 2px 3px 6px rgba(0,0,0,.25); }
.tabs { display: flex; gap: 2px; background: #e8e8e8; border-top: 1px solid #c8c8c8; padding: 0 8px; }
.tabs span { padding: 4px 12px; background: #dcdcdc; border: 1px solid #c0c0c0; border-top: none; }
.tabs span.on { background: #fff; font-weight: bold; }
.guide td { white-space: normal; width: 760px; height: auto; }
.guide td.h1 { font-weight: bold; font-size: 17px; }
.guide td.h2 { font-weight: bold; font-size: 14px; }
"""


@pytest.fixture(scope="module")
def template_book():
    territory = load_territory(Project(REPO))
    data = workbook.template(territory)
    return openpyxl.load_workbook(io.BytesIO(data)), synth.generate(40, 11, territory)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("BDS_SCREENSHOTS") == "1":
        folder = REPO / "content" / "guides" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("schermate")


def shrink(path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    with image.open(path) as img:
        img.convert("RGB").quantize(colors=64).save(path, optimize=True)


def _list_values(book, ws, letter: str) -> list[str]:
    for rule in ws.data_validations.dataValidation:
        if rule.type == "list" and any(str(r).startswith(f"{letter}2:") for r in str(rule.sqref).split()):
            column = rule.formula1.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
            return [str(c.value) for c in book[workbook.LISTS][column][1:] if c.value is not None]
    return []


def _shown(spec: dict, value: str) -> str:
    """A value as a person sees it in the sheet: dates as dd/mm/yyyy, drop-down labels, sì/no."""
    value = str(value)
    if value == "":
        return ""
    if spec["type"] == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if spec["type"] == "boolean":
        return workbook.YES if value == "true" else workbook.NO
    if spec["type"] == "number":
        return f"{float(value):.2f}".replace(".", ",")
    if spec.get("constraints", {}).get("enum"):
        return workbook.labels(spec).get(value, value)
    return value


def sheet_html(book, tables, table: str, columns: int, rows: int, note: int | None, pick: int | None) -> str:
    resource = next(r for r in workbook.resources() if r["name"] == table)
    ws = book[workbook.sheet_title(resource)]
    specs = package.table_schema(table)["fields"][:columns]
    widths = [
        max(70, int(ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width * 7.2))
        for i in range(1, columns + 1)
    ]
    out = ['<div class="app"><div class="bar">Foglio «' + html.escape(ws.title) + "»</div><table>"]
    out.append("<colgroup><col style='width:34px'>" + "".join(f"<col style='width:{w}px'>" for w in widths))
    out.append("</colgroup><tr><th class='col'></th>")
    out += [f"<th class='col'>{openpyxl.utils.get_column_letter(i)}</th>" for i in range(1, columns + 1)]
    out.append("</tr><tr class='frozen'><th class='row'>1</th>")
    for i, spec in enumerate(specs, start=1):
        cell = ws.cell(row=1, column=i)
        required = " req" if spec.get("constraints", {}).get("required") else ""
        extra = ""
        if note == i:
            extra = f"<div class='note-box' style='top:40px;left:30px'>{html.escape(cell.comment.text)}</div>"
        opened = " open" if note == i else ""
        out.append(f"<td class='head note{required}{opened}'>{html.escape(str(cell.value))}{extra}</td>")
    out.append("</tr>")
    body = tables[table][1 : rows + 1]
    for number, row in enumerate(body, start=2):
        out.append(f"<tr><th class='row'>{number}</th>")
        for i, (spec, value) in enumerate(zip(specs, row, strict=False), start=1):
            picked = pick == i and number == len(body) + 1
            text = "" if picked else _shown(spec, value)
            inner = html.escape(text)
            css = ""
            if picked:
                values = _list_values(book, ws, openpyxl.utils.get_column_letter(i))
                items = "".join(
                    f"<div class='{'on' if v == _shown(spec, value) else ''}'>{html.escape(v)}</div>"
                    for v in values
                )
                inner += (
                    f"<span class='arrow'>▼</span><div class='list' style='top:22px;left:-1px'>{items}</div>"
                )
                css = " class='pick open'"
            out.append(f"<td{css}>{inner}</td>")
        out.append("</tr>")
    for number in range(len(body) + 2, len(body) + 2 + (8 if pick or note else 2)):
        out.append(f"<tr><th class='row'>{number}</th>" + "<td></td>" * columns + "</tr>")
    out.append("</table>")
    out.append("<div class='tabs'>")
    out += [
        f"<span class='{'on' if name == ws.title else ''}'>{html.escape(name)}</span>"
        for name in book.sheetnames
        if name != workbook.LISTS
    ]
    out.append("</div></div>")
    return "".join(out)


def instructions_html(book, lines: int) -> str:
    ws = book[workbook.INSTRUCTIONS]
    out = ['<div class="app guide"><div class="bar">Foglio «Istruzioni»</div><table>']
    for number, cell in enumerate(ws["A"][:lines], start=1):
        size = cell.font.sz or 11
        css = "h1" if size >= 14 else "h2" if cell.font.b else ""
        out.append(
            f"<tr><th class='row'>{number}</th>"
            f"<td class='{css}'>{html.escape(str(cell.value or ''))}</td></tr>"
        )
    out.append("</table><div class='tabs'>")
    out += [
        f"<span class='{'on' if n == ws.title else ''}'>{html.escape(n)}</span>"
        for n in book.sheetnames
        if n != workbook.LISTS
    ]
    out.append("</div></div>")
    return "".join(out)


def shoot(browser, markup: str, path: Path, height: int) -> str:
    page = browser.new_page(viewport={"width": 1100, "height": height}, device_scale_factor=1)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(f"<!doctype html><html lang='it'><style>{STYLE}</style><body>{markup}</body></html>")
    page.locator(".app").screenshot(path=str(path))
    text = page.inner_text("body")
    page.close()
    assert [r for r in requests if not r.startswith(("data:", "about:"))] == []
    shrink(path)
    return text


def test_workbook_pictures_for_the_guide(template_book, browser, shots):
    book, tables = template_book
    text = shoot(browser, instructions_html(book, 24), shots / "esiti-foglio-istruzioni.png", 700)
    assert "nome, cognome, codice fiscale" in text

    text = shoot(
        browser,
        sheet_html(book, tables, "beneficiaries", 7, 4, note=3, pick=None),
        shots / "esiti-foglio-nota.png",
        400,
    )
    sex = package.fields_by_name("beneficiaries")["sex"]
    assert sex["title"] in text and sex["description"] in text

    text = shoot(
        browser,
        sheet_html(book, tables, "projects", 8, 4, note=None, pick=6),
        shots / "esiti-foglio-elenco.png",
        400,
    )
    assert all(
        label in text for label in workbook.labels(package.fields_by_name("projects")["status"]).values()
    )
    for name in ("esiti-foglio-istruzioni.png", "esiti-foglio-nota.png", "esiti-foglio-elenco.png"):
        assert (shots / name).stat().st_size < 120_000
