"""dati/datapackage.json and its CSV tables: Frictionless's own profiles and validator.

The descriptor is checked against the published Data Package / Table Schema v1 profiles vendored in
tests/vendor/frictionless/; `frictionless.validate` must accept the shipped files and reject a broken
row (unknown code, unknown zone or partner, missing required value).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
from bds import cells, schema
from bds import validate as validation
from bds.content import Project
from bds.web import exports, generate, tabular
from frictionless import validate

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "tests" / "vendor" / "frictionless"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def ctx():
    result = validation.run(Project.find(ROOT), today=TODAY)
    assert not result.errors
    return generate.context_from_content(result.content, TODAY, inline_qr=False)


def write_package(ctx, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in exports.table_files(ctx).items():
        (folder / name).write_bytes(data)
    (folder / "datapackage.json").write_bytes(exports.datapackage(ctx))
    return folder / "datapackage.json"


def read(folder: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"))))


def write(folder: Path, name: str, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / name).write_text(buffer.getvalue(), encoding="utf-8")


def problems(descriptor: Path) -> list[tuple]:
    report = validate(str(descriptor))
    return [tuple(row) for row in report.flatten(["type", "fieldName"])]


def test_descriptor_validates_against_the_published_v1_profiles(ctx):
    package = json.loads(exports.datapackage(ctx))
    profile = json.loads((VENDOR / "datapackage.json").read_text(encoding="utf-8"))
    table_schema = json.loads((VENDOR / "tableschema.json").read_text(encoding="utf-8"))
    checker = jsonschema.Draft7Validator(profile)
    assert [e.message for e in checker.iter_errors(package)] == []
    for resource in package["resources"]:
        found = jsonschema.Draft7Validator(table_schema).iter_errors(resource["schema"])
        assert [e.message for e in found] == [], resource["name"]
    # the profiles really check: a field type outside Table Schema v1 is rejected
    broken = json.loads(json.dumps(package))
    broken["resources"][0]["schema"]["fields"][0]["type"] = "testo"
    assert list(checker.iter_errors(broken))


def test_shipped_tables_validate(ctx, tmp_path):
    descriptor = write_package(ctx, tmp_path / "dati")
    assert problems(descriptor) == []
    rows = read(tmp_path / "dati", "opportunita.csv")
    assert len(rows) == len(ctx.listings) > 0
    assert len(read(tmp_path / "dati", "enti.csv")) == len(ctx.partners)


@pytest.mark.parametrize(
    ("table", "change", "expected"),
    [
        ("opportunita.csv", {"tipo": "not-a-kind"}, ("constraint-error", "tipo")),
        ("opportunita.csv", {"stato": "maybe"}, ("constraint-error", "stato")),
        ("opportunita.csv", {"costo_tipo": "cheap"}, ("constraint-error", "costo_tipo")),
        ("opportunita.csv", {"costo_euro": "trenta"}, ("type-error", "costo_euro")),
        ("opportunita.csv", {"titolo": ""}, ("constraint-error", "titolo")),
        ("opportunita.csv", {"accesso": ""}, ("constraint-error", "accesso")),
        ("opportunita.csv", {"zone": "municipio-1;municipio-99"}, ("constraint-error", "zone")),
        ("opportunita.csv", {"assi": "housing;casa"}, ("constraint-error", "assi")),
        ("opportunita.csv", {"email": "not an email"}, ("type-error", "email")),
        ("opportunita.csv", {"telefono": "chiamami"}, ("constraint-error", "telefono")),
        ("opportunita.csv", {"ente": "ente-che-non-esiste"}, ("foreign-key", None)),
        ("opportunita.csv", {"data_inizio": "31/12/2026"}, ("type-error", "data_inizio")),
        ("opportunita-zone.csv", {"zona": "municipio-99"}, ("constraint-error", "zona")),
        ("opportunita-zone.csv", {"opportunita": "scheda-che-non-esiste"}, ("foreign-key", None)),
        ("enti.csv", {"esp": "forse"}, ("type-error", "esp")),
    ],
)
def test_a_broken_row_is_rejected(ctx, tmp_path, table, change, expected):
    folder = tmp_path / "dati"
    descriptor = write_package(ctx, folder)
    rows = read(folder, table)
    rows[0] = rows[0] | change
    write(folder, table, rows)
    found = problems(descriptor)
    assert found, f"{table} {change} was accepted"
    kind, name = expected
    assert any(t == kind and (name is None or f == name) for t, f in found), found


def test_a_zone_unknown_to_the_zones_table_breaks_the_foreign_key(ctx, tmp_path):
    folder = tmp_path / "dati"
    descriptor = write_package(ctx, folder)
    zones = read(folder, "zone.csv")
    used = read(folder, "opportunita-zone.csv")[0]["zona"]
    write(folder, "zone.csv", [z for z in zones if z["id"] != used])
    assert ("foreign-key", None) in {(t, None) for t, _ in problems(descriptor)}


def test_the_table_schema_comes_from_the_json_schemas(ctx):
    package = json.loads(exports.datapackage(ctx))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    opportunity = schema.load_schema("opportunity")["properties"]
    assert fields["tipo"]["constraints"]["enum"] == opportunity["kind"]["enum"]
    assert fields["stato"]["constraints"]["enum"] == opportunity["status"]["enum"]
    assert fields["posti"]["constraints"]["maximum"] == opportunity["places"]["maximum"]
    assert fields["titolo"]["description"] == opportunity["title"]["description"]
    required = {name for name, f in fields.items() if f.get("constraints", {}).get("required")}
    assert {"id", "titolo", "tipo", "assi", "ente", "sintesi", "zone", "accesso", "stato"} <= required
    assert "luogo" not in required  # empty for protected places
    assert fields["email"]["format"] == "email" and fields["sito"]["format"] == "uri"
    assert all(f["description"] for f in fields.values())
    zones = {f["name"]: f for f in package["resources"][3]["schema"]["fields"]}["zona"]
    assert zones["constraints"]["enum"] == [z["id"] for z in ctx.territory["zones"]]
    keys = package["resources"][0]["schema"]["foreignKeys"]
    assert keys == [{"fields": ["ente"], "reference": {"resource": "enti", "fields": ["id"]}}]
    assert "apostrofo" in package["description"] and "togli il primo apostrofo" in package["description"]


def test_cost_code_and_amount_are_separate_typed_columns(ctx, tmp_path):
    folder = tmp_path / "dati"
    write_package(ctx, folder)
    by_id = {item["id"]: item for item in ctx.listings}
    rows = read(folder, "opportunita.csv")
    assert "costo" not in rows[0]
    for row in rows:
        cost = by_id[row["id"]].get("cost")
        if isinstance(cost, (int, float)):
            assert row["costo_tipo"] == "importo" and float(row["costo_euro"]) == cost
        else:
            assert row["costo_tipo"] == (cost or "") and row["costo_euro"] == ""
    assert {r["costo_tipo"] for r in rows} >= {"free", "budget", "importo"}


def test_neutralised_cells_still_validate_and_read_back(ctx, tmp_path):
    import copy

    hostile = copy.copy(ctx)
    first = dict(ctx.listings[0])
    first["title"] = "=HYPERLINK(esempio)"
    first["contact"] = dict(first.get("contact") or {}) | {"phone": "+39 02 0000 0000"}
    hostile.listings = [first, *ctx.listings[1:]]
    folder = tmp_path / "dati"
    descriptor = write_package(hostile, folder)
    assert problems(descriptor) == []
    row = next(r for r in read(folder, "opportunita.csv") if r["id"] == first["id"])
    assert row["titolo"] == "'=HYPERLINK(esempio)" and row["telefono"] == "'+39 02 0000 0000"
    assert cells.read_back(row["titolo"]) == first["title"]


def test_same_bytes_for_the_same_day(ctx):
    assert exports.table_files(ctx) == exports.table_files(ctx)
    assert exports.datapackage(ctx) == exports.datapackage(ctx)
    assert list(exports.table_files(ctx)) == [r["path"] for r in tabular.descriptor(ctx)["resources"]]


@pytest.mark.parametrize("name", ["franciacorta", "cremasco"])
def test_other_territories_publish_valid_packages_and_hsds(name, tmp_path):
    from test_open_data_hsds import errors_of, validator

    result = validation.run(Project.find(ROOT / "tests" / "territories" / name), today=TODAY)
    assert not result.errors
    other = generate.context_from_content(result.content, TODAY, inline_qr=False)
    assert problems(write_package(other, tmp_path / "dati")) == []
    assert errors_of(validator("service_package"), json.loads(exports.hsds(other))) == []


def test_column_descriptions_use_the_territory_words(ctx):
    from bds import messages

    with messages.use(words={"programme": "budget di cura"}):
        fields = {f["name"]: f for f in tabular.descriptor(ctx)["resources"][0]["schema"]["fields"]}
    assert fields["assi"]["description"].startswith("Assi del budget di cura (codici).")
    assert "coperto dal budget di cura" in fields["costo_tipo"]["description"]
    plain = {f["name"]: f for f in tabular.descriptor(ctx)["resources"][0]["schema"]["fields"]}
    assert plain["assi"]["description"].startswith("Assi del Budget di Salute (codici).")
