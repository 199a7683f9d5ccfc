"""Checks of the translated guides (issue 14), as pure functions over the loaded content.

A translation lives in `content/guides/<lang>/NAME.md` (`<lang>` a code the territory declares in
`languages:`, e.g. `en`), the easy-to-read Italian version of a guide in `content/guides/facile/NAME.md`
(always allowed). `bds.content` loads both into `Content.translations` and checks their front matter
against the guide schema; a translation also says where it comes from and when a person checked it:
`translation: {from: <Italian guide>, reviewed: <date or empty>}`.

`check(content)` adds what crosses records: the Italian guide exists and the file carries its name; the
language is one the territory publishes; audience and order follow the Italian guide; links by id name
pages (and none of the Italian guide's links is lost); no raw HTML or script; a warning while nobody has
checked the translation, or when the Italian guide was revised after that check; easy Italian reads
clearly easier than Italian guides (Gulpease, the kit's `textcheck`) and uses person-first words.

`bds validate` runs `check` after the cross-record rules (validate.run).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import findings as F
from . import guidelinks, messages, rules, schema, textcheck
from .content import Content
from .dates import parse as parse_date
from .load import Document, field_name

EASY = "facile"  # content/guides/facile/: the easy-to-read Italian versions («Italiano facile»)
DEFAULT_LANGUAGES = ("it",)  # a territory without `languages:` publishes Italian only
EASY_READABILITY_MIN = (
    80  # Gulpease of an easy-Italian page; Italian guides aim at rules.READABILITY_MIN (60)
)
SAME_AS_ITALIAN = ("audience", "order")  # front matter a translation keeps from its Italian guide

# The codes (TRANSLATION_*) are in the registry (findings.py, group «translations») and their texts in
# the message catalogue (codes.TRANSLATION_*), like every other code.


def make(code: str, doc: Document, line: int, column: int, field: str = "", **params) -> F.Finding:
    return F.make(code, doc.path, line, column, field, **params)


def _body_field() -> str:
    return messages.t("validate.text.body_field")


def _at(code: str, doc: Document, path: tuple, **params) -> F.Finding:
    line, column = doc.position(path)
    return make(code, doc, line, column, field_name(path), **params)


def _in_body(code: str, doc: Document, offset: int, **params) -> F.Finding:
    body = doc.body or ""
    line = doc.body_line + body.count("\n", 0, offset)
    column = offset - (body.rfind("\n", 0, offset) + 1) + 1
    return make(code, doc, line, column, _body_field(), **params)


def stem(shown: str) -> str:
    return shown.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def language_of(shown: str) -> str:
    """The language folder of a translation, from its shown path `content/guides/<lang>/NAME.md`."""
    return shown.rsplit("/", 2)[-2]


def known_languages() -> list[str]:
    """The codes a territory may declare (the enum of `languages` in the territory schema)."""
    return list(schema.load_schema("territory")["properties"]["languages"]["items"]["enum"])


def declared_languages(content: Content) -> list[str]:
    territory = content.territory
    if territory is None or not territory.ok or not isinstance(territory.data, dict):
        return list(DEFAULT_LANGUAGES)
    return list(territory.data.get("languages") or DEFAULT_LANGUAGES)


def italian_guides(content: Content) -> dict[str, Document]:
    return {stem(doc.path): doc for doc in content.valid("guide")}


def check(content: Content) -> list[F.Finding]:
    """Every finding on the translations of `content` (their schema findings are the loader's)."""
    originals = italian_guides(content)
    partners = {str(doc.data.get("id")) for doc in content.valid("partner")}
    listings = {str(doc.data.get("id")) for doc in content.valid("opportunity")}
    known, declared = known_languages(), declared_languages(content)
    out: list[F.Finding] = []
    first: dict[tuple[str, str], str] = {}
    for doc in content.valid("translation"):
        language = language_of(doc.path)
        out += language_findings(doc, language, known, declared)
        out += rules.markup_findings(doc, "guide")  # no raw HTML, no script link: as in every guide
        out += link_findings(doc, set(originals), partners, listings)
        if language == EASY:
            out += wording_findings(doc)
        out += _against_original(doc, language, originals, first)
    return sorted(out, key=lambda f: (f.file, f.line, f.column, f.code))


def _against_original(
    doc: Document, language: str, originals: dict[str, Document], first: dict[tuple[str, str], str]
) -> list[F.Finding]:
    """A translation against the guide it translates: named, unique per language, in step with it.
    `first` holds the first translation seen of each (language, guide)."""
    out: list[F.Finding] = []
    source = doc.data.get("translation", {}).get("from")
    if "translation" not in doc.data:
        return [make("TRANSLATION_SOURCE_MISSING", doc, 1, 1)]
    if source not in originals:
        shown = ", ".join(sorted(originals)) or messages.t("validate.translations.no_guides")
        return [_at("TRANSLATION_SOURCE_UNKNOWN", doc, ("translation", "from"), source=source, known=shown)]
    key = (language, source)
    if key in first:
        out.append(
            _at("TRANSLATION_DUPLICATE", doc, ("translation", "from"), source=source, other=first[key])
        )
    first.setdefault(key, doc.path)
    original = originals[source]
    if stem(doc.path) != source:
        out.append(
            _at(
                "TRANSLATION_NAME_MISMATCH",
                doc,
                ("translation", "from"),
                name=stem(doc.path),
                source=source,
            )
        )
    out += front_matter_findings(doc, original)
    out += missing_link_findings(doc, original)
    out += review_findings(doc, original)
    if language == EASY:
        out += readability_findings(doc, original)
    return out


def language_findings(doc: Document, language: str, known: list[str], declared: list[str]) -> list[F.Finding]:
    if language == EASY:
        return []
    if language not in known or language == "it":
        others = ", ".join(code for code in known if code != "it")
        return [make("TRANSLATION_LANGUAGE_UNKNOWN", doc, 1, 1, language=language, known=others)]
    if language not in declared:
        return [
            make(
                "TRANSLATION_LANGUAGE_UNDECLARED", doc, 1, 1, language=language, declared=", ".join(declared)
            )
        ]
    return []


def front_matter_findings(doc: Document, original: Document) -> list[F.Finding]:
    out = []
    for key in SAME_AS_ITALIAN:
        value, expected = doc.data.get(key), original.data.get(key)
        if value != expected:
            out.append(
                _at(
                    "TRANSLATION_FRONT_MATTER_DIFFERS",
                    doc,
                    (key,),
                    title=schema.title_for("guide", (key,)),
                    value=_shown(value),
                    original=_shown(expected),
                )
            )
    return out


def _shown(value: object) -> str:
    if value is None:
        return "assente"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def link_findings(doc: Document, guides: set[str], partners: set[str], listings: set[str]) -> list[F.Finding]:
    """Links by id name pages that exist (the Italian guides, partners and listings)."""
    body = doc.body or ""
    return [
        _in_body("GUIDE_LINK_UNKNOWN", doc, offset, target=target)
        for offset, target in guidelinks.unknown_targets(body, guides, partners, listings)
    ]


def link_targets(body: str) -> list[str]:
    """Every `@target` (with its query or fragment) a body links to, in order, once each."""
    seen: dict[str, None] = {}
    for m in guidelinks.LINK.finditer(body):
        seen.setdefault(m.group(1) + (m.group(2) or ""), None)
    return list(seen)


def missing_link_findings(doc: Document, original: Document) -> list[F.Finding]:
    have = set(link_targets(doc.body or ""))
    missing = [target for target in link_targets(original.body or "") if target not in have]
    if not missing:
        return []
    targets = ", ".join(f"@{target}" for target in missing)
    return [
        make(
            "TRANSLATION_LINK_MISSING",
            doc,
            doc.body_line or 1,
            1,
            _body_field(),
            count=len(missing),
            targets=targets,
        )
    ]


def review_findings(doc: Document, original: Document) -> list[F.Finding]:
    """Unreviewed, or reviewed before the Italian guide's last revision."""
    reviewed = parse_date(doc.data["translation"].get("reviewed"))
    if reviewed is None:
        return [_at("TRANSLATION_UNREVIEWED", doc, ("translation",))]
    revised = parse_date(original.data.get("reviewed"))
    if revised is not None and revised > reviewed:
        return [
            _at(
                "TRANSLATION_OUTDATED",
                doc,
                ("translation", "reviewed"),
                source=stem(original.path),
                original=revised.isoformat(),
                reviewed=reviewed.isoformat(),
            )
        ]
    return []


def readability(doc: Document) -> int | None:
    """Gulpease of a guide's body (the text a person reads on the page)."""
    return textcheck.gulpease(doc.body or "")


def readability_findings(doc: Document, original: Document) -> list[F.Finding]:
    """Easy Italian reads at least EASY_READABILITY_MIN, and easier than the Italian guide it comes from."""
    score, before = readability(doc), readability(original)
    if score is None:
        return []
    minimum = max(EASY_READABILITY_MIN, (before or 0) + 1)
    if score >= minimum:
        return []
    return [
        make(
            "TRANSLATION_EASY_HARD_TO_READ",
            doc,
            doc.body_line or 1,
            1,
            _body_field(),
            score=score,
            minimum=minimum,
            original="?" if before is None else before,
        )
    ]


def wording_findings(doc: Document) -> list[F.Finding]:
    """Easy Italian is Italian: the person-first wording check of the Italian guides applies."""
    out = []
    for key in ("title", "summary"):
        out += [
            _at("WORDING_STIGMATISING", doc, (key,), found=found, suggestion=suggestion)
            for found, suggestion in textcheck.stigmatising(str(doc.data.get(key, "")))
        ]
    out += [
        _in_body("WORDING_STIGMATISING", doc, offset, found=found, suggestion=suggestion)
        for offset, found, suggestion in textcheck.stigmatising_at(doc.body or "")
    ]
    return out


def summary(content: Content) -> Iterable[tuple[str, str, str, int | None]]:
    """(language, file, Italian guide, Gulpease of the body) of every loaded translation, for reports."""
    for doc in content.valid("translation"):
        source = doc.data.get("translation", {}).get("from", "")
        yield language_of(doc.path), doc.path, str(source), readability(doc)
