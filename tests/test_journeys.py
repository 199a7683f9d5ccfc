"""People finish their tasks (issue 13): the shipped site walked from the home page, on a phone (375x812,
touch) and on a laptop (1280x900), with the pointer and with the keyboard only. Every page visited has
0 axe violations; with the keyboard, focus is always on screen. Screenshots go to /tmp/journeys/.

1. A mother looks for the CPS of her neighbourhood (phone and hours) and for family-support listings.
2. A man followed in Municipio 9 types «Affori», finds a paid internship open now and reads what it pays.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from bds.content import Project
from bds.web import build
from conftest import AXE_TAGS, JOURNEY_SIZES, REPO, serve_directory

pytestmark = pytest.mark.browser

TODAY = "2026-12-01"
SIZES = JOURNEY_SIZES
SHOTS = Path(os.environ.get("BDS_JOURNEY_SHOTS", "/tmp/journeys"))
STEPS: dict[str, int] = {}  # journey -> taps or keys, printed at the end (pytest -s)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("journeys") / "site"
    build.build_site(Project(REPO), out, dt.date.fromisoformat(TODAY), log=io.StringIO())
    with serve_directory(out) as url:
        yield url + "/"


def axe_clean(page, name: str):
    """0 axe violations on the page as it is now; a screenshot to look at."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    result = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]
    assert problems == [], (name, page.url, problems)


class Pointer:
    """Taps on a phone, clicks on a laptop; counts them."""

    def __init__(self, page, size: str):
        self.page, self.phone, self.count = page, size == "phone", 0

    def hit(self, locator):
        locator.scroll_into_view_if_needed()
        locator.tap() if self.phone else locator.click()
        self.count += 1

    def type(self, locator, text: str):
        self.hit(locator)
        locator.press_sequentially(text)
        self.count += 1  # typing a word counts as one step


