"""publiccode.yml: the keys the Italian software catalogue requires, kept in step with pyproject.toml."""

from __future__ import annotations

import copy
import json
import re
import tomllib

import jsonschema
import pytest
import yaml
from conftest import REPO

PUBLICCODE = REPO / "publiccode.yml"
VENDOR = REPO / "tests" / "vendor" / "publiccode"
# System or interpreter requirements listed in dependsOn that are not Python packages in pyproject.toml.
NOT_PYPI = {"Python", "Pango"}
# Controlled vocabularies of the standard (0.5): development status and software type.
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load(PUBLICCODE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> dict:
    with (REPO / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]


def _pins(project: dict) -> dict[str, str]:
    pins = {}
    for requirement in project["dependencies"]:
        name, sep, version = requirement.partition("==")
        assert sep, f"runtime dependency not pinned exactly: {requirement}"
        pins[name.strip().lower()] = version.strip()
    return pins


def test_required_keys(publiccode):
    for key in (
        "publiccodeYmlVersion",
        "name",
        "url",
        "releaseDate",
        "softwareVersion",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert publiccode.get(key), key
    assert publiccode["publiccodeYmlVersion"] == "0.5"
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUS
    assert publiccode["softwareType"] == "standalone/web"
    assert {"web", "linux"} <= set(publiccode["platforms"])
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", c) for c in publiccode["categories"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(publiccode["releaseDate"]))


def test_descriptions_in_italian_and_english(publiccode):
    assert {"it", "en"} <= set(publiccode["description"])
    for lang, text in publiccode["description"].items():
        assert 0 < len(text["shortDescription"]) <= 150, lang
        assert 150 <= len(text["longDescription"]) <= 10000, lang
        assert text["features"] and all(isinstance(f, str) and f for f in text["features"]), lang
    localisation = publiccode["localisation"]
    assert localisation["localisationReady"] is True
    assert set(publiccode["description"]) <= set(localisation["availableLanguages"])


def test_legal_and_maintenance(publiccode, project):
    assert publiccode["legal"]["license"] == project["license"] == "EUPL-1.2"
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] == "community"
    assert maintenance["contacts"]
    for contact in maintenance["contacts"]:
        assert contact["name"] and re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", contact["email"])


def test_url_is_the_territory_repository(publiccode):
    territory = yaml.safe_load((REPO / "content" / "territory.yml").read_text(encoding="utf-8"))
    assert publiccode["url"].rstrip("/") == territory["repository_url"].rstrip("/")


def test_version_matches_pyproject(publiccode, project):
    assert str(publiccode["softwareVersion"]) == project["version"]


def test_valid_against_the_published_schema(publiccode):
    """SchemaStore's publiccode.json (standard 0.5), vendored: no key outside the standard, right forms."""
    schema = json.loads((VENDOR / "publiccode.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(publiccode)]
    assert errors == []


def test_vendored_schema_rejects_the_old_forms(publiccode):
    """The check can fail: lowercase countries (0.4 form) are refused by the 0.5 schema."""
    schema = json.loads((VENDOR / "publiccode.schema.json").read_text(encoding="utf-8"))
    old = copy.deepcopy(publiccode)
    old["intendedAudience"]["countries"] = ["it"]
    old["legal"]["unknownKey"] = "x"
    assert len(list(jsonschema.Draft7Validator(schema).iter_errors(old))) == 2


def test_current_standard_forms(publiccode):
    """0.5: uppercase ISO countries, no deprecated legal.repoOwner."""
    assert publiccode["publiccodeYmlVersion"] == "0.5"
    assert publiccode["intendedAudience"]["countries"] == ["IT"]
    assert "repoOwner" not in publiccode["legal"]


def test_maintainer_contact_is_a_marked_placeholder(publiccode):
    """The standard wants a real person: the shipped contact says plainly that it must be replaced."""
    text = PUBLICCODE.read_text(encoding="utf-8")
    assert "SEGNAPOSTO DA SOSTITUIRE" in text
    for contact in publiccode["maintenance"]["contacts"]:
        assert contact["name"].startswith("DA SOSTITUIRE")
        assert contact["email"].endswith(".example")  # a reserved domain: never a real inbox


def test_depends_on_lists_no_python_libraries(publiccode, project):
    """The standard: «do not list dependencies at the source code level (e.g. software libraries)»."""
    names = {dep["name"] for dep in publiccode.get("dependsOn", {}).get("open", [])}
    assert names <= NOT_PYPI
    libraries = {req.partition("==")[0].strip().lower() for req in project["dependencies"]}
    assert not {n.lower() for n in names} & libraries
    _pins(project)  # runtime dependencies stay pinned exactly in pyproject.toml


def test_python_requirement_matches(publiccode, project):
    python = next(dep for dep in publiccode["dependsOn"]["open"] if dep["name"] == "Python")
    lower = re.search(r">=\s*([\d.]+)", project["requires-python"]).group(1)
    assert str(python["versionMin"]) == lower
