"""The engine adapter, the only module besides the hook (`mkdocs_hook`) that knows MkDocs and Material.

It checks the configuration (mkdocs.yml) before the engine reads it, turns the renderers' neutral
pages (`bds.web.page.Page`) into the engine's input (front matter, the theme's layout switches and
classes), loads the configuration with our overrides, builds in strict mode, and serves the preview.
Moving to another engine (ProperDocs reads the same mkdocs.yml; Zensical too) means replacing this
module and the hook; the renderers and the generated pages stay the same.
"""

from __future__ import annotations

import gc
import html
import io
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .. import findings as F
from .. import kitfiles, messages
from .. import load as loading
from ..errors import BdsError
from .page import Page, SiteFiles

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # silence the Material end-of-life banner
_KIT_HOOK = kitfiles.PACKAGE / "web" / "mkdocs_hook.py"  # the kit's hook (bds.web.mkdocs_hook)


# -- the configuration, checked before the engine reads it -------------------------------------------
# MkDocs reads its configuration with PyYAML's full loader, where `!!python/object/apply:os.system` runs
# code. The file is checked here first with a safe composer: only the tags a MkDocs configuration
# legitimately uses pass (`!ENV`, `!relative` and a short allow-list of `!!python/name:` functions of
# Material and PyMdown Extensions); everything else, aliases included, is a located finding. The engine
# then gets exactly the bytes that were checked. The same pass keeps the no-third-party promise on the
# configuration: no script, style sheet, picture, font or analytics from another host. No MkDocs import
# in this part: `bds validate` uses it too (`config_findings`).

# A project's own configuration, at its top level (the kit's default: kitfiles.site_config).
CONFIG_NAME = "mkdocs.yml"
MAX_INHERIT = 5
FONT_OFF = ("false", "False", "FALSE", "no", "off")  # msg-ok: the YAML spellings of «font: false»
PYTHON_NAME = "tag:yaml.org,2002:python/name:"
# Functions a configuration names with !!python/name: that make no request at build or view time
# (pymdownx.emoji.to_svg/to_png would link pictures on a CDN, so they are not here).
ALLOWED_PYTHON_NAMES = frozenset(
    {
        "material.extensions.emoji.twemoji",
        "material.extensions.emoji.to_svg",
        "pymdownx.emoji.to_alt",
        "pymdownx.superfences.fence_code_format",
        "pymdownx.superfences.fence_div_format",
        "pymdownx.slugs.uslugify",
    }
)
_CORE = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
ALLOWED_TAGS = _CORE | {"!ENV", "!relative", "tag:yaml.org,2002:merge"}
# Where a value is something every visitor's browser fetches (or the build downloads).
_RESOURCE_KEYS = ("extra_javascript", "extra_css", "theme", "plugins", "markdown_extensions")


class _Named(io.BytesIO):
    """The checked bytes, with the file's name (MkDocs resolves INHERIT next to it)."""

    def __init__(self, raw: bytes, name: str):
        super().__init__(raw)
        self.name = name


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!", 1)


class _Walk:
    def __init__(self, shown: str):
        self.shown = shown
        self.findings: list[F.Finding] = []
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.seen: set[int] = set()

    def _find(self, code: str, node: yaml.Node, path: tuple, **params) -> None:
        mark = node.start_mark
        self.findings.append(
            F.make(code, self.shown, mark.line + 1, mark.column + 1, loading.field_name(path), **params)
        )

    def build(self, node: yaml.Node, path: tuple):
        if id(node) in self.seen:
            self._find("CONFIG_ALIAS", node, path)
            return None
        self.seen.add(id(node))
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        tag = node.tag or ""
        if not _allowed_tag(tag):
            self._find("CONFIG_TAG", node, path, tag=_short_tag(tag))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return node.value if tag in _CORE else None

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        out = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name is None:
                self.build(key, path)
            elif key.tag not in _CORE and key.tag != "tag:yaml.org,2002:merge":
                self._find("CONFIG_TAG", key, path, tag=_short_tag(key.tag or ""))
                continue
            out[name] = self.build(value, path + (str(name),))
        return out


def _allowed_tag(tag: str) -> bool:
    return tag in ALLOWED_TAGS or (
        tag.startswith(PYTHON_NAME) and tag[len(PYTHON_NAME) :] in ALLOWED_PYTHON_NAMES
    )


