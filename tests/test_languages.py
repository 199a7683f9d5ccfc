"""The site in several languages (issue 14): Milan declares `languages: [it, en, ar, zh, es]`.

Italian stays at `/`, each other language at `/<code>/` with its own home, guides, glossary, catalogue and
form; `<html lang>` (and `dir="rtl"` in Arabic), a switcher on every page, hreflang alternates, a sitemap per
language; unreviewed translations say so; Italian guides link to their easy version (/guide/facile/<slug>/);
a territory in Italian only shows no switcher. The browser tests walk the home, a guide, the catalogue and the
form in every language at 375 and 1280 px: 0 axe violations, no sideways scrolling, the switcher works with
the keyboard, and the header search finds a word of each language. Screenshots go to /tmp/languages/.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import re
from pathlib import Path

import pytest
from bds.content import Project
from bds.web import build, languages
from conftest import AXE_TAGS, JOURNEY_SIZES, REPO, serve_directory

TODAY = "2026-12-01"
OTHERS = ["en", "ar", "zh", "es"]
GUIDE = "come-accedere"  # translated into every language, with an easy version
UNTRANSLATED = "protezione-dati"  # Italian only
TRANSLATED_LISTING = "tirocinio-biblioteca-brera"
SHOTS = Path(os.environ.get("BDS_LANGUAGE_SHOTS", "/tmp/languages"))
# A word of each language's translated guides, for the header search.
SEARCH_WORDS = {"en": "neighbourhood", "es": "barrio", "ar": "ميزانية", "zh": "预算"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("languages") / "site"
    build.build_site(Project(REPO), out, dt.date.fromisoformat(TODAY), log=io.StringIO())
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def pages_of(site: Path, code: str) -> list[str]:
    """The page files of one language (relative to the whole site)."""
    root = site / languages.prefix(code)
    found = []
    for page in sorted(root.rglob("index.html")):
        relative = page.relative_to(site).as_posix()
        if code == "it" and relative.split("/", 1)[0] in OTHERS:
            continue
        found.append(relative)
    return found


def switcher_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="bds-languages"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no language switcher"
    return {code: href for href, code in re.findall(r'<a href="([^"]*)" lang="([\w-]+)"', nav.group(1))}


def resolve(page: str, href: str) -> str:
    """The file an href of `page` (site-relative path of an index.html) leads to."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
    return (target + "/index.html").lstrip("./") if not target.endswith(".html") else target


# -- the build ------------------------------------------------------------------------------------


def test_every_language_has_its_site_with_lang_and_direction(site):
    for code in ["it", *OTHERS]:
        for page in (
            "index.html",
            f"guide/{GUIDE}/index.html",
            "opportunita/index.html",
            "proponi/index.html",
            "glossario/index.html",
        ):
            html = read(site, languages.prefix(code) + page)
            head = re.search(r"<html[^>]*>", html).group(0)
            assert f'lang="{code}"' in head, (code, page, head)
            assert ('dir="rtl"' in head) == (code == "ar"), (code, page, head)
    # the interface is in the language (English catalogue exists), the guides are the translations
    assert "Budget di Salute" in read(site, f"en/guide/{GUIDE}/index.html")
    assert not (site / f"en/guide/{UNTRANSLATED}/index.html").exists()


def test_coordinators_pages_stay_italian_and_are_linked(site):
    for code in OTHERS:
        assert not (site / code / "dati-aperti" / "index.html").exists()
        assert not (site / code / "messaggi-del-validatore").exists()
        assert not (site / code / "dati").exists()
        html = read(site, f"{code}/opportunita/index.html")
        for href in re.findall(r'href="([^"]*dati-aperti/)"', html):
            if href.startswith("http"):
                assert href == "https://bds-milano.example/dati-aperti/"
            else:
                assert (site / resolve(f"{code}/opportunita/index.html", href)).is_file(), href


