"""Typed, frozen records of a project, built once from content that passed validation.

The loader keeps what a file says as plain mappings (`Document.data`), and the schema and the rules
check them there. Past validation the site, the open data and the bulletin need the same derived
values again and again: the dates as `datetime.date`, whether a place is protected
(`bds.protected.is_protected`), the location that may be shown, the partner of a listing. They are
computed here, once per record and per run (`from_content`, kept by `Content.records`), and the
records are frozen: no stage can change what another one reads.

Every record keeps the mapping it came from, read-only (`raw`), for the values nobody derives
(descriptions, contacts, timetables). A record of a site in another language is a cheap copy of
the Italian one with the translated texts (`Listing.translated`): nothing is parsed again.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from . import dates, protected

SHOWN_STATUSES = ("open", "full")
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
DEFAULT_REVIEW_DAYS = 180


def _text(value: object) -> str | None:
    """A non-blank string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def _codes(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _frozen(record: Mapping) -> Mapping:
    return record if isinstance(record, types.MappingProxyType) else types.MappingProxyType(record)


@dataclass(frozen=True, slots=True)
class Territory:
    """The territory: its name, public address (ending in "/"), languages and zones."""

    programme: str
    site_url: str
    languages: tuple[str, ...]
    review_days: int
    zones: tuple[Mapping, ...]
    raw: Mapping

    @classmethod
    def of(cls, data: Mapping | None) -> Territory:
        data = data or {}
        site_url = str(data.get("site_url") or DEFAULT_SITE_URL)
        return cls(
            programme=str(data.get("programme") or ""),
            site_url=site_url if site_url.endswith("/") else site_url + "/",
            languages=_codes(data.get("languages")),
            review_days=int(data.get("review_days") or DEFAULT_REVIEW_DAYS),
            zones=tuple(z for z in data.get("zones") or [] if isinstance(z, Mapping)),
            raw=_frozen(data),
        )


@dataclass(frozen=True, slots=True)
class Partner:
    """One partner (a `content/partners/*.yml` file)."""

    id: str
    name: str
    type: str
    zones: tuple[str, ...]
    reviewed: dt.date | None
    example: bool
    raw: Mapping

    @classmethod
    def of(cls, data: Mapping) -> Partner:
        return cls(
            id=str(data.get("id")),
            name=str(data.get("name", "")),
            type=str(data.get("type", "")),
            zones=_codes(data.get("zones")),
            reviewed=dates.parse(data.get("reviewed")),
            example=data.get("example") is True,
            raw=_frozen(data),
        )


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing (an `opportunities/*.yml` file), with its dates parsed and its public place.

    `place_name` and `address` are what may be published: None for a protected place, whatever the
    file says (`bds.protected.is_protected`). `leaves_on` is the first of deadline and end: after
    that day the listing leaves the catalogue (`bds.dates.leaves_catalogue_on`).
    """

    id: str
    title: str
    summary: str
    kind: str
    status: str
    partner_id: str
    axes: tuple[str, ...]
    zones: tuple[str, ...]
    audience: tuple[str, ...]
    access: str
    start: dt.date | None
    end: dt.date | None
    deadline: dt.date | None
    reviewed: dt.date | None
    published: dt.date | None
    leaves_on: dt.date | None
    except_days: frozenset[dt.date | None]  # the timetable's days without a session
    protected: bool
    place_name: str | None
    address: str | None
    example: bool
    raw: Mapping
    translated_to: str | None = None  # the language of the title and summary, None for Italian

    @classmethod
    def of(cls, data: Mapping) -> Listing:
        when = _mapping(data.get("dates"))
        start, end, deadline = (dates.parse(when.get(k)) for k in ("start", "end", "deadline"))
        location = _mapping(data.get("location"))
        is_protected = protected.is_protected(data if isinstance(data, dict) else dict(data))
        table = _mapping(data.get("timetable"))
        return cls(
            id=str(data.get("id", "")),
            title=str(data.get("title", "")),
            summary=str(data.get("summary", "")),
            kind=str(data.get("kind", "")),
            status=str(data.get("status", "")),
            partner_id=str(data.get("partner", "")),
            axes=_codes(data.get("axes")),
            zones=_codes(data.get("zones")),
            audience=_codes(data.get("audience")),
            access=str(data.get("access", "")),
            start=start,
            end=end,
            deadline=deadline,
            reviewed=dates.parse(data.get("reviewed")),
            published=dates.parse(data.get("published")),
            leaves_on=min((d for d in (deadline, end) if d is not None), default=None),
            except_days=frozenset(dates.parse(d) for d in table.get("except") or []),
            protected=is_protected,
            place_name=None if is_protected else _text(location.get("name")),
            address=None if is_protected else _text(location.get("address")),
            example=data.get("example") is True,
            raw=_frozen(data),
        )

    def is_expired(self, today: dt.date) -> bool:
        """Past `dates.end` or past `dates.deadline` (bds.dates.is_expired)."""
        return self.leaves_on is not None and self.leaves_on < today

    def is_shown(self, today: dt.date) -> bool:
        """In the catalogue: open or full, not expired."""
        return self.status in SHOWN_STATUSES and not self.is_expired(today)

    def is_open_now(self, today: dt.date) -> bool:
        """Places left (status open) and not expired."""
        return self.status == "open" and not self.is_expired(today)

    def translated(self, shown: Mapping, language: str) -> Listing:
        """This listing with the title and summary of `shown` (bds.web.languages.with_translation)."""
        return replace(
            self,
            title=str(shown.get("title", "")),
            summary=str(shown.get("summary", "")),
            raw=_frozen(shown),
            translated_to=language,
        )


@dataclass(frozen=True, slots=True)
class Guide:
    """One guide (a `content/guides/*.md` file, or its translation in `content/guides/<lang>/`)."""

    slug: str
    title: str
    order: int
    reviewed: dt.date | None
    body: str
    language: str | None  # None: the Italian guide
    example: bool
    raw: Mapping

    @classmethod
    def of(cls, data: Mapping, path: str, body: str | None, language: str | None = None) -> Guide:
        order = data.get("order", 999)
        return cls(
            slug=PurePosixPath(path).stem,
            title=str(data.get("title", "")),
            order=order if isinstance(order, int) else 999,
            reviewed=dates.parse(data.get("reviewed")),
            body=body or "",
            language=language,
            example=data.get("example") is True,
            raw=_frozen(data),
        )


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    term: str
    definition: str
    aliases: tuple[str, ...]
    raw: Mapping

    @classmethod
    def of(cls, data: Mapping) -> GlossaryTerm:
        return cls(
            term=str(data.get("term", "")),
            definition=str(data.get("definition", "")),
            aliases=_codes(data.get("aliases")),
            raw=_frozen(data),
        )


@dataclass(frozen=True, slots=True)
class Records:
    """Every valid record of a project, typed. Build it with `from_content` (or `from_data`)."""

    territory: Territory
    listings: tuple[Listing, ...]  # every valid listing, in the order of the files
    partners: Mapping[str, Partner]  # by id, sorted by id
    guides: tuple[Guide, ...]  # the Italian guides, in the order of the files
    translations: tuple[Guide, ...]  # content/guides/<lang>/*.md
    glossary: tuple[GlossaryTerm, ...]
    # Per-run memo (the site contexts of bds.web.generate.context_from_content): the records live
    # as long as the loaded content, so what is kept here is never reused by another run.
    views: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def partner_of(self, listing: Listing) -> Partner | None:
        return self.partners.get(listing.partner_id)


def from_data(
    territory: Mapping | None,
    listings: Iterable[Mapping] = (),
    partners: Iterable[Mapping] = (),
    guides: Iterable[tuple[Mapping, str, str | None, str | None]] = (),
    glossary: Iterable[Mapping] = (),
) -> Records:
    """Records from plain mappings (`guides`: (front matter, path, body, language) each)."""
    italian, translations = _guides(guides)
    return Records(
        territory=Territory.of(territory),
        listings=tuple(Listing.of(item) for item in listings),
        partners=_partners_by_id(partners),
        guides=italian,
        translations=translations,
        glossary=tuple(GlossaryTerm.of(t) for t in glossary if isinstance(t, Mapping)),
    )


def _partners_by_id(partners: Iterable[Mapping]) -> Mapping[str, Partner]:
    """The partners by id, sorted by id, read-only."""
    typed = sorted((Partner.of(p) for p in partners), key=lambda p: p.id)
    return types.MappingProxyType({p.id: p for p in typed})


def _guides(
    guides: Iterable[tuple[Mapping, str, str | None, str | None]],
) -> tuple[tuple[Guide, ...], tuple[Guide, ...]]:
    """The Italian guides and the translations (a language), each in the order given."""
    typed = [Guide.of(data, path, body, language) for data, path, body, language in guides]
    return tuple(g for g in typed if g.language is None), tuple(g for g in typed if g.language is not None)


def from_content(content) -> Records:
    """The records of a loaded project: only the documents that passed validation (`Content.valid`)."""
    territory = content.territory.data if content.territory is not None and content.territory.ok else {}
    return from_data(
        territory,
        [doc.data for doc in content.valid("opportunity")],
        [doc.data for doc in content.valid("partner")],
        _guide_entries(content),
        _glossary_terms(content.glossary),
    )


def _glossary_terms(glossary) -> list:
    """The terms of the glossary document, when it passed validation."""
    if glossary is None or not glossary.ok or not isinstance(glossary.data, dict):
        return []
    return list(glossary.data.get("terms") or [])


def _guide_entries(content) -> list[tuple[Mapping, str, str | None, str | None]]:
    """(front matter, path, body, language) of every valid guide: the Italian ones (no language),
    then the translations (the language is their folder's name, `content/guides/<lang>/`)."""
    entries: list[tuple[Mapping, str, str | None, str | None]]
    entries = [(doc.data, doc.path, doc.body, None) for doc in content.valid("guide")]
    entries += [
        (doc.data, doc.path, doc.body, PurePosixPath(doc.path).parent.name)
        for doc in content.valid("translation")
    ]
    return entries


def as_listing(item: Mapping | Listing) -> Listing:
    """`item` as a typed listing: itself when it is one (no work), else built from the mapping."""
    return item if isinstance(item, Listing) else Listing.of(item)


def as_partner(item: Mapping | Partner) -> Partner:
    return item if isinstance(item, Partner) else Partner.of(item)