def _compose(text: str, shown: str) -> tuple[yaml.Node | None, list[F.Finding]]:
    too_deep = loading._too_deep(text)
    if too_deep:
        problem = messages.t("site.config.too_deep", depth=loading.MAX_DEPTH)
        return None, [F.make("CONFIG_SYNTAX", shown, *too_deep, problem=problem)]
    loader = loading._Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = loading._italian_problem(exc.problem or exc.context or "")
        if "expected a single document" in str(exc):
            problem = messages.t("site.config.many_documents")
        return None, [F.make("CONFIG_SYNTAX", shown, line, col, problem=problem)]
    except yaml.YAMLError as exc:
        return None, [F.make("CONFIG_SYNTAX", shown, 1, 1, problem=loading._italian_problem(str(exc)))]
    finally:
        loader.dispose()
    if root is None:
        return None, [F.make("CONFIG_EMPTY", shown, 1, 1)]
    return root, []


def _host(value) -> str | None:
    """The host of an absolute or protocol-relative URL (what a browser fetches from elsewhere)."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\\", "/")
    if text.startswith("//"):
        return urlsplit("http:" + text).hostname or "?"
    parts = urlsplit(text)
    if parts.scheme and (parts.netloc or parts.scheme in ("http", "https")):
        return parts.hostname or "?"
    return None


def _strings(value, path: tuple):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (str(key),))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, path + (i,))
    elif isinstance(value, str):
        yield path, value


def _third_party(walk: _Walk, path: tuple, what: str, host: str) -> F.Finding:
    line, col = next(
        (walk.positions[path[:end]] for end in range(len(path), -1, -1) if path[:end] in walk.positions),
        (1, 1),
    )
    return F.make("CONFIG_THIRD_PARTY", walk.shown, line, col, loading.field_name(path), what=what, host=host)


def _foreign_host(value, own_hosts: set[str]) -> str | None:
    host = _host(value)
    return host if host and host.lower() not in own_hosts else None


def _theme_findings(data: dict, walk: _Walk, own_hosts: set[str]) -> list[F.Finding]:
    """Material fetches its fonts from Google and the repository's facts from its host."""
    theme = data.get("theme")
    theme = {"name": theme} if isinstance(theme, str) else theme if isinstance(theme, dict) else {}
    if theme.get("name") != "material":
        return []
    out = []
    if theme.get("font") not in FONT_OFF:
        where = ("theme", "font") if "font" in theme else ("theme",)
        out.append(_third_party(walk, where, messages.t("site.config.material_font"), "fonts.googleapis.com"))
    host = _foreign_host(data.get("repo_url"), own_hosts)
    if host:
        out.append(_third_party(walk, ("repo_url",), messages.t("site.config.repo_url"), host))
    return out


def third_party(data: dict, walk: _Walk, own_hosts: set[str]) -> list[F.Finding]:
    out = []
    for key in _RESOURCE_KEYS:
        for path, value in _strings(data.get(key), (key,)):
            host = _foreign_host(value, own_hosts)
            if host:
                out.append(_third_party(walk, path, f"«{value}»", host))
    out += _theme_findings(data, walk, own_hosts)
    extra = data.get("extra")
    if isinstance(extra, dict) and extra.get("analytics"):
        out.append(
            _third_party(
                walk, ("extra", "analytics"), "«extra.analytics»", messages.t("site.config.analytics")
            )
        )
    return out


def _inside(base: Path, value: str, allowed: list[Path]) -> bool:
    try:
        target = (base / value).resolve()
    except (OSError, RuntimeError):
        return False
    return any(target == root or root in target.parents for root in allowed)


def outside_paths(data: dict, walk: _Walk, config_path: Path) -> list[F.Finding]:
    """The theme folder is copied into the public site and hooks run: both stay in the project or the kit."""
    base = Path(os.path.abspath(config_path)).parent
    allowed = [base.resolve(), kitfiles.root().resolve(), kitfiles.PACKAGE]
    theme = data["theme"] if isinstance(data.get("theme"), dict) else {}
    hooks = data["hooks"] if isinstance(data.get("hooks"), list) else []
    named: list[tuple[tuple[str, str | int], object]] = [
        (("theme", "custom_dir"), theme.get("custom_dir"))
    ] + [(("hooks", i), hook) for i, hook in enumerate(hooks)]
    out = []
    for where, value in named:
        if isinstance(value, str) and value.strip() and not _inside(base, value, allowed):
            line, col = walk.positions.get(where, (1, 1))
            field = loading.field_name(where)
            out.append(F.make("CONFIG_PATH_OUTSIDE", walk.shown, line, col, field, value=value))
    return out


def _root(path: Path, shown: str) -> tuple[bytes | None, yaml.Node | None, list]:
    """The configuration's bytes and its YAML root node, or None with the findings that stop there."""
    raw, problems = loading.read_bytes(path, shown)
    if raw is None:
        return None, None, problems
    text, problems = loading.decode(raw, shown)
    if text is None:
        return None, None, problems
    if not text.strip():
        return None, None, [F.make("CONFIG_EMPTY", shown, 1, 1)]
    root, problems = _compose(text, shown)
    if root is None:
        return None, None, problems
    if not isinstance(root, yaml.MappingNode):
        shape = messages.t(
            "site.config.a_list" if isinstance(root, yaml.SequenceNode) else "site.config.a_value"
        )
        mark = root.start_mark
        return None, None, [F.make("CONFIG_NOT_MAPPING", shown, mark.line + 1, mark.column + 1, found=shape)]
    return raw, root, []


