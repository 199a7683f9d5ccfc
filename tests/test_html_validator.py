"""The site's HTML checked by the Nu Html Checker (vnu.jar), the W3C's validator, on a sample of pages.

vnu.jar is not a Python package: the test runs when Java and the jar are there (BDS_VNU_JAR, or the npm
package `vnu-jar` in ./node_modules or the global npm folder) and is skipped otherwise. Every error and
warning fails it, except the one the stock mkdocs-material theme writes on every page
(`autocomplete="off"` on its two checkbox toggles, kept: it stops browsers restoring an open drawer).
The checks below it need no validator: they pin the fixes of our own templates.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bds import cli
from conftest import REPO

TODAY = "2026-12-01"
SAMPLE = [
    "index.html",
    "catalogo/index.html",
    "catalogo/asse/housing/index.html",
    "opportunita/corso-per-diventare-esp/index.html",
    "opportunita/housing-protetto-giambellino/index.html",
    "enti/index.html",
    "enti/asst-niguarda/index.html",
    "guide/cos-e-il-budget-di-salute/index.html",
    "guide/protezione-dati/flusso-dati.svg",
    "glossario/index.html",
    "proponi/index.html",
    "dati-aperti/index.html",
    "404.html",
]
STOCK = re.compile(r'class="md-toggle"[^>]*autocomplete="off"|autocomplete="off"[^>]*class="md-toggle"')


def _vnu_jar() -> Path | None:
    candidates = [os.environ.get("BDS_VNU_JAR", ""), "node_modules/vnu-jar/build/dist/vnu.jar"]
    npm = shutil.which("npm")
    if npm:
        try:
            root = subprocess.run(
                [npm, "root", "-g"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
            candidates.append(f"{root}/vnu-jar/build/dist/vnu.jar")
        except (OSError, subprocess.SubprocessError):
            pass
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "site"
    assert cli.main(["--root", str(REPO), "build", "--out", str(out), "--today", TODAY]) == 0
    return out


def test_sample_pages_have_no_errors_of_our_own(site):
    jar, java = _vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        pytest.skip("Nu Html Checker non disponibile (serve Java e vnu.jar: npm install vnu-jar)")
    files = [str(site / page) for page in SAMPLE]
    assert all(Path(f).is_file() for f in files)
    run = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--also-check-svg", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    ours = [
        f"{Path(m.get('url', '')).parent.name}: {m['type']} {m['message'][:120]}"
        for m in messages
        if not STOCK.search(m.get("extract", ""))
    ]
    assert ours == []
    assert len(messages) >= 2 * (len(SAMPLE) - 1)  # the stock message is still seen: the run did check


def test_our_template_fixes(site):
    svg = (site / "guide" / "protezione-dati" / "flusso-dati.svg").read_text(encoding="utf-8")
    assert not re.search(r"<svg[^>]*\slang=", svg) and 'xml:lang="it"' in svg
    form = (site / "proponi" / "index.html").read_text(encoding="utf-8")
    summary = re.search(r'<div id="bds-error-summary"[^>]*>', form).group(0)
    assert 'role="region"' in summary and "aria-labelledby" in summary
    assert '<article class="bds-card"' not in form
    for page in (
        "opportunita/corso-per-diventare-esp",
        "enti/asst-niguarda",
        "guide/cos-e-il-budget-di-salute",
    ):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert not re.search(r"<article class=\"bds-[^>]*>\s*<h1", html), page  # the title is the page's
        assert ' tabindex=""' not in html
