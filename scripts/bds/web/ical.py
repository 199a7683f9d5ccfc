"""iCalendar (RFC 5545): the calendar of all listings and one .ics file per listing.

A listing becomes a calendar event only when it says when it happens:

- with a structured `timetable` (`days`, `start_time`, `end_time`, `every_weeks`, `except`), the event
  starts on the first session on or after `dates.start`, at `start_time` in Europe/Rome (TZID with its
  VTIMEZONE), and repeats with an RRULE (WEEKLY on the days, or DAILY without days) until `dates.end`;
  the days off become EXDATEs;
- without a timetable, a short listing (at most `MAX_BLOCK_DAYS` days from start to end) keeps one
  all-day DTSTART/DTEND block; a longer or open-ended one (a course, an internship over months, a job
  that starts on a day) gets no event at all: one block of weeks would fill a subscriber's calendar
  with something that is not happening, and the start day alone would look like a one-day event.

Housing places and listings with no start date (permanent services) are never events. DTSTAMP is
`today` (the build's --today) at 00:00 UTC, so the files are byte-identical for the same --today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import icalendar

from .. import messages
from ..dates import parse as parse_date
from ..messages import t
from ..records import Listing, as_listing
from . import model

if TYPE_CHECKING:  # the validator uses `sessions` without the site's Markdown stack
    from .context import SiteContext

TZID = "Europe/Rome"
MAX_BLOCK_DAYS = 7  # an all-day block longer than a week is not emitted (see the module docstring)
DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
WEEKDAY = {key: number for number, key in enumerate(DAYS)}
CALENDAR_DIR = "dati/calendario"
MAX_SPAN_DAYS = 3 * 366  # sessions are counted for three years at most: a bounded loop for any record

# Europe/Rome as Italian law and the EU summer-time directive define it since 1996 (CET/CEST, change on
# the last Sunday of March and October). Written out, so the file does not depend on the build machine's
# time-zone database.
VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Rome\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def rome_to_utc(moment: dt.datetime) -> dt.datetime:
    """A Europe/Rome wall-clock time as UTC (summer time from the last Sunday of March, 02:00, to the
    last Sunday of October, 03:00)."""
    summer = (
        dt.datetime.combine(_last_sunday(moment.year, 3), dt.time(2, 0))
        <= moment
        < dt.datetime.combine(_last_sunday(moment.year, 10), dt.time(3, 0))
    )
    return (moment - dt.timedelta(hours=2 if summer else 1)).replace(tzinfo=dt.UTC)


def _time(value) -> dt.time | None:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return None
    try:
        return dt.time(int(value[:2]), int(value[3:]))
    except ValueError:
        return None


def _span(listing: Listing) -> tuple[dt.date | None, dt.date | None]:
    start, end = listing.start, listing.end
    if start is not None and end is not None and end < start:
        end = None
    return start, end


def sessions(listing: Listing | Mapping, exceptions: bool = True) -> list[dt.date]:
    """The days of the sessions a timetable describes (exceptions left out unless `exceptions` is
    False); [] without a timetable. A typed record's dates are not parsed again; a plain mapping's
    (bds.rules checks timetables before there are records) are."""
    table, start, end, skip = (
        _timetable(listing) if isinstance(listing, Listing) else _plain_timetable(listing)
    )
    if not isinstance(table, Mapping) or start is None or _time(table.get("start_time")) is None:
        return []
    end = min(end or start, start + dt.timedelta(days=MAX_SPAN_DAYS))
    days, every = _weekly_rule(table)
    skip = skip if exceptions else frozenset()
    return [d for d in _rule_days(start, end, days, every) if d not in skip]


_Timetable = tuple[object, dt.date | None, dt.date | None, frozenset[dt.date | None]]


def _timetable(listing: Listing) -> _Timetable:
    """A typed listing's timetable, first and last day (`_span`) and days off, parsed already."""
    start, end = _span(listing)
    return listing.raw.get("timetable"), start, end, listing.except_days


def _plain_timetable(listing: Mapping) -> _Timetable:
    """The same read from a plain mapping, whose dates are parsed here (as `_span` and
    `Listing.except_days` do)."""
    table, when = listing.get("timetable"), listing.get("dates") or {}
    start, end = parse_date(when.get("start")), parse_date(when.get("end"))
    end = None if start is not None and end is not None and end < start else end
    days_off = (table.get("except") or []) if isinstance(table, Mapping) else []
    return table, start, end, frozenset(parse_date(d) for d in days_off)


