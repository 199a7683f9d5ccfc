"""schema.org JSON-LD on the listing pages, checked with the consumers' own rules.

- schema.org's published vocabulary (release 30.0, vendored extract in tests/vendor/schemaorg/): every
  property of every node exists on its type (domainIncludes, supertypes included), every nested type is
  in the property's range, every enumeration value is a member;
- Google's documented required and recommended properties per type (tests/vendor/google/), with the
  recommended ones we leave out named here with the reason;
- what the listing says: JobPosting only for open jobs and internships with a first publication date,
  no JobPosting for volunteering, the price as the listing states it, no street for protected places.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bds import cli, protected
from bds.web import jsonld
from conftest import REPO

TODAY = "2026-12-01"
VENDOR = REPO / "tests" / "vendor"
VOCAB = json.loads((VENDOR / "schemaorg" / "vocabulary.json").read_text(encoding="utf-8"))
GOOGLE = json.loads((VENDOR / "google" / "structured-data.json").read_text(encoding="utf-8"))
SCHEMA = "https://schema.org/"
LITERAL_RANGES = {
    str: {"Text", "URL", "Date", "DateTime", "Time", "Duration"},
    bool: {"Boolean"},
    int: {"Number", "Integer"},
    float: {"Number"},
}
# Recommended by Google, left out on purpose.
NOT_APPLICABLE = {
    "JobPosting": {
        "applicantLocationRequirements": "only for remote jobs: every listing happens in a place",
        "jobLocationType": "only for fully remote jobs (TELECOMMUTE)",
        "validThrough": "given when the listing has a deadline or an end; an open-ended job has none",
        "baseSalary": "given when the listing states a stipend",
    },
    "Event": {
        "image": "listings carry no pictures",
        "performer": "courses, workshops and groups have no performers",
        "previousStartDate": "only for rescheduled events",
    },
}
NOT_APPLICABLE_NESTED = {
    "jobLocation.address": {"streetAddress", "postalCode"},  # no street for protected places; no CAP kept
    "location.address": {"streetAddress", "postalCode"},
    "offers": {"validFrom", "price", "priceCurrency"},  # covered by the Budget di Salute: no public price
    "hiringOrganization": {"sameAs"},  # when the partner has no website
    "organizer": {"url"},
}


def _ancestors(name: str) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(VOCAB["classes"].get(current, []))
    return seen


def vocabulary_problems(node: dict, where: str = "") -> list[str]:
    """schema.org's rules for one node and everything nested in it."""
    kind = node.get("@type")
    if kind not in VOCAB["classes"]:
        return [f"{where}@type {kind}: not a schema.org type"]
    problems = []
    types = _ancestors(kind)
    for key, value in node.items():
        if key in ("@context", "@type"):
            continue
        prop = VOCAB["properties"].get(key)
        if prop is None or not set(prop["domainIncludes"]) & types:
            problems.append(f"{where}{kind}.{key}: not a property of {kind}")
            continue
        ranges = set(prop["rangeIncludes"])
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                if not _ancestors(str(item.get("@type"))) & ranges:
                    problems.append(f"{where}{kind}.{key}: {item.get('@type')} not in range {sorted(ranges)}")
                problems += vocabulary_problems(item, f"{where}{kind}.{key}.")
            elif isinstance(item, str) and item.startswith(SCHEMA):
                member = item.removeprefix(SCHEMA)
                if not any(member in VOCAB["enumerations"].get(r, []) for r in ranges):
                    problems.append(f"{where}{kind}.{key}: {member} is no member of {sorted(ranges)}")
            elif not LITERAL_RANGES.get(type(item), set()) & ranges:
                problems.append(f"{where}{kind}.{key}: a {type(item).__name__} is not in {sorted(ranges)}")
    return problems


