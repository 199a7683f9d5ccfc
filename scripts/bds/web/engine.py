"""The only MkDocs-specific module: load the config with our overrides, build, serve.

Moving to another engine (ProperDocs reads the same mkdocs.yml; Zensical too) means replacing
these functions; the generated docs folder stays the same.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

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
    workers: int = 1,
) -> list[str]:
    """Build the site; return the engine's warnings.

    The pages come from `docs_dir`, or from `files` (output path -> content) when given, and
    `docs_dir` may then be empty. `finish_page(src_path, html)` may change each built page
    before it is written (the QR codes). `workers` > 1: see `build_in_processes` (same bytes).
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
                if workers > 1 and can_share_pages(cfg):
                    counter.messages += build_in_processes(cfg, workers)
                else:
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


# --- Page rendering in several processes -------------------------------------------------------------
# MkDocs renders one page after the other, and a page's template rendering (Material's base.html,
# ~80% of the engine's time) depends only on what is known before the first page is rendered: the
# configuration, the files, the navigation and every page's Markdown already converted. So the build
# below is MkDocs's own `build` (mkdocs.commands.build.build, 1.6) with one change: after that shared
# part, the process forks and each process renders and writes every n-th page with MkDocs's own
# `_build_page`. The children inherit everything copy-on-write and send back only what the parent
# writes after the pages: the search plugin's entries of their pages (put back in page order, so
# search_index.json has the same bytes as a one-process build) and the engine's warnings.


def can_share_pages(cfg) -> bool:
    """Whether the pages may be rendered in several processes: only the plugins whose page events are
    known to keep no state but the search index (Material's search, the kit's hook), never in strict mode
    (MkDocs counts the warnings of the whole build)."""
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]

    hook = Path(__file__).with_name("mkdocs_hook.py").resolve()
    for name, plugin in cfg.plugins.items():
        if isinstance(plugin, SearchPlugin):
            continue
        if not (name.endswith(".py") and Path(name).resolve() == hook):
            return False
    return not cfg.strict


def build_in_processes(cfg, workers: int) -> list[str]:
    """MkDocs's build with the pages shared among `workers` processes; returns the children's warnings
    (the parent's reach the caller's log handler directly)."""
    from mkdocs.exceptions import Abort, BuildError

    try:
        cfg = cfg.plugins.on_config(cfg)
        cfg.plugins.on_pre_build(config=cfg)
        files, nav, env, pages = _read_pages(cfg)
        index = _search_index(cfg)
        start = len(index.entries) if index is not None else 0
        shares = _render_shares(cfg, pages, nav, env, workers, index)
        if index is not None:
            index.entries[start:] = [entry for i in range(len(pages)) for entry in shares.entries[i]]
        log_level = cfg.validation.links.anchors
        for file in pages:
            file.page.validate_anchor_links(files=files, log_level=log_level)
        cfg.plugins.on_post_build(config=cfg)
    except Exception as error:
        cfg.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            logging.getLogger("mkdocs").error(str(error))
            raise Abort("Aborted with a BuildError!") from None
        raise
    return shares.warnings


def _read_pages(cfg):
    """The shared part of MkDocs's build, up to the first rendered page: files, navigation, every page's
    Markdown converted, the theme's assets and static templates written."""
    from mkdocs import utils
    from mkdocs.commands import build as steps
    from mkdocs.structure.files import InclusionLevel
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    utils.clean_directory(cfg.site_dir)
    files = steps.get_files(cfg)
    env = cfg.theme.get_env()
    files.add_files_from_theme(env, cfg)
    files = cfg.plugins.on_files(files, config=cfg)
    steps.set_exclusions(files, cfg)
    nav = get_navigation(files, cfg)
    nav = cfg.plugins.on_nav(nav, config=cfg, files=files)
    included = InclusionLevel.is_included
    for file in files.documentation_pages(inclusion=included):
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, cfg)
        steps._populate_page(file.page, cfg, files)
    env = cfg.plugins.on_env(env, config=cfg, files=files)
    files.copy_static_files(inclusion=included)
    for template in sorted(cfg.theme.static_templates):
        steps._build_theme_template(template, env, files, cfg, nav)
    for template in cfg.extra_templates:
        steps._build_extra_template(template, files, cfg, nav)
    return files, nav, env, files.documentation_pages(inclusion=included)


