"""Page providers: the extension point that turns content into site files.

Contract
--------
A provider is a callable ``provider(content, ctx) -> dict[str, str | bytes]``:

- ``content`` is the loaded project (`bds.content.Content`; records are ``doc.data`` dicts) and
  ``ctx`` is a `bds.web.context.SiteContext` (today, territory, site_url, open listings, partners,
  guides, glossary, labels, and helpers such as ``ctx.url(path)``).
- It returns relative output paths (POSIX, inside the site) mapped to their content. A path ending
  in ``.md`` is a page, rendered by the engine with the site theme: preferably a `bds.web.page.Page`
  (title, description and layout wishes in no engine's terms; the engine adapter escapes and
  translates them), or a ``str`` of YAML front matter plus Markdown, which the engine reads as it is
  (the provider then escapes its own title and knows the engine's front matter keys). Any other
  path is copied as is (``bytes`` or UTF-8 ``str``): SVG, JSON, CSV...
- It must be pure and deterministic: same content and ``ctx.today`` -> same bytes; no clock, no
  network, no absolute links (use `bds.web.model.rel(from_path, to_path)` for internal links).
- Two providers may not write the same path (the build stops with an error).

Navigation: a provider may carry a ``nav`` attribute, either a list or a callable ``nav(ctx)``
returning a list, of ``(title, path)`` pairs (``path`` one of its ``.md`` pages) or
``(title, [(title, path), ...])`` for a section. Entries are appended to the site menu in the order
of ``PAGE_PROVIDERS``. Pages without a nav entry are still built and linked from other pages.

Performance: a provider may set ``heavy = True``; on big sites it then runs in a forked worker
process next to the others (its output must be picklable: ``Page``/``str``/``bytes``).

Registering: append the provider to ``PAGE_PROVIDERS``, either the callable itself or, to avoid
import cycles, a ``"package.module:function"`` string that is imported when the site is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .. import catalogue, messages, safefs
from . import exports, ical, model, render, services
from .context import SiteContext
from .page import Page, SiteFiles
from .providers import mark

Output = SiteFiles
MAX_PICTURE_BYTES = 20 * 1024 * 1024
Provider = Callable[..., Output]


def core_pages(content, ctx: SiteContext) -> Output:
    codes_page = Page(
        messages.t("site.nav.codes"),
        catalogue.markdown() + "\n",
        description=messages.t("site.codes_page.description"),
        html=False,
    )
    return {
        "index.md": render.home(ctx),
        f"{model.LISTING_DIR}/index.md": render.catalogue(ctx),
        f"{model.PARTNER_DIR}/index.md": render.partner_directory(ctx),
        services.CPS_PAGE: services.cps_page(ctx),
        f"{model.GUIDE_DIR}/index.md": render.guides_index(ctx),
        "glossario.md": render.glossary_page(ctx),
        "dati-aperti.md": render.open_data_page(ctx),
        "accessibilita.md": render.accessibility_page(ctx),
        "privacy.md": render.privacy_page(ctx),
        "messaggi-del-validatore.md": codes_page,
    }


def _core_nav(ctx: SiteContext) -> list:
    guides = [(str(g.get("title", "")), f"{model.GUIDE_DIR}/{g['slug']}.md") for g in ctx.guides]
    t = messages.t
    return [
        (t("site.nav.home"), "index.md"),
        (t("site.nav.opportunities"), f"{model.LISTING_DIR}/index.md"),
        (t("site.nav.partners"), f"{model.PARTNER_DIR}/index.md"),
        (services.finder_tab(ctx.labels.words), services.CPS_PAGE),
        (t("site.nav.guides"), [(t("site.nav.all_guides"), f"{model.GUIDE_DIR}/index.md")] + guides),
        (t("site.nav.glossary"), "glossario.md"),
        (t("site.nav.open_data"), "dati-aperti.md"),
        (
            t("site.nav.information"),
            [
                (t("site.nav.accessibility"), "accessibilita.md"),
                (t("site.nav.privacy"), "privacy.md"),
                (t("site.nav.codes"), "messaggi-del-validatore.md"),
            ],
        ),
    ]


mark(core_pages, nav=_core_nav)


def listing_pages(content, ctx: SiteContext) -> Output:
    out: Output = {}
    for listing in ctx.listings:
        path = model.listing_path(str(listing["id"]))
        out[path] = render.listing_page(listing, ctx, path)
    return out


mark(listing_pages, heavy=True)  # big sites render it in a worker process (see generate.run_providers)


def facet_pages(content, ctx: SiteContext) -> Output:
    """Static pages per filter value: the catalogue's filters work without JavaScript too."""
    out: Output = {}
    for facet in model.FACETS:
        values = sorted(
            {v for item in ctx.listings for v in model.facet_values(item, facet) if model.is_slug(v)}
        )
        for value in values:
            path = model.facet_path(facet, value)
            out[path] = render.facet_page(ctx, facet, value, path)
    # The folders above them are pages too, so a shortened address never ends on "not found".
    out["catalogo/index.md"] = render.browse_page(ctx, "catalogo/index.md", tuple(model.FACETS))
    for facet in model.FACETS:
        path = f"catalogo/{model.FACET_QUERY[facet]}/index.md"
        out[path] = render.browse_page(ctx, path, (facet,))
    out[f"{model.LISTING_DIR}/indice-ricerca.json"] = render.search_index(ctx)
    return out


