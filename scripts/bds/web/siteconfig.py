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
        allowed = tag in ALLOWED_TAGS or (
            tag.startswith(PYTHON_NAME) and tag[len(PYTHON_NAME) :] in ALLOWED_PYTHON_NAMES
        )
        if not allowed:
            self._find("CONFIG_TAG", node, path, tag=_short_tag(tag))
            return None
        if isinstance(node, yaml.MappingNode):
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
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return node.value if tag in _CORE else None


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


def third_party(data: dict, walk: _Walk, own_hosts: set[str]) -> list[F.Finding]:
    out = []

    def at(path: tuple, what: str, host: str) -> None:
        line, col = next(
            (walk.positions[path[:end]] for end in range(len(path), -1, -1) if path[:end] in walk.positions),
            (1, 1),
        )
        field = load.field_name(path)
        out.append(F.make("CONFIG_THIRD_PARTY", walk.shown, line, col, field, what=what, host=host))

    for key in _RESOURCE_KEYS:
        for path, value in _strings(data.get(key), (key,)):
            host = _host(value)
            if host and host.lower() not in own_hosts:
                at(path, f"«{value}»", host)
    theme = data.get("theme")
    theme = {"name": theme} if isinstance(theme, str) else theme if isinstance(theme, dict) else {}
    if theme.get("name") == "material":
        if theme.get("font") not in FONT_OFF:
            where = ("theme", "font") if "font" in theme else ("theme",)
            at(where, messages.t("site.config.material_font"), "fonts.googleapis.com")
        host = _host(data.get("repo_url"))
        if host and host.lower() not in own_hosts:
            at(("repo_url",), messages.t("site.config.repo_url"), host)
    extra = data.get("extra")
    if isinstance(extra, dict) and extra.get("analytics"):
        at(("extra", "analytics"), "«extra.analytics»", messages.t("site.config.analytics"))
    return out


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
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            target = (base / value).resolve()
        except (OSError, RuntimeError):
            target = None
        if target is None or not any(target == root or root in target.parents for root in allowed):
            line, col = walk.positions.get(where, (1, 1))
            field = load.field_name(where)
            out.append(F.make("CONFIG_PATH_OUTSIDE", walk.shown, line, col, field, value=value))
    return out


def check(path: Path, shown: str, own_hosts: set[str] | None = None, depth: int = 0):
    """Findings for the configuration at `path` (and the files it INHERITs), and its checked bytes."""
    own = {h.lower() for h in own_hosts or ()}
    raw, problems = load.read_bytes(path, shown)
    if raw is None:
        return None, problems
    text, problems = load.decode(raw, shown)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [F.make("CONFIG_EMPTY", shown, 1, 1)]
    root, problems = _compose(text, shown)
    if root is None:
        return None, problems
    if not isinstance(root, yaml.MappingNode):
        shape = messages.t(
            "site.config.a_list" if isinstance(root, yaml.SequenceNode) else "site.config.a_value"
        )
        mark = root.start_mark
        return None, [F.make("CONFIG_NOT_MAPPING", shown, mark.line + 1, mark.column + 1, found=shape)]
    walk = _Walk(shown)
    data = walk.build(root, ())
    found = walk.findings + third_party(data, walk, own) + outside_paths(data, walk, path)
    parent = data.get("INHERIT")
    if isinstance(parent, str) and parent.strip():
        parent_path = path.parent / parent
        parent_shown = (Path(shown).parent / parent).as_posix()
        if depth >= MAX_INHERIT:
            found.append(
                F.make(
                    "CONFIG_SYNTAX", shown, 1, 1, "INHERIT", problem=messages.t("site.config.inherit_depth")
                )
            )
        elif parent_path.exists() or parent_path.is_symlink():
            found += check(parent_path, parent_shown, own, depth + 1)[1]
    return raw, found


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