def _weekly_rule(table: Mapping) -> tuple[list[int], int]:
    """The weekdays of the sessions (none: every day) and how many weeks apart they are."""
    days = [WEEKDAY[d] for d in table.get("days") or [] if d in WEEKDAY]
    every_weeks = table.get("every_weeks")
    return days, every_weeks if isinstance(every_weeks, int) else 1


def _rule_days(start: dt.date, end: dt.date, days: list[int], every: int) -> list[dt.date]:
    """Every day from `start` to `end` without weekdays; else those weekdays, every `every` weeks
    counted from the first week that has a session."""
    out: list[dt.date] = []
    day = start
    first_week: int | None = None
    while day <= end:
        if not days:
            out.append(day)
        elif day.weekday() in days:
            week = (day - dt.timedelta(days=day.weekday())).toordinal() // 7
            first_week = week if first_week is None else first_week
            if (week - first_week) % max(every, 1) == 0:
                out.append(day)
        day += dt.timedelta(days=1)
    return out


def is_event(listing: Listing | Mapping) -> bool:
    """Housing and undated (permanent) listings are never calendar events."""
    record = as_listing(listing)
    start, _ = _span(record)
    return record.kind != "housing" and start is not None


def event(listing: Listing | Mapping, ctx: SiteContext) -> icalendar.Event | None:
    """The VEVENT of one listing, or None (see the module docstring)."""
    record = as_listing(listing)
    if not is_event(record):
        return None
    start, end = _span(record)
    if start is None:  # is_event() has already ruled this out; the check narrows the type
        return None
    table = record.raw.get("timetable") if isinstance(record.raw.get("timetable"), Mapping) else None
    begin = _time((table or {}).get("start_time"))
    timed = table is not None and begin is not None
    # whether there is an event is known before one is built (most listings have none)
    every_day = sessions(record, exceptions=False) if timed else []  # days off included: EXDATEs
    if (timed and not every_day) or (not timed and not _is_block(start, end)):
        return None
    vevent = icalendar.Event()
    host = ctx.site_url.split("//", 1)[-1].split("/", 1)[0] or "bds"
    vevent.add("uid", f"{record.id}@{host}")
    vevent.add("dtstamp", dt.datetime.combine(ctx.today, dt.time(0, 0), tzinfo=dt.UTC))
    if table is not None and begin is not None:
        _add_sessions(vevent, record, table, begin, every_day)
    else:
        _add_days(vevent, start, end)
    _add_texts(vevent, record, ctx, record.id)
    return vevent


def _add_sessions(
    vevent: icalendar.Event, listing: Listing, table: Mapping, begin: dt.time, every_day: list[dt.date]
) -> None:
    """The first session, the rule that repeats it and the days left out (`every_day`: the sessions,
    days off included, never empty)."""
    first, last = every_day[0], every_day[-1]
    finish = _time(table.get("end_time"))
    vevent.add("dtstart", dt.datetime.combine(first, begin), parameters={"TZID": TZID})
    if finish is not None and finish > begin:
        vevent.add("dtend", dt.datetime.combine(first, finish), parameters={"TZID": TZID})
    if last > first:
        vevent.add("rrule", _rrule(table, last, begin))
    off = sorted(set(every_day) - set(sessions(listing)))
    if off:
        vevent.add("exdate", [dt.datetime.combine(d, begin) for d in off], parameters={"TZID": TZID})


def _rrule(table: Mapping, last: dt.date, begin: dt.time) -> dict[str, object]:
    rule: dict[str, object] = {"FREQ": "WEEKLY" if table.get("days") else "DAILY"}
    rule["UNTIL"] = rome_to_utc(dt.datetime.combine(last, begin))
    if table.get("days"):
        every = table.get("every_weeks")
        if isinstance(every, int) and every > 1:
            rule["INTERVAL"] = every
        rule["BYDAY"] = [DAYS[d] for d in DAYS if d in table["days"]]
    return rule


def _is_block(start: dt.date, end: dt.date | None) -> bool:
    """Whether a listing without a timetable is one all-day block: not open-ended nor longer than a
    week (no block of weeks in anyone's calendar)."""
    return end is not None and (end - start).days + 1 <= MAX_BLOCK_DAYS


