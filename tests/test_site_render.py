"""Unit tests of the site renderers: pure functions from records to HTML, no engine involved."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bds.web import engine, exports, jsonld, model, render, synthetic
from bds.web.context import SiteContext
from bds.web.page import Page
from bds.web.text import Glossary, markdown_html, search_tokens
from hypothesis import given, settings
from hypothesis import strategies as st

TODAY = dt.date(2026, 6, 1)


def make_ctx(listings=None, partners=None, guides=None) -> SiteContext:
    rng_listings = (
        listings
        if listings is not None
        else [synthetic.listing(i, __import__("random").Random(i), 3, TODAY) for i in range(12)]
    )
    rng_partners = (
        partners
        if partners is not None
        else [synthetic.partner(i, __import__("random").Random(i), "2026-05-01") for i in range(3)]
    )
    return SiteContext.create(
        synthetic.territory(), rng_listings, rng_partners, guides or [], synthetic.GLOSSARY["terms"], TODAY
    )


def listing(**changes) -> dict:
    import random

    record = synthetic.listing(1, random.Random(1), 3, TODAY)
    record.update(changes)
    return record


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_expired_listings_leave_the_catalogue():
    past_end = listing(id="finita", dates={"start": "2026-01-01", "end": "2026-05-31"})
    past_deadline = listing(id="scaduta", dates={"deadline": "2026-05-31"})
    today_deadline = listing(id="oggi", dates={"deadline": "2026-06-01"})
    closed = listing(id="chiusa", status="closed")
    full = listing(id="piena", status="full")
    ctx = make_ctx([past_end, past_deadline, today_deadline, closed, full])
    shown = {item["id"] for item in ctx.listings}
    assert shown == {"oggi", "piena"}
    page = render.catalogue(ctx).body
    assert 'data-id="oggi"' in page and 'data-id="piena"' in page
    for gone in ("finita", "scaduta", "chiusa"):
        assert f'data-id="{gone}"' not in page


def test_open_now_excludes_full_listings():
    ctx = make_ctx([listing(id="a"), listing(id="b", status="full")])
    assert model.is_open_now(ctx.listings[0], TODAY) != model.is_open_now(ctx.listings[1], TODAY)
    page = render.catalogue(ctx).body
    assert re.search(r'data-o="0"[^>]*data-id="b"', page)
    assert re.search(r'data-o="1"[^>]*data-id="a"', page)


@pytest.mark.parametrize(
    "kind,visibility", [("housing", "public"), ("housing", "zone-only"), ("social", "zone-only")]
)
def test_reserved_address_never_rendered(kind, visibility):
    secret = "Via Segretissima 12"
    record = listing(
        id="casa",
        kind=kind,
        axes=["housing"],
        location={"name": "Casa Riservata", "address": secret, "visibility": visibility},
    )
    ctx = make_ctx([record])
    ctx_outputs = [
        render.listing_page(ctx.listings[0], ctx, model.listing_path("casa")).body,
        render.catalogue(ctx).body,
        exports.listings_csv(ctx).decode(),
        exports.listings_json(ctx).decode(),
        exports.hsds(ctx).decode(),
        exports.calendar(ctx).decode(),
        exports.rss(ctx).decode(),
    ]
    for output in ctx_outputs:
        assert secret not in output
        assert "Casa Riservata" not in output


def test_public_address_is_shown():
    record = listing(
        id="aperta",
        kind="social",
        location={"name": "Spazio Aperto", "address": "Via Pubblica 1", "visibility": "public"},
    )
    ctx = make_ctx([record])
    page = render.listing_page(ctx.listings[0], ctx, model.listing_path("aperta")).body
    assert "Via Pubblica 1" in page


def test_markdown_is_sanitised():
    html = markdown_html(
        "ciao <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        '\n\n"><svg onload=alert(1)>'
    )
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "javascript:" not in html
    for _, attrs in tags_of(html):
        assert not any(name.startswith("on") for name in attrs)


def test_markdown_keeps_one_h1():
    html = markdown_html("# Titolo\n\n## Sotto\n\ntesto")
    assert "<h1" not in html and "<h2" in html and "<h3" in html


def test_glossary_marks_first_occurrence_outside_links():
    glossary = Glossary(synthetic.GLOSSARY["terms"])
    html = glossary.mark(
        '<p>Vai al CPS. Il CPS ti aiuta. <a href="x">CPS</a></p><h2>ESP</h2><p>ESP e tirocini</p>'
    )
    assert html.count('class="bds-term"') == 3  # CPS once, ESP once (not in the heading), tirocinio via alias
    assert '<a href="x">CPS</a>' in html
    ids = re.findall(r'aria-describedby="([^"]+)"', html)
    for tip in ids:
        assert f'id="{tip}"' in html
    assert 'tabindex="0"' in html


def test_front_matter_escapes_title():
    page = engine.page_source(Page("<img src=x onerror=alert(1)>", "<p>x</p>", description='"><script>'))
    head = page.split("---")[1]
    assert "<" not in head and ">" not in head


def test_search_index_has_description_words():
    record = listing(id="cer", description="Impariamo a lavorare la ceramica con il tornio.")
    ctx = make_ctx([record])
    index = json.loads(render.search_index(ctx))
    assert "ceramic" in index["cer"].split()
    assert search_tokens("ceramiche")[0] == search_tokens("ceramica")[0]


def jsonld_of(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


@pytest.mark.parametrize("kind", ["job", "internship"])
def test_jobposting_has_required_properties(kind):
    record = listing(
        id="lavoro", kind=kind, axes=["work"], published="2026-05-02", dates={"deadline": "2026-07-01"}
    )
    ctx = make_ctx([record])
    data = jsonld_of(render.listing_page(ctx.listings[0], ctx, model.listing_path("lavoro")).body)
    assert data["@type"] == "JobPosting"
    for key in ("title", "description", "datePosted", "hiringOrganization", "validThrough"):
        assert data[key]
    assert data.get("jobLocation") or data.get("applicantLocationRequirements")
    assert data["datePosted"] == "2026-05-02" and data["validThrough"] == "2026-07-01"
    assert dt.date.fromisoformat(data["validThrough"]) >= TODAY


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "volunteering", "published": "2026-05-02"},  # a volunteer role is no job
        {"kind": "job", "published": "2026-05-02", "status": "full"},  # filled: remove the posting
        {"kind": "internship"},  # no first publication date: datePosted unknown
    ],
)
def test_no_jobposting_for_what_is_not_an_open_position(changes):
    record = listing(id="lavoro", axes=["work"], **changes)
    ctx = make_ctx([record])
    page = render.listing_page(ctx.listings[0], ctx, model.listing_path("lavoro")).body
    assert "JobPosting" not in page


def test_event_has_required_properties_and_no_reserved_address():
    record = listing(
        id="festa",
        kind="community-event",
        axes=["social"],
        dates={"start": "2026-07-01", "end": "2026-07-02"},
        location={"name": "Cortile", "address": "Via Nascosta 3", "visibility": "zone-only"},
    )
    ctx = make_ctx([record])
    page = render.listing_page(ctx.listings[0], ctx, model.listing_path("festa")).body
    data = jsonld_of(page)
    assert data["@type"] == "Event"
    assert data["name"] and data["startDate"] == "2026-07-01" and data["location"]
    assert "Via Nascosta 3" not in json.dumps(data)


def test_jsonld_cannot_close_its_script():
    record = listing(
        id="x", kind="job", axes=["work"], published="2026-05-02", title="</script><script>alert(1)</script>"
    )
    ctx = make_ctx([record])
    data = jsonld.for_listing(ctx.listings[0], None, ctx.territory, ctx.labels, "https://e/", 180)
    tag = jsonld.script_tag(data)
    assert tag.count("</script>") == 1 and json.loads(tag[len('<script type="application/ld+json">') : -9])


def test_relative_links_resolve_from_each_page():
    assert model.rel("opportunita/x.md", "enti/y.md") == "../../enti/y/"
    assert model.rel("index.md", "opportunita/index.md") == "opportunita/"
    assert model.rel("catalogo/zona/a.md", "opportunita/b.md") == "../../../opportunita/b/"
    assert model.rel("dati-aperti.md", "dati/opportunita.csv") == "../dati/opportunita.csv"


def test_pages_have_no_absolute_internal_links():
    ctx = make_ctx()
    path = model.listing_path(ctx.listings[0]["id"])
    for page in (
        render.home(ctx).body,
        render.catalogue(ctx).body,
        render.listing_page(ctx.listings[0], ctx, path).body,
        render.partner_directory(ctx).body,
        render.open_data_page(ctx).body,
    ):
        for _tag, attrs in tags_of(page):
            href = attrs.get("href") or ""
            assert not href.startswith("/"), href


def test_facet_counts_follow_labels_order():
    ctx = make_ctx()
    counts = model.facet_counts(ctx.listings, ctx.labels)
    assert sum(n for _, n in counts["kind"]) == len(ctx.listings)
    kinds = [v for v, _ in counts["kind"]]
    assert kinds == [k for k in ctx.labels.kinds if k in kinds]


def test_guides_show_their_own_pictures_but_never_load_from_elsewhere():
    from bds.web.text import guide_html, markdown_html

    source = (
        "![schermata](../img/a.png) ![esterna](https://tracker.example/p.png) "
        "![radice](/x.png) ![protocollo](//cdn.example/y.png) ![script](javascript:alert(1))"
    )
    html = guide_html(source)
    assert html.count("<img") == 5
    assert 'src="../img/a.png"' in html
    assert html.count("src=") == 1  # the other four lose their address
    assert "<img" not in markdown_html(source)  # listings and partners never show images


HOSTILE = "<script>alert(1)</script> \"'><img src=x onerror=alert(1)> [x](javascript:alert(1)) & <b>"


def _markdown_of_engine(body: str) -> str:
    """What the engine's Markdown (extensions of mkdocs.yml) makes of a page body."""
    import markdown
    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(encoding="utf-8"))
    return markdown.Markdown(extensions=config["markdown_extensions"]).convert(body)


