"""The message catalogue: every user-facing string of the kit, one YAML file per language.

`data/messages/<lang>.yml` holds nested sections (`site.listing.pay`, `cli.build.help`,
`codes.FILE_EMPTY.title`) whose leaves are texts with `{name}` placeholders, or plural forms
(`one`/`other`, and Arabic's `zero`/`two`/
`few`/`many`) chosen by `count`. `t(key, **params)` looks a key up in the current language and fills it.

The territory's words (`vocabulary` in territory.yml: programme, unit, coordinator...) are always available as
placeholders, so a message says `{unit_the}` and Cremasco reads «l'UONPIA» where Milan reads «il CPS».
`{name!c}` capitalises the first letter (a word that starts a sentence).

The current language and words are context variables (as `gettext`'s installed translation or Django's
`activate`): a build sets them once with `use(...)` and renderers stay plain functions of their records. A key
missing in another language falls back to Italian at run time; tests/test_messages.py fails when a
declared language lacks a key, and when Italian prose is written in Python, JS or a theme template
outside this catalogue.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from . import kitfiles

DEFAULT_LANGUAGE = "it"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")

_language: ContextVar[str] = ContextVar("bds_language", default=DEFAULT_LANGUAGE)
_words: ContextVar[Any] = ContextVar("bds_words", default=None)


class MessageError(KeyError):
    """A key that the catalogue does not have (a bug in the kit, caught by the tests)."""


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


def _is_plural(value: Any) -> bool:
    return isinstance(value, dict) and "other" in value and set(value) <= set(PLURAL_FORMS)


def _flatten(tree: Mapping, prefix: str, out: dict[str, Any]) -> dict[str, Any]:
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not _is_plural(value):
            _flatten(value, name + ".", out)
        else:
            out[name] = value
    return out


def _path(language: str) -> Path:
    return kitfiles.data("messages") / f"{language}.yml"


@cache
def _blocks(language: str) -> dict[str, str]:
    """The file's top-level sections as separate YAML texts, so a command parses only what it shows
    (`bds --help` reads `cli`, not the site's few hundred texts). Hence no anchors across sections."""
    path = _path(language)
    if not path.is_file():
        return {}
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        head = _TOP_KEY.match(line)
        if head:
            current = blocks.setdefault(head.group(1), [])
        current.append(line)
    return {name: "".join(lines) for name, lines in blocks.items()}


@cache
def _section(language: str, name: str) -> dict[str, Any]:
    text = _blocks(language).get(name)
    if text is None:
        return {}
    import yaml  # deferred: `bds --help` must start at once

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    tree = yaml.load(text, Loader=loader) or {}
    return _flatten(tree, "", {})


def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Every key of `language` (dotted) with its text or plural forms; {} for a language with no file."""
    out: dict[str, Any] = {}
    for name in _blocks(language):
        out.update(_section(language, name))
    return out


def clear_cache() -> None:
    """Forget the files read (tests that swap the catalogue folder)."""
    _blocks.cache_clear()
    _section.cache_clear()


def languages() -> list[str]:
    """The languages the kit has a catalogue for."""
    return sorted(p.stem for p in (kitfiles.data("messages")).glob("*.yml"))


def plural_form(language: str, count: int) -> str:
    """The CLDR plural category of `count` in `language` (integers only: that is all the kit counts)."""
    n = abs(count)
    if language == "zh":
        return "other"
    if language == "ar":
        if n in (0, 1, 2):
            return ("zero", "one", "two")[n]
        return "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other"
    return "one" if n == 1 else "other"


class _Formatter(string.Formatter):
    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "c":
            text = str(value)
            return text[:1].upper() + text[1:]
        return super().convert_field(value, conversion)


_FORMATTER = _Formatter()


def current_language() -> str:
    return _language.get()


class _Later:
    """Words worked out on first use (the command line sets the project's words before knowing whether
    the command shows any: `bds validate FILE` should not read the territory twice for nothing)."""

    def __init__(self, make: Callable[[], Any]):
        self._make = make
        self._words: dict[str, str] | None = None

    def get(self) -> dict[str, str]:
        if self._words is None:
            self._words = _scalars(self._make())
        return self._words


def _scalars(words: Any) -> dict[str, str]:
    if isinstance(words, Mapping):
        return dict(words)
    return {k: v for k, v in vars(words).items() if isinstance(v, str)}


def _words_now() -> Mapping[str, str]:
    """The territory's words in use, not copied (words() gives a copy to keep)."""
    given = _words.get()
    if given is None:
        from .vocabulary import DEFAULTS

        return DEFAULTS
    return given.get() if isinstance(given, _Later) else given


def words() -> dict[str, str]:
    """The territory's words as placeholders (the kit's defaults when no territory is in use)."""
    given = _words.get()
    if given is None:
        from .vocabulary import DEFAULTS

        return dict(DEFAULTS)
    if isinstance(given, _Later):
        return dict(given.get())
    return dict(given)


_WORD = re.compile(r"\{(\w+)(!c)?\}")


def fill_words(text: str, given: Mapping[str, str]) -> str:
    """`text` with the words of `given` filled in ({unit}, {unit_the!c}...) and every other placeholder
    left as it is, for whoever fills it later (a finding's template, bds.js, form.js)."""
    if "{" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        word = given.get(match.group(1))
        if word is None:
            return match.group(0)
        word = str(word)
        return word[:1].upper() + word[1:] if match.group(2) else word

    return _WORD.sub(fill, text)


def with_words(text: str) -> str:
    """`text` with the current territory's words filled in, every other brace left as it is: for texts
    that live outside the catalogue and may name those words (the schemas' titles, descriptions and
    labels, shown by the form, the issue form, the spreadsheet and the site)."""
    return fill_words(text, words()) if "{" in text else text


def raw(key: str, language: str | None = None) -> Any:
    """The catalogue entry for `key` (text or plural forms), in `language` or else in Italian."""
    language = language or _language.get()
    top = key.split(".", 1)[0]
    for lang in (language, DEFAULT_LANGUAGE):
        entry = _section(lang, top).get(key)
        if entry is not None:
            return entry
    raise MessageError(key)


def t(key: str, /, count: int | None = None, **params: Any) -> str:
    """The text of `key` in the current language, placeholders filled (`count` also picks the plural form)."""
    language = _language.get()
    entry = raw(key, language)
    if isinstance(entry, dict):
        if count is None:
            raise MessageError(f"{key}: a plural message needs count=")
        lang = language if has(key, language) else DEFAULT_LANGUAGE
        entry = entry.get(plural_form(lang, count), entry["other"])
    text = str(entry)
    if "{" not in text and "}" not in text:  # nothing to fill (most texts): what vformat would give
        return text
    if count is not None:
        params.setdefault("count", count)
    return _FORMATTER.vformat(text, (), {**_words_now(), **params})


def has(key: str, language: str | None = None) -> bool:
    return key in _section(language or _language.get(), key.split(".", 1)[0])


def section(prefix: str, language: str | None = None) -> dict[str, Any]:
    """Every entry under `prefix.` (keys without it), Italian filling what `language` lacks: for JS."""
    language = language or _language.get()
    head = prefix.rstrip(".") + "."
    merged = {k[len(head) :]: v for k, v in catalogue(DEFAULT_LANGUAGE).items() if k.startswith(head)}
    merged.update({k[len(head) :]: v for k, v in catalogue(language).items() if k.startswith(head)})
    return merged


@contextmanager
def use(language: str | None = None, words: Any = None) -> Iterator[None]:
    """Render in `language` with the territory's `words` in the block: a `vocabulary.Words`, a mapping,
    or a function giving one, called the first time a text needs them."""
    tokens: list[tuple[ContextVar[Any], Any]] = []
    if language is not None:
        tokens.append((_language, _language.set(language)))
    if words is not None:
        value = _Later(words) if callable(words) else _scalars(words)
        tokens.append((_words, _words.set(value)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
