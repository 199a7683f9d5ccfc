"""The site in several languages (territory.yml `languages:`): Italian at `/`, each other one at `/<code>/`.

Italian is built as before; each further language gets its own pages (interface texts from the message
catalogue in that language, the guides replaced by their translations in content/guides/<code>/), built by
the engine into `site/<code>/`. Listings stay in the partner's language (Italian) with the interface around
them translated; a listing's `translations.<code>.title/summary` is shown when present. Pages only for
coordinators (the validator's messages, the open-data downloads, the bulletins) are not duplicated: the other
languages link to the Italian ones. Easy Italian versions of guides (content/guides/facile/) are pages of the
Italian site at /guide/facile/<slug>/, linked from their guide.

A territory with `languages: [it]` (the default) builds exactly as before: no switcher, no alternates, no
easy pages. This module knows nothing of the engine: `Alternates` gives plain data the theme prints.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from .. import messages
from . import model
from .page import Page, SiteFiles

ITALIAN = messages.DEFAULT_LANGUAGE
EASY = "facile"  # content/guides/facile/: easy Italian versions of guides
EASY_DIR = f"{model.GUIDE_DIR}/{EASY}"
RTL = frozenset({"ar", "he", "fa", "ur"})

# Pages and files for coordinators and re-users, kept in Italian only (the other languages link to them).
ITALIAN_ONLY_PAGES = frozenset({"dati-aperti.md", "messaggi-del-validatore.md"})
ITALIAN_ONLY_FOLDERS = ("dati/", "bollettini/")
ITALIAN_ONLY_PROVIDERS = frozenset({"open_data_files", "bds.publish.provider:provider"})


def declared(territory: dict | None) -> list[str]:
    """The territory's languages, Italian first (the schema guarantees it; repeated here for safety)."""
    found = [str(code) for code in (territory or {}).get("languages") or [] if str(code) != ITALIAN]
    return [ITALIAN, *dict.fromkeys(found)]


def is_multilingual(territory: dict | None) -> bool:
    return len(declared(territory)) > 1


def direction(language: str) -> str:
    return "rtl" if language in RTL else "ltr"


def site_url(base: str, language: str) -> str:
    """The public address of a language's site (`base` ends in "/")."""
    return base if language == ITALIAN else f"{base}{language}/"


def prefix(language: str) -> str:
    """The folder of a language's site inside the Italian one ("" for Italian)."""
    return "" if language == ITALIAN else f"{language}/"


def italian_only(path: str) -> bool:
    return path in ITALIAN_ONLY_PAGES or path.startswith(ITALIAN_ONLY_FOLDERS)


# -- content ---------------------------------------------------------------------------------------


def translated_guides(content, language: str) -> list[dict]:
    """The guide records of content/guides/<language>/ (front matter + `body`, `slug`)."""
    out = []
    for doc in content.valid("translation"):
        where = PurePosixPath(doc.path)
        if where.parent.name != language:
            continue
        record = dict(doc.data)
        record["body"] = doc.body or ""
        record["slug"] = where.stem
        record["bds_language"] = language
        out.append(record)
    return out


def with_translation(listing: dict, language: str) -> dict:
    """The listing with its title and summary in `language` when it has them (the rest stays Italian)."""
    own = ((listing.get("translations") or {}).get(language)) or {}
    if not isinstance(own, dict) or not (own.get("title") or own.get("summary")):
        return listing
    shown = dict(listing)
    shown["bds_italian"] = (str(listing.get("title", "")), str(listing.get("summary", "")))
    for name in ("title", "summary"):
        if own.get(name):
            shown[name] = own[name]
    shown["bds_translated"] = language
    return shown


def mark_easy_versions(guides: list[dict], easy: list[dict]) -> None:
    """Every Italian guide that has an easy version carries its slug (`bds_easy`), for the link."""
    have = {g["slug"] for g in easy}
    for guide in guides:
        if guide["slug"] in have:
            guide["bds_easy"] = guide["slug"]
        elif have:
            guide["bds_easy_list"] = True  # no easy version of its own: point to the list of easy guides


def easy_path(slug: str) -> str:
    return f"{EASY_DIR}/{slug}.md"