def _inherited(data: dict, path: Path, shown: str, own: set[str], depth: int) -> list[F.Finding]:
    """The findings of the configuration this one INHERITs, if any."""
    parent = data.get("INHERIT")
    if not isinstance(parent, str) or not parent.strip():
        return []
    parent_path = path.parent / parent
    parent_shown = (Path(shown).parent / parent).as_posix()
    if depth >= MAX_INHERIT:
        problem = messages.t("site.config.inherit_depth")
        return [F.make("CONFIG_SYNTAX", shown, 1, 1, "INHERIT", problem=problem)]
    if parent_path.exists() or parent_path.is_symlink():
        return check_config(parent_path, parent_shown, own, depth + 1)[1]
    return []


def check_config(path: Path, shown: str, own_hosts: set[str] | None = None, depth: int = 0):
    """Findings for the configuration at `path` (and the files it INHERITs), and its checked bytes."""
    own = {h.lower() for h in own_hosts or ()}
    raw, root, problems = _root(path, shown)
    if root is None:
        return None, problems
    walk = _Walk(shown)
    data = walk.build(root, ())
    found = walk.findings + third_party(data, walk, own) + outside_paths(data, walk, path)
    return raw, found + _inherited(data, path, shown, own, depth)


def open_checked(path: Path, shown: str, own_hosts: set[str] | None = None) -> tuple[_Named | None, list]:
    """A file object of the checked configuration for the engine, or None with the findings."""
    raw, found = check_config(path, shown, own_hosts)
    errors = [f for f in found if f.severity == F.ERROR]
    if raw is None or errors:
        return None, found
    return _Named(raw, str(path)), found


def host_of(url: str | None) -> set[str]:
    host = urlsplit(url or "").hostname
    return {host.lower()} if host else set()


def config_findings(project, territory: dict | None, wanted: set[str] | None = None) -> list[F.Finding]:
    """`bds validate`: the project's own configuration, if it has one (the kit's is checked by its tests);
    with `wanted` (shown paths), only if the configuration is one of them."""
    path = project.root / CONFIG_NAME
    if wanted is not None and project.shown(path) not in wanted:
        return []
    if not (path.exists() or path.is_symlink()):
        return []
    site_url = territory.get("site_url") if isinstance(territory, dict) else None
    return check_config(
        path, project.shown(path, path), host_of(site_url if isinstance(site_url, str) else None)
    )[1]


# -- loading and building ---------------------------------------------------------------------------


def config_file(project_root: Path) -> Path:
    """The project's own mkdocs.yml, else the kit's."""
    own = project_root / CONFIG_NAME
    # lexists: a symlink or a folder named mkdocs.yml is the project's and gets refused, not skipped.
    return own if os.path.lexists(own) else kitfiles.site_config()


def checked_config(config_path: Path, site_url: str | None = None):
    """The configuration as a file object of the bytes that passed `check_config`; BdsError if not."""
    try:
        shown = Path(config_path).resolve().relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError, RuntimeError):
        shown = str(config_path)
    handle, found = open_checked(Path(config_path), shown, host_of(site_url))
    if handle is None:
        errors = [f for f in found if f.severity == "error"] or found
        first = errors[0]
        more = " " + messages.t("site.engine.more_problems", count=len(errors) - 1) if len(errors) > 1 else ""
        raise BdsError(f"{first.file}:{first.line}:{first.column}: [{first.code}] {first.message}{more}", 1)
    return handle


def _overrides(config_path: Path) -> dict:
    """The kit's own configuration gets absolute theme and hook paths (see `_kit_overrides`)."""
    try:
        is_kit = config_path.resolve() == kitfiles.site_config().resolve()
    except OSError:
        is_kit = False
    return _kit_overrides() if is_kit else {}


