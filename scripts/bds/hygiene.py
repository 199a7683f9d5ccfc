"""Rules of text hygiene and dates across records (issue 10), run by `rules.check`.

- Dates: every field the schemas declare as `format: date` lies between MIN_DATE and YEARS_AHEAD years
  after today, and a `reviewed` date is never after today. Outside that range a date is a typing
  error, and the calendar, JSON-LD and feeds need dates they can compute with.
- Partners: a name that repeats another partner's, or that reads the same with look-alike letters
  (Cyrillic "А" for Latin "A"), or that mixes alphabets in one word, is a warning: a person judges.
- Guides: an image must be a file of the site (see `web.text.local_image`), whatever spelling a browser
  would read as another site.
- Markdown nested deeper than `web.text.MAX_NESTING` levels is refused (the renderer would recurse), and
  so is a guide paragraph longer than `web.text.MAX_BLOCK` characters (rendering time grows with its
  square).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from . import findings as F
from . import mdbounds, messages, schema, unicodetext
from .content import Content
from .dates import parse as parse_date
from .load import Document, field_name

MIN_DATE = dt.date(2000, 1, 1)
YEARS_AHEAD = 5
MAX_IMAGE_FINDINGS = 10
MARKDOWN_FIELDS = {"opportunity": ("description",), "partner": ("description",)}


def _at(doc: Document, code: str, path: tuple, **params) -> F.Finding:
    line, col = doc.position(path)
    return F.make(code, doc.path, line, col, field_name(path), **params)


def latest_date(today: dt.date) -> dt.date:
    """The last accepted day: YEARS_AHEAD years after today (28 February for a 29 February)."""
    year = min(dt.MAXYEAR, today.year + YEARS_AHEAD)
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def _documents(content: Content):
    for kind, doc in (("territory", content.territory), ("glossary", content.glossary)):
        if doc is not None and doc.ok and isinstance(doc.data, dict):
            yield kind, doc
    for kind in ("partner", "opportunity", "guide"):
        for doc in content.valid(kind):
            yield kind, doc


@dataclass(frozen=True)
class _DateFields:
    """Where a kind's schema declares `format: date`: here, under these properties, in the items."""

    here: bool
    properties: dict[str, _DateFields]
    items: _DateFields | None


@cache
def _date_fields(kind: str) -> _DateFields | None:
    return _date_tree(schema.load_schema(kind))


def _date_tree(node: dict) -> _DateFields | None:
    """The parts of `node` that hold a date field (None: none), read as `schema.subschema` reads a
    schema: through `properties` and `items` only."""
    properties = {}
    for key, sub in (node.get("properties") or {}).items():
        if isinstance(sub, dict) and (tree := _date_tree(sub)) is not None:
            properties[key] = tree
    items = node.get("items")
    item_tree = _date_tree(items) if isinstance(items, dict) else None
    here = node.get("format") == "date"
    return _DateFields(here, properties, item_tree) if here or properties or item_tree else None


def _date_strings(value, fields: _DateFields | None, path: tuple, out: list) -> list[tuple[tuple, str]]:
    """(path, text) of the strings of `value` at a date field, in document order: `load.strings` of
    the record kept to the fields `schema.subschema` gives `format: date`, without visiting the rest."""
    if fields is None:
        return out
    if isinstance(value, str):
        if fields.here:
            out.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in fields.properties:
                _date_strings(item, fields.properties[key], path + (key,), out)
    elif isinstance(value, list) and fields.items is not None:
        for i, item in enumerate(value):
            _date_strings(item, fields.items, path + (i,), out)
    return out


