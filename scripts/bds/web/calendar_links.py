"""«Aggiungi al calendario»: one iCalendar file per dated listing, next to its page.

The event is the same one the whole-catalogue calendar (`dati/opportunita.ics`) carries: it is made by
`bds.web.exports.calendar` on a view of the site that holds this listing only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from ..dates import parse as parse_date
from . import exports, model
from .context import SiteContext

FILE_NAME = "calendario.ics"


def has_event(listing: dict) -> bool:
    return parse_date((listing.get("dates") or {}).get("start")) is not None


def file_path(listing_id: str) -> str:
    """Beside the listing's page: opportunita/<id>/calendario.ics."""
    return f"{model.LISTING_DIR}/{listing_id}/{FILE_NAME}"


@dataclass
class _OneListing:
    """What `exports.calendar` reads of a SiteContext, for a single listing."""

    site: SiteContext
    listings: list[dict]

    def __getattr__(self, name):
        return getattr(self.site, name)

    def url(self, path: str) -> str:
        return self.site.url(path)


def provider(content, ctx: SiteContext) -> dict[str, bytes]:
    return {
        # a stand-in for the SiteContext that exports.calendar reads
        file_path(str(item["id"])): exports.calendar(cast(SiteContext, _OneListing(ctx, [item])))
        for item in ctx.listings
        if has_event(item) and model.is_slug(str(item.get("id", "")))
    }
