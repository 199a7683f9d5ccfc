"""The site page provider of the bulletins: every stored bulletin, its open data, and the index.

Registered in `bds.web.pages.PAGE_PROVIDERS` as "bds.publish.provider:provider", so `bds build`
renders the bulletins stored in `content/bulletins/`. `bds publish` renders, in addition, the
bulletin it is about to store (`with_pending`), before anything is written.
"""

from __future__ import annotations

from .. import messages, vocabulary
from ..messages import t
from ..web import pages
from ..web.page import SiteFiles
from ..web.providers import mark
from . import archive, bulletin
from .archive import Stored

NAV = [(t("publish.bulletin.nav"), bulletin.INDEX_PATH)]


def render_all(stored: dict[str, Stored], ctx) -> SiteFiles:
    """Every bulletin page, its open data and the index, in the territory's words."""
    with messages.use(words=vocabulary.of(ctx.territory)):
        return _render_all(stored, ctx)


def _render_all(stored: dict[str, Stored], ctx) -> SiteFiles:
    shown = {str(item.get("id")) for item in ctx.listings}
    partners = set(ctx.partners)
    out: SiteFiles = {bulletin.INDEX_PATH: bulletin.index_html([s.data for s in stored.values()])}
    for label in sorted(stored):
        path = bulletin.page_path(label)
        out[path] = bulletin.page_html(stored[label].data, path, shown, partners)
        for name, raw in sorted(stored[label].files.items()):
            out[f"{bulletin.data_dir(label)}/{name}"] = raw
    return out


def provider(content, ctx) -> SiteFiles:
    return render_all(archive.load_all(content.project.root), ctx)


mark(provider, nav=NAV)


def with_pending(pending: dict[str, Stored]):
    """A provider that renders the stored bulletins plus `pending` (which win over stored ones)."""

    def bulletin_pages(content, ctx) -> SiteFiles:
        stored = archive.load_all(content.project.root)
        stored.update(pending)
        return render_all(stored, ctx)

    mark(bulletin_pages, nav=NAV)
    return bulletin_pages


def providers_with(pending: dict[str, Stored]) -> list:
    """PAGE_PROVIDERS with the bulletin provider swapped for one that also renders `pending`."""
    entries, replaced = [], False
    for entry in pages.PAGE_PROVIDERS:
        if pages.resolve(entry) is provider:
            entries.append(with_pending(pending))
            replaced = True
        else:
            entries.append(entry)
    if not replaced:
        entries.append(with_pending(pending))
    return entries
