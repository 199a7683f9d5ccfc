"""Run the page providers and write their output as a docs folder for the engine."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import messages
from ..errors import BdsError
from ..records import Listing, Records
from . import engine, languages, pages, text
from .context import SiteContext
from .page import SiteFiles


@dataclass
class Generated:
    files: SiteFiles
    nav: list  # (title, page path) or (title, [entries...]) for a section: see web/pages.py
    ctx: SiteContext
    warnings: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return sum(1 for path in self.files if path.endswith(".md"))


def context_from_content(
    content, today: dt.date, inline_qr: bool = True, language: str = languages.ITALIAN
) -> SiteContext:
    """The SiteContext of a loaded project (only records that passed validation), for the site in `language`.

    Another language than Italian gets that language's translated guides, its listings' translated titles
    and summaries, and its own address (`site_url` + `<code>/`); see bds.web.languages.

    One context per run and language: the typed records are built once (`Content.records`) and the
    context is kept with them, so the steps of one run (`bds publish`: bulletin, site, freshness) share
    it and its memo (`ctx.cache`); a site in another language is a cheap view of the same records.
    """
    typed = content.records()
    key = ("site-context", today, inline_qr, language, messages.current_language())
    if key not in typed.views:
        typed.views[key] = _new_context(content, typed, today, inline_qr, language)
    return typed.views[key]


def _new_context(content, typed: Records, today: dt.date, inline_qr: bool, language: str) -> SiteContext:
    territory = content.territory.data if content.territory is not None and content.territory.ok else {}
    listings = list(zip([doc.data for doc in content.valid("opportunity")], typed.listings, strict=True))
    partners = [doc.data for doc in content.valid("partner")]
    if language == languages.ITALIAN:
        guides = []
        for doc in content.valid("guide"):
            record = dict(doc.data)
            record["body"] = doc.body or ""
            record["slug"] = PurePosixPath(doc.path).stem
            guides.append(record)
        languages.mark_easy_versions(guides, languages.translated_guides(content, languages.EASY))
    else:
        guides = languages.translated_guides(content, language)
        listings = [_translated(item, record, language) for item, record in listings]
    glossary = []
    if content.glossary is not None and content.glossary.ok and isinstance(content.glossary.data, dict):
        glossary = list(content.glossary.data.get("terms") or [])
    ctx = SiteContext.of_records(
        typed, territory, listings, partners, guides, glossary, today, inline_qr=inline_qr
    )
    ctx.site_url = languages.site_url(ctx.site_url, language)
    if language != languages.ITALIAN:
        ctx.italian_guides = frozenset(guide.slug for guide in typed.guides)
    return ctx


def _translated(item: dict, record: Listing, language: str) -> tuple[dict, Listing]:
    """A listing on the site of `language`: its translated mapping and a view of its typed record."""
    shown = languages.with_translation(item, language)
    return (item, record) if shown is item else (shown, record.translated(shown, language))


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not path or "\\" in path:
        raise BdsError(messages.t("site.page_paths.invalid", path=path))


PARALLEL_FROM = 1000  # listings; below this a worker process costs more than it saves
FORK_CONVERSIONS_FROM = 200  # descriptions for the Markdown converter (0.3 ms each) worth a second process


def _run_heavy(
    content, ctx: SiteContext, providers: list, heavy: list[int], language: str
) -> dict[int, dict]:
    """The heavy providers' outputs, by index (in a forked process: everything is inherited, nothing
    pickled on the way in; the outputs come back in one piece, read when this side is done)."""
    with messages.use(language=language, words=ctx.labels.words):
        return {index: providers[index](content, ctx) for index in heavy}


def _convert_descriptions_ahead(ctx: SiteContext) -> None:
    """Convert every listing's description (Markdown) once before the providers split between two
    processes: the listing page, its JSON-LD, the catalogue's search data and the open data all need it,
    and each process would otherwise convert them all. Plain prose needs no converter (text.prose_html,
    most descriptions); when many need it, half of those are converted in a forked process."""
    sources = sorted({str(item.get("description", "")) for item in ctx.listings})
    prose = {source: text.prose_html(source) for source in sources}
    ready = {source: html for source, html in prose.items() if html is not None}
    rest = [source for source, html in prose.items() if html is None]
    theirs = rest[1::2] if len(rest) >= FORK_CONVERSIONS_FROM else []  # every other one: halves alike
    mine = rest[0::2] if theirs else rest
    child = (
        engine.run_forked(lambda: [text.markdown_html(source, 3) for source in theirs]) if theirs else None
    )
    try:
        ready.update((source, text.markdown_html(source, 3)) for source in mine)
    finally:
        converted = engine.collect_forked(child) if child is not None else []
    ready.update(zip(theirs, converted, strict=True))
    text.remember_markdown(3, ready)


def run_providers(content, ctx: SiteContext, providers=None) -> Generated:
    """Run every provider; merge their files and nav in the order of the list (deterministic).

    On big sites, providers marked `heavy = True` run in a forked process while the others run here:
    the machine has two cores and rendering is CPU-bound.
    """
    resolved = [
        pages.resolve(entry) for entry in (providers if providers is not None else pages.PAGE_PROVIDERS)
    ]
    heavy = [i for i, p in enumerate(resolved) if getattr(p, "heavy", False)]
    child = None
    if heavy and len(ctx.listings) >= PARALLEL_FROM:
        _convert_descriptions_ahead(ctx)
        language = messages.current_language()
        child = engine.run_forked(lambda: _run_heavy(content, ctx, resolved, heavy, language))
    away = set(heavy) if child is not None else set()
    files: SiteFiles = {}
    owner: dict[str, str] = {}
    nav: list = []
    try:
        with messages.use(words=ctx.labels.words):  # the renderers' texts in the territory's words
            outputs = {i: p(content, ctx) for i, p in enumerate(resolved) if i not in away}
            nav_of = [pages.nav_of(provider, ctx) for provider in resolved]
    finally:  # read only now: read while this side works, the transfer would take turns with it
        done_away = engine.collect_forked(child) if child is not None else {}
    outputs.update(done_away)
    for index, provider in enumerate(resolved):
        name = getattr(provider, "__qualname__", repr(provider))
        for path, data in outputs[index].items():
            _check_path(path)
            if path in files:
                raise BdsError(messages.t("site.page_paths.twice", path=path, first=owner[path], second=name))
            files[path] = data
            owner[path] = name
        nav += nav_of[index]
    return Generated(files=files, nav=nav, ctx=ctx)


def write_docs(generated: Generated, docs_dir: Path, only_changed: bool = False) -> None:
    """Write the files in sorted order; with `only_changed`, leave identical files untouched (live reload)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(generated.files):
        data = engine.source(generated.files[path])
        raw = data.encode("utf-8") if isinstance(data, str) else data
        target = docs_dir / path
        if only_changed and target.is_file() and target.read_bytes() == raw:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    if only_changed:  # a removed listing must disappear from the preview too
        wanted = {os.path.normpath(docs_dir / p) for p in generated.files}
        for existing in sorted(docs_dir.rglob("*")):
            if existing.is_file() and os.path.normpath(existing) not in wanted:
                existing.unlink()