@cache
def _kit_overrides() -> dict:
    """Settings that make the kit's mkdocs.yml work wherever it is read from.

    Its paths (theme `custom_dir`, `hooks`) are relative to the repository's top level; inside an
    installed package that folder does not exist, so the engine gets the absolute paths.
    """
    with open(kitfiles.site_config(), encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    theme_config = dict(config.get("theme") or {})
    theme_config["custom_dir"] = str(kitfiles.theme())
    return {"theme": theme_config, "hooks": [str(_KIT_HOOK)]}


class _Counter(logging.Handler):
    """The engine's warnings, each with the page it was building (None: not a page's)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.pages: list[str | None] = []
        self.config = None

    def emit(self, record):
        text = record.getMessage()
        self.messages.append(text)
        page = getattr(self.config, "_current_page", None)  # set by MkDocs while it reads or builds a page
        named = _DOC_FILE.match(text)  # the anchor checks run after the pages, and name theirs
        self.pages.append(page.file.src_uri if page is not None else named.group(1) if named else None)

    def take(self, found: list[tuple[str | None, str]]) -> None:
        """Add the warnings another process saw, each with its page."""
        for page, text in found:
            self.pages.append(page)
            self.messages.append(text)

    def found(self) -> list[tuple[str | None, str]]:
        return list(zip(self.pages, self.messages, strict=True))


# MkDocs's words for a page's problems, and for a Markdown link to no page (mkdocs/structure/pages.py).
_DOC_FILE = re.compile(r"Doc file '([^']+)' ")
_BROKEN_LINK = re.compile(r"contains a link '([^']*)', but the target\b.* is not found")


def _stopped(counter: _Counter, config_path: Path, failure: str) -> BdsError:
    """The engine stopped: a page's warning (strict mode) names the page; anything else, the configuration."""
    on_pages = [(page, text) for page, text in zip(counter.pages, counter.messages, strict=True) if page]
    if on_pages:
        # the first page in the site's order: the same whichever process rendered which page
        page, text = min(on_pages, key=lambda found: walk_order(found[0]))
        found = _BROKEN_LINK.search(text)
        problem = messages.t("site.engine.broken_link", target=found.group(1)) if found else text.strip()
        more = " " + messages.t("site.engine.more_warnings", count=len(counter.messages))
        return BdsError(
            messages.t("site.engine.page_warning", page=page, problem=problem)
            + (more if len(counter.messages) > 1 else ""),
            1,
        )
    details = "; ".join(message.strip() for message in counter.messages if message.strip())
    return BdsError(messages.t("site.engine.stopped", config=config_path, details=details or failure), 1)


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


def nav_entries(entries: list) -> list:
    """The site menu as MkDocs's `nav`: `(title, path)` and `(title, [entries])` pairs (web/pages.py)
    become `{title: path}` mappings, the titles escaped because the theme prints them as they are.
    An entry already in MkDocs's shape is kept as it is."""
    out: list = []
    for entry in entries:
        if isinstance(entry, dict):
            out.append(entry)
            continue
        title, target = entry
        out.append({_esc(title): nav_entries(target) if isinstance(target, list) else str(target)})
    return out


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


def _html_block(body: str) -> str:
    """One raw HTML block for the Markdown engine: no blank line inside, so it stays one block."""
    return re.sub(r"\n\s*\n", "\n", body).strip() + "\n"


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _front_matter(page: Page, prerendered: bool) -> str:
    """YAML front matter. JSON strings are valid YAML, so values need no YAML quoting rules; the theme
    prints `title` and `description` without escaping, so they are HTML-escaped here.

    `prerendered`: the body is one finished HTML block; the hook passes it through as is instead of
    running Markdown over it, which would return it unchanged after parsing every tag (the most
    expensive step of the engine on our pages).
    """
    lines = ["---", f"title: {json.dumps(_esc(page.title), ensure_ascii=False)}"]
    if page.description:
        text = page.description
        short = text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"
        lines.append(f"description: {json.dumps(_esc(short), ensure_ascii=False)}")
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


@dataclass(frozen=True)
class SiteInput:
    """What one engine run builds: the configuration file, where pages come from and go, what every page
    shows around its content (menu, site name, address, footer) and the kit's extras: the pages in memory
    (`files`, output path -> content; `docs_dir` may then be empty), `finish_page(src_path, html)` that
    may change each built page before it is written (the QR codes), `page_written(path, bytes)` told
    of each page's file and bytes as it is written, by the process that renders it (its compressed
    copy), progress, the territory's words and the site's language."""

    config_path: Path
    docs_dir: Path
    site_dir: Path
    nav: list
    site_name: str
    site_url: str
    copyright_text: str
    progress: Callable[[int], None] | None = None
    files: SiteFiles | None = None
    finish_page: Callable[[str, str], str] | None = None
    page_written: Callable[[str, bytes], None] | None = None
    words: dict[str, str] | None = None
    language: Language | None = None


def load(site: SiteInput):
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    cfg = load_config(
        config_file=checked_config(site.config_path, site.site_url),
        config_file_path=str(site.config_path),
        docs_dir=str(site.docs_dir),
        site_dir=str(site.site_dir),
        nav=nav_entries(site.nav),
        site_name=site.site_name,
        site_url=site.site_url,
        copyright=site.copyright_text,
        strict=True,  # an engine warning (a Markdown link to no page...) stops the build: see `_stopped`
        **_overrides(site.config_path),
    )
    cfg.extra["bds_pregenerated"] = True
    files = site.files
    if files is not None:  # in memory, for the hook: nothing is written to docs_dir and read back
        cfg.extra["bds_files"] = [(path, source(files[path])) for path in sorted(files, key=walk_order)]
    extras = {
        "bds_finish_page": site.finish_page,
        "bds_page_written": site.page_written,
        "bds_progress": site.progress,
    }
    cfg.extra.update({key: value for key, value in extras.items() if value is not None})
    if site.words is not None:  # the territory's words, for the theme's texts (mkdocs_hook.on_env)
        cfg.extra["bds_words"] = dict(site.words)
    if site.language is not None:
        _set_language(cfg, site.language)
    return cfg


@dataclass
class Language:
    """The language of one site of a multilingual territory (see bds.web.languages).

    `code` sets the theme's language (Material's own texts, `<html lang>`) and the header search's;
    `direction` "rtl" for Arabic; `search_separator` the search's word boundaries, if not the
    engine's own for `code` (`_SEARCH_SEPARATORS`);
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


# Material's search splits words on this pattern: Chinese has no spaces between words, so every
# ideograph starts a new token.
_SEARCH_SEPARATORS = {"zh": r"[\s\u200b\-]+|(?=[\u3400-\u9fff\uf900-\ufaff])"}


def _set_language(cfg, language: Language) -> None:
    cfg.theme["language"] = language.code
    if language.direction == "rtl":
        cfg.theme["direction"] = "rtl"
    for name, plugin in cfg.plugins.items():
        if name.split("/")[-1] == "search":
            plugin.config.lang = [language.code]
            separator = language.search_separator or _SEARCH_SEPARATORS.get(language.code)
            if separator:
                plugin.config.separator = separator
    if language.page_languages is not None:
        cfg.extra["bds_languages"] = language.page_languages
    cfg.extra["bds_italian_root"] = language.italian_root
    cfg.extra_css = [*cfg.extra_css, *language.extra_css]


def build(site: SiteInput, today: date, workers: int = 1) -> list[str]:
    """Build `site`; return the engine's warnings. `workers` > 1: see `build_in_processes` (same bytes)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, MkDocsException

    counter = _Counter()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        with _source_date(today):
            try:
                cfg = load(site)
                counter.config = cfg  # names the page being built in each warning
                if workers > 1 and can_share_pages(cfg):
                    counter.take(build_in_processes(cfg, workers))
                    if cfg.strict and counter.messages:  # as MkDocs's own build ends in strict mode
                        raise Abort(f"Aborted with {len(counter.messages)} warnings in strict mode!")
                else:
                    mkdocs_build(cfg)
            except MkDocsException as failed:  # a warning in strict mode, a missing theme...
                raise _stopped(counter, site.config_path, failed.format_message()) from None
    finally:
        logger.removeHandler(counter)
    return counter.messages


# --- Page rendering in several processes -------------------------------------------------------------
# MkDocs renders one page after the other, and a page's template rendering (Material's base.html,
# ~80% of the engine's time) depends only on what is known before the first page is rendered: the
# configuration, the files, the navigation and every page's Markdown already converted. So the build
# below is MkDocs's own `build` (mkdocs.commands.build.build, 1.6) with one change: after that shared
# part, the process forks and the processes render and write the pages, each taking the next ones
# nobody has taken, with MkDocs's own `_build_page`. The children inherit everything copy-on-write and
# send back only what the parent writes after the pages: the search plugin's entries of their pages
# (put back in page order, so search_index.json has the same bytes as a one-process build) and the
# engine's warnings.


def can_share_pages(cfg) -> bool:
    """Whether the pages may be rendered in several processes: only the plugins whose page events are
    known to keep no state but the search index (Material's search, the kit's hook). Strict mode holds:
    the children send their warnings back and `build` stops on any, as MkDocs's own build does."""
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]

    hook = _KIT_HOOK.resolve()
    for name, plugin in cfg.plugins.items():
        if isinstance(plugin, SearchPlugin):
            continue
        if not (name.endswith(".py") and Path(name).resolve() == hook):
            return False
    return True


