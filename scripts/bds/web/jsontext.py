"""Indented JSON text, the same characters as `json.dumps(data, ensure_ascii=False, indent=N)`, faster.

CPython writes indented JSON with its pure-Python encoder (its C encoder only writes text without line
breaks): on a big site `dati/hsds.json` (tens of MB) takes about a second that way. Here the C encoder
writes each container with the item separator of its depth («,» + line break + indentation), the
nested containers replaced by a placeholder and written the same way one level down; the brackets get
their line breaks here. A container met again at the same depth (HSDS attributes share their taxonomy
terms, services their organization) is written once.

Anything unusual (a type json would hand to `default`, a subclass of dict or list, a key it refuses,
text that happens to hold the placeholder's spelling) is left to `json.dumps` itself, so the text,
the errors and the rare types are exactly its own.
"""

from __future__ import annotations

import json
import sys
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

_SCALARS = frozenset((str, int, float, bool, type(None)))
_CONTAINERS = frozenset((dict, list, tuple))
_HOLE = "\x00"  # stands for a nested container; json always escapes it: its text is `"\u0000"`
_HOLE_TEXT = encode_basestring(_HOLE)
# The references to a nested container held by one parent only, as `sys.getrefcount` sees it in the
# loop of `_Writer.container` (the parent, the list `nested`, the loop variable, the call's argument).
# More means other parents may hold it too: its text is then kept for the next time (a count, not a
# proof: the text is the same either way, only the time differs).
_HELD_ONCE = 4


class _Other(Exception):
    """A value this writer leaves to json.dumps."""


def _refuse(value):
    raise _Other


def dumps(data, indent: int = 1) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=indent)`, character for character."""
    if c_make_encoder is None or type(data) not in _CONTAINERS or not data:
        return json.dumps(data, ensure_ascii=False, indent=indent)
    out: list[str] = []
    try:
        _Writer(indent).container(data, 0, out)
    except (_Other, TypeError, ValueError, RecursionError):
        return json.dumps(data, ensure_ascii=False, indent=indent)
    return "".join(out)


class _Writer:
    def __init__(self, indent: int) -> None:
        self.indent = indent
        self.seen: dict[tuple[int, int], str] = {}  # (id of a shared container, depth) -> its text
        self.breaks: list[str] = []  # depth -> line break and indentation
        self.encoders: list = []  # depth -> C encoder with the item separator of that depth

    def line(self, depth: int) -> str:
        while len(self.breaks) <= depth:
            self.breaks.append("\n" + " " * (self.indent * len(self.breaks)))
        return self.breaks[depth]

    def encoder(self, depth: int):
        while len(self.encoders) <= depth:
            between = "," + self.line(len(self.encoders) + 1)
            self.encoders.append(
                c_make_encoder(None, _refuse, encode_basestring, None, ": ", between, False, False, True)
            )
        return self.encoders[depth]

    def shared(self, value, depth: int) -> str:
        """The text of a container that several parents may hold, written the first time only."""
        key = (id(value), depth)  # every container lives as long as the data: ids are not reused
        text = self.seen.get(key)
        if text is None:
            done: list[str] = []
            self.container(value, depth, done)
            text = self.seen[key] = "".join(done)
        return text

    def container(self, data, depth: int, out: list[str]) -> None:
        """A non-empty dict, list or tuple at `depth` (its opening bracket already indented)."""
        kinds = set(map(type, data.values() if type(data) is dict else data))
        if kinds <= _SCALARS:
            text = "".join(self.encoder(depth)(data, 0))
            out.append(text[0] + self.line(depth + 1) + text[1:-1] + self.line(depth) + text[-1])
            return
        if not kinds <= _SCALARS | _CONTAINERS:
            raise _Other
        if type(data) is not dict and kinds <= _CONTAINERS:  # a list of objects: nothing to encode
            nested = list(data)
            between = "," + self.line(depth + 1)
            pieces = ["[" + self.line(depth + 1), *([between] * (len(nested) - 1)), self.line(depth) + "]"]
        else:
            nested, pieces = self.holes(data, depth)
        out.append(pieces[0])
        for index in range(len(nested)):
            value = nested[index]  # not from a zip: its reused tuple would hold one more reference
            if not value:
                out.append("{}" if type(value) is dict else "[]")
            elif sys.getrefcount(value) > _HELD_ONCE:
                out.append(self.shared(value, depth + 1))
            else:
                self.container(value, depth + 1, out)
            out.append(pieces[index + 1])

    def holes(self, data, depth: int) -> tuple[list, list[str]]:
        """The nested containers of `data` and the text around them, from the C encoder with a
        placeholder in their place (so the text has one piece more than there are containers)."""
        if type(data) is dict:
            keys = [k for k, x in data.items() if type(x) in _CONTAINERS]
            nested = list(map(data.__getitem__, keys))
            data = data.copy()
            data.update(dict.fromkeys(keys, _HOLE))  # the keys keep their places
        else:
            nested = [x for x in data if type(x) in _CONTAINERS]
            data = [_HOLE if type(x) in _CONTAINERS else x for x in data]
        pieces = "".join(self.encoder(depth)(data, 0)).split(_HOLE_TEXT)
        if len(pieces) != len(nested) + 1:  # some text of the data is spelt as the placeholder
            raise _Other
        pieces[0] = pieces[0][0] + self.line(depth + 1) + pieces[0][1:]
        pieces[-1] = pieces[-1][:-1] + self.line(depth) + pieces[-1][-1]
        return nested, pieces
