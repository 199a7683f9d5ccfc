"""The engine boundary: only the engine adapter and its hook know MkDocs and Material.

Every module under scripts/bds is read (its code, not its docstrings or comments) for what only the
engine's adapter should know: an import of mkdocs/material/pymdownx, a name or string saying
"mkdocs" (the configuration's file name `mkdocs.yml` aside: it is a file of the kit's layout), the
hook's event functions, Material's CSS classes (`md-...`) and front matter keys (`search:`, `hide:`,
`exclude: true`, `boost:`), a `hide=` argument (Material's layout vocabulary), MkDocs configuration
keys, and the engine's configuration object (`config.extra`, `cfg.theme`...). Renderers say what they
want in a neutral `bds.web.page.Page`; `bds.web.engine` turns it into the engine's input.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "bds"

ADAPTER = {"web/engine.py", "web/mkdocs_hook.py"}
# Modules another change is moving behind the adapter; each entry goes when that change is merged.
PENDING: dict[str, str] = {}

ENGINE_PACKAGES = {"mkdocs", "material", "pymdownx"}
HOOK_EVENTS = {
    "on_config",
    "on_pre_build",
    "on_files",
    "on_nav",
    "on_env",
    "on_page_markdown",
    "on_page_content",
    "on_post_page",
    "on_post_template",
    "on_post_build",
    "on_serve",
}
CONFIG_KEYS = {
    "use_directory_urls",
    "custom_dir",
    "extra_css",
    "extra_javascript",
    "markdown_extensions",
    "docs_dir",
    "site_dir",
    "repo_url",
    "INHERIT",
    "!ENV",
    "!relative",
}
CONFIG_OBJECTS = {"config", "cfg"}
CONFIG_ATTRIBUTES = {"extra", "theme", "plugins", "nav", "docs_dir", "site_dir", "site_name", "copyright"}
_MKDOCS_WORD = re.compile(r"mkdocs(?!\.yml\b)", re.IGNORECASE)
_MATERIAL_CLASS = re.compile(r"(?<![\w-])md-[a-z]")
_MATERIAL_NAME = re.compile(r"^material(\.|$)")
_FRONT_MATTER = re.compile(r"(^|\n)(search|hide):|^\s*(exclude|boost):", re.MULTILINE)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring constants of the module, its classes and functions."""
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.add(id(value))
    return out


def _string_knows(text: str) -> str | None:
    if _MKDOCS_WORD.search(text):
        return "names MkDocs"
    if _MATERIAL_CLASS.search(text):
        return "a Material CSS class"
    if _MATERIAL_NAME.search(text):
        return "names Material"
    if _FRONT_MATTER.search(text):
        return "a Material front matter key"
    if text in CONFIG_KEYS:
        return "a MkDocs configuration key"
    return None


def _node_knows(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        if any(name.split(".")[0] in ENGINE_PACKAGES for name in names):
            return "imports the engine"
    elif isinstance(node, ast.FunctionDef) and node.name in HOOK_EVENTS:
        return f"a hook event ({node.name})"
    elif isinstance(node, ast.keyword) and node.arg == "hide":
        return "Material's hide= layout"
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id in CONFIG_OBJECTS and node.attr in CONFIG_ATTRIBUTES:
            return f"the engine's configuration ({node.value.id}.{node.attr})"
    name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", None)
    if isinstance(node, ast.Name | ast.Attribute | ast.FunctionDef | ast.ClassDef | ast.alias):
        if isinstance(name, str) and _MKDOCS_WORD.search(name):
            return f"names MkDocs ({name})"
    return None


def engine_knowledge(source: str) -> list[str]:
    """What the code of one module knows of the engine: «line: what», empty if nothing."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            what = None if id(node) in docstrings else _string_knows(node.value)
        else:
            what = _node_knows(node)
        if what:
            found.append(f"{getattr(node, 'lineno', 0)}: {what}")
    return sorted(set(found), key=lambda entry: int(entry.split(":")[0]))


def knowing_modules(package: Path = PACKAGE) -> dict[str, list[str]]:
    """Every module of the package that knows the engine, with what it knows."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        found = engine_knowledge(path.read_text(encoding="utf-8"))
        if found:
            out[path.relative_to(package).as_posix()] = found
    return out


def test_only_the_adapter_and_the_hook_know_the_engine():
    outside = {
        name: found
        for name, found in knowing_modules().items()
        if name not in ADAPTER and name not in PENDING
    }
    assert outside == {}, "\n".join(f"{name}: {'; '.join(found)}" for name, found in outside.items())


def test_every_pending_entry_still_knows_the_engine():
    # A module that no longer knows the engine leaves the list: the boundary only narrows.
    stale = set(PENDING) - set(knowing_modules())
    assert not stale, f"remove from PENDING: {sorted(stale)}"


def test_the_adapter_is_still_where_the_engine_is_known():
    # If the adapter stopped matching, the scan would have gone blind, not the code clean.
    known = knowing_modules()
    assert set(known) >= ADAPTER
    assert len(set(known) - set(PENDING)) <= 2


@pytest.mark.parametrize(
    "planted",
    [
        "import mkdocs.config\n",
        "from material.extensions import emoji\n",
        "import logging\nlogging.getLogger('mkdocs')\n",
        "def on_page_markdown(markdown, page, config, files):\n    return markdown\n",
        "BUTTON = '<a class=\"md-button\">x</a>'\n",
        "HEAD = 'search:\\n  exclude: true'\n",
        "HEAD = 'hide: [navigation]'\n",
        "def f(page):\n    return page('t', 'b', hide=('toc',))\n",
        "KEY = 'use_directory_urls'\n",
        "def f(config):\n    return config.extra.get('x')\n",
        "from bds import kitfiles\nkitfiles.mkdocs_hook()\n",
        "THEME = 'material'\n",
    ],
)
def test_a_planted_violation_is_found(planted):
    assert engine_knowledge(planted), planted


def test_what_is_not_engine_knowledge_is_not_flagged():
    clean = (
        '"""Docstrings may say MkDocs, Material and `hide: [toc]`: they explain, they do not know."""\n'
        "# nor do comments: mkdocs, md-button\n"
        "CONFIG = 'mkdocs.yml'  # the file's name is the kit's layout\n"
        "PAGE = dict(side_menu=False, outline=False, searchable=False, search_boost=4)\n"
        "CLASS = 'bds-md-note cmd-line'\n"
        "def build(settings):\n    return settings.extra\n"
    )
    assert engine_knowledge(clean) == []


def test_a_module_outside_the_adapter_that_learns_the_engine_fails_the_check(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "engine.py").write_text("import mkdocs\n", encoding="utf-8")
    (tmp_path / "web" / "render.py").write_text("X = '<a class=\"md-button\">'\n", encoding="utf-8")
    assert set(knowing_modules(tmp_path)) == {"web/engine.py", "web/render.py"}