def build_in_processes(cfg, workers: int) -> list[tuple[str | None, str]]:
    """MkDocs's build with the pages shared among `workers` processes; returns the children's warnings,
    each with its page (the parent's reach the caller's log handler directly)."""
    from mkdocs.exceptions import Abort, BuildError

    try:
        cfg = cfg.plugins.on_config(cfg)
        cfg.plugins.on_pre_build(config=cfg)
        files, nav, env, pages, deferred = _read_pages(cfg)
        index = _search_index(cfg)
        start = len(index.entries) if index is not None else 0
        run = _Shared(cfg, files, pages, nav, env, index, deferred)
        shares = _render_shares(run, workers, alongside=_static_files_copier(files))
        if index is not None:
            index.entries[start:] = [entry for i in range(len(pages)) for entry in shares.entries[i]]
        for number, facts in shares.facts.items():
            facts.restore(pages[number].page, files)
        _build_templates(cfg, env, files, nav)
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
    """The shared part of MkDocs's build, up to the first rendered page: files, navigation, the pages of
    the navigation read and converted (their titles make the menu), the theme's assets written. The
    other pages (listings, partners, facets: nearly all) are read and converted by the process that
    renders them (`deferred`, their numbers); the static templates (sitemap.xml reads every page's
    metadata) are written once the processes have sent back what they learnt (`_PageFacts`). Where a
    page would take a template's place, every page is read here and the templates come first, as in
    MkDocs's own build."""
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
    pages = files.documentation_pages(inclusion=included)
    templates = {*cfg.theme.static_templates, *cfg.extra_templates}
    may_defer = not any(file.dest_uri in templates for file in pages)
    in_menu = {id(page) for page in nav.pages}
    deferred: set[int] = set()
    for number, file in enumerate(pages):
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, cfg)
        if may_defer and id(file.page) not in in_menu:
            deferred.add(number)
            continue
        steps._populate_page(file.page, cfg, files)
    env = cfg.plugins.on_env(env, config=cfg, files=files)  # the static files: see _static_files_copier
    if not may_defer:
        _build_templates(cfg, env, files, nav)
        cfg.extra["bds_templates_written"] = True
    return files, nav, env, pages, deferred


