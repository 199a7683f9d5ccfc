"""The only MkDocs-specific module: load the config with our overrides, build, serve.

Moving to another engine (ProperDocs reads the same mkdocs.yml; Zensical too) means replacing
these functions; the generated docs folder stays the same.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from .. import kitfiles, messages
from ..errors import BdsError
from . import siteconfig

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # silence the Material end-of-life banner


def config_file(project_root: Path) -> Path:
    """The project's own mkdocs.yml, else the kit's."""
    own = project_root / "mkdocs.yml"
    # lexists: a symlink or a folder named mkdocs.yml is the project's and gets refused, not skipped.
    return own if os.path.lexists(own) else kitfiles.mkdocs_config()


def checked_config(config_path: Path, site_url: str | None = None):
    """The configuration as a file object of the bytes that passed `siteconfig.check`; BdsError if not."""
    try:
        shown = Path(config_path).resolve().relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError, RuntimeError):
        shown = str(config_path)
    handle, found = siteconfig.open_checked(Path(config_path), shown, siteconfig.host_of(site_url))
    if handle is None:
        errors = [f for f in found if f.severity == "error"] or found
        first = errors[0]
        more = " " + messages.t("site.engine.more_problems", count=len(errors) - 1) if len(errors) > 1 else ""
        raise BdsError(f"{first.file}:{first.line}:{first.column}: [{first.code}] {first.message}{more}", 1)
    return handle


def _overrides(config_path: Path) -> dict:
    """The kit's own configuration gets absolute theme and hook paths (see kitfiles.mkdocs_overrides)."""
    try:
        is_kit = config_path.resolve() == kitfiles.mkdocs_config().resolve()
    except OSError:
        is_kit = False
    return kitfiles.mkdocs_overrides() if is_kit else {}


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _source_date(today: date):
    """SOURCE_DATE_EPOCH makes MkDocs's dates (sitemap.xml.gz header) depend on --today, not the clock."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(today, time(0, 0), tzinfo=UTC).timestamp()))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def walk_order(path: str) -> tuple:
    """Sort key giving the order of a walk of a docs folder (as MkDocs reads it): in each folder its
    files first, `index` first among them, then its subfolders by name."""
    *folders, name = path.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, folder) for folder in folders), (0, stem not in ("index", "README"), name))


def load(
    config_path: Path,
    docs_dir: Path,
    site_dir: Path,
    nav: list,
    site_name: str,
    site_url: str,
    copyright_text: str,
    progress=None,
    files: dict[str, str | bytes] | None = None,
    finish_page=None,
    words: dict[str, str] | None = None,
    language: Language | None = None,
):
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    cfg = load_config(
        config_file=checked_config(config_path, site_url),
        config_file_path=str(config_path),
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        nav=nav,
        site_name=site_name,
        site_url=site_url,
        copyright=copyright_text,
        **_overrides(config_path),
    )
    cfg.extra["bds_pregenerated"] = True
    if files is not None:  # in memory, for the hook: nothing is written to docs_dir and read back
        cfg.extra["bds_files"] = [(path, files[path]) for path in sorted(files, key=walk_order)]
    if finish_page is not None:
        cfg.extra["bds_finish_page"] = finish_page
    if progress is not None:
        cfg.extra["bds_progress"] = progress
    if words is not None:  # the territory's words, for the theme's texts (mkdocs_hook.on_env)
        cfg.extra["bds_words"] = dict(words)
    if language is not None:
        _set_language(cfg, language)
    return cfg


@dataclass
class Language:
    """The language of one site of a multilingual territory (see bds.web.languages).

    `code` sets the theme's language (Material's own texts, `<html lang>`) and the header search's;
    `direction` "rtl" for Arabic; `search_separator` the search's word boundaries (Chinese);
    `page_languages(src_path)` gives what the theme prints on each page (switcher, hreflang alternates);
    `italian_root` leads from this site's root to the Italian one ("" for Italian itself); `extra_css`
    adds stylesheets (paths of generated files) after the configuration's.
    """

    code: str
    direction: str = "ltr"
    search_separator: str | None = None
    page_languages: Callable[[str | None], dict] | None = None
    italian_root: str = ""
    extra_css: list[str] = field(
        default_factory=list
    )  # stylesheets of the generated files, after the theme's


def _set_language(cfg, language: Language) -> None:
    cfg.theme["language"] = language.code
    if language.direction == "rtl":
        cfg.theme["direction"] = "rtl"
    for name, plugin in cfg.plugins.items():
        if name.split("/")[-1] == "search":
            plugin.config.lang = [language.code]
            if language.search_separator:
                plugin.config.separator = language.search_separator
    if language.page_languages is not None:
        cfg.extra["bds_languages"] = language.page_languages
    cfg.extra["bds_italian_root"] = language.italian_root
    cfg.extra_css = [*cfg.extra_css, *language.extra_css]


def build(
    config_path: Path,
    docs_dir: Path,
    site_dir: Path,
    nav: list,
    site_name: str,
    site_url: str,
    copyright_text: str,
    today: date,
    progress=None,
    files: dict[str, str | bytes] | None = None,
    finish_page=None,
    words: dict[str, str] | None = None,
    language: Language | None = None,
) -> list[str]:
    """Build the site; return the engine's warnings.

    The pages come from `docs_dir`, or from `files` (output path -> content) when given, and
    `docs_dir` may then be empty. `finish_page(src_path, html)` may change each built page
    before it is written (the build fills in the QR codes drawn meanwhile by another process).
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    counter = _Counter()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        with _source_date(today):
            try:
                cfg = load(
                    config_path,
                    docs_dir,
                    site_dir,
                    nav,
                    site_name,
                    site_url,
                    copyright_text,
                    progress,
                    files=files,
                    finish_page=finish_page,
                    words=words,
                    language=language,
                )
                mkdocs_build(cfg)
            except MkDocsException as failed:  # e.g. a project's own mkdocs.yml pointing at a missing theme
                details = "; ".join(message.strip() for message in counter.messages if message.strip())
                raise BdsError(
                    messages.t(
                        "site.engine.stopped", config=config_path, details=details or failed.format_message()
                    ),
                    1,
                ) from None
    finally:
        logger.removeHandler(counter)
    return counter.messages


