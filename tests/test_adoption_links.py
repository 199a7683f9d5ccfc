"""Links between the adoption documents, the guides and the site resolve.

Repository documents (README, CONTRIBUTING, SECURITY, CHANGELOG, LICENSES/README) link files of the
repository: a relative link, or an absolute link into the repository's own `blob/`/`tree/` pages, must
name a file that exists. Guides become site pages at `guide/<slug>/`: their relative links must name a
page or a file that the site generator produces (the page providers run in memory; no engine build).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

import pytest
import yaml
from bds.content import Project, load_content
from bds.web import generate, model
from conftest import REPO, run_cli

REPO_DOCS = ["README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "LICENSES/README.md"]
GUIDES = sorted((REPO / "content" / "guides").glob("*.md"))

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def links(markdown: str) -> list[str]:
    """Link and image targets of a Markdown text, outside code blocks and code spans."""
    text = _CODE_SPAN.sub("", _FENCE.sub("", markdown))
    return [m.group(1) for m in _INLINE.finditer(text)] + [m.group(1) for m in _REFERENCE.finditer(text)]


def _repository_url() -> str:
    territory = yaml.safe_load((REPO / "content" / "territory.yml").read_text(encoding="utf-8"))
    return territory["repository_url"].rstrip("/")


def broken_repo_links(doc: Path, repo: Path, repository_url: str) -> list[str]:
    """Targets in `doc` that should be files of `repo` and are not."""
    broken = []
    own = re.compile(re.escape(repository_url) + r"/(?:blob|tree)/[^/]+/(?P<path>[^#?]+)")
    for target in links(doc.read_text(encoding="utf-8")):
        own_link = own.match(target)
        if own_link:
            path = repo / own_link["path"]
        elif _SCHEME.match(target) or target.startswith(("#", "//")):
            continue  # another site, mail, phone, or an anchor on the same page
        else:
            path = doc.parent / target.split("#", 1)[0].split("?", 1)[0]
        if not path.resolve().is_relative_to(repo.resolve()) or not path.exists():
            broken.append(target)
    return broken


def by_id_resolves(target: str, site_files: set[str]) -> bool:
    from bds.web import render

    name = re.split(r"[?#]", target, maxsplit=1)[0]
    if name == "coordinamento":
        return True  # the coordinators' email, from the territory
    kind, _, rest = name.partition("/")
    page = render.GUIDE_PAGES.get(name) or {
        "guida": f"{model.GUIDE_DIR}/{rest}.md",
        "ente": f"{model.PARTNER_DIR}/{rest}.md",
        "opportunita": f"{model.LISTING_DIR}/{rest}.md",
    }.get(kind)
    return page in site_files


def broken_site_links(guide_slug: str, body: str, site_files: set[str]) -> list[str]:
    """Relative targets of a guide that are neither a generated page nor a generated file."""
    here = model.page_url(f"{model.GUIDE_DIR}/{guide_slug}.md")
    broken = []
    for target in links(body):
        if target.startswith("@"):  # a link by id (bds.guidelinks): it must name a generated page
            if not by_id_resolves(target[1:], site_files):
                broken.append(target)
            continue
        if _SCHEME.match(target) or target.startswith(("#", "//")):
            continue
        path = posixpath.normpath(posixpath.join(here, target.split("#", 1)[0].split("?", 1)[0]))
        if path.startswith(".."):
            broken.append(target)
            continue
        if path.endswith(".md"):  # a page's source name is not its address on the site
            broken.append(target)
            continue
        candidates = {"index.md"} if path == "." else {path, path + ".md", posixpath.join(path, "index.md")}
        if not candidates & site_files:
            broken.append(target)
    return broken


@pytest.fixture(scope="module")
def site_files() -> set[str]:
    content = load_content(Project(REPO))
    ctx = generate.context_from_content(content, dt.date(2026, 11, 23))
    return set(generate.run_providers(content, ctx).files)


def test_adoption_documents_exist():
    for name in ("LICENSE", "publiccode.yml", *REPO_DOCS):
        assert (REPO / name).is_file(), name
    assert GUIDES, "no guide in content/guides"


@pytest.mark.parametrize("name", REPO_DOCS)
def test_repository_document_links_resolve(name):
    assert broken_repo_links(REPO / name, REPO, _repository_url()) == []


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_guide_links_resolve_on_the_site(guide, site_files):
    body = guide.read_text(encoding="utf-8").split("\n---\n", 1)[-1]  # after the front matter
    assert broken_site_links(guide.stem, body, site_files) == []
    own = [t for t in links(body) if t.startswith(_repository_url())]
    for target in own:  # absolute links into this repository name files that exist
        path = re.sub(re.escape(_repository_url()) + r"/(?:blob|tree)/[^/]+/", "", target).split("#", 1)[0]
        assert (REPO / path).exists(), target


def test_data_protection_guide_shows_the_generated_diagram(site_files):
    body = (REPO / "content" / "guides" / "protezione-dati.md").read_text(encoding="utf-8")
    assert "flusso-dati.svg" in links(body)
    assert f"{model.GUIDE_DIR}/protezione-dati/flusso-dati.svg" in site_files


# --- the checkers themselves can fail ---


def test_link_extraction_ignores_code_and_reads_references():
    text = '[a](uno.md) ![b](due.svg "titolo") `[c](tre.md)`\n\n```\n[d](quattro.md)\n```\n[e]: cinque.md\n'
    assert links(text) == ["uno.md", "due.svg", "cinque.md"]


def test_repo_checker_reports_missing_files(tmp_path):
    (tmp_path / "c.md").write_text("ok\n", encoding="utf-8")
    doc = tmp_path / "DOC.md"
    doc.write_text(
        "[ok](c.md) [no](manca.md) [fuori](../x.md) [web](https://example.org/) "
        "[mio](https://git.example/o/r/blob/main/manca.txt) [mio-ok](https://git.example/o/r/blob/main/c.md)\n",
        encoding="utf-8",
    )
    assert broken_repo_links(doc, tmp_path, "https://git.example/o/r") == [
        "manca.md",
        "../x.md",
        "https://git.example/o/r/blob/main/manca.txt",
    ]


def test_site_checker_reports_missing_pages():
    files = {"index.md", "guide/altra.md", "guide/prima/figura.svg"}
    body = "[a](../altra/) [b](figura.svg) [c](../manca/) [d](../altra.md) [e](../../)"
    assert broken_site_links("prima", body, files) == ["../manca/", "../altra.md"]


# --- the same links in a real build ---

_HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")


@pytest.mark.slow
def test_guide_pages_of_a_built_site_link_existing_files(tmp_path):
    """A real build (about two seconds): every relative link of every guide page names a built file."""
    out = tmp_path / "site"
    result = run_cli(["--root", REPO, "build", "--out", out, "--today", "2026-11-23"])
    assert result.code == 0, result.err
    pages = sorted(out.glob(f"{model.GUIDE_DIR}/*/index.html"))
    assert {p.parent.name for p in pages} >= {g.stem for g in GUIDES}
    assert (out / model.GUIDE_DIR / "protezione-dati" / "flusso-dati.svg").is_file()
    broken = []
    for page in pages:
        for target in _HTML_LINK.findall(page.read_text(encoding="utf-8")):
            if _SCHEME.match(target) or target.startswith(("#", "//")):
                continue
            path = (page.parent / target.split("#", 1)[0].split("?", 1)[0]).resolve()
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append((page.parent.name, target))
    assert broken == []


def test_links_by_id_are_checked_too(site_files):
    body = "[a](@cps) [b](@catalogo?per=families) [c](@guida/non-esiste) [d](@ente/nessuno) "
    body += "[e](@coordinamento)"
    assert broken_site_links("per-le-famiglie", body, site_files) == ["@guida/non-esiste", "@ente/nessuno"]
