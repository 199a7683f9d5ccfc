"""Protected places: which listings hide where they are, and the scan that keeps them hidden.

The repository and the site are public, so a place where people live must not be findable from
anything the kit keeps or publishes. One rule decides which places are protected (`is_protected`),
and every part of the kit asks it: the validator, `bds new`, the web form, the site and its exports.

A listing is a protected place when at least one of these holds:

1. `kind: housing` (a house, a room, support at home);
2. `location.visibility` is not `public` (`zone-only`, or missing on a record not yet validated);
3. `axes` contains `housing` and the title or the place's name says it is a home: one of
   `DWELLING_WORDS`, listed in data/protected.yml (appartamento, alloggio, casa famiglia, comunità
   alloggio, a casa, a domicilio, coabitazione, residenza...). A course *about* living alone, held
   in a public room, is not a home; an activity held in a flat is.

The third criterion reads only the title and the place's name because they say where the activity
happens; the description often talks about homes without being in one. The word list is checkable
(same text, same answer) and deliberately leaves out words that name public buildings too
(caseggiato, condominio, camera, struttura).

A protected listing keeps no street address or coordinates in any field: `location.address` is not
allowed, and its text (title, summary, description, schedule, tags, accessibility, place name,
contact), its id and its file name are scanned by `scan_text` / `scan_slug` for

- street addresses: an odonym (via, viale, piazza, corso, largo, vicolo, strada, alzaia, ripa...)
  followed by a name and a civic number, a postcode (CAP) next to a town or after «CAP», and the
  parts of an address inside a building: interno, scala, a numbered floor, citofono;
- coordinates: decimal-degree pairs (45.4642, 9.1900), degrees-minutes-seconds, lat/lon labels,
  Open Location Codes (plus codes, full "8FQFF5X4+2X" and short "F5X4+2X");
- map links: any URL of a map service (Google, Apple, Bing, HERE, Waze, OpenStreetMap, what3words,
  ...), any URL whose host or path names a map, and `geo:` URIs.

«Piano terra» and «piano rialzato» are not flagged: they tell a person whether there are steps,
and say nothing about which building it is.

Every pattern is linear: bounded repetitions over disjoint classes, anchored at a word start, so a
300,000-character text is scanned in milliseconds. Findings never carry the text they matched.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from . import findings as F
from . import kitfiles, messages, schema
from .load import field_name
from .load import strings as _strings

# -- The rule ------------------------------------------------------------------------------------------


def _word_lists() -> dict:
    """The Italian words the rule reads (data/protected.yml), loaded once at import."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(kitfiles.data("protected.yml").read_text(encoding="utf-8"), Loader=loader)


_WORDS = _word_lists()
DWELLING_WORDS: tuple[str, ...] = tuple(_WORDS["dwelling_words"])
DWELLING = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(DWELLING_WORDS, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)


def dwelling_word(record: dict) -> str | None:
    """The dwelling word found in the title or the place's name, if any."""
    location = _mapping(record.get("location"))
    for text in (record.get("title"), location.get("name")):
        if isinstance(text, str):
            match = DWELLING.search(_fold(text))
            if match:
                return match.group(0).lower()
    return None


def is_protected(record: dict) -> bool:
    """True when the listing is a protected place (see the module docstring)."""
    if not isinstance(record, dict):
        return True
    location = _mapping(record.get("location"))
    if record.get("kind") == "housing" or location.get("visibility") != "public":
        return True
    axes = _list(record.get("axes"))
    return "housing" in axes and dwelling_word(record) is not None


def why_protected(record: dict) -> str:
    """A short Italian reason, for messages."""
    location = _mapping(record.get("location"))
    if record.get("kind") == "housing":
        return messages.t("validate.protected.why.housing")
    if location.get("visibility") != "public":
        return messages.t("validate.protected.why.zone_only")
    return messages.t("validate.protected.why.dwelling", word=dwelling_word(record))


# -- The scan ------------------------------------------------------------------------------------------

