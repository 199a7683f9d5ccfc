"""A site page as the renderers make it: what it says and what it wishes, in no engine's terms.

Renderers return a `Page`; the engine adapter (`bds.web.engine`) alone turns it into what the engine
reads (front matter, its theme's layout switches, its search's settings). Escaping for the theme,
shortening the description and deciding how the engine treats the body are the adapter's business:
here every text is plain, as written.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of the site.

    `body` is finished HTML when `html` is true (we wrote and escaped it), else Markdown for the engine
    to render. `searchable` False keeps the page out of the header search; `search_boost` above 0 ranks
    it higher there. `lastmod` is the ISO date of its last review ("" if none). `side_menu` and
    `outline` are layout wishes: the section menu and the page's table of contents beside the text
    (pages with their own filters or cards want the whole width).
    """

    title: str
    body: str
    description: str = ""
    html: bool = True
    searchable: bool = True
    search_boost: float = 0
    lastmod: str = ""
    side_menu: bool = True
    outline: bool = True


# What a page provider returns (see bds.web.pages): output path -> a Page, or a file's content.
SiteFiles = dict[str, Page | str | bytes]
