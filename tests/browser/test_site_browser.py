"""The built site in Debian Chromium: pages load, filters and search work, axe finds nothing, print fits A4,
XSS payloads stay inert, and no request leaves 127.0.0.1 (checked by the `page_at` fixture)."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bds.content import Project, load_content
from bds.web import build, synthetic
from conftest import AXE_TAGS, serve_directory

TODAY = "2026-06-01"
SUB_PATH = "bds/"  # the site is served from a sub-path: relative links must still work
UNIQUE_WORD = "zafferano"  # appears only in the description of SEARCH_TARGET
SEARCH_TARGET = "opportunita-00005"
LONGEST = "opportunita-lunghissima"
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]
XSS_TEXT = " ".join(XSS)


@pytest.fixture(scope="session")
def served_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="session")
def server(served_root):
    with serve_directory(served_root) as url:
        yield url + "/"


@pytest.fixture(scope="session")
def site_project(tmp_path_factory) -> Path:
    root = synthetic.write_project(
        tmp_path_factory.mktemp("browser-project"),
        listings=45,
        partners=6,
        today=dt.date.fromisoformat(TODAY),
    )
    path = root / "opportunities" / f"{SEARCH_TARGET}.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["description"] += f"\n\nIn autunno raccogliamo lo {UNIQUE_WORD} nell'orto."
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    # the longest listing the schema allows: its print card must still fit one A4 sheet
    longest = dict(record, id=LONGEST, title=fill("Laboratorio di ceramica e pittura", 120))
    longest.update(
        summary=fill("Un laboratorio per stare insieme", 200),
        description="\n\n".join(fill("Ogni settimana si lavora insieme con calma", 490) for _ in range(10)),
        schedule=fill("Il martedì e il giovedì pomeriggio", 300),
        accessibility=fill("Sede senza barriere e bagno accessibile", 600),
        audience=["cps-users", "families", "young-people", "citizens", "volunteers", "operators"],
        languages=["it", "en", "fr", "es", "ar", "zh"],
    )
    (root / "opportunities" / f"{LONGEST}.yml").write_text(
        yaml.safe_dump(longest, allow_unicode=True), encoding="utf-8"
    )
    return root


def fill(sentence: str, length: int) -> str:
    """`sentence` repeated up to exactly `length` characters, ending on a full stop."""
    text = ""
    while len(text) + len(sentence) + 2 <= length:
        text += sentence + ". "
    return (text.strip() + " " + "a" * length)[: length - 1].rstrip() + "."


@pytest.fixture(scope="session")
def site(site_project, served_root, server) -> str:
    """Build once per session (fixed --today) and return the base URL of the served site."""
    build.build_site(
        Project(site_project),
        served_root / SUB_PATH.strip("/"),
        dt.date.fromisoformat(TODAY),
        log=io.StringIO(),
    )
    return server + SUB_PATH


def hostile(value):
    """Every string of a record replaced or extended with XSS payloads (ids and dates excepted)."""
    if isinstance(value, dict):
        return {
            k: (
                v
                if k in ("id", "partner", "reviewed", "start", "end", "deadline", "visibility")
                else hostile(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [hostile(v) for v in value] + [XSS_TEXT]
    if isinstance(value, str):
        return f"{value} {XSS_TEXT}"
    return value


@pytest.fixture(scope="session")
def xss_site(tmp_path_factory, served_root) -> str:
    """A site whose first listing and first partner carry XSS payloads in every text field.

    The validator would reject them, so the content is loaded, poisoned and built without validation.
    """
    root = synthetic.write_project(
        tmp_path_factory.mktemp("xss-project"), listings=6, partners=2, today=dt.date.fromisoformat(TODAY)
    )
    content = load_content(Project(root))
    listing_doc = content.opportunities["opportunities/opportunita-00001.yml"]
    listing_doc.data = hostile(listing_doc.data)
    listing_doc.data["kind"] = "job"
    listing_doc.data["contact"]["url"] = "javascript:alert(1)"
    listing_doc.data["contact"]["email"] = 'x@y.it"><svg onload=alert(1)>'
    partner_doc = content.partners["content/partners/ente-001.yml"]
    partner_doc.data = hostile(partner_doc.data)
    partner_doc.data["contact"]["url"] = "javascript:alert(1)"
    for doc in (listing_doc, partner_doc):
        doc.findings = []
    territory = hostile(content.territory.data)
    for key, value in territory.items():
        if isinstance(value, list):  # keep the records, drop the bare strings hostile() appended
            territory[key] = [v for v in value if isinstance(v, dict)]
    territory["site_url"] = "https://bds.example/"
    content.territory.data = territory
    build.build_site(
        Project(root),
        Path(served_root) / "xss",
        dt.date.fromisoformat(TODAY),
        content=content,
        validate=False,
        log=io.StringIO(),
    )
    return "xss/"


@pytest.fixture
def page_at(browser):
    """page_at(width) -> a fresh page; the test fails if any request leaves 127.0.0.1."""
    contexts = []
    external: list[str] = []

    def make(width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="it-IT")
        contexts.append(context)
        page = context.new_page()

        def check(request):
            parsed = urlparse(request.url)
            if parsed.scheme in ("data", "blob", "about"):
                return
            if parsed.hostname != "127.0.0.1":
                external.append(request.url)

        page.on("request", check)
        return page

    yield make
    for context in contexts:
        context.close()
    assert external == [], f"requests left 127.0.0.1: {external}"


pytestmark = pytest.mark.browser

LISTING = "opportunita/opportunita-00002/"
PARTNER = "enti/ente-001/"
GUIDE = "guide/cos-e-il-budget-di-salute/"
PAGE_TYPES = [
    "",
    "opportunita/",
    LISTING,
    "enti/",
    PARTNER,
    "guide/",
    GUIDE,
    "glossario/",
    "dati-aperti/",
    "accessibilita/",
    "privacy/",
    "messaggi-del-validatore/",
    "catalogo/zona/zona-nord/",
]
AXE_PAGES = ["", "opportunita/", LISTING, PARTNER, GUIDE, "dati-aperti/"]


def open_page(page, url):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return failed


def test_every_page_type_loads(site, page_at):
    page = page_at()
    for path in PAGE_TYPES:
        failed = open_page(page, site + path)
        assert page.locator("h1").count() == 1, path
        assert failed == [], (path, failed)
        # every internal link of the page points inside the sub-path (relative links resolved by the browser)
        hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            if href.startswith("http://127.0.0.1"):
                assert "/bds/" in href, (path, href)


def test_not_found_page(site, page_at):
    page = page_at()
    page.goto(site + "404.html")
    assert "Pagina non trovata" in page.locator("h1").inner_text()


def visible_items(page) -> int:
    return page.locator(".bds-catalogue li.bds-item:visible").count()


def test_filters_change_the_list_and_the_url(site, page_at):
    page = page_at()
    page.goto(site + "opportunita/")
    total = visible_items(page)
    assert total > 10
    assert page.locator("#bds-browse").is_hidden()
    page.locator("#bds-facets summary").click()
    page.locator("#f-zona-zona-nord").check()
    filtered = visible_items(page)
    assert 0 < filtered < total
    assert "zona=zona-nord" in page.url
    page.locator("#f-tipo-housing").check()
    both = visible_items(page)
    assert both <= filtered and "tipo=housing" in page.url
    counted = page.locator('[data-count-for="tipo:housing"]').inner_text()
    assert counted == f"({both})"
    # the URL carries the state: a shared link opens with the same filters
    shared = page.url
    other = page_at()
    other.goto(shared)
    assert other.locator("#f-zona-zona-nord").is_checked()
    assert visible_items(other) == both
    page.locator("#f-aperte").check()
    assert "aperte=1" in page.url
    page.get_by_role("button", name="Togli i filtri").click()
    page.wait_for_function(
        f"document.querySelectorAll('.bds-catalogue li.bds-item:not([hidden])').length == {total}"
    )
    assert "?" not in page.url


def test_catalogue_without_javascript_has_grouped_lists(site, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "opportunita/")
        assert page.locator("#bds-filters").is_hidden()
        assert page.locator("#bds-browse").is_visible()
        assert page.locator("section.bds-group h2").count() >= 3
        page.locator("#bds-browse a", has_text="Zona Nord").click()
        assert page.url.endswith("catalogo/zona/zona-nord/")
        assert page.locator("li.bds-item").count() > 0
    finally:
        context.close()


def test_search_finds_a_listing_by_a_word_of_its_description(site, page_at):
    page = page_at()
    page.goto(site + "opportunita/")
    page.locator("#bds-q").fill(UNIQUE_WORD.capitalize())
    page.wait_for_function(
        "document.querySelectorAll('.bds-catalogue li.bds-item:not([hidden])').length == 1"
    )
    assert page.locator(".bds-catalogue li.bds-item:visible").get_attribute("data-id") == SEARCH_TARGET
    assert f"cerca={UNIQUE_WORD.capitalize()}" in page.url


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations(site, page_at, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = page_at(width)
    problems = {}
    for path in AXE_PAGES:
        page.goto(site + path)
        result = axe.run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        )
        if result.violations_count:
            problems[path or "home"] = [
                (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]
            ]
    assert problems == {}


def test_glossary_tooltip_on_focus_and_escape(site, page_at):
    page = page_at()
    page.goto(site + GUIDE)
    term = page.locator(".bds-term abbr").first
    tip = page.locator(".bds-term .bds-tip").first
    assert tip.bounding_box()["width"] <= 1
    term.focus()
    assert tip.bounding_box()["width"] > 20
    page.keyboard.press("Escape")
    assert tip.bounding_box()["width"] <= 1
    term.evaluate("el => el.blur()")
    page.mouse.move(0, 0)
    assert tip.bounding_box()["width"] <= 1
    term.hover()  # the mouse shows it too, without focus
    assert tip.bounding_box()["width"] > 20
    page.mouse.move(0, 0)
    assert tip.bounding_box()["width"] <= 1


def test_partner_directory_filters_by_type_zone_and_peer_support(site, page_at):
    page = page_at()
    page.goto(site + "enti/")
    items = page.locator(".bds-partners li.bds-item")
    total = items.count()
    assert total > 2 and page.locator("#bds-partner-filters").is_visible()

    def shown() -> list[dict]:
        return page.eval_on_selector_all(
            ".bds-partners li.bds-item:not([hidden])",
            "els => els.map(e => ({t: e.dataset.t, z: e.dataset.z.split(' '), e: e.dataset.e}))",
        )

    kind = items.first.get_attribute("data-t")
    page.locator("#pf-tipo").select_option(kind)
    assert shown() and all(p["t"] == kind for p in shown()) and "tipo=" in page.url
    page.locator("#pf-tipo").select_option("")
    zone = page.locator("#pf-zona option").nth(1).get_attribute("value")
    page.locator("#pf-zona").select_option(zone)
    assert 0 < len(shown()) < total and all(zone in p["z"] for p in shown())
    assert f"zona={zone}" in page.url
    page.locator("#pf-zona").select_option("")
    page.locator("#pf-esp").check()
    assert shown() and all(p["e"] == "1" for p in shown()) and "esp=1" in page.url
    other = page_at()
    other.goto(page.url)  # the state travels in the URL
    assert other.locator("#pf-esp").is_checked()
    assert other.locator(".bds-partners li.bds-item:not([hidden])").count() == len(shown())


@pytest.mark.parametrize("listing", [LISTING, f"opportunita/{LONGEST}/"])
def test_listing_prints_on_one_a4_page(site, page_at, listing):
    page = page_at()
    page.goto(site + listing)
    page.emulate_media(media="print")
    assert page.locator(".bds-print-card svg").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


class Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            if (
                name in ("href", "src", "action", "formaction", "xlink:href")
                and value
                and re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:text/html"))
            ):
                self.bad.append(f"<{tag} {name}={value}>")
        if tag in ("img", "iframe", "object", "embed"):
            self.bad.append(f"<{tag}>")


def test_xss_payloads_stay_inert(site, xss_site, served_root, page_at):
    root = Path(served_root) / "xss"
    for html in sorted(root.rglob("*.html")):
        parser = Attributes()
        parser.feed(html.read_text(encoding="utf-8"))
        assert parser.bad == [], (html.relative_to(root).as_posix(), parser.bad[:5])
        text = html.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in text
    base = site.replace("bds/", xss_site)
    page = page_at()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in (
        "",
        "opportunita/",
        "opportunita/opportunita-00001/",
        "enti/",
        "enti/ente-001/",
        "dati-aperti/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("load")
        hrefs = page.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    page.goto(base + "opportunita/")
    page.locator("#bds-q").fill("alert")
    page.wait_for_timeout(300)
    assert dialogs == []