# What kind of leak a match is: the key of the words messages use, `validate.protected.leak.<key>`.
# `ADDRESS`, `POSTCODE`... are those words, read when asked for (module `__getattr__`).
_LEAK_KINDS = {
    "ADDRESS": "address",
    "POSTCODE": "postcode",
    "BUILDING": "building",
    "COORDINATES": "coordinates",
    "PLUS_CODE": "plus_code",
    "MAP_LINK": "map_link",
}
ADDRESS: str
POSTCODE: str
BUILDING: str
COORDINATES: str
PLUS_CODE: str
MAP_LINK: str


def _what(kind: str) -> str:
    return messages.t(f"validate.protected.leak.{kind}")


def __getattr__(name: str) -> str:
    if name in _LEAK_KINDS:
        return _what(_LEAK_KINDS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Anchored:
    """A bounded pattern tried only where it can start and only where it can end.

    Candidates are the characters of `first` that follow no character of `before`: the engine skips
    ahead over a leading character class at C speed. A pattern that `needs` something (a digit, a
    "+") within `reach` characters of its start is not tried where that something is too far away:
    the search jumps to the next place it could match. So the work is linear in the text whatever
    it holds, and the full pattern runs only on short windows."""

    def __init__(
        self, first: str, pattern: str, flags: int = 0, before: str = r"\w.", needs: str = "", reach=0
    ):
        self.starts = re.compile(f"[{first}](?<![{before}].)" if before else f"[{first}]")
        self.full = re.compile(pattern, flags)
        self.needs = re.compile(needs) if needs else None
        self.reach = reach
        self.pattern = pattern

    def finditer(self, text: str):
        pos, starts, full = 0, self.starts.search, self.full.match
        need_at = -1
        while (candidate := starts(text, pos)) is not None:
            at = candidate.start()
            if self.needs is not None:
                if need_at < at:
                    needed = self.needs.search(text, at)
                    if needed is None:
                        return
                    need_at = needed.start()
                if need_at - at > self.reach:
                    pos = need_at - self.reach
                    continue
            found = full(text, at)
            if found:
                yield found
                pos = max(found.end(), at + 1)
            else:
                pos = at + 1

    def search(self, text: str):
        return next(self.finditer(text), None)


_ODONYM_FIRST = "vVpPcClLsSaArRbBgGdDfFtT"
_OLC_FIRST = "23456789CFGHJMPQRVWXcfghjmpqrvwx"

_ODONYMS = (
    r"via|viale|vialetto|v\.le|piazza|piazzale|piazzetta|p\.za|p\.zza|p\.le|p\.zzale|p\.tta|corso|c\.so"
    r"|largo|l\.go|vicolo|vico|v\.lo|strada|stradone|stradella|str\.|alzaia|ripa|riva|lungo\w{2,12}"
    r"|borgo|contrada|c\.da|località|loc\.|salita|discesa|calle|campiello|fondamenta|rampa|traversa"
    r"|galleria|passaggio|bastioni|circonvallazione|rotonda|rione|vicoletto|viottolo|piazzetta"
)
_UPPER = r"[A-ZÀ-ÖØ-Þ]"
_PARTICLE = (
    r"(?:di|del|dei|degli|della|delle|dello|de|da|dal|dalla|dalle|e|ed|al|alla|alle|ai|agli|san|santa"
    r"|santo|la|le|il|lo|in|sul|sulla|per|tra|fra|s\.|ss\.)"
)
_NAME_WORD = (
    rf"(?>{_UPPER}[\w'’.\-]{{0,30}}+"  # Padova, G., Dell'Orto
    rf"|(?:d|l|dell|dall|nell|sull|sant|all)['’]\s?{_UPPER}[\w'’.\-]{{0,30}}+"  # dell'Annunciata
    rf"|\d{{1,2}}\s+{_UPPER}[a-zà-ÿ]{{2,12}}"  # 4 Novembre, XX is an upper word already
    r")"
)
_NAME = rf"(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}){{0,4}}"
_LOWER_NAME = r"[a-zà-ÿ][\w'’\-]{1,30}+(?:[ \t]+[a-zà-ÿ][\w'’\-]{0,30}+){0,3}"
_CIVIC = r"\d{1,4}(?:\s?/\s?[A-Za-z0-9]{1,2}|[ \t]?[A-Za-z](?![\w'’]))?(?:[ \t]?(?:bis|ter)\b)?"
# After a number, words that make it a quantity, a time or a date rather than a civic number.
_NOT_CIVIC = (
    r"(?!\s*(?:%|€|°|[.:]\d|,\d{1,2}(?!\d)|[-–]\s*\d|e\s+\d"
    r"|volt|or[ae]\b|giorn|settiman|mes[ei]\b|ann[oi]\b|minut|person|post[oi]\b|euro|eur\b|mq\b|metr|km\b"
    r"|chilometr|camer|stanz|letti|famigli|partecipant|incontr|gennaio|febbraio|marzo|aprile|maggio"
    r"|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|alle\b|al\b))"
)
_STREET = _Anchored(
    _ODONYM_FIRST,
    rf"(?<![\w.])(?i:{_ODONYMS})\.?[ \t]+{_NAME}[ \t]*,?[ \t]*"
    rf"(?:(?i:n\.|n°|nr\.?|num\.|civico)[ \t]*)?{_CIVIC}"
    rf"(?![\w/]){_NOT_CIVIC}",
    needs=r"\d",
    reach=320,
)
# A name in lower case ("via padova, 12"): only with a comma, "n." or "civico" before the number, or
# with the number closing the phrase.
_LOWER_ODONYMS = (
    r"via|viale|v\.le|piazza|piazzale|piazzetta|p\.za|p\.zza|p\.le|vicolo|alzaia|ripa|lungo\w{2,12}"
    r"|contrada|calle|campiello|fondamenta"
)
_STREET_LOWER = _Anchored(
    _ODONYM_FIRST,
    rf"(?<![\w.])(?i:{_LOWER_ODONYMS})\.?[ \t]+{_LOWER_NAME}"
    rf"(?:(?:[ \t]*,[ \t]*(?:(?i:n\.|n°|nr\.?|civico)[ \t]*)?|[ \t]+(?i:n\.|n°|nr\.?|civico)[ \t]*)"
    rf"(?!(?:19|20)\d\d(?!\d))\d{{1,4}}[a-z]?(?![\w/]){_NOT_CIVIC}"
    rf"|[ \t]+(?!(?:19|20)\d\d(?!\d))\d{{1,4}}[a-z]?(?![\w/]){_NOT_CIVIC}"
    rf"(?=[ \t]*(?:$|[,;)\n]|\.(?!\d)|[ \t]-[ \t]|[ \t]+{_UPPER})))",
    re.MULTILINE,
    needs=r"\d",
    reach=240,
)
_CIVICO = _Anchored(
    "nNcC", r"(?i)\b(?:n(?:umero|\.)\s*)?civico\s*(?:n\.?\s*)?\d{1,4}\b", needs=r"\d", reach=40
)
_POSTCODE = _Anchored(
    "cC0-9",
    r"(?i:\bc\.?a\.?p\.?)[ \t]*[:.]?[ \t]*\d{5}(?!\d)"
    rf"|(?<![\w.,])\d{{5}}(?![\w.,])[ \t]*[-–,]?[ \t]*(?!Euro\b|EUR\b){_UPPER}[a-zà-ÿ'’]{{2,30}}"
    r"|(?<![\w.,])\d{5}(?![\w.,])[ \t]+[\w'’ ]{2,30}\([A-Z]{2}\)",
    needs=r"\d{5}",
    reach=60,
)
_BUILDING = _Anchored(
    "iIsSpPcC0-9uUdDtTqQnNoO",
    r"(?:"
    r"(?i:\binterno|\bint\.)[ \t]*(?:(?i:n\.?)[ \t]*)?\d{1,3}[A-Za-z]?\b"
    r"|(?i:\binterno)[ \t]+[A-Z]\b"
    r"|(?i:\bscala|\bsc\.)[ \t]+[A-Z]\b"
    r"|(?i:\bscala)[ \t]+\d{1,2}\b(?![ \t]*(?:a|-|/|su)[ \t]*\d)"
    r"|(?<!in )(?i:\b(?:\d{1,2}[ \t]*[°ºª^]?|primo|secondo|terzo|quarto|quinto|sesto|settimo|ottavo|nono"
    r"|decimo|ultimo)[ \t]+piano\b)"
    r"|(?i:\bpiano)[ \t]+(?:(?i:n\.?)[ \t]*)?\d{1,2}(?![\w.,/-])"
    r"|(?i:\bpiano[ \t]+(?:primo|secondo|terzo|quarto|quinto|sesto|settimo|ottavo|nono|decimo|attico)\b)"
    r"|(?i:\bcitofon\w{0,4})[ \t]+(?:(?i:a|al|alla)[ \t]+)?[A-Z]"
    r")",
)
_HEMI = r"(?:[ \t]?[NSEWO](?![\w]))?"
_PAIR_DOT = _Anchored(
    "0-9NSEWO+\\-−",
    rf"(?<![\w.,])(?:[NSEWO][ \t]?)?(?P<a>[-+−]?\d{{1,3}}\.\d{{2,12}})°?{_HEMI}[ \t]*(?:[,;/][ \t]*|[ \t]+)"
    rf"(?:[NSEWO][ \t]?)?(?P<b>[-+−]?\d{{1,3}}\.\d{{2,12}})°?{_HEMI}(?!\d|\.\d)",
    needs=r"\d[.]\d\d",
    reach=40,
)
_PAIR_COMMA = _Anchored(
    "0-9NSEWO+\\-−",
    rf"(?<![\w.,])(?:[NSEWO][ \t]?)?(?P<a>[-+−]?\d{{1,3}},\d{{2,12}})°?{_HEMI}[ \t]*(?:[;/][ \t]*|[ \t]+)"
    rf"(?:[NSEWO][ \t]?)?(?P<b>[-+−]?\d{{1,3}},\d{{2,12}})°?{_HEMI}(?!\d|,\d)",
    needs=r"\d,\d\d",
    reach=40,
)
_COORDINATES = _Anchored(
    "0-9lL",
    r"\d{1,3}[ \t]*°[ \t]*\d{1,2}[ \t]*['′’]"
    r"|\d{1,3}(?:[.,]\d{1,12})?[ \t]*°[ \t]*[NSEWO](?![\w])"
    r"|(?i:\b(?:lat|latitudine|lon|lng|long|longitudine)\.?[ \t]*[:=]?[ \t]*)[-+−]?\d{1,3}[.,]\d{3,12}",
    needs=r"\d",
    reach=60,
)
_OLC = "23456789CFGHJMPQRVWXcfghjmpqrvwx"
_PLUS_CODE = _Anchored(
    _OLC_FIRST,
    rf"(?<![\w+])(?:[{_OLC}]{{8}}\+[{_OLC}]{{0,3}}|[{_OLC}]{{4,6}}\+[{_OLC}]{{2,3}}"
    rf"|[{_OLC}]{{2,6}}0{{2,6}}\+)(?![\w+])",
    needs=r"\+",
    reach=12,
)
_URL = _Anchored(
    "a-zA-Z",
    r"(?i)(?:\b[a-z][a-z0-9+.\-]{0,20}://|\bwww\.)[^\s<>\"'()\[\]{}|\\^`]{1,2000}",
    needs=r"://|www\.",
    reach=30,
)
_BARE_MAP_HOST = _Anchored(
    "mMgGbBwWsSuUoOyYhH",
    r"(?i)(?<![\w-])(?:maps\.app\.goo\.gl|goo\.gl/maps|g\.page|g\.co/kgs|maps\.google\.[a-z.]{2,6}"
    r"|google\.[a-z]{2,3}(?:\.[a-z]{2})?/maps|maps\.apple\.com|maps\.apple|bing\.com/maps|wego\.here\.com"
    r"|share\.here\.com|waze\.com/|ul\.waze|openstreetmap\.org|osm\.org/|what3words\.com|w3w\.co/"
    r"|mapquest\.com|yandex\.[a-z]{2,3}/maps|here\.com/|umap\.|geohack|wikimapia)",
    before=r"\w\-",
    needs=r"\.",
    reach=30,
)
_GEO_URI = _Anchored("gG", r"(?i)\bgeo:\s*[-+]?\d", needs=r"(?i)geo:", reach=0)
_W3W = _Anchored(
    "/", r"(?<![/\w:])///[a-zà-ÿ]{2,20}\.[a-zà-ÿ]{2,20}\.[a-zà-ÿ]{2,20}\b", needs=r"///", reach=1
)
_MAP_HOST_WORD = re.compile(
    r"(?i)(?:^|[.\-])(?:maps?|mappa|mappe|mapy|carto|gis|geo|osm|umap|waze|w3w|geohack)(?:[.\-]|$)"
)
# Hosts of map services (and the domains they belong to): a URL on one of them is a map link.
_KNOWN_MAP_DOMAINS = (
    "openstreetmap.org",
    "openstreetmap.fr",
    "osm.org",
    "goo.gl",
    "g.page",
    "g.co",
    "waze.com",
    "what3words.com",
    "w3w.co",
    "mapquest.com",
    "here.com",
    "wikimapia.org",
    "mapillary.com",
    "bing.com",  # only its /maps pages, see below
)
_STRIP_FORMATTING = re.compile(r"[*_`~\\]+")
# Format characters (category Cf) a reader does not see: soft hyphen, zero-width, bidi controls, BOM.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


@dataclass(frozen=True)
class Leak:
    kind: str  # one of the values of _LEAK_KINDS: address, postcode, building, coordinates...
    code: str  # the registry code

    @property
    def what(self) -> str:
        """The kind in words: ADDRESS, POSTCODE, BUILDING, COORDINATES, PLUS_CODE or MAP_LINK."""
        return _what(self.kind)


def _mapping(value: object) -> dict:
    """`value` if it is a mapping, else an empty one (a record's shape is not yet checked here)."""
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _fold(text: str) -> str:
    """What a reader sees: character references decoded, compatibility forms folded (fullwidth
    digits), invisible format characters and Markdown emphasis removed, non-breaking spaces as spaces."""
    text = html.unescape(text) if "&" in text else text
    text = unicodedata.normalize("NFKC", text)  # also turns the no-break and other wide spaces into spaces
    return _STRIP_FORMATTING.sub("", _INVISIBLE.sub("", text))


def _is_map_url(url: str) -> bool:
    lowered = url.lower()
    rest = lowered.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = re.split(r"[?#]", host.rsplit("@", 1)[-1], maxsplit=1)[0].split(":", 1)[0]
    first = "/" + path.split("?", 1)[0].split("#", 1)[0]
    for domain in _KNOWN_MAP_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain != "bing.com" or first.startswith("/maps")
    if _MAP_HOST_WORD.search(host):
        return True
    return bool(re.search(r"/(?:maps?|mappa|mappe)(?:/|$)|/@-?\d", first[:300]))


def _number(text: str) -> tuple[float, int]:
    whole, _, decimals = text.replace("−", "-").replace(",", ".").partition(".")
    return float(f"{whole}.{decimals}"), len(decimals)


def _coordinate_pair(view: str) -> bool:
    """Two decimal numbers that read as latitude and longitude, one of them precise to 4 decimals."""
    for pattern in (_PAIR_DOT, _PAIR_COMMA):
        for match in pattern.finditer(view):
            (a, da), (b, db) = _number(match.group("a")), _number(match.group("b"))
            if max(da, db) < 4:
                continue
            if (abs(a) <= 90 and abs(b) <= 180) or (abs(a) <= 180 and abs(b) <= 90):
                return True
    return False


def _street_address(view: str) -> bool:
    return bool(_STREET.search(view) or _STREET_LOWER.search(view) or _CIVICO.search(view))


def _coordinates(view: str) -> bool:
    return bool(_COORDINATES.search(view)) or _coordinate_pair(view)


def _map_link(view: str) -> bool:
    return bool(
        _BARE_MAP_HOST.search(view)
        or _GEO_URI.search(view)
        or _W3W.search(view)
        or any(_is_map_url(m.group(0)) for m in _URL.finditer(view))
    )


def scan_text(text: str) -> list[Leak]:
    """Every kind of location leak in one piece of free text (each kind once)."""
    if not isinstance(text, str) or not text:
        return []
    view = _fold(text)
    found: list[Leak] = []
    if _street_address(view):
        found.append(Leak("address", "PROTECTED_TEXT_ADDRESS"))
    if _POSTCODE.search(view):
        found.append(Leak("postcode", "PROTECTED_TEXT_ADDRESS"))
    if _BUILDING.search(view):
        found.append(Leak("building", "PROTECTED_TEXT_ADDRESS"))
    if _coordinates(view):
        found.append(Leak("coordinates", "PROTECTED_TEXT_COORDINATES"))
    if _PLUS_CODE.search(view):
        found.append(Leak("plus_code", "PROTECTED_TEXT_COORDINATES"))
    if _map_link(view):
        found.append(Leak("map_link", "PROTECTED_TEXT_MAP_LINK"))
    return found


_SLUG_ODONYMS = frozenset(_WORDS["slug_odonyms"])
_SLUG_NUMBER = re.compile(r"^\d{1,4}[a-z]?$")
_SLUG_QUANTITY = frozenset(_WORDS["slug_quantities"])


def _house_number_after(words: list[str], i: int) -> bool:
    """The first number within five words after the odonym at `i` is a house number (not a year, not
    a quantity such as «10 posti»); a number right after the odonym («via 20 settembre») is not one."""
    for j in range(i + 2, min(i + 7, len(words))):
        if _SLUG_NUMBER.match(words[j]) and not any(_SLUG_NUMBER.match(w) for w in words[i + 1 : j]):
            after = words[j + 1] if j + 1 < len(words) else ""
            return after not in _SLUG_QUANTITY and not re.fullmatch(r"(?:19|20)\d\d", words[j])
    return False


def _slug_street(words: list[str]) -> bool:
    return any(word in _SLUG_ODONYMS and _house_number_after(words, i) for i, word in enumerate(words))


def _slug_postcode(words: list[str]) -> bool:
    """A postcode next to a town ("20121-milano") or after "cap"; a bare counter ("opportunita-00004")
    is not."""
    for i, word in enumerate(words):
        if not re.fullmatch(r"\d{5}", word):
            continue
        if (i + 1 < len(words) and re.fullmatch(r"[a-z]{3,}", words[i + 1])) or (i and words[i - 1] == "cap"):
            return True
    return False


def _slug_building(words: list[str]) -> bool:
    return any(
        a in ("interno", "int", "scala", "piano", "citofono") and re.fullmatch(r"\d{1,3}|[a-h]", b)
        for a, b in zip(words, words[1:], strict=False)
    )


def scan_slug(slug: str) -> list[Leak]:
    """Address parts in an id or a file name (lower case, words joined by hyphens)."""
    if not isinstance(slug, str):
        return []
    words = [w for w in re.split(r"[^a-z0-9]+", _fold(slug).lower()) if w][:200]
    found: list[Leak] = []
    if _slug_street(words):
        found.append(Leak("address", "PROTECTED_TEXT_ADDRESS"))
    if _slug_postcode(words):
        found.append(Leak("postcode", "PROTECTED_TEXT_ADDRESS"))
    if _slug_building(words):
        found.append(Leak("building", "PROTECTED_TEXT_ADDRESS"))
    return found


# -- Partners ------------------------------------------------------------------------------------------

_SEAT = re.compile(r"(?i)(?<!\w)(?:sede|sedi)(?!\w)")


def at_partner_seat(record: dict, partner: dict) -> bool:
    """A protected listing held at its partner's own premises: the place's name says «sede» or names
    the partner (its name or short name). Then the partner's address is the protected place's."""
    location = _mapping(record.get("location"))
    name = location.get("name")
    if not isinstance(name, str):
        return False
    folded = _fold(name).casefold()
    if _SEAT.search(folded):
        return True
    for key in ("name", "short_name"):
        value = partner.get(key)
        if isinstance(value, str) and len(value.strip()) >= 4 and _fold(value).casefold().strip() in folded:
            return True
    return False


_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;\n]|$)")