def _get(node: dict, path: str):
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def google_problems(node: dict) -> list[str]:
    """Google's required and recommended properties for the node's type (unknown types: none)."""
    rules = GOOGLE["types"].get(node.get("@type"))
    if rules is None:
        return []
    kind = node["@type"]
    problems = [f"{kind}: required {p} missing" for p in rules["required"] if p not in node]
    for prop in rules["recommended"]:
        if prop not in node and prop not in NOT_APPLICABLE[kind]:
            problems.append(f"{kind}: recommended {prop} missing")
    for path, names in rules["nested_required"].items():
        inner = _get(node, path)
        problems += [
            f"{kind}: required {path}.{n} missing"
            for n in names
            if not isinstance(inner, dict) or n not in inner
        ]
    for path, names in rules["nested_recommended"].items():
        inner = _get(node, path)
        if isinstance(inner, dict):
            skip = NOT_APPLICABLE_NESTED.get(path, set())
            problems += [
                f"{kind}: recommended {path}.{n} missing" for n in names if n not in inner and n not in skip
            ]
    if kind == "JobPosting":
        if node.get("employmentType") not in GOOGLE["enumerations"]["employmentType"]:
            problems.append("JobPosting: employmentType not in Google's list")
        if "<p>" not in str(node.get("description", "")):
            problems.append("JobPosting: description is not HTML with paragraphs")
        unit = _get(node, "baseSalary.value.unitText")
        if unit is not None and unit not in GOOGLE["enumerations"]["unitText"]:
            problems.append("JobPosting: baseSalary unitText not in Google's list")
    return problems


def listing_problems(node: dict | None, record: dict) -> list[str]:
    """What the listing says against what its markup says."""
    kind, lid = record["kind"], record["id"]
    typ = (node or {}).get("@type")
    problems = []
    if typ == "JobPosting":
        if kind not in ("job", "internship"):
            problems.append(f"{lid}: a {kind} listing is no job posting")
        if record.get("status") != "open":
            problems.append(f"{lid}: JobPosting for a {record.get('status')} position")
        if node.get("datePosted") != str(record.get("published")):
            problems.append(f"{lid}: datePosted is not the first publication date")
        dates = record.get("dates") or {}
        limit = dates.get("deadline") or dates.get("end")
        if limit and node.get("validThrough") != str(limit):
            problems.append(f"{lid}: validThrough is not the deadline or the end")
        if record.get("stipend") is not None and _get(node, "baseSalary.value.value") != record["stipend"]:
            problems.append(f"{lid}: baseSalary is not the stipend")
    elif kind in ("job", "internship") and record.get("status") == "open" and record.get("published"):
        problems.append(f"{lid}: open position without JobPosting")
    if kind == "volunteering" and node:
        problems.append(f"{lid}: volunteering marked up as {typ}")
    if typ == "Event":
        offer, cost = node.get("offers") or {}, record.get("cost")
        if cost == "budget" and (node.get("isAccessibleForFree") or "price" in offer):
            problems.append(f"{lid}: covered by the budget, marked as free or priced")
        if isinstance(cost, (int, float)) and offer.get("price") != cost:
            problems.append(f"{lid}: the price {cost} is not in offers")
        if cost == "free" and offer.get("price") != 0:
            problems.append(f"{lid}: free but no price 0")
        if record.get("status") == "full" and offer.get("availability") != SCHEMA + "SoldOut":
            problems.append(f"{lid}: full but not SoldOut")
    for path in ("jobLocation", "location"):
        place = (node or {}).get(path)
        if isinstance(place, dict):
            address = place.get("address") or {}
            if address.get("addressCountry") != "IT" or address.get("addressLocality") != "Milano":
                problems.append(f"{lid}: {path} address without locality Milano and country IT")
            if protected.is_protected(record) and (
                "streetAddress" in address or place["name"] == record["location"]["name"]
            ):
                problems.append(f"{lid}: protected place with its street or name")
    return problems


def markup(page: Path) -> list[dict]:
    text = page.read_text(encoding="utf-8")
    return [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jsonld") / "site"
    assert cli.main(["--root", str(REPO), "build", "--out", str(out), "--today", TODAY]) == 0
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, tuple[dict | None, dict]]:
    records = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (REPO / "opportunities").glob("*.yml")
    }
    out = {}
    for page in sorted((site / "opportunita").glob("*/index.html")):
        nodes = markup(page)
        assert len(nodes) <= 1, page
        out[page.parent.name] = (nodes[0] if nodes else None, records[page.parent.name])
    return out


