"""The message catalogue (scripts/bds/data/messages/<lang>.yml) and no user-facing Italian outside it.

How the scan decides that a literal is user-facing Italian (`looks_italian`):
- Python: every string literal and f-string part under scripts/bds, docstrings excluded; JS: every quoted
  string in the kit's .js files; theme templates: the text between tags and the values of the attributes
  people see or hear (title, aria-label, placeholder, alt, content), Jinja expressions removed.
- Placeholders (`{...}`, `%s`), HTML tags, entities and web addresses are removed first; then the literal is
  Italian when it has an Italian accented letter (à è é ì ò ù), or two or more words one of which is an
  Italian function word (il, della, per, non, che...), or a word of four letters or more that the Italian
  catalogue itself uses, unless the literal is one token that reads as code: lower-case (`zone`, `data`,
  and the schemas' Italian enum keys such as `abitare`), upper-case (`FILE_EMPTY`) or with punctuation
  (`--today`, `/index.md`).
  The limit: a single lower-case Italian word without accents («gennaio») passes as a key.
- A line may say why its literal is not text for people with a trailing `# msg-ok: <reason>` (a regular
  expression over Italian words, a standard's fixed label).
- A file still marked `messages: pending` (in a comment) is not scanned yet: the migration's to-do list.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import re
import string
import tokenize
from pathlib import Path

import pytest
import yaml
from bds import messages, schema

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scripts" / "bds"
CATALOGUE = PACKAGE / "data" / "messages"

FUNCTION_WORDS = set(
    """il lo la gli le un uno una di del dello della dei degli delle da dal dallo dalla dai dalle nel nello
    nella nei nelle con sul sulla sui sulle tra fra non che è sono ha hai hanno puoi può questo questa
    questi quello quella dove quando anche più al allo alla ai agli alle ti tuo tua tuoi tue ci ne vuoi
    serve nessun nessuna ogni tutti tutte oppure perché già manca mancano cosa chi te""".split()
)
# Function words that are text even alone («nessuna»); short ones and «serve» (a command) are keys.
LONE_WORDS = {w for w in FUNCTION_WORDS if len(w) >= 5 and w != "serve"}
ACCENTED = re.compile(r"[àèéìíòóùú]", re.IGNORECASE)
NOISE = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdf]|%[sdf]|<[^<>]*>|&\w+;|&#\d+;|https?://\S+|mailto:\S+|\\[nt]")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_./:-]*$")
OK_MARK = re.compile(r"(?:#|//)\s*msg-ok:\s*(\S.*)$")
PENDING_MARK = "messages: pending"
# Words Italian messages borrow from English or name formats: in code they are not Italian text.
SHARED_WORDS = set(
    """file email link online issue issues repository commit browser json yaml markdown html script form
    template service partner budget social privacy cookie github pull request type name title summary text
    data http https feed calendar schema table index true false search exclude human services
    specification code""".split()
)


def _schema_keys() -> set[str]:
    """Field names of the kit's schemas: messages quote them («schedule»), code uses them as keys."""
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "properties" and isinstance(value, dict):
                    keys.update(k.lower() for k in value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in (ROOT / "schemas").rglob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return keys


@functools.lru_cache(maxsize=1)
def _catalogue_words() -> set[str]:
    words: set[str] = set()
    for value in messages.catalogue("it").values():
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            words.update(w.lower() for w in _words(str(text)) if len(w) >= 4)
    return words - _schema_keys()


def _words(text: str) -> list[str]:
    """The words of `text` once markup is gone: whitespace-separated tokens made only of letters (apostrophes
    split «dell'ente»), so `class="bds-inline"`, `--no-input` or `padding:.45em` are not words."""
    words = []
    for token in NOISE.sub(" ", text).split():
        if token.lstrip("«(").startswith("--"):  # an option name (--people) is not a word
            continue
        token = token.strip("«»“”\"'()[].,;:!?…–—-")
        for part in re.split(r"['’]", token):
            if part.isalpha():
                words.append(part)
    return words


def is_code(text: str) -> bool:
    """A key, a code, a path, an option or a selector: one token with no space, lower-case or with
    punctuation (`zone`, `FILE_EMPTY`, `--no-input`, `/index.md`, `@type`), never a capitalised word."""
    bare = text.strip()
    if not bare or any(ch.isspace() for ch in bare) or bare.lower() in LONE_WORDS:
        return False
    return bool(
        re.fullmatch(r"[A-Z0-9_]+", bare) or re.search(r"[_./:@=#|\\<>\[\](){}-]", bare) or bare.islower()
    )


def looks_italian(text: str, lexicon: set[str] | None = None) -> bool:
    words = _words(text)
    if any(ACCENTED.search(w) for w in words):
        return True
    if not words or is_code(text):
        return False
    lower = [w.lower() for w in words]
    if len(words) >= 2 and any(w in FUNCTION_WORDS for w in lower):
        return True
    lexicon = _catalogue_words() if lexicon is None else lexicon
    return any(len(w) >= 4 and w in lexicon and w not in SHARED_WORDS for w in lower)


def _docstring_ids(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def python_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    docs = _docstring_ids(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


JS_STRING = re.compile(r"""(["'`])((?:\\.|(?!\1)[^\\\n])*)\1""")


def js_literals(source: str) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(source.splitlines(), 1):
        code = line.split("//", 1)[0] if "//" in line and "://" not in line else line
        out += [(number, m.group(2)) for m in JS_STRING.finditer(code)]
    return out


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
SEEN_ATTRIBUTES = re.compile(r"""\b(?:title|aria-label|placeholder|alt|content)\s*=\s*"([^"]*)\"""")


def template_texts(source: str) -> list[tuple[int, str]]:
    out = []
    source = JINJA.sub(lambda m: " " + "\n" * m.group().count("\n"), source)  # keeps line numbers
    for number, bare in enumerate(source.splitlines(), 1):
        out += [(number, m.group(1)) for m in SEEN_ATTRIBUTES.finditer(bare)]
        out += [(number, text) for text in re.split(r"<[^<>]*>", bare) if text.strip()]
    return out


def kit_sources() -> list[Path]:
    """Python, JS and theme templates of the kit; Material's own per-language strings
    (theme/partials/languages/<lang>.html) are a catalogue of their own, one file per language."""
    files = (
        sorted(PACKAGE.rglob("*.py"))
        + sorted(PACKAGE.rglob("*.js"))
        + sorted((PACKAGE / "web" / "theme").rglob("*.html"))
    )
    return [p for p in files if "__pycache__" not in p.parts and "languages" not in p.parent.parts]


def literals(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return python_literals(source)
    if path.suffix == ".js":
        return js_literals(source)
    return template_texts(source)


def _ok_lines(source: str) -> set[int]:
    return {n for n, line in enumerate(source.splitlines(), 1) if OK_MARK.search(line)}


def _python_ok_lines(source: str) -> set[int]:
    """Lines whose literal carries `# msg-ok:`; a literal spanning lines counts from any of its lines."""
    marked = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and OK_MARK.search(tok.string):
            marked.add(tok.start[0])
    return marked


def italian_outside_catalogue(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    if PENDING_MARK in source:
        return []
    ok = _python_ok_lines(source) if path.suffix == ".py" else _ok_lines(source)
    found = []
    for line, text in literals(path):
        last = line + text.count("\n")
        if looks_italian(text) and not any(n in ok for n in range(line, last + 1)):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}")
    return found


# -- the decider itself, both ways ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Costo per te",
        "Nessun risultato",
        "la scheda è scaduta",
        "Vedi {count} risultati",
        "Paga",
        "<strong>Posti esauriti</strong>",
        "Controllo dei contenuti…",
        "città",
    ],
)
def test_decider_flags_italian(text):
    assert looks_italian(text, lexicon={"paga", "posti", "risultati"}), text


@pytest.mark.parametrize(
    "text",
    [
        "zone",
        "data",
        "text/html; charset=utf-8",
        "{title}",
        "%s: %s",
        "https://example.org/la-pagina",
        "application/ld+json",
        "md-button md-button--primary",
        "utf-8",
        "",
        "  ",
        "---",
        "<br>",
    ],
)
def test_decider_lets_code_through(text):
    assert not looks_italian(text, lexicon={"zone", "data", "pagina"}), text


# -- the catalogue ----------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogue_files_are_well_formed():
    for path in sorted(CATALOGUE.glob("*.yml")):
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(tree, dict), path
        for key, value in messages.catalogue(path.stem).items():
            texts = list(value.values()) if isinstance(value, dict) else [value]
            assert all(isinstance(t, str) and t.strip() for t in texts), f"{path.name}: {key}"
            for text in texts:
                _placeholders(text)  # raises on a broken brace


def schema_texts() -> dict[str, str]:
    """The schemas' Italian texts a page shows, keyed as another language's catalogue says them:
    `labels.<kind>.<path>.<value>` (x-labels) and `fields.opportunity.<path>.<attr>` (the form's fields).
    Italian has them in the schemas (one source); other languages in their `labels` and `fields`."""
    out: dict[str, str] = {}

    def walk(kind: str, node: object, path: tuple) -> None:
        if not isinstance(node, dict):
            return
        for value, label in (node.get("x-labels") or {}).items():
            out[f"labels.{kind}.{'.'.join(path)}.{value}"] = label
        for name, child in (node.get("properties") or {}).items():
            walk(kind, child, (*path, name))
        walk(kind, node.get("items"), path)
        for option in node.get("anyOf") or []:
            walk(kind, option, path)

    for kind in ("opportunity", "partner", "guide"):
        walk(kind, schema.load_schema(kind), ())
    from bds.intake import fields as intake_fields

    seen = {}
    for f in intake_fields.fields():
        node = schema.subschema("opportunity", f.path)
        seen[f.path] = node
        if f.group:
            seen[f.group] = schema.subschema("opportunity", f.group)
    for path, node in seen.items():
        for attr, key in (("title", "title"), ("description", "description"), ("expected", "x-expected")):
            if node.get(key):
                out[f"fields.opportunity.{'.'.join(path)}.{attr}"] = node[key]
    return out


def test_every_declared_language_has_every_key_of_its_sections():
    """Another language has every key of the sections it translates (cli and report stay Italian);
    the schemas' labels and field texts count as Italian keys of the `labels` and `fields` sections."""
    italian = {**messages.catalogue("it"), **schema_texts()}
    for language in messages.languages():
        if language == "it":
            continue
        own = messages.catalogue(language)
        sections = {key.split(".")[0] for key in own}
        missing = [k for k in italian if k.split(".")[0] in sections and k not in own]
        assert not missing, f"{language}.yml: mancano {missing[:20]}"
        for key, value in own.items():
            it_value = italian.get(key)
            assert it_value is not None, f"{language}.yml: {key} non esiste in it.yml"
            it_text = " ".join(it_value.values()) if isinstance(it_value, dict) else it_value
            own_text = " ".join(value.values()) if isinstance(value, dict) else value
            assert _placeholders(own_text) <= _placeholders(it_text) | set(messages.words()) | {"count"}, key


def test_every_key_the_code_asks_for_exists():
    asked = re.compile(r"""\b(?:messages\.)?t\(\s*["']([a-z_][\w.]*)["']""")
    known = messages.catalogue("it")
    missing = []
    for path in kit_sources():
        if path.suffix != ".py":
            continue
        for match in asked.finditer(path.read_text(encoding="utf-8")):
            if match.group(1) not in known:
                missing.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
    assert not missing, missing


# -- the lookup helper ------------------------------------------------------------------------------


def test_lookup_fills_placeholders_words_and_plurals(tmp_path, monkeypatch):
    (tmp_path / "it.yml").write_text(
        "a:\n  found:\n    one: '{count} opportunità trovata'\n    other: '{count} opportunità trovate'\n"
        "  ask: 'Chiedi a {unit_the}'\n  start: '{unit_the!c} ti risponde'\n",
        encoding="utf-8",
    )
    (tmp_path / "ar.yml").write_text(
        "a:\n  found:\n    zero: 'z'\n    one: 'o'\n    two: 't'\n"
        "    few: 'f {count}'\n    many: 'm'\n    other: 'x'\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(messages.kitfiles, "data", lambda name: tmp_path)
    messages.clear_cache()
    try:
        assert messages.t("a.found", count=1) == "1 opportunità trovata"
        assert messages.t("a.found", count=3) == "3 opportunità trovate"
        assert messages.t("a.ask") == "Chiedi a il CPS"
        with messages.use(words={"unit_the": "l'UONPIA"}):
            assert messages.t("a.start") == "L'UONPIA ti risponde"
        with messages.use(language="ar"):
            assert [messages.t("a.found", count=n) for n in (0, 1, 2, 5, 11, 100)] == [
                "z",
                "o",
                "t",
                "f 5",
                "m",
                "x",
            ]
            assert messages.t("a.ask") == "Chiedi a il CPS"  # missing in Arabic: Italian
        with pytest.raises(messages.MessageError):
            messages.t("a.nothing")
    finally:
        messages.clear_cache()


# -- no Italian outside the catalogue ----------------------------------------------------------------


def test_no_user_facing_italian_outside_the_catalogue():
    found = [line for path in kit_sources() for line in italian_outside_catalogue(path)]
    assert not found, f"{len(found)} testi in italiano fuori dal catalogo:\n" + "\n".join(found[:60])


def test_the_scan_would_see_a_planted_literal(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        '"""Docstring in italiano: non conta."""\nLABEL = "Costo per te"\nKEY = "zone"\n', encoding="utf-8"
    )
    planted_ok = tmp_path / "planted_ok.py"
    planted_ok.write_text(
        'WORDS = "appartamento|alloggio"  # msg-ok: regular expression of home words\n', encoding="utf-8"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert italian_outside_catalogue(planted) == ["planted.py:2: 'Costo per te'"]
        assert italian_outside_catalogue(planted_ok) == []
    finally:
        ROOT = saved


def test_no_file_is_left_pending():
    """`# messages: pending` marks a file the migration has not reached; none may be left."""
    pending = [
        str(p.relative_to(ROOT)) for p in kit_sources() if PENDING_MARK in p.read_text(encoding="utf-8")
    ]
    assert not pending, f"{len(pending)} file ancora da migrare: {pending}"
