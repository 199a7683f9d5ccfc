"""iCalendar and RSS as their consumers read them: RFC 5545 rules, the icalendar parser, feedparser.

The shipped content is built once (--today 2026-12-01); the checks are the RFC's, not ours:
VTIMEZONE for every TZID, UID and DTSTAMP on each VEVENT, UNTIL in UTC when DTSTART has a time zone,
CRLF and 75-octet lines. On top: no event is one block longer than 31 days, houses and permanent
services are no events, and the recurrence expands to the sessions the free-text schedule describes.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml
from bds import cli
from bds.web import ical, model
from bds.web.context import SiteContext
from conftest import REPO
from dateutil import rrule as du

TODAY = "2026-12-01"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("calendar") / "site"
    assert cli.main(["--root", str(REPO), "build", "--out", str(out), "--today", TODAY]) == 0
    return out


@pytest.fixture(scope="module")
def shipped() -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((REPO / "opportunities").glob("*.yml"))
    }


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _rfc5545_problems(data: bytes, today: str) -> list[str]:
    """The RFC 5545 rules this kit relies on, checked on the raw bytes and on the parsed calendar."""
    problems = []
    text = data.decode("utf-8")
    if not text.endswith("\r\n") or re.search(r"(?<!\r)\n|\r(?!\n)", text):
        problems.append("lines must end in CRLF (3.1)")
    for line in text.split("\r\n"):
        if len(line.encode("utf-8")) > 75:
            problems.append(f"line longer than 75 octets (3.1): {line[:30]}")
    cal = icalendar.Calendar.from_ical(data)
    if str(cal.get("VERSION")) != "2.0" or not cal.get("PRODID"):
        problems.append("VERSION:2.0 and PRODID are required (3.6)")
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    uids = []
    stamp = dt.datetime.combine(dt.date.fromisoformat(today), dt.time(0, 0), tzinfo=dt.UTC)
    for event in cal.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        uids.append(uid)
        if not uid or not event.get("DTSTART"):
            problems.append(f"UID and DTSTART are required (3.6.1): {uid}")
        if event.decoded("DTSTAMP") != stamp:
            problems.append(f"DTSTAMP must be the build day at 00:00 UTC: {uid}")
        for name in ("DTSTART", "DTEND", "EXDATE"):
            values = event.get(name)
            for value in values if isinstance(values, list) else [values] if values else []:
                tzid = value.params.get("TZID")
                if tzid and tzid not in zones:
                    problems.append(f"TZID {tzid} without its VTIMEZONE (3.2.19): {uid}")
        start = event.decoded("DTSTART")
        if event.get("DTEND") and event.decoded("DTEND") <= start:
            problems.append(f"DTEND must come after DTSTART (3.6.1): {uid}")
        if event.get("RRULE"):
            utc_until = re.search(r"UNTIL=\d{8}T\d{6}Z", event["RRULE"].to_ical().decode())
            if isinstance(start, dt.datetime) and start.tzinfo and not utc_until:
                problems.append(f"UNTIL must be UTC when DTSTART has a TZID (3.3.10): {uid}")
    if len(set(uids)) != len(uids):
        problems.append("UIDs must be unique")
    return problems


def _block_days(event: icalendar.Event) -> float:
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if event.get("DTEND") else start
    return (end - start).total_seconds() / 86400


def _expand(event: icalendar.Event) -> list[dt.date]:
    """The sessions a consumer sees: DTSTART + RRULE - EXDATE, expanded by dateutil in Europe/Rome
    (the parser's time zone, from the system database: not our code)."""
    start = event.decoded("DTSTART")
    if not event.get("RRULE"):
        return [start.date() if isinstance(start, dt.datetime) else start]
    days = [d.date() for d in du.rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)]
    off = set()
    exdates = event.get("EXDATE")
    for exdate in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        off |= {d.dt.date() for d in exdate.dts}
    return [d for d in days if d not in off]


def test_calendar_follows_rfc5545(site):
    data = (site / "dati" / "opportunita.ics").read_bytes()
    assert _rfc5545_problems(data, TODAY) == []
    cal = icalendar.Calendar.from_ical(data)
    assert cal.to_ical() == data  # the parser reads back exactly what we wrote
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]


def test_no_event_is_a_block_of_weeks(site):
    events = _events((site / "dati" / "opportunita.ics").read_bytes())
    assert len(events) >= 15
    assert [str(e["UID"]) for e in events if _block_days(e) > 31] == []
    weekly = [e for e in events if e.get("RRULE")]
    assert len(weekly) >= 15  # the shipped timetables became recurring events
    for event in weekly:
        assert event["DTSTART"].params["TZID"] == "Europe/Rome"
        assert _block_days(event) < 1  # one session long, repeated by the rule


