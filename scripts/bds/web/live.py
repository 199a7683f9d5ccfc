"""The live preview of `bds serve`: what it keeps between two saves, and what one save rebuilds.

Engine-free: the project's records, their validation and the generated pages stay in memory here;
web/engine.py (`LiveSite`, `serve`) turns the pages it is handed into HTML and serves them.

What a save rebuilds (the rule; `Preview.refresh`, `_listing_outputs`, `_partner_outputs`):
- A listing: its page (under its old and its new id), its partner's page (old and new partner), the
  home, the catalogue, the partners' directory and the open-data page (they count listings), the
  filter pages of its facet values (old and new) and the browse pages above them. When the set of
  shown listings changes (a listing added, deleted, opened or closed) also every page that may name
  any listing: the other core pages, the guides (their @opportunita links), the bulletins, every
  filter page, and, when the count crosses `render.HEADER_SEARCH_MAX_LISTINGS`, every listing page
  (the count decides whether the header search indexes them).
- A partner: its page, the pages of its listings (before and after the save), the core pages, every
  filter page (their lists name partners) and the pages of the other small providers (form, bulletins).
- Anything else (territory, glossary, guides and their translations, pictures, bulletins, the engine's
  configuration)
  and whatever changes the frame every page shows (navigation, site name, footer): everything, as at
  start.
- A moment later, in a background process the reload does not wait for: the catalogue's search data
  and the open-data files (exports, feeds, calendars). They list every listing and take seconds at
  5,000 listings; a newer save stops the process and starts it again on the newer records.
Of what the rule regenerates, only the outputs that came out different reach the engine.

A save with errors prints them (in Italian, as `bds validate` does) and keeps the last good version
of the record, so its pages stay as they were; the next good save replaces it.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import findings as F
from .. import messages, report, rules
from .. import validate as validation
from ..content import Content, Project, ProjectNotFound, load_one
from ..errors import BdsError
from . import generate, ical, model, pages, render
from .model import licence
from .page import Page, SiteFiles
from .text import esc

RECORDS = ("opportunity", "partner")  # the kinds a save rebuilds in part; any other file rebuilds all
_IGNORED_NAMES = (".", "_")  # editors' swap and backup files; the project's scan skips these too
SEARCH_DATA = f"{model.LISTING_DIR}/indice-ricerca.json"


@dataclass
class Site:
    """The whole preview as the engine gets it at start and after a full rebuild."""

    files: SiteFiles
    nav: list
    site_name: str
    copyright: str
    words: dict[str, str]

    def frame(self) -> str:
        """What every page shows besides its own content: when it changes, every page is rebuilt."""
        return json.dumps([self.nav, self.site_name, self.copyright, self.words], default=str, sort_keys=True)


@dataclass
class Change:
    """What one save changed: the whole site (`full`), or the outputs that differ and those now gone."""

    full: bool = False
    site: Site | None = None
    changed: SiteFiles = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)


def copyright_text(territory: dict) -> str:
    """Footer text; the theme prints it unescaped, so it is escaped here."""
    return esc(
        messages.t("site.footer", licence=licence(territory).text, name=territory.get("programme", ""))
    )


def site_of(generated: generate.Generated, default_name: str = "") -> Site:
    """The engine's view of generated pages: files, menu, and the site's name and footer."""
    territory = generated.ctx.territory
    with messages.use(words=generated.ctx.labels.words):
        words = messages.words()  # the theme's texts in the territory's words
        footer = copyright_text(territory)
    name = esc(territory.get("programme") or default_name)
    return Site(generated.files, generated.nav, name, footer, words)


def generate_all(
    project: Project, today: dt.date, err=sys.stderr
) -> tuple[validation.Result, generate.Generated]:
    """Validate the whole project, print its errors, and generate every page of what is valid."""
    result = validation.run(project, today=today)
    if result.errors:  # the preview still shows what is valid, and says what is not
        print(report.text(result.errors), file=err, flush=True)
    ctx = generate.context_from_content(result.content, today)
    return result, generate.run_providers(result.content, ctx)


class Preview:
    """The project as `bds serve` keeps it between two saves (see the module's rule)."""

    def __init__(
        self, project: Project, today: dt.date | None = None, err=sys.stderr, config: Path | None = None
    ):
        self.project = project
        self._clock = today is None  # the preview shows the catalogue of the real today, day after day
        self.today = today or dt.date.today()
        self.err = err
        self.config = config  # the engine's configuration file: a change to it rebuilds all
        self.content: Content | None = None
        self.generated: generate.Generated | None = None
        self.frame = ""
        self._stats: dict[str, tuple] = {}
        self._late = _Background()

    # -- what the engine calls -------------------------------------------------------------------------

    def watched(self) -> list[Path]:
        folders = [self.project.root / "content", self.project.opportunities_dir]
        if self.config is not None:
            folders.append(self.config)
        return [path for path in folders if path.exists()]

    def start(self) -> Site:
        """Load, validate and generate everything."""
        site = self._whole()
        assert site is not None
        return site

    def _whole(self, saved: list[Path] | None = None) -> Site | None:
        """Everything again; None (the last good site stays) if a `saved` file has an error."""
        self._late.stop()
        self._stats = self._scan()
        try:
            result, generated = generate_all(self.project, self.today, self.err)
        except ProjectNotFound as missing:  # territory.yml deleted, say: said, and the pages stay
            if saved is None:
                raise
            print(missing, file=self.err, flush=True)
            return None
        shown = {self.project.shown(path) for path in saved or []}
        if self.generated is not None and any(f.file in shown for f in result.errors):
            return None
        self.content, self.generated = result.content, generated
        site = site_of(generated)
        self.frame = site.frame()
        return site

    def refresh(self) -> Change | None:
        """What the files saved since the last call change (None: nothing the preview shows)."""
        stats = self._scan()
        touched = [
            Path(name)
            for name in sorted(stats.keys() | self._stats.keys())
            if stats.get(name) != self._stats.get(name)
            and not os.path.basename(name).startswith(_IGNORED_NAMES)
            and not name.endswith("~")
        ]
        if not touched:
            self._stats = stats
            return None
        kinds = {path: self.project.kind_of(path) for path in touched}
        if self._clock and dt.date.today() != self.today:  # past midnight: what is open changed
            self.today = dt.date.today()
            kinds[self.project.territory_file] = "territory"
        if any(kind not in RECORDS for kind in kinds.values()):
            site = self._whole(touched)
            return None if site is None else Change(full=True, site=site)
        self._stats = stats
        self._late.stop()
        old_ctx = self._ctx()
        saves = []
        for path in touched:
            taken = self._take(path, str(kinds[path]))
            if taken is not None:
                saves.append((str(kinds[path]), *taken))
        if not saves:
            return None  # only errors: the last good pages stay
        return self._regenerate(old_ctx, saves)

    def after(self, write: Callable[[str, Page | str | bytes], None]) -> None:
        """Finish the slow outputs in the background (see the module's rule); `write` puts one in the site."""
        if self._late.pending and self.content is not None and self.generated is not None:
            self._late.start(self.content, self.generated.ctx, write)

    def close(self) -> None:
        self._late.stop()

    # -- one save -------------------------------------------------------------------------------------

    def _scan(self) -> dict[str, tuple]:
        """Size, modification time and inode of every watched file: cheaper than reading any."""
        stats: dict[str, tuple] = {}
        folders = []
        for top in self.watched():
            if top.is_dir():
                folders.append(str(top))
            else:
                found = top.stat()
                stats[str(top)] = (found.st_mtime_ns, found.st_size, found.st_ino)
        while folders:
            try:
                entries = list(os.scandir(folders.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    continue
                try:
                    found = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                stats[entry.path] = (found.st_mtime_ns, found.st_size, found.st_ino)
        return stats

    def _ctx(self):
        assert self.generated is not None
        return self.generated.ctx

    def _table(self, kind: str) -> dict:
        assert self.content is not None
        return self.content.opportunities if kind == "opportunity" else self.content.partners

    def _take(self, path: Path, kind: str) -> tuple[dict, dict] | None:
        """Reload and judge one saved record with the records its rules read (validate.CONTEXT); keep it
        if it has no error, else print the errors and keep the last good version. A deleted record
        leaves. Returns the record before and after ({} for none), or None if the content is unchanged."""
        shown = self.project.shown(path)
        table = self._table(kind)
        before = table.get(shown)
        old = before.data if before is not None and before.ok and isinstance(before.data, dict) else {}
        assert self.content is not None
        if not os.path.lexists(path):
            self.content.kinds.pop(shown, None)
            table.pop(shown, None)
            self.content.forget_records()
            return old, {}
        doc = load_one(path, shown, kind)
        errors = [f for f in self._findings(shown, kind, doc) if f.severity == F.ERROR]
        if errors:
            print(report.text(errors), file=self.err, flush=True)
            return None
        table[shown] = doc
        self.content.kinds[shown] = kind
        self.content.forget_records()
        return old, doc.data

    def _findings(self, shown: str, kind: str, doc) -> list[F.Finding]:
        """The saved file's findings, judged against only the kinds of records its rules read."""
        assert self.content is not None
        context = validation.CONTEXT[kind]
        whole = self.content
        view = Content(
            whole.project,
            territory=whole.territory,
            partners=dict(whole.partners) if "partner" in context else {},
            opportunities=dict(whole.opportunities) if "opportunity" in context else {},
            kinds={s: k for s, k in whole.kinds.items() if k in context},
        )
        (view.opportunities if kind == "opportunity" else view.partners)[shown] = doc
        view.kinds[shown] = kind
        found = doc.findings + rules.check(view, self.today, {shown})
        return [f for f in found if f.file == shown]

    def _regenerate(self, old_ctx, saves: list[tuple[str, dict, dict]]) -> Change:
        """Regenerate what the saves touch (the module's rule); hand over what came out different."""
        assert self.content is not None and self.generated is not None
        ctx = generate.context_from_content(self.content, self.today)
        _keep_entries(old_ctx, ctx, _ids(*(record for save in saves for record in save[1:])))
        fresh: SiteFiles = {}
        with messages.use(words=ctx.labels.words):
            for kind, old, new in saves:
                touched = _listing_outputs if kind == "opportunity" else _partner_outputs
                fresh.update(touched(self.content, old_ctx, ctx, old, new))
        files = dict(self.generated.files)
        gone: set[str] = set()
        if any(_reshapes(old_ctx, ctx, old, new) for _kind, old, new in saves):
            gone = _record_paths(old_ctx) - _record_paths(ctx)
        for path in gone:
            files.pop(path, None)
        changed = {path: data for path, data in fresh.items() if files.get(path) != data}
        files.update(fresh)
        self.generated = generate.Generated(files=files, nav=self.generated.nav, ctx=ctx)
        self._late.pending = True
        site = site_of(self.generated)
        if site.frame() != self.frame:  # what every page shows changed: every page again
            self.frame = site.frame()
            return Change(full=True, site=site)
        return Change(changed=changed, removed=gone)


def _keep_entries(old_ctx, ctx, saved_ids: set[str]) -> None:
    """Carry the renderers' catalogue entries of the listings not saved over to the new context: an
    entry (render.listing_item, keyed by listing id) depends only on its listing, today and the
    territory's labels, and a territory change rebuilds everything anyway."""
    ctx.cache.update(
        (key, value)
        for key, value in old_ctx.cache.items()
        if isinstance(key, tuple) and key[:1] == ("item",) and key[1] not in saved_ids
    )


def _ids(*records: dict) -> set[str]:
    return {str(record["id"]) for record in records if record.get("id") is not None}


def _facet_keys(*records: dict) -> set[tuple[str, str]]:
    return {
        (facet, value)
        for record in records
        for facet in model.FACETS
        for value in model.facet_values(record, facet)
        if model.is_slug(value)
    }


def _reshapes(old_ctx, ctx, old: dict, new: dict) -> bool:
    """Whether a save may add or remove outputs (pages of listings, partners, filter values)."""
    return (
        _ids(old) != _ids(new)
        or _facet_keys(old) != _facet_keys(new)
        or len(old_ctx.listings) != len(ctx.listings)
        or set(old_ctx.partners) != set(ctx.partners)
        or _shown_ids(old_ctx) != _shown_ids(ctx)
    )


def _shown_ids(ctx) -> set[str]:
    return {str(item.get("id")) for item in ctx.listings}


def _record_paths(ctx) -> set[str]:
    """The outputs that exist because a record does: listing, partner and filter pages, calendars."""
    paths = {model.listing_path(listing_id) for listing_id in _shown_ids(ctx)}
    paths |= {f"{ical.CALENDAR_DIR}/{listing_id}.ics" for listing_id in _shown_ids(ctx)}
    paths |= {model.partner_path(partner_id) for partner_id in ctx.partners}
    return paths | {model.facet_path(facet, value) for facet, value in _facet_keys(*ctx.listings)}


def _listing_outputs(content, old_ctx, ctx, old: dict, new: dict) -> SiteFiles:
    """What one saved listing rebuilds (the module's rule)."""
    out: SiteFiles = {}
    shown = {str(item.get("id")): item for item in ctx.listings}
    if _shown_ids(old_ctx) != set(shown):  # added, deleted, opened or closed: pages that name any listing
        out.update(_small_pages(content, ctx))
        out.update({p: d for p, d in pages.facet_pages(content, ctx).items() if p != SEARCH_DATA})
        threshold = render.HEADER_SEARCH_MAX_LISTINGS
        if (len(old_ctx.listings) <= threshold) != (len(ctx.listings) <= threshold):
            out.update(pages.listing_pages(content, ctx))
    else:
        out.update(_counting_pages(ctx))
        for facet, value in sorted(_facet_keys(old, new)):
            path = model.facet_path(facet, value)
            if any(value in model.facet_values(item, facet) for item in ctx.listings):
                out[path] = render.facet_page(ctx, facet, value, path)
        if _facet_keys(old) != _facet_keys(new):  # the browse pages count listings per value
            out.update(_browse_pages(ctx))
    for listing_id in sorted(_ids(old, new) & set(shown)):
        path = model.listing_path(listing_id)
        out[path] = render.listing_page(shown[listing_id], ctx, path)
    for partner_id in sorted({str(r.get("partner")) for r in (old, new) if r} & set(ctx.partners)):
        path = model.partner_path(partner_id)
        out[path] = render.partner_page(ctx.partners[partner_id], ctx, path)
    return out


def _partner_outputs(content, old_ctx, ctx, old: dict, new: dict) -> SiteFiles:
    """What one saved partner rebuilds (the module's rule)."""
    out = _small_pages(content, ctx)
    out.update({p: d for p, d in pages.facet_pages(content, ctx).items() if p != SEARCH_DATA})
    partner_ids = _ids(old, new)
    shown = {str(item.get("id")): item for item in ctx.listings}
    theirs = {
        str(item.get("id"))
        for listings in (old_ctx.listings, ctx.listings)
        for item in listings
        if str(item.get("partner")) in partner_ids
    }
    for listing_id in sorted(theirs & set(shown)):
        path = model.listing_path(listing_id)
        out[path] = render.listing_page(shown[listing_id], ctx, path)
    for partner_id in sorted(partner_ids & set(ctx.partners)):
        path = model.partner_path(partner_id)
        out[path] = render.partner_page(ctx.partners[partner_id], ctx, path)
    return out


def _counting_pages(ctx) -> SiteFiles:
    """The pages that list or count every listing: home, catalogue, partners' directory, open data."""
    return {
        "index.md": render.home(ctx),
        f"{model.LISTING_DIR}/index.md": render.catalogue(ctx),
        f"{model.PARTNER_DIR}/index.md": render.partner_directory(ctx),
        "dati-aperti.md": render.open_data_page(ctx),
    }


def _browse_pages(ctx) -> SiteFiles:
    """The folders above the filter pages (same as pages.facet_pages): they count listings per value."""
    out: SiteFiles = {"catalogo/index.md": render.browse_page(ctx, "catalogo/index.md", tuple(model.FACETS))}
    for facet in model.FACETS:
        path = f"catalogo/{model.FACET_QUERY[facet]}/index.md"
        out[path] = render.browse_page(ctx, path, (facet,))
    return out


# The providers of many records each (run in part by the rule, or in the background): every other
# provider is small and runs whole when any listing appears or goes, or a partner changes.
_PER_RECORD = {"listing_pages", "facet_pages", "partner_pages", "open_data_files"}


def _small_pages(content, ctx) -> SiteFiles:
    out: SiteFiles = {}
    for entry in pages.PAGE_PROVIDERS:
        provider = pages.resolve(entry)
        if getattr(provider, "__name__", "") not in _PER_RECORD:
            out.update(provider(content, ctx))
    return out


def late_outputs(content, ctx) -> SiteFiles:
    """The outputs finished in the background: the catalogue's search data and the open-data files."""
    with messages.use(words=ctx.labels.words):
        return {SEARCH_DATA: render.search_index(ctx), **pages.open_data_files(content, ctx)}


def _write_late(content, ctx, write) -> None:
    try:
        for path, data in sorted(late_outputs(content, ctx).items()):
            write(path, data)
    except BdsError as failed:  # said like every other error of the preview; the old files stay
        print(failed, file=sys.stderr, flush=True)


class _Background:
    """The one background process that writes the late outputs (forked: it sees the records in memory)."""

    def __init__(self):
        self.pending = False
        self._process: multiprocessing.process.BaseProcess | None = None

    def start(self, content, ctx, write) -> None:
        self.stop()
        self._process = multiprocessing.get_context("fork").Process(
            target=_write_late, args=(content, ctx, write), daemon=True
        )
        self._process.start()
        self.pending = False

    def stop(self) -> None:
        """Stop a process still at work (its outputs are written again by the next one)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.is_alive():
            process.terminate()
            self.pending = True
        process.join()
