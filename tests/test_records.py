"""bds.records: typed, frozen records built once from validated content, and one site context per run."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import sys

import pytest
from bds import dates, messages, records, validate
from bds.content import Project
from bds.web import generate, languages
from conftest import REPO

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def milan():
    result = validate.run(Project(REPO), today=TODAY)
    assert not result.errors
    return result.content


def test_records_of_the_shipped_content(milan):
    typed = milan.records()
    assert typed is milan.records()  # built once, on the first call
    valid = milan.valid("opportunity")
    assert [r.id for r in typed.listings] == [str(doc.data["id"]) for doc in valid]
    assert typed.territory.programme and typed.territory.site_url.endswith("/")
    assert "en" in typed.territory.languages
    assert set(typed.partners) == {str(doc.data["id"]) for doc in milan.valid("partner")}
    assert len(typed.guides) == len(milan.valid("guide"))
    assert len(typed.translations) == len(milan.valid("translation"))
    assert typed.glossary and all(term.term for term in typed.glossary)
    for record in typed.listings:
        written = record.raw.get("dates") or {}
        assert record.start == (dt.date.fromisoformat(written["start"]) if written.get("start") else None)
        assert isinstance(record.reviewed, dt.date)
        assert record.leaves_on == dates.leaves_catalogue_on(dict(record.raw))
        assert typed.partner_of(record) is typed.partners.get(record.partner_id)


def test_records_of_a_test_territory():
    root = REPO / "tests/territories/franciacorta"
    result = validate.run(Project(root), today=TODAY)
    assert not result.errors
    typed = result.content.records()
    assert len(typed.listings) == len(list((root / "opportunities").glob("*.yml")))
    assert typed.territory.languages in ((), ("it",))
    assert all(isinstance(p, records.Partner) and p.name for p in typed.partners.values())


def test_records_are_frozen(milan):
    record = milan.records().listings[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.title = "altro"  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.raw["title"] = "altro"  # type: ignore[index]
    with pytest.raises(TypeError):
        milan.records().partners["nuovo"] = None  # type: ignore[index]
    assert not hasattr(record, "__dict__")  # slots


def _listing(**extra) -> dict:
    base = {
        "id": "casa-prova",
        "title": "Casa di prova",
        "kind": "social",
        "status": "open",
        "axes": ["social"],
        "zones": ["z1"],
        "dates": {"start": "2027-01-11", "end": "2027-01-15", "deadline": "2027-01-10"},
        "reviewed": "2026-11-01",
        "location": {"name": "Centro civico", "address": "Via Roma 1", "visibility": "public"},
    }
    return base | extra


def test_derived_values():
    record = records.Listing.of(_listing())
    assert (record.start, record.end, record.deadline) == (
        dt.date(2027, 1, 11),
        dt.date(2027, 1, 15),
        dt.date(2027, 1, 10),
    )
    assert record.leaves_on == dt.date(2027, 1, 10) and not record.protected
    assert (record.place_name, record.address) == ("Centro civico", "Via Roma 1")
    assert record.is_shown(dt.date(2027, 1, 10)) and not record.is_shown(dt.date(2027, 1, 11))
    assert not record.is_open_now(dt.date(2027, 1, 11))


@pytest.mark.parametrize(
    "extra",
    [
        {"kind": "housing"},
        {"location": {"name": "Casa", "address": "Via Roma 1", "visibility": "zone-only"}},
    ],
)
def test_a_protected_listing_has_no_public_place(extra):
    record = records.Listing.of(_listing(**extra))
    assert record.protected
    assert record.address is None and record.place_name is None
    assert record.raw["location"]["address"] == "Via Roma 1"  # the file still says it: never shown


def test_a_translated_view_shares_the_parsed_values():
    item = _listing(translations={"en": {"title": "Test home"}})
    record = records.Listing.of(item)
    shown = languages.with_translation(item, "en")
    view = record.translated(shown, "en")
    assert view.title == "Test home" and view.translated_to == "en"
    assert view.start is record.start and view.protected is record.protected


def test_one_context_per_run_and_language(milan):
    first = generate.context_from_content(milan, TODAY, inline_qr=False)
    assert generate.context_from_content(milan, TODAY, inline_qr=False) is first
    with messages.use(language="en"):
        english = generate.context_from_content(milan, TODAY, inline_qr=False, language="en")
    assert english is not first and english.records is first.records
    by_id = {r.id: r for r in first.open_records}
    for record in english.open_records:  # a view: the Italian record's dates, not parsed again
        assert record.start is by_id[record.id].start
    assert [ctx.listing(item) for ctx in (first,) for item in first.listings] == list(first.open_records)


def _count_parses(monkeypatch) -> collections.Counter:
    """Every call of bds.dates.parse, by calling module, through every name it is imported under."""
    original, calls = dates.parse, collections.Counter()

    def counted(value):
        calls[sys._getframe(1).f_globals.get("__name__")] += 1
        return original(value)

    for module in list(sys.modules.values()):
        for name in ("parse", "parse_date"):
            if getattr(module, "__name__", "").startswith("bds") and getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, counted)
    return calls


def test_a_build_parses_each_date_once(monkeypatch):
    content = validate.run(Project(REPO), today=TODAY).content
    calls = _count_parses(monkeypatch)
    territory = content.territory.data
    for code in languages.declared(territory):  # as bds.web.build generates the sites, language by language
        with messages.use(language=code):
            ctx = generate.context_from_content(content, TODAY, inline_qr=False, language=code)
            generate.run_providers(content, ctx)
    typed = content.records()
    excepted = sum(len(r.raw.get("timetable", {}).get("except") or []) for r in typed.listings)
    once = (
        5 * len(typed.listings) + excepted + len(typed.partners) + len(typed.guides) + len(typed.translations)
    )
    assert dict(calls) == {"bds.records": once}