# ---------------------------------------------------------------------------------------------------------
# Live preview (`bds serve`). The pages come from bds.web.live (engine-free); this section keeps MkDocs's
# loaded configuration, files, navigation and theme environment between two saves and re-renders only the
# pages it is handed, with MkDocs's own page-building steps (mkdocs.commands.build). What a save hands
# over is decided by the rule in bds.web.live.
# ---------------------------------------------------------------------------------------------------------


class LiveSite:
    """One MkDocs build kept in memory for the preview, updated page by page.

    `build_all(site)` runs the steps of `mkdocs build` itself (so each page's header-search entries are
    known); `update(changed, removed)` re-renders only the given outputs, adds and drops pages, and
    writes the search plugin's index again from the kept entries (the same index a full build writes).
    `site` has `files` (output path -> content), `nav`, `site_name`, `copyright` and `words`.
    """

    def __init__(self, config_path: Path, site_dir: Path, site_url: str):
        self.config_path = Path(config_path)
        self.site_dir = Path(site_dir)
        self.site_url = site_url
        self.rendered = 0  # pages rendered since start: how the tests see that a save rebuilt little
        self._cfg: Any = None  # MkDocs's config, files, navigation and theme environment of the last build
        self._files: Any = None
        self._nav: Any = None
        self._env: Any = None
        self._doc_files: list = []
        self._entries: dict[str, list] = {}  # src path -> its header-search entries, in page order

    def build_all(self, site) -> None:
        from mkdocs import utils
        from mkdocs.structure.files import get_files, set_exclusions
        from mkdocs.structure.nav import get_navigation

        docs = self.site_dir.parent / "docs"  # never read: the pages are handed over in memory
        docs.mkdir(parents=True, exist_ok=True)
        cfg = load(
            self.config_path, docs, self.site_dir, site.nav, site.site_name, self.site_url, site.copyright,
            files=site.files, words=site.words,
        )  # fmt: skip
        cfg.plugins.on_startup(command="serve", dirty=False)
        cfg = cfg.plugins.on_config(cfg)
        cfg.plugins.on_pre_build(config=cfg)
        utils.clean_directory(str(self.site_dir))
        files = get_files(cfg)
        env = cfg.theme.get_env()
        files.add_files_from_theme(env, cfg)
        files = cfg.plugins.on_files(files, config=cfg)
        set_exclusions(files, cfg)
        nav = cfg.plugins.on_nav(get_navigation(files, cfg), config=cfg, files=files)
        self._cfg, self._files, self._nav = cfg, files, nav
        for file in files.documentation_pages():
            self._populate(file)
        self._env = cfg.plugins.on_env(env, config=cfg, files=files)
        files.copy_static_files()
        self._templates()
        self._doc_files = list(files.documentation_pages())
        self._entries = {}
        for file in self._doc_files:
            self._render(file)
        self._write_index()

    def update(self, changed: dict[str, str | bytes], removed: set[str]) -> None:
        """Hand over the outputs that changed (new ones included) and those that are gone."""
        from mkdocs.structure.files import File, set_exclusions

        assert self._cfg is not None and self._files is not None
        files, listed, pages = self._files, False, []  # listed: the list of pages changed
        for path in sorted(removed):
            file = files.get_file_from_path(path)
            if file is not None:
                listed |= file.is_documentation_page()
                files.remove(file)
                self._entries.pop(file.src_uri, None)
                Path(file.abs_dest_path).unlink(missing_ok=True)
            elif not path.endswith(".md"):  # written later by write_output, unknown to the files
                (self.site_dir / path).unlink(missing_ok=True)
        for path in sorted(changed):
            data = changed[path]
            file = files.get_file_from_path(path)
            if file is None:
                file = File.generated(self._cfg, path, content=data)
                files.append(file)
                set_exclusions([file], self._cfg)
                listed |= file.is_documentation_page()
            elif isinstance(data, bytes):
                file.content_bytes = data
            else:
                file.content_string = data
            if file.is_documentation_page():
                pages.append(file)
            else:
                file.copy_file()
        if listed:  # the pages' list changed: MkDocs's order of pages and the sitemap follow
            self._doc_files = list(files.documentation_pages())
            self._templates()
        for file in pages:
            self._populate(file)
            self._render(file)
        if pages or listed:
            self._write_index()

    def write_output(self, path: str, data: str | bytes) -> None:
        """Write a file that is not a page (data, feeds) into the served site, whole or not at all.
        Called from the preview's background process: the engine's objects are not touched."""
        target = self.site_dir / path
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if target.is_file() and target.read_bytes() == raw:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.bds-{os.getpid()}")
        temporary.write_bytes(raw)
        os.replace(temporary, target)

    def _populate(self, file) -> None:
        from mkdocs.commands import build as steps
        from mkdocs.structure.pages import Page

        if file.page is None:
            Page(None, file, self._cfg)
        steps._populate_page(file.page, self._cfg, self._files)

    def _templates(self) -> None:
        from mkdocs.commands import build as steps

        cfg = self._cfg
        for template in cfg.theme.static_templates:  # 404.html, sitemap.xml
            steps._build_theme_template(template, self._env, self._files, cfg, self._nav)
        for template in cfg.extra_templates:
            steps._build_extra_template(template, self._files, cfg, self._nav)

    def _render(self, file) -> None:
        """Build one page; the entries the search plugin adds meanwhile are that page's."""
        from mkdocs.commands import build as steps

        entries = _search_entries(self._cfg)
        before = len(entries) if entries is not None else 0
        steps._build_page(file.page, self._cfg, self._doc_files, self._nav, self._env)
        self.rendered += 1
        if entries is not None:
            self._entries[file.src_uri] = entries[before:]
            del entries[before:]

    def _write_index(self) -> None:
        """The search plugin writes its index (on_post_build) from the pages' kept entries, in page order."""
        entries = _search_entries(self._cfg)
        if entries is not None:
            entries[:] = [entry for file in self._doc_files for entry in self._entries.get(file.src_uri, [])]
        self._cfg.plugins.on_post_build(config=self._cfg)
        if entries is not None:
            entries.clear()