def test_every_property_exists_on_its_type(pages):
    nodes = [node for node, _ in pages.values() if node]
    assert len(nodes) >= 40
    assert [p for node in nodes for p in vocabulary_problems(node)] == []


def test_google_required_and_recommended_properties(pages):
    assert [p for node, _ in pages.values() if node for p in google_problems(node)] == []


def test_markup_says_what_the_listing_says(pages):
    assert [p for node, record in pages.values() for p in listing_problems(node, record)] == []


def test_types_chosen_per_kind(pages):
    types = {lid: (node or {}).get("@type") for lid, (node, _) in pages.items()}
    kinds = {lid: record["kind"] for lid, (_, record) in pages.items()}
    assert {t for lid, t in types.items() if kinds[lid] == "volunteering"} == {None}
    assert {t for lid, t in types.items() if kinds[lid] == "housing"} == {"Service"}
    assert types["lavoro-bistrot-giambellino"] is None  # full: «Al momento i posti sono coperti»
    assert types["tirocinio-logistica-vigentino"] is None  # full
    assert types["tirocinio-biblioteca-brera"] == "JobPosting"
    assert types["gruppo-pari-centro"] == "Service"  # peer support: a service, not a job
    assert types["corso-gestire-la-casa"] == "Event"
    assert {"JobPosting", "Event", "Service"} == set(types.values()) - {None}


def test_events_with_a_timetable_carry_times_and_schedule(pages):
    node, _ = pages["corso-per-diventare-esp"]
    assert node["startDate"] == "2027-03-01T14:00:00+01:00"
    assert node["endDate"] == "2027-07-14T18:00:00+02:00"  # summer time by then
    schedule = node["eventSchedule"]
    assert schedule["byDay"] == [SCHEMA + "Monday", SCHEMA + "Wednesday"]
    assert schedule["exceptDate"] == ["2027-03-29"] and schedule["repeatFrequency"] == "P1W"
    assert node["offers"]["price"] == 120 and node["offers"]["priceCurrency"] == "EUR"
    budget, _ = pages["laboratorio-pittura-brera"]  # cost: budget
    assert "isAccessibleForFree" not in budget and "price" not in budget["offers"]
    full, _ = pages["laboratorio-teatro-niguarda"]
    assert full["offers"]["availability"] == SCHEMA + "SoldOut"


def test_protected_places_have_no_place_in_services(pages):
    for node, record in pages.values():
        if node and protected.is_protected(record):
            text = json.dumps(node, ensure_ascii=False)
            assert record["location"]["name"] not in text or record["location"]["name"] in record["title"]
            assert "streetAddress" not in text and "location" not in node


def test_the_checks_can_fail():
    """Each checker flags a broken node: they are not written to pass whatever we emit."""
    bad = {"@type": "JobPosting", "title": "x", "areaServed": "Milano", "eventStatus": SCHEMA + "InStock"}
    found = vocabulary_problems(bad)
    assert any("areaServed" in p for p in found) and any("eventStatus" in p for p in found)
    assert vocabulary_problems({"@type": "Event", "location": {"@type": "MonetaryAmount"}})
    assert any("datePosted" in p for p in google_problems(bad))
    record = {"id": "v", "kind": "volunteering", "status": "open", "location": {"name": "x"}}
    assert listing_problems({"@type": "JobPosting"}, record)
    assert listing_problems(
        {"@type": "Event", "offers": {"price": 0}, "isAccessibleForFree": True},
        {**record, "kind": "social", "cost": "budget"},
    )


def test_locality_from_the_territory():
    assert jsonld.locality({"territory": "Città di Milano"}) == "Milano"
    assert jsonld.locality({"territory": "Comune di Bergamo"}) == "Bergamo"
    assert jsonld.locality({"territory": "Città di Milano", "locality": "Milano città"}) == "Milano città"
