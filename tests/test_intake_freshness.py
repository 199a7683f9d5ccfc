"""What must be re-verified, grouped by partner."""

from __future__ import annotations

import datetime as dt

from bds import freshness as FR
from bds.content import Project, load_content
from conftest import copy_fixture_project, run_cli

TODAY = dt.date(2026, 6, 1)

BASE = """id: {id}
title: "Scheda {id}"
kind: social
axes: [social]
partner: {partner}
summary: "Si fa una cosa bella insieme, una volta a settimana."
description: "Descrizione semplice della scheda."
audience: [citizens]
access: direct
zones: [zona-nord]
location: {{name: Sala, visibility: public}}
contact: {{email: a@example.org}}
status: {status}
reviewed: "{reviewed}"
"""


def _project(tmp_path):
    root = tmp_path / "p"
    copy_fixture_project(root)
    opp = root / "opportunities"
    opp.mkdir(exist_ok=True)
    cases = {
        "scade-presto": ("open", "2026-05-01", {"end": "2026-06-20"}),
        "scaduta": ("open", "2026-05-01", {"deadline": "2026-05-20"}),
        "vecchia": ("open", "2025-10-01", {}),
        "a-posto": ("open", "2026-05-01", {"end": "2026-12-31"}),
        "chiusa": ("closed", "2025-01-01", {"end": "2026-01-01"}),
        "oltre-la-finestra": ("full", "2026-05-01", {"deadline": "2026-07-02"}),
    }
    for rid, (status, reviewed, dates) in cases.items():
        text = BASE.format(id=rid, partner="coop-esempio", status=status, reviewed=reviewed)
        if dates:
            text += "dates:\n" + "".join(f'  {k}: "{v}"\n' for k, v in dates.items())
        (opp / f"{rid}.yml").write_text(text, encoding="utf-8")
    return root


def test_freshness_groups_by_partner_and_explains_why(tmp_path):
    content = load_content(Project(_project(tmp_path)))
    report = FR.freshness(content, TODAY, days=30)
    assert [g.partner for g in report.groups] == ["coop-esempio"]
    items = {i.id: i for i in report.groups[0].items}
    assert set(items) == {"scade-presto", "scaduta", "vecchia"} | ({"coop-esempio"} & set(items))
    assert [(r.kind, r.field, r.days) for r in items["scade-presto"].reasons] == [
        (FR.EXPIRING, "dates.end", 19)
    ]
    assert [(r.kind, r.field) for r in items["scaduta"].reasons] == [(FR.EXPIRED, "dates.deadline")]
    assert [(r.kind, r.days) for r in items["vecchia"].reasons] == [(FR.STALE, 243)]
    wider = FR.freshness(content, TODAY, days=31)
    assert "oltre-la-finestra" in {i.id for g in wider.groups for i in g.items}


def test_freshness_markdown_is_one_issue_body(tmp_path):
    root = _project(tmp_path)
    run = run_cli(
        ["--root", root, "intake", "freshness", "--format", "markdown", "--today", TODAY.isoformat()]
    )
    assert run.code == 0
    assert run.out.startswith(FR.MARKER)
    assert "### Cooperativa sociale di esempio (`coop-esempio`)" in run.out
    assert run.out.count("- [ ] ") == FR.freshness(load_content(Project(root)), TODAY).count
    data = run_cli(
        ["--root", root, "intake", "freshness", "--format", "json", "--today", TODAY.isoformat()]
    ).json()
    assert data["count"] >= 3 and data["groups"][0]["partner"] == "coop-esempio"


def test_nothing_to_verify(tmp_path):
    root = tmp_path / "p"
    copy_fixture_project(root)
    report = FR.freshness(load_content(Project(root)), dt.date(2026, 6, 1))
    assert report.groups == [] or all(i.kind == "partner" for g in report.groups for i in g.items)
    assert "Nessuna scheda da verificare." in FR.markdown(FR.Freshness(TODAY, 30, 180, []))
