"""Protected places (issue 10): the rule, the scan of their text, partners at a protected place, and a
build-wide proof that no protected address, coordinate or map link reaches any output file."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import io
import json
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from bds import protected
from bds.content import Project, load_content
from bds.web import build, qr
from conftest import REPO, TODAY, run_cli

# -- The rule ------------------------------------------------------------------------------------------


def _listing(**over) -> dict:
    base = {
        "id": "x",
        "title": "Pranzo insieme",
        "kind": "social",
        "axes": ["social"],
        "location": {"name": "Sala civica", "visibility": "public"},
    }
    base.update(over)
    return base


@pytest.mark.parametrize(
    "record,expected",
    [
        (_listing(), False),
        (_listing(kind="housing"), True),
        (_listing(location={"name": "Sala civica", "visibility": "zone-only"}), True),
        (_listing(location={"name": "Sala civica"}), True),  # no visibility yet: fail closed
        (
            _listing(axes=["housing"], location={"name": "Appartamento del gruppo", "visibility": "public"}),
            True,
        ),
        (_listing(axes=["housing"], title="Sostegno a casa tua"), True),
        (_listing(axes=["housing"], title="Comunità alloggio di zona"), True),
        # A course about living alone, in a public room: not a home.
        (_listing(axes=["housing"], title="Corso per gestire la casa"), False),
        # A home on another axis is not housing by the rule (and the word alone does not make it so).
        (_listing(axes=["social"], location={"name": "Appartamento", "visibility": "public"}), False),
        ("not a record", True),
    ],
)
def test_one_rule_decides_which_places_are_protected(record, expected):
    assert protected.is_protected(record) is expected


def test_the_site_hides_every_protected_place_by_the_same_rule():
    from bds.web import model

    home = _listing(
        axes=["housing"], location={"name": "Appartamento", "address": "Via X 1", "visibility": "public"}
    )
    assert model.public_address(home) is None and model.public_place_name(home) is None
    public = _listing(location={"name": "Sala civica", "address": "Via X 1", "visibility": "public"})
    assert model.public_address(public) == "Via X 1"


# -- The scan ------------------------------------------------------------------------------------------

LEAKS = {
    protected.ADDRESS: [
        "Via Roma 12",
        "in via Padova, 12 a Milano",
        "Viale Monza 140/A",
        "P.zza Duomo 1",
        "Corso di Porta Romana 12, Milano",
        "Via XX Settembre 3",
        "Via 4 Novembre 12",
        "via dell'Annunciata 3",
        "Alzaia Naviglio Grande 66",
        "Ripa di Porta Ticinese 5",
        "Largo Augusto 7.",
        "Piazzale Loreto n. 3",
        "civico 12",
        "Via&nbsp;Roma&nbsp;12",  # a character reference is what a reader sees
        "**Via Roma** 12",  # Markdown emphasis too
        "Via Roma １２",  # fullwidth digits
    ],
    protected.POSTCODE: ["20121 Milano", "CAP 20121", "c.a.p. 20121"],
    protected.BUILDING: [
        "interno 4",
        "int. 5",
        "scala B",
        "al 3° piano",
        "terzo piano",
        "piano 2",
        "citofono Rossi",
    ],
    protected.COORDINATES: [
        "45.4642, 9.1900",
        "45,46421 9,19001",
        "N 45.4642 E 9.19",
        "45°27'51\"N",
        "lat: 45.4642",
    ],
    protected.PLUS_CODE: ["8FQFQ9X4+2X", "Q9X4+2X Milano", "8FQF0000+"],
    protected.MAP_LINK: [
        "https://maps.app.goo.gl/abc",
        "https://www.google.com/maps/place/x",
        "www.google.it/maps/@45.1,9.1",
        "goo.gl/maps/xyz",
        "https://www.openstreetmap.org/#map=18/45.4/9.1",
        "osm.org/go/xyz",
        "https://maps.apple.com/?q=x",
        "https://www.bing.com/maps?q=x",
        "https://wego.here.com/x",
        "https://waze.com/ul?ll=1",
        "geo:45.46,9.19",
        "///parola.altra.terza",
        "https://mappe.comune.example/x",
    ],
}
NOT_LEAKS = [
    "Via libera alle iscrizioni dal 15 settembre",
    "Il progetto parte nel 2026.",
    "Costa 350 euro al mese, 1.200, 1.500 o 2.000 euro",
    "Telefono 02 1234 5678",
    "Ci vediamo dalle 15.30 - 17.30",
    "Scrivici via email 3 volte",
    "Corso di cucina 2026",
    "L'appartamento è al piano terra, senza scalini",
    "in primo piano",
    "su una scala da 1 a 10",
    "https://www.example.org/dir/casa",
    "https://www.nowhere.com/x",
    "https://www.bing.com/search?q=casa",
    "12000 Euro",
    "il 12.05.2026",
    "e così via, 3 persone",
    "Piazza Duomo dalle 15 alle 17",
    "all'interno del cortile",
    "Contatti via whatsapp 333 1234567",
    "versione 1.2.3",
    "Gruppo di 12 persone in via di definizione",
]


@pytest.mark.parametrize("what,text", [(w, t) for w, texts in LEAKS.items() for t in texts])
def test_each_leak_class_is_found(what, text):
    assert what in [leak.what for leak in protected.scan_text(text)]


@pytest.mark.parametrize("text", NOT_LEAKS)
def test_ordinary_text_is_not_a_leak(text):
    assert protected.scan_text(text) == []


@pytest.mark.parametrize(
    "slug,found",
    [
        ("casa-via-padova-12", True),
        ("appartamento-20121-milano", True),
        ("opportunita-00004", False),
        ("casa-interno-4", True),
        ("housing-protetto-corvetto", False),
        ("corso-haccp-2026", False),
        ("via-roma-2026", False),
    ],
)
def test_ids_and_file_names_are_scanned(slug, found):
    assert bool(protected.scan_slug(slug)) is found


HOSTILE = [
    "a" * 300_000,
    "Via " * 75_000,
    "Via A" * 60_000,
    "Via A A A A A A A A 1" * 15_000,
    "via a a a a a a 1 " * 16_700,
    "Via dell'" * 33_000,
    "1." * 150_000,
    "1" * 300_000,
    "+" * 300_000,
    "C" * 300_000,
    "CFGH " * 60_000,
    "45.4642 " * 37_000,
    "20121 " * 50_000,
    "piano " * 50_000,
    "https://" * 37_500,
    "www." * 75_000,
    "///a.b.c " * 33_000,
    "&amp;" * 60_000,
    "Via Roma, 1.2 45.1 N 9°1' scala B piano 3 " * 7_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:12]))
def test_the_scan_is_linear(text):
    assert len(text) >= 290_000
    started = time.process_time()
    protected.scan_text(text)
    protected.scan_slug(text)
    protected.dwelling_address_sentence(text)
    assert time.process_time() - started < 1.0


# -- Partners at a protected place ---------------------------------------------------------------------

SEAT_LISTING = """id: casa-in-sede
title: Casa condivisa
kind: housing
axes: [housing]
partner: coop-esempio
summary: Una casa da condividere con altre due persone.
description: Tre stanze e una cucina in comune.
audience: [cps-users]
access: via-case-manager
zones: [zona-nord]
location:
  name: Sede della cooperativa
  visibility: zone-only