class Keys:
    """Keyboard only: counts every key press; after each Tab, focus must be visible on screen."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str):
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text: str):
        self.page.keyboard.type(text)
        self.count += 1  # a word counts as one step, like a tap on the field

    def focused(self) -> dict:
        return self.page.evaluate(
            """() => { const e = document.activeElement, r = e.getBoundingClientRect();
                 return {tag: e.tagName, id: e.id, text: (e.textContent || '').trim().slice(0, 80),
                         href: e.getAttribute('href') || '', label: e.getAttribute('aria-label') || '',
                         x: r.left, y: r.top, w: r.width, h: r.height,
                         vw: innerWidth, vh: innerHeight,
                         hidden: !!e.closest('[hidden], [aria-hidden="true"]') ||
                                 getComputedStyle(e).visibility === 'hidden'} }"""
        )

    def tab_to(self, matches, limit: int = 90) -> dict:
        for _ in range(limit):
            self.press("Tab")
            now = self.focused()
            if now["tag"] == "BODY":
                continue
            on_screen = now["w"] > 0 and now["h"] > 0 and now["x"] + now["w"] > 0 and now["x"] < now["vw"]
            assert on_screen and not now["hidden"], ("focus out of sight", now)
            if matches(now):
                return now
        raise AssertionError("never reached by Tab")


def mother_pointer(page, size, site):
    you = Pointer(page, size)
    page.goto(site)
    axe_clean(page, f"j1-{size}-pointer-1-home")
    you.hit(page.get_by_role("link", name="Trova il CPS della tua zona"))
    page.wait_for_url(re.compile(r"/cps/"))
    axe_clean(page, f"j1-{size}-pointer-2-cps")
    you.type(page.get_by_label("Scrivi il tuo quartiere o la tua zona"), "citta studi")
    you.hit(page.get_by_role("button", name="Trova"))
    card = page.locator("#bds-cps-cards .bds-cps")
    assert card.count() == 1
    assert "CPS Crescenzago" in page.locator("#bds-cps-answer").inner_text()
    phone = card.locator('a[href^="tel:"]')
    assert phone.inner_text() == "02 0000 1102" and phone.is_visible()
    assert "dal lunedì al venerdì" in card.inner_text() and "Come avere un appuntamento" in card.inner_text()
    assert card.locator(".bds-badge--example").is_visible()  # invented contacts say so
    axe_clean(page, f"j1-{size}-pointer-3-cps-found")
    assert page.locator("#aiuto-urgente").count() == 1 and "116117" in page.content()
    # family support: home -> «Sono un familiare» -> the guide's link to the family-support listings
    page.goto(site)
    you.count += 1  # back to the home page (Back, or the «Home» tab)
    you.hit(page.get_by_role("link", name="Sono un familiare"))
    page.wait_for_url(re.compile(r"/guide/per-le-famiglie/"))
    axe_clean(page, f"j1-{size}-pointer-4-guide")
    you.hit(page.get_by_role("link", name="Vedi le proposte di sostegno ai familiari"))
    page.wait_for_url(re.compile(r"tipo=family-support"))
    visible = page.locator(".bds-catalogue li.bds-item:visible")
    assert visible.count() >= 3
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.k)")) == {"family-support"}
    axe_clean(page, f"j1-{size}-pointer-5-family-listings")
    you.hit(visible.first.locator("a").first)
    page.wait_for_url(re.compile(r"/opportunita/[a-z0-9-]+/$"))
    assert page.locator("h2#contatti").is_visible() or page.locator("h2#contatti").count() == 1
    axe_clean(page, f"j1-{size}-pointer-6-listing")
    return you.count


def mother_keyboard(page, size, site):
    keys = Keys(page)
    page.goto(site)
    axe_clean(page, f"j1-{size}-keys-1-home")
    first = keys.tab_to(lambda f: True)
    assert first["text"] == "Vai al contenuto"  # the first Tab stop is the skip link
    keys.press("Enter")
    keys.tab_to(lambda f: f["text"] == "Trova il CPS della tua zona")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/cps/"))
    keys.press("Tab")  # the skip link
    keys.press("Enter")
    keys.tab_to(lambda f: f["id"] == "bds-cps-q")
    keys.type("Città Studi")
    keys.press("Enter")
    card = page.locator("#bds-cps-cards .bds-cps")
    assert card.count() == 1 and card.locator('a[href="tel:+390200001102"]').is_visible()
    assert "dal lunedì al venerdì" in card.inner_text()
    axe_clean(page, f"j1-{size}-keys-2-cps-found")
    keys.tab_to(lambda f: f["href"].startswith("tel:"))  # the phone number is reachable and visible
    return keys.count


def man_pointer(page, size, site):
    you = Pointer(page, size)
    page.goto(site)
    you.hit(page.get_by_role("link", name="Cerco un'opportunità"))
    page.wait_for_url(re.compile(r"/opportunita/$"))
    axe_clean(page, f"j2-{size}-pointer-1-catalogue")
    you.type(page.get_by_label("Cerca tra le opportunità"), "Affori")
    you.hit(page.locator('label[for="f-aperte"]'))
    you.hit(page.locator("#bds-facets > summary"))
    you.hit(page.locator('label[for="f-tipo-internship"]'))
    you.hit(page.locator('label[for="f-tipo-job"]'))
    jump = page.locator(".bds-jump")
    assert re.fullmatch(r"Vedi \d+ risultat[oi]", jump.inner_text())
    you.hit(jump)  # on a phone the results are below the filters
    page.wait_for_function("document.querySelector('#bds-result').textContent.includes('trovat')")
    visible = page.locator(".bds-catalogue li.bds-item:visible")
    ids = visible.evaluate_all("els => els.map(e => e.dataset.id)")
    assert "tirocinio-risocializzante-orto" in ids
    assert all(z == "municipio-9" for z in visible.evaluate_all("els => els.map(e => e.dataset.z)"))
    assert (
        "Indennità € 300 al mese" in page.locator('li[data-id="tirocinio-risocializzante-orto"]').inner_text()
    )
    axe_clean(page, f"j2-{size}-pointer-2-filtered")
    you.hit(page.locator('li[data-id="tirocinio-risocializzante-orto"] > a'))
    page.wait_for_url(re.compile(r"/tirocinio-risocializzante-orto/$"))
    facts = listing_facts(page)
    assert facts["Paga"] == "Indennità di € 300 al mese"
    assert facts["Costo per te"].startswith("Nessuno")
    assert facts["Posti"] == "3 posti" and facts["Stato"] == "Aperta"
    assert facts["Quando"].startswith("Da lunedì 11 gennaio 2027")
    axe_clean(page, f"j2-{size}-pointer-3-listing")
    # back to the catalogue as he left it
    you.hit(page.get_by_role("link", name="Torna al catalogo"))
    page.wait_for_url(re.compile(r"/opportunita/\?"))
    assert "tipo=internship" in page.url and page.locator("#bds-q").input_value() == "Affori"
    assert not page.locator("#__search").is_checked()  # the header search stays closed
    return you.count - 1  # the way back is not part of reaching the goal


def man_keyboard(page, size, site):
    keys = Keys(page)
    page.goto(site)
    keys.press("Tab")
    keys.press("Enter")  # skip link
    keys.tab_to(lambda f: f["text"] == "Cerco un'opportunità")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/opportunita/$"))
    keys.press("Tab")
    keys.press("Enter")  # skip link
    keys.tab_to(lambda f: f["id"] == "bds-q")
    keys.type("Affori")
    keys.tab_to(lambda f: f["id"] == "f-aperte")
    keys.press("Space")
    keys.tab_to(lambda f: f["tag"] == "SUMMARY")
    keys.press("Enter")
    keys.tab_to(lambda f: f["id"] == "f-tipo-internship")
    keys.press("Space")
    keys.tab_to(lambda f: f["id"] == "f-tipo-job")
    keys.press("Space")
    keys.tab_to(lambda f: "bds-jump" in page.evaluate("document.activeElement.className"))
    keys.press("Enter")
    keys.tab_to(lambda f: f["href"].endswith("tirocinio-risocializzante-orto/"))
    axe_clean(page, f"j2-{size}-keys-1-filtered")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/tirocinio-risocializzante-orto/$"))
    facts = listing_facts(page)
    assert facts["Paga"] == "Indennità di € 300 al mese" and facts["Costo per te"].startswith("Nessuno")
    axe_clean(page, f"j2-{size}-keys-2-listing")
    return keys.count


def listing_facts(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.bds-listing .bds-facts dt')]
             .map(dt => [dt.textContent.trim(),
                         dt.nextElementSibling.innerText.trim().replace(/\\s+/g, ' ')]))"""
    )


