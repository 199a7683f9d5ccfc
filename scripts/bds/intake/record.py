"""From what a person typed (issue body, spreadsheet cell) to a validated record.

`parse_value` turns one text into the schema's type, accepting the Italian labels
as well as the codes; `check` validates the finished record with the same
validator as `bds validate`, against the project's partners, zones and other
listings, and returns findings located by field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace

from .. import findings as F
from .. import load, rules
from .. import schema as S
from ..content import Content
from ..messages import t
from . import yamlout
from .fields import KIND, Field, choices_for

_DATE_IT = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
# Answers as people type them (matched, never shown); GitHub writes an empty answer «_No response_».
_TRUE = {"true", "vero", "si", "sì", "x", "1", "yes"}  # msg-ok: words read from answers, not shown
_FALSE = {"false", "falso", "no", "0", ""}
EMPTY = {"", "_no response_", "nessuna risposta", "-", "—"}  # msg-ok: GitHub's empty answer, read not shown


@dataclass
class Problem:
    """A value that could not be read: a registry code and its parameters, on one field."""

    field: Field
    code: str
    params: dict

    def message(self) -> str:
        return F.make(self.code, "", 0, 0, **self.params).message


def slug(text: str, limit: int = 60) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _choice(text: str, choices: list[tuple[str, str]]) -> str | None:
    wanted = _fold(text)
    for value, label in choices:
        if wanted in (_fold(value), _fold(label)):
            return value
    return None


def split_list(text: str, choices: list[tuple[str, str]] | None = None) -> list[str]:
    """Items separated by `;`, `,` or new lines; labels that contain a comma are kept whole."""
    parts = [p.strip() for p in re.split(r"[;,\n]", text)]
    parts = [p.removeprefix("- ").strip() for p in parts if p.strip()]
    if not choices:
        return parts
    out, pending = [], ""
    for part in parts:
        joined = f"{pending}, {part}" if pending else part
        if _whole(joined, choices):
            out.append(joined)
            pending = ""
        else:
            pending = joined
    if pending:
        out.append(pending)
    return out


def _whole(joined: str, choices: list[tuple[str, str]]) -> bool:
    """Whether `joined` is a whole item: a choice, or the start of no label (a comma inside one)."""
    return _choice(joined, choices) is not None or not any(
        _fold(label).startswith(_fold(joined)) for _, label in choices
    )


def parse_date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = _DATE_IT.match(text)
    if match:  # Italian spreadsheets write 15/09/2026
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(text).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _number(value, integer: bool):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip().replace("€", "").replace("euro", "").strip()
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):  # 1.200,50
            text = text.replace(".", "")
        text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    if integer:
        return int(number) if float(number).is_integer() else None
    return int(number) if float(number).is_integer() else float(number)


def forbidden_character(text: str) -> dict | None:
    """The first invisible or control character of a typed answer, as finding parameters, or None.

    Refused: control characters other than newline and tab (C0, C1, DEL), format characters
    (bidi controls U+202A-202E and U+2066-2069, zero-width U+200B-200D, U+2060, U+FEFF, soft
    hyphen...), line and paragraph separators U+2028/2029, surrogates, private-use characters and
    non-characters (U+FFFE, U+FFFF, U+FDD0-FDEF). The text is expected with newlines as «\\n».
    """
    for index, char in enumerate(text):
        if char in "\n\t":
            continue
        code = ord(char)
        category = unicodedata.category(char)
        if (
            category in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
            or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE
        ):
            before = text[:index]
            return {
                "name": unicodedata.name(char, t("intake.control_char")),
                "codepoint": f"U+{code:04X}",
                "at_line": before.count("\n") + 1,
                "at_column": index - before.rfind("\n"),
            }
    return None


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and _fold(value) in EMPTY)


def parse_value(f: Field, raw, lists: dict) -> tuple[object, Problem | None]:
    """The typed value of `raw` for field `f`, or a Problem. `raw` is never empty here."""
    parse = _PARSERS.get(f.widget, _parse_text)
    return parse(f, raw, choices_for(f, lists))


def _parse_one_of(f: Field, raw, choices) -> tuple[object, Problem | None]:
    text = str(raw).strip()
    value = _choice(text, choices)
    if value is not None:
        return value, None
    if f.source == "partners":
        return text, Problem(f, "PARTNER_UNKNOWN", {"value": text})
    return text, Problem(f, "VALUE_NOT_ALLOWED", {"title": f.title, "allowed": _allowed(choices)})


def _parse_many_of(f: Field, raw, choices) -> tuple[object, Problem | None]:
    values = []
    for item in split_list(str(raw), choices):
        value = _choice(item, choices)
        if value is None:
            return None, _not_a_choice(f, item, choices)
        if value not in values:
            values.append(value)
    return values, None


def _not_a_choice(f: Field, item: str, choices) -> Problem:
    if f.source == "zones":
        return Problem(f, "ZONE_UNKNOWN", {"value": item, "allowed": ", ".join(v for v, _ in choices)})
    return Problem(f, "VALUE_NOT_ALLOWED", {"title": f.title, "allowed": _allowed(choices)})


def _parse_list(f: Field, raw, choices) -> tuple[object, Problem | None]:
    return split_list(str(raw)), None


def _parse_date(f: Field, raw, choices) -> tuple[object, Problem | None]:
    value = parse_date(raw)
    return (value, None) if value else (None, Problem(f, "DATE_INVALID", {"title": f.title}))


def _parse_number(f: Field, raw, choices) -> tuple[object, Problem | None]:
    value = _number(raw, f.widget == "integer")
    if value is None:
        expected = t("intake.expected.integer" if f.widget == "integer" else "intake.expected.number")
        return None, Problem(f, "FIELD_TYPE", {"title": f.title, "expected": expected})
    return value, None


def _parse_choice_or_number(f: Field, raw, choices) -> tuple[object, Problem | None]:
    value = _choice(str(raw).strip(), choices)
    if value is not None:
        return value, None
    value = _number(raw, False)
    if value is None:
        expected = f.schema.get("x-expected", _allowed(choices))
        return None, Problem(f, "VALUE_FORMAT", {"title": f.title, "expected": expected})
    return value, None


def _parse_boolean(f: Field, raw, choices) -> tuple[object, Problem | None]:
    text = _fold(raw) if not isinstance(raw, bool) else str(raw).lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, Problem(f, "FIELD_TYPE", {"title": f.title, "expected": t("intake.expected.yes_no")})


def _parse_text(f: Field, raw, choices) -> tuple[object, Problem | None]:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a phone number typed in a spreadsheet cell
    return str(raw).strip(), None


_PARSERS = {
    "select": _parse_one_of,
    "radio": _parse_one_of,
    "checkboxes": _parse_many_of,
    "list": _parse_list,
    "date": _parse_date,
    "integer": _parse_number,
    "number": _parse_number,
    "choice-or-number": _parse_choice_or_number,
    "boolean": _parse_boolean,
}


def _allowed(choices) -> str:
    return ", ".join(f"{v} ({label})" if label != v else v for v, label in choices)


def build(values: dict[str, object]) -> dict:
    """Dotted field names -> nested record; empty values left out."""
    record: dict = {}
    for name, value in values.items():
        if value is None or value == [] or value == "":
            continue
        parts = name.split(".")
        node = record
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return record


def to_yaml(record: dict) -> str:
    order = list(S.load_schema(KIND)["properties"])
    return yamlout.dump(record, order)


def check(
    record: dict, content: Content, today: dt.date, replacing: str | None = None
) -> tuple[str, list[F.Finding]]:
    """YAML text of the record and the findings of the real validator on it (errors and warnings).

    `content` is the project as loaded; the record is checked as if it were
    `opportunities/<id>.yml`, replacing that file when `replacing` names it.
    """
    record_id = record.get("id") if isinstance(record.get("id"), str) else "scheda"
    shown = f"opportunities/{record_id}.yml"
    text = to_yaml(record)
    doc = load.load_text(text, shown)
    if doc.ok and isinstance(doc.data, dict):
        doc.findings += S.validate(doc, KIND)
    found = list(doc.findings)
    if doc.ok:
        others = {k: v for k, v in content.opportunities.items() if k not in (shown, replacing)}
        view = replace(
            content,
            opportunities={**others, shown: doc},
            kinds={shown: "opportunity"},
            glossary=None,
            guides={},
        )
        found += [f for f in rules.check(view, today) if f.file == shown]
    return text, found


def column_title(finding: F.Finding, titles: dict[str, str]) -> str:
    """The Italian title of the field a finding is about (a spreadsheet column, an issue section)."""
    name = re.sub(r"\[\d+\]", "", finding.field)
    if finding.code == "FIELD_REQUIRED":
        match = re.search(r"\(([^()]+)\)\.$", finding.message)
        if match:
            candidate = f"{name}.{match.group(1)}" if name else match.group(1)
            if candidate in titles:
                return titles[candidate]
            return S.title_for(KIND, tuple(candidate.split(".")))
    if name in titles:
        return titles[name]
    prefix = [t for n, t in titles.items() if n.startswith(name + ".")] if name else []
    return prefix[0] if prefix else "—"
