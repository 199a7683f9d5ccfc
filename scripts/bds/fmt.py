"""One canonical form for records: key order of the schema, 2-space block style, safe quoting.

Text with line breaks (Markdown) becomes a literal block `|`, long single-line text a folded
block `>-` wrapped at WIDTH; anything YAML 1.1 could misread (yes, 2026-09-01, 0123) is quoted.
`dump(data, kind)` writes plain data (what `bds.load` returns) back as YAML; `format_text` does
the whole round trip for one file and refuses when the result would not load to the same data.
PyYAML drops comments, so only a header of comment lines at the top of a file is kept; a file with
comments anywhere else is refused unless the caller accepts to drop them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from . import load, messages, schema

WIDTH = 100  # folded text is wrapped at this column
FLOW_WIDTH = 120  # a short list stays on one line up to this column (yamllint allows 130)
_STR = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")
_NUMBER_LIKE = re.compile(r"[-+]?(?:\.?[0-9][0-9_.,:eExXoObB+-]*|\.(?:inf|nan|Inf|NaN|INF|NAN))")
_HEADER = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FLOW_UNSAFE = set(",[]{}")


class FormatRefused(Exception):
    """The file cannot be rewritten safely; the message is Italian and names the reason."""


@dataclass
class Formatted:
    text: str
    changed: bool


# -- emitting ---------------------------------------------------------------------------------------


def _bare_layout(text: str) -> bool:
    """One line, no surrounding space, no leading indicator."""
    return bool(text) and text == text.strip() and "\n" not in text and not text.startswith(_INDICATORS)


def _syntax_inside(text: str) -> bool:
    """A mapping separator, a comment, a trailing colon or a tab: YAML would read it as syntax."""
    return ": " in text or " #" in text or text.endswith(":") or "\t" in text


def _control_inside(text: str) -> bool:
    return any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\ufeff\u2028\u2029" for c in text)


def _plain_ok(text: str) -> bool:
    if not _bare_layout(text) or _syntax_inside(text) or _control_inside(text):
        return False
    if _NUMBER_LIKE.fullmatch(text):
        return False  # 0212345678 is text for YAML 1.1 but a number for YAML 1.2 tools and for readers
    return _resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR


def _printable(c: str) -> bool:
    o = ord(c)
    # NEL and the Unicode line separators are line breaks for YAML 1.1: escape them too.
    if o in (0x85, 0x2028, 0x2029):
        return False
    return (
        0x20 <= o <= 0x7E
        or o in (0x09, 0x0A, 0x0D)
        or 0xA0 <= o <= 0xD7FF
        or 0xE000 <= o <= 0xFFFD
        and o != 0xFEFF
        or 0x10000 <= o <= 0x10FFFF
    )


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar once YAML's non-printable characters are escaped.
    out = json.dumps(text, ensure_ascii=False)
    if all(_printable(c) for c in out):
        return out
    return "".join(
        c if _printable(c) else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") for c in out
    )


def _number(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text and "." not in text:  # YAML 1.1 floats need a dot: 1e+20 would load as text
        text = text.replace("e", ".0e")
    return text


def _block_ok(text: str) -> bool:
    """Text that a block scalar can hold exactly."""
    if not text.strip() or text[0] in " \n" or "\t" in text or "\r" in text:
        return False
    return not any(ord(c) < 32 and c != "\n" or c in "\ufeff\u2028\u2029\x85" for c in text)


def _literal(text: str, indent: int) -> list[str] | None:
    if not _block_ok(text):
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    if any(line != line.rstrip(" ") for line in body.split("\n")):
        return None  # trailing spaces would survive, but editors and yamllint strip them
    pad = " " * indent
    lines = [f"|{chomp}"] + [pad + line if line else "" for line in body.split("\n")]
    lines += [""] * (trailing - 1 if trailing > 1 else 0)
    return lines


def _folded(text: str, indent: int) -> list[str] | None:
    if not _block_ok(text) or "\n" in text or "  " in text or text.endswith(" "):
        return None
    words = text.split(" ")
    pad = " " * indent
    lines, current = [], ""
    for word in words:
        if current and len(pad) + len(current) + 1 + len(word) > WIDTH:
            lines.append(pad + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(pad + current)
    return [">-"] + lines


def _scalar(value, path: tuple, indent: int, room: int, node: dict | None = None) -> list[str]:
    """The scalar as a first fragment (after `key: `) plus any following lines."""
    if value is None:
        return ["null"]
    if isinstance(value, (bool, int, float)):
        return [_number(value)]
    text = str(value)
    if (node or {}).get("format") == "date" and _ISO_DATE.fullmatch(text):
        return [text]  # bds.load keeps timestamps as text, and people write dates unquoted
    block = _block(text, indent, room)
    if block:
        return block
    # Text starting with a digit or "+" (phone numbers, codes) is quoted, as the schema asks people to.
    return [text] if _plain_ok(text) and not text[:1].isdigit() and text[:1] != "+" else [_quoted(text)]


def _block(text: str, indent: int, room: int) -> list[str] | None:
    """Text of several lines as a literal block, a long line folded; None when neither loads back."""
    if "\n" in text:
        block = _literal(text, indent)
    elif len(text) > room:
        block = _folded(text, indent)
    else:
        return None
    return block if block and _loads_back(block, text) else None


def _flow_list(items: list, indent: int) -> str | None:
    """`[a, b, c]` for a short list of plain words, which reads better than one item per line."""
    if not all(isinstance(i, str) and _plain_ok(i) and not _FLOW_UNSAFE & set(i) for i in items):
        return None
    if any(i[:1].isdigit() or i[:1] == "+" for i in items):
        return None
    text = "[" + ", ".join(items) + "]"
    return text if indent + len(text) <= FLOW_WIDTH else None


def _loads_back(block: list[str], text: str) -> bool:
    try:
        return yaml.load("k: " + "\n".join(block) + "\n", Loader=load._Loader) == {"k": text}
    except yaml.YAMLError:
        return False


def _key(key: str) -> str:
    return key if _plain_ok(key) else _quoted(key)


def _order(data: dict, node: dict) -> list:
    known = list(node.get("properties", {}))
    return [k for k in known if k in data] + [k for k in data if k not in known]


def _child_schema(node: dict, key) -> dict:
    if isinstance(key, int):
        return node.get("items", {}) if isinstance(node.get("items"), dict) else {}
    return node.get("properties", {}).get(key, {})


def _mapping(data: dict, node: dict, path: tuple, indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for key in _order(data, node):
        value, sub, here = data[key], _child_schema(node, key), path + (key,)
        head = f"{pad}{_key(key)}:"
        if isinstance(value, dict):
            out += [head + " {}"] if not value else [head] + _mapping(value, sub, here, indent + 2)
        elif isinstance(value, list):
            flow = _flow_list(value, len(head) + 1) if value else "[]"
            out += [f"{head} {flow}"] if flow else [head] + _sequence(value, sub, here, indent + 2)
        else:
            first, *rest = _scalar(value, here, indent + 2, WIDTH - len(head) - 1, sub)
            out += [f"{head} {first}", *rest]
    return out


def _sequence(items: list, node: dict, path: tuple, indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for i, item in enumerate(items):
        sub, here = _child_schema(node, i), path + (i,)
        if isinstance(item, dict) and item:
            lines = _mapping(item, sub, here, indent + 2)
            out += [f"{pad}- {lines[0].lstrip()}", *lines[1:]]
        elif isinstance(item, (dict, list)):
            out.append(f"{pad}- {_flow(item)}")  # lists in lists: rare, flow style keeps it simple
        else:
            first, *rest = _scalar(item, here, indent + 2, WIDTH - indent - 2)
            out += [f"{pad}- {first}", *rest]
    return out


def _flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_quoted(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "null"
    return _quoted(value) if isinstance(value, str) else _number(value)


def dump(data: dict, kind: str) -> str:
    """Canonical YAML text of a record of `kind`."""
    return "\n".join(_mapping(data, schema.load_schema(kind), (), 0)) + "\n"


# -- comments ---------------------------------------------------------------------------------------


def split_header(text: str) -> tuple[str, str]:
    """Leading blank and comment lines (kept verbatim) and the rest."""
    match = _HEADER.match(text)
    if not match:
        return "", text
    return match.group(0), text[match.end() :]


def has_comments(text: str) -> bool:
    """True when a `#` outside any scalar starts a comment (PyYAML would drop it)."""
    if "#" not in text:
        return False
    spans = []
    try:
        for token in yaml.scan(text, Loader=load._Loader):
            if isinstance(token, yaml.ScalarToken):
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        return True  # cannot tell: be safe
    return any(not any(a <= m.start() < b for a, b in spans) for m in re.finditer("#", text))


# -- one file ---------------------------------------------------------------------------------------


def format_text(text: str, kind: str, drop_comments: bool = False) -> Formatted:
    """The canonical form of a record's text; raises FormatRefused when that is not safe."""
    if kind == "guide":
        return _format_guide(text, drop_comments)
    result = _format_yaml(text, kind, drop_comments)
    return Formatted(result, result != text)


def _format_yaml(text: str, kind: str, drop_comments: bool) -> str:
    header, rest = split_header(text)  # comment lines at the top are kept as they are
    if has_comments(rest) and not drop_comments:
        raise FormatRefused(messages.t("validate.fmt.comments"))
    doc = load.load_text(text, "x")
    if not doc.ok or not isinstance(doc.data, dict):
        raise FormatRefused(messages.t("validate.fmt.syntax"))
    result = header + dump(doc.data, kind)
    again = load.load_text(result, "x")
    if not again.ok or again.data != doc.data:
        raise FormatRefused(messages.t("validate.fmt.not_same_data"))
    return result


def _format_guide(text: str, drop_comments: bool) -> Formatted:
    if not text.startswith("---\n"):
        raise FormatRefused(messages.t("validate.fmt.no_front_matter"))
    end = text.find("\n---\n", 4)
    if end == -1:
        raise FormatRefused(messages.t("validate.fmt.front_matter_open"))
    front = _format_yaml(text[4 : end + 1], "guide", drop_comments)
    result = "---\n" + front + text[end + 1 :]
    return Formatted(result, result != text)
