"""JSON Schema validation of one record, with Italian findings.

The schemas in `schemas/` are Draft 2020-12 and carry Italian titles and
descriptions; the web form, the issue form and these messages all read them.
Valid records (the vast majority) are checked by the compiled jsonschema-rs
validator; a record it rejects is re-checked by `jsonschema` to get precise
error objects, which we map to stable codes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema_rs

from . import findings as F
from . import kitfiles, messages
from .load import Document, field_name

if TYPE_CHECKING:
    import jsonschema

KINDS = ("opportunity", "partner", "territory", "guide", "glossary")

# JSON types people are told about (`validate.schema.type.<name>`); another type is shown as it is.
_TYPE_NAMES = ("string", "integer", "number", "boolean", "array", "object", "null")


def _type_name(name: str) -> str:
    return messages.t(f"validate.schema.type.{name}") if name in _TYPE_NAMES else name


_REQUIRED = re.compile(r"^'(.+)' is a required property$")


def schema_dir() -> Path:
    """Schemas live at the repository top level; an installed wheel ships them in bds/_kit (kitfiles)."""
    return kitfiles.schemas()


@cache
def load_schema(kind: str) -> dict:
    with open(schema_dir() / f"{kind}.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _fast(kind: str):
    return jsonschema_rs.validator_for(load_schema(kind), validate_formats=True)


@cache
def _detailed(kind: str) -> jsonschema.Draft202012Validator:
    # Imported only for a record the fast validator rejects: jsonschema costs more to import than a
    # whole check of one valid file (bench/startup_bench.py).
    import jsonschema

    cls = jsonschema.Draft202012Validator
    return cls(load_schema(kind), format_checker=cls.FORMAT_CHECKER)


_SUBSCHEMAS: dict[tuple[str, tuple], dict] = {}


def subschema(kind: str, path: tuple) -> dict:
    """The schema of the value at `path` (list indices step into `items`)."""
    try:
        return _SUBSCHEMAS[kind, path]  # asked for every string of every record (hygiene, titles)
    except KeyError:
        if len(_SUBSCHEMAS) > 100_000:  # a long `bds serve` session: forget rather than grow
            _SUBSCHEMAS.clear()
        node = _SUBSCHEMAS[kind, path] = _walk(kind, path)
        return node
    except TypeError:  # a path part that is not hashable: no record holds one
        return _walk(kind, path)


def _walk(kind: str, path: tuple) -> dict:
    node = load_schema(kind)
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return node


def title_for(kind: str, path: tuple) -> str:
    """The Italian title of a field; items of a list take the title of the list."""
    for end in range(len(path), 0, -1):
        title = subschema(kind, path[:end]).get("title")
        if title:
            return messages.with_words(title)
    return load_schema(kind).get("title", "scheda")


def labels_for(kind: str, path: tuple) -> dict[str, str]:
    """The labels of a field's values («Corso o formazione»), in the current language."""
    node = subschema(kind, path)
    return translated_labels(kind, path, node.get("x-labels") or node.get("items", {}).get("x-labels") or {})


def translated_labels(kind: str, path: tuple, labels: dict[str, str]) -> dict[str, str]:
    """`labels` (the schema's Italian x-labels) in the current language: another language's catalogue
    says them under `labels.<kind>.<path>.<value>`; the territory's words are filled in."""
    prefix = f"labels.{kind}.{'.'.join(path)}."
    return {key: field_text_in_language(prefix + str(key), label) for key, label in labels.items()}


def field_text(kind: str, path: tuple, attr: str, italian: str) -> str:
    """A field's title, description or expected form (`attr`), in the current language: the schema
    holds the Italian; another language's catalogue says it under `fields.<kind>.<path>.<attr>`."""
    return field_text_in_language(f"fields.{kind}.{'.'.join(path)}.{attr}", italian)


def field_text_in_language(key: str, italian: str) -> str:
    language = messages.current_language()
    if language != messages.DEFAULT_LANGUAGE and messages.has(key, language):
        return messages.with_words(str(messages.raw(key, language)))
    return messages.with_words(italian)


def validate(doc: Document, kind: str) -> list[F.Finding]:
    if _fast(kind).is_valid(doc.data):
        return []
    out: list[F.Finding] = []
    seen: set[tuple] = set()
    for error in _detailed(kind).iter_errors(doc.data):
        for finding in _to_findings(doc, kind, error):
            key = (finding.code, finding.field)
            if key not in seen:
                seen.add(key)
                out.append(finding)
    if not out:  # the two engines disagree: never let an invalid record pass silently
        out.append(
            F.make(
                "VALUE_INVALID",
                doc.path,
                *doc.position(()),
                title=title_for(kind, ()),
                detail=messages.t("validate.schema.not_the_schema"),
            )
        )
    return sorted(out, key=lambda f: (f.line, f.column, f.code))