contact:
  email: casa@example.org
status: open
reviewed: "2026-05-01"
"""


def _findings(root: Path, *paths) -> list[tuple[str, str, str]]:
    run = run_cli(["--root", root, "validate", *paths, "--format", "json", "--today", TODAY])
    assert "Traceback" not in run.err
    return sorted((f["file"], f["code"], f["field"]) for f in run.json())


def test_partner_address_at_a_protected_place_is_an_error_on_both_records(project_copy):
    partner = project_copy / "content" / "partners" / "coop-esempio.yml"
    data = yaml.safe_load(partner.read_text(encoding="utf-8"))
    listing = project_copy / "opportunities" / "casa-in-sede.yml"
    listing.write_text(SEAT_LISTING, encoding="utf-8")
    assert _findings(project_copy) == []  # the seat has no published address: nothing to hide
    data["contact"]["address"] = "Via delle Prove 5, Borgoprova"
    partner.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _findings(project_copy) == [
        ("content/partners/coop-esempio.yml", "PARTNER_ADDRESS_PROTECTED", "contact.address"),
        ("opportunities/casa-in-sede.yml", "PROTECTED_AT_PUBLIC_SEAT", "location.name"),
    ]
    run = run_cli(["--root", project_copy, "validate", "--today", TODAY])
    assert run.code == 1 and "Via delle Prove" not in run.out + run.err  # never echoed
    # The same place named after the partner, not «sede», coincides too.
    listing.write_text(SEAT_LISTING.replace("Sede della cooperativa", data["name"]), encoding="utf-8")
    assert ("opportunities/casa-in-sede.yml", "PROTECTED_AT_PUBLIC_SEAT", "location.name") in _findings(
        project_copy
    )
    # A protected place elsewhere (only the zone) does not make the partner's own address private.
    listing.write_text(SEAT_LISTING.replace("Sede della cooperativa", "Zona nord"), encoding="utf-8")
    assert _findings(project_copy) == []


def test_partner_text_at_the_seat_is_scanned(project_copy):
    partner = project_copy / "content" / "partners" / "coop-esempio.yml"
    data = yaml.safe_load(partner.read_text(encoding="utf-8"))
    data["description"] = "La cooperativa ha sede in Piazza delle Prove 9 e accoglie chi cerca casa."
    partner.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _findings(project_copy) == []  # a public seat may have its address in the text
    (project_copy / "opportunities" / "casa-in-sede.yml").write_text(SEAT_LISTING, encoding="utf-8")
    assert _findings(project_copy) == [
        ("content/partners/coop-esempio.yml", "PARTNER_ADDRESS_PROTECTED", "description"),
        ("opportunities/casa-in-sede.yml", "PROTECTED_AT_PUBLIC_SEAT", "location.name"),
    ]


def test_address_in_a_file_name_is_found_even_when_the_id_differs(project_copy):
    target = project_copy / "opportunities" / "casa-via-dei-tigli-8.yml"
    target.write_text(SEAT_LISTING.replace("Sede della cooperativa", "Zona nord"), encoding="utf-8")
    found = _findings(project_copy)
    assert ("opportunities/casa-via-dei-tigli-8.yml", "PROTECTED_TEXT_ADDRESS", "nome del file") in found
    assert ("opportunities/casa-via-dei-tigli-8.yml", "ID_MISMATCH", "id") in found


def test_messages_never_echo_the_address(project_copy):
    secret = "Via Segretissima 41"
    text = SEAT_LISTING.replace("Tre stanze e una cucina in comune.", f"La casa è in {secret}.")
    (project_copy / "opportunities" / "casa-in-sede.yml").write_text(
        text.replace("Sede della cooperativa", "Zona nord"), encoding="utf-8"
    )
    for fmt in ("text", "json"):
        run = run_cli(["--root", project_copy, "validate", "--format", fmt, "--today", TODAY])
        assert run.code == 1 and "PROTECTED_TEXT_ADDRESS" in run.out + run.err
        assert "Segretissima" not in run.out + run.err


# -- Build-wide: nothing protected in any output file --------------------------------------------------

CANARY = "Canarino"
CANARY_COORDINATES = "45.4711223, 9.1711223"


def _output_texts(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            out[path.relative_to(site).as_posix()] = raw.decode("utf-8", errors="replace")
    return out


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory):
    """The shipped content, built; plus the same content with canaries in the location fields of every
    protected place (fields the validator forbids, so they are put in memory, past the validator)."""
    today = dt.date.fromisoformat("2026-12-01")
    project = Project(REPO)
    clean = tmp_path_factory.mktemp("shipped") / "site"
    assert run_cli(["--root", REPO, "build", "--out", clean, "--today", today.isoformat()]).code == 0
    content = load_content(project)
    docs = dict(content.opportunities)
    # One more protected place by the third criterion: a home on the housing axis, marked public.
    base = next(d for d in docs.values() if d.ok and d.data["id"] == "laboratorio-cucina-insieme")
    home = dict(base.data, id="pranzo-in-appartamento", axes=["social", "housing"])
    home["location"] = {"name": "Appartamento", "visibility": "public"}
    docs["opportunities/pranzo-in-appartamento.yml"] = dataclasses.replace(
        base, path="opportunities/pranzo-in-appartamento.yml", data=home
    )
    ids = []
    for key, doc in list(docs.items()):
        if doc.ok and protected.is_protected(doc.data):
            data = dict(doc.data)
            data["location"] = dict(
                data["location"],
                name=f"{data['location']['name']} {CANARY}",
                address=f"Vicolo {CANARY} 77, {CANARY_COORDINATES}",
            )
            docs[key] = dataclasses.replace(doc, data=data)
            ids.append(data["id"])
    content = dataclasses.replace(content, opportunities=docs)
    payloads: list[tuple[str, str]] = []
    original = qr.svg

    def recording(url, label):
        payloads.append((url, label))
        return original(url, label)

    qr.svg = recording
    processes = os.environ.get(build.PROCESSES_ENV)
    os.environ[build.PROCESSES_ENV] = "1"  # every code drawn here, where it is recorded (not in a child)
    try:
        canaries = tmp_path_factory.mktemp("canaries") / "site"
        build.build_site(project, canaries, today, log=io.StringIO(), content=content, validate=False)
    finally:
        qr.svg = original
        if processes is None:
            os.environ.pop(build.PROCESSES_ENV, None)
        else:
            os.environ[build.PROCESSES_ENV] = processes
    return clean, canaries, ids, payloads


def test_no_protected_location_field_reaches_any_output_file(shipped_build):
    _, site, ids, payloads = shipped_build
    assert len(ids) >= 9 and "pranzo-in-appartamento" in ids
    texts = _output_texts(site)
    kinds = {name.rsplit(".", 1)[-1] for name in texts}
    assert {"html", "json", "csv", "ics", "xml", "gz"} <= kinds  # pages, exports, calendar, sitemap, feeds
    assert any("search" in name for name in texts)  # the search index is scanned too
    for name, text in texts.items():
        assert CANARY.casefold() not in text.casefold(), name
        assert "4711223" not in text and "1711223" not in text, name
    # QR codes encode the page address only, and no protected page address says where the place is.
    protected_pages = [(url, label) for url, label in payloads if any(f"/{i}/" in url for i in ids)]
    assert len(protected_pages) >= 6  # every protected place with a page (closed ones have none)
    for url, label in payloads:
        assert CANARY not in url + label
        assert protected.scan_text(label) == [] or not any(f"/{i}/" in url for i in ids)
    for listing_id in ids:
        assert protected.scan_slug(listing_id) == []


def test_shipped_protected_pages_and_exports_say_only_the_zone(shipped_build):
    site, _, ids, _ = shipped_build
    texts = _output_texts(site)
    shipped = [i for i in ids if f"opportunita/{i}/index.html" in texts]  # closed ones have no page
    assert len(shipped) >= 6
    for listing_id in shipped:
        page = texts[f"opportunita/{listing_id}/index.html"]
        main = re.search(r"<article.*?</article>", page, re.S)
        visible = re.sub(r"<[^>]+>", " ", main.group(0) if main else page)
        assert protected.scan_text(visible) == [], listing_id
        assert "per riservatezza si indica solo la zona" in page
    for name, text in texts.items():
        # Scripts (the form's own net names map hosts), and their pre-compressed copies (same bytes).
        # The theme's assets of each language's site too (ar/assets/..., a multilingual territory).
        if re.match(r"(?:[a-z]{2}/)?assets/", name) or name.endswith((".js", ".js.gz")):
            continue
        leaks = {leak.what for leak in protected.scan_text(text)}
        # No coordinates, plus codes or map links anywhere on the site (it makes no third-party request).
        assert not leaks & {protected.COORDINATES, protected.PLUS_CODE, protected.MAP_LINK}, name
    listings = json.loads(texts["dati/opportunita.json"])
    rows = (
        listings if isinstance(listings, list) else next(v for v in listings.values() if isinstance(v, list))
    )
    by_id = {row.get("id"): row for row in rows if isinstance(row, dict)}
    assert sum(i in by_id for i in shipped) >= 6
    for row in csv.DictReader(io.StringIO(texts["dati/opportunita.csv"].lstrip("\ufeff"))):
        if row["id"] in shipped:
            assert row["indirizzo"] == "" and row["luogo"] == "", row["id"]
    for listing_id in shipped:
        if listing_id in by_id:
            row = json.dumps(by_id[listing_id], ensure_ascii=False)
            assert not by_id[listing_id].get("indirizzo") and "geo" not in row and "latitude" not in row


def test_a_protected_listing_with_an_address_in_shown_text_is_never_built(project_copy, tmp_path):
    text = SEAT_LISTING.replace("Sede della cooperativa", "Zona nord").replace(
        "Tre stanze e una cucina in comune.", "La casa è in Via delle Prove 5, al terzo piano."
    )
    (project_copy / "opportunities" / "casa-in-sede.yml").write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    run = run_cli(["--root", project_copy, "build", "--out", out, "--today", TODAY])
    assert run.code == 1 and "PROTECTED_TEXT_ADDRESS" in run.out + run.err
    assert not out.exists()