def dwelling_address_sentence(text: str) -> bool:
    """A sentence that names a home and gives a street address: a protected place on a partner's page."""
    if not isinstance(text, str) or not text:
        return False
    view = _fold(text)
    for match in _SENTENCE.finditer(view):
        sentence = match.group(0)
        if DWELLING.search(sentence) and (
            _STREET.search(sentence) or _STREET_LOWER.search(sentence) or _BUILDING.search(sentence)
        ):
            return True
    return False


# -- Findings ------------------------------------------------------------------------------------------

# Fields of a listing that hold codes, dates or choices, not free text.
_NOT_TEXT = frozenset({"id", "partner", "kind", "axes", "audience", "access", "zones", "status", "reviewed"})
_NOT_TEXT |= {"dates", "languages", "example", "cost", "places", "stipend"}
_PARTNER_TEXT = ("name", "short_name", "description", "services", "contact")


def _at(doc, code: str, path: tuple, **params):
    line, col = doc.position(path)
    return F.make(code, doc.path, line, col, field_name(path), **params)


def _leak_findings(doc, kind: str, path: tuple, leaks: list[Leak], code_for=None) -> list:
    """One finding per code and field, naming every kind of leak found there (never the text)."""
    if not leaks:
        return []
    by_code: dict[str, list[str]] = {}
    for leak in leaks:
        code = code_for(leak) if code_for else leak.code
        if leak.what not in by_code.setdefault(code, []):
            by_code[code].append(leak.what)
    title = schema.title_for(kind, path)
    return [_at(doc, code, path, title=title, what=_and().join(whats)) for code, whats in by_code.items()]


