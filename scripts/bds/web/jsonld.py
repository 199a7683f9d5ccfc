"""schema.org JSON-LD for a listing page: JobPosting, Event, Service, or nothing.

Which type (and why):

- JobPosting: only a job or an internship that is open (status `open`: a full or closed position is
  not a vacancy, and Google asks to remove the markup when it is filled) and has a first publication
  date (`published`): `datePosted` is that date, never the last review, and without it we cannot say
  when the offer was posted. `validThrough` is the deadline, else the end; `baseSalary` the stipend.
- Event: a dated activity people attend (course, workshop, outing, group, family course, community
  event) with a start date; with a structured `timetable` it carries the first session's date and time
  and an `eventSchedule` (schema.org Schedule), so a course of months is not one long event.
  `offers` says the price as the listing does: free (price 0), an amount in euro, or covered by the
  Budget di Salute (no price and never `isAccessibleForFree`: it is paid by the programme, not free).
- Service: what is offered continuously by an organisation (peer support, family support, housing,
  support at home, undated courses and groups): a `Service` with `provider` and `areaServed`.
- Nothing for volunteering: schema.org has no type for a volunteer role other than JobPosting, which
  would present unpaid volunteering as employment in job search; nothing for a job or internship that
  is full, closed, or has no `published` date.

Places: `Place` with `PostalAddress` (street only for public places: `bds.protected` decides), locality
and region from the territory, country IT, and the zones as `containedInPlace` AdministrativeAreas.
A protected place has no Place at all in a Service (`areaServed` only) and no name or street anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping

from ..messages import t
from ..records import Listing, as_listing
from . import ical, model
from .text import markdown_html, plain_text

EMPLOYMENT_TYPE = {"job": "OTHER", "internship": "INTERN"}
EVENT_KINDS = ("training", "social", "community-event", "peer-support", "family-support")
SCHEMA = "https://schema.org/"
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_CITY_PREFIX = re.compile(r"^(?:Città|Comune|Municipalità) di\s+", re.I)


def locality(territory: dict) -> str:
    """The town of the territory: `locality` if the territory says it, else its name without
    «Città di»/«Comune di» (Città di Milano -> Milano)."""
    given = territory.get("locality")
    if isinstance(given, str) and given.strip():
        return given.strip()
    return _CITY_PREFIX.sub("", str(territory.get("territory", ""))).strip()


def _areas(listing: Mapping, labels: model.Labels) -> list[dict]:
    return [
        {"@type": "AdministrativeArea", "name": labels.zones.get(z, z)} for z in listing.get("zones") or []
    ]


def _address(listing: Listing, territory: dict) -> dict:
    address = {"@type": "PostalAddress", "addressLocality": locality(territory), "addressCountry": "IT"}
    if territory.get("region"):
        address["addressRegion"] = str(territory["region"])
    street = listing.address  # never for a protected place (bds.protected); no geo either
    if street:
        address["streetAddress"] = street
    return address


def _place(listing: Listing, territory: dict, labels: model.Labels) -> dict:
    zones = ", ".join(labels.zones.get(z, z) for z in listing.raw.get("zones") or [])
    place = {
        "@type": "Place",
        "name": listing.place_name or zones or locality(territory),
        "address": _address(listing, territory),
    }
    areas = _areas(listing.raw, labels)
    if areas:
        place["containedInPlace"] = areas
    return place


def _organization(partner: dict | None, listing: Mapping) -> dict:
    org = {"@type": "Organization", "name": (partner or {}).get("name") or listing.get("partner", "")}
    url = ((partner or {}).get("contact") or {}).get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        org["url"] = url
        org["sameAs"] = url
    return org


def _description(listing: Mapping) -> str:
    """HTML as Google asks for JobPosting (paragraphs), sanitised like the page itself."""
    summary = str(listing.get("summary", "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<p>{summary}</p>{markdown_html(str(listing.get('description', '')), 3)}"


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _rome(day: dt.date, clock: dt.time) -> str:
    """ISO 8601 local time in Europe/Rome with its offset: 2027-03-01T14:00:00+01:00."""
    local = dt.datetime.combine(day, clock)
    offset = local - ical.rome_to_utc(local).replace(tzinfo=None)
    hours = int(offset.total_seconds() // 3600)
    return f"{local.isoformat()}+{hours:02d}:00"


def _time(value: str) -> dt.time:
    return dt.time(int(value[:2]), int(value[3:]))


def is_job_posting(listing: Listing | Mapping) -> bool:
    record = as_listing(listing)
    return (
        record.raw.get("kind") in EMPLOYMENT_TYPE and record.status == "open" and record.published is not None
    )


def job_posting(
    record: Listing | Mapping, partner: dict | None, territory: dict, labels: model.Labels, url: str
) -> dict:
    record = as_listing(record)
    listing = record.raw
    dates = listing.get("dates") or {}
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": str(listing.get("title", "")),
        "description": _description(listing),
        "datePosted": str(listing["published"]),
        "employmentType": EMPLOYMENT_TYPE[listing["kind"]],
        "hiringOrganization": _organization(partner, listing),
        "jobLocation": _place(record, territory, labels),
        "identifier": {
            "@type": "PropertyValue",
            "name": (partner or {}).get("name", ""),
            "value": str(listing.get("id", "")),
        },
        "url": url,
        "directApply": False,  # one applies by email, phone or through the case manager, not on the page
    }
    for key, day in (("deadline", record.deadline), ("end", record.end)):
        if day:
            data["validThrough"] = str(dates[key])
            break
    if record.start:
        data["jobStartDate"] = str(dates["start"])
    if listing.get("schedule"):
        data["workHours"] = str(listing["schedule"])
    if isinstance(listing.get("places"), int) and not isinstance(listing.get("places"), bool):
        data["totalJobOpenings"] = listing["places"]
    stipend = _number(listing.get("stipend"))
    if stipend is not None:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {"@type": "QuantitativeValue", "value": stipend, "unitText": "MONTH"},
        }
    return data


def _offer(listing: Mapping, url: str, labels: model.Labels) -> dict:
    offer: dict[str, object] = {
        "@type": "Offer",
        "url": url,
        "availability": SCHEMA + ("SoldOut" if listing.get("status") == "full" else "InStock"),
    }
    cost = listing.get("cost")
    if cost == "free" or _number(cost) == 0:
        offer.update(price=0, priceCurrency="EUR")
    elif _number(cost) is not None:
        offer.update(price=cost, priceCurrency="EUR")
    elif cost == "budget":
        offer["description"] = t(
            "data.jsonld.budget_offer", label=labels.costs.get("budget", t("data.cost.budget"))
        )
    return offer


def _schedule(record: Listing) -> tuple[str, str | None, dict | None]:
    """startDate, endDate and the schema.org Schedule of a listing (dates only without a timetable)."""
    listing = record.raw
    dates = listing.get("dates") or {}
    table = listing.get("timetable") if isinstance(listing.get("timetable"), Mapping) else None
    days = ical.sessions(record) if table else []
    if not days or table is None:  # no sessions without a timetable: days is [] when table is None
        return str(dates["start"]), str(dates["end"]) if dates.get("end") else None, None
    begin = _time(table["start_time"])
    finish = _end_time(table, begin)
    start = _rome(days[0], begin)
    end = _rome(days[-1], finish) if finish else str(days[-1])
    if not table.get("days") or len(days) == 1:
        return start, end, None
    return start, end, _weekly(table, days, finish is not None)


def _end_time(table: Mapping, begin: dt.time) -> dt.time | None:
    """The timetable's end time, when it has one after its start time."""
    finish = _time(table["end_time"]) if table.get("end_time") else None
    return finish if finish and finish > begin else None


