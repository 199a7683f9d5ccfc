"""What every page provider receives: the build date, the territory and the derived records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import records as typed_records
from ..records import Guide, Listing, Partner, Records
from . import model
from .text import Glossary


@dataclass
class SiteContext:
    """Plain data shared by the page providers. Build it with `SiteContext.create` (from mappings)
    or `SiteContext.of_records` (from the run's typed records, bds.web.generate.context_from_content).

    - `today`: the build date (`--today`); expiry and feeds use it, never the clock.
    - `territory`: the territory record (dict); `site_url`: its public address, ending in "/".
    - `listings`: open listings (status open/full, not expired), sorted by title then id.
    - `all_listings`: every valid listing record, shown or not.
    - `partners`: partner id -> record; `guides`: guide records (front matter + `body`, `slug`), ordered.
    - `glossary_terms`: the glossary entries; `glossary`: the marker that adds tooltips to HTML.
    - `labels`: Italian labels of enum values; `review_days`: days between two reviews.
    - `inline_qr`: put QR codes into listing pages (False: leave a placeholder the build fills later).
    - `records`: the run's typed records (bds.records); `open_records` and `all_records`: `listings`
      and `all_listings` as typed records, in the same order (in this site's language). `listing(item)`
      and `partner(item)` give the typed record of a mapping of this context (dates, protected flag and
      public place computed once), and build one on the spot for a mapping the context does not hold.
    """

    today: dt.date
    territory: dict
    site_url: str
    listings: list[dict]
    all_listings: list[dict]
    partners: dict[str, dict]
    guides: list[dict]
    glossary_terms: list[dict]
    labels: model.Labels
    review_days: int = model.DEFAULT_REVIEW_DAYS
    inline_qr: bool = True
    # On the site of another language: the Italian guides' slugs, so a link to an untranslated guide
    # leads to the Italian one (bds.web.languages).
    italian_guides: frozenset[str] = frozenset()
    records: Records = field(default_factory=lambda: typed_records.from_data(None))
    glossary: Glossary = field(init=False)
    listings_by_partner: dict[str, list[dict]] = field(init=False)
    cache: dict = field(init=False, default_factory=dict)  # renderers' memo, valid for this build only
    # id() of a mapping of this context -> its typed record (the mappings live as long as the context)
    typed: dict[int, Listing | Partner] = field(default_factory=dict, repr=False)
    guide_records: dict[tuple[str | None, str], Guide] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.glossary = Glossary(self.glossary_terms, "glossario.md")
        by_partner: dict[str, list[dict]] = {}
        for item in self.listings:
            by_partner.setdefault(self.listing(item).partner_id, []).append(item)
        self.listings_by_partner = by_partner

    @classmethod
    def create(
        cls,
        territory: dict,
        listings: list[dict],
        partners: list[dict],
        guides: list[dict],
        glossary_terms: list[dict],
        today: dt.date,
        inline_qr: bool = True,
    ) -> SiteContext:
        """A context from plain records (tests, hostile input): the typed records are built here."""
        typed = typed_records.from_data(territory, listings, partners, glossary=glossary_terms or [])
        return cls.of_records(
            typed,
            territory,
            list(zip(listings, typed.listings, strict=True)),
            partners,
            guides,
            glossary_terms,
            today,
            inline_qr=inline_qr,
        )

    @classmethod
    def of_records(
        cls,
        typed: Records,
        territory: dict,
        listings: list[tuple[dict, Listing]],
        partners: list[dict],
        guides: list[dict],
        glossary_terms: list[dict],
        today: dt.date,
        inline_qr: bool = True,
    ) -> SiteContext:
        """A context from the run's records: `listings` pairs each listing's mapping (translated on
        the site of another language) with its typed record; nothing is parsed here."""
        shown = sorted(
            ((item, record) for item, record in listings if record.is_shown(today)),
            key=lambda pair: (pair[1].title.casefold(), pair[1].id),
        )
        ordered_guides = sorted(
            guides, key=lambda g: (g.get("order", 999), str(g.get("title", "")).casefold(), g.get("slug", ""))
        )
        lookup: dict[int, Listing | Partner] = {id(item): record for item, record in listings}
        lookup |= {
            id(p): typed.partners[str(p.get("id"))] for p in partners if str(p.get("id")) in typed.partners
        }
        every = sorted(listings, key=lambda pair: pair[1].id)
        return cls(
            today=today,
            territory=territory,
            site_url=typed.territory.site_url,
            listings=[item for item, _ in shown],
            all_listings=[item for item, _ in every],
            partners={str(p.get("id")): p for p in sorted(partners, key=lambda p: str(p.get("id", "")))},
            guides=ordered_guides,
            glossary_terms=list(glossary_terms or []),
            labels=model.Labels.load(territory),
            review_days=typed.territory.review_days,
            inline_qr=inline_qr,
            records=typed,
            typed=lookup,
        )

    @property
    def open_records(self) -> list[Listing]:
        """`listings` (the catalogue) as typed records, in the same order."""
        return [self.listing(item) for item in self.listings]

    @property
    def all_records(self) -> list[Listing]:
        """`all_listings` as typed records, in the same order (by id)."""
        return [self.listing(item) for item in self.all_listings]

    def listing(self, item: Mapping | Listing) -> Listing:
        """The typed record of a listing of this context (built on the spot for any other mapping)."""
        if isinstance(item, Listing):
            return item
        found = self.typed.get(id(item))
        return found if isinstance(found, Listing) else Listing.of(item)

    def partner(self, item: Mapping | Partner) -> Partner:
        """The typed record of a partner of this context (built on the spot for any other mapping)."""
        if isinstance(item, Partner):
            return item
        found = self.typed.get(id(item))
        return found if isinstance(found, Partner) else Partner.of(item)

    def guide(self, item: Mapping) -> Guide:
        """The typed record of a guide of this context (its language's file), by language and slug."""
        key = (item.get("bds_language"), str(item.get("slug", "")))
        if not self.guide_records:
            every = (*self.records.guides, *self.records.translations)
            self.guide_records = {(g.language, g.slug): g for g in every}
        found = self.guide_records.get(key)
        if found is not None and found.raw.get("reviewed") == item.get("reviewed"):
            return found
        return Guide.of(item, f"{key[1]}.md", item.get("body"), key[0])

    def url(self, path: str) -> str:
        """Absolute public URL of a generated page or file."""
        return model.absolute(self.site_url, path)