def date_findings(kind: str, doc: Document, today: dt.date) -> list[F.Finding]:
    out = []
    latest = latest_date(today)
    # «In the future» is after the day the command runs. A reference day in the past (`--today`, or
    # `bds publish` of a quarter that is over, whose day is the quarter's last) must not turn the
    # reviews made since then into errors; a later reference day moves the bound with it.
    now = max(today, dt.date.today())
    for path, value in _date_strings(doc.data, _date_fields(kind), (), []):
        day = parse_date(value)
        if day is None:
            continue  # the schema layer reports it
        title = schema.title_for(kind, path)
        if day < MIN_DATE:
            out.append(
                _at(
                    doc,
                    "DATE_TOO_EARLY",
                    path,
                    title=title,
                    date=value,
                    limit=messages.t("validate.text.min_date"),
                )
            )
        elif path[-1] == "reviewed" and day > now:
            out.append(_at(doc, "REVIEWED_IN_FUTURE", path, date=value, today=now.isoformat()))
        elif day > latest:
            out.append(
                _at(doc, "DATE_TOO_FAR", path, title=title, date=value, years=YEARS_AHEAD, limit=latest)
            )
    return out


def partner_name_findings(partners: list[Document]) -> list[F.Finding]:
    out = []
    plain: dict[str, Document] = {}
    skeletons: dict[str, Document] = {}
    for doc in sorted(partners, key=lambda d: d.path):
        name = doc.data.get("name")
        if not isinstance(name, str) or not name.strip():
            continue
        word = unicodetext.mixed_script_word(name)
        if word:
            out.append(_at(doc, "PARTNER_NAME_MIXED_SCRIPT", ("name",), word=word))
        key, shape = unicodetext.plain_key(name), unicodetext.skeleton(name)
        if key in plain:
            out.append(_at(doc, "PARTNER_NAME_DUPLICATE", ("name",), name=name, other=plain[key].path))
        elif shape in skeletons:
            out.append(_at(doc, "PARTNER_NAME_CONFUSABLE", ("name",), name=name, other=skeletons[shape].path))
        plain.setdefault(key, doc)
        skeletons.setdefault(shape, doc)
    return out


def _body_finding(doc: Document, code: str, body: str, offset: int, **params) -> F.Finding:
    line = doc.body_line + body.count("\n", 0, offset)
    column = offset - (body.rfind("\n", 0, offset) + 1) + 1
    return F.make(code, doc.path, line, column, messages.t("validate.text.body_field"), **params)


def guide_findings(doc: Document) -> list[F.Finding]:
    body = doc.body or ""
    out: list[F.Finding] = []
    depth, where = mdbounds.nesting_depth(body)
    if depth > mdbounds.MAX_NESTING:
        return [_body_finding(doc, "MARKDOWN_TOO_DEEP", body, where, depth=depth, limit=mdbounds.MAX_NESTING)]
    length, where = mdbounds.longest_block(body)
    if length > mdbounds.MAX_BLOCK:
        return [
            _body_finding(
                doc, "MARKDOWN_BLOCK_TOO_LONG", body, where, length=length, limit=mdbounds.MAX_BLOCK
            )
        ]
    if "![" not in body:
        return out
    cursor = 0
    from .web import text as webtext  # the Markdown stack: only guides with a body need it

    for src in webtext.guide_image_sources(body):
        if webtext.local_image(src):
            continue
        found = body.find(src, cursor) if src else -1
        offset = found if found != -1 else max(0, body.find("![", cursor))
        cursor = offset + 1
        out.append(_body_finding(doc, "IMAGE_NOT_LOCAL", body, offset, src=src))
        if len(out) >= MAX_IMAGE_FINDINGS:
            break
    return out


def markdown_findings(kind: str, doc: Document) -> list[F.Finding]:
    out = []
    for key in MARKDOWN_FIELDS.get(kind, ()):
        value = doc.data.get(key)
        if isinstance(value, str):
            depth, _where = mdbounds.nesting_depth(value)
            if depth > mdbounds.MAX_NESTING:
                out.append(_at(doc, "MARKDOWN_TOO_DEEP", (key,), depth=depth, limit=mdbounds.MAX_NESTING))
    return out


def check(content: Content, today: dt.date, only: set[str] | None = None) -> list[F.Finding]:
    """With `only` (shown paths), the one-record checks run on those records only (see rules.check)."""
    out: list[F.Finding] = []
    for kind, doc in _documents(content):
        if only is not None and doc.path not in only:
            continue
        out += date_findings(kind, doc, today)
        if kind == "guide":
            out += guide_findings(doc)
        else:
            out += markdown_findings(kind, doc)
    out += partner_name_findings(content.valid("partner"))
    return out