def test_houses_and_permanent_services_are_not_events(site, shipped):
    uids = {str(e["UID"]).split("@")[0] for e in _events((site / "dati" / "opportunita.ics").read_bytes())}
    for lid, record in shipped.items():
        if record["kind"] == "housing" or not (record.get("dates") or {}).get("start"):
            assert lid not in uids, lid


def test_recurrence_matches_the_free_text_schedule(site):
    by_id = {
        str(e["UID"]).split("@")[0]: e for e in _events((site / "dati" / "opportunita.ics").read_bytes())
    }
    cinema = _expand(by_id["cinema-in-piazza-niguarda"])  # «Tre giovedì di luglio, dalle 21»
    assert cinema == [dt.date(2027, 7, 1), dt.date(2027, 7, 8), dt.date(2027, 7, 15)]
    assert by_id["cinema-in-piazza-niguarda"].decoded("DTSTART").hour == 21
    saturdays = _expand(by_id["formazione-volontari-reti-sociali-naturali"])  # «Sei sabati mattina»
    assert len(saturdays) == 6 and {d.weekday() for d in saturdays} == {5}
    dbt = _expand(by_id["gruppo-dbt-familiari"])  # «Il mercoledì ..., ogni due settimane»
    assert {(b - a).days for a, b in zip(dbt, dbt[1:], strict=False)} == {14}
    esp = _expand(by_id["corso-per-diventare-esp"])  # Monday and Wednesday, not on Easter Monday
    assert {d.weekday() for d in esp} == {0, 2} and dt.date(2027, 3, 29) not in esp
    assert esp[0] == dt.date(2027, 3, 1) and esp[-1] == dt.date(2027, 7, 14)
    one_off = by_id["festa-quartiere-molise-calvairate"]  # «Sabato dalle 15 alle 20»: one event
    assert not one_off.get("RRULE") and one_off.decoded("DTSTART").hour == 15
    assert one_off.decoded("DTEND").hour == 20


def test_recurrence_agrees_with_the_kit_sessions(site, shipped):
    """dateutil's expansion of what we wrote equals `ical.sessions` for every shipped timetable."""
    by_id = {
        str(e["UID"]).split("@")[0]: e for e in _events((site / "dati" / "opportunita.ics").read_bytes())
    }
    checked = 0
    for lid, record in shipped.items():
        if "timetable" in record and lid in by_id:
            assert _expand(by_id[lid]) == ical.sessions(record), lid
            checked += 1
    assert checked >= 15