def guide_notes(guide: dict, path: str) -> str:
    """What a guide page says above its text: the unreviewed-translation notice, or the easy-version link."""
    notes = ""
    language = guide.get("bds_language")
    given = guide.get("translation")
    translation: dict = given if isinstance(given, dict) else {}
    if language and language != EASY and not translation.get("reviewed"):
        original = f"{model.GUIDE_DIR}/{translation.get('from') or guide.get('slug')}.md"
        href = model.rel(prefix(language) + path, original)  # the Italian site is one folder up
        notes += (
            f'<p class="bds-translation-note" role="note">{_esc(messages.t("languages.unreviewed.notice"))} '
            f'<a href="{_esc(href)}" hreflang="it">{_esc(messages.t("languages.unreviewed.link"))}</a></p>'
        )
    if guide.get("bds_easy"):
        href = model.rel(path, easy_path(str(guide["bds_easy"])))
        link = _esc(messages.t("languages.easy.link"))
        notes += f'<p class="bds-easy-link"><a href="{_esc(href)}">{link}</a></p>'
    elif guide.get("bds_easy_list"):
        href = model.rel(path, f"{model.GUIDE_DIR}/index.md") + "#facile"
        link = _esc(messages.t("languages.easy.heading"))
        notes += f'<p class="bds-easy-link"><a href="{_esc(href)}">{link}</a></p>'
    return notes


def _esc(text: str) -> str:
    from .text import esc

    return esc(text)


def easy_pages(content, ctx) -> SiteFiles:
    """Page provider of the Italian site of a multilingual territory: /guide/facile/<slug>/."""
    from . import render

    out: SiteFiles = {}
    for guide in translated_guides(content, EASY):
        path = easy_path(guide["slug"])
        out[path] = render.guide_page(guide, ctx, path)
    return out


STYLESHEET = "assets/bds-languages.css"


def stylesheet(content, ctx) -> dict[str, str | bytes]:
    """Page provider of every site of a multilingual territory: the switcher's and right-to-left styles."""
    from .. import kitfiles

    return {STYLESHEET: (kitfiles.data("styles") / "languages.css").read_bytes()}


# -- pages of another language ----------------------------------------------------------------------

_HREF = re.compile(r'(href|src)="([^"#?:]*)([#?][^"]*)?"')


def relink_to_italian(path: str, text: str) -> str:
    """Links of a page of another language to pages only the Italian site has: one folder further up."""
    here = model.page_url(path)
    folder = here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/"

    def repl(m: re.Match) -> str:
        target = m.group(2)
        if not target or target.startswith("/"):
            return m.group(0)
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved.startswith(".."):
            return m.group(0)
        as_page = resolved.rstrip("/") + ".md"
        if not (italian_only(as_page) or italian_only(resolved + ("/" if target.endswith("/") else ""))):
            return m.group(0)
        return f'{m.group(1)}="../{target}{m.group(3) or ""}"'

    return _HREF.sub(repl, text)


def localise(files: SiteFiles, nav: list, italian_url: str) -> tuple[SiteFiles, list]:
    """Another language's pages: no Italian-only page, links and menu entries to the Italian ones."""
    kept: SiteFiles = {}
    for path, data in files.items():
        if italian_only(path):
            continue
        if isinstance(data, Page):
            kept[path] = replace(data, body=relink_to_italian(path, data.body))
        else:
            kept[path] = (
                relink_to_italian(path, data) if isinstance(data, str) and path.endswith(".md") else data
            )
    return kept, _nav_to_italian(nav, italian_url)


def _nav_to_italian(nav: list, italian_url: str) -> list:
    out: list = []
    for title, target in nav:
        if isinstance(target, list):
            out.append((title, _nav_to_italian(target, italian_url)))
        elif italian_only(target):
            out.append((title, model.absolute(italian_url, model.page_url(target))))
        else:
            out.append((title, target))
    return out


# -- switcher and alternates ----------------------------------------------------------------------


@dataclass
class Alternates:
    """Which page exists in which language; what the theme prints on each page (see mkdocs_hook)."""

    languages: list[str]
    base_url: str  # the Italian site's public address
    pages: dict[str, set[str]] = field(default_factory=dict)  # language -> its page sources

    def for_page(self, language: str, src: str | None) -> dict:
        """The switcher's links (relative) and the hreflang alternates (absolute) of page `src`."""
        here = prefix(language) + (src or "index.md")
        links, alternates = [], []
        for code in self.languages:
            exists = src is not None and src in self.pages.get(code, set())
            target = src if src is not None and exists else "index.md"
            with messages.use(language=code):
                name = messages.t(f"languages.names.{code}")
            links.append(
                {
                    "code": code,
                    "name": name,
                    # the not-found page is shown at any address: absolute links there
                    "href": model.rel(here, prefix(code) + target)
                    if src is not None
                    else site_url(self.base_url, code),
                    "current": code == language,
                    "dir": direction(code),
                }
            )
            if src is not None and exists:
                url = model.absolute(site_url(self.base_url, code), src)
                alternates.append({"code": code, "url": url})
        if alternates and any(a["code"] == ITALIAN for a in alternates):
            italian = next(a for a in alternates if a["code"] == ITALIAN)
            alternates.append({"code": "x-default", "url": italian["url"]})
        with messages.use(language=language):
            label = messages.t("languages.switcher.label")
        return {"label": label, "links": links, "alternates": alternates, "dir": direction(language)}