def _static_files_copier(files) -> Callable[[], None]:
    """MkDocs's copy of the static files (the theme's assets, the open data: 60 MB at 5,000 listings),
    done by a thread of this process while the pages are rendered, once the children are forked (a
    thread is never forked): writing releases the interpreter, the pages need none of these files."""
    from mkdocs.structure.files import InclusionLevel

    return lambda: files.copy_static_files(inclusion=InclusionLevel.is_included)


def _build_templates(cfg, env, files, nav) -> None:
    """The theme's static templates and the configuration's extra templates (once per build)."""
    from mkdocs.commands import build as steps

    if cfg.extra.pop("bds_templates_written", False):
        return
    for template in sorted(cfg.theme.static_templates):
        steps._build_theme_template(template, env, files, cfg, nav)
    for template in cfg.extra_templates:
        steps._build_extra_template(template, files, cfg, nav)


def _search_index(cfg):
    for plugin in cfg.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index
    return None


@dataclass
class _PageFacts:
    """What reading and converting a page taught the process that did it, and the parent needs after the
    pages: the metadata and title (the sitemap), the anchors it has and the anchors it links to (MkDocs's
    anchor check, run by the parent over every page)."""

    meta: dict
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]] | None  # target page's source path -> {anchor: the link as written}

    @classmethod
    def of(cls, page) -> _PageFacts:
        links = page.links_to_anchors
        by_path = {target.src_uri: found for target, found in links.items()} if links is not None else None
        return cls(page.meta, page._title_from_render, page.present_anchor_ids, by_path)

    def restore(self, page, files) -> None:
        page.meta, page._title_from_render, page.present_anchor_ids = self.meta, self.title, self.anchors
        if self.links is not None:
            page.links_to_anchors = {
                files.get_file_from_path(src): found for src, found in self.links.items()
            }


@dataclass
class _Shares:
    entries: dict[int, list] = field(default_factory=dict)  # page number -> its search entries
    warnings: list[tuple[str | None, str]] = field(default_factory=list)  # the children's, with their pages
    facts: dict[int, _PageFacts] = field(default_factory=dict)  # deferred page number -> what it taught


@dataclass
class _Shared:
    """What every process renders from: MkDocs's configuration, files, pages, navigation and theme
    environment, the search index, and the pages each process reads itself (numbers)."""

    cfg: Any  # MkDocsConfig, Files, Navigation, jinja2.Environment, the search plugin's index (or None):
    files: Any  # MkDocs's types, imported only when the engine runs
    pages: list
    nav: Any
    env: Any
    index: Any
    deferred: set[int]


def _render_share(
    run: _Shared, numbers: Iterable[int], queue: _PageQueue | None = None
) -> tuple[dict[int, list], dict[int, _PageFacts]]:
    """Read and convert (the deferred ones), render and write the pages at `numbers`, each counted done
    in `queue`; their search entries and the deferred pages' facts, by page number."""
    from mkdocs.commands import build as steps

    entries: dict[int, list] = {}
    facts: dict[int, _PageFacts] = {}
    for number in numbers:
        file = run.pages[number]
        if number in run.deferred:
            _populate_page(file.page, run.cfg, run.files)
            facts[number] = _PageFacts.of(file.page)
        before = len(run.index.entries) if run.index is not None else 0
        steps._build_page(
            file.page, run.cfg, run.pages, run.nav, run.env, excluded=file.inclusion.is_excluded()
        )
        if run.index is not None:
            entries[number] = run.index.entries[before:]
            del run.index.entries[before:]
        if queue is not None:
            queue.finished()
    return entries, facts


