"""`bds new`: questions on stdin, a valid file named after the id, never an overwrite."""

from __future__ import annotations

import io
import json

import yaml
from bds import load
from conftest import TODAY, run_cli

# Answers in the order of the questions (schema order, title before id; empty = default or skip).
OPPORTUNITY_STDIN = [
    "Laboratorio di teatro",
    "",  # title, id (default: from the title)
    "6",
    "3",
    "1",  # kind social, axes social, partner coop-esempio (choices by number)
    "Si fa teatro insieme il martedì.",
    "Un gruppo di teatro per tutte e tutti.",
    "1,2",
    "direct",
    "zona-sud",  # audience (two numbers), access and zones (by value)
    "Teatro del quartiere",
    "1",
    "",  # location: name, public, no address (asked after the visibility, only for public places)
    "2026-09-01",
    "2026-12-20",
    "",  # dates
    "",
    "",
    "",  # schedule, places, cost
    "teatro@example.org",
    "",
    "",  # contact
    "",
    "",
    "",
    "",
    "",  # accessibility, languages, tags, status (default open), reviewed (default today)
]


def _new(monkeypatch, root, answers: list[str], *args):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    return run_cli(["--root", root, "new", *args, "--today", TODAY])


def test_new_opportunity_from_stdin_writes_a_valid_file(monkeypatch, project_copy):
    run = _new(monkeypatch, project_copy, OPPORTUNITY_STDIN, "opportunity")
    assert run.code == 0, run.err
    target = project_copy / "opportunities" / "laboratorio-di-teatro.yml"
    data = load.load_text(target.read_text(encoding="utf-8"), "x").data
    assert data["id"] == "laboratorio-di-teatro"
    assert (data["kind"], data["axes"], data["partner"]) == ("social", ["social"], "coop-esempio")
    assert data["audience"] == ["cps-users", "families"] and data["zones"] == ["zona-sud"]
    assert (data["status"], data["reviewed"]) == ("open", TODAY)
    check = run_cli(["--root", project_copy, "validate", target, "--format", "json", "--today", TODAY])
    assert (check.code, json.loads(check.out)) == (0, [])
    assert "Zona nord" not in run.out and "zona-nord" in run.out  # zones offered from the territory


def test_new_never_overwrites(monkeypatch, project_copy):
    assert _new(monkeypatch, project_copy, OPPORTUNITY_STDIN, "opportunity").code == 0
    target = project_copy / "opportunities" / "laboratorio-di-teatro.yml"
    before = target.read_bytes()
    again = _new(monkeypatch, project_copy, OPPORTUNITY_STDIN, "opportunity")
    assert again.code == 1 and "esiste già" in again.err
    assert target.read_bytes() == before


def test_new_refuses_an_invalid_record_and_writes_nothing(monkeypatch, project_copy):
    answers = list(OPPORTUNITY_STDIN)
    answers[14] = "2026-08-01"  # end before start: a cross-record rule, checked before writing
    run = _new(monkeypatch, project_copy, answers, "opportunity")
    assert run.code == 1 and "DATE_ORDER" in run.err
    assert list((project_copy / "opportunities").glob("*.yml")) == []


def test_new_stops_cleanly_when_answers_run_out(monkeypatch, project_copy):
    run = _new(monkeypatch, project_copy, OPPORTUNITY_STDIN[:5], "opportunity")
    assert run.code == 1 and "Traceback" not in run.err
    assert list((project_copy / "opportunities").glob("*.yml")) == []


def test_new_reasks_an_invalid_choice(monkeypatch, project_copy):
    answers = OPPORTUNITY_STDIN[:2] + ["corso", "99"] + OPPORTUNITY_STDIN[2:]
    run = _new(monkeypatch, project_copy, answers, "opportunity")
    assert run.code == 0, run.err
    assert run.out.count("Risposta non valida") == 2


