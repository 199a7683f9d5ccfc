"""Reading the site configuration (mkdocs.yml) safely, before the engine does.

MkDocs reads its configuration with PyYAML's full loader, where `!!python/object/apply:os.system` runs
code. The file is checked here first with a safe composer: only the tags a MkDocs configuration
legitimately uses pass (`!ENV`, `!relative` and a short allow-list of `!!python/name:` functions of
Material and PyMdown Extensions); everything else, aliases included, is a located finding. The engine
then gets exactly the bytes that were checked. The same pass keeps the no-third-party promise on the
configuration: no script, style sheet, picture, font or analytics from another host.

No MkDocs import here: `bds validate` uses this module too.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .. import findings as F
from .. import kitfiles, load, messages

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
            F.make(code, self.shown, mark.line + 1, mark.column + 1, load.field_name(path), **params)
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
    too_deep = load._too_deep(text)
    if too_deep:
        problem = messages.t("site.config.too_deep", depth=load.MAX_DEPTH)
        return None, [F.make("CONFIG_SYNTAX", shown, *too_deep, problem=problem)]
    loader = load._Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = load._italian_problem(exc.problem or exc.context or "")
        if "expected a single document" in str(exc):
            problem = messages.t("site.config.many_documents")
        return None, [F.make("CONFIG_SYNTAX", shown, line, col, problem=problem)]
    except yaml.YAMLError as exc:
        return None, [F.make("CONFIG_SYNTAX", shown, 1, 1, problem=load._italian_problem(str(exc)))]
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
    return F.make("CONFIG_THIRD_PARTY", walk.shown, line, col, load.field_name(path), what=what, host=host)


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
            field = load.field_name(where)
            out.append(F.make("CONFIG_PATH_OUTSIDE", walk.shown, line, col, field, value=value))
    return out


def _root(path: Path, shown: str) -> tuple[bytes | None, yaml.Node | None, list]:
    """The configuration's bytes and its YAML root node, or None with the findings that stop there."""
    raw, problems = load.read_bytes(path, shown)
    if raw is None:
        return None, None, problems
    text, problems = load.decode(raw, shown)
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
        return check(parent_path, parent_shown, own, depth + 1)[1]
    return []


def check(path: Path, shown: str, own_hosts: set[str] | None = None, depth: int = 0):
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
    raw, found = check(path, shown, own_hosts)
    errors = [f for f in found if f.severity == F.ERROR]
    if raw is None or errors:
        return None, found
    return _Named(raw, str(path)), found


def host_of(url: str | None) -> set[str]:
    host = urlsplit(url or "").hostname
    return {host.lower()} if host else set()


def project_findings(project, territory: dict | None) -> list[F.Finding]:
    """`bds validate`: the project's own mkdocs.yml, if it has one (the kit's is checked by its tests)."""
    path = project.root / "mkdocs.yml"
    if not (path.exists() or path.is_symlink()):
        return []
    site_url = territory.get("site_url") if isinstance(territory, dict) else None
    return check(path, project.shown(path, path), host_of(site_url if isinstance(site_url, str) else None))[1]