def test_hreflang_alternates_both_ways(site):
    italian = read(site, f"guide/{GUIDE}/index.html")
    english = read(site, f"en/guide/{GUIDE}/index.html")
    for html in (italian, english):
        found = dict(re.findall(r'<link rel="alternate " hreflang="([\w-]+)" href="([^"]+)">', html))
        assert found["it"] == found["x-default"] == f"https://bds-milano.example/guide/{GUIDE}/"
        for code in OTHERS:
            assert found[code] == f"https://bds-milano.example/{code}/guide/{GUIDE}/"
    # an Italian-only guide names no translation
    alone = read(site, f"guide/{UNTRANSLATED}/index.html")
    assert re.findall(r'hreflang="([\w-]+)" href', alone) == ["it", "x-default"]


def test_each_language_has_its_sitemap(site):
    for code in ["it", *OTHERS]:
        sitemap = read(site, languages.prefix(code) + "sitemap.xml")
        urls = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        base = "https://bds-milano.example/" + languages.prefix(code)
        assert urls and all(u.startswith(base) for u in urls), code
        if code == "it":
            assert not any(re.match(rf"{base}(en|ar|zh|es)/", u) for u in urls)
        assert len(urls) == len(pages_of(site, code)), code


def test_switcher_on_every_page_reaches_the_same_page(site):
    for code in ["it", *OTHERS]:
        for page in pages_of(site, code):
            html = read(site, page)
            links = switcher_links(html)
            assert list(links) == ["it", *OTHERS], page
            own = page[len(languages.prefix(code)) :]
            for other, href in links.items():
                target = resolve(page, href)
                assert (site / target).is_file(), (page, other, href)
                if (site / languages.prefix(other) / own).is_file():
                    assert target == languages.prefix(other) + own, (page, other, href)
                else:
                    assert target == languages.prefix(other) + "index.html", (page, other, href)
            assert (
                f'lang="{code}" hreflang="{code}" dir="{languages.direction(code)}" aria-current="page"'
                in html
            )


def test_unreviewed_translation_says_so_and_links_to_italian(site):
    for code in OTHERS:
        page = f"{code}/guide/{GUIDE}/index.html"
        html = read(site, page)
        note = re.search(r'<p class="bds-translation-note" role="note">(.*?)</p>', html, re.S)
        assert note, code
        href = re.search(r'href="([^"]+)" hreflang="it"', note.group(1)).group(1)
        assert resolve(page, href) == f"guide/{GUIDE}/index.html"
    assert "bds-translation-note" not in read(site, f"guide/{GUIDE}/index.html")


def test_italian_guides_link_their_easy_version(site):
    page = f"guide/{GUIDE}/index.html"
    html = read(site, page)
    href = re.search(r'<p class="bds-easy-link"><a href="([^"]+)">Leggi in modo facile</a>', html).group(1)
    assert resolve(page, href) == f"guide/facile/{GUIDE}/index.html"
    easy = read(site, f"guide/facile/{GUIDE}/index.html")
    assert '<html lang="it"' in easy and "Da dove si parte?" in easy
    assert "bds-easy-link" not in read(site, f"en/guide/{GUIDE}/index.html")


def test_every_italian_guide_reaches_the_easy_guides(site):
    """A guide without an easy version of its own points to the list of easy guides on the guides page."""
    page = f"guide/{UNTRANSLATED}/index.html"
    href = re.search(
        r'<p class="bds-easy-link"><a href="([^"]+)">Guide in italiano facile</a>', read(site, page)
    )
    assert href and href.group(1).endswith("#facile")
    index = read(site, "guide/index.html")
    listed = re.search(r'<h2 id="facile">.*?</ul>', index, re.DOTALL).group(0)
    targets = {resolve("guide/index.html", h) for h in re.findall(r'href="([^"]+)"', listed)}
    assert f"guide/facile/{GUIDE}/index.html" in targets and len(targets) == 6


def test_a_listing_shows_its_translation(site):
    english = read(site, f"en/opportunita/{TRANSLATED_LISTING}/index.html")
    assert "<h1>Internship in a library and an art space</h1>" in english
    assert '<div class="bds-description" lang="it">' in english  # its own text stays Italian
    assert "Internship in a library" in read(site, "en/opportunita/index.html")
    assert "在图书馆和艺术空间实习" in read(site, f"zh/opportunita/{TRANSLATED_LISTING}/index.html")
    italian = read(site, f"opportunita/{TRANSLATED_LISTING}/index.html")
    assert "Internship" not in italian and "<h1>Tirocinio in una biblioteca" in italian


