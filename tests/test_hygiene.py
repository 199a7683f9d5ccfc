"""Text hygiene, dates, guide images and time bounds (issue 10).

The fixtures (tests/fixtures/*/…/text_*, dates_*, reviewed_*, body_image_*, name_*) cover each class
both ways; these tests cover what a fixture cannot: NFC in outputs, well-formed feeds and calendars
after any accepted text, the renderer's own image filter, and validate/build finishing in bounded time
on pathological input.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

import feedparser
import icalendar
import pytest
import yaml
from bds import hygiene, load, rules, unicodetext
from bds.web import exports, ical, jsonld
from bds.web import text as webtext
from bds.web.context import SiteContext
from conftest import FIXTURES, REPO, TODAY, copy_fixture_project, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GUIDE_HEAD = (
    "---\ntitle: Una guida di prova\nsummary: Una guida breve. Spiega una cosa.\n"
    'audience: [everyone]\nreviewed: "2026-05-01"\norder: 1\n---\n\n'
)
OPPORTUNITY = (FIXTURES / "opportunity" / "valid" / "minimal.yml").read_text(encoding="utf-8")


def _opportunity(record_id: str, **changes) -> str:
    data = yaml.safe_load(OPPORTUNITY)
    data.update(id=record_id, **changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# -- characters: name and position ---------------------------------------------------------------


def test_message_names_the_character_and_its_position():
    doc = load.load_bytes("id: x\ntitle: Labora\u202etorio\n".encode(), "opportunities/x.yml")
    [finding] = doc.findings
    assert (finding.code, finding.line, finding.column, finding.field) == (
        "TEXT_BIDI_CONTROL",
        2,
        14,
        "title",
    )
    assert "«RIGHT-TO-LEFT OVERRIDE (U+202E)»" in finding.message


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\u202a", "TEXT_BIDI_CONTROL"),
        ("\u2069", "TEXT_BIDI_CONTROL"),
        ("\u061c", "TEXT_BIDI_CONTROL"),
        ("\u200b", "TEXT_INVISIBLE_CHAR"),
        ("\u200c", "TEXT_INVISIBLE_CHAR"),
        ("\u2060", "TEXT_INVISIBLE_CHAR"),
        ("\ufeff", "TEXT_INVISIBLE_CHAR"),
        ("\u00ad", "TEXT_INVISIBLE_CHAR"),
        ("\u3164", "TEXT_INVISIBLE_CHAR"),
        ("\x00", "TEXT_CONTROL_CHAR"),
        ("\x1b", "TEXT_CONTROL_CHAR"),
        ("\x7f", "TEXT_CONTROL_CHAR"),
        ("\x9b", "TEXT_CONTROL_CHAR"),
        ("\ufffe", "TEXT_NONCHARACTER"),
        ("\U0001ffff", "TEXT_NONCHARACTER"),
        ("\ufdef", "TEXT_NONCHARACTER"),
        ("\u2028", "TEXT_LINE_SEPARATOR"),
    ],
)
def test_every_refused_character_is_found_raw_and_escaped(char, code):
    raw = load.load_bytes(f"id: x\ntitle: a{char}b\n".encode(), "x.yml")
    assert [(f.code, f.line) for f in raw.findings] == [(code, 2)]
    escaped = load.load_bytes(f'id: x\ntitle: "a\\U{ord(char):08x}b"\n'.encode(), "x.yml")
    assert [(f.code, f.line, f.field) for f in escaped.findings] == [(code, 2, "title")]


def test_accepted_characters():
    for text in ("tab\tdentro", "emoji \U0001f469\u200d\U0001f373", "\u2764\ufe0f", "\u0627\u200f\u0644"):
        assert unicodetext.scan(text) == [], text


def test_guide_body_is_scanned_with_file_lines(project_copy):
    guide = project_copy / "content" / "guides" / "g.md"
    guide.parent.mkdir(exist_ok=True)
    guide.write_text(GUIDE_HEAD + "Riga uno.\n\nRiga tre con \u2066isolato\u2069.\n", encoding="utf-8")
    run = run_cli(["--root", project_copy, "validate", "--format", "json", "--today", TODAY])
    assert run.code == 1
    found = [(f["code"], f["line"], f["column"], f["field"]) for f in run.json()]
    assert found == [("TEXT_BIDI_CONTROL", 11, 14, "testo"), ("TEXT_BIDI_CONTROL", 11, 22, "testo")]


def test_a_file_full_of_hidden_characters_gives_few_findings_quickly():
    doc = load.load_bytes(("id: x\ntitle: " + "\u200b" * 60_000 + "\n").encode(), "x.yml")
    assert len(doc.findings) == unicodetext.MAX_PER_FILE


# -- NFC ------------------------------------------------------------------------------------------


def test_loader_returns_nfc_and_fmt_writes_it(project_copy):
    target = project_copy / "opportunities" / "nfc.yml"
    decomposed = "Perche\u0301 e\u0300 bello cucinare insieme."
    target.write_text(_opportunity("nfc", summary=decomposed), encoding="utf-8")
    doc = load.load_path(target, "opportunities/nfc.yml")
    assert doc.data["summary"] == unicodedata.normalize("NFC", decomposed) != decomposed
    assert run_cli(["--root", project_copy, "fmt", target]).code == 0
    assert unicodedata.is_normalized("NFC", target.read_text(encoding="utf-8"))


# -- partner names --------------------------------------------------------------------------------


def test_skeleton_and_mixed_scripts():
    assert unicodetext.skeleton("Coop Аrcobaleno") == unicodetext.skeleton("coop arcobaleno")
    assert unicodetext.skeleton("Coop Arcobaleno") != unicodetext.skeleton("Coop Arcobalena")
    assert unicodetext.mixed_script_word("Coop Аrcobaleno") == "Аrcobaleno"
    assert unicodetext.mixed_script_word("Associazione Ελληνική") is None  # one alphabet per word


# -- dates ----------------------------------------------------------------------------------------


def test_latest_date_handles_leap_day_and_the_end_of_the_calendar():
    assert hygiene.latest_date(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)
    assert hygiene.latest_date(dt.date(9998, 1, 1)) == dt.date(9999, 1, 1)


def _context(listings: list[dict], today: dt.date) -> SiteContext:
    project = FIXTURES / "project" / "content"
    territory = yaml.safe_load((project / "territory.yml").read_text(encoding="utf-8"))
    partner = yaml.safe_load((project / "partners" / "coop-esempio.yml").read_text(encoding="utf-8"))
    return SiteContext.create(territory, listings, [partner], [], [], today)


def _check_exports(ctx: SiteContext) -> None:
    rss = exports.rss(ctx)
    ET.fromstring(rss)  # strictly well-formed XML
    feed = feedparser.parse(rss)
    assert not feed.bozo, feed.bozo_exception
    cal = icalendar.Calendar.from_ical(exports.calendar(ctx))
    events = list(cal.walk("VEVENT"))
    # One event for each listing the calendar rule (bds.web.ical) makes an event, with a start and a title.
    assert len(events) == sum(1 for item in ctx.listings if ical.event(item, ctx) is not None)
    assert all(e.get("dtstart") is not None and str(e.get("summary")) for e in events)
    for item in ctx.all_listings:
        tag = jsonld.script_tag(
            jsonld.for_listing(item, None, ctx.territory, ctx.labels, "https://bds.example/x/", 180)
        )
        if tag:
            body = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
            assert "<" not in body
            json.loads(body)


def test_exports_accept_the_extreme_accepted_dates():
    today = dt.date.fromisoformat(TODAY)
    latest = hygiene.latest_date(today).isoformat()
    listing = yaml.safe_load(OPPORTUNITY)
    listing.update(
        id="estrema", reviewed=TODAY, dates={"start": "2000-01-01", "end": latest, "deadline": latest}
    )
    job = dict(listing, id="lavoro", kind="job", axes=["work"], dates={"start": latest, "end": latest})
    _check_exports(_context([listing, job], today))
    # Past any range the validator accepts, the exports still do not crash.
    last = dict(
        listing, id="ultima", reviewed="9999-12-31", dates={"start": "9999-12-31", "end": "9999-12-31"}
    )
    _check_exports(_context([last], dt.date(9999, 12, 1)))


def test_build_with_the_extreme_accepted_dates(project_copy, tmp_path):
    latest = hygiene.latest_date(dt.date.fromisoformat(TODAY)).isoformat()
    (project_copy / "opportunities" / "estrema.yml").write_text(
        _opportunity(
            "estrema", reviewed=TODAY, dates={"start": "2000-01-01", "end": latest, "deadline": latest}
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    run = run_cli(["--root", project_copy, "build", "--out", out, "--today", TODAY])
    assert run.code == 0, run.err
    icalendar.Calendar.from_ical((out / "dati" / "opportunita.ics").read_bytes())
    assert not feedparser.parse((out / "dati" / "novita.xml").read_bytes()).bozo
    page = (out / "opportunita" / "estrema" / "index.html").read_text(encoding="utf-8")
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(block)["endDate"] == latest


# Any text the validator accepts: no refused character (see unicodetext), no HTML tag.
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
        st.sampled_from("\t\n&<>\"']]>\\;,:"),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() and not unicodetext.scan(s) and not rules._HTML.search(s))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, summary=_TEXT, schedule=_TEXT, place=_TEXT)
def test_feeds_and_calendar_stay_well_formed_after_any_accepted_text(title, summary, schedule, place):
    listing = yaml.safe_load(OPPORTUNITY)
    listing.update(
        id="prova",
        title=title,
        summary=summary,
        description=summary,
        schedule=schedule,
        location={"name": place, "visibility": "public"},
        reviewed="2026-05-01",
        dates={"start": "2026-06-10", "end": "2026-06-11"},  # a two-day event: one VEVENT (bds.web.ical)
    )
    ctx = _context([listing], dt.date.fromisoformat(TODAY))
    _check_exports(ctx)
    assert ET.fromstring(exports.rss(ctx)).find("channel/item/title").text == title
    [event] = icalendar.Calendar.from_ical(exports.calendar(ctx)).walk("VEVENT")
    assert str(event["SUMMARY"]) == title


# -- images in guides ------------------------------------------------------------------------------

ABSOLUTE = [
    "\\/host.example/p.png",
    "\\\\host.example/p.png",
    "\\\\\\\\host.example/p.png",  # unescaped by Markdown to "\\\\host": read as "//host"
    "/\\host.example/p.png",
    "//host.example/p.png",
    "/p.png",
    "https:host.example/p.png",
    "https://host.example/p.png",
    "&#x2F;&#x2F;host.example/p.png",
    "&#92;&#92;host.example/p.png",
    "<ht\tps://host.example/p.png>",
    "<\\\\\nhost.example/p.png>",
    "HTTPS://host.example/p.png",
    "data:image/png;base64,AAAA",
]


@pytest.mark.parametrize("src", ABSOLUTE)
def test_renderer_drops_every_absolute_image(src):
    for body in (f"![foto]({src})", f"![foto][f]\n\n[f]: {src}"):
        html = webtext.guide_html(body)
        assert not re.search(r"<img[^>]*src=", html), html  # the picture (if any) has no address
        assert not [s for s in webtext.guide_image_sources(body) if webtext.local_image(s)]


def test_renderer_keeps_relative_images():
    html = webtext.guide_html("![a](img/a.png) ![b](../img/b.png) ![c](flusso-dati.svg)")
    assert re.findall(r'src="([^"]+)"', html) == ["img/a.png", "../img/b.png", "flusso-dati.svg"]


# -- Markdown: bounded links, nesting --------------------------------------------------------------


def test_bounded_links_render_like_markdown():
    html = webtext.guide_html(
        'Vedi [il sito](https://a.example "t"), [a [b] c](https://b.example) e [r].\n\n[r]: https://c.example'
    )
    assert re.findall(r'href="([^"]+)"', html) == [
        "https://a.example",
        "https://b.example",
        "https://c.example",
    ]
    assert ">a [b] c<" in html


@pytest.mark.parametrize("line", ["> ", "1. ", "  - ", "- > "])
def test_deep_nesting_is_refused_and_never_crashes_the_renderer(line):
    source = line * 2000 + "fine"
    assert webtext.nesting_depth(source)[0] > webtext.MAX_NESTING
    html = webtext.markdown_html(source)
    assert "fine" in html
    assert "fine" in webtext.guide_html("\n".join(line * i + "x" for i in range(300)) + "\nfine")


def test_overlong_paragraph_is_refused_and_rendered_plain():
    source = "Testo **forte**. " * (webtext.MAX_BLOCK // 10)
    assert webtext.longest_block("a\n\n" + source + "\n\nb") == (len(source), 3)
    html = webtext.markdown_html(source)
    assert "<strong>" not in html and "**forte**" in html


# -- time bounds: validate and build finish on pathological input -----------------------------------

TIMEOUT = 60  # seconds; before the fix these took from 10 s (validate) to hours (build)


def _bds(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"))
    return subprocess.run(
        [sys.executable, "-m", "bds", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
    )


def _paragraphs(unit: str) -> str:
    """As many paragraphs of `unit` repeated as the longest accepted ones, as fit in a guide file."""
    block = unit * ((webtext.MAX_BLOCK - 1) // len(unit))
    return "\n\n".join([block] * (240_000 // len(block)))


def test_pathological_guides_and_descriptions_validate_and_build_in_bounded_time(tmp_path):
    root = copy_fixture_project(tmp_path / "p")
    guides = root / "content" / "guides"
    guides.mkdir()
    (guides / "a-capo.md").write_text(GUIDE_HEAD + "testo" + "\n" * 100_000 + "fine\n", encoding="utf-8")
    for name, unit in (("parentesi", "["), ("link-aperti", "[a]("), ("immagini", "!["), ("grassetto", "**a")):
        (guides / f"{name}.md").write_text(GUIDE_HEAD + _paragraphs(unit) + "\n", encoding="utf-8")
    for i in range(40):
        (root / "opportunities" / f"o{i}.yml").write_text(
            _opportunity(f"o{i}", description="[" * 4990), encoding="utf-8"
        )
    validated = _bds("--root", root, "validate", "--today", TODAY)
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]
    built = _bds("--root", root, "build", "--out", tmp_path / "site", "--today", TODAY)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "Traceback" not in validated.stderr + built.stderr


def test_one_huge_paragraph_is_reported_in_bounded_time(tmp_path):
    root = copy_fixture_project(tmp_path / "p")
    guides = root / "content" / "guides"
    guides.mkdir()
    (guides / "parentesi.md").write_text(GUIDE_HEAD + "[" * 200_000 + "\n", encoding="utf-8")
    (guides / "link-aperti.md").write_text(GUIDE_HEAD + "[a](" * 50_000 + "\n", encoding="utf-8")
    run = _bds("--root", root, "validate", "--today", TODAY, "--format", "json")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert sorted((f["file"], f["code"], f["line"]) for f in json.loads(run.stdout)) == [
        ("content/guides/link-aperti.md", "MARKDOWN_BLOCK_TOO_LONG", 9),
        ("content/guides/parentesi.md", "MARKDOWN_BLOCK_TOO_LONG", 9),
    ]
    # The renderer itself (also used by the preview, which shows invalid content) stays fast too.
    for source in ("[" * 200_000, "[a](" * 50_000, "![" * 100_000, "[[]" * 60_000):
        assert webtext.guide_html(source).startswith("<p>")


def test_deeply_nested_guide_is_reported_in_bounded_time(tmp_path):
    root = copy_fixture_project(tmp_path / "p")
    guides = root / "content" / "guides"
    guides.mkdir()
    (guides / "annidata.md").write_text(GUIDE_HEAD + "> " * 60_000 + "fine\n", encoding="utf-8")
    (guides / "elenchi.md").write_text(GUIDE_HEAD + "1. " * 60_000 + "fine\n", encoding="utf-8")
    run = _bds("--root", root, "validate", "--today", TODAY, "--format", "json")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert sorted((f["file"], f["code"]) for f in json.loads(run.stdout)) == [
        ("content/guides/annidata.md", "MARKDOWN_TOO_DEEP"),
        ("content/guides/elenchi.md", "MARKDOWN_TOO_DEEP"),
    ]


def test_every_control_format_and_noncharacter_code_point_is_refused():
    """Exhaustive over Unicode: the fast pre-filter regex misses no character the rules refuse."""
    allowed = {"\t", "\n", "\r", "\u200d", "\u200e", "\u200f", "\u061c"}  # CR, joiner, marks: by context
    missed = []
    for code in range(0x110000):
        ch = chr(code)
        refused = unicodedata.category(ch) in ("Cc", "Cf") or (code & 0xFFFE) == 0xFFFE
        refused |= 0xFDD0 <= code <= 0xFDEF or ch in "\u2028\u2029"
        if not refused or ch in allowed:
            continue
        if unicodetext.classify("a" + ch + "a", 1) is None or not unicodetext.suspect(ch):
            missed.append(hex(code))
    assert missed == []


def test_the_byte_prefilter_misses_no_suspect_character():
    """Exhaustive over Unicode: a character `suspect` looks at is always seen by the byte scan that lets
    the loader skip clean files (`may_hold_suspects`), alone, between letters and as its whole text."""
    missed = []
    for code in range(0x110000):
        ch = chr(code)
        if not unicodetext.suspect(ch):
            continue
        for text in (ch, "è" + ch + "a"):
            if not unicodetext.may_hold_suspects(text) or not unicodetext.may_hold_suspects(
                text, text.encode("utf-8", "surrogatepass")
            ):
                missed.append(hex(code))
    assert missed == []


def test_a_clean_file_skips_the_character_checks_but_not_an_escape():
    """Plain accented text has nothing to look at; a YAML escape still writes a refused character."""
    assert not unicodetext.may_hold_suspects("Città, «caffè» – 5 € ’")
    escaped = load.load_bytes(b'id: x\ntitle: "a\\u202eb"\nnote: caff\xc3\xa8\n', "x.yml")
    assert [f.code for f in escaped.findings] == ["TEXT_BIDI_CONTROL"]
    clean = load.load_bytes("id: x\ntitle: Città «caffè» – 5 €\n".encode(), "x.yml")
    assert clean.findings == [] and clean.data["title"] == "Città «caffè» – 5 €"


def test_messages_never_carry_hidden_characters_to_the_terminal(project_copy):
    target = project_copy / "opportunities" / "chiave.yml"
    target.write_text(OPPORTUNITY.replace("id: minimal", 'id: chiave\n"\\e[2J\\u202e": 1'), encoding="utf-8")
    for fmt in ("text", "json"):
        run = run_cli(["--root", project_copy, "validate", target, "--format", fmt, "--today", TODAY])
        assert run.code == 1 and "TEXT_CONTROL_CHAR" in run.out + run.err
        assert not unicodetext.scan(run.out + run.err.replace("\n", " ")), run.out + run.err
        assert "\x1b" not in run.out + run.err and "U+001B[2J" in run.out + run.err
