"""The data contract of issue 2 and the shipped content: field names, Italian schema texts, templates,
example coverage, and no personal-data-shaped strings in what the repository ships."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml
from bds import schema as S
from bds.content import Project, load_content
from conftest import REPO, run_cli

# Field names the issue fixes (the contract partners write to); schemas may add more.
CONTRACT = {
    "territory": {
        "programme",
        "territory",
        "zones",
        "health_services",
        "coordinators",
        "site_url",
        "disclosure_threshold",
    },
    "partner": {
        "id",
        "name",
        "type",
        "role",
        "description",
        "zones",
        "services",
        "contact",
        "peer_support",
        "reviewed",
    },
    "opportunity": {
        "id",
        "title",
        "kind",
        "axes",
        "partner",
        "summary",
        "description",
        "audience",
        "access",
        "zones",
        "location",
        "dates",
        "schedule",
        "places",
        "cost",
        "stipend",
        "contact",
        "accessibility",
        "languages",
        "tags",
        "status",
        "reviewed",
    },
    "guide": {"title", "summary", "audience", "reviewed"},
}
NESTED = {
    ("partner", "contact"): {"email", "phone", "url"},
    ("opportunity", "contact"): {"email", "phone", "url"},
    ("opportunity", "location"): {"name", "address", "visibility"},
    ("opportunity", "dates"): {"start", "end", "deadline"},
}
# Italian texts: no sentence in English slipped through (titles and descriptions are shown to partners).
ENGLISH = re.compile(r"\b(the|and|of|with|is|are|this|must|should|when|which)\b", re.IGNORECASE)
# A codice fiscale: six letters, two digits (or their omocodia letters), month letter, day, place, check.
CODICE_FISCALE = re.compile(
    r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b",
    re.IGNORECASE,
)
SHIPPED = ("content", "opportunities", "schemas", "scripts", ".github", "bench", "tests/territories")
GUIDES = {
    "cos-e-il-budget-di-salute",
    "come-accedere",
    "i-tre-assi",
    "esperto-supporto-tra-pari",
    "budget-diretto",
    "carcere-e-rems",
    "per-le-famiglie",
    "per-volontari-e-cittadini",
    "per-gli-enti",
    "come-pubblicare",
    "glossario",
}


def _fields(node: dict, path: tuple = ()):
    """Every property of a schema, with its path; list items step into `items`."""
    for name, sub in node.get("properties", {}).items():
        yield path + (name,), sub
        yield from _fields(sub, path + (name,))
        if isinstance(sub.get("items"), dict):
            yield from _fields(sub["items"], path + (name,))


@pytest.mark.parametrize("kind", S.KINDS)
def test_every_field_has_an_italian_title_and_description(kind):
    for path, node in _fields(S.load_schema(kind)):
        title, description = node.get("title"), node.get("description")
        assert isinstance(title, str) and title.strip(), (kind, path)
        assert isinstance(description, str) and len(description.split()) >= 2, (kind, path)
        assert not ENGLISH.search(f"{title} {description}"), (kind, path, title, description)


@pytest.mark.parametrize("kind", S.KINDS)
def test_every_choice_has_an_italian_label(kind):
    for path, node in _fields(S.load_schema(kind)):
        enum = node.get("enum") or (node.get("items") or {}).get("enum")
        if enum:
            labels = S.labels_for(kind, path)
            assert set(enum) <= set(labels), (kind, path, set(enum) - set(labels))


@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_contract_field_names(kind):
    assert CONTRACT[kind] <= set(S.load_schema(kind)["properties"])
    for (owner, group), names in NESTED.items():
        if owner == kind:
            assert names <= set(S.subschema(kind, (group,))["properties"]), group


def test_disclosure_threshold_defaults_to_10_and_never_goes_below_5():
    territory = S.load_schema("territory")
    node = territory["properties"]["disclosure_threshold"]
    assert (node["default"], node["minimum"]) == (10, 5)
    assert "disclosure_threshold" not in territory["required"]  # a default only means something if optional


@pytest.fixture(scope="module")
def shipped():
    return load_content(Project(REPO))


def test_at_least_40_example_opportunities_cover_every_kind_axis_and_zone(shipped):
    records = [doc.data for doc in shipped.opportunities.values()]
    assert len(records) >= 40
    assert all(r.get("example") is True for r in records)
    kinds = set(S.subschema("opportunity", ("kind",))["enum"])
    axes = set(S.subschema("opportunity", ("axes",))["items"]["enum"])
    zones = {z["id"] for z in shipped.territory.data["zones"]}
    assert {r["kind"] for r in records} == kinds
    assert {a for r in records for a in r["axes"]} == axes
    assert {z for r in records for z in r["zones"]} == zones


def test_partners_are_marked_as_examples_and_include_the_four_asst(shipped):
    partners = [doc.data for doc in shipped.partners.values()]
    assert partners and all(p.get("example") is True for p in partners)
    services = {s.get("partner") for s in shipped.territory.data["health_services"]}
    assert len(services) == 4 and services <= {p["id"] for p in partners}


def test_milan_has_nine_municipi():
    territory = yaml.safe_load((REPO / "content" / "territory.yml").read_text(encoding="utf-8"))
    assert [z["id"] for z in territory["zones"]] == [f"municipio-{i}" for i in range(1, 10)]


def test_the_guides_the_issue_lists_are_shipped():
    assert GUIDES <= {p.stem for p in (REPO / "content" / "guides").glob("*.md")}
    assert (REPO / "content" / "glossary.yml").is_file()


@pytest.mark.parametrize(
    "kind,template,folder",
    [
        ("opportunity", "opportunity.yml", "opportunities"),
        ("partner", "partner.yml", "content/partners"),
        ("guide", "guide.md", "content/guides"),
    ],
)
def test_commented_template_is_valid_and_names_every_field(kind, template, folder, tmp_path):
    source = REPO / "schemas" / "templates" / template
    text = source.read_text(encoding="utf-8")
    assert text.count("\n#") >= 10  # commented: the explanations are the point of a template
    for name in S.load_schema(kind)["properties"]:
        assert re.search(rf"^#?\s*{name}:", text, re.MULTILINE), name
    project = tmp_path / "progetto"
    for part in ("content", "opportunities"):
        shutil.copytree(REPO / part, project / part)
    record_id = re.search(r"^id: (\S+)", text, re.MULTILINE)
    name = f"{record_id.group(1)}.yml" if record_id else "modello.md"
    target = project / folder / name
    target.write_text(text, encoding="utf-8")
    run = run_cli(["--root", project, "validate", target, "--format", "json", "--today", "2026-11-23"])
    assert run.code == 0, run.out
    assert [f for f in run.json() if f["severity"] == "error"] == []


def _shipped_files():
    for top in SHIPPED:
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".png", ".pyc"):
                yield path
    yield from sorted(p for p in REPO.glob("*") if p.is_file())
    for path in sorted((REPO / "tests" / "fixtures").rglob("*")):
        if path.is_file() and not path.relative_to(REPO / "tests" / "fixtures").as_posix().startswith("bad"):
            yield path


def test_no_codice_fiscale_shaped_string_is_shipped():
    found = []
    for path in _shipped_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{path.relative_to(REPO)}" for _ in CODICE_FISCALE.finditer(text)]
    assert found == []


def test_the_codice_fiscale_pattern_can_fail():
    assert CODICE_FISCALE.search("codice: " + "RSSMRA" + "85T10A562S")
    assert not CODICE_FISCALE.search("laboratorio-cucina-2026")


def test_validator_never_changes_a_file(tmp_path):
    """Valid and invalid fixtures together: after every output format, the tree is byte-identical."""
    project = tmp_path / "progetto"
    for part in ("content", "opportunities"):
        shutil.copytree(REPO / part, project / part)
    for fixture in sorted((REPO / "tests" / "fixtures" / "opportunity").glob("*/*.yml")):
        shutil.copy(fixture, project / "opportunities" / fixture.name.replace("_", "-"))

    def snapshot():
        return {
            p.relative_to(project).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(project.rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    for fmt in ("text", "github", "json"):
        run = run_cli(["--root", project, "validate", "--format", fmt, "--today", "2026-06-01"])
        assert run.code == 1
    run = run_cli(["--root", project, "validate", project / "opportunities", "--format", "json"])
    assert run.code == 1 and json.loads(run.out)
    assert snapshot() == before
