"""The site's texts come from the message catalogue: the theme's `t`, bds.js's JSON block, `t_html`."""

from __future__ import annotations

import re
from pathlib import Path

from bds import messages
from bds.web import mkdocs_hook
from bds.web.text import t_html

ROOT = Path(__file__).resolve().parents[1]
THEME = ROOT / "scripts" / "bds" / "web" / "theme"


def test_every_text_bds_js_asks_for_is_in_the_catalogue():
    source = (THEME / "assets" / "bds.js").read_text(encoding="utf-8")
    asked = set(re.findall(r"""\bmsg\(\s*["']([\w.]+)["']""", source))
    known = set(messages.section("theme.js"))
    assert asked and asked <= known, sorted(asked - known)


def test_every_text_the_templates_ask_for_is_in_the_catalogue():
    keys = set()
    for template in THEME.rglob("*.html"):
        if "languages" not in template.parent.parts:
            keys |= set(
                re.findall(r"""(?<![\w.])t\(\s*["']([\w.]+)["']""", template.read_text(encoding="utf-8"))
            )
    assert keys and all(messages.has(key, "it") for key in keys), sorted(keys)


def test_the_js_texts_carry_the_territory_words_and_leave_the_rest_to_the_script():
    texts = mkdocs_hook.js_messages({**messages.words(), "coordinator": "referente"})
    assert "chiedi al tuo referente" in texts["catalogue.none_found"]
    assert texts["catalogue.found"] == {
        "one": "{count} opportunità trovata",
        "other": "{count} opportunità trovate",
    }
    assert "{q}" in texts["cps.not_found"]


def test_t_html_escapes_every_value_but_markup_params():
    with messages.use(words={**messages.words(), "coordinator_the": "<b>il & referente</b>"}):
        lead = t_html("site.catalogue.lead", in_catalogue="3 < 4")
        assert "&lt;b&gt;il &amp; referente&lt;/b&gt;" in lead and "3 &lt; 4" in lead
    assert "<a>x</a>" in t_html("site.privacy.questions", email_html="<a>x</a>")
