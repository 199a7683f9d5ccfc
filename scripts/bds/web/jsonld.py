"""schema.org JSON-LD for a listing: JobPosting (job, internship, volunteering) or Event (dated)."""

from __future__ import annotations

import json

from . import model
from .text import plain_text

EMPLOYMENT_TYPE = {"job": "OTHER", "internship": "INTERN", "volunteering": "VOLUNTEER"}


def _place(listing: dict, territory: dict, labels: model.Labels) -> dict:
    zones = ", ".join(labels.zones.get(z, z) for z in listing.get("zones") or [])
    address = {
        "@type": "PostalAddress",
        "addressLocality": zones or territory.get("territory", ""),
        "addressRegion": territory.get("region", ""),
        "addressCountry": "IT",
    }
    street = model.public_address(listing)  # never for a protected place (bds.protected); no geo either
    if street:
        address["streetAddress"] = street
    return {
        "@type": "Place",
        "name": model.public_place_name(listing) or zones or territory.get("territory", ""),
        "address": address,
    }


def _organization(partner: dict | None, listing: dict) -> dict:
    org = {"@type": "Organization", "name": (partner or {}).get("name") or listing.get("partner", "")}
    url = ((partner or {}).get("contact") or {}).get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        org["sameAs"] = url
    return org


def for_listing(
    listing: dict, partner: dict | None, territory: dict, labels: model.Labels, url: str, review_days: int
) -> dict | None:
    """The JSON-LD object for a listing, or None when no schema.org type fits."""
    description = f"{listing.get('summary', '')} {plain_text(str(listing.get('description', '')))}".strip()
    kind = listing.get("kind")
    dates = listing.get("dates") or {}
    if kind in model.JOB_KINDS:
        data = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": str(listing.get("title", "")),
            "description": description,
            "datePosted": str(listing.get("reviewed", "")),
            "validThrough": model.valid_through(listing, review_days),
            "employmentType": EMPLOYMENT_TYPE[kind],
            "hiringOrganization": _organization(partner, listing),
            "jobLocation": _place(listing, territory, labels),
            "identifier": {
                "@type": "PropertyValue",
                "name": (partner or {}).get("name", ""),
                "value": str(listing.get("id", "")),
            },
            "url": url,
            "directApply": listing.get("access") in ("direct", "both"),
        }
        if isinstance(listing.get("stipend"), (int, float)) and not isinstance(listing.get("stipend"), bool):
            data["baseSalary"] = {
                "@type": "MonetaryAmount",
                "currency": "EUR",
                "value": {"@type": "QuantitativeValue", "value": listing["stipend"], "unitText": "MONTH"},
            }
        return data
    if dates.get("start") and kind != "housing":
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": str(listing.get("title", "")),
            "description": description,
            "startDate": str(dates["start"]),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": _place(listing, territory, labels),
            "organizer": _organization(partner, listing),
            "url": url,
        }
        if dates.get("end"):
            data["endDate"] = str(dates["end"])
        cost = listing.get("cost")
        if cost in ("free", "budget") or cost == 0:
            data["isAccessibleForFree"] = True
        return data
    return None


def script_tag(data: dict | None) -> str:
    """A JSON-LD script element; `<`, `>` and `&` are escaped so no text can close the element."""
    if not data:
        return ""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{body}</script>'
