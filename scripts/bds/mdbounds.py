"""Bounds on Markdown that the validator checks and the renderer honours, without loading Markdown.

Python-Markdown is slow or crashes on some shapes (deep nesting recurses; a long paragraph costs its
length times its inline matches): the validator refuses them (MARKDOWN_TOO_DEEP,
MARKDOWN_BLOCK_TOO_LONG) and the renderer shows such text plain. Kept apart from bds.web.text so that
`bds validate FILE` does not import the Markdown stack.
"""

from __future__ import annotations

import re

# Python-Markdown recurses once per level of nested lists and quotes: a few hundred levels ("1. 1. 1. …",
# "> > > …", deeper and deeper indentation) exhaust Python's stack. The validator refuses text nested
# deeper than MAX_NESTING (MARKDOWN_TOO_DEEP) and the renderer shows such text as plain paragraphs.
MAX_NESTING = 16
_LINE_PREFIX = re.compile(r"[ \t]*(?:(?:>|[-*+]|[0-9]{1,9}[.)])[ \t]*)*")


def nesting_depth(source: str) -> tuple[int, int]:
    """(An upper bound of the nesting depth of lists and quotes in Markdown, offset of the deepest line).

    Linear: one anchored match per line. Every 4 columns of indentation and every list or quote
    marker at the start of a line count as a level.
    """
    deepest, where = 0, 0
    pos, size = 0, len(source)
    while pos <= size:
        end = source.find("\n", pos)
        end = size if end == -1 else end
        found = _LINE_PREFIX.match(source, pos, end)  # the pattern matches the empty string too
        prefix = found.group(0) if found else ""
        lead = len(prefix) - len(prefix.lstrip(" \t"))
        columns = len(prefix[:lead].expandtabs(4))
        markers = len(re.findall(r">|[-*+]|[0-9]{1,9}[.)]", prefix[lead:]))
        depth = columns // 4 + markers
        if depth > deepest:
            deepest, where = depth, pos
        pos = end + 1
    return deepest, where


# Python-Markdown rebuilds a paragraph's text after every inline match (bold, link, code...), so a single
# paragraph costs time proportional to its length times its matches: "**a" repeated over 256 KB takes
# seconds per guide. The validator refuses blocks longer than MAX_BLOCK characters
# (MARKDOWN_BLOCK_TOO_LONG; the longest shipped one has ~1,300) and the renderer shows such text plain.
MAX_BLOCK = 8000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def longest_block(source: str) -> tuple[int, int]:
    """(Length, offset) of the longest run of text between blank lines. Linear."""
    longest, where, start = 0, 0, 0
    for match in _BLANK_LINE.finditer(source + "\n\n"):
        while start < match.start() and source[start] == "\n":  # the block starts at its first line
            start += 1
        if match.start() - start > longest:
            longest, where = match.start() - start, start
        start = match.end()
    return longest, where
