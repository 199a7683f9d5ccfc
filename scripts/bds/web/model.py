"""What the site shows, computed from records: open listings, labels, facets, URLs.

No I/O and no engine here: every function takes records (typed `bds.records` ones, or the plain
mappings they come from) and returns dicts, lists or strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import dates, messages, protected, schema, vocabulary
from ..dates import parse as parse_date
from ..records import Listing, as_listing

SHOWN_STATUSES = ("open", "full")
DEFAULT_REVIEW_DAYS = 180

# Catalogue facets: key in the URL query, name (site.facets.*), and how to read the values of a listing.
FACETS = ("kind", "axis", "zone", "audience", "access", "cost")
FACET_QUERY = {
    "kind": "tipo",
    "axis": "asse",
    "zone": "zona",
    "audience": "per",
    "access": "accesso",
    "cost": "costo",
}
COSTS = ("free", "budget", "paid")


def cost_labels(words: vocabulary.Words | None = None) -> dict[str, str]:
    """The cost values in words, «Coperto dal ...» with the territory's programme."""
    programme = words.programme if words is not None else messages.words()["programme"]
    return {key: messages.t(f"site.cost.labels.{key}", programme=programme) for key in COSTS}


JOB_KINDS = ("job", "internship", "volunteering")


def is_expired(listing: Listing | dict, today: dt.date) -> bool:
    """Past `dates.end` or `dates.deadline`: the listing leaves the catalogue (bds.dates.is_expired)."""
    return listing.is_expired(today) if isinstance(listing, Listing) else dates.is_expired(listing, today)


def is_shown(listing: Listing | dict, today: dt.date) -> bool:
    if isinstance(listing, Listing):
        return listing.is_shown(today)
    return listing.get("status") in SHOWN_STATUSES and not is_expired(listing, today)


def is_open_now(listing: Listing | dict, today: dt.date) -> bool:
    """Open now: places left (status open) and, if there is a deadline, not passed."""
    if isinstance(listing, Listing):
        return listing.is_open_now(today)
    return listing.get("status") == "open" and not is_expired(listing, today)


def open_listings(listings: list[dict], today: dt.date) -> list[dict]:
    """The catalogue: shown listings sorted by title then id (stable, locale-independent)."""
    shown = [item for item in listings if is_shown(item, today)]
    return sorted(shown, key=lambda item: (str(item.get("title", "")).casefold(), str(item.get("id", ""))))


def is_zone_only(listing: Listing | dict) -> bool:
    """A protected place (`bds.protected.is_protected`: housing, zone-only, or a home on the housing
    axis) shows only its zones, whatever the record says: its address and place name are never published."""
    return listing.protected if isinstance(listing, Listing) else protected.is_protected(listing)


def public_address(listing: Listing | dict) -> str | None:
    """The address that may be published: never a protected place's (bds.records.Listing.address)."""
    return as_listing(listing).address


def public_place_name(listing: Listing | dict) -> str | None:
    return as_listing(listing).place_name


def cost_key(listing: Mapping) -> str:
    cost = listing.get("cost")
    if cost in ("free", "budget"):
        return cost
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return "free" if cost == 0 else "paid"
    return "free"


# What each facet reads of a listing: a field holding a list, or one holding one value; `cost` is
# derived (cost_key).
_LIST_FACETS = {"axis": "axes", "zone": "zones", "audience": "audience"}
_ONE_VALUE_FACETS = ("kind", "access")


def facet_values(listing: Mapping, facet: str) -> list[str]:
    if facet in _LIST_FACETS:
        return [str(v) for v in listing.get(_LIST_FACETS[facet]) or []]
    if facet in _ONE_VALUE_FACETS:
        return [str(listing.get(facet, ""))]
    if facet == "cost":
        return [cost_key(listing)]
    raise KeyError(facet)