def _split(page_text: str) -> tuple[dict, str]:
    import yaml

    _, meta, body = page_text.split("---\n", 2)
    return yaml.safe_load(meta), body


def test_prerendered_pages_are_what_markdown_would_make_of_them():
    # The engine skips Markdown on pages flagged `bds_html`: only valid if Markdown would return
    # the HTML block unchanged, hostile text included.
    hostile = listing(
        title=HOSTILE,
        summary=HOSTILE,
        description=f"# {HOSTILE}\n\n{HOSTILE}\n\n- {HOSTILE}\n\n| a | b |\n| - | - |\n| {HOSTILE} | x |",
        schedule=HOSTILE,
    )
    ctx = make_ctx(
        [hostile] + [synthetic.listing(i, __import__("random").Random(i), 3, TODAY) for i in range(8)]
    )
    partner = next(iter(ctx.partners.values()))
    guide = {"title": HOSTILE, "summary": HOSTILE, "slug": "g", "body": f"## {HOSTILE}\n\nCPS e ASST.\n"}
    pages_ = [
        render.home(ctx),
        render.catalogue(ctx),
        render.listing_page(ctx.listings[0], ctx, model.listing_path(ctx.listings[0]["id"])),
        render.partner_page(partner, ctx, model.partner_path(str(partner["id"]))),
        render.partner_directory(ctx),
        render.guide_page(guide, ctx, "guide/g.md"),
        render.glossary_page(ctx),
        render.open_data_page(ctx),
    ]
    for page in pages_:
        meta, body = _split(engine.page_source(page))
        assert meta[engine.PRERENDERED_KEY] is True
        assert _markdown_of_engine(body) == body.strip()