def test_one_calendar_file_per_event_linked_from_its_page(site, shipped):
    events = _events((site / "dati" / "opportunita.ics").read_bytes())
    files = sorted((site / "dati" / "calendario").glob("*.ics"))
    assert [f.stem for f in files] == sorted(str(e["UID"]).split("@")[0] for e in events)
    for path in files:
        data = path.read_bytes()
        assert _rfc5545_problems(data, TODAY) == [], path.name
        (one,) = _events(data)
        assert str(one["UID"]) == f"{path.stem}@bds-milano.example"
    for page in sorted((site / "opportunita").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        lid = page.parent.name
        link = f'href="../../dati/calendario/{lid}.ics"'
        if (site / "dati" / "calendario" / f"{lid}.ics").exists():
            assert link in html and "Aggiungi al calendario" in html, lid
        else:
            assert "Aggiungi al calendario" not in html, lid


def _ctx(listings: list[dict], today: str = "2027-01-01") -> SiteContext:
    territory = {"programme": "Prova", "site_url": "https://prova.example/", "zones": []}
    return SiteContext.create(territory, listings, [], [], [], dt.date.fromisoformat(today))


def _listing(**extra) -> dict:
    record = {
        "id": "prova",
        "title": "Prova",
        "kind": "social",
        "axes": ["social"],
        "partner": "ente",
        "summary": "Una prova per il calendario.",
        "description": "Una prova.",
        "audience": ["citizens"],
        "access": "direct",
        "zones": ["zona"],
        "location": {"name": "Sala", "visibility": "public"},
        "contact": {"email": "a@b.example"},
        "status": "open",
        "reviewed": "2026-12-01",
    }
    record.update(extra)
    return record


def test_long_listing_without_timetable_is_no_event_and_short_one_is_a_block():
    long = _listing(dates={"start": "2027-02-01", "end": "2027-05-31"}, schedule="Il martedì")
    open_ended = _listing(id="aperta", dates={"start": "2027-02-01"})
    short = _listing(id="breve", dates={"start": "2027-02-06", "end": "2027-02-07"})
    ctx = _ctx([long, open_ended, short])
    assert ical.event(long, ctx) is None and ical.event(open_ended, ctx) is None
    block = ical.event(short, ctx)
    assert block.decoded("DTSTART") == dt.date(2027, 2, 6) and block.decoded("DTEND") == dt.date(2027, 2, 8)
    assert [str(e["UID"]) for e in _events(ical.calendar(ctx))] == ["breve@prova.example"]
    house = _listing(
        id="casa", kind="housing", axes=["housing"], dates={"start": "2027-02-06", "end": "2027-02-06"}
    )
    assert ical.event(house, _ctx([house])) is None


def test_timetable_rule_starts_on_the_first_session_and_skips_the_days_off():
    record = _listing(
        dates={"start": "2027-03-25", "end": "2027-04-30"},  # a Thursday; sessions on Tuesdays
        schedule="Il martedì dalle 10 alle 12",
        timetable={"days": ["tue"], "start_time": "10:00", "end_time": "12:00", "except": ["2027-04-06"]},
    )
    (event,) = _events(ical.listing_calendar(record, _ctx([record])))  # as a consumer reads it
    assert event.decoded("DTSTART").replace(tzinfo=None) == dt.datetime(2027, 3, 30, 10, 0)
    assert _expand(event) == [
        dt.date(2027, 3, 30),
        dt.date(2027, 4, 13),
        dt.date(2027, 4, 20),
        dt.date(2027, 4, 27),
    ]
    assert "UNTIL=20270427T080000Z" in event["RRULE"].to_ical().decode()  # 10:00 CEST


def test_rome_to_utc_follows_summer_time():
    assert ical.rome_to_utc(dt.datetime(2027, 1, 10, 12, 0)).hour == 11
    assert ical.rome_to_utc(dt.datetime(2027, 3, 28, 1, 30)).hour == 0  # before the change (02:00)
    assert ical.rome_to_utc(dt.datetime(2027, 3, 28, 3, 30)).hour == 1
    assert ical.rome_to_utc(dt.datetime(2027, 10, 31, 2, 30)).hour == 0  # still summer time
    assert ical.rome_to_utc(dt.datetime(2027, 10, 31, 3, 30)).hour == 2


def test_rss_stays_valid_with_control_characters():
    from bds.web import exports

    nasty = _listing(title="Titolo\x0bcon\x00controllo\x1f", summary="Testo \x08 con «virgolette» & <tag>")
    feed = feedparser.parse(exports.rss(_ctx([nasty])))
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].title == "Titoloconcontrollo"
    assert feed.entries[0].link == "https://prova.example/" + model.page_url(model.listing_path("prova"))


def test_rss_of_the_shipped_site_is_valid(site):
    feed = feedparser.parse((site / "dati" / "novita.xml").read_bytes())
    assert not feed.bozo and feed.version == "rss20" and feed.entries


def test_sessions_are_bounded_for_any_accepted_dates():
    record = _listing(
        dates={"start": "1000-01-01", "end": "9999-12-31"},
        schedule="Ogni giorno",
        timetable={"start_time": "10:00"},
    )
    days = ical.sessions(record)
    assert days[0] == dt.date(1000, 1, 1) and len(days) == ical.MAX_SPAN_DAYS + 1


def test_each_event_is_written_once_and_a_copy_of_the_context_writes_its_own():
    short = _listing(id="breve", dates={"start": "2027-02-06", "end": "2027-02-07"})
    ctx = _ctx([short])
    (record,) = ctx.open_records
    own = ical.listing_calendar(record, ctx)
    assert b"UID:breve@prova.example" in own and own.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert ical.listing_calendar(record, ctx) is not own and ical.listing_calendar(record, ctx) == own
    # the calendar of all listings carries the very same VEVENT bytes
    event_text = own[own.index(b"BEGIN:VEVENT") : own.index(b"END:VCALENDAR")]
    assert event_text in ical.calendar(ctx)
    other = copy.copy(ctx)  # shares ctx.cache, as a site in another address or day would
    other.site_url = "https://altro.example/"
    assert b"UID:breve@altro.example" in ical.listing_calendar(record, other)
    later = copy.copy(ctx)
    later.today = dt.date(2027, 3, 1)
    assert b"DTSTAMP:20270301T000000Z" in ical.listing_calendar(record, later)
    assert ical.listing_calendar(record, ctx) == own