def _and() -> str:
    """What joins the kinds of leak found in one field («un CAP e un link a una mappa»)."""
    return messages.t("validate.protected.and")


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _file_name_findings(doc) -> list:
    """Address parts in the listing's file name, when it is not its id (already scanned)."""
    stem = _stem(doc.path)
    if stem == doc.data.get("id"):
        return []
    field = messages.t("validate.protected.file_name_field")
    title = messages.t("validate.protected.file_name_title")
    return [F.make(leak.code, doc.path, 1, 1, field, title=title, what=leak.what) for leak in scan_slug(stem)]


_PLACE_FIELDS = (("location", "visibility"), ("location", "address"))


def _text_findings(doc) -> list:
    """Address text, coordinates and map links in the free text of a listing."""
    out = []
    for path, text in _strings(doc.data):
        if path and path[0] not in _NOT_TEXT and path not in _PLACE_FIELDS:
            out += _leak_findings(doc, "opportunity", path, scan_text(text))
    return out


def listing_findings(doc) -> list:
    """Everything a protected listing must not carry: an address field, address text, coordinates,
    map links, an address in its id or file name. Nothing for a listing that is not protected."""
    data = doc.data
    if not isinstance(data, dict) or not is_protected(data):
        return []
    out = []
    location = _mapping(data.get("location"))
    if data.get("kind") != "housing" and location.get("visibility") == "public":
        out.append(_at(doc, "PROTECTED_PLACE_PUBLIC", ("location", "visibility"), word=dwelling_word(data)))
    if "address" in location:
        out.append(_at(doc, "PROTECTED_ADDRESS_FIELD", ("location", "address")))
    out += _text_findings(doc)
    record_id = data.get("id")
    if isinstance(record_id, str):
        out += _leak_findings(doc, "opportunity", ("id",), scan_slug(record_id))
    return out + _file_name_findings(doc)


