"""Safe YAML loading with positions.

PyYAML's C parser builds the node tree; our own small constructor turns it into
plain data and refuses everything a hand-written record never needs: tags,
anchors and aliases, duplicate keys, YAML 1.1 booleans such as `yes`, several
documents. Timestamps stay strings so that JSON Schema's `format: date` sees
them. Nothing here raises on bad input: problems come back as findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from . import findings as F
from . import messages, safefs, unicodetext

try:  # libyaml is ~10x faster; the pure-Python parser is a correct fallback
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_BYTES = 256 * 1024
# libyaml's composer and our builder recurse once per nesting level: a hostile file with thousands of
# "[" crashes the interpreter (C stack) or the builder. No real record nests more than a few levels.
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_TAB_INDENT = re.compile(rb"^[ ]*\t", re.MULTILINE)
_DEEP_PREFIX = re.compile(rf"^[ ?:-]{{{MAX_DEPTH},}}", re.MULTILINE)
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_resolver = yaml.resolver.Resolver()
_PLAIN_TAGS: dict[str, str] = {}


def _plain_tag(value: str) -> str:
    """The tag YAML gives an untagged plain scalar (int, bool, null, timestamp or str): it depends on
    the text alone, so the short texts that recur in every record (`free`, `true`, dates) are
    resolved once."""
    tag = _PLAIN_TAGS.get(value)
    if tag is None:
        tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
        if len(value) <= 64 and len(_PLAIN_TAGS) < 50_000:
            _PLAIN_TAGS[value] = tag
    return tag


class _Loader(_SafeLoader):
    """The safe loader, resolving tags as PyYAML's resolver does without path resolvers (none is ever
    registered on it): the composer asks once per node, so the answer is looked up, not worked out."""

    _DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return _plain_tag(value)
        return self._DEFAULT_TAGS.get(kind)

    def descend_resolver(self, current_node, current_index) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


@dataclass
class Document:
    """A loaded file: its data, its node tree for positions, and what went wrong."""

    path: str
    data: Any = None  # the parsed YAML: any shape until the schema has checked it
    findings: list[F.Finding] = field(default_factory=list)
    line_offset: int = 0  # guides: front matter starts after the first `---`
    # Positions are recorded while building, so a Document is plain data that can cross processes.
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    body: str | None = None  # guides: the Markdown after the front matter
    body_line: int = 0  # guides: 1-based line of the file where the body starts

    @property
    def ok(self) -> bool:
        return not any(f.severity == F.ERROR for f in self.findings)

    def position(self, path: tuple) -> tuple[int, int]:
        """1-based (line, column) of the value at `path`, or of its nearest ancestor."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found:
                return found
        return 1 + self.line_offset, 1

    def key_position(self, path: tuple) -> tuple[int, int]:
        """Position of the key naming the last element of `path` (for unknown or duplicate fields)."""
        return self.key_positions.get(path) or self.position(path)


def field_name(path: tuple) -> str:
    """`("dates", "end")` -> `dates.end`; `("zones", 1)` -> `zones[1]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def strings(value, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, text) of every string in a loaded value, in document order."""
    if isinstance(value, str):
        return [(path, value)]
    out: list[tuple[tuple, str]] = []
    _collect_strings(value, path, out)  # one list, not a generator per level: validation walks every record
    return out