JOURNEYS = {
    ("mother", "pointer"): mother_pointer,
    ("mother", "keys"): mother_keyboard,
    ("man", "pointer"): man_pointer,
    ("man", "keys"): man_keyboard,
}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("who,mode", sorted(JOURNEYS))
def test_journey(site, open_page, who, mode, size):
    page = open_page(size)
    steps = JOURNEYS[(who, mode)](page, size, site)
    STEPS[f"{who}-{mode}-{size}"] = steps
    print(f"\n{who} {mode} {size}: {steps} {'taps' if mode == 'pointer' else 'keys'}")


def test_mother_without_javascript_finds_her_cps_in_the_plain_list(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site)
        page.get_by_role("link", name="Trova il CPS della tua zona").click()
        page.wait_for_url(re.compile(r"/cps/"))
        assert not page.locator("#bds-cps-finder").is_visible()  # the finder needs JavaScript
        page.locator('#bds-areas a[href="#cps-niguarda"]', has_text="Affori").click()
        card = page.locator("section#cps-niguarda")
        assert card.locator('a[href="tel:+390200001101"]').is_visible()
        assert "dal lunedì al venerdì" in card.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "j1-phone-nojs-cps-card.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 375, 640])
def test_glossary_explanation_fits_the_screen_and_closes_with_a_tap_elsewhere(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 700}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(site)
        term = page.locator(".bds-lead .bds-term", has_text="CPS").first
        tip = term.locator(".bds-tip")
        assert tip.get_attribute("aria-hidden") == "true"  # read on focus (aria-describedby), not inline
        term.locator("abbr").tap()
        box = tip.bounding_box()
        assert box["width"] > 100 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") == width  # the page does not widen
        page.screenshot(path=str(SHOTS / f"tip-{width}-open.png"))
        page.locator("h1").tap()
        assert tip.bounding_box()["width"] <= 1
    finally:
        context.close()


