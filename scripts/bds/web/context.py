"""What every page provider receives: the build date, the territory and the derived records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import model
from .text import Glossary


@dataclass
class SiteContext:
    """Plain data shared by the page providers. Build it with `SiteContext.create`.

    - `today`: the build date (`--today`); expiry and feeds use it, never the clock.
    - `territory`: the territory record (dict); `site_url`: its public address, ending in "/".
    - `listings`: open listings (status open/full, not expired), sorted by title then id.
    - `all_listings`: every valid listing record, shown or not.
    - `partners`: partner id -> record; `guides`: guide records (front matter + `body`, `slug`), ordered.
    - `glossary_terms`: the glossary entries; `glossary`: the marker that adds tooltips to HTML.
    - `labels`: Italian labels of enum values; `review_days`: days between two reviews.
    - `inline_qr`: put QR codes into listing pages (False: leave a placeholder the build fills later).
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
    glossary: Glossary = field(init=False)
    listings_by_partner: dict[str, list[dict]] = field(init=False)
    cache: dict = field(init=False, default_factory=dict)  # renderers' memo, valid for this build only

    def __post_init__(self):
        self.glossary = Glossary(self.glossary_terms, "glossario.md")
        by_partner: dict[str, list[dict]] = {}
        for item in self.listings:
            by_partner.setdefault(str(item.get("partner", "")), []).append(item)
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
        site_url = str(territory.get("site_url") or "http://127.0.0.1:8000/")
        if not site_url.endswith("/"):
            site_url += "/"
        ordered_guides = sorted(
            guides, key=lambda g: (g.get("order", 999), str(g.get("title", "")).casefold(), g.get("slug", ""))
        )
        return cls(
            today=today,
            territory=territory,
            site_url=site_url,
            listings=model.open_listings(listings, today),
            all_listings=sorted(listings, key=lambda item: str(item.get("id", ""))),
            partners={str(p.get("id")): p for p in sorted(partners, key=lambda p: str(p.get("id", "")))},
            guides=ordered_guides,
            glossary_terms=list(glossary_terms or []),
            labels=model.Labels.load(territory),
            review_days=int(territory.get("review_days") or model.DEFAULT_REVIEW_DAYS),
            inline_qr=inline_qr,
        )

    def url(self, path: str) -> str:
        """Absolute public URL of a generated page or file."""
        return model.absolute(self.site_url, path)
