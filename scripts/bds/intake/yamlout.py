"""Writing a record as YAML that a person can read and the strict loader accepts.

Every string is quoted (double quotes, JSON-style escapes, which YAML shares), so
phone numbers, language codes, dates and words like `no` stay text. Multi-line
text uses a literal block so a reviewer reads the Markdown as written. The web
form's JavaScript (assets/form.js) follows the same rules.
"""

from __future__ import annotations

import json
import re

# Characters PyYAML refuses even inside quotes, plus line separators YAML would fold.
_UNSAFE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BLOCK_UNSAFE = re.compile("[\t\r\x85\u2028\u2029]")


def quote(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000 else "\ufffd", out)


def _block_ok(text: str) -> bool:
    return (
        "\n" in text
        and not _BLOCK_UNSAFE.search(text)
        and not _UNSAFE.search(text)
        and not text[:1].isspace()
        and text == text.rstrip()
    )


def _scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return quote(str(value))


def dump(record: dict, order: list[str] | None = None, indent: str = "") -> str:
    """The record as YAML text, keys in `order` (schema order) first."""
    order = order or []
    keys = [k for k in order if k in record] + [k for k in record if k not in order]
    lines: list[str] = []
    for key in keys:
        lines += _entry(key, record[key], indent)
    return "\n".join(lines) + "\n"


def _entry(key: str, value, indent: str) -> list[str]:
    """The lines of one key: a nested mapping, a list, a block of text or a scalar."""
    if isinstance(value, dict):
        return [f"{indent}{key}:", dump(value, list(value), indent + "  ").rstrip("\n")]
    if isinstance(value, list):
        return [f"{indent}{key}:"] + [f"{indent}  - {_scalar(item)}" for item in value]
    if isinstance(value, str) and _block_ok(value):
        return [f"{indent}{key}: |-"] + [f"{indent}  {line}" if line else "" for line in value.split("\n")]
    return [f"{indent}{key}: {_scalar(value)}"]