def test_each_language_has_its_own_stop_words(site):
    stop = re.search(r'data-stop="([^"]*)"', read(site, "en/opportunita/index.html")).group(1).split()
    assert "the" in stop and "della" not in stop
    stop = re.search(r'data-stop="([^"]*)"', read(site, "opportunita/index.html")).group(1).split()
    assert "della" in stop


def test_a_territory_in_italian_only_has_no_switcher(tmp_path):
    out = tmp_path / "site"
    build.build_site(
        Project(REPO / "tests" / "territories" / "franciacorta"),
        out,
        dt.date.fromisoformat(TODAY),
        log=io.StringIO(),
    )
    for page in ("index.html", "opportunita/index.html"):
        html = read(out, page)
        assert "bds-languages" not in html and "hreflang" not in html
    assert not (out / "en").exists() and not (out / "guide" / "facile").exists()
    assert not (out / "assets" / "bds-languages.css").exists()


# -- in the browser -------------------------------------------------------------------------------

PAGES = {"home": "", "guide": f"guide/{GUIDE}/", "catalogue": "opportunita/", "form": "proponi/"}


@pytest.fixture(scope="module")
def served(site):
    with serve_directory(site) as url:
        yield url + "/"


def _axe(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    result = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]
    assert problems == [], (name, page.url, problems)


@pytest.mark.browser
@pytest.mark.parametrize("size", list(JOURNEY_SIZES))
@pytest.mark.parametrize("code", ["it", *OTHERS])
def test_pages_are_accessible_and_fit(open_page, served, code, size):
    page = open_page(size)
    for name, path in PAGES.items():
        page.goto(served + languages.prefix(code) + path)
        _axe(page, f"{code}-{name}-{size}")
        width, room = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width <= room, (code, name, size, width, room)


@pytest.mark.browser
@pytest.mark.parametrize("code", OTHERS)
def test_switcher_works_with_the_keyboard(open_page, served, code):
    page = open_page("laptop")
    page.goto(served + f"guide/{GUIDE}/")
    link = page.locator(f'.bds-languages a[lang="{code}"]')
    for _ in range(40):  # Tab from the top until the link has the focus
        page.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            break
    else:
        pytest.fail(f"the {code} link never takes the focus")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{code}/guide/{GUIDE}/")
    assert page.evaluate("document.documentElement.lang") == code


@pytest.mark.browser
@pytest.mark.parametrize("code", OTHERS)
def test_header_search_finds_a_word_of_the_language(open_page, served, code):
    page = open_page("laptop")
    page.goto(served + f"{code}/")
    field = page.locator(".md-search__input")
    field.click()
    field.fill(SEARCH_WORDS[code])
    results = page.locator(".md-search-result__item")
    for _ in range(3):  # Material searches on a key press, once its index is loaded
        page.keyboard.press("End")
        try:
            results.first.wait_for(timeout=5000)
            break
        except Exception:
            continue
    assert results.count() > 0, (code, page.locator(".md-search-result__meta").inner_text())
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__link").all()]
    assert any(f"/{code}/" in (h or "") for h in hrefs), hrefs


@pytest.mark.browser
def test_screenshots_arabic_home_and_chinese_guide(open_page, served):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page("phone")
    page.goto(served + "ar/")
    page.screenshot(path=str(SHOTS / "ar-home-375.png"), full_page=True)
    page.goto(served + f"zh/guide/{GUIDE}/")
    page.screenshot(path=str(SHOTS / "zh-guide-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.lang") == "zh"


def test_a_link_to_an_untranslated_guide_leads_to_the_italian_one(site):
    page = "en/guide/cos-e-il-budget-di-salute/index.html"
    hrefs = re.findall(r'<a href="([^"]*i-tre-assi/)"', read(site, page))
    assert hrefs and all(resolve(page, h) == "guide/i-tre-assi/index.html" for h in hrefs)