mark(facet_pages, heavy=True)  # with the listing pages, in the worker: the two sides take the same time


def partner_pages(content, ctx: SiteContext) -> Output:
    return {
        model.partner_path(pid): render.partner_page(p, ctx, model.partner_path(pid))
        for pid, p in ctx.partners.items()
    }


def guide_pages(content, ctx: SiteContext) -> Output:
    out: Output = {
        f"{model.GUIDE_DIR}/{g['slug']}.md": render.guide_page(g, ctx, f"{model.GUIDE_DIR}/{g['slug']}.md")
        for g in ctx.guides
    }
    # Pictures of the guides (content/guides/img/), linked from the Markdown as ../img/NAME.
    # Only regular files are copied: a symlink (to a private file, say) is never followed (bds validate
    # reports it).
    images = content.project.guides_dir / "img"
    if images.is_dir() and not images.is_symlink() and not content.project.guides_dir.is_symlink():
        for image in sorted(
            p for p in images.iterdir() if p.suffix.lower() in (".png", ".jpg", ".svg", ".webp")
        ):
            try:
                out[f"{model.GUIDE_DIR}/img/{image.name}"] = safefs.read_regular(image, MAX_PICTURE_BYTES)
            except (safefs.NotRegular, safefs.TooLarge, OSError):
                continue
    return out


def open_data_files(content, ctx: SiteContext) -> Output:
    return {
        **{f"dati/{name}": data for name, data in exports.table_files(ctx).items()},
        "dati/opportunita.json": exports.listings_json(ctx),
        "dati/datapackage.json": exports.datapackage(ctx),
        "dati/hsds.json": exports.hsds(ctx),
        "dati/hsds-taxonomy.json": exports.hsds_taxonomy(ctx),
        **exports.hsds_tabular(ctx),
        "dati/opportunita.ics": exports.calendar(ctx),
        "dati/novita.xml": exports.rss(ctx),
        **ical.listing_files(ctx),  # dati/calendario/<id>.ics, linked from the listing page
    }


PAGE_PROVIDERS: list[Provider | str] = [
    core_pages,
    listing_pages,
    facet_pages,
    partner_pages,
    guide_pages,
    open_data_files,
    "bds.dataflow:site_files",  # the data-flow diagram shown by the data-protection guide
    "bds.intake.form:provider",  # «Proponi un'opportunità»: web form, its assets, the CSV template
    "bds.publish.provider:provider",  # quarterly bulletins stored by `bds publish` (content/bulletins/)
]


def resolve(entry: Provider | str) -> Provider:
    if callable(entry):
        return entry
    module, _, name = str(entry).partition(":")
    return getattr(importlib.import_module(module), name or "provider")


def nav_of(provider: Provider, ctx: SiteContext) -> list:
    nav = getattr(provider, "nav", None)
    if nav is None:
        return []
    return list(nav(ctx) if callable(nav) else nav)
