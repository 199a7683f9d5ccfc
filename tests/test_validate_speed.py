"""The validator's shortcuts (issue 17) give exactly what the plain way gives.

Loading in several processes, the byte scan that skips clean files, the literal pieces searched before
the wording patterns, the date fields read from the schema's tree: each is compared here with the
slow path it replaces, on every fixture file or on generated text. Timings are in bench/, not here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil

from bds import content as C
from bds import hygiene, load, schema, textcheck
from bds import validate as V
from bds.content import Project
from conftest import FIXTURES, copy_fixture_project, target_name
from hypothesis import given, settings
from hypothesis import strategies as st

TODAY = dt.date(2026, 6, 1)


def _crowded_project(root):
    """The fixture project with every opportunity, partner and guide fixture in it (valid or not)."""
    copy_fixture_project(root)
    for kind, folder in (("opportunity", "opportunities"), ("partner", "content/partners")):
        for fixture in sorted((FIXTURES / kind).glob("*/*.yml")):
            shutil.copy(fixture, root / folder / target_name(fixture))
    (root / "content" / "guides").mkdir(exist_ok=True)
    for fixture in sorted((FIXTURES / "guide").glob("*/*.md")):
        shutil.copy(fixture, root / "content" / "guides" / fixture.name)
    return Project(root)


def _described(docs):
    return [(d.path, d.data, d.findings, d.positions, d.key_positions, d.body, d.body_line) for d in docs]


def test_files_loaded_in_two_processes_are_those_loaded_in_one(tmp_path):
    project = _crowded_project(tmp_path / "p")
    files, _ = project.scan()
    jobs, _ = C._jobs(project, files, [], None, None)
    assert len(jobs) > 100
    assert _described(C.load_files(jobs, workers=2)) == _described(C.load_files(jobs, workers=1))


def test_a_worker_that_dies_leaves_its_files_to_this_process(tmp_path, monkeypatch):
    project = _crowded_project(tmp_path / "p")
    alone = V.run(project, today=TODAY, workers=1)
    parent, here = os.getpid(), []
    plain = C.load_one

    def dying(path, shown, kind):
        if os.getpid() != parent:
            os._exit(9)  # as the kernel's out-of-memory killer would
        here.append(shown)
        return plain(path, shown, kind)

    monkeypatch.setattr(C, "load_one", dying)
    shared = V.run(project, today=TODAY, workers=2)
    assert shared.findings == alone.findings
    assert sorted(here) == sorted(alone.content.kinds)  # every file, the worker's too, loaded here


def test_date_fields_are_the_strings_the_schema_calls_dates():
    """hygiene's tree of date fields against `schema.subschema` on every string of every fixture."""
    seen = 0
    for kind in ("opportunity", "partner", "territory", "glossary", "guide"):
        for path in sorted((FIXTURES / kind).glob("*/*")):
            raw = path.read_bytes()
            doc = C.load_guide(raw, path.name) if path.suffix == ".md" else load.load_bytes(raw, path.name)
            if not isinstance(doc.data, dict):
                continue
            strings = load.strings(doc.data)
            slow = [(p, v) for p, v in strings if schema.subschema(kind, p).get("format") == "date"]
            fast = hygiene._date_strings(doc.data, hygiene._date_fields(kind), (), [])
            assert fast == slow, path
            seen += len(fast)
    assert seen > 100


_PIECES = [
    "malati di mente",
    "MALATA MENTALE",
    "pazzi",
    "I Matti",
    "squilibrata",
    "folli",
    "schizofrenici",
    "psicotica",
    "le bipolari",
    "handicappato",
    "tossicodipendenti",
    "ex-detenuti",
    "ex detenuta",
    "affetto da",
    "soffrono di",
    "il paziente psichiatrico",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "i",
    "s",
    "k",
    " ",
    "-",
    "'",
    "è",
    "«",
    "a",
    "\n",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12))
def test_the_wording_prefilter_never_hides_a_match(parts):
    text = "".join(parts)
    if textcheck._any_wording().search(text):
        assert textcheck.may_hold_wording(text)
        assert textcheck.may_hold_wording("nulla", text, "Ecco")  # several fields at once


def test_the_wording_prefilter_is_in_use_and_finds_the_twins():
    """The literal pieces are derived from every pattern; a letter that re equates with an ASCII one
    (dotless i, long s) still reaches the patterns."""
    assert textcheck._literals() is not None
    assert textcheck.stigmatising("s\u0131 sono ſoffre di ansia") == [("ſoffre di", "vive con")]
    assert textcheck.stigmatising("i bİpolari")
    assert not textcheck.may_hold_wording("una persona che vive con un disturbo")


def test_the_literal_pieces_are_required_by_each_pattern():
    """Every pattern's own matches on its own text hold one of its pieces (lower case)."""
    for pattern, _ in textcheck._wording():
        pieces = textcheck._required(list(re._parser.parse(pattern.pattern, pattern.flags)))  # type: ignore[attr-defined]
        assert pieces and all(len(p) >= 3 for p in pieces)


def test_the_case_twins_are_every_letter_re_equates_with_an_ascii_one():
    """Exhaustive over Unicode: a text without these letters matches an ASCII letter of a
    case-insensitive pattern only with an ASCII letter, which lowering keeps in place."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    twins = {c for c in re.findall(r"[a-z]", every, re.IGNORECASE) if not c.isascii()}
    assert twins == set(textcheck._CASE_TWINS.pattern.strip("[]"))
    assert [c for c in every if len(c.lower()) != 1] == ["\u0130"]  # and lowering moves nothing else
