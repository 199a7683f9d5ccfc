"""Findings as data, and the single registry of their codes.

Every problem the kit can report has a stable code, a severity, an Italian title,
an Italian message template and a hint on how to fix it. Tests compare codes and
positions; the catalogue page of the site is generated from `REGISTRY`.

The texts live in the message catalogue (data/messages/it.yml): `codes.<CODE>.title`,
`codes.<CODE>.template` and `codes.<CODE>.hint`, and the group titles in `validate.groups.<group>`.
The territory's words ({coordinator}, {unit_the}...) are filled in when the registry is built; the
other placeholders of a template are filled by `make`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from dataclasses import field as _field  # `field` is also a Finding attribute

from . import lazy, messages

ERROR = "error"
WARNING = "warning"


class _SeverityLabels(Mapping[str, str]):
    """`SEVERITY_LABEL[severity]`: the word a report prints («errore», «avviso»), read when it is asked."""

    def __getitem__(self, severity: str) -> str:
        if severity not in (ERROR, WARNING):
            raise KeyError(severity)
        return messages.t(f"common.severity.{severity}")

    def __iter__(self) -> Iterator[str]:
        return iter((ERROR, WARNING))

    def __len__(self) -> int:
        return 2


SEVERITY_LABEL: Mapping[str, str] = _SeverityLabels()


@dataclass(frozen=True)
class Code:
    """One registered code. The outcome-data registry (`outcomes/codes.py`) uses this class too."""

    code: str
    severity: str
    title: str
    template: str
    hint: str
    group: str
    command: str = "validate"  # the command that reports it (build and publish validate first, too)


# The command that reports a group's codes, for `bds codes`; a group not named here is validate's.
_GROUP_COMMAND = {
    "import": "import",
    "format": "fmt",
    "issue_form": "intake issue-form",  # msg-ok: a command's name
}

# Every content code in catalogue order: (group, code, severity). The texts are in the message catalogue:
# `codes.<CODE>.title|template|hint` and the group's title `validate.groups.<group>`; a template keeps its
# {placeholders}, filled by `make`. A group may come back later in the table: its codes join its first table.
_TABLE: tuple[tuple[str, str, str], ...] = (
    # -- The file itself
    ("file", "FILE_UNREADABLE", ERROR),
    ("file", "FILE_TOO_LARGE", ERROR),
    ("file", "FILE_NOT_UTF8", ERROR),
    ("file", "FILE_EMPTY", ERROR),
    ("file", "FILE_NAME_INVALID", ERROR),
    ("file", "YAML_SYNTAX", ERROR),
    ("file", "YAML_TAB", ERROR),
    ("file", "YAML_DUPLICATE_KEY", ERROR),
    ("file", "YAML_MULTIPLE_DOCUMENTS", ERROR),
    ("file", "YAML_NOT_MAPPING", ERROR),
    ("file", "YAML_TAG", ERROR),
    ("file", "YAML_ALIAS", ERROR),
    ("file", "YAML_TOO_DEEP", ERROR),
    ("file", "YAML_AMBIGUOUS_BOOLEAN", ERROR),
    ("file", "YAML_KEY_NOT_TEXT", ERROR),
    ("file", "FRONT_MATTER_MISSING", ERROR),
    # -- One record against its schema
    ("fields", "FIELD_REQUIRED", ERROR),
    ("fields", "FIELD_UNKNOWN", ERROR),
    ("fields", "FIELD_TYPE", ERROR),
    ("fields", "VALUE_NOT_ALLOWED", ERROR),
    ("fields", "VALUE_FORMAT", ERROR),
    ("fields", "DATE_INVALID", ERROR),
    ("fields", "URL_SCHEME", ERROR),
    ("fields", "ID_FORMAT", ERROR),
    ("fields", "VALUE_TOO_SHORT", ERROR),
    ("fields", "VALUE_TOO_LONG", ERROR),
    ("fields", "VALUE_OUT_OF_RANGE", ERROR),
    ("fields", "VALUE_REPEATED", ERROR),
    ("fields", "VALUE_INVALID", ERROR),
    ("fields", "HTML_NOT_ALLOWED", ERROR),
    # -- Rules across records
    ("records", "ID_MISMATCH", ERROR),
    ("records", "ID_DUPLICATE", ERROR),
    ("records", "PARTNER_UNKNOWN", ERROR),
    ("records", "ZONE_UNKNOWN", ERROR),
    ("records", "NETWORK_UNKNOWN", ERROR),
    ("records", "SERVICE_UNKNOWN", ERROR),
    ("records", "DATE_ORDER", ERROR),
    ("records", "DEADLINE_AFTER_END", ERROR),
    ("records", "HOUSING_ADDRESS_PUBLIC", ERROR),
    ("records", "CONTACT_MISSING", ERROR),
    ("records", "STIPEND_NOT_INTERNSHIP", ERROR),
    ("records", "GLOSSARY_DUPLICATE", ERROR),
    # -- Warnings
    ("warnings", "LISTING_EXPIRED", WARNING),
    ("warnings", "REVIEW_STALE", WARNING),
    ("warnings", "SUMMARY_HARD_TO_READ", WARNING),
    ("warnings", "WORDING_STIGMATISING", WARNING),
    # -- Hardening: protected places (issue 10)
    ("protected", "PROTECTED_ADDRESS_FIELD", ERROR),
    ("protected", "PROTECTED_PLACE_PUBLIC", ERROR),
    ("protected", "PROTECTED_TEXT_ADDRESS", ERROR),
    ("protected", "PROTECTED_TEXT_COORDINATES", ERROR),
    ("protected", "PROTECTED_TEXT_MAP_LINK", ERROR),
    ("protected", "PARTNER_ADDRESS_PROTECTED", ERROR),
    ("protected", "PROTECTED_AT_PUBLIC_SEAT", ERROR),
    # -- Hardening: text hygiene and dates (issue 10)
    ("text", "TEXT_BIDI_CONTROL", ERROR),
    ("text", "TEXT_INVISIBLE_CHAR", ERROR),
    ("text", "TEXT_CONTROL_CHAR", ERROR),
    ("text", "TEXT_NONCHARACTER", ERROR),
    ("text", "TEXT_LINE_SEPARATOR", ERROR),
    ("text", "PARTNER_NAME_DUPLICATE", WARNING),
    ("text", "PARTNER_NAME_CONFUSABLE", WARNING),
    ("text", "PARTNER_NAME_MIXED_SCRIPT", WARNING),
    ("text", "DATE_TOO_EARLY", ERROR),
    ("text", "DATE_TOO_FAR", ERROR),
    ("text", "REVIEWED_IN_FUTURE", ERROR),
    ("text", "IMAGE_NOT_LOCAL", ERROR),
    ("text", "MARKDOWN_TOO_DEEP", ERROR),
    ("text", "MARKDOWN_BLOCK_TOO_LONG", ERROR),
    # -- Hardening: files, folders and configuration (issue 10)
    ("site_files", "FILE_SYMLINK", ERROR),
    ("site_files", "FILE_NOT_REGULAR", ERROR),
    ("site_files", "FOLDER_SYMLINK", ERROR),
    ("site_files", "FOLDER_NOT_FOLDER", ERROR),
    ("site_files", "FOLDER_UNREADABLE", ERROR),
    ("site_files", "FILE_EXTENSION", ERROR),
    ("site_files", "FILE_NAME_RESERVED", ERROR),
    ("site_files", "FILE_NAME_CASE_CLASH", ERROR),
    ("site_files", "CONFIG_SYNTAX", ERROR),
    ("site_files", "CONFIG_EMPTY", ERROR),
    ("site_files", "CONFIG_NOT_MAPPING", ERROR),
    ("site_files", "CONFIG_TAG", ERROR),
    ("site_files", "CONFIG_ALIAS", ERROR),
    ("site_files", "CONFIG_THIRD_PARTY", ERROR),
    ("site_files", "CONFIG_PATH_OUTSIDE", ERROR),
    # -- Hardening: import, intake and spreadsheets (issue 10)
    ("import", "IMPORT_FILE_TOO_LARGE", ERROR),
    ("import", "IMPORT_TOO_MANY_ROWS", ERROR),
    ("import", "IMPORT_TOO_MANY_COLUMNS", ERROR),
    ("import", "IMPORT_XLSX_UNSAFE", ERROR),
    ("import", "IMPORT_NO_SHEET", ERROR),
    ("import", "IMPORT_NUL_BYTE", ERROR),
    ("import", "IMPORT_NOT_UTF8", ERROR),
    ("import", "IMPORT_OTHER_PARTNER", ERROR),
    ("import", "INTAKE_HEADING_AMBIGUOUS", ERROR),
    ("import", "INTAKE_CHARACTER_FORBIDDEN", ERROR),
    # -- Journeys: guides link where they point (issue 13), warnings too
    ("warnings", "GUIDE_MENTION_UNLINKED", WARNING),
    ("warnings", "GUIDE_LINK_UNKNOWN", WARNING),
    # -- Open data: calendars and structured data (issue 15)
    ("open_data", "TIMETABLE_NOT_AN_EVENT", ERROR),
    ("open_data", "TIMETABLE_TIME_ORDER", ERROR),
    ("open_data", "TIMETABLE_NO_SESSION", ERROR),
    ("open_data", "TIMETABLE_EXCEPT_NOT_A_SESSION", WARNING),
    ("open_data", "PUBLISHED_AFTER_REVIEWED", WARNING),
    # -- Languages: translated guides and easy Italian (issue 14)
    ("translations", "TRANSLATION_SOURCE_MISSING", ERROR),
    ("translations", "TRANSLATION_SOURCE_UNKNOWN", ERROR),
    ("translations", "TRANSLATION_NAME_MISMATCH", WARNING),
    ("translations", "TRANSLATION_DUPLICATE", ERROR),
    ("translations", "TRANSLATION_LANGUAGE_UNKNOWN", ERROR),
    ("translations", "TRANSLATION_LANGUAGE_UNDECLARED", WARNING),
    ("translations", "TRANSLATION_FRONT_MATTER_DIFFERS", WARNING),
    ("translations", "TRANSLATION_LINK_MISSING", WARNING),
    ("translations", "TRANSLATION_UNREVIEWED", WARNING),
    ("translations", "TRANSLATION_OUTDATED", WARNING),
    ("translations", "TRANSLATION_EASY_HARD_TO_READ", WARNING),
    # -- The checks of generated and canonical files (`bds fmt --check`, `bds intake issue-form --check`)
    ("format", "FILE_NOT_CANONICAL", ERROR),
    ("format", "FILE_FORMAT_REFUSED", ERROR),
    ("issue_form", "ISSUE_FORM_STALE", ERROR),
)

# `REGISTRY` and `_CODES` are built when first asked for (module `__getattr__`): reading the catalogue needs
# YAML, and `bds --help` imports this module without it.
REGISTRY: dict[str, Code]
_CODES: list[Code]


@functools.lru_cache(maxsize=8)
def _codes_for(words: tuple[tuple[str, str], ...]) -> tuple[Code, ...]:
    vocabulary = dict(words)

    def text(key: str) -> str:
        return messages.fill_words(str(messages.raw(key)), vocabulary)

    return tuple(
        Code(
            code,
            severity,
            text(f"codes.{code}.title"),
            text(f"codes.{code}.template"),
            text(f"codes.{code}.hint"),
            text(f"validate.groups.{group}"),
            _GROUP_COMMAND.get(group, "validate"),
        )
        for group, code, severity in _TABLE
    )


@functools.lru_cache(maxsize=8)
def _registry_for(words: tuple[tuple[str, str], ...]) -> dict[str, Code]:
    return {c.code: c for c in _codes_for(words)}


def _current_words() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(messages.words().items()))


def codes() -> tuple[Code, ...]:
    """Every content code, in catalogue order, with the current territory's words."""
    return _codes_for(_current_words())


