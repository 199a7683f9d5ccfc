"""dati/hsds.json against Open Referral's own compiled HSDS 3.0 schemas (tests/vendor/hsds/), strict.

Strict as the specification's CI checks its examples (`compiletojsonschema
--set-additional-properties-false-everywhere`): every object schema gets additionalProperties false.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from bds import cells, protected
from bds import validate as validation
from bds.content import Project
from bds.web import exports, generate, model
from bds.web import hsds as hsds_export

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "tests" / "vendor" / "hsds"
TODAY = dt.date(2026, 12, 1)


def strict(schema):
    """additionalProperties false on every object schema (what the spec's own CI does)."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" or "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


PICK = {
    "service_package": lambda package: package,
    "service": lambda package: package["items"],  # = schema/compiled/service.json (see the README)
    "organization": lambda package: package["items"]["properties"]["organization"],
}


def validator(name: str, pick=None):
    schema = PICK[name](json.loads((VENDOR / "service_package.json").read_text(encoding="utf-8")))
    if pick:
        schema = pick(schema)
    schema = strict(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _term_schema(schema):
    return schema["properties"]["attributes"]["items"]["properties"]["taxonomy_term"]


@pytest.fixture(scope="module")
def shipped():
    result = validation.run(Project.find(ROOT), today=TODAY)
    assert not result.errors
    ctx = generate.context_from_content(result.content, TODAY, inline_qr=False)
    return ctx, json.loads(exports.hsds(ctx)), json.loads(exports.hsds_taxonomy(ctx))


def errors_of(check, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(instance)]


def test_the_whole_file_is_an_official_service_package(shipped):
    _, data, _ = shipped
    assert isinstance(data, list) and data
    assert errors_of(validator("service_package"), data) == []


def test_every_service_and_organization_validates_strictly(shipped):
    _, data, _ = shipped
    services, organizations = validator("service"), validator("organization")
    failing = [s["name"] for s in data if errors_of(services, s)]
    failing += [s["organization"]["name"] for s in data if errors_of(organizations, s["organization"])]
    assert failing == []


def test_strict_validation_can_fail():
    # The old export's attribute ({id, tag, value}) is rejected: the check is really strict.
    check = validator("service")
    bad = {
        "id": "8f1a8c47-5b7a-5b3b-9d5c-2d0e0f2f8a11",
        "name": "x",
        "status": "active",
        "attributes": [{"id": "8f1a8c47-5b7a-5b3b-9d5c-2d0e0f2f8a12", "tag": "peer_support", "value": "x"}],
    }
    assert any("tag" in e for e in errors_of(check, bad))
    assert errors_of(check, bad | {"status": "aperta"})


def test_taxonomy_terms_validate_and_every_used_term_is_published(shipped):
    _, data, taxonomy = shipped
    check = validator("service", _term_schema)
    assert [t["code"] for t in taxonomy if errors_of(check, t)] == []
    published = {t["id"]: t for t in taxonomy}
    assert len(published) == len(taxonomy)  # ids are unique

    def attributes(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "attributes":
                    yield from value
                else:
                    yield from attributes(value)
        elif isinstance(node, list):
            for value in node:
                yield from attributes(value)

    used = list(attributes(data))
    assert used and all(a["taxonomy_term_id"] in published for a in used)
    for attribute in used:
        term = dict(published[attribute["taxonomy_term_id"]])
        assert term.pop("taxonomy_detail")["id"] == term["taxonomy_id"]
        assert attribute["taxonomy_term"] == term


def test_kit_vocabulary_term_ids_do_not_depend_on_the_territory(shipped):
    ctx, _, taxonomy = shipped
    other = copy.copy(ctx)
    other.site_url = "https://altro.example/"
    again = {t["code"]: t["id"] for t in hsds_export.terms(other) if t["taxonomy"] == "bds-tipo"}
    assert "bds-tipo/housing" in again
    assert again == {t["code"]: t["id"] for t in taxonomy if t["taxonomy"] == "bds-tipo"}
    zones = {t["id"] for t in taxonomy if t["taxonomy"] == "bds-zona"}
    assert zones.isdisjoint(t["id"] for t in hsds_export.terms(other) if t["taxonomy"] == "bds-zona")


def test_every_shipped_open_listing_round_trips_with_its_key_facts(shipped):
    ctx, data, _ = shipped
    by_url = {s["url"]: s for s in data}
    assert len(by_url) == len(data) == len(ctx.listings) > 0
    for item in ctx.listings:
        found = by_url[ctx.url(model.listing_path(item["id"]))]
        assert found["name"] == item["title"]
        assert found["organization"]["name"] == ctx.partners[item["partner"]]["name"]
        assert [a["name"] for a in found["service_areas"]] == [ctx.labels.zones[z] for z in item["zones"]]
        zone_codes = [a["attributes"][0]["taxonomy_term"]["code"] for a in found["service_areas"]]
        assert zone_codes == [f"bds-zona/{z}" for z in item["zones"]]
        phone = (item.get("contact") or {}).get("phone")
        assert [p["number"] for p in found.get("phones", [])] == ([phone] if phone else [])
        codes = {a["taxonomy_term"]["code"] for a in found["attributes"]}
        assert {
            f"bds-tipo/{item['kind']}",
            f"bds-accesso/{item['access']}",
            *(f"bds-asse/{a}" for a in item["axes"]),
            *(f"bds-destinatari/{a}" for a in item["audience"]),
        } <= codes
        assert found["assured_date"] == item["reviewed"]
        if item.get("schedule"):
            assert found["schedules"][0]["description"] == item["schedule"]
        cost = item.get("cost")
        if isinstance(cost, (int, float)):
            assert found["cost_options"][0]["amount"] == cost
        for code in item.get("languages") or []:
            assert code in [lang["code"] for lang in found["languages"]]


def test_protected_places_are_service_areas_only(shipped):
    ctx, data, _ = shipped
    by_url = {s["url"]: s for s in data}
    guarded = [item for item in ctx.listings if protected.is_protected(item)]
    assert guarded
    for item in guarded:
        found = by_url[ctx.url(model.listing_path(item["id"]))]
        assert "service_at_locations" not in found and found["service_areas"]
        text = json.dumps(found, ensure_ascii=False)
        assert "latitude" not in text and "addresses" not in text
        assert '"location"' not in text and '"location_id"' not in text  # no place at all, only zones


def test_public_locations_carry_the_locality_not_the_territory_label(shipped):
    ctx, data, _ = shipped
    assert ctx.territory["locality"] == "Milano"
    areas = [a["description"] for s in data for a in s["service_areas"]]
    assert all("(Milano)" in text for text in areas)
    assert "Città di Milano" not in json.dumps(data, ensure_ascii=False)
    located = [s for s in data if s.get("service_at_locations")]
    assert located and all(s["service_at_locations"][0]["location"]["name"] for s in located)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il martedì dalle 10 alle 12.", ("TU", "10:00", "12:00")),
        ("Il lunedì e il mercoledì dalle 14 alle 18.", ("MO,WE", "14:00", "18:00")),
        ("Dal lunedì al venerdì, dalle 8 alle 13.", ("MO,TU,WE,TH,FR", "08:00", "13:00")),
        ("Da lunedì a giovedì, dalle 9.30 alle 13.", ("MO,TU,WE,TH", "09:30", "13:00")),
        ("Il primo e il terzo martedì del mese, dalle 18 alle 20.", None),
        ("Il mercoledì dalle 18 alle 19.30, ogni due settimane.", None),
        ("Sabato dalle 19.30 alle 22.30.", None),  # one Saturday or every Saturday: not said
        ("Su appuntamento.", None),
        ("Il martedì dalle 12 alle 10.", None),
    ],
)
def test_weekly_hours_only_from_plain_weekly_texts(text, expected):
    got = hsds_export.weekly(text)
    assert (got and (got["byday"], got["opens_at"], got["closes_at"])) == (expected or None)


def test_same_bytes_for_the_same_day(shipped):
    ctx, _, _ = shipped
    assert exports.hsds(ctx) == exports.hsds(ctx)
    assert exports.hsds_taxonomy(ctx) == exports.hsds_taxonomy(ctx)


# -- The tabular form (dati/hsds/) ------------------------------------------------------------------

# scripts/bds/data/hsds/datapackage.json is openreferral/specification v3.0 datapackage.json, unchanged
OFFICIAL_SHA256 = "06d063ec1a22f8797da3ee9cd1e2a9e519fa813d6f3e93140bbdd7814d36984b"


def write_tabular(ctx, folder: Path) -> Path:
    for path, data in exports.hsds_tabular(ctx).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder / hsds_export.TABULAR_DIR / "datapackage.json"


def test_the_tabular_descriptor_uses_the_specification_tables_unchanged(shipped):
    import hashlib

    from bds import kitfiles

    ctx, _, _ = shipped
    official = kitfiles.data("hsds/datapackage.json").read_bytes()
    assert hashlib.sha256(official).hexdigest() == OFFICIAL_SHA256
    package = json.loads(exports.hsds_tabular(ctx)[f"{hsds_export.TABULAR_DIR}/datapackage.json"])
    assert package["resources"] == json.loads(official)["resources"]


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_tabular_package_validates_and_matches_the_json(shipped, tmp_path):
    from frictionless import validate

    ctx, data, _ = shipped
    descriptor = write_tabular(ctx, tmp_path)
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    folder = descriptor.parent
    services = read_rows(folder / "services.csv")
    assert [(s["id"], cells.read_back(s["name"])) for s in services] == [(s["id"], s["name"]) for s in data]
    located = {r["service_id"] for r in read_rows(folder / "service_at_location.csv")}
    guarded_urls = {ctx.url(model.listing_path(i["id"])) for i in ctx.listings if protected.is_protected(i)}
    guarded = {s["id"] for s in data if s["url"] in guarded_urls}
    assert guarded and not guarded & located
    assert read_rows(folder / "addresses.csv") == []  # no address is published (no postal codes)


def test_the_tabular_package_rejects_an_unknown_taxonomy_term(shipped, tmp_path):
    from frictionless import validate

    ctx, _, _ = shipped
    descriptor = write_tabular(ctx, tmp_path)
    path = descriptor.parent / "attributes.csv"
    rows = read_rows(path)
    rows[0]["taxonomy_term_id"] = "00000000-0000-5000-8000-000000000000"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    report = validate(str(descriptor))
    assert not report.valid
    assert "foreign-key" in {t for (t,) in report.flatten(["type"])}
