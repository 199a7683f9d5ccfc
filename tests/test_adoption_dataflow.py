"""The data-flow diagram: valid, accessible SVG generated from the declarative description."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from bds import dataflow

SVG = "{http://www.w3.org/2000/svg}"


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def _texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def svg() -> str:
    return dataflow.render_svg()


def test_valid_xml_with_title_and_description_first(svg):
    root = _root(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert first.tag == f"{SVG}title" and first.text.strip()
    assert second.tag == f"{SVG}desc" and len(second.text) > 100
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(root.get("aria-labelledby").split()) == {first.get("id"), second.get("id")} <= ids
    assert root.get("viewBox")


def test_deterministic(svg):
    assert dataflow.render_svg() == svg


def test_ids_unique(svg):
    ids = [el.get("id") for el in _root(svg).iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_words_are_text_not_pictures(svg):
    root = _root(svg)
    assert not list(root.iter(f"{SVG}image")) and not list(root.iter(f"{SVG}foreignObject"))
    shown = " ".join(_texts(root))
    for box in dataflow.describe_flow().boxes:
        assert box.title.split()[0] in shown
    # Nothing is fetched: the only URLs are the namespace and internal references.
    assert not re.search(r"(?:href|src)\s*=\s*\"(?!#)", svg)


def test_every_box_and_arrow_is_described(svg):
    diagram = dataflow.describe_flow()
    desc = _root(svg).find(f"{SVG}desc").text
    for box in diagram.boxes:
        assert box.title in desc
    assert desc.count(" porta a ") == len(diagram.arrows)


def test_mentions_where_data_and_key_live(svg):
    shown = " ".join(" ".join(_texts(_root(svg))).split())
    assert "private/reports/" in shown
    assert "ASST/CPS" in shown
    assert shown.count("Mai nel repository") + shown.count("mai nel repository") >= 2  # outcome data, key
    assert "non entrano mai nel repository" in shown


def test_threshold_comes_from_the_territory():
    seven = dataflow.render_svg(threshold=7)
    assert "k\u00a0=\u00a07" in seven and "k\u00a0=\u00a010" not in seven
    ctx = SimpleNamespace(territory={"disclosure_threshold": 12})
    files = dataflow.site_files(None, ctx)
    assert list(files) == [dataflow.site_path()]
    assert "k\u00a0=\u00a012" in files[dataflow.site_path()]
    assert (
        "k\u00a0=\u00a010" in dataflow.site_files(None, SimpleNamespace(territory={}))[dataflow.site_path()]
    )


def test_contrast(svg):
    root = _root(svg)
    text_colours = {el.get("fill") for el in root.iter(f"{SVG}text")}
    backgrounds = {el.get("fill") for el in root.iter(f"{SVG}rect")}
    for fg in text_colours:  # every text colour on every background: WCAG 1.4.3 (4.5:1)
        for bg in backgrounds:
            assert contrast(fg, bg) >= 4.5, (fg, bg)
    for rect in root.iter(f"{SVG}rect"):  # borders against their own fill: WCAG 1.4.11 (3:1)
        if rect.get("stroke"):
            assert contrast(rect.get("stroke"), rect.get("fill")) >= 3, rect.attrib
    for path in root.iter(f"{SVG}path"):
        if path.get("stroke"):
            for bg in backgrounds:
                assert contrast(path.get("stroke"), bg) >= 3


def test_contrast_helper_can_fail():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") < 4.5


def test_registered_as_a_site_page_provider():
    from bds.web import pages

    assert any(
        entry is dataflow.site_files or entry == "bds.dataflow:site_files" for entry in pages.PAGE_PROVIDERS
    )
    assert pages.resolve("bds.dataflow:site_files") is dataflow.site_files
