"""Journey 4 (issue 13): a social cooperative worker without a GitHub account publishes a new volunteering
opportunity through the form. From the home page, at 375x812 (touch) and 1280x900, with the pointer and with
the keyboard only: the form is reached, filled as people write (phone «+39 333 …», languages «italiano,
inglese», a web address without https://), the file is downloaded and `bds validate` accepts it in a copy of
the project. Every page and state visited has 0 axe violations. Screenshots go to /tmp/journeys/.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from bds import load
from bds.content import Project, load_content
from bds.intake import form as web_form
from bds.web import build
from conftest import REPO, run_cli, serve_directory
from test_journeys import SHOTS, SIZES, STEPS, TODAY, Keys, Pointer, axe_clean

PARTNER = ("comunita-del-giambellino", "Comunità del Giambellino Cooperativa Sociale")
TITLE = "Volontari per la merenda del sabato"
SLUG = "volontari-per-la-merenda-del-sabato"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("journey-form") / "site"
    build.build_site(Project(REPO), out, dt.date.fromisoformat(TODAY), log=io.StringIO())
    with serve_directory(out) as url:
        yield url + "/"


def accepted_in_a_copy(tmp_path: Path, text: str) -> dict:
    """The YAML, saved where a coordinator puts it in a copy of the project: `bds validate` accepts it."""
    root = tmp_path / "progetto"
    for name in ("content", "opportunities", "schemas"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "pyproject.toml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, root / name)
    target = root / "opportunities" / f"{SLUG}.yml"
    target.write_text(text, encoding="utf-8")
    run = run_cli(["--root", root, "validate", target, "--format", "json", "--today", TODAY])
    assert run.code == 0, run.out + run.err
    return load.load_text(text, "x.yml").data


def check_record(data: dict) -> None:
    assert data["id"] == SLUG and data["kind"] == "volunteering" and data["partner"] == PARTNER[0]
    assert data["contact"]["phone"] == "+39 333 123 4567"  # typed as «0039 333 123 4567»
    assert data["contact"]["url"] == "https://www.giambellino.example/merenda"  # https:// added
    assert data["languages"] == ["it", "en"]  # typed as «italiano, inglese»


# -- pointer (taps on a phone, clicks on a laptop) ---------------------------------------------------------


def worker_pointer(page, size, site, tmp_path):
    you = Pointer(page, size)
    page.goto(site)
    axe_clean(page, f"j4-{size}-pointer-1-home")
    you.hit(page.get_by_role("link", name="Sono un ente o un volontario"))
    page.wait_for_url(re.compile(r"/guide/per-[a-z-]+/"))
    axe_clean(page, f"j4-{size}-pointer-2-guide")
    you.hit(page.locator("article a[href$='proponi/']").first)
    page.wait_for_url(re.compile(r"/proponi/$"))
    assert page.locator("#bds-form").is_visible() and not page.locator(".bds-noscript").is_visible()
    axe_clean(page, f"j4-{size}-pointer-3-form")

    def pick(selector: str, value: str):
        you.hit(page.locator(selector))  # opens the list
        page.locator(selector).select_option(value)  # the choice: a second tap
        you.count += 1

    you.type(page.locator("#f-title"), TITLE)
    assert page.input_value("#f-id") == SLUG
    pick("#f-kind", "volunteering")
    you.hit(page.locator("label", has_text="Socialità").first)
    pick("#f-partner", PARTNER[0])
    # the summary is left empty on purpose: the error summary must come on screen
    you.type(page.locator("#f-description"), "Prepariamo e serviamo la merenda del sabato con il quartiere.")
    you.hit(page.locator("label[for^='f-audience-']", has_text="Volontari"))
    you.hit(page.locator("label[for^='f-access-']", has_text="Accesso diretto"))
    you.hit(page.locator("label[for^='f-zones-']", has_text="Municipio 6"))
    you.type(page.locator("#f-location-name"), "Giambellino")
    you.hit(page.locator("label[for^='f-location-visibility-']", has_text="Indirizzo pubblico"))
    you.type(page.locator("#f-contact-phone"), "0039 333 123 4567")
    you.type(page.locator("#f-contact-url"), "www.giambellino.example/merenda")
    you.type(page.locator("#f-languages"), "italiano, inglese")
    you.hit(page.locator("#bds-submit"))

    summary = page.locator("#bds-error-summary")
    assert page.evaluate("document.activeElement.id") == "bds-error-summary"
    box = summary.bounding_box()
    assert 0 <= box["y"] < SIZES[size][1] - 40, box  # on screen, not only focused
    assert "Sintesi" in summary.inner_text()
    wrong = summary.locator("li").count()  # the title counts them, in the catalogue's plural forms
    said = "C'è un dato da correggere" if wrong == 1 else f"Ci sono {wrong} dati da correggere"
    assert page.text_content("#bds-error-summary-title") == said
    axe_clean(page, f"j4-{size}-pointer-4-errors")
    you.hit(summary.locator("a").first)
    assert page.evaluate("document.activeElement.id") == "f-summary"
    page.keyboard.type("Una merenda insieme ogni sabato: servono volontari.")
    you.count += 1
    # The message disappears when the field is left, and nothing under it moves: the tap lands where aimed.
    below = page.locator("#f-description")
    below.scroll_into_view_if_needed()
    where = "e => e.getBoundingClientRect().top + window.scrollY"
    before = below.evaluate(where)
    you.hit(below)
    assert page.evaluate("document.activeElement.id") == "f-description"
    assert page.text_content('[data-error-for="summary"]') == ""
    assert below.evaluate(where) == before
    you.hit(page.locator("#bds-submit"))
    page.wait_for_selector("#bds-output:not([hidden])")
    axe_clean(page, f"j4-{size}-pointer-5-ready")
    with page.expect_download() as download:
        you.hit(page.locator("#bds-download"))
    assert download.value.suggested_filename == f"{SLUG}.yml"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text == page.input_value("#bds-yaml")
    check_record(accepted_in_a_copy(tmp_path, text))
    assert page.locator("#bds-mail").is_visible()  # no GitHub account needed: the email is there
    return you.count


# -- keyboard only ----------------------------------------------------------------------------------------


def worker_keyboard(page, size, site, tmp_path):
    keys = Keys(page)
    page.goto(site)
    keys.press("Tab")
    keys.press("Enter")  # skip link
    keys.tab_to(lambda f: f["text"].startswith("Sono un ente o un volontario"))
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/guide/per-[a-z-]+/"))
    keys.press("Tab")
    keys.press("Enter")  # skip link
    keys.tab_to(lambda f: f["href"].endswith("proponi/") and "Proponi" in f["text"])
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/proponi/$"))
    keys.press("Tab")
    keys.press("Enter")  # skip link

    def to(element_id: str):
        keys.tab_to(lambda f: f["id"] == element_id, limit=200)

    def choose(element_id: str, value: str):
        to(element_id)
        values = page.eval_on_selector(f"#{element_id}", "s => Array.from(s.options).map(o => o.value)")
        for _ in range(values.index(value) - values.index(page.input_value(f"#{element_id}"))):
            keys.press("ArrowDown")
        assert page.input_value(f"#{element_id}") == value

    def index(name: str, value: str) -> int:
        return page.eval_on_selector_all(f'[name="{name}"]', "els => els.map(e => e.value)").index(value)

    def radio(name: str, value: str):
        group = "f-" + name.replace(".", "-")
        to(f"{group}-0")
        keys.press("Space")
        for _ in range(index(name, value)):
            keys.press("ArrowDown")
        assert page.is_checked(f"#{group}-{index(name, value)}")

    to("f-title")
    keys.type(TITLE)
    choose("f-kind", "volunteering")
    to(f"f-axes-{index('axes', 'social')}")
    keys.press("Space")
    choose("f-partner", PARTNER[0])
    to("f-summary")
    keys.type("Una merenda insieme ogni sabato: servono volontari.")
    to("f-description")
    keys.type("Prepariamo e serviamo la merenda del sabato con il quartiere.")
    to(f"f-audience-{index('audience', 'volunteers')}")
    keys.press("Space")
    radio("access", "direct")
    to(f"f-zones-{index('zones', 'municipio-6')}")
    keys.press("Space")
    to("f-location-name")
    keys.type("Giambellino")
    radio("location.visibility", "public")
    to("f-contact-phone")
    keys.type("0039 333 123 4567")
    to("f-contact-url")
    keys.type("www.giambellino.example/merenda")
    to("f-languages")
    keys.type("italiano, inglese")
    axe_clean(page, f"j4-{size}-keys-1-filled")
    to("bds-submit")
    keys.press("Enter")
    page.wait_for_selector("#bds-output:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "bds-output-title"
    axe_clean(page, f"j4-{size}-keys-2-ready")
    with page.expect_download() as download:
        to("bds-download")
        keys.press("Enter")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    check_record(accepted_in_a_copy(tmp_path, text))
    to("bds-copy")
    keys.press("Enter")
    page.wait_for_function("document.getElementById('bds-status').textContent.includes('copiato')")
    assert page.evaluate("navigator.clipboard.readText()") == text
    return keys.count


@pytest.mark.browser
@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("mode", ["keys", "pointer"])
def test_worker_publishes_a_volunteering_opportunity(site, open_page, tmp_path, mode, size):
    page = open_page(size, permissions=["clipboard-read", "clipboard-write"])
    walk = worker_pointer if mode == "pointer" else worker_keyboard
    steps = walk(page, size, site, tmp_path)
    STEPS[f"worker-{mode}-{size}"] = steps
    print(f"\nworker {mode} {size}: {steps} {'taps' if mode == 'pointer' else 'keys'}")


@pytest.mark.browser
def test_organisation_not_in_the_list_hidden_characters_and_no_javascript(site, open_page, browser):
    page = open_page("phone")
    page.goto(site + "proponi/")
    page.locator("#f-partner").select_option(web_form.NEW_PARTNER)
    box = page.locator("#bds-newpartner")
    assert box.is_visible()
    assert "coordinamento@bds-milano.example" in box.inner_text()  # the coordinators, from the territory
    assert box.locator('a[href="mailto:coordinamento@bds-milano.example"]').count() == 1
    page.fill("#f-title", "Merenda\u200b insieme")
    page.locator("#bds-submit").tap()
    assert page.text_content('[data-error-for="partner-new"]') != ""
    title_error = page.text_content('[data-error-for="title"]')
    assert "ZERO WIDTH SPACE (U+200B)" in title_error and "invisibile" in title_error
    # Same rule and words as the validator (bds.unicodetext), naming the character.
    from bds import findings as F
    from bds import unicodetext

    for text in ["Merenda\u202einsieme", "Merenda\x07 insieme", "Merenda\u2028insieme", "\ufeffMerenda"]:
        at = next(i for i in range(len(text)) if unicodetext.classify(text, i))
        code = unicodetext.classify(text, at)
        wanted = F.make(code, "", 0, 0, char=unicodetext.char_name(text[at])).message
        page.evaluate("t => { document.getElementById('f-title').value = t; }", text)
        shown = page.evaluate("window.bdsForm.errors()['title']")
        assert shown == f"«Titolo»: {wanted}", (text, shown)
    page.fill("#f-partner-new", "Cooperativa Esempio Nuova")
    page.fill("#f-title", "Merenda insieme")
    page.locator("#f-summary").tap()
    assert page.text_content('[data-error-for="partner-new"]') == ""
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(SHOTS / "j4-phone-new-partner.png"))
    axe_clean(page, "j4-phone-new-partner-axe")
    assert "partner" not in page.evaluate("window.bdsForm.record()")
    for name, typed, wanted in [
        ("contact.phone", "tel. (02) 1234-5678", "02 1234-5678"),
        ("contact.phone", "+39 333 1234567", "+39 333 1234567"),
        ("contact.url", "ente.example", "https://ente.example"),
        ("contact.url", "http://ente.example", "http://ente.example"),
        ("languages", "Italiano", "it"),
        ("languages", "lingua araba", "lingua araba"),  # unknown: the message says what to write
        ("languages", "EN", "en"),
        ("languages", '"it"', "it"),
    ]:
        assert page.evaluate("([n, t]) => window.bdsForm.plain(n, t)", [name, typed]) == wanted, typed
    page.fill("#f-languages", "Italiano e arabo / francese")
    assert page.evaluate("window.bdsForm.record().languages") == ["it", "ar", "fr"]

    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site + "proponi/")
        assert not plain.locator("#bds-form").is_visible()  # nothing to type that would be lost
        note = plain.locator(".bds-noscript")
        assert note.is_visible()
        assert note.locator('a[href^="mailto:"]').count() == 1
        assert note.locator(f'a[href="{web_form.TEMPLATE_NAME}"]').count() == 1
        assert note.locator('a[href*="/issues/new"]').count() == 1
        plain.screenshot(path=str(SHOTS / "j4-phone-nojs.png"))
    finally:
        context.close()


def test_the_form_speaks_plainly():
    """No file names, schema keys or values in what the form shows or says."""
    page = web_form.build(None, load_content(Project(REPO)))
    texts = [page.fragment.split('<script type="application/json"')[0]]
    for f in page.config["fields"]:
        for message in f["messages"].values():
            texts += list(message.values()) if isinstance(message, dict) else [message]
    texts += list(page.config["messages"].values()) + list(page.config["existingIds"].values())
    technical = re.compile(
        r"\.yml|content/|opportunities/|\bkind\b|\bid\b|zone-only|visibility|stipend|internship|"
        r"\bfree\b|\bbudget\b|\btrue\b|\(summary\)|YAML|tra virgolette"
    )
    shown = [re.sub(r"<[^>]+>", " ", t) for t in texts]
    found = [m.group() for t in shown for m in technical.finditer(t)]
    assert found == []
