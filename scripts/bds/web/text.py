"""Text to safe HTML: escaping, Markdown rendering with nh3 sanitising, glossary terms.

Everything that comes from a record passes through `esc` (plain text) or `markdown_html`
(Markdown). Our own markup is added only after sanitising, from escaped values.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache, lru_cache
from html.parser import HTMLParser

import markdown
import nh3

from .. import kitfiles, messages
from ..mdbounds import MAX_BLOCK, MAX_NESTING, longest_block, nesting_depth

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def esc(value) -> str:
    """Escape any value for HTML text and attribute values (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def t_html(key: str, /, count: int | None = None, **params) -> str:
    """A catalogue text to put inside HTML: the text is the kit's own markup, and every value filled
    into it (the territory's words, `params`) is escaped, except a param whose name ends in `_html`."""
    values = {name: esc(word) for name, word in messages.words().items()}
    values.update({name: v if name.endswith("_html") else esc(v) for name, v in params.items()})
    return messages.t(key, count=count, **values)


def safe_url(url) -> str | None:
    """An http(s) URL or nothing: javascript:, data: and anything odd never become a link."""
    if isinstance(url, str) and _SAFE_URL.match(url.strip()):
        return url.strip()
    return None


# Python-Markdown looks for the closing "]" of every "[" (and the closing ")" of every "](") up to the
# end of the paragraph: a paragraph of 200,000 "[" costs 200,000 scans of the whole paragraph and stops
# the build for hours. Link text and targets are looked for within LINK_SCAN characters instead, so the
# work per bracket is bounded and a paragraph costs time proportional to its length. Real links are far
# shorter; a longer one stays plain text.
LINK_SCAN = 1000
LINK_NESTING = 16  # "]" looked at per "[": link text with more nested brackets stays plain text


class _BoundedLinks:
    """Mixin for Python-Markdown's link, image and reference processors: bounded look-ahead."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 (Markdown's API)
        limit = min(len(data), index + LINK_SCAN)
        depth, pos = 1, index
        for _ in range(LINK_NESTING):
            close = data.find("]", pos, limit)
            if close == -1:
                break
            depth += data.count("[", pos, close) - 1
            pos = close + 1
            if depth <= 0:  # the "]" that closes the first "[": same result as Markdown's own scan
                return data[index:close], pos, True
        return "", index, False

    def getLink(self, data: str, index: int):  # noqa: N802
        window = data[index : index + LINK_SCAN]
        if ")" not in window:
            return "", None, index, False
        # a mixin: Markdown's processor, which has the method, follows in the MRO (mypy sees object)
        href, title, end, handled = super().getLink(window, 0)  # type: ignore[misc]
        return href, title, index + end, handled

    def evalId(self, data: str, index: int, text: str):  # noqa: N802
        found, end, handled = super().evalId(data[index : index + LINK_SCAN], 0, text)  # type: ignore[misc]
        return found, index + end, handled


class _BoundedLinksExtension(markdown.Extension):
    # name in Python-Markdown's inline registry -> (its class, its priority); see build_inlinepatterns
    PROCESSORS = {
        "reference": ("ReferenceInlineProcessor", 170),
        "link": ("LinkInlineProcessor", 160),
        "image_link": ("ImageInlineProcessor", 150),
        "image_reference": ("ImageReferenceInlineProcessor", 140),
        "short_reference": ("ShortReferenceInlineProcessor", 130),
        "short_image_ref": ("ShortImageReferenceInlineProcessor", 125),
    }

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        from markdown import inlinepatterns

        for name, (class_name, priority) in self.PROCESSORS.items():
            base = getattr(inlinepatterns, class_name)
            old = md.inlinePatterns[name]
            if type(old) is not base:  # a Markdown upgrade that changes them must fail loudly
                raise RuntimeError(f"unexpected Markdown inline processor {name}: {type(old).__name__}")
            bounded = type(f"Bounded{class_name}", (_BoundedLinks, base), {})
            md.inlinePatterns.register(bounded(old.pattern, md), name, priority)
        # Raw HTML is never allowed in records (the validator refuses it and nh3 strips it), and the
        # raw-HTML block preprocessor re-parses the rest of the text at every "<": quadratic on "<a<a<a…".
        md.preprocessors.deregister("html_block")


def _plain_paragraphs(source: str) -> str:
    return "".join(f"<p>{esc(part)}</p>" for part in re.split(r"\n[ \t]*\n", source) if part.strip())


# Prose that Markdown turns into paragraphs and lists of the same text (what partners mostly write: 86
# of Milan's 98 descriptions): blocks parted by empty lines, each either lines of prose or a list of
# "- " items of prose, no list right after another (Markdown would join them into one list of
# paragraphs). A line of prose is
# letters, digits, spaces and common punctuation, starting with a letter or a number that is not a
# list's ("1." or "1)") and ending without a space: none of Markdown's syntax can start or appear in it
# (no *_`[]<>&\\#|, no quote, code block, heading, rule or line break), no character needs escaping,
# nothing is left for the sanitiser to remove. Anything else goes to the converter.
_PUNCTUATION = ".,;:'\"?!()%/\u2018\u2019\u201c\u201d\u00ab\u00bb\u2013\u2014-"
# (possessive runs: the two classes share no character, so nothing is given back; twice as fast)
_PROSE_LINE = rf"(?![0-9]+[.)])[^\W_](?:[^\W_]++|[ {_PUNCTUATION}]++)*+(?<! )"
_PROSE_PARAGRAPH = re.compile(rf"{_PROSE_LINE}(?:\n{_PROSE_LINE})*")
_PROSE_LIST = re.compile(rf"- {_PROSE_LINE}(?:\n- {_PROSE_LINE})*")


def _prose_html(source: str) -> str | None:
    """What `_markdown_html` gives for prose (see _PROSE_LINE), without the converter; None otherwise.
    Prose is never nested deeper than a list (MAX_NESTING holds); a block too long for the converter
    (MAX_BLOCK, as `longest_block` measures it) goes where the converter would send it."""
    out: list[str] = []
    after_list = False
    for block in re.split(r"\n\n+", source.strip("\n")):
        if len(block) > MAX_BLOCK:
            return None
        if _PROSE_PARAGRAPH.fullmatch(block):
            out.append(f"<p>{block}</p>")
            after_list = False
        elif not after_list and _PROSE_LIST.fullmatch(block):
            out.append("<ul>\n<li>" + block[2:].replace("\n- ", "</li>\n<li>") + "</li>\n</ul>")
            after_list = True
        else:
            return None
    return "\n".join(out)


def _convert(source: str) -> str:
    """Markdown to (unsanitised) HTML; text nested too deep becomes escaped paragraphs instead."""
    source = source or ""
    if nesting_depth(source)[0] > MAX_NESTING or longest_block(source)[0] > MAX_BLOCK:
        return _plain_paragraphs(source)
    md = _md()
    md.reset()
    try:
        return md.convert(source)
    except RecursionError:  # a structure the depth bound did not foresee: plain text, never a crash
        md.reset()
        return _plain_paragraphs(source)


@lru_cache(maxsize=1)
def _md() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["sane_lists", "tables", _BoundedLinksExtension()], output_format="html"
    )


def _shift_headings(fragment: str, top_level: int) -> str:
    """Move headings so the highest one becomes `top_level`: no skipped level, a single h1 per page."""
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", fragment)]
    if not levels:
        return fragment
    shift = top_level - min(levels)
    if not shift:
        return fragment

    def repl(m: re.Match) -> str:
        level = max(1, min(6, int(m.group(2)) + shift))
        return f"<{m.group(1)}h{level}"

    return re.sub(r"<(/?)h([1-6])", repl, fragment)


_AHEAD: dict[tuple[str, int], str] = {}  # conversions made by another process (see `remember_markdown`)


def markdown_html(source: str, top_level: int = 2) -> str:
    """Markdown to HTML, then sanitised: no raw HTML, no script, no javascript: link survives.

    Headings are moved so that the highest becomes `top_level` (see `_shift_headings`).
    """
    ahead = _AHEAD.get((source, top_level))
    return ahead if ahead is not None else _markdown_html(source, top_level)


def prose_html(source: str) -> str | None:
    """`markdown_html(source, level)` for plain prose and lists (any level: prose has no heading), made
    without the Markdown converter; None for text that needs it (see _PROSE_LINE)."""
    return _prose_html(source)


def remember_markdown(top_level: int, converted: dict[str, str]) -> None:
    """Keep what `markdown_html(source, top_level)` gave in another process, for each source (a big site
    converts its descriptions in two processes before the page providers run: bds.web.generate); what
    an earlier build of the same process kept is dropped."""
    _AHEAD.clear()
    _AHEAD.update(((source, top_level), rendered) for source, rendered in converted.items())


@lru_cache(maxsize=20000)  # a listing's description feeds its page, JSON-LD, exports and search
def _markdown_html(source: str, top_level: int) -> str:
    prose = _prose_html(source)  # plain prose (most descriptions): the same HTML, 20 times faster
    return prose if prose is not None else converted_html(source, top_level)


def converted_html(source: str, top_level: int) -> str:
    """`markdown_html` by the Markdown converter and the sanitiser, whatever the text."""
    rendered = _shift_headings(_convert(source), top_level)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


# A picture of the site itself: a relative path made only of plain path characters. Browsers read
# "\\host", "\\/host", "/\\host", "//host" and "https:host" (tabs and newlines removed, entities decoded)
# as another site, so a leading slash or backslash, a colon, a backslash anywhere, whitespace and
# control characters are all refused rather than recognised one by one.
_LOCAL_SRC = re.compile(r"(?:\.{1,2}/)*[A-Za-z0-9_][A-Za-z0-9._~%+\-/]*")


def local_image(src: str) -> bool:
    """True when a browser can only read `src` (already entity-decoded) as a file of this site."""
    return bool(_LOCAL_SRC.fullmatch(src)) and "//" not in src


def _relative_images_only(tag: str, attr: str, value: str) -> str | None:
    # Guides may show their own pictures (screenshots, the data-flow SVG) but never load anything
    # from another site: any address that is not plainly relative is dropped.
    if tag == "img" and attr == "src":
        return value if local_image(value) else None
    return value


class _ImageSources(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources += [value or "" for name, value in attrs if name == "src"]


def guide_image_sources(source: str) -> list[str]:
    """Every image address a guide's Markdown produces (inline, reference, any spelling), decoded."""
    parser = _ImageSources()
    parser.feed(_convert(source))
    parser.close()
    return parser.sources


@lru_cache(maxsize=256)
def guide_html(source: str, top_level: int = 2) -> str:
    """Like `markdown_html`, plus images with a relative address and their alt text (guides only)."""
    rendered = _shift_headings(_convert(source), top_level)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS | {"img"},
        attributes={**ALLOWED_ATTRIBUTES, "img": {"src", "alt"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_relative_images_only,
    )


@lru_cache(maxsize=20000)
def plain_text(source: str) -> str:
    """Markdown to plain text, for feeds, JSON-LD and meta descriptions."""
    # top_level=3 is what a listing page uses, so the cached rendering is shared (levels vanish here)
    cleaned = nh3.clean(markdown_html(source, 3), tags=set(), attributes={})
    text = html.unescape(cleaned)
    return re.sub(r"\s+", " ", text).strip()


# A fact's HTML that Markdown would leave as it is: one line, none of the characters that make emphasis,
# code, links, images, headings or escapes, no tab, no start of a list, a quote or a code block, no
# rule (---), and no angle bracket outside a whole tag (the renderers escape the records' text: nearly
# every fact).
_NOT_MARKDOWN = re.compile(
    r"(?! *(?:[0-9]+[.)]|[-+*])(?: |$))(?! *>)(?! {4})(?! *-(?: *-){2,} *$)"  # list, quote, code, rule
    r"[^*_`\\\[\]!#\t\n\r]*"
)
_WHOLE_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s+[a-z-]+=\"[^\"<>]*\")*\s*/?>")


@lru_cache(maxsize=20000)
def fact_text(fragment: str) -> str:
    """`plain_text(fragment)` for a fact's HTML: the same text, and for the fragments Markdown leaves as
    they are (nearly all) without the Markdown converter (thousands of facts on a big site)."""
    if _NOT_MARKDOWN.fullmatch(fragment) and not re.search(r"[<>]", _WHOLE_TAG.sub("", fragment)):
        return re.sub(r"\s+", " ", html.unescape(nh3.clean(fragment, tags=set(), attributes={}))).strip()
    return plain_text(fragment)


def own_expansion(entry: dict) -> str:
    """A glossary entry's expansion without the term itself: "Budget di Salute (BdS)" for the term
    "Budget di Salute" would read "Budget di Salute (Budget di Salute (BdS))", so it gives "BdS"."""
    term, expansion = str(entry.get("term") or ""), str(entry.get("expansion") or "").strip()
    if term and fold(expansion).startswith(fold(term)):
        expansion = expansion[len(term) :].strip().removeprefix("(").removesuffix(")").strip()
    return expansion


def fold(text: str) -> str:
    """Lowercase without accents: the form used by the catalogue search on both sides."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def stopwords(language: str = "it") -> frozenset[str]:
    """The words the search leaves out (data/search/stopwords-<lang>.txt; bds.js: catalogue data-stop)."""
    path = kitfiles.data("search") / f"stopwords-{language}.txt"
    return frozenset(path.read_text(encoding="utf-8").split()) if path.is_file() else frozenset()


def stem(token: str) -> str:
    """A light Italian stem: drop one final vowel so singular and plural meet (ceramica/ceramiche)."""
    if len(token) >= 5 and token[-1] in "aeiou":
        token = token[:-1]
        if token.endswith(("ch", "gh")):  # amiche -> amich -> amic, like amica -> amic
            token = token[:-1]
    return token


def search_tokens(*texts: str) -> list[str]:
    """Unique stems of a listing's words, in first-seen order (deterministic).

    The words of the folded text, taken piece by piece between white space: folding and lowercasing
    change one character at a time and never make or remove white space, so the pieces give the same
    words as the whole text, and the same piece (a word of the territory's language) is folded once."""
    seen: dict[str, None] = {}
    for piece in "\n".join(t or "" for t in texts).split():
        for token in _piece_stems(piece):
            seen.setdefault(token, None)
    return list(seen)


@lru_cache(maxsize=65536)
def _piece_stems(piece: str) -> tuple[str, ...]:
    """The stems of the searchable words of one piece of text without white space, in order."""
    stop = stopwords()
    return tuple(stem(word) for word in _WORD.findall(fold(piece)) if len(word) >= 3 and word not in stop)


_WORD = re.compile(r"[a-z0-9]+")


# -- glossary ------------------------------------------------------------------------------------

_SKIP_INSIDE = {
    "a",
    "abbr",
    "button",
    "code",
    "pre",
    "script",
    "style",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "label",
    "summary",
    "option",
    "textarea",
    "dt",
    "svg",
    "title",
}
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"^<\s*(/?)\s*([a-zA-Z0-9]+)")


class Glossary:
    """Marks glossary terms in HTML: the first occurrence of each term on a page gets a tooltip.

    The tooltip is CSS-only (shown on hover and on keyboard focus), the definition is also the
    accessible description of the term (aria-describedby), and Escape hides it (site JS).
    """

    def __init__(self, terms: list[dict], glossary_url: str = ""):
        self.entries = []
        forms: dict[str, int] = {}
        for index, term in enumerate(terms or []):
            self.entries.append(term)
            for form in [term.get("term", "")] + list(term.get("aliases") or []):
                form = form.strip()
                if len(form) < 2:
                    continue
                forms.setdefault(form, index)
                if not form.isupper():
                    forms.setdefault(form[:1].upper() + form[1:], index)
        self.forms = forms
        alternatives = sorted(forms, key=lambda f: (-len(f), f))
        self.pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in alternatives) + r")(?![\w-])")
            if alternatives
            else None
        )

    def slug(self, index: int) -> str:
        return "t-" + re.sub(r"[^a-z0-9]+", "-", fold(self.entries[index]["term"])).strip("-")

    def tooltip_text(self, index: int) -> str:
        entry = self.entries[index]
        term, expansion = entry["term"], own_expansion(entry)
        head = f"{term} ({expansion})" if expansion else term
        return f"{head}: {entry['definition']}"

    def mark(self, fragment: str, page_key: str = "p") -> str:
        """Add tooltips to the first occurrence of each term in `fragment` (already safe HTML)."""
        if self.pattern is None or not fragment:
            return fragment
        pattern = self.pattern
        done: set[int] = set()
        stack: list[str] = []
        out: list[str] = []

        def repl(m: re.Match) -> str:
            index = self.forms[m.group(1)]
            if index in done:
                return m.group(0)
            done.add(index)
            return self._tooltip(m.group(1), index, f"gl-{page_key}-{len(done)}")

        for part in _TAG.split(fragment):
            if part.startswith("<"):
                _follow_tag(part, stack)
                out.append(part)
            else:
                out.append(pattern.sub(repl, part) if part and not stack else part)
        return "".join(out)

    def _tooltip(self, shown: str, index: int, tip_id: str) -> str:
        tip = esc(self.tooltip_text(index))
        return (
            f'<span class="bds-term"><abbr tabindex="0" aria-describedby="{tip_id}">'
            f"{shown}</abbr>"
            f'<span role="tooltip" id="{tip_id}" class="bds-tip" aria-hidden="true" '
            f"data-search-exclude>{tip}</span></span>"
        )


def _follow_tag(part: str, stack: list[str]) -> None:
    """Keep `stack` of the open elements whose text gets no tooltip (links, code, headings...)."""
    m = _TAG_NAME.match(part)
    if not m or part.endswith("/>"):
        return
    closing, name = m.group(1) == "/", m.group(2).lower()
    if name not in _SKIP_INSIDE:
        return
    if not closing:
        stack.append(name)
    elif name in stack:
        while stack and stack.pop() != name:
            pass
