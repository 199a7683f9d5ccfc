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


# The letters re's IGNORECASE equates with an ASCII letter: dotted and dotless I, long S, Kelvin sign.
_CASE_TWINS = re.compile("[\u0130\u0131\u017f\u212a]")
_MIN_LITERAL = 3


@cache
def _literals() -> tuple[str, ...] | None:
    """Pieces of text, in lower case, one of which every wording match holds (`_required`); None when
    some pattern has none. Looking for them in the lowered text (`in`, a fast substring search) is
    several times faster than the case-insensitive patterns, which the engine tries at every position."""
    found: set[str] = set()
    for pattern, _ in _wording():
        try:
            needed = _required(list(re._parser.parse(pattern.pattern, pattern.flags)))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - an engine without this parser: the patterns decide alone
            return None
        if not needed:
            return None
        found.update(needed)
    return tuple(sorted(found))


def _required(items: list) -> tuple[str, ...] | None:
    """ASCII literals (lower case), one of which every match of the parsed sequence `items` holds."""
    from re import _constants as sre  # type: ignore[attr-defined]

    best: tuple[str, ...] | None = None
    run = ""
    for op, av in [*items, (None, None)]:
        if op is sre.LITERAL and av < 128:
            run += chr(av).lower()
            continue
        run = run.strip(" ")  # a part of a required piece is required too: a space starts too many
        inner: tuple[str, ...] | None = (run,) if len(run) >= _MIN_LITERAL else None
        run = ""
        if op is sre.SUBPATTERN:
            inner = _better(inner, _required(av[-1]))
        elif op is sre.BRANCH:
            each = [_required(branch) for branch in av[1]]
            inner = _better(inner, None if None in each else tuple(p for b in each for p in b))  # type: ignore[union-attr]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner = _better(inner, _required(av[2]))
        best = _better(best, inner)
    return best


def _better(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The set of literals whose shortest is longer (a longer piece of text is rarer)."""
    if a is None or b is None:
        return a or b
    return a if min(map(len, a)) >= min(map(len, b)) else b


def may_hold_wording(*texts: str) -> bool:
    """False only when no wording pattern can match any of `texts` (one look for several fields)."""
    literals = _literals()
    joined = "\n".join(texts)
    if literals is None or (not joined.isascii() and _CASE_TWINS.search(joined)):
        return any(_any_wording().search(text) for text in texts)
    # Lowering keeps every ASCII letter in place; the only other letters that match one are the twins.
    lowered = joined.lower()
    return any(piece in lowered for piece in literals)


def stigmatising(text: str) -> list[tuple[str, str]]:
    """Every (found wording, person-first suggestion) in `text`."""
    return [(found, suggestion) for _, found, suggestion in stigmatising_at(text)]


def stigmatising_at(text: str) -> list[tuple[int, str, str]]:
    """Every (offset, found wording, person-first suggestion) in `text`, in order of appearance."""
    if not may_hold_wording(text):
        return []
    out = []
    for pattern, suggestion in _wording():
        for match in pattern.finditer(text):
            out.append((match.start(), match.group(0), suggestion))
    return sorted(out)