def test_pages_opening_with_an_inline_tag_stay_markdown():
    text = engine.page_source(Page("Modulo", '<link rel="stylesheet" href="form.css">\n<div>x</div>'))
    meta, body = _split(text)
    assert engine.PRERENDERED_KEY not in meta
    assert _markdown_of_engine(body) != body.strip()  # why: Markdown wraps the <link> in <p>


@pytest.mark.parametrize(
    "licence,spdx",
    [
        ("CC BY 4.0", "CC-BY-4.0"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("CC0 1.0", "CC0-1.0"),
        ("IODL 2.0", "IODL-2.0"),
    ],
)
def test_the_territory_licence_is_stated_wherever_data_leaves(licence, spdx):
    from bds.web.preview import copyright_text

    ctx = make_ctx()
    ctx.territory["content_licence"] = licence
    package = json.loads(exports.datapackage(ctx))
    assert package["licenses"][0]["name"] == spdx and package["licenses"][0]["path"].startswith("https://")
    assert json.loads(exports.listings_json(ctx))["licenza"] == licence
    assert licence in copyright_text(ctx.territory)
    page = render.open_data_page(ctx).body
    links = [attrs.get("href") for tag, attrs in tags_of(page) if tag == "a"]
    assert package["licenses"][0]["path"] in links and licence in page


def test_an_unknown_licence_is_named_without_promises():
    ctx = make_ctx()
    ctx.territory["content_licence"] = "Licenza del Comune di Esempio"
    package = json.loads(exports.datapackage(ctx))
    assert package["licenses"] == [{"title": "Licenza del Comune di Esempio"}]
    page = render.open_data_page(ctx).body
    assert "Licenza del Comune di Esempio" in page
    assert not any("creativecommons" in (attrs.get("href") or "") for _, attrs in tags_of(page))
    cc_by = make_ctx()
    assert render.open_data_page(cc_by).body.count("commerciali") == 1
    assert "commerciali" not in page  # the reuse terms of CC BY are not claimed for another licence


def test_an_expansion_that_repeats_the_term_is_not_doubled():
    terms = [
        {"term": "Budget di Salute", "expansion": "Budget di Salute (BdS)", "definition": "Un progetto."},
        {"term": "CPS", "expansion": "Centro Psico Sociale", "definition": "Il servizio."},
    ]
    glossary = Glossary(terms)
    assert glossary.tooltip_text(0) == "Budget di Salute (BdS): Un progetto."
    assert glossary.tooltip_text(1) == "CPS (Centro Psico Sociale): Il servizio."
    ctx = SiteContext.create(synthetic.territory(), [], [], [], terms, TODAY)
    page = render.glossary_page(ctx).body
    assert re.search(
        r'<dt id="t-budget-di-salute">Budget di Salute <span class="bds-expansion">\(BdS\)</span></dt>', page
    )


def test_home_offers_the_three_paths():
    page = render.home(make_ctx()).body
    paths = re.findall(r'<li class="bds-path"><a href="([^"]+)">', page)
    assert len(paths) == 4 and paths[0] == "opportunita/"  # looking for an opportunity
    assert paths[1] == "cps/"  # the CPS of one's neighbourhood
    assert paths[2].startswith("guide/")  # understanding the Budget di Salute
    assert paths[3] not in paths[:3]  # partners and volunteers have a way of their own


def test_listing_page_shows_every_promised_fact():
    record = listing(
        id="tirocinio",
        kind="internship",
        axes=["work"],
        places=4,
        stipend=500,
        accessibility="Sede senza barriere, bagno accessibile.",
        access="via-case-manager",
        contact={"email": "info@ente.example", "phone": "02 1234"},
        reviewed="2026-05-20",
    )
    ctx = make_ctx([record])
    page = render.listing_page(ctx.listings[0], ctx, model.listing_path("tirocinio")).body
    labels = re.findall(r"<dt>([^<]+)</dt>", page)
    for label in ("Ente", "Quando", "Dove", "Per chi è", "Come si partecipa", "Posti", "Paga"):
        assert label in labels, label
    assert "Accessibilità" in labels and "Sede senza barriere" in page
    assert re.search(r'<p class="bds-reviewed">[^<]*20 maggio 2026</p>', page)
    assert 'href="mailto:info@ente.example"' in page
    assert '<div class="bds-print-card"><div class="bds-qr">' in page
    assert re.search(r'<h2 id="descrizione">', page) and 'class="bds-lead"' in page


_FACT_PIECES = list("ab &;<>\"'éè09.-+*_`\\[]!#()\t:/ ") + [
    "<br>",
    '<a href="../enti/x/">',
    "</a>",
    "<strong>",
    "</strong>",
    "&amp;",
    "&lt;",
    "1. ",
    "- ",
    "    ",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_FACT_PIECES), max_size=14))