def _add_days(vevent: icalendar.Event, start: dt.date, end: dt.date | None) -> None:
    """The all-day block from start to end (`_is_block`)."""
    if end is None:  # _is_block() has ruled this out; the check narrows the type
        return
    vevent.add("dtstart", start)
    # exclusive end day; the validator's date range never reaches it, but no export may crash
    vevent.add("dtend", end + dt.timedelta(days=1) if end < dt.date.max else end)


def _add_texts(vevent: icalendar.Event, listing: Listing, ctx: SiteContext, lid: str) -> None:
    """Title, description, place, link and status."""
    vevent.add("summary", listing.title)
    url = ctx.url(model.listing_path(lid))
    text = listing.summary
    schedule = listing.raw.get("schedule")
    if schedule:
        text += "\n" + t("data.calendar.schedule", schedule=schedule)
    vevent.add("description", f"{text}\n{url}")
    zones = ", ".join(ctx.labels.zones.get(z, z) for z in listing.zones)
    place = ", ".join(p for p in (listing.place_name, listing.address, zones) if p)
    vevent.add("location", place)
    vevent.add("url", url)
    if listing.status == "closed" or listing.is_expired(ctx.today):
        vevent.add("status", "CANCELLED")
    else:
        vevent.add("status", "CONFIRMED")


class _EventText(NamedTuple):
    """A VEVENT as the calendar files carry it, and whether it needs the VTIMEZONE (a TZID start)."""

    text: bytes
    zoned: bool


def _event_text(record: Listing, ctx: SiteContext) -> _EventText | None:
    """The listing's VEVENT written once per run (the calendar of all listings and the listing's own
    file carry the same bytes); kept in `ctx.cache` with what its text depends on."""
    key = ("ical-event", id(record))  # the memo keeps the record alive: its id() is never reused
    # a copy of the context (another address, day or language) shares the memo but not the text
    same, equal = (record, ctx.labels), (ctx.site_url, ctx.today, messages.current_language())
    found = ctx.cache.get(key)
    if found is None or any(a is not b for a, b in zip(found[0], same, strict=True)) or found[1] != equal:
        one = event(record, ctx)
        made = None
        if one is not None:
            made = _EventText(one.to_ical(), "TZID" in getattr(one.get("dtstart"), "params", {}))
        found = ctx.cache[key] = (same, equal, made)
    return found[2]


@cache
def _timezone_text() -> bytes:
    """The VTIMEZONE as icalendar writes it (its properties sorted), parsed once."""
    return icalendar.Timezone.from_ical(VTIMEZONE).to_ical()


_END = b"END:VCALENDAR\r\n"


def _calendar(name: str, events: list[_EventText]) -> bytes:
    """What icalendar writes for a calendar of these events: its own lines, the VTIMEZONE when an event
    starts at a local time, the events as they were written, its end (each line is folded on its own,
    so the parts join as they are)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bds//Budget di Salute//IT")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    head = cal.to_ical().removesuffix(_END)
    zone = [_timezone_text()] if any(e.zoned for e in events) else []
    return b"".join([head, *zone, *(e.text for e in events), _END])


def calendar(ctx: SiteContext) -> bytes:
    """All the listings that are events, ordered by id."""
    items = sorted(ctx.open_records, key=lambda record: record.id)
    events = [e for e in (_event_text(record, ctx) for record in items) if e is not None]
    return _calendar(t("data.calendar.name", name=ctx.territory.get("programme", "")), events)


def listing_file(listing_id: str) -> str:
    return f"{CALENDAR_DIR}/{listing_id}.ics"


def listing_calendar(listing: Listing | Mapping, ctx: SiteContext) -> bytes | None:
    record = ctx.listing(listing) if not isinstance(listing, Listing) else listing
    one = _event_text(record, ctx)
    if one is None:
        return None
    return _calendar(record.title, [one])


def listing_files(ctx: SiteContext) -> dict[str, bytes]:
    """One .ics per listing that is an event: dati/calendario/<id>.ics (linked from its page)."""
    out = {}
    for record in sorted(ctx.open_records, key=lambda record: record.id):
        data = listing_calendar(record, ctx)
        if data is not None:
            out[listing_file(record.id)] = data
    return out
