"""The only MkDocs-specific module: load the config with our overrides, build, serve.

Moving to another engine (ProperDocs reads the same mkdocs.yml; Zensical too) means replacing
these functions; the generated docs folder stays the same.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from .. import kitfiles, messages
from ..errors import BdsError
from . import siteconfig
from .page import Page, SiteFiles
from .text import esc

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


# -- pages: a neutral `Page` as the engine reads it ---------------------------------------------------

PRERENDERED_KEY = "bds_html"  # front matter flag: the body is finished HTML, the engine must not re-render it
_MENU, _OUTLINE = "navigation", "toc"  # Material's `hide:` names of the side menu and the outline
_BUTTON, _PRIMARY = "md-button", "md-button md-button--primary"  # Material's button classes

# Python-Markdown keeps a raw HTML block verbatim only when it opens with a block-level tag (an
# inline one like <link> gets wrapped in <p>): only such pages are marked as pre-rendered.
_BLOCK_START = re.compile(
    r"<(?:address|article|aside|div|dl|fieldset|figure|footer|form|h[1-6]|header|main|nav|ol|p|section|table|ul)[\s>]"
)


def button_class(primary: bool = False) -> str:
    """The theme's class for a button (a link or a form button that looks like one)."""
    return _PRIMARY if primary else _BUTTON


def _html_block(html: str) -> str:
    """One raw HTML block for the Markdown engine: no blank line inside, so it stays one block."""
    return re.sub(r"\n\s*\n", "\n", html).strip() + "\n"


def _front_matter(page: Page, prerendered: bool) -> str:
    """YAML front matter. JSON strings are valid YAML, so values need no YAML quoting rules; the theme
    prints `title` and `description` without escaping, so they are HTML-escaped here.

    `prerendered`: the body is one finished HTML block; the hook passes it through as is instead of
    running Markdown over it, which would return it unchanged after parsing every tag (the most
    expensive step of the engine on our pages).
    """
    lines = ["---", f"title: {json.dumps(esc(page.title), ensure_ascii=False)}"]
    if page.description:
        text = page.description
        short = text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"
        lines.append(f"description: {json.dumps(esc(short), ensure_ascii=False)}")
    if not page.searchable:
        lines.append("search:\n  exclude: true")
    elif page.search_boost:
        lines.append(f"search:\n  boost: {page.search_boost:g}")  # the header search ranks these pages first
    if page.lastmod:
        lines.append(f"lastmod: {json.dumps(page.lastmod)}")
    hidden = [name for name, shown in ((_MENU, page.side_menu), (_OUTLINE, page.outline)) if not shown]
    if hidden:
        lines.append("hide: [" + ", ".join(hidden) + "]")
    if prerendered:
        lines.append(f"{PRERENDERED_KEY}: true")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def page_source(page: Page) -> str:
    """The Markdown file the engine reads for `page`: front matter, then the body."""
    if not page.html:
        return _front_matter(page, prerendered=False) + page.body
    block = _html_block(page.body)
    return _front_matter(page, prerendered=bool(_BLOCK_START.match(block))) + block


def source(data: Page | str | bytes) -> str | bytes:
    """A generated file as the engine reads it: a Page as its Markdown source, anything else as it is."""
    return page_source(data) if isinstance(data, Page) else data


def load(
    config_path: Path,
    docs_dir: Path,
    site_dir: Path,
    nav: list,
    site_name: str,
    site_url: str,
    copyright_text: str,
    progress=None,
    files: SiteFiles | None = None,
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
        cfg.extra["bds_files"] = [(path, source(files[path])) for path in sorted(files, key=walk_order)]
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
    files: SiteFiles | None = None,
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