def _search_index(cfg):
    for plugin in cfg.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index
    return None


@dataclass
class _Shares:
    entries: dict[int, list] = field(default_factory=dict)  # page number -> its search entries
    warnings: list[str] = field(default_factory=list)  # the children's


def _render_share(cfg, pages, nav, env, numbers, index) -> dict[int, list]:
    """Render and write the pages at `numbers`; their search entries by page number."""
    from mkdocs.commands import build as steps

    entries: dict[int, list] = {}
    for number in numbers:
        before = len(index.entries) if index is not None else 0
        file = pages[number]
        steps._build_page(file.page, cfg, pages, nav, env, excluded=file.inclusion.is_excluded())
        if index is not None:
            entries[number] = index.entries[before:]
            del index.entries[before:]
    return entries


def _render_shares(cfg, pages, nav, env, workers: int, index) -> _Shares:
    """Page k goes to process k mod `workers` (listing pages are alike: the shares take the same time);
    the parent renders share 0 while the children render theirs, then collects what they send back."""
    shares = _Shares()
    # The pages read so far stay until the end: frozen, the collector neither scans them again nor
    # writes to their pages of memory (which would copy them into every child).
    gc.freeze()
    children = [
        _fork_share(cfg, pages, nav, env, range(k, len(pages), workers), index) for k in range(1, workers)
    ]
    report = cfg.extra.get("bds_progress")
    if report is not None:  # the parent sees its own pages only: it counts for every process
        cfg.extra["bds_progress"] = lambda done: report(done * workers)
    try:
        shares.entries.update(_render_share(cfg, pages, nav, env, range(0, len(pages), workers), index))
    finally:
        cfg.extra["bds_progress"] = report
        received = [collect_forked(child) for child in children]
    for entries, warnings in received:
        shares.entries.update(entries)
        shares.warnings += warnings
    for i in range(len(pages)):
        shares.entries.setdefault(i, [])
    return shares


def _fork_share(cfg, pages, nav, env, numbers, index) -> tuple[int, int]:
    """A child that renders the pages at `numbers` (see run_forked); it sends their search entries and the
    engine's warnings it saw."""

    def share() -> tuple[dict[int, list], list[str]]:
        cfg.extra.pop("bds_progress", None)
        counter = _Counter()  # the parent's counter is a copy here: its messages would be lost
        logging.getLogger("mkdocs").addHandler(counter)
        return _render_share(cfg, pages, nav, env, numbers, index), counter.messages

    return run_forked(share)


def run_forked(work: Callable[[], object]) -> tuple[int, int]:
    """Call `work()` in a forked child (everything shared copy-on-write); (its pid, the read end of the pipe
    that brings back its result). `collect_forked` gives the result, or raises the child's error."""
    import pickle
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    os.close(read)
    status = 0
    try:
        try:
            result: tuple = ("ok", work())
        except Exception as error:  # sent to the parent, which raises it
            result = ("error", _picklable(error))
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # never back into the parent's code (no atexit, no buffers flushed twice)


def _picklable(error: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def collect_forked(child: tuple[int, int]):
    """What a child of `run_forked` sent back; raises its error (a RuntimeError if it died without a word)."""
    import pickle

    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data or status != 0:
        raise RuntimeError(f"process {pid} ended with status {status}")
    kind, payload = pickle.loads(data)
    if kind == "error":
        raise payload
    return payload


def serve(config_path: Path, project_root: Path, host: str, port: int) -> None:
    """Live preview: the hook regenerates the pages from the project on every rebuild."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .preview import docs_dir_for

    os.environ["BDS_PROJECT_ROOT"] = str(project_root)
    docs = docs_dir_for(project_root)
    docs.mkdir(parents=True, exist_ok=True)  # MkDocs checks it exists before the hook fills it
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    checked_config(config_path).close()  # refuse a tagged or third-party configuration before serving
    mkdocs_serve(
        docs_dir=str(docs),
        config_file=str(config_path),
        dev_addr=f"{host}:{port}",
        livereload=True,
        build_type="dirty",  # only the pages whose source changed: the rule is in preview.configure
        watch=[str(project_root / "content"), str(project_root / "opportunities")],
        **_overrides(config_path),
    )