def _collect_strings(value, path: tuple, out: list) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            out.append((path + (key,), item))
        elif isinstance(item, (dict, list)):
            _collect_strings(item, path + (key,), out)


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, list[F.Finding]]:
    """The bytes of a regular file; a symlink, FIFO or device is refused, never followed or opened."""
    try:
        return safefs.read_regular(path, MAX_BYTES), []
    except safefs.NotRegular as exc:
        if exc.symlink:
            return None, [F.make("FILE_SYMLINK", shown, 1, 1)]
        if exc.kind == "folder":
            return None, [
                F.make("FILE_UNREADABLE", shown, 1, 1, reason=messages.t("validate.load.is_folder"))
            ]
        return None, [F.make("FILE_NOT_REGULAR", shown, 1, 1, what=exc.what)]
    except safefs.TooLarge as exc:
        return None, [F.make("FILE_TOO_LARGE", shown, 1, 1, size=exc.size // 1024, limit=MAX_BYTES // 1024)]
    except OSError as exc:
        return None, [F.make("FILE_UNREADABLE", shown, 1, 1, reason=safefs.reason(exc))]


def decode(raw: bytes, shown: str) -> tuple[str | None, list[F.Finding]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [F.make("FILE_NOT_UTF8", shown, line, col, offset=exc.start)]
    return text.removeprefix("\ufeff"), []


def load_path(path: Path, shown: str) -> Document:
    raw, problems = read_bytes(path, shown)
    if raw is None:
        return Document(shown, findings=problems)
    return load_bytes(raw, shown)


def load_bytes(raw: bytes, shown: str, line_offset: int = 0) -> Document:
    doc = Document(shown, line_offset=line_offset)
    if len(raw) > MAX_BYTES:
        doc.findings.append(
            F.make("FILE_TOO_LARGE", shown, 1, 1, size=len(raw) // 1024, limit=MAX_BYTES // 1024)
        )
        return doc
    text, problems = decode(raw, shown)
    if text is None:
        doc.findings += problems
        return doc
    return load_text(text, shown, line_offset, raw)


def load_text(text: str, shown: str, line_offset: int = 0, raw: bytes | None = None) -> Document:
    doc = Document(shown, line_offset=line_offset)
    # Most files hold no character that needs a look (a quick byte scan says so), and then no value
    # holds one either unless a YAML escape (a backslash) wrote it.
    suspects = unicodetext.may_hold_suspects(text, raw)
    hidden = unicodetext.scan(text) if suspects and text.strip() else []  # bidi, invisible and control
    root = _root(doc, text, hidden, raw)
    if root is None:
        return doc
    builder = _Builder(doc, look_at_values=suspects or "\\" in text)
    doc.data = builder.build(root, ())
    if hidden or builder.suspects:
        doc.findings += unicodetext.document_findings(doc, hidden, builder.suspects, text)
    if builder.has_alias:
        precise = _alias_findings(text, shown, line_offset)
        if precise:
            doc.findings = [f for f in doc.findings if f.code != "YAML_ALIAS"] + precise
    return doc


def _root(doc: Document, text: str, hidden: list, raw: bytes | None) -> yaml.MappingNode | None:
    """The mapping at the root of the document, or None with the finding that stops it in `doc`."""
    shown, line_offset = doc.path, doc.line_offset
    if not text.strip():
        doc.findings.append(F.make("FILE_EMPTY", shown, 1 + line_offset, 1))
        return None
    if hidden and unicodetext.yaml_unreadable(text):  # the parser would stop at 1:1 without a name
        doc.findings += unicodetext.document_findings(doc, hidden, [])
        return None
    layout = _layout_finding(text, shown, line_offset, raw)
    if layout is not None:
        doc.findings.append(layout)
        return None
    root, problems = _compose(text, shown, line_offset)
    if problems:
        doc.findings += problems
        return None
    if root is None:
        doc.findings.append(F.make("FILE_EMPTY", shown, 1 + line_offset, 1))
        return None
    if not isinstance(root, yaml.MappingNode):
        doc.findings.append(_not_mapping(root, shown, line_offset))
        return None
    return root


def _not_mapping(root: yaml.Node, shown: str, line_offset: int) -> F.Finding:
    found = messages.t(
        "validate.load.found.list" if isinstance(root, yaml.SequenceNode) else "validate.load.found.scalar"
    )
    line, col = root.start_mark.line + 1, root.start_mark.column + 1
    return F.make("YAML_NOT_MAPPING", shown, line + line_offset, col, found=found)


def _layout_finding(text: str, shown: str, line_offset: int, raw: bytes | None) -> F.Finding | None:
    """A tab in the indentation or nesting past MAX_DEPTH: checked before the parser sees the text."""
    if "\t" in text:
        raw = raw if raw is not None else text.encode("utf-8")
        match = _TAB_INDENT.search(raw)
        if match:
            line = raw.count(b"\n", 0, match.start()) + 1
            return F.make("YAML_TAB", shown, line + line_offset, match.end() - match.start())
    too_deep = _too_deep(text)
    if too_deep:
        return F.make("YAML_TOO_DEEP", shown, too_deep[0] + line_offset, too_deep[1], limit=MAX_DEPTH)
    return None


def _compose(text: str, shown: str, line_offset: int) -> tuple[yaml.Node | None, list[F.Finding]]:
    """The node tree of the one document in `text`, or the findings that stop it (none, several,
    a syntax error)."""
    loader = _Loader(text)
    try:
        if not loader.check_node():
            return None, [F.make("FILE_EMPTY", shown, 1 + line_offset, 1)]
        root = loader.get_node()
        if loader.check_node():
            extra = loader.get_node()
            line = extra.start_mark.line + 1 if extra is not None else 1
            return None, [F.make("YAML_MULTIPLE_DOCUMENTS", shown, line + line_offset, 1)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_finding(exc, text, shown, line_offset)]
    except yaml.YAMLError as exc:  # reader errors (control characters) have no problem_mark
        return None, [F.make("YAML_SYNTAX", shown, 1 + line_offset, 1, problem=_italian_problem(str(exc)))]
    finally:
        loader.dispose()
    return root, []


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, shown: str, line_offset: int) -> F.Finding:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = _italian_problem(exc.problem or exc.context or "")
    unclosed = _unclosed_quote(text, line)
    if unclosed:
        line, col, problem = unclosed, 1, messages.t("validate.load.problem.unclosed_quote")
    return F.make("YAML_SYNTAX", shown, line + line_offset, col, problem=problem)


def _alias_findings(text: str, shown: str, line_offset: int) -> list[F.Finding]:
    """One finding per line holding an alias (`*name`): an expansion bomb repeats many on a line."""
    out, lines = [], set()
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark  # always set by the parser (the stub allows None)
        if isinstance(event, yaml.AliasEvent) and mark is not None and mark.line not in lines:
            lines.add(mark.line)
            out.append(F.make("YAML_ALIAS", shown, mark.line + 1 + line_offset, mark.column + 1))
    return out


_QUOTED_START = re.compile(r'^\s*(?:-\s+)?[\w-]+:\s*"')


def _unclosed_quote(text: str, error_line: int) -> int | None:
    """The line that opens a double-quoted value and never closes it, before `error_line`.

    libyaml reads such a value across lines and fails far below, where the next quote closes it.
    """
    for number, line in enumerate(text.splitlines()[: error_line - 1], start=1):
        if _QUOTED_START.match(line) and line.replace('\\"', "").count('"') % 2 == 1:
            return number
    return None


def _too_deep(text: str) -> tuple[int, int] | None:
    """Position where nesting passes MAX_DEPTH, or None. Cheap bound first; the event scan is rare."""
    if text.count("[") + text.count("{") < MAX_DEPTH and not _DEEP_PREFIX.search(text):
        return None
    depth = 0
    try:
        # The event parser is iterative; stopping early also avoids libyaml's slow deep flow parsing.
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH and event.start_mark is not None:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return None  # the normal path reports the syntax error
    return None


# libyaml's English problem (a part of it) and the key of its plain explanation under `validate.load.problem`.
_PROBLEMS = {
    "mapping values are not allowed": "colon",
    "could not find expected ':'": "no_colon",
    "found character that cannot start any token": "bad_start",
    "found unexpected end of stream": "stream_end",
    "did not find expected key": "key_indent",
    "did not find expected '-' indicator": "list_indent",
    "found undefined alias": "undefined_alias",
    "expected <block end>, but found '-'": "dash",
}


def _italian_problem(problem: str) -> str:
    for english, key in _PROBLEMS.items():
        if english in problem:
            return messages.t(f"validate.load.problem.{key}")
    if "special characters are not allowed" in problem or "control characters" in problem:
        return messages.t("validate.load.problem.control")
    return messages.t("validate.load.problem.unknown")


class _Builder:
    """Turn a composed node tree into plain data, recording problems as findings."""

    def __init__(self, doc: Document, look_at_values: bool = True):
        self.doc = doc
        self.seen: set[int] = set()
        self.has_alias = False
        self.suspects: list[tuple[tuple, str]] = []  # strings holding a possibly refused character
        self.suspect = unicodetext.suspect if look_at_values else _never
        self.positions, self.key_positions = doc.positions, doc.key_positions
        self.first_line = 1 + doc.line_offset  # a mark's line is 0-based, in the text given

    def _find(self, code: str, node: yaml.Node, path: tuple, **params) -> None:
        line = node.start_mark.line + 1 + self.doc.line_offset
        self.doc.findings.append(
            F.make(code, self.doc.path, line, node.start_mark.column + 1, field_name(path), **params)
        )

    def _alias(self, node: yaml.Node, path: tuple) -> None:
        # The composed node of an alias carries the anchor's position: the aliases are located
        # afterwards from the event stream (see _alias_findings).
        if not self.has_alias:
            self.has_alias = True
            self._find("YAML_ALIAS", node, path)  # replaced by the precise ones when there are any

    def build(self, node: yaml.Node, path: tuple):
        # The C composer resolves an alias to the very node it names, so a node met twice is an alias.
        if id(node) in self.seen:
            self._alias(node, path)
            return None
        self.seen.add(id(node))
        mark = node.start_mark
        self.positions[path] = (mark.line + self.first_line, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._find("YAML_TAG", node, path, tag=node.tag)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._find("YAML_TAG", node, path, tag=node.tag)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(cast(yaml.ScalarNode, node), path)  # the composer makes only these three kinds

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        out: dict = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._alias(key_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "…"
                self._find("YAML_KEY_NOT_TEXT", key_node, path, key=shown)
                continue
            key = key_node.value
            child = path + (key,)
            if self.suspect(key):  # an escaped control character in a key names a field too
                self.suspects.append((child, key))
            if key in first_line:
                self._find("YAML_DUPLICATE_KEY", key_node, child, key=key, first_line=first_line[key])
                continue
            mark = key_node.start_mark
            line = first_line[key] = mark.line + self.first_line
            self.key_positions[child] = (line, mark.column + 1)
            out[key] = self.build(value_node, child)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: tuple):
        value = node.value
        implicit = _STR if node.style else _plain_tag(value)
        if node.tag != implicit:
            self._find("YAML_TAG", node, path, tag=node.tag)
            return value
        tag = node.tag
        if tag == _STR or tag == _TIMESTAMP:
            if self.suspect(value):
                self.suspects.append((path, value))
            return unicodetext.nfc(value)  # one spelling of "è" for the site, the search and comparisons
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return self._boolean(node, path)
        if tag == _INT:
            return _integer(value)
        if tag == _FLOAT:
            return _float(value)
        return value

    def _boolean(self, node: yaml.ScalarNode, path: tuple):
        """Only true and false: yes, no, on, off (YAML 1.1 booleans) stay text, with a finding."""
        lowered = node.value.lower()
        if lowered not in ("true", "false"):
            self._find("YAML_AMBIGUOUS_BOOLEAN", node, path, value=node.value)
            return node.value
        return lowered == "true"


def _never(value: str) -> bool:
    return False


def _integer(value: str) -> int | str:
    text = value.replace("_", "")
    try:
        # Leading zeros (phone numbers, CAP) would be octal in YAML 1.1: keep them as text
        # so the schema reports a type error instead of a silently changed number.
        if re.fullmatch(r"[-+]?(0|[1-9][0-9]*)", text):
            return int(text)
        return value
    except ValueError:
        return value


def _float(value: str) -> float | str:
    try:
        number = float(value.replace("_", ""))
    except ValueError:
        return value
    return number if number == number and number not in (float("inf"), float("-inf")) else value