def test_a_fact_read_as_text_is_what_markdown_gives(pieces):
    """The facts' hidden search sentence skips the Markdown converter for fragments it would leave as
    they are (text.fact_text): the same text as text.plain_text, whatever the fragment."""
    from bds.web import text

    fragment = "".join(pieces)
    assert text.fact_text.__wrapped__(fragment) == text.plain_text(fragment)


# Pieces of descriptions: prose, list items, paragraph breaks, and what Markdown reads as syntax.
_PROSE_PIECES = [
    "Un corso",
    "di cucina",
    " per tutti",
    "È aperto",
    "l'orto",
    "«insieme»",
    "(CPS)",
    "11 posti",
    "2026",
    "ß²",
    ",",
    ".",
    ":",
    ";",
    "?",
    "!",
    "—",
    "-",
    "/",
    "%",
    '"',
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n\n\n",
    "- ",
    "-  ",
    "* ",
    "+ ",
    "1. ",
    "1) ",
    "> ",
    "    ",
    "\t",
    "\r",
    "\u00a0",
    "# ",
    "---",
    "===",
    "*",
    "_",
    "`",
    "&",
    "&amp;",
    "<b>",
    "<",
    "|",
    "\\",
    "[a](b)",
    "![x](y)",
    "\u2028",
    "\u0301",
]
_PROSE_LINES = st.tuples(
    st.sampled_from(_PROSE_PIECES[:10]), st.lists(st.sampled_from(_PROSE_PIECES[:22]), max_size=5)
).map(lambda line: line[0] + "".join(line[1]))


