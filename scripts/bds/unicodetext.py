"""Text hygiene: characters that hide, reorder or break text, and partner names that look alike.

Every file of a project is scanned as text before it is parsed (so a character is located at its
line and column, comments included), and every string value afterwards (a YAML escape such as
"\\u202e" writes the character without it appearing in the file). What is refused, and why:

- bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): they display text in an
  order other than the one stored ("Trojan Source"), so a reviewer reads something else than the site
  publishes. The marks U+200E, U+200F and U+061C are accepted only on a line that holds right-to-left
  letters (Arabic, Hebrew...), where they are legitimate; elsewhere they are refused too;
- invisible and format characters (zero-width space and joiners, word joiner, BOM inside text, soft
  hyphen, invisible operators, Hangul fillers, tag characters...): they split words so that the wording
  checks, the search and duplicate detection miss them, or smuggle hidden text. A zero-width joiner
  between two symbols (emoji sequences such as a woman health worker) is accepted;
- control characters other than tab and line feed (a carriage return only in a CRLF line end), C1
  controls included: terminals, feeds and calendars misread them;
- non-characters (U+FDD0-FDEF and the last two code points of every plane): not text at all;
- the line and paragraph separators U+2028/2029: line breaks for some readers and not for others.

Text is kept in Unicode normal form C: the loader returns NFC strings (so the site, the search and the
comparisons below see one spelling of "è") and `bds fmt` writes records back in NFC.
"""

from __future__ import annotations

import re
import unicodedata

from . import findings as F
from . import messages

BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
BIDI_MARKS = frozenset({0x200E, 0x200F, 0x061C})
LINE_SEPARATORS = frozenset({0x2028, 0x2029})
ZWJ = 0x200D
_HANGUL_FILLERS = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0})
# Every Cf (format) character is refused but the joiner between two symbols; variation selectors (Mn,
# as in the emoji "❤️") stay allowed, the Mongolian ones aside.
_OTHER_INVISIBLE = frozenset({0x034F, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F})

# Every character that may need a look; the rest of the text is skipped in C by this one regex.
_SUSPECT = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (not tab, line feed), DEL, C1; CR is checked below
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2028\u2029\u2060-\u206f\u3164\ufdd0-\ufdef\ufeff\uffa0\ufff0-\uffff"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
    + "".join(f"\\U{p:08x}\\U{p + 1:08x}" for p in range(0x1FFFE, 0x110000, 0x10000))
    + "]"
)

# The same characters seen in UTF-8 bytes, a superset (tests/test_hygiene.py proves it code point by
# code point): C0 and DEL as they are; U+0080-00BF only the C1 controls and the soft hyphen; U+0100-1FFF
# and U+3000 up by their first byte; of U+2000-2FFF only U+200B-200F, U+2028-202E and U+2060-206F.
# Plain and accented Latin text (U+00C0-00FF, « », –, ’, €) has none of them: a byte class scans it
# several times faster than the class above, and a file without a hit needs no look at its characters.
_SUSPECT_BYTES = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f\xc4-\xe1\xe3-\xff]|\xc2[\x80-\x9f\xad]"
    rb"|\xe2(?:\x80[\x8b-\x8f\xa8-\xae]|\x81[\xa0-\xaf])"
)
# The bytes that start none of those sequences: deleting them (bytes.translate, many times faster than
# any pattern) leaves nothing of most files.
_PLAIN_BYTES = bytes(
    b for b in range(256) if b in (9, 10) or 0x20 <= b < 0x7F or 0x80 <= b < 0xC2 or b == 0xC3
)

# YAML refuses these outright, or reads them as line breaks (NEL, U+2028/2029) that shift the rest of
# the file: the file cannot be parsed usefully, so only these findings are reported.
_YAML_BREAKING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")

_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def char_name(ch: str) -> str:
    """«RIGHT-TO-LEFT OVERRIDE (U+202E)»: the Unicode name and code point, as people can look it up."""
    code = ord(ch)
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(code, "")
    if not name:
        name = messages.t(
            "validate.text.noncharacter" if _is_noncharacter(code) else "validate.text.control_character"
        )
    return f"«{name} (U+{code:04X})»"


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _has_rtl(text: str) -> bool:
    # Letters only: the right-to-left mark is itself of bidi class R.
    return any(unicodedata.bidirectional(c) in ("R", "AL") and c.isalpha() for c in text)


