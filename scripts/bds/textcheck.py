"""Plain-language checks: Gulpease readability and stigmatising wording."""

from __future__ import annotations

import re
from functools import cache

import yaml

from . import kitfiles

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9']+")
_SENTENCE_END = re.compile(r"[.!?;:]++(?:\s|$)")  # possessive: "....x" runs cost no backtracking


def gulpease(text: str) -> int | None:
    """Gulpease index (0-100, higher is easier): 89 + (300 * sentences - 10 * letters) / words.

    The Italian readability index of the GULP group (Università di Roma). Below 60 a
    text is hard for readers with a lower secondary education.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    letters = sum(len(w.replace("'", "")) for w in words)
    sentences = max(1, len(_SENTENCE_END.findall(text.strip() + " ")))
    score = 89 + (300 * sentences - 10 * letters) / len(words)
    return max(0, min(100, round(score)))


@cache
def _wording() -> list[tuple[re.Pattern, str]]:
    raw = kitfiles.data("wording.yml").read_text(encoding="utf-8")
    return [
        (re.compile(rf"\b(?:{item['pattern']})\b", re.IGNORECASE), item["suggestion"])
        for item in yaml.safe_load(raw)
    ]


@cache
def _any_wording() -> re.Pattern:
    # One pass over the text decides whether the per-pattern passes are needed at all.
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _wording()), re.IGNORECASE)


def stigmatising(text: str) -> list[tuple[str, str]]:
    """Every (found wording, person-first suggestion) in `text`."""
    return [(found, suggestion) for _, found, suggestion in stigmatising_at(text)]


def stigmatising_at(text: str) -> list[tuple[int, str, str]]:
    """Every (offset, found wording, person-first suggestion) in `text`, in order of appearance."""
    if not _any_wording().search(text):
        return []
    out = []
    for pattern, suggestion in _wording():
        for match in pattern.finditer(text):
            out.append((match.start(), match.group(0), suggestion))
    return sorted(out)