def _search_entries(cfg) -> list | None:
    """The list the search plugin collects its entries in (Material's `entries`, MkDocs's `_entries`)."""
    for plugin in cfg.plugins.values():
        index = getattr(plugin, "search_index", None)
        for name in ("entries", "_entries"):
            found = getattr(index, name, None)
            if isinstance(found, list):
                return found
    return None


def serve(config_path: Path, preview, host: str, port: int) -> None:
    """Live preview on host:port until interrupted.

    `preview` (bds.web.live.Preview) gives the whole site at start (`start()`), on every save what changed
    (`refresh()`: None, or a change with `full` and the site, or `changed`/`removed` outputs), and may
    finish slow outputs in the background (`after(write)`). MkDocs's LiveReloadServer serves the folder
    and tells browsers to reload once the builder returns.
    """
    import shutil
    import tempfile

    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    checked_config(config_path).close()  # refuse a tagged or third-party configuration before serving
    work = Path(tempfile.mkdtemp(prefix="bds-serve-"))
    site = LiveSite(config_path, work / "site", f"http://{host}:{port}/")
    try:
        _build_frozen(site, preview.start())
        preview.after(site.write_output)

        def builder() -> None:
            try:
                change = preview.refresh()
                if change is None:
                    return
                if change.full:
                    gc.unfreeze()  # the previous records and pages are garbage now
                    gc.collect()
                    _build_frozen(site, change.site)
                else:
                    site.update(change.changed, change.removed)
            except BdsError as failed:  # said in Italian; the browser keeps the pages it has
                print(failed, file=sys.stderr, flush=True)
                return
            preview.after(site.write_output)

        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site.site_dir))
        # Native file events (inotify on Linux) instead of polling every 0.5 s: a poll of thousands of
        # listings would take most of the second a save may take.
        observer: Any = watchdog.observers.Observer()
        server.observer = observer
        server.error_handler = lambda code: _error_page(site.site_dir, code)
        for path in preview.watched():
            server.watch(str(path))
        logging.getLogger("mkdocs.livereload").setLevel(logging.INFO)  # «Serving on http://…»
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        preview.close()
        shutil.rmtree(work, ignore_errors=True)


def _build_frozen(site: LiveSite, pages) -> None:
    """A whole build, with what is kept between saves frozen: the garbage collector stops rescanning
    the records, pages and engine objects (millions at 5,000 listings) at every save (as in bds build)."""
    gc.freeze()
    site.build_all(pages)
    gc.freeze()


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def plain_preview(config):
    """The hook's on_config under a plain `mkdocs serve` / `mkdocs build` of a project: the whole
    project's pages, written to a preview folder (bds.web.preview), with the menu, name and footer."""
    from . import preview

    root = os.environ.get("BDS_PROJECT_ROOT") or str(Path(config.config_file_path).parent)
    settings = Path(config.config_file_path)
    engine_config = settings.read_bytes().hex() if settings.is_file() else ""
    site, docs = preview.write_preview(Path(root), engine_config, config.site_name)
    config.docs_dir = str(docs)
    config.nav = site.nav
    config.site_name = site.site_name
    config.copyright = site.copyright
    config.extra["bds_words"] = site.words  # the theme's texts (mkdocs_hook.on_env)
    return config
