"""The «Proponi un'opportunità» form in the built site, driven like a person would, keyboard only.

Debian's Chromium through Playwright (never `playwright install`), served by our own
HTTP server on 127.0.0.1. Set BDS_SCREENSHOTS=1 to refresh the guide's screenshots in
content/guides/img/ (otherwise they go to a temporary folder).
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest
from bds import findings as F
from bds import load
from bds import schema as S
from bds.intake import form as web_form
from bds.intake import yamlout
from conftest import AXE_TAGS, CHROMIUM, serve_directory

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

BUILD_DAY = "2026-12-01"  # on or after every shipped review date (a review in the future is an error)


def run_cli(argv: list) -> tuple[int, str]:
    """`bds ARGV` in this process: (exit code, stdout + stderr)."""
    import contextlib
    import io

    from bds import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main([str(a) for a in argv])
    return code, out.getvalue()


def msg(code: str, **params) -> str:
    return F.make(code, "", 0, 0, **params).message


@pytest.fixture(scope="module")
def form_site(tmp_path_factory) -> Path:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium non installato")
    out = tmp_path_factory.mktemp("sito") / "site"
    code, text = run_cli(["--root", REPO, "build", "--out", out, "--today", BUILD_DAY])
    assert code == 0, text
    assert (out / "proponi" / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def form_url(form_site):
    with serve_directory(form_site) as url:
        yield url


@pytest.fixture(scope="module")
def form_browser(browser):
    return browser  # the session's one Chromium (tests/conftest.py)


@pytest.fixture
def form_page(form_browser, form_url):
    context = form_browser.new_context(
        locale="it-IT", viewport={"width": 1000, "height": 900}, device_scale_factor=1
    )
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{form_url}/proponi/")
    yield pg
    outside = [
        u
        for u in requests
        if urllib.parse.urlsplit(u).scheme not in ("blob", "data")
        and urllib.parse.urlsplit(u).hostname != "127.0.0.1"
    ]
    context.close()
    assert outside == [], f"richieste fuori da 127.0.0.1: {outside}"
    assert errors == [], errors


@pytest.fixture(scope="module")
def form_shots(tmp_path_factory) -> Path:
    if os.environ.get("BDS_SCREENSHOTS") == "1":
        folder = REPO / "content" / "guides" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("schermate")


def shrink(path: Path) -> None:
    """Screenshots for the guide: a 64-colour palette keeps them sharp and a few tens of KB."""
    image = pytest.importorskip("PIL.Image")
    with image.open(path) as img:
        img.convert("RGB").quantize(colors=64).save(path, optimize=True)


def axe_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    return [] if result.violations_count == 0 else [result.generate_report()]


# -- keyboard helpers ----------------------------------------------------------------------------------


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 500) -> None:
    """Press Tab until `element_id` has the focus (date inputs take one Tab per part)."""
    for _ in range(limit):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{element_id} non si raggiunge con Tab")


def type_into(page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)


def choose(page, element_id: str, value: str) -> None:
    """A closed <select>: arrow keys move through the options."""
    tab_to(page, element_id)
    values = page.eval_on_selector(f"#{element_id}", "s => Array.from(s.options).map(o => o.value)")
    current = values.index(page.input_value(f"#{element_id}"))
    for _ in range(values.index(value) - current):
        page.keyboard.press("ArrowDown")
    assert page.input_value(f"#{element_id}") == value


def tick(page, element_id: str) -> None:
    tab_to(page, element_id)
    page.keyboard.press("Space")


def radio(page, group_id: str, index: int) -> None:
    """A radio group is one Tab stop; Space picks the first option, arrows move the choice."""
    tab_to(page, f"{group_id}-0")
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#{group_id}-{index}")


@pytest.fixture(scope="module")
def form_date_order(form_browser) -> str:
    """The order of day, month and year in Chromium's date field depends on the browser's locale."""
    pg = form_browser.new_page()
    pg.set_content('<input type="date" id="d">')
    pg.focus("#d")
    pg.keyboard.type("01022003")
    value = pg.input_value("#d")
    pg.close()
    return {"2003-02-01": "dmy", "2003-01-02": "mdy"}.get(value, "ymd")


def type_date(page, element_id: str, iso: str, order: str) -> None:
    y, m, d = iso.split("-")
    keys = {"dmy": d + m + y, "mdy": m + d + y, "ymd": y + m + d}[order]
    type_into(page, element_id, keys)
    assert page.input_value(f"#{element_id}") == iso


def option_index(page, name: str, value: str) -> int:
    return page.eval_on_selector_all(f'[name="{name}"]', "els => els.map(e => e.value)").index(value)


# -- tests -----------------------------------------------------------------------------------------------


def test_keyboard_only_submission_is_accepted_by_the_validator(
    form_page, tmp_path, form_date_order, form_shots
):
    page = form_page
    date_order = form_date_order
    shots = form_shots
    page.keyboard.press("Tab")
    type_into(page, "f-title", "Gruppo di cammino al Parco Nord")
    assert page.input_value("#f-id") == "gruppo-di-cammino-al-parco-nord"
    choose(page, "f-kind", "social")
    tick(page, f"f-axes-{option_index(page, 'axes', 'social')}")
    choose(page, "f-partner", "art-up")
    type_into(page, "f-summary", "Camminiamo insieme al parco una volta a settimana.")
    type_into(
        page,
        "f-description",
        'Un gruppo che cammina con calma.\n\n- ritrovo all\'ingresso: via Ornato\n- "scarpe comode"',
    )
    tick(page, "f-audience-0")
    radio(page, "f-access", option_index(page, "access", "direct"))
    tick(page, f"f-zones-{option_index(page, 'zones', 'municipio-9')}")
    type_into(page, "f-location-name", "Parco Nord")
    radio(page, "f-location-visibility", option_index(page, "location.visibility", "public"))
    type_date(page, "f-dates-start", "2026-11-03", date_order)
    choose(page, "f-cost", "free")
    type_into(page, "f-contact-phone", "02 1234 5678")
    type_into(page, "f-languages", "it, en")
    assert "Gruppo di cammino al Parco Nord" in page.inner_text("#bds-card")
    page.locator("#bds-preview-title").scroll_into_view_if_needed()
    page.locator(".bds-preview").screenshot(path=str(shots / "proponi-anteprima.png"))
    shrink(shots / "proponi-anteprima.png")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(
        path=str(shots / "proponi-modulo.png"), clip={"x": 0, "y": 0, "width": 1000, "height": 900}
    )
    shrink(shots / "proponi-modulo.png")
    tab_to(page, "bds-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#bds-output:not([hidden])")
    assert active_id(page) == "bds-output-title"
    text = page.input_value("#bds-yaml")

    target = tmp_path / "opportunities" / "gruppo-di-cammino-al-parco-nord.yml"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    code, report = run_cli(["--root", REPO, "validate", target, "--format", "json"])
    assert code == 0, report
    data = load.load_text(text, "x.yml").data
    assert (
        data["partner"] == "art-up" and data["zones"] == ["municipio-9"] and data["languages"] == ["it", "en"]
    )
    assert data["contact"] == {"phone": "02 1234 5678"} and data["dates"] == {"start": "2026-11-03"}
    # The browser writes exactly what the Python side writes for the same record.
    assert yamlout.dump(data, list(S.load_schema("opportunity")["properties"])) == text

    github = page.get_attribute("#bds-github", "href")
    assert github.startswith(
        "https://github.com/bds-kit/bds/new/main?filename=opportunities/"
        "gruppo-di-cammino-al-parco-nord.yml&value="
    )
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(github).query)["value"] == [text]
    mail = page.get_attribute("#bds-mail", "href")
    assert mail.startswith("mailto:coordinamento@bds-milano.example?subject=")
    assert text in urllib.parse.unquote(mail)
    with page.expect_download() as download:
        tab_to(page, "bds-download")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "gruppo-di-cammino-al-parco-nord.yml"
    assert Path(download.value.path()).read_text(encoding="utf-8") == text
    assert axe_violations(page) == []
    page.locator("#bds-output").screenshot(path=str(shots / "proponi-pronta.png"))
    shrink(shots / "proponi-pronta.png")


def test_wrong_input_shows_the_validator_message_on_the_field(form_page, form_shots):
    page = form_page
    shots = form_shots
    page.fill("#f-title", "Casa in condivisione")
    page.select_option("#f-kind", "housing")
    page.check(f"#f-location-visibility-{option_index(page, 'location.visibility', 'public')}")
    page.fill("#f-dates-start", "2026-11-10")
    page.fill("#f-dates-end", "2026-11-01")
    page.fill("#f-dates-deadline", "2026-11-20")
    page.fill("#f-stipend", "100")
    page.fill("#f-contact-email", "nome@ente")
    page.fill("#f-places", "2.5")
    page.fill("#f-tags", "orto, x")
    page.fill("#f-accessibility", "Ingresso <b>senza</b> gradini")
    page.focus("#bds-submit")
    page.keyboard.press("Enter")
    assert active_id(page) == "bds-error-summary"
    assert page.is_visible("#bds-error-summary")

    def error_of(name):
        return page.text_content(f'[data-error-for="{name}"]')

    email = S.subschema("opportunity", ("contact", "email"))
    plain = web_form.build(None, _repo_content()).config["messages"]  # the form's words, not YAML keys
    expected = {
        "summary": "manca il campo obbligatorio «Sintesi».",
        "location.visibility": plain["HOUSING_ADDRESS_PUBLIC"],
        "stipend": plain["STIPEND_NOT_INTERNSHIP"],
        "contact.email": msg("VALUE_FORMAT", title="Email", expected=email["x-expected"]),
        "dates.end": msg("DATE_ORDER", start="2026-11-10", end="2026-11-01"),
        "dates.deadline": msg("DEADLINE_AFTER_END", deadline="2026-11-20", end="2026-11-01"),
        "places": msg("FIELD_TYPE", title="Posti disponibili", expected="un numero intero"),
        "tags": msg("VALUE_TOO_SHORT", title="Parole chiave", detail="almeno 2 caratteri"),
        "accessibility": msg("HTML_NOT_ALLOWED", title="Accessibilità"),
    }
    for name, message in expected.items():
        assert error_of(name) == message, name
    assert error_of("title") == ""
    assert page.get_attribute("#f-contact-email", "aria-invalid") == "true"
    assert page.get_attribute("#f-title", "aria-invalid") is None
    assert "f-contact-email-error" in page.get_attribute("#f-contact-email", "aria-describedby").split()
    summary = page.inner_text("#bds-error-summary")
    assert all(message[1:] in summary for message in expected.values())  # each starts with a capital there
    assert page.is_hidden("#bds-output")
    assert axe_violations(page) == []
    page.locator("#bds-error-summary").screenshot(path=str(shots / "proponi-errori.png"))
    shrink(shots / "proponi-errori.png")

    # Fixing a field clears its message once the person moves on.
    page.fill("#f-contact-email", "nome@ente.it")
    page.keyboard.press("Tab")
    assert error_of("contact.email") == ""
    assert page.get_attribute("#f-contact-email", "aria-invalid") is None


def test_link_schemes_are_read_like_the_validator(form_page):
    page = form_page
    page.fill("#f-description", "Per iscriversi [scrivete qui](java&#x73;cript&#58;alert(1)), grazie.")
    page.focus("#bds-submit")
    page.keyboard.press("Enter")
    assert page.text_content('[data-error-for="description"]') == msg("URL_SCHEME", title="Descrizione")
    page.fill(
        "#f-description",
        "Il [programma](https://example.org/menu:autunno), la [mappa](mappa.html#sala:1) e "
        "[scriveteci](mailto:info@example.org).",
    )
    page.focus("#f-description")
    page.keyboard.press("Tab")
    assert page.text_content('[data-error-for="description"]') == ""


def test_contact_and_existing_id_rules(form_page, form_url):
    page = form_page
    existing, where = next(iter(web_form.build(None, _repo_content()).config["existingIds"].items()))
    page.fill("#f-id", existing)
    page.focus("#bds-submit")
    page.keyboard.press("Enter")
    assert page.text_content('[data-error-for="contact"]') == msg("CONTACT_MISSING")
    assert page.text_content('[data-error-for="id"]') == F.REGISTRY["ID_DUPLICATE"].template.format(
        value=existing, other=where
    )
    assert ".yml" not in where and "già nel catalogo" in where
    assert page.get_attribute("#f-contact-phone", "aria-invalid") == "true"


def _repo_content():
    from bds.content import Project, load_content

    return load_content(Project(REPO))


def test_draft_survives_a_reload_and_can_be_cleared(form_page):
    page = form_page
    page.keyboard.press("Tab")
    type_into(page, "f-title", "Bozza da ricordare")
    tick(page, "f-audience-1")
    page.reload()
    assert page.input_value("#f-title") == "Bozza da ricordare"
    assert page.is_checked("#f-audience-1")
    assert page.input_value("#f-id") == "bozza-da-ricordare"
    tab_to(page, "bds-clear")
    page.keyboard.press("Enter")
    assert page.input_value("#f-title") == ""
    page.reload()
    assert page.input_value("#f-title") == "" and not page.is_checked("#f-audience-1")
    assert page.is_checked(f"#f-status-{option_index(page, 'status', 'open')}")


def test_page_has_no_accessibility_violations(form_page):
    page = form_page
    assert axe_violations(page) == []


def test_template_csv_is_downloadable(form_page, form_url):
    page = form_page
    link = page.get_attribute(f'a[href="{web_form.TEMPLATE_NAME}"]', "href")
    response = page.request.get(f"{form_url}/proponi/{link}")
    assert response.ok and response.body().startswith("\ufeff".encode())


def test_protected_place_hides_the_address_and_refuses_address_text(form_page, form_shots):
    """The form applies the rule of bds.protected: no address for a protected place, and a first net for
    addresses, coordinates and map links in its text (the validator runs the full scan)."""
    import sys

    sys.path.insert(0, str(REPO / "tests"))
    from test_protected import LEAKS, NOT_LEAKS

    page = form_page
    address_box = '[data-field="location.address"]'
    assert page.is_hidden(address_box)  # no visibility chosen yet: protected until it is public
    assert page.is_visible("[data-protected-note]")
    page.check(f"#f-location-visibility-{option_index(page, 'location.visibility', 'public')}")
    assert page.is_visible(address_box) and page.is_hidden("[data-protected-note]")
    page.fill("#f-location-address", "Via Esempio 3")
    # A home on the housing axis is protected even though marked public: the address goes away.
    page.check(f"#f-axes-{option_index(page, 'axes', 'housing')}")
    page.fill("#f-location-name", "Appartamento del gruppo")
    page.keyboard.press("Tab")
    assert page.is_hidden(address_box) and page.input_value("#f-location-address") == ""
    page.fill("#f-title", "Pranzo insieme")
    page.check(f"#f-zones-{option_index(page, 'zones', 'municipio-9')}")
    card = page.inner_text("#bds-card")  # the preview shows what the catalogue will: only the zone
    assert "Pranzo insieme" in card and "solo la zona" in card and "Appartamento" not in card
    page.fill("#f-id", "pranzo-via-segreta-4")
    page.fill("#f-description", "La casa è in Via Segreta 4, scala B.")
    page.fill("#f-schedule", "Ci trovi a 45.4799, 9.2101.")
    page.fill("#f-accessibility", "Vedi https://maps.app.goo.gl/AbCdEf123")
    page.focus("#bds-submit")
    page.keyboard.press("Enter")

    def error_of(name):
        return page.text_content(f'[data-error-for="{name}"]')

    assert error_of("location.visibility") == msg("PROTECTED_PLACE_PUBLIC", word="appartamento")
    assert error_of("id") == msg(
        "PROTECTED_TEXT_ADDRESS", title="Nome breve della scheda", what="un indirizzo (via e numero civico)"
    )
    assert error_of("description") == msg(
        "PROTECTED_TEXT_ADDRESS", title="Descrizione", what="un indirizzo (via e numero civico)"
    )
    assert error_of("schedule") == msg(
        "PROTECTED_TEXT_COORDINATES", title="Orari", what="delle coordinate geografiche"
    )
    assert error_of("accessibility") == msg(
        "PROTECTED_TEXT_MAP_LINK", title="Accessibilità", what="un link a una mappa"
    )
    assert "address" not in (page.evaluate("window.bdsForm.record()").get("location") or {})
    page.set_viewport_size({"width": 375, "height": 900})
    page.check(f"#f-location-visibility-{option_index(page, 'location.visibility', 'zone-only')}")
    page.locator("#g-location").scroll_into_view_if_needed()
    page.locator("#g-location").screenshot(path=str(form_shots / "proponi-luogo-protetto-375.png"))
    # The browser's net agrees with the validator on ordinary text and on the common leaks.
    for text in NOT_LEAKS:
        assert page.evaluate("t => window.bdsForm.leakOf(t)", text) is None, text
    common = [t for texts in LEAKS.values() for t in texts if "&" not in t and not t.startswith("in via")]
    missed = [t for t in common if page.evaluate("t => window.bdsForm.leakOf(t)", t) is None]
    assert len(missed) <= len(common) // 10, missed
