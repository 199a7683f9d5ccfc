"""What a person needs from the site (issue 13): the CPS of their neighbourhood with its contacts, the
urgent-help numbers, what a job or an internship pays, places that never contradict the status, dates
in words, and guides whose mentions are links."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from bds.content import Project, load_content
from bds.web import engine, generate, model, render, services, synthetic
from bds.web.context import SiteContext

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def shipped() -> SiteContext:
    """The shipped Milan content, as the site is built from it."""
    return generate.context_from_content(load_content(Project(REPO)), TODAY)


def test_every_shipped_cps_has_what_a_person_needs_marked_as_example(shipped):
    cpss = services.directory(shipped.territory)
    declared = [c for s in shipped.territory["health_services"] for c in s["cps"]]
    assert len(cpss) == len(declared) >= 7
    for cps in cpss:
        assert cps.address and cps.phone and cps.hours and cps.booking and cps.areas, cps.id
        assert cps.example  # invented contacts are always shown as examples


def test_each_zone_and_neighbourhood_leads_to_its_cps(shipped):
    index = {
        key: [c.id for c in found]
        for _, key, found in services.area_index(services.directory(shipped.territory))
    }
    assert index["affori"] == ["cps-niguarda"]
    assert index["citta studi"] == ["cps-crescenzago"]
    assert index["municipio 9"] == ["cps-niguarda"]
    for zone in shipped.territory["zones"]:  # every zone and every area of a zone finds a CPS
        assert index[services.finder_key(zone["label"])], zone["id"]
        for area in zone.get("areas") or []:
            assert index[services.finder_key(area)], area


@pytest.mark.parametrize("typed", ["Città Studi", "citta studi", "CITTÀ-STUDI", "  città   studi "])
def test_finder_key_ignores_accents_case_and_punctuation(typed):
    assert services.finder_key(typed) == "citta studi"


def test_cps_page_shows_phone_as_link_hours_booking_and_the_example_badge(shipped):
    page = services.cps_page(shipped).body
    assert 'href="tel:+390200001101"' in page and "02 0000 1101" in page  # CPS Niguarda
    assert page.count('class="bds-cps"') == len(services.directory(shipped.territory))
    assert "Orari</dt>" in page and "Come avere un appuntamento</dt>" in page
    assert "Esempio: indirizzo, telefono e orari sono inventati" in page
    # without JavaScript: a plain A-Z list of neighbourhoods, each a link to its CPS card
    assert re.search(r'<li data-n="affori" data-c="cps-niguarda"><a href="#cps-niguarda">Affori</a>', page)
    assert '<form class="bds-finder" id="bds-cps-finder" hidden' in page  # shown by bds.js only


def test_crisis_numbers_come_from_the_territory(shipped):
    entries = services.crisis_entries(shipped.territory)
    assert any(e.get("phone") not in (None, "112") for e in entries)  # more than 112
    for page in (services.cps_page(shipped).body, render.home(shipped).body):
        assert 'id="aiuto-urgente"' in page
        for entry in entries:
            assert entry["name"].replace("'", "&#x27;") in page
    assert 'href="tel:116117"' in services.cps_page(shipped).body


def test_without_crisis_numbers_112_is_still_there():
    territory = synthetic.territory()
    territory.pop("crisis", None)
    ctx = SiteContext.create(territory, [], [], [], [], TODAY)
    assert 'href="tel:112"' in services.cps_page(ctx).body


def test_a_cps_without_contacts_says_who_to_ask():
    territory = synthetic.territory()
    ctx = SiteContext.create(territory, [], [], [], [], TODAY)
    page = services.cps_page(ctx).body
    assert (
        "Non ancora indicato" in page
        and "Esempio" not in page.split('id="elenco"')[1].split("aiuto-urgente")[0]
    )


def test_home_and_guides_link_to_the_cps_page(shipped):
    assert '<a href="cps/"><strong>Trova il CPS della tua zona</strong></a>' in render.home(shipped).body
    for guide in shipped.guides:
        path = f"guide/{guide['slug']}.md"
        page = render.guide_page(guide, shipped, path).body
        body = re.sub(r"<a [^>]*>.*?</a>", "", page.split("</h1>", 1)[1], flags=re.S)
        for mention in (
            "CPS della tua zona",
            "CPS della zona in cui abiti",
            "filtro «",
            "scrivi al coordinamento",
        ):
            assert mention not in body, (guide["slug"], mention)
        assert "](@" not in page and 'href="@' not in page, guide["slug"]


def test_guide_links_by_id_resolve_from_the_page_or_drop_to_text(shipped):
    source = (
        "[CPS](@cps#aiuto-urgente) [f](@catalogo?tipo=family-support) [g](@guida/come-accedere) "
        "[x](@guida/non-esiste) [m](@coordinamento)"
    )
    html = render.resolve_guide_links(source, shipped, "guide/per-le-famiglie.md")
    assert "[CPS](../../cps/#aiuto-urgente)" in html
    assert "[f](../../opportunita/?tipo=family-support)" in html
    assert "[g](../come-accedere/)" in html
    assert " x " in html and "non-esiste" not in html
    assert "[m](mailto:coordinamento@bds-milano.example)" in html


def _record(**changes) -> dict:
    import random

    record = synthetic.listing(1, random.Random(1), 3, TODAY)
    record.update(changes)
    return record


def _facts(page: str) -> dict[str, str]:
    return {k: re.sub(r"<[^>]+>", "", v) for k, v in re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", page)}


def test_a_job_says_what_it_pays_and_that_it_costs_nothing():
    job = _record(id="lavoro", kind="job", cost="free", pay="Part-time 20 ore, circa 750 € netti al mese.")
    job.pop("stipend", None)
    ctx = SiteContext.create(synthetic.territory(), [job], [], [], [], TODAY)
    facts = _facts(render.listing_page(ctx.listings[0], ctx, model.listing_path("lavoro")).body)
    assert facts["Paga"] == "Part-time 20 ore, circa 750 € netti al mese."
    assert facts["Costo per te"].startswith("Nessuno") and "Costo" not in facts
    assert "Retribuito" in render.listing_item(ctx.listings[0], ctx, "opportunita/index.md")


def test_an_internship_shows_its_stipend_on_the_page_and_in_the_list():
    item = _record(id="tirocinio", kind="internship", cost="free", stipend=300)
    ctx = SiteContext.create(synthetic.territory(), [item], [], [], [], TODAY)
    assert _facts(render.listing_page(ctx.listings[0], ctx, model.listing_path("tirocinio")).body)[
        "Paga"
    ] == ("Indennità di € 300 al mese")
    assert "Indennità € 300 al mese" in render.listing_item(ctx.listings[0], ctx, "opportunita/index.md")


def test_other_kinds_keep_their_cost():
    item = _record(id="corso", kind="training", cost="free")
    ctx = SiteContext.create(synthetic.territory(), [item], [], [], [], TODAY)
    facts = _facts(render.listing_page(ctx.listings[0], ctx, model.listing_path("corso")).body)
    assert facts["Costo"] == "Gratuito" and "Paga" not in facts


def test_places_and_full_status_never_contradict():
    full = _record(id="piena", status="full", places=2)
    ctx = SiteContext.create(synthetic.territory(), [full], [], [], [], TODAY)
    facts = _facts(render.listing_page(ctx.listings[0], ctx, model.listing_path("piena")).body)
    assert facts["Stato"] == "Posti esauriti"
    assert facts["Posti"].startswith("Tutti occupati") and not re.match(r"^\d", facts["Posti"])
    shipped = yaml.safe_load((REPO / "opportunities" / "lavoro-bistrot-giambellino.yml").read_text("utf-8"))
    assert shipped["status"] == "full" and shipped["places"] == 2  # the case seen on the site


def test_dates_are_in_words_with_the_weekday():
    item = _record(id="corso", dates={"start": "2026-01-12", "end": "2026-03-27", "deadline": "2026-01-09"})
    assert render.when_html(item).split("<br>")[:2] == [
        "Da lunedì 12 gennaio 2026 a venerdì 27 marzo 2026",
        "Iscrizioni entro venerdì 9 gennaio 2026",
    ]
    assert model.italian_day("2026-12-01") == "martedì 1 dicembre 2026"


def test_a_neighbourhood_name_finds_the_listings_of_its_zone(shipped):
    import json

    from bds.web.text import search_tokens

    index = json.loads(render.search_index(shipped))
    (affori,) = search_tokens("Affori")
    in_zone = {str(i["id"]) for i in shipped.listings if "municipio-9" in (i.get("zones") or [])}
    found = {key for key, stems in index.items() if f" {affori} " in f" {stems} "}
    assert in_zone and found == in_zone
    page = render.catalogue(shipped).body
    assert re.search(r'<span class="bds-zone-areas">Niguarda, Bicocca, Affori, Comasina', page)


def test_catalogue_counts_agree_and_kinds_can_follow_the_filters(shipped):
    page = render.catalogue(shipped).body
    now = sum(1 for i in shipped.listings if model.is_open_now(i, TODAY))
    assert f"{len(shipped.listings)} opportunità, {now} aperte ora" in page
    assert f'data-count-for="aperte:1">({now})' in page
    assert re.search(r'<li data-kind="internship"><a href="#tipo-internship">', page)
    assert 'class="md-button md-button--primary bds-jump" href="#bds-result"' in page


def test_the_header_search_finds_listings_first_with_clean_text(shipped):
    item = next(i for i in shipped.listings if i["id"] == "tirocinio-risocializzante-orto")
    listing_page = render.listing_page(item, shipped, model.listing_path(item["id"]))
    assert listing_page.searchable and listing_page.search_boost == 4  # in the header search, ahead of others
    assert "boost: 4" in engine.page_source(listing_page).split("---", 2)[1]
    page = listing_page.body
    hidden = re.search(r'<p class="bds-search-text" hidden>([^<]+)</p>', page).group(1)
    assert "Dove: Orto condiviso di Niguarda; Municipio 9 (Niguarda, Bicocca, Affori, Comasina)." in hidden
    assert "Paga: Indennità di € 300 al mese." in hidden and ".." not in hidden
    assert '<dl class="bds-facts" data-search-exclude>' in page
    assert "data-search-exclude>" in shipped.glossary.mark("<p>Il CPS ti segue.</p>", "t")  # no tooltip text


def test_a_big_catalogue_stays_out_of_the_header_search():
    import random

    many = [
        synthetic.listing(i, random.Random(i), 3, TODAY) for i in range(render.HEADER_SEARCH_MAX_LISTINGS + 1)
    ]
    ctx = SiteContext.create(synthetic.territory(), many, [], [], [], TODAY)
    listing_page = render.listing_page(ctx.listings[0], ctx, "opportunita/x.md")
    assert not listing_page.searchable
    assert "exclude: true" in engine.page_source(listing_page).split("---", 2)[1]


def test_a_health_service_page_links_to_its_cps_cards(shipped):
    page = render.partner_page(shipped.partners["asst-niguarda"], shipped, "enti/asst-niguarda.md").body
    assert '<a href="../../cps/#cps-niguarda">CPS Niguarda</a>: Municipio 9' in page


def test_a_guide_summary_sending_to_the_cps_gets_the_link(shipped):
    guide = next(g for g in shipped.guides if g["slug"] == "come-accedere")
    page = render.guide_page(guide, shipped, "guide/come-accedere.md").body
    box = page.split('class="bds-easy"', 1)[1].split("</div>", 1)[0]
    assert '<a href="../../cps/">Trova il CPS della tua zona</a>' in box