def euro(amount) -> str:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return str(amount)
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return "€ " + (text[:-3] if text.endswith(",00") else text)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def italian_day(value) -> str:
    """A date in words with its weekday, as people say it: «lunedì 12 gennaio 2026»."""
    day = value if isinstance(value, dt.date) else parse_date(value)
    if day is None:
        return str(value or "")
    return f"{messages.t(f'site.weekdays.{WEEKDAYS[day.weekday()]}')} {italian_date(day)}"


def pays(listing: Mapping) -> bool:
    """A job or an internship: what matters is what it pays, and it costs the person nothing."""
    return listing.get("kind") in ("job", "internship")


def pay_text(listing: Mapping) -> str:
    """What a job or internship pays, in words; "" for other kinds."""
    if not pays(listing):
        return ""
    stipend = listing.get("stipend")
    if isinstance(stipend, (int, float)) and not isinstance(stipend, bool) and stipend > 0:
        return messages.t("site.pay.stipend", amount=euro(stipend))
    pay = listing.get("pay")
    if isinstance(pay, str) and pay.strip():
        return " ".join(pay.split())
    if listing.get("kind") == "job":
        return messages.t("site.pay.job")
    return messages.t("site.pay.none")


def italian_date(value) -> str:
    """«12 gennaio 2026»; a date of a typed record is not parsed again."""
    day = value if isinstance(value, dt.date) else parse_date(value)
    if day is None:
        return str(value or "")
    return dates.in_words(day)


@dataclass
class Labels:
    """Italian labels for enum values, read from the schemas and the territory."""

    kinds: dict[str, str]
    axes: dict[str, str]
    audiences: dict[str, str]
    access: dict[str, str]
    statuses: dict[str, str]
    partner_types: dict[str, str]
    partner_roles: dict[str, str]
    guide_audiences: dict[str, str]
    zones: dict[str, str] = field(default_factory=dict)
    costs: dict[str, str] = field(default_factory=cost_labels)
    words: vocabulary.Words = field(default_factory=lambda: vocabulary.of(None))  # the territory's words
    zone_areas: dict[str, list[str]] = field(default_factory=dict)  # zone id -> its neighbourhoods

    @classmethod
    def load(cls, territory: dict) -> Labels:
        """Axes, audiences and access modes in the territory's own words (its `vocabulary`)."""
        words = vocabulary.of(territory)
        return cls(
            kinds=schema.labels_for("opportunity", ("kind",)),
            axes=dict(words.axes),
            audiences=vocabulary.listing_audiences(words),
            access=dict(words.access),
            statuses=schema.labels_for("opportunity", ("status",)),
            partner_types=schema.labels_for("partner", ("type",)),
            partner_roles=schema.labels_for("partner", ("role",)),
            guide_audiences=vocabulary.guide_audiences(words),
            zones={str(z.get("id")): str(z.get("label", z.get("id"))) for z in territory.get("zones") or []},
            costs=cost_labels(words),
            words=words,
            zone_areas={
                str(z.get("id")): [str(a) for a in z.get("areas") or []] for z in territory.get("zones") or []
            },
        )

    def facet(self, facet: str) -> dict[str, str]:
        return {
            "kind": self.kinds,
            "axis": self.axes,
            "zone": self.zones,
            "audience": self.audiences,
            "access": self.access,
            "cost": self.costs,
        }[facet]

    def value(self, facet: str, value: str) -> str:
        return self.facet(facet).get(value, value)

    def facet_title(self, facet: str) -> str:
        if facet not in FACETS:
            raise KeyError(facet)
        return messages.t(f"site.facets.{facet}", programme=self.words.programme)


def facet_counts(listings: list[dict], labels: Labels) -> dict[str, list[tuple[str, int]]]:
    """For each facet, (value, count) in the order of the labels, then any unknown value sorted."""
    out: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        counts: dict[str, int] = {}
        for item in listings:
            for value in facet_values(item, facet):
                counts[value] = counts.get(value, 0) + 1
        order = [v for v in labels.facet(facet) if v in counts] + sorted(
            v for v in counts if v not in labels.facet(facet)
        )
        out[facet] = [(v, counts[v]) for v in order]
    return out


