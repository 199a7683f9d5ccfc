"""Text that the kit's workflows post on GitHub (issue comments, issue bodies): inert Markdown.

Messages and lists can carry what someone typed (a listing title, an answer of the issue form).
`github_text` makes such text notify nobody, link nothing and load nothing, without adding any
invisible character: what the reader sees is what was typed.
"""

from __future__ import annotations

import re
import unicodedata

# Conservative on purpose: wherever the character before, `@x` or `#1` goes into a code span.
_MENTION = re.compile(
    r"@[A-Za-z0-9][A-Za-z0-9_-]{0,100}(?:/[A-Za-z0-9_.-]{1,100})?"
    r"|(?:[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100})?#[0-9]{1,20}|GH-[0-9]{1,20}"
)
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def github_text(text: str) -> str:
    """Text for a GitHub comment that notifies nobody and loads nothing.

    Messages can echo what the submitter typed. Every ASCII punctuation character is escaped with a
    backslash (CommonMark), so no link, image, autolink, emphasis or raw HTML survives; mentions
    and references (`@someone`, `@org/team`, `#12`, `owner/repo#3`, `GH-4`) are put in code spans,
    where GitHub neither notifies nor links; newlines become spaces and invisible or control
    characters become U+FFFD. No invisible character is added: the text stays what it shows.
    """
    out: list[str] = []
    position = 0
    for match in _MENTION.finditer(text):
        out.append(_escape(text[position : match.start()]))
        out.append(f"`{match.group(0)}`")
        position = match.end()
    out.append(_escape(text[position:]))
    return "".join(out)


def _escape(text: str) -> str:
    chars = []
    for char in text:
        if char in "\n\r\t":
            chars.append(" ")
        elif char in _PUNCTUATION:
            chars.append("\\" + char)
        elif _hidden(char):
            chars.append("\ufffd")
        else:
            chars.append(char)
    return "".join(chars)


def _hidden(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") or (ord(char) & 0xFFFE) == 0xFFFE
    )