def _populate_page(page, cfg, files) -> None:
    """MkDocs's `_populate_page` (read, page_markdown, render, page_content), where a finished HTML page
    (the hook left it no Markdown: mkdocs_hook.on_page_markdown) skips the Markdown converter that
    `Page.render` would build only to convert an empty text; the page gets what that conversion gives."""
    from mkdocs.structure import pages as page_module
    from mkdocs.structure.toc import get_toc

    cfg._current_page = page
    try:
        page = cfg.plugins.on_pre_page(page, config=cfg, files=files)
        _read_source(page, cfg)
        page.markdown = cfg.plugins.on_page_markdown(page.markdown, page=page, config=cfg, files=files)
        if page.markdown == "" and page.meta.get(PRERENDERED_KEY) is True:
            page.content, page.toc, page._title_from_render = "", get_toc([]), None
            page.present_anchor_ids = set()
            if page_module.log.getEffectiveLevel() > logging.DEBUG:  # as Page.render records them
                page.links_to_anchors = {}
        else:
            page.render(cfg, files)
        page.content = cfg.plugins.on_page_content(page.content, page=page, config=cfg, files=files)
    except Exception as error:  # as MkDocs says it (`_populate_page`)
        message = f"Error reading page '{page.file.src_uri}':"
        logging.getLogger("mkdocs.commands.build").error(
            message if type(error).__name__ == "BuildError" else f"{message} {error}"
        )
        raise
    finally:
        cfg._current_page = None


def _read_source(page, cfg) -> None:
    """`Page.read_source`, where the front matter the kit writes (`_front_matter`) is read by
    `front_matter_data` instead of the YAML parser (a fifth of a page's reading and converting)."""
    from mkdocs.utils import meta

    source = cfg.plugins.on_page_read_source(page=page, config=cfg)
    if source is None:
        try:
            source = page.file.content_string
        except (OSError, ValueError):
            page.read_source(cfg)  # MkDocs says what is wrong with the file and stops
            return
    known = front_matter_data(source)
    page.markdown, page.meta = known if known is not None else meta.get_data(source)


# Characters that the YAML reader refuses in a document (PyYAML's Reader.NON_PRINTABLE) or reads as a
# line break inside a quoted text: a front matter holding one is left to the YAML parser.
_YAML_SPECIAL = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_TEXT_KEYS = ("title", "description", "lastmod")


def front_matter_data(source: str) -> tuple[str, dict] | None:
    """(Markdown, metadata) as MkDocs's `meta.get_data(source)` gives them, for the front matter
    `_front_matter` writes (JSON texts, `search:` with `exclude` or `boost`, `hide: [...]`, the
    pre-rendered flag); None for anything else, which the YAML parser reads."""
    end = source.find("\n---\n", 3)
    if not source.startswith("---\n") or end < 0:
        return None
    lines, data, i = source[4 : end + 1].split("\n")[:-1], {}, 0
    while i < len(lines):
        key, _, value = lines[i].partition(": ")
        if (
            key in _TEXT_KEYS
            and value.startswith('"')
            and not _YAML_SPECIAL.search(value)
            and (
                not _SURROGATE_ESCAPE.search(value)  # YAML refuses the two halves of an escaped character
            )
        ):
            data[key] = json.loads(value)
        elif lines[i] == "search:" and i + 1 < len(lines) and _search_value(lines[i + 1]) is not None:
            data["search"] = _search_value(lines[i + 1])
            i += 1
        elif key == "hide" and value in ("[navigation]", "[toc]", "[navigation, toc]"):
            data["hide"] = value[1:-1].split(", ")
        elif lines[i] == f"{PRERENDERED_KEY}: true":
            data[PRERENDERED_KEY] = True
        else:
            return None
        i += 1
    return source[end + 5 :].lstrip("\n"), data


def _search_value(line: str) -> dict | None:
    if line == "  exclude: true":
        return {"exclude": True}
    boost = line.removeprefix("  boost: ")
    if boost != line and re.fullmatch(r"[1-9][0-9]*", boost):
        return {"boost": int(boost)}
    if boost != line and re.fullmatch(r"[0-9]+\.[0-9]+", boost):
        return {"boost": float(boost)}
    return None