def _symbol(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f")


def classify(text: str, i: int, rtl: bool | None = None) -> str | None:
    """The finding code for the character at `text[i]`, or None when it is acceptable there.

    `rtl`: whether the line holds right-to-left letters (None: look at the whole of `text`).
    """
    code = ord(text[i])
    if code == 0x0D:
        return None if text.startswith("\n", i + 1) else "TEXT_CONTROL_CHAR"
    if code in BIDI_CONTROLS or code in BIDI_MARKS:
        return _bidi(text, code, rtl)
    if code in LINE_SEPARATORS:
        return "TEXT_LINE_SEPARATOR"
    if _is_noncharacter(code):
        return "TEXT_NONCHARACTER"
    return _invisible(text, i)


def _bidi(text: str, code: int, rtl: bool | None) -> str | None:
    """A bidi control is always refused; a bidi mark only where no right-to-left letter needs it."""
    if code in BIDI_CONTROLS:
        return "TEXT_BIDI_CONTROL"
    return None if (_has_rtl(text) if rtl is None else rtl) else "TEXT_BIDI_CONTROL"


def _invisible(text: str, i: int) -> str | None:
    """Control and invisible characters (tab and line feed are fine; a joiner between two symbols
    builds an emoji)."""
    ch = text[i]
    category = unicodedata.category(ch)
    if category == "Cc":
        return None if ch in "\t\n" else "TEXT_CONTROL_CHAR"
    if ord(ch) == ZWJ:
        return None if _joins_symbols(text, i) else "TEXT_INVISIBLE_CHAR"
    if category == "Cf" or ord(ch) in _HANGUL_FILLERS or ord(ch) in _OTHER_INVISIBLE:
        return "TEXT_INVISIBLE_CHAR"
    return None


def _joins_symbols(text: str, i: int) -> bool:
    """The joiner at `text[i]` stands between two symbols (an emoji sequence)."""
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return _symbol(before) and _symbol(after)


MAX_PER_FILE = 20  # a pasted block of thousands of invisible characters gives 20 findings, not thousands


def may_hold_suspects(text: str, raw: bytes | None = None) -> bool:
    """False only when `text` (whose UTF-8 bytes are `raw`, when at hand) holds no character `scan` or
    `suspect` would look at."""
    encoded = raw if raw is not None else text.encode("utf-8", "surrogatepass")
    if not encoded.translate(None, _PLAIN_BYTES):
        return False
    return _SUSPECT_BYTES.search(encoded) is not None and _SUSPECT.search(text) is not None


def scan(text: str, limit: int = MAX_PER_FILE) -> list[tuple[int, int, str, str]]:
    """The first `limit` refused characters of `text`: (1-based line, 1-based column, code, character).

    Linear: lines are counted from one hit to the next, and each line is looked at once.
    """
    out = []
    line_no, counted = 1, 0
    line_start, line_end, rtl = 0, -1, None
    for match in _SUSPECT.finditer(text):
        i = match.start()
        if i > line_end:  # a new line: find its bounds once
            line_no += text.count("\n", counted, i)
            counted = i
            line_start = text.rfind("\n", 0, i) + 1
            found = text.find("\n", i)
            line_end = len(text) if found == -1 else found
            rtl = None
        if ord(text[i]) in BIDI_MARKS and rtl is None:
            rtl = _has_rtl(text[line_start:line_end])
        code = classify(text, i, rtl)
        if code:
            out.append((line_no, i - line_start + 1, code, text[i]))
            if len(out) >= limit:
                break
    return out


def yaml_unreadable(text: str) -> bool:
    """True when the text holds a character that stops or misleads the YAML parser itself."""
    return bool(_YAML_BREAKING.search(text))


def text_findings(text: str, shown: str, line_offset: int = 0, field: str = "") -> list[F.Finding]:
    """Located findings for the refused characters of a text (a guide's body: `field` is "testo")."""
    return [
        F.make(code, shown, line + line_offset, column, field, char=char_name(ch))
        for line, column, code, ch in scan(text)
    ]


def document_findings(doc, hits: list, suspects: list[tuple[tuple, str]], text: str = "") -> list[F.Finding]:
    """Findings for a loaded YAML document (`bds.load.Document`).

    `hits` come from `scan` of the file's text (line numbers of that text); each is named after the
    field whose value starts last before it. `suspects` are (path, value) of string values holding a
    suspect character: those not already seen in the text were written as escapes and are reported at
    the value.
    """
    from .load import field_name

    ordered = sorted((pos, path) for path, pos in doc.positions.items())
    comments = {n for n, line in enumerate(text.split("\n"), start=1) if line.lstrip().startswith("#")}
    out = []
    for line, column, code, ch in hits:
        where = (line + doc.line_offset, column)
        path = () if line in comments else _field_before(ordered, where)
        out.append(F.make(code, doc.path, where[0], where[1], field_name(path), char=char_name(ch)))
    return out + _escaped_findings(doc, suspects, {ch for *_, ch in hits}, len(out))


def _field_before(ordered: list, where: tuple[int, int]) -> tuple:
    """The path of the field whose value starts last before `where` (few hits per file,
    MAX_PER_FILE: a plain scan is enough)."""
    path = ()
    for pos, candidate in ordered:
        if pos > where:
            break
        path = candidate
    return path


def _escaped_findings(doc, suspects: list[tuple[tuple, str]], seen: set[str], count: int) -> list[F.Finding]:
    """Findings at the values whose suspect characters were written as escapes (not `seen` in the
    text), while the file has fewer than MAX_PER_FILE (`count` so far)."""
    from .load import field_name

    out: list[F.Finding] = []
    for path, value in suspects:
        if count + len(out) >= MAX_PER_FILE:
            break
        line, column = doc.position(path)
        found = value_findings(value, doc.path, line, column, field_name(path))
        out += [f for f in found if not _reported(f, seen)]
    return out


def _reported(finding: F.Finding, seen: set[str]) -> bool:
    return any(char_name(ch) in finding.message for ch in seen)


def value_findings(value: str, shown: str, line: int, column: int, field: str) -> list[F.Finding]:
    """Findings for a string value, located at the value (for characters written as YAML escapes)."""
    out = []
    seen = set()
    rtl = None
    for match in _SUSPECT.finditer(value):
        if rtl is None and ord(match.group(0)) in BIDI_MARKS:
            rtl = _has_rtl(value)
        # A value never holds a carriage return unless a YAML escape wrote it: never a line end there.
        code = "TEXT_CONTROL_CHAR" if match.group(0) == "\r" else classify(value, match.start(), rtl)
        if code and (code, match.group(0)) not in seen:
            seen.add((code, match.group(0)))
            out.append(F.make(code, shown, line, column, field, char=char_name(match.group(0))))
            if len(out) >= MAX_PER_FILE:
                break
    return out


def suspect(value: str) -> bool:
    """Cheap first look: does `value` hold any character that may be refused?"""
    return _SUSPECT.search(value) is not None


def nfc(value: str) -> str:
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


# -- look-alike names ---------------------------------------------------------------------------------

# Cyrillic and Greek letters that look like Latin ones: the "prototype" of each in the confusables
# table of Unicode Technical Standard #39 (https://www.unicode.org/Public/security/latest/confusables.txt,
# data under the Unicode License v3, https://www.unicode.org/license.txt: copyright Unicode, Inc., use
# allowed with this notice). A hand-picked subset of its mappings: the letters an attacker uses to spell
# an Italian or Latin-script name, lower and upper case, plus "rn" read as "m" (see `skeleton`).
_CONFUSABLE_SOURCE = (
    # Cyrillic
    "аa бb вb гr дd еe ёë жж зз иu йu кk лл мm нh оo пn рp сc тt уy фф хx цц чч шш щщ ъъ ыы ьb эз юю яя"
    " ѕs іi їï јj һh ԁd ԛq ԝw ӏl"
    " АA ВB ЕE ЁË ЗЗ КK МM НH ОO РP СC ТT УY ХX ЅS ІI ЇÏ ЈJ ԚQ ԜW Ӏl"
    # Greek
    " αa βb γy ειi ιi κk νv οo ρp τt υu χx ωw"
    " ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX"
    # Latin look-alikes of other Latin letters, and digits
    " ıi ſs ɑa ɡg ʟl ⅼl ℓl 0o 1l"
).split()
_CONFUSABLES = {pair[0]: pair[1] for pair in _CONFUSABLE_SOURCE if pair[0] != pair[1]}


def skeleton(name: str) -> str:
    """UTS #39 style skeleton: NFKD, look-alikes to their prototype, no marks, case and spacing folded.

    Two names with the same skeleton look the same to a reader ("Coop Аrcobaleno" with a Cyrillic А and
    "Coop Arcobaleno").
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(_CONFUSABLES.get(c, c) for c in text if not unicodedata.combining(c))
    text = text.casefold()
    text = "".join(_CONFUSABLES.get(c, c) for c in text)
    text = re.sub(r"[\W_]+", " ", text).strip()
    return text.replace("rn", "m")  # "rn" reads as "m" in most fonts


def plain_key(name: str) -> str:
    """Duplicate check: the same name up to case, accents' encoding, spacing and punctuation."""
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()


_LETTER_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in _LETTER_SCRIPTS:
        if name.startswith(script):
            return script
    return "OTHER"


def mixed_script_word(name: str) -> str | None:
    """The first word of `name` that mixes letters of Latin and another alphabet (Cyrillic, Greek...)."""
    for word in re.findall(r"\w+", name):
        scripts = {s for s in map(_script, word) if s}
        if len(scripts) > 1 and scripts & set(_LETTER_SCRIPTS):
            return word
    return None