# -- URLs ----------------------------------------------------------------------------------------


def page_url(path: str) -> str:
    """The directory URL (relative to the site root) of a generated file, like the engine makes it."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


@functools.lru_cache(maxsize=1 << 16)  # pure; a catalogue of 5,000 listings asks it 15,000 times a page
def rel(from_path: str, to: str) -> str:
    """A relative link from the page generated from `from_path` to `to` (a page path or a file)."""
    here = page_url(from_path)
    target = page_url(to)
    base = posixpath.dirname(here.rstrip("/")) if not here.endswith("/") else here.rstrip("/")
    if here == "":
        base = ""
    relative = posixpath.relpath(target or ".", base or ".")
    if target.endswith("/") or target == "":
        relative = relative.rstrip("/") + "/"
        if relative == "./":
            return "./"
    return relative


LISTING_DIR = "opportunita"
PARTNER_DIR = "enti"
GUIDE_DIR = "guide"


def listing_path(listing_id: str) -> str:
    return f"{LISTING_DIR}/{listing_id}.md"


def partner_path(partner_id: str) -> str:
    return f"{PARTNER_DIR}/{partner_id}.md"


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: str) -> bool:
    """Values that may become part of a path (validated content always passes)."""
    return bool(SLUG.match(str(value)))


def facet_path(facet: str, value: str) -> str:
    return f"catalogo/{FACET_QUERY[facet]}/{value}.md"


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + page_url(path)


def valid_through(listing: Listing | dict, review_days: int) -> str:
    """The last day a listing is valid: deadline, else end, else the next review is due."""
    record = as_listing(listing)
    for key, day in (("deadline", record.deadline), ("end", record.end)):
        if day:
            return str(record.raw["dates"][key])
    reviewed = record.reviewed or dt.date(2000, 1, 1)
    # Never past the last representable day, whatever date the record holds (no crash in JSON-LD).
    return (reviewed + dt.timedelta(days=min(review_days, (dt.date.max - reviewed).days))).isoformat()


# Open licences a territory may choose for its content (`content_licence`), keyed by SPDX id.
# `reuse` (site.licences.KEY.reuse) completes "Dati e testi sono pubblicati con licenza X: ..." and
# must say only what that licence allows; an unknown licence gets no promise at all.
LICENCES = {
    "CC-BY-4.0": ("https://creativecommons.org/licenses/by/4.0/deed.it", "cc_by"),
    "CC-BY-SA-4.0": ("https://creativecommons.org/licenses/by-sa/4.0/deed.it", "cc_by_sa"),
    "CC0-1.0": ("https://creativecommons.org/publicdomain/zero/1.0/deed.it", "cc0"),
    "IODL-2.0": ("https://www.dati.gov.it/content/italian-open-data-license-v20", "iodl"),
}
DEFAULT_LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Licence:
    text: str  # as the territory wrote it
    spdx: str | None  # None when the licence is not one of LICENCES
    title: str
    url: str | None
    reuse: str  # what a reader may do, in Italian


def licence(territory: dict) -> Licence:
    """The territory's `content_licence`, described for the open data page and the data package."""
    text = str(territory.get("content_licence") or DEFAULT_LICENCE).strip()
    key = re.sub(r"[\s_]+", "-", text).upper()
    source = str(territory.get("programme") or "")
    if key in LICENCES:
        url, name = LICENCES[key]
        title, reuse = (
            messages.t(f"site.licences.{name}.title"),
            messages.t(f"site.licences.{name}.reuse", source=source),
        )
        return Licence(text, key, title, url, reuse)
    return Licence(text, None, text, None, messages.t("site.licences.other_reuse"))
