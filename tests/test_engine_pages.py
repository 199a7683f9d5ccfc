"""The engine adapter: neutral pages become the engine's input, and the build is strict."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import yaml
from bds.content import Project
from bds.errors import BdsError
from bds.web import build, engine, synthetic
from bds.web.page import Page

TODAY = dt.date(2026, 6, 1)


def _meta(source: str) -> dict:
    _, head, _ = source.split("---\n", 2)
    return yaml.safe_load(head)


def test_a_neutral_page_becomes_the_theme_front_matter():
    wide = engine.page_source(
        Page("Catalogo", "<div>x</div>", searchable=False, side_menu=False, outline=False)
    )
    assert _meta(wide) == {
        "title": "Catalogo",
        "search": {"exclude": True},
        "hide": ["navigation", "toc"],
        "bds_html": True,
    }
    listing = Page(
        "Corso", "<div>x</div>", description="d", search_boost=4, lastmod="2026-05-01", side_menu=False
    )
    assert _meta(engine.page_source(listing)) == {
        "title": "Corso",
        "description": "d",
        "search": {"boost": 4},
        "lastmod": "2026-05-01",
        "hide": ["navigation"],
        "bds_html": True,
    }


def test_a_markdown_page_is_left_to_the_engine_and_a_string_page_passes_as_it_is():
    source = engine.page_source(Page("Codici", "# Codici\n\n| a |\n", html=False))
    assert source.endswith("---\n\n# Codici\n\n| a |\n") and "bds_html" not in _meta(source)
    own = "---\ntitle: Mia\n---\n\nTesto\n"
    assert engine.source(own) == own and engine.source(b"\x00") == b"\x00"


def test_the_theme_gets_escaped_title_and_a_shortened_description():
    long = "parola " * 60
    meta = _meta(engine.page_source(Page('<b>"A"</b>', "<p>x</p>", description=long)))
    assert meta["title"] == "&lt;b&gt;&quot;A&quot;&lt;/b&gt;"
    assert len(meta["description"]) <= 300 and meta["description"].endswith("…")


def _project(tmp_path):
    synthetic.write_project(tmp_path / "p", listings=3, partners=1, today=TODAY)
    return Project.find(tmp_path / "p")


@pytest.mark.parametrize(
    "broken",
    [
        Page("Prova", "Vedi [la pagina](manca.md).\n", html=False),
        "---\ntitle: Prova\n---\n\nVedi [la pagina](manca.md).\n",  # a third-party provider's own page
    ],
)
def test_a_broken_internal_link_stops_the_build_naming_the_page(tmp_path, broken):
    def provider(content, ctx):
        return {"index.md": Page("Home", "<div>x</div>"), "prova/index.md": broken}

    out = tmp_path / "site"
    with pytest.raises(BdsError) as stopped:
        build.build_site(_project(tmp_path), out, TODAY, providers=[provider], log=io.StringIO())
    message = str(stopped.value)
    assert "la pagina «prova/index.md» non si può costruire" in message
    assert "c'è un collegamento a «manca.md», che non porta a nessuna pagina del sito" in message
    assert "Il sito non è stato costruito" in message and "in tutto" not in message  # one warning
    assert not out.exists()


def test_every_warning_is_counted_and_the_first_page_named(tmp_path):
    def provider(content, ctx):
        return {"index.md": Page("Home", "[a](manca.md) [b](altra.md)\n", html=False)}

    with pytest.raises(BdsError) as stopped:
        build.build_site(
            _project(tmp_path), tmp_path / "site", TODAY, providers=[provider], log=io.StringIO()
        )
    message = str(stopped.value)
    assert message.startswith("la pagina «index.md» non si può costruire: c'è un collegamento a «manca.md»")
    assert message.endswith("(avvisi del motore in tutto: 2)")


def test_a_sound_page_builds_in_strict_mode(tmp_path):
    def provider(content, ctx):
        return {
            "index.md": Page("Home", "Vedi [la prova](prova/index.md).\n", html=False),
            "prova/index.md": Page("Prova", "<div>x</div>"),
        }

    out = tmp_path / "site"
    summary = build.build_site(_project(tmp_path), out, TODAY, providers=[provider], log=io.StringIO())
    assert summary.pages == 2 and (out / "prova" / "index.html").is_file()
    assert 'href="prova/"' in (out / "index.html").read_text(encoding="utf-8")
