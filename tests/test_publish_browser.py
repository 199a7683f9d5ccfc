"""The bulletin pages in Debian Chromium: they load, the chart has a name, axe finds no violation."""

from __future__ import annotations

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from bds.content import Project
from bds.pipeline.quarter import Quarter
from bds.publish import run
from conftest import AXE_TAGS, CHROMIUM, CHROMIUM_ARGS, serve_directory
from test_publish import shipped_copy

pytestmark = pytest.mark.browser

PAGES = ["bollettini/", "bollettini/2026Q3/", "bollettini/2026Q4/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("publish-browser")
    project = Project(shipped_copy(base / "progetto"))
    served = base / "served"
    for label, today in (("2026Q3", dt.date(2026, 9, 30)), ("2026Q4", dt.date(2026, 12, 31))):
        run.publish(
            project,
            Quarter.parse(label),
            today,
            served / "bds",
            base / "private" / "reports",
            log=io.StringIO(),
        )
    with serve_directory(served) as url:
        yield url + "/bds/"


def check_pages(site: str, width: int) -> tuple[dict, list]:
    """Drive Chromium over the bulletin pages. Runs in a thread of its own: the site's browser tests may
    hold a session-wide Playwright whose event loop would refuse a second sync API in this thread."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    problems, external = {}, []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="it-IT")
        page.on(
            "request",
            lambda r: (
                external.append(r.url)
                if urlparse(r.url).hostname not in (None, "127.0.0.1")
                and urlparse(r.url).scheme not in ("data", "blob", "about")
                else None
            ),
        )
        for path in PAGES:
            response = page.goto(site + path)
            assert response is not None and response.status == 200, path
            assert page.locator("h1").count() == 1
            if path != "bollettini/":
                chart = page.locator("svg.bds-chart[role=img]")
                assert chart.count() == 1
                assert page.evaluate(
                    "(el) => el.getAttribute('aria-labelledby').split(' ').every(id => "
                    "document.getElementById(id))",
                    chart.element_handle(),
                )
                for link in page.eval_on_selector_all("a[href*='dati/']", "els => els.map(e => e.href)"):
                    assert page.request.get(link).status == 200, link
            result = Axe().run(
                page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
            )
            if result.violations_count:
                problems[path] = [
                    (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]
                ]
        browser.close()
    return problems, external


@pytest.mark.parametrize("width", [1280, 375])
def test_bulletin_pages_load_and_pass_axe(site, width):
    with ThreadPoolExecutor(max_workers=1) as pool:
        problems, external = pool.submit(check_pages, site, width).result()
    assert problems == {}
    assert external == []