def _seat_findings(doc, contact: dict, reason: str) -> list:
    """A partner whose seat holds a protected listing: its address field and any address, coordinates
    or map link in its text."""
    data = doc.data
    out = []
    if contact.get("address"):
        title = messages.t("validate.protected.seat_title")
        path = ("contact", "address")
        out.append(
            _at(doc, "PARTNER_ADDRESS_PROTECTED", path, title=title, what=_what("address"), reason=reason)
        )
    for path, text in _strings({k: data.get(k) for k in _PARTNER_TEXT if k in data}):
        if path in (("contact", "address"), ("contact", "email"), ("contact", "phone")):
            continue
        leaks = scan_text(text)
        if leaks:
            whats = _and().join(dict.fromkeys(leak.what for leak in leaks))
            title = schema.title_for("partner", path)
            out.append(_at(doc, "PARTNER_ADDRESS_PROTECTED", path, title=title, what=whats, reason=reason))
    return out


def _names_dwelling_address(path: tuple, text: str) -> bool:
    """The partner's address names a home and is an address; a sentence of its text names a home and
    gives an address."""
    if path == ("contact", "address"):
        return DWELLING.search(_fold(text)) is not None and bool(scan_text(text))
    return dwelling_address_sentence(text)


def _dwelling_findings(doc, contact: dict) -> list:
    """A partner's text (or address) that names a home and gives its address."""
    data = doc.data
    reason = messages.t("validate.protected.reason.dwelling_text")
    texts = list(_strings({k: data.get(k) for k in ("description", "services") if k in data}))
    if isinstance(contact.get("address"), str):
        texts.append((("contact", "address"), contact["address"]))
    out = []
    for path, text in texts:
        if not _names_dwelling_address(path, text):
            continue
        at_seat = path == ("contact", "address")
        title = messages.t("validate.protected.seat_title") if at_seat else schema.title_for("partner", path)
        what = _what("address")
        out.append(_at(doc, "PARTNER_ADDRESS_PROTECTED", path, title=title, what=what, reason=reason))
    return out