@st.composite
def _descriptions(draw):
    """Mostly well-formed prose and lists, with any piece anywhere now and then."""
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        lines = draw(st.lists(_PROSE_LINES, min_size=1, max_size=3))
        if draw(st.booleans()):
            lines = ["- " + line for line in lines]
        blocks.append("\n".join(lines))
    text = draw(st.sampled_from(["\n\n", "\n\n\n", "\n"])).join(blocks)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_PROSE_PIECES)) + text[at:]
    return text


@settings(max_examples=4000, deadline=None)
@given(st.one_of(_descriptions(), st.lists(st.sampled_from(_PROSE_PIECES), max_size=16).map("".join)))
def test_prose_skips_the_converter_with_the_same_html(source):
    """Descriptions in plain prose and "- " lists skip the Markdown converter (text._prose_html): where
    they do, the HTML is what the converter and the sanitiser give, whatever the text."""
    from bds.web import text

    fast = text._prose_html(source)
    assert fast is None or fast == text.converted_html(source, 3)


def test_prose_and_lists_take_the_fast_path():
    """The shortcut is taken for what descriptions usually are (else the test above proves nothing),
    and refused for Markdown syntax; every description of the Milan content gives the converter's HTML."""
    from bds.content import Project, load_content
    from bds.web import text

    taken = [
        "Un corso di cucina.\nSi lavora in gruppo.",
        "Il programma:\n\n- igiene e sicurezza;\n- 11 ore di pratica.\n\nÈ gratuito (CPS).\n",
        "- uno\n- due",
    ]
    refused = [
        "- a\n\n- b",
        "Testo *importante*.",
        "1. primo",
        "a  \nb",
        "A &amp; B",
        "Titolo\n===",
        "    codice",
    ]
    for source in taken:
        assert text._prose_html(source) == text.converted_html(source, 3)
    for source in refused:
        assert text._prose_html(source) is None
    project = Project(Path(__file__).resolve().parents[1])
    content = load_content(project)
    sources = [
        doc.data.get("description", "") for kind in ("opportunity", "partner") for doc in content.valid(kind)
    ]
    assert len(sources) > 50
    for source in sources:
        assert text._markdown_html.__wrapped__(source, 3) == text.converted_html(source, 3)