@pytest.mark.parametrize("words", ["tirocinio", "cucina", "Affori"])
def test_header_search_returns_listings_first(site, open_page, words):
    page = open_page("laptop")
    page.goto(site)
    field = page.locator(".md-search__input")
    field.click()
    # the search worker builds its index first (slow on a busy machine): type when it is ready
    page.wait_for_function(
        "!document.querySelector('.md-search-result__meta').textContent.includes('Inizializza')",
        timeout=60000,
    )
    field.press_sequentially(words)
    first = page.locator(".md-search-result__item > a").first
    first.wait_for(timeout=20000)
    assert "/opportunita/" in first.get_attribute("href"), first.get_attribute("href")
    assert "Scheda di esempio" not in first.inner_text()  # the badge stays out of the snippet


def test_header_search_with_no_result_says_what_to_try(site, open_page):
    page = open_page("phone")
    page.goto(site)
    page.locator('label.md-header__button[for="__search"]').tap()
    page.keyboard.type("zzzzqq")
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('Prova')")
    assert "tirocinio" in meta.inner_text()


def volunteer_pointer(page, size, site):
    """Journey 3: a citizen finds a community event and adds it to the calendar of the phone."""
    import icalendar

    you = Pointer(page, size)
    page.goto(site)
    you.hit(page.get_by_role("link", name="Cerco un'opportunità"))
    page.wait_for_url(re.compile(r"/opportunita/$"))
    you.hit(page.locator("#bds-facets > summary"))
    you.hit(page.locator('label[for="f-tipo-community-event"]'))
    you.hit(page.locator(".bds-jump"))
    visible = page.locator(".bds-catalogue li.bds-item:visible")
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.k)")) == {"community-event"}
    axe_clean(page, f"j3-{size}-pointer-1-events")
    you.hit(visible.first.locator("a").first)
    page.wait_for_url(re.compile(r"/opportunita/[a-z0-9-]+/$"))
    title = page.locator("h1").inner_text()
    axe_clean(page, f"j3-{size}-pointer-2-listing")
    with page.expect_download() as download:
        you.hit(page.get_by_role("link", name="Aggiungi al calendario"))
    path = download.value.path()
    events = [c for c in icalendar.Calendar.from_ical(Path(path).read_bytes()).walk("VEVENT")]
    assert len(events) == 1 and str(events[0]["summary"]) == title
    assert download.value.suggested_filename.endswith(".ics")
    return you.count


@pytest.mark.parametrize("size", sorted(SIZES))
def test_volunteer_adds_a_community_event_to_the_calendar(site, open_page, size):
    steps = volunteer_pointer(open_page(size), size, site)
    print(f"\nvolunteer pointer {size}: {steps} taps")


def volunteer_keyboard(page, size, site):
    """Journey 3 with the keyboard only: the events filter, a listing, its calendar file."""
    import icalendar

    keys = Keys(page)
    page.goto(site)
    keys.press("Tab")
    keys.press("Enter")  # skip link
    keys.tab_to(lambda f: f["text"] == "Cerco un'opportunità")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/opportunita/$"))
    keys.press("Tab")
    keys.press("Enter")  # skip link
    keys.tab_to(lambda f: f["tag"] == "SUMMARY")
    keys.press("Enter")
    keys.tab_to(lambda f: f["id"] == "f-tipo-community-event")
    keys.press("Space")
    keys.tab_to(lambda f: "bds-jump" in page.evaluate("document.activeElement.className"))
    keys.press("Enter")
    visible = page.locator(".bds-catalogue li.bds-item:visible")
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.k)")) == {"community-event"}
    first = visible.first.locator("a").first.get_attribute("href")
    keys.tab_to(lambda f: f["href"] == first, limit=200)
    axe_clean(page, f"j3-{size}-keys-1-events")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/opportunita/[a-z0-9-]+/$"))
    title = page.locator("h1").inner_text()
    keys.tab_to(lambda f: f["text"].startswith("Aggiungi al calendario"))
    axe_clean(page, f"j3-{size}-keys-2-listing")
    with page.expect_download() as download:
        keys.press("Enter")
    events = list(icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["summary"]) == title
    return keys.count


@pytest.mark.parametrize("size", sorted(SIZES))
def test_volunteer_adds_a_community_event_to_the_calendar_with_the_keyboard(site, open_page, size):
    steps = volunteer_keyboard(open_page(size), size, site)
    print(f"\nvolunteer keys {size}: {steps} keys")