def partner_findings(doc, listings: list) -> list:
    """A partner's own address where it coincides with a protected place.

    It coincides when a protected listing of this partner is held at the partner's seat
    (`at_partner_seat`): then the partner's address field and any address, coordinates or map link in
    its text is the protected place's. Independently of listings, a sentence of the partner's text that
    names a home and gives an address puts a protected place on the partner's page."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    seat = [item for item in listings if at_partner_seat(item.data, data)]
    contact = _mapping(data.get("contact"))
    if seat:
        reason = messages.t("validate.protected.reason.seat", id=seat[0].data.get("id"))
        return _seat_findings(doc, contact, reason)
    return _dwelling_findings(doc, contact)


def _shown(doc, only: set[str] | None) -> bool:
    return only is None or doc.path in only


def _public_seat_findings(protected: list, partners: dict, only: set[str] | None) -> list:
    """The listing learns it too, so that the form, the issue intake and the importer (which look only
    at the new listing) refuse it."""
    out = []
    for doc in protected:
        partner = partners.get(doc.data.get("partner"))
        if not _shown(doc, only) or partner is None or not at_partner_seat(doc.data, partner.data):
            continue
        if any(f.code == "PARTNER_ADDRESS_PROTECTED" for f in partner_findings(partner, [doc])):
            out.append(
                _at(doc, "PROTECTED_AT_PUBLIC_SEAT", ("location", "name"), partner=partner.data.get("id"))
            )
    return out


def check(content, only: set[str] | None = None) -> list:
    """The protected-place findings of a whole project (called by `rules.check`); with `only` (shown
    paths), those of these records, still judged against every listing and partner loaded."""
    out = []
    listings = content.valid("opportunity")
    protected = [doc for doc in listings if is_protected(doc.data)]
    for doc in listings:
        if _shown(doc, only):
            out += listing_findings(doc)
    by_partner: dict[str, list] = {}
    for doc in protected:
        by_partner.setdefault(doc.data.get("partner"), []).append(doc)
    partners = {doc.data.get("id"): doc for doc in content.valid("partner")}
    for pid, partner in partners.items():
        if _shown(partner, only):
            out += partner_findings(partner, by_partner.get(pid, []))
    return out + _public_seat_findings(protected, partners, only)