def _render_shares(run: _Shared, workers: int, alongside: Callable[[], None] | None = None) -> _Shares:
    """The pages rendered by `workers` processes (this one and forked children), each taking the next
    pages nobody has taken (`_PageQueue`); then what the children send back is collected. `alongside`
    runs in a thread of this process meanwhile (its error is raised after the pages)."""
    shares = _Shares()
    # The pages read so far stay until the end: frozen, the collector neither scans them again nor
    # writes to their pages of memory (which would copy them into every child).
    gc.freeze()
    count = len(run.pages)
    queue = _PageQueue(count)
    children = [_fork_share(run, queue) for _ in range(1, workers)]
    helper = _Alongside(alongside)
    extra = run.cfg.extra
    report = extra.get("bds_progress")
    if report is not None:  # this process counts the pages every process has finished
        extra["bds_progress"] = lambda _: report(queue.done)
    received: list[tuple] = []
    try:
        received.append((*_render_share(run, queue.numbers(), queue), []))
    finally:
        extra["bds_progress"] = report
        received += [collect_forked(child) for child in children]
        helper.join()
    if report is not None:  # the last pages may be another process's
        report(queue.done)
    for entries, facts, warnings in received:
        shares.entries.update(entries)
        shares.facts.update(facts)
        shares.warnings += warnings
    for i in range(count):
        shares.entries.setdefault(i, [])
    return shares


class _PageQueue:
    """The numbers of the pages still to render, shared by the processes that render them (made before
    they fork): each process takes the next CHUNK numbers nobody has taken, so one slowed by other work
    (this process copies the static files meanwhile) renders fewer pages and all end together. Which
    process renders a page changes nothing in it (tests/test_parallel_build.py: the same bytes)."""

    CHUNK = 8  # pages (~20 ms): the processes end within one chunk of each other

    def __init__(self, count: int):
        import multiprocessing

        fork = multiprocessing.get_context("fork")
        self.count = count
        self._next = fork.RawValue("q", 0)
        self._done = fork.RawValue("q", 0)
        self._lock = fork.Lock()

    def numbers(self) -> Iterator[int]:
        """The pages this process renders, taken a chunk at a time as it goes."""
        while True:
            with self._lock:
                start = self._next.value
                self._next.value = start + self.CHUNK
            if start >= self.count:
                return
            yield from range(start, min(start + self.CHUNK, self.count))

    def finished(self) -> None:
        with self._lock:
            self._done.value += 1

    @property
    def done(self) -> int:
        """How many pages all the processes have finished."""
        return self._done.value


class _Alongside:
    """`work()` in a thread, started now; `join()` waits for it and raises its error, if any."""

    def __init__(self, work: Callable[[], None] | None):
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(work,)) if work is not None else None
        if self.thread is not None:
            self.thread.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - raised again by join(), in the caller's thread
            self.error = error

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error


def _fork_share(run: _Shared, queue: _PageQueue) -> tuple[int, int]:
    """A child that renders the pages it takes from `queue` (see run_forked); it sends their search
    entries, the deferred pages' facts and the engine's warnings it saw."""

    def share() -> tuple[dict[int, list], dict[int, _PageFacts], list[tuple[str | None, str]]]:
        run.cfg.extra.pop("bds_progress", None)
        counter = _Counter()  # the parent's counter is a copy here: its messages would be lost
        counter.config = run.cfg
        logging.getLogger("mkdocs").addHandler(counter)
        entries, facts = _render_share(run, queue.numbers(), queue)
        return entries, facts, counter.found()

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
        frame = (site.nav, site.site_name, self.site_url, site.copyright)
        cfg = load(
            SiteInput(self.config_path, docs, self.site_dir, *frame, files=site.files, words=site.words)
        )
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
            data = source(changed[path])
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

    def write_output(self, path: str, data: Page | str | bytes) -> None:
        """Write a file that is not a page (data, feeds) into the served site, whole or not at all.
        Called from the preview's background process: the engine's objects are not touched."""
        target = self.site_dir / path
        text = source(data)
        raw = text.encode("utf-8") if isinstance(text, str) else text
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
        with _said(config_path):  # a project's mkdocs.yml the engine refuses: the message `bds build` gives
            _build_frozen(site, preview.start())
        preview.after(site.write_output)

        def builder() -> None:
            try:
                change = preview.refresh()
                if change is None:
                    return
                with _said(config_path):
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


@contextmanager
def _said(config_path: Path):
    """The engine's own stop (a configuration it refuses, a missing theme folder) as the Italian error
    `bds build` gives (`_stopped`), never an internal error."""
    from mkdocs.exceptions import MkDocsException

    counter = _Counter()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        yield
    except MkDocsException as failed:
        raise _stopped(counter, config_path, failed.format_message()) from None
    finally:
        logger.removeHandler(counter)


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
    config.nav = nav_entries(site.nav)  # the menu's neutral entries in MkDocs's shape
    config.site_name = site.site_name
    config.copyright = site.copyright
    config.extra["bds_words"] = site.words  # the theme's texts (mkdocs_hook.on_env)
    return config
