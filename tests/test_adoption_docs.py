"""The licence texts and the data-protection guide: present, intact and true to the configuration."""

from __future__ import annotations

import hashlib
import re

import yaml
from conftest import REPO, run_cli

# SHA-256 of the official English EUPL v1.2 text as shipped (LF line endings). A licence text is not prose
# to edit: if this changes, someone altered the licence.
EUPL_SHA256 = "6fc9e709ccbfe0d77fbffa2427a983282be2eb88e47b1cdb49f21a83b4d1e665"
GUIDE = REPO / "content" / "guides" / "protezione-dati.md"


def _front_matter(path):
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def _territory() -> dict:
    return yaml.safe_load((REPO / "content" / "territory.yml").read_text(encoding="utf-8"))


def test_licence_is_the_eupl_verbatim():
    raw = (REPO / "LICENSE").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == EUPL_SHA256
    text = raw.decode("utf-8")
    assert text.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    headings = re.findall(r"^(\d+)\. ", text, re.MULTILINE)
    assert [int(h) for h in headings] == list(range(1, 16))
    assert "\nAppendix\n" in text


def test_content_licence_is_stated():
    note = (REPO / "LICENSES" / "README.md").read_text(encoding="utf-8")
    licence = _territory()["content_licence"]
    assert licence in note
    if licence == "CC BY 4.0":
        assert "https://creativecommons.org/licenses/by/4.0/" in note


def test_guide_front_matter():
    data, body = _front_matter(GUIDE)
    assert data["audience"] == ["coordinators", "partners"]
    assert data["order"] == 80
    assert data["title"] and data["summary"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(data["reviewed"]))
    assert body.strip()


def test_guide_passes_the_validator():
    result = run_cli(["--root", REPO, "validate", GUIDE, "--format", "json"])
    assert result.code == 0
    assert [f for f in result.json() if f["file"].endswith("protezione-dati.md")] == []


def test_guide_states_the_territory_threshold():
    _, body = _front_matter(GUIDE)
    k = _territory()["disclosure_threshold"]
    assert f"k = {k}" in body
    assert f"`<{k}`" in body  # how a small count is shown


def test_guide_covers_what_a_dpo_asks():
    _, body = _front_matter(GUIDE)
    headings = re.findall(r"^#{2,3} (.+)$", body, re.MULTILINE)
    assert len(headings) >= 8
    for anchor in (
        "art. 6",
        "art. 9",
        "2-sexies",
        "2-septies",
        "art. 35",
        "private/reports/",
        "DPO",
        "di norma",
        "audit.json",
    ):
        assert anchor in body, anchor