def _expected(schema: dict) -> str:
    """What a value should look like: the schema's `x-expected`, else a pointer to the field's description."""
    if "x-expected" in schema:
        return messages.with_words(schema["x-expected"])
    return messages.t("validate.schema.see_description")


def _to_findings(doc: Document, kind: str, error: jsonschema.ValidationError) -> list[F.Finding]:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}

    def at(code: str, where: tuple = path, key: bool = False, **params) -> F.Finding:
        line, col = doc.key_position(where) if key else doc.position(where)
        return F.make(code, doc.path, line, col, field_name(where), **params)

    fields = _field_findings(at, kind, path, error, schema)
    if fields is not None:
        return fields
    return [_value_finding(at, title_for(kind, path), error, schema)]


def _field_findings(at, kind: str, path: tuple, error, schema: dict) -> list[F.Finding] | None:
    """A missing or unknown field, or a value of the wrong type; None for the other keywords."""
    keyword = error.validator
    if keyword == "required":
        return [_required(at, kind, path, error)]
    if keyword == "additionalProperties":
        known = set(schema.get("properties", {}))
        extras = [k for k in error.instance if k not in known] if isinstance(error.instance, dict) else []
        return [at("FIELD_UNKNOWN", path + (k,), key=True, name=k) for k in extras]
    if keyword == "type":
        return [_wrong_type(at, kind, path, error)]
    return None


def _required(at, kind: str, path: tuple, error) -> F.Finding:
    match = _REQUIRED.match(error.message)
    name = match.group(1) if match else "?"
    # A missing field has no line: point at the key of the group that lacks it (file start at top level).
    return at("FIELD_REQUIRED", path, key=bool(path), title=title_for(kind, path + (name,)), name=name)


def _wrong_type(at, kind: str, path: tuple, error) -> F.Finding:
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    joined = messages.t("validate.schema.type_or").join(_type_name(n) for n in names)
    # The key's line: a block list or group given where text is expected starts on the next line.
    return at("FIELD_TYPE", key=True, title=title_for(kind, path), expected=joined)


_SIZES = ("minLength", "minItems", "maxLength", "maxItems")
_RANGES = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")


def _value_finding(at, title: str, error, schema: dict) -> F.Finding:
    """The finding of a value its schema refuses (a choice, a format, a length, a range)."""
    keyword, limit = error.validator, error.validator_value
    if keyword == "enum":
        return _not_allowed(at, title, limit, schema)
    if keyword in ("pattern", "format"):
        return _bad_format(at, title, schema)
    if keyword == "anyOf":
        return at("VALUE_FORMAT", title=title, expected=_expected(schema))
    if keyword in _SIZES:
        return _bad_size(at, title, keyword, limit)
    if keyword in _RANGES:
        bound = "validate.schema.at_least" if keyword in _RANGES[:2] else "validate.schema.at_most"
        return at("VALUE_OUT_OF_RANGE", title=title, detail=messages.t(bound, limit=limit))
    if keyword == "not" and schema.get("x-code"):  # a field forbidden here (an address on a zone-only place)
        return at(schema["x-code"], title=title)
    if keyword == "uniqueItems":
        return at("VALUE_REPEATED", title=title)
    return at("VALUE_INVALID", title=title, detail=keyword)


def _not_allowed(at, title: str, choices, schema: dict) -> F.Finding:
    labels = {k: messages.with_words(v) for k, v in (schema.get("x-labels") or {}).items()}
    allowed = ", ".join(f"{v} ({labels[v]})" if v in labels else str(v) for v in choices)
    return at("VALUE_NOT_ALLOWED", title=title, allowed=allowed)


def _bad_format(at, title: str, schema: dict) -> F.Finding:
    if schema.get("format") == "date":
        return at("DATE_INVALID", title=title)
    code = schema.get("x-code")
    return at(code, title=title) if code else at("VALUE_FORMAT", title=title, expected=_expected(schema))


def _bad_size(at, title: str, keyword: str, limit) -> F.Finding:
    """Too few or too many characters or items."""
    what = messages.t("validate.schema.characters" if keyword.endswith("Length") else "validate.schema.items")
    if keyword.startswith("min"):
        detail = messages.t("validate.schema.at_least", limit=limit)
        return at("VALUE_TOO_SHORT", title=title, detail=f"{detail} {what}")
    detail = messages.t("validate.schema.at_most", limit=limit)
    return at("VALUE_TOO_LONG", title=title, detail=f"{detail} {what}")
