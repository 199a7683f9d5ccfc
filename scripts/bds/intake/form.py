"""The «Proponi un'opportunità» web form, generated from the opportunity schema.

`build(schema, content)` is pure: it returns the form's HTML fragment, the
configuration the browser script reads (fields, rules and the validator's own
Italian messages, rendered from `bds.findings.REGISTRY`), and the static assets.
Labels, help texts, choices and required marks all come from the schema, so
the form cannot drift from it. `standalone_html()` wraps the fragment in a
page of its own (used offline and by the tests); `provider()` adds it to the site.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from html import escape
from importlib import resources

from .. import findings as F
from .. import protected, rules
from .. import schema as S
from ..web.providers import mark
from . import fields as FD
from . import spreadsheet

ASSETS = ("form.js", "form.css")
PAGE_DIR = "proponi"
TEMPLATE_NAME = "modello-opportunita.csv"
STORAGE_KEY = "bds-proponi-bozza-v1"


@dataclass(frozen=True)
class FormPage:
    fragment: str  # the form, ready to sit inside any page
    config: dict  # what assets/form.js reads
    title: str = "Proponi un'opportunità"


def _msg(code: str, **params) -> str:
    return F.make(code, "", 0, 0, **params).message


def _templates() -> dict[str, str]:
    """Registry templates for messages whose values the browser fills in (dates, ids)."""
    return {
        code: F.REGISTRY[code].template
        for code in ("DATE_ORDER", "DEADLINE_AFTER_END", "ID_DUPLICATE", "VALUE_REPEATED")
    }


def _field_config(f: FD.Field, lists: dict) -> dict:
    node = f.schema
    item = f.item_schema
    title = f.title
    conf: dict = {
        "name": f.name,
        "id": f.html_id,
        "title": title,
        "widget": f.widget,
        "required": f.required,
        "choices": FD.choices_for(f, lists),
        "messages": {},
    }
    m = conf["messages"]
    m["required"] = _msg("FIELD_REQUIRED", title=title, name=f.path[-1])
    if f.widget == "date":
        conf["pattern"] = node.get("pattern")
        m["pattern"] = _msg("DATE_INVALID", title=title)
    elif "pattern" in item:
        conf["pattern"] = item["pattern"]
        code = item.get("x-code")
        m["pattern"] = (
            _msg(code, title=title)
            if code
            else _msg(
                "VALUE_FORMAT", title=title, expected=item.get("x-expected", "vedi la descrizione del campo")
            )
        )
    for key, what in (("minLength", "caratteri"), ("minItems", "voci")):
        source = item if key == "minLength" else node
        if key in source and not (key == "minItems" and f.widget == "checkboxes"):
            conf[key] = source[key]
            m[key] = _msg("VALUE_TOO_SHORT", title=title, detail=f"almeno {source[key]} {what}")
    for key, what in (("maxLength", "caratteri"), ("maxItems", "voci")):
        source = item if key == "maxLength" else node
        if key in source:
            conf[key] = source[key]
            m[key] = _msg("VALUE_TOO_LONG", title=title, detail=f"al massimo {source[key]} {what}")
    numeric = f.number_schema if f.widget == "choice-or-number" else node
    if f.widget in ("integer", "number", "choice-or-number"):
        for key, word in (("minimum", "almeno"), ("maximum", "al massimo")):
            if key in numeric:
                conf[key] = numeric[key]
                m[key] = _msg("VALUE_OUT_OF_RANGE", title=title, detail=f"{word} {numeric[key]}")
        expected = "un numero intero" if f.widget == "integer" else "un numero"
        m["type"] = _msg("FIELD_TYPE", title=title, expected=expected)
        if f.widget == "choice-or-number":
            m["type"] = _msg("VALUE_FORMAT", title=title, expected=node.get("x-expected", expected))
    if f.widget in ("text", "textarea", "list"):
        m["html"] = _msg("HTML_NOT_ALLOWED", title=title)
        m["url"] = _msg("URL_SCHEME", title=title)
    if f.source == "zones" or f.source == "partners" or f.choices:
        m["choice"] = _msg(
            "VALUE_NOT_ALLOWED",
            title=title,
            allowed=", ".join(f"{v} ({label})" for v, label in FD.choices_for(f, lists)),
        )
    if node.get("uniqueItems"):
        m["repeated"] = _msg("VALUE_REPEATED", title=title)
    return conf


def build(schema: dict | None = None, content=None, today: dt.date | None = None) -> FormPage:
    schema = schema if schema is not None else S.load_schema(FD.KIND)
    lists = FD.content_choices(content)
    all_fields = FD.fields(schema)
    territory = (
        content.territory.data
        if content is not None and content.territory is not None and isinstance(content.territory.data, dict)
        else {}
    )
    existing = {}
    if content is not None:
        existing = {doc.data["id"]: doc.path for doc in content.valid("opportunity")}
    groups = FD.groups(schema)
    config = {
        "fields": [_field_config(f, lists) for f in all_fields],
        "order": list(schema.get("properties", {})),
        "groups": {
            ".".join(k): {"title": v.get("title", k[-1]), "requiredOne": v.get("x-required-one", [])}
            for k, v in groups.items()
        },
        "messages": {
            "CONTACT_MISSING": _msg("CONTACT_MISSING"),
            "HOUSING_ADDRESS_PUBLIC": _msg("HOUSING_ADDRESS_PUBLIC"),
            "STIPEND_NOT_INTERNSHIP": _msg("STIPEND_NOT_INTERNSHIP"),
            "PROTECTED_ADDRESS_FIELD": _msg("PROTECTED_ADDRESS_FIELD"),
        },
        "protected": _protected_config(),
        "templates": _templates(),
        "markup": {
            "html": rules._HTML.pattern,
            "link": rules._LINK.pattern,
            "scheme": rules._SCHEME.pattern,
            "ignoredInScheme": rules._IGNORED_IN_SCHEME.pattern,
            "bareScript": rules._BARE_SCRIPT.pattern,
            "safeSchemes": sorted(rules._SAFE_SCHEMES),
        },
        "existingIds": existing,
        "repositoryUrl": str(territory.get("repository_url") or "").rstrip("/"),
        "coordinatorsEmail": str((territory.get("coordinators") or {}).get("email") or ""),
        "programme": str(territory.get("programme") or ""),
        "storageKey": STORAGE_KEY,
        "today": today.isoformat() if today else None,
    }
    return FormPage(_fragment(schema, _address_last(all_fields), lists, config), config)


def _protected_config() -> dict:
    """The protected-place rule (bds.protected) for the browser: which places hide their address, and the
    validator's messages for what must not be written about them. The browser's scan is a first net
    with simpler patterns; the validator runs the full scan when the coordinators check the listing."""
    return {
        "dwelling": protected.DWELLING.pattern,
        "templates": {
            code: F.REGISTRY[code].template
            for code in (
                "PROTECTED_PLACE_PUBLIC",
                "PROTECTED_TEXT_ADDRESS",
                "PROTECTED_TEXT_COORDINATES",
                "PROTECTED_TEXT_MAP_LINK",
            )
        },
        "what": {
            "address": protected.ADDRESS,
            "postcode": protected.POSTCODE,
            "building": protected.BUILDING,
            "coordinates": protected.COORDINATES,
            "plusCode": protected.PLUS_CODE,
            "map": protected.MAP_LINK,
        },
        "note": "Per un luogo protetto (una casa, un luogo dove abitano delle persone o «solo zona») "
        "l'indirizzo non si scrive: nel catalogo compare solo la zona.",
    }


def _address_last(all_fields: list[FD.Field]) -> list[FD.Field]:
    """On the page the address comes after the visibility: it is asked only for a public place."""
    address = [f for f in all_fields if f.name == "location.address"]
    rest = [f for f in all_fields if f.name != "location.address"]
    if not address or "location.visibility" not in [f.name for f in rest]:
        return all_fields
    at = [f.name for f in rest].index("location.visibility") + 1
    return rest[:at] + address + rest[at:]


# -- HTML ----------------------------------------------------------------------------------------------


def _req(f: FD.Field) -> str:
    return (
        ' <span class="bds-req">(obbligatorio)</span>'
        if f.required
        else ' <span class="bds-opt">(facoltativo)</span>'
    )


def _describedby(f: FD.Field) -> str:
    ids = [f"{f.html_id}-help"] if f.description else []
    return " ".join(ids + [f"{f.html_id}-error"])


def _help(f: FD.Field, extra: str = "") -> str:
    text = escape(f.description) + (f" {escape(extra)}" if extra else "")
    return f'<p class="bds-help" id="{f.html_id}-help">{text}</p>' if f.description else ""


def _error(f: FD.Field) -> str:
    return f'<p class="bds-error" id="{f.html_id}-error" data-error-for="{escape(f.name)}"></p>'


def _control(f: FD.Field, lists: dict) -> str:
    fid, name = f.html_id, escape(f.name)
    described = _describedby(f)
    required = " required" if f.required else ""
    choices = FD.choices_for(f, lists)
    if f.widget in ("radio", "checkboxes", "choice-or-number"):
        kind = "radio" if f.widget == "radio" else "checkbox"
        if f.widget == "choice-or-number":
            options = "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in choices)
            return (
                f'<fieldset class="bds-field bds-group" data-field="{name}" aria-describedby="{described}">'
                f"<legend>{escape(f.title)}{_req(f)}</legend>{_help(f)}{_error(f)}"
                f'<div class="bds-inline"><div><label for="{fid}">Tipo di costo</label>'
                f'<select id="{fid}" name="{name}"><option value="">Non indicato</option>{options}'
                f'<option value="amount">Un importo in euro</option></select></div>'
                f'<div><label for="{fid}-amount">Importo in euro (se a pagamento)</label>'
                f'<input id="{fid}-amount" name="{name}.amount" type="number" inputmode="decimal" '
                f'step="0.01" min="0"></div></div></fieldset>'
            )
        boxes = []
        for i, (value, label) in enumerate(choices):
            checked = " checked" if f.widget == "radio" and f.name == "status" and value == "open" else ""
            boxes.append(
                f'<div class="bds-choice"><input type="{kind}" id="{fid}-{i}" name="{name}" '
                f'value="{escape(value)}"{checked}><label for="{fid}-{i}">{escape(label)}</label></div>'
            )
        return (
            f'<fieldset class="bds-field bds-group" data-field="{name}" id="{fid}" '
            f'aria-describedby="{described}"><legend>{escape(f.title)}{_req(f)}</legend>{_help(f)}{_error(f)}'
            f'<div class="bds-choices bds-{kind}">{"".join(boxes)}</div></fieldset>'
        )
    label = f'<label for="{fid}">{escape(f.title)}{_req(f)}</label>'
    attrs = f'id="{fid}" name="{name}" aria-describedby="{described}"{required}'
    if f.widget == "select":
        options = "".join(f'<option value="{escape(v)}">{escape(lbl)}</option>' for v, lbl in choices)
        control = f'<select {attrs}><option value="">Scegli…</option>{options}</select>'
    elif f.widget == "textarea":
        rows = 8 if f.schema.get("maxLength", 0) > 1000 else 3
        control = f'<textarea {attrs} rows="{rows}"></textarea>'
    elif f.widget == "boolean":
        return (
            f'<div class="bds-field bds-check" data-field="{name}">{_help(f)}{_error(f)}'
            f'<div class="bds-choice"><input type="checkbox" {attrs} value="true">{label}</div></div>'
        )
    else:
        kind = {"date": "date", "integer": "number", "number": "number"}.get(f.widget, "text")
        extra = ""
        if f.widget == "integer":
            extra = ' inputmode="numeric" step="1"'
        elif f.widget == "number":
            extra = ' inputmode="decimal" step="0.01"'
        elif f.path[-1] == "email":
            kind, extra = "email", ' autocomplete="email"'
        elif f.path[-1] == "phone":
            kind, extra = "tel", ' autocomplete="tel"'
        elif f.path[-1] == "url":
            kind = "url"
        if f.widget == "list":
            extra = ' autocomplete="off"'
        control = f'<input type="{kind}" {attrs}{extra}>'
    help_extra = "Separa le voci con una virgola." if f.widget == "list" else ""
    if f.name == "id":
        help_extra = "Lo proponiamo noi a partire dal titolo; puoi cambiarlo."
    help_html = _help(f, help_extra) if f.description else ""
    return f'<div class="bds-field" data-field="{name}">{label}{help_html}{_error(f)}{control}</div>'


def _fragment(schema: dict, all_fields: list[FD.Field], lists: dict, config: dict) -> str:
    parts = [
        '<div class="bds-proponi" id="bds-proponi">',
        "<p>Compila la scheda: quando premi «Prepara la scheda» controlliamo i dati con le stesse regole "
        "del catalogo e prepariamo il file da inviare. Nessun dato lascia il tuo computer finché non lo "
        "invii tu. I campi <strong>obbligatori</strong> sono indicati accanto al nome.</p>",
        f"<p>Preferisci un foglio di calcolo? Scarica il <a "
        f'href="{TEMPLATE_NAME}">modello in formato CSV</a> '
        "e invialo al coordinamento.</p>",
        '<noscript><p class="bds-noscript">Il modulo ha bisogno di JavaScript. Puoi usare il modello CSV '
        "qui sopra o scrivere al coordinamento.</p></noscript>",
        '<p id="bds-status" class="bds-status" role="status" aria-live="polite"></p>',
        '<div id="bds-error-summary" class="bds-error-summary" tabindex="-1" hidden '
        'aria-labelledby="bds-error-summary-title">'
        '<h2 id="bds-error-summary-title">Ci sono dati da correggere</h2><ul></ul></div>',
        '<form id="bds-form" class="bds-form" novalidate>',
    ]
    open_group: tuple = ()
    for f in all_fields:
        if f.group != open_group:
            if open_group:
                parts.append("</fieldset>")
            if f.group:
                gid = "g-" + "-".join(f.group)
                gdesc = (
                    f'<p class="bds-help" id="{gid}-help">{escape(f.group_description)}</p>'
                    if f.group_description
                    else ""
                )
                parts.append(
                    f'<fieldset class="bds-section" id="{gid}" data-group="{escape(".".join(f.group))}">'
                    f"<legend>{escape(f.group_title)}</legend>{gdesc}"
                    f'<p class="bds-error" id="{gid}-error" data-error-for="{escape(".".join(f.group))}">'
                    "</p>"
                )
            open_group = f.group
        parts.append(_control(f, lists))
    if open_group:
        parts.append("</fieldset>")
    parts += [
        '<div class="bds-actions">',
        '<button type="submit" id="bds-submit" class="bds-primary">Prepara la scheda</button>',
        '<button type="button" id="bds-clear">Cancella bozza</button>',
        "</div>",
        '<p class="bds-help">La bozza resta salvata in questo browser anche se chiudi la pagina; '
        "«Cancella bozza» la toglie e svuota il modulo.</p>",
        "</form>",
        '<section class="bds-preview" aria-labelledby="bds-preview-title">',
        '<h2 id="bds-preview-title">Anteprima della scheda</h2>',
        '<p class="bds-help">Così apparirà nel catalogo (si aggiorna mentre scrivi).</p>',
        '<article class="bds-card" id="bds-card"><p>Inizia a compilare il modulo.</p></article>',
        "</section>",
        '<section id="bds-output" class="bds-output" hidden aria-labelledby="bds-output-title">',
        '<h2 id="bds-output-title" tabindex="-1">La scheda è pronta</h2>',
        "<p>Scegli come inviarla. In ogni caso il coordinamento la rilegge prima di pubblicarla.</p>",
        '<label for="bds-yaml">Testo della scheda (formato YAML)</label>',
        '<textarea id="bds-yaml" readonly rows="14" spellcheck="false"></textarea>',
        '<div class="bds-actions">',
        '<button type="button" id="bds-download">Scarica il file</button>',
        '<button type="button" id="bds-copy">Copia il testo</button>',
        "</div>",
        '<ul class="bds-send">',
        '<li><a id="bds-github" href="#" target="_blank" rel="noopener noreferrer">Proponi su GitHub'
        '<span class="bds-sr"> (si apre in una nuova scheda)</span></a>: se hai un account GitHub, la pagina '
        "si apre con il file già compilato; conferma con «Propose new file».</li>",
        '<li><a id="bds-mail" href="#">Invia per email</a> al coordinamento: '
        "si apre il tuo programma di posta "
        "con la scheda nel testo del messaggio.</li>",
        "</ul>",
        "</section>",
        '<script type="application/json" id="bds-form-config">'
        + json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
        + "</script>",
        "</div>",
    ]
    return "\n".join(parts)


# -- Assets and pages -----------------------------------------------------------------------------------


def asset(name: str) -> str:
    return (resources.files("bds") / "assets" / name).read_text(encoding="utf-8")


def assets() -> dict[str, str]:
    return {name: asset(name) for name in ASSETS}


def standalone_html(page: FormPage, asset_prefix: str = "") -> str:
    """A complete page with the form, for use without the site (and for tests)."""
    return (
        '<!doctype html>\n<html lang="it">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(page.title)}</title>\n"
        f'<link rel="stylesheet" href="{asset_prefix}form.css">\n</head>\n<body class="bds-standalone">\n'
        f"<main>\n<h1>{escape(page.title)}</h1>\n{page.fragment}\n</main>\n"
        f'<script src="{asset_prefix}form.js"></script>\n</body>\n</html>\n'
    )


def markdown_page(page: FormPage, asset_prefix: str = "") -> str:
    """The site page: Markdown front matter and title, then the raw HTML form."""
    return (
        f"---\ntitle: {page.title}\n---\n\n# {page.title}\n\n"
        f'<link rel="stylesheet" href="{asset_prefix}form.css">\n\n'
        f"{page.fragment}\n\n"
        f'<script src="{asset_prefix}form.js"></script>\n'
    )


def files(content, today: dt.date | None = None, schema: dict | None = None) -> dict[str, str | bytes]:
    """Everything the form needs, by path relative to the site root."""
    page = build(schema, content, today)
    out: dict[str, str | bytes] = {f"{PAGE_DIR}/{name}": text for name, text in assets().items()}
    out[f"{PAGE_DIR}/{TEMPLATE_NAME}"] = spreadsheet.template_csv(content)
    out[f"{PAGE_DIR}/index.html"] = standalone_html(page)
    return out


def provider(content, ctx) -> dict[str, str | bytes]:
    """Site page provider (see bds.web.pages): the form page, its assets and the CSV template."""
    from ..web import render

    page = build(None, content, None)
    body = (
        f'<link rel="stylesheet" href="form.css">\n<h1>{escape(page.title)}</h1>\n{page.fragment}\n'
        '<script src="form.js"></script>'
    )
    out: dict[str, str | bytes] = {f"{PAGE_DIR}/{name}": text for name, text in assets().items()}
    out[f"{PAGE_DIR}/{TEMPLATE_NAME}"] = spreadsheet.template_csv(content)
    out[f"{PAGE_DIR}/index.md"] = render.page(
        page.title,
        body,
        description="Il modulo per proporre un'opportunità al catalogo, senza account.",
        search=False,
    )
    return out


mark(provider, nav=[("Proponi un'opportunità", f"{PAGE_DIR}/index.md")])