def registry() -> dict[str, Code]:
    """The codes by name (what `REGISTRY` gives)."""
    return _registry_for(_current_words())


__getattr__ = lazy.attributes(__name__, REGISTRY=registry, _CODES=lambda: list(codes()))


@dataclass(frozen=True)
class Finding:
    """One problem found in one file, located like a compiler error."""

    file: str
    line: int
    column: int
    field: str
    code: str
    message: str
    severity: str = ERROR
    extra: dict = _field(default_factory=dict, compare=False, hash=False, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["title"] = registry()[self.code].title
        data["hint"] = registry()[self.code].hint
        return data


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def make(code: str, file: str, line: int, column: int, field: str = "", **params) -> Finding:
    """Build a finding from the registry; unknown codes are a programming error."""
    entry = registry()[code]
    message = entry.template.format_map(_SafeDict({k: _short(v) for k, v in params.items()}))
    field = _UNSHOWABLE.sub(lambda m: f"U+{ord(m.group(0)):04X}", field)  # a field is a key of the file
    return Finding(file, line, column, field, code, message, entry.severity)


# A value echoed in a message never carries a control, bidi or invisible character to the terminal or the
# page that shows it (an escape sequence in a YAML key would otherwise reach the terminal): shown as U+XXXX.
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def _short(value: object, limit: int = 80) -> str:
    text = _UNSHOWABLE.sub(lambda m: f"U+{ord(m.group(0)):04X}", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def catalogue_markdown() -> str:
    """The contributor-facing catalogue of the content codes (`catalogue.markdown` has every command's)."""
    lines = [
        f"# {messages.t('validate.catalogue.title')}",
        "",
        messages.t("validate.catalogue.content_intro"),
        "",
    ]
    return "\n".join(lines + groups_markdown(codes()))


def groups_markdown(entries: Iterable[Code], level: int = 2) -> list[str]:
    """The lines of one table per group of `entries`, groups in the order they first appear."""
    groups: dict[str, list[Code]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    head = [messages.t(f"validate.catalogue.columns.{c}") for c in ("code", "severity", "meaning", "fix")]
    lines: list[str] = []
    for group, members in groups.items():
        lines += [f"{'#' * level} {group}", "", "| " + " | ".join(head) + " |", "| --- | --- | --- | --- |"]
        for e in members:
            cells = (f"`{e.code}`", SEVERITY_LABEL[e.severity], e.title, e.hint)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return lines
