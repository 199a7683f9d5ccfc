"""The catalogue's search box and the CPS finder in every script (bds.js): on /zh/ a Chinese word of a
translated listing's title narrows the catalogue (matched as a substring: Chinese has no spaces between
words), on /ar/ an Arabic word does with or without its diacritics (tashkeel) and tatweel, on /zh/cps/ the
finder still finds an Italian area name, and the Italian catalogue still finds «tirocinio»."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from bds.content import Project
from bds.web import build
from conftest import REPO, serve_directory

pytestmark = pytest.mark.browser

TODAY = "2026-12-01"
LISTING = "tirocinio-biblioteca-brera"  # translated into en, ar, zh, es (content/opportunities/)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out: Path = tmp_path_factory.mktemp("language-search") / "site"
    build.build_site(Project(REPO), out, dt.date.fromisoformat(TODAY), log=io.StringIO())
    with serve_directory(out) as url:
        yield url + "/"


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        "li.bds-item:not([hidden])", "items => items.map(li => li.getAttribute('data-id'))"
    )


def search_catalogue(page, url: str, words: str) -> tuple[int, list[str]]:
    """(listings before the search, ids shown after typing `words` in the catalogue's own search box)."""
    page.goto(url)
    page.wait_for_selector("#bds-filters:not([hidden])")
    before = len(shown_ids(page))
    page.locator("#bds-q").fill(words)
    page.wait_for_function(
        "n => document.querySelectorAll('li.bds-item:not([hidden])').length < n", arg=before, timeout=5000
    )
    page.wait_for_timeout(300)  # the search waits 150 ms after the last key
    return before, shown_ids(page)


def test_chinese_word_of_a_translated_title_narrows_the_catalogue(open_page, served):
    page = open_page("laptop")
    before, ids = search_catalogue(page, served + "zh/opportunita/", "图书馆")  # «library»
    assert LISTING in ids and len(ids) < before, (before, ids)
    assert "?cerca=" in page.url


@pytest.mark.parametrize(
    "word", ["مكتبة", "مَكْتَبَة", "مكتــبة", "المكتبة"], ids=["plain", "tashkeel", "tatweel", "article"]
)
def test_arabic_word_with_or_without_diacritics_narrows_the_catalogue(open_page, served, word):
    page = open_page("phone")
    before, ids = search_catalogue(page, served + "ar/opportunita/", word)
    assert ids == [LISTING], (word, before, ids)


def test_italian_words_still_work_on_the_chinese_catalogue(open_page, served):
    page = open_page("laptop")
    before, ids = search_catalogue(page, served + "zh/opportunita/", "biblioteca")
    assert LISTING in ids and len(ids) < before, ids


def test_chinese_cps_finder_finds_an_italian_area(open_page, served):
    page = open_page("phone")
    page.goto(served + "zh/cps/")
    page.wait_for_selector("#bds-cps-finder:not([hidden])")
    page.locator("#bds-cps-q").fill("affori")
    page.locator("#bds-cps-finder button[type=submit]").click()
    card = page.locator("#bds-cps-cards h2")
    card.first.wait_for(timeout=5000)
    assert card.all_inner_texts() == ["CPS Niguarda"]
    assert "Affori" in page.locator("#bds-cps-answer").inner_text()


def test_italian_catalogue_still_finds_tirocinio(open_page, served):
    page = open_page("laptop")
    before, ids = search_catalogue(page, served + "opportunita/", "tirocinio")
    assert LISTING in ids and "tirocinio-risocializzante-orto" in ids and len(ids) < before, ids