def _weekly(table: Mapping, days: list, ends: bool) -> dict:
    """The schema.org Schedule of sessions on given weekdays (`ends`: the timetable's end time is
    after its start time)."""
    every = table.get("every_weeks") if isinstance(table.get("every_weeks"), int) else 1
    schedule = {
        "@type": "Schedule",
        "byDay": [SCHEMA + DAY_NAMES[d] for d in DAY_NAMES if d in table["days"]],
        "startTime": f"{table['start_time']}:00",
        "repeatFrequency": f"P{every}W",
        "startDate": days[0].isoformat(),
        "endDate": days[-1].isoformat(),
        "scheduleTimezone": ical.TZID,
    }
    if ends:
        schedule["endTime"] = f"{table['end_time']}:00"
    if table.get("except"):
        schedule["exceptDate"] = sorted(str(d) for d in table["except"])
    return schedule


def event(
    record: Listing | Mapping, partner: dict | None, territory: dict, labels: model.Labels, url: str
) -> dict:
    record = as_listing(record)
    listing = record.raw
    start, end, schedule = _schedule(record)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": str(listing.get("title", "")),
        "description": " ".join(
            (str(listing.get("summary", "")), plain_text(str(listing.get("description", ""))))
        ).strip(),
        "startDate": start,
        "eventStatus": SCHEMA + ("EventCancelled" if listing.get("status") == "closed" else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": _place(record, territory, labels),
        "organizer": _organization(partner, listing),
        "offers": _offer(listing, url, labels),
        "url": url,
    }
    if end:
        data["endDate"] = end
    if schedule:
        data["eventSchedule"] = schedule
    cost = listing.get("cost")
    if cost == "free" or _number(cost) == 0:
        data["isAccessibleForFree"] = True
    if isinstance(listing.get("places"), int) and not isinstance(listing.get("places"), bool):
        data["maximumAttendeeCapacity"] = listing["places"]
    if listing.get("languages"):
        data["inLanguage"] = list(listing["languages"])
    return data


def _kind_label(listing: Mapping, labels: model.Labels) -> str:
    """The label of the listing's kind, else the kind itself (labels are keyed by strings only)."""
    kind = listing.get("kind")
    fallback = str(listing.get("kind", ""))
    return labels.kinds.get(kind, fallback) if isinstance(kind, str) else fallback


def service(
    record: Listing | Mapping, partner: dict | None, territory: dict, labels: model.Labels, url: str
) -> dict:
    listing = as_listing(record).raw
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": str(listing.get("title", "")),
        "description": str(listing.get("summary", "")),
        "serviceType": _kind_label(listing, labels),
        "provider": _organization(partner, listing),
        "areaServed": _areas(listing, labels)
        or [{"@type": "AdministrativeArea", "name": str(territory.get("territory", ""))}],
        "url": url,
    }
    if listing.get("cost") is not None:
        data["offers"] = _offer(listing, url, labels)
    return data


def for_listing(
    listing: Listing | Mapping,
    partner: dict | None,
    territory: dict,
    labels: model.Labels,
    url: str,
    review_days: int = 0,
) -> dict | None:
    """The JSON-LD object for a listing, or None when no schema.org type fits (see the module docstring)."""
    record = as_listing(listing)
    kind = record.raw.get("kind")
    if kind in EMPLOYMENT_TYPE:
        return job_posting(record, partner, territory, labels, url) if is_job_posting(record) else None
    if kind == "volunteering":
        return None
    if kind in EVENT_KINDS and record.start:
        return event(record, partner, territory, labels, url)
    return service(record, partner, territory, labels, url)


def script_tag(data: dict | None) -> str:
    """A JSON-LD script element; `<`, `>` and `&` are escaped so no text can close the element."""
    if not data:
        return ""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{body}</script>'