def test_new_housing_is_always_zone_only(monkeypatch, project_copy, tmp_path):
    answers = tmp_path / "risposte.yml"
    answers.write_text(
        yaml.safe_dump(
            {
                "title": "Appartamento condiviso",
                "kind": "housing",
                "axes": ["housing"],
                "partner": "coop-esempio",
                "summary": "Una casa da condividere con altre due persone.",
                "description": "Tre stanze e una cucina.",
                "audience": ["cps-users"],
                "access": "via-case-manager",
                "zones": ["zona-nord"],
                "location.name": "Zona nord",
                "contact.phone": "02 1234 5678",
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" * 40))
    run = run_cli(["--root", project_copy, "new", "opportunity", "--from-answers", answers, "--today", TODAY])
    assert run.code == 0, run.err
    data = load.load_text(
        (project_copy / "opportunities" / "appartamento-condiviso.yml").read_text(), "x"
    ).data
    assert data["location"] == {"name": "Zona nord", "visibility": "zone-only"}


PROTECTED_ANSWERS = {
    "title": "Pranzo insieme",
    "kind": "social",
    "axes": ["social", "housing"],
    "partner": "coop-esempio",
    "summary": "Si cucina e si mangia insieme una volta a settimana.",
    "description": "Un pranzo per conoscersi.",
    "audience": ["cps-users"],
    "access": "via-case-manager",
    "zones": ["zona-nord"],
    "location.name": "Appartamento del gruppo",
    "contact.phone": "02 1234 5678",
}


def _from_answers(monkeypatch, root, tmp_path, answers: dict):
    path = tmp_path / "risposte.yml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" * 40))
    return run_cli(["--root", root, "new", "opportunity", "--from-answers", path, "--today", TODAY])


def test_new_home_on_the_housing_axis_is_protected_and_never_asked_an_address(
    monkeypatch, project_copy, tmp_path
):
    run = _from_answers(monkeypatch, project_copy, tmp_path, PROTECTED_ANSWERS)
    assert run.code == 0, run.err
    data = load.load_text((project_copy / "opportunities" / "pranzo-insieme.yml").read_text(), "x").data
    assert data["location"] == {"name": "Appartamento del gruppo", "visibility": "zone-only"}
    assert "Indirizzo —" not in run.out and "solo la zona" in run.out


def test_new_refuses_an_address_for_a_protected_place(monkeypatch, project_copy, tmp_path):
    answers = dict(PROTECTED_ANSWERS, **{"location.address": "Via Segreta 4"})
    run = _from_answers(monkeypatch, project_copy, tmp_path, answers)
    assert run.code == 1 and "luogo protetto" in run.err and "Segreta" not in run.out + run.err
    assert list((project_copy / "opportunities").iterdir()) == []
    # Chosen as zone-only by the person: no address question either.
    public = dict(PROTECTED_ANSWERS, axes=["social"], **{"location.visibility": "zone-only"})
    public["location.address"] = "Via Segreta 4"
    run = _from_answers(monkeypatch, project_copy, tmp_path, public)
    assert run.code == 1 and "Segreta" not in run.out + run.err
    assert list((project_copy / "opportunities").iterdir()) == []


def test_new_protected_text_is_refused_and_nothing_written(monkeypatch, project_copy, tmp_path):
    answers = dict(PROTECTED_ANSWERS, description="La casa è in Via Segreta 4, scala B.")
    run = _from_answers(monkeypatch, project_copy, tmp_path, answers)
    assert run.code == 1 and "PROTECTED_TEXT_ADDRESS" in run.err and "Segreta" not in run.out + run.err
    assert list((project_copy / "opportunities").iterdir()) == []


def test_new_partner_from_answers(monkeypatch, project_copy, tmp_path):
    answers = tmp_path / "ente.yml"
    answers.write_text(
        yaml.safe_dump(
            {
                "name": "Associazione Sole",
                "type": "associazione",
                "role": "rete",
                "networks": ["rete-prova"],
                "description": "Gruppi di cammino e di lettura.",
                "zones": ["zona-sud"],
                "services": "Cammino, Lettura",
                "contact.email": "sole@example.org",
                "peer_support": "no",
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" * 40))
    run = run_cli(["--root", project_copy, "new", "partner", "--from-answers", answers, "--today", TODAY])
    assert run.code == 0, run.err
    data = load.load_text(
        (project_copy / "content" / "partners" / "associazione-sole.yml").read_text(), "x"
    ).data
    assert data["services"] == ["Cammino", "Lettura"] and data["peer_support"] is False
