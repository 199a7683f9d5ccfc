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
import functools
import json
from dataclasses import dataclass, field, replace
from html import escape
from importlib import resources

from .. import findings as F
from .. import kitfiles, messages, protected, rules, unicodetext, vocabulary
from .. import schema as S
from ..messages import t
from ..web.page import Page, SiteFiles
from ..web.providers import mark
from . import fields as FD
from . import spreadsheet

ASSETS = ("form.js", "form.css")
PAGE_DIR = "proponi"
TEMPLATE_NAME = "modello-opportunita.csv"
STORAGE_KEY = "bds-proponi-bozza-v1"
NEW_PARTNER = "__nuovo__"  # the «my organisation is not in the list» choice; never written in the record

# The schema's descriptions speak to whoever writes the YAML file; on the web form people see these
# (`form.help.<field>` in the catalogue), with no file names, keys or values of the schema.
FORM_HELP = (
    "id", "partner", "zones", "description", "location.address", "location.visibility", "dates.start",
    "dates.end", "dates.deadline", "cost", "contact.phone", "contact.url", "languages", "status", "reviewed",
    "example",
)  # fmt: skip
# Labels whose schema title is a word of the file rather than of the people who fill the form.
FORM_TITLES = {"id": "form.titles.id"}
# What a value must look like, said as people say it (the validator's «x-expected» names YAML quotes).
FORM_EXPECTED = {"contact.phone": "form.expected.contact.phone", "languages": "form.expected.languages"}
_HIDDEN_CODES = (
    "TEXT_BIDI_CONTROL",
    "TEXT_INVISIBLE_CHAR",
    "TEXT_CONTROL_CHAR",
    "TEXT_NONCHARACTER",
    "TEXT_LINE_SEPARATOR",
)
# Characters the browser cannot name by itself: (first, last) code points of the invisible and format
# characters bds.unicodetext refuses; their names go to the browser, as the validator writes them.
_NAMED_RANGES = (
    (0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F), (0x600, 0x605), (0x61C, 0x61C),
    (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip


@functools.cache
def language_names() -> dict[str, str]:
    """Language names as people type them -> the two-letter code the schema wants (ISO 639-1);
    a word list, so data (data/language_names.yml), not code."""
    import yaml

    text = kitfiles.data("language_names.yml").read_text(encoding="utf-8")
    return {str(name): str(code) for name, code in yaml.safe_load(text).items()}


@dataclass(frozen=True)
class FormPage:
    fragment: str  # the form, ready to sit inside any page
    config: dict  # what assets/form.js reads
    messages: dict = field(default_factory=dict)  # what assets/form.js says (`form.browser`)
    title: str = field(default_factory=lambda: t("form.title"))


def form_title(f: FD.Field) -> str:
    """The label people read for `f`: the schema's title, or the form's own words for it."""
    key = FORM_TITLES.get(f.name)
    return t(key) if key else f.title


def form_help(f: FD.Field) -> str:
    """The help under `f`: the form's own words (`form.help`), else the schema's description."""
    return t(f"form.help.{f.name}") if f.name in FORM_HELP else f.description


def _expected(f: FD.Field, lists: dict) -> str | None:
    """What a value of `f` must look like in the form's words, or None for the schema's own."""
    if f.name in FORM_EXPECTED:
        return t(FORM_EXPECTED[f.name])
    if f.name == "cost" and f.widget == "choice-or-number":
        labels = ", ".join(f"«{label}»" for _v, label in FD.choices_for(f, lists))
        return t("form.expected.cost", labels=labels)
    return None


def _msg(code: str, **params) -> str:
    return F.make(code, "", 0, 0, **params).message


def _templates() -> dict[str, str]:
    """Registry templates for messages whose values the browser fills in (dates, ids)."""
    return {
        code: F.REGISTRY[code].template
        for code in ("DATE_ORDER", "DEADLINE_AFTER_END", "ID_DUPLICATE", "VALUE_REPEATED")
    }


def _field_config(f: FD.Field, lists: dict) -> dict:
    """One field for the browser: its widget, choices, rules and the validator's messages for them."""
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
    m["required"] = _msg("FIELD_REQUIRED", title=title, name="KEY").replace(" (KEY)", "")
    _pattern_config(f, lists, conf)
    _length_config(f, conf)
    _number_config(f, lists, conf)
    if f.widget in ("text", "textarea", "list"):
        m["hidden"] = {code: _msg(code, char="{char}") for code in _HIDDEN_CODES}
        m["html"] = _msg("HTML_NOT_ALLOWED", title=title)
        m["url"] = _msg("URL_SCHEME", title=title)
    if f.source == "zones" or f.source == "partners" or f.choices:
        m["choice"] = _msg(
            "VALUE_NOT_ALLOWED",
            title=title,
            allowed=", ".join(f"«{label}»" for _v, label in FD.choices_for(f, lists)),
        )
    if f.schema.get("uniqueItems"):
        m["repeated"] = _msg("VALUE_REPEATED", title=title)
    return conf


def _pattern_config(f: FD.Field, lists: dict, conf: dict) -> None:
    """The pattern a value must match (a date, a phone...) and the validator's message for it."""
    node, item, title, m = f.schema, f.item_schema, f.title, conf["messages"]
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
                "VALUE_FORMAT",
                title=title,
                expected=_expected(f, lists)
                or S.field_text(
                    FD.KIND, f.path, "expected", item.get("x-expected", t("form.expected.fallback"))
                ),
            )
        )


def _field_expected(f: FD.Field, italian: str) -> str:
    """The schema's «x-expected» of a field, in the page's language."""
    return S.field_text(FD.KIND, f.path, "expected", italian)


def _length_config(f: FD.Field, conf: dict) -> None:
    """Lengths of a text and numbers of items in a list, with the validator's messages."""
    node, item, title, m = f.schema, f.item_schema, f.title, conf["messages"]
    for key, unit in (("minLength", "characters"), ("minItems", "items")):
        source = item if key == "minLength" else node
        if key in source and not (key == "minItems" and f.widget == "checkboxes"):
            conf[key] = source[key]
            detail = t("form.limits.at_least", count=source[key], unit=t(f"form.limits.{unit}"))
            m[key] = _msg("VALUE_TOO_SHORT", title=title, detail=detail)
    for key, unit in (("maxLength", "characters"), ("maxItems", "items")):
        source = item if key == "maxLength" else node
        if key in source:
            conf[key] = source[key]
            detail = t("form.limits.at_most", count=source[key], unit=t(f"form.limits.{unit}"))
            m[key] = _msg("VALUE_TOO_LONG", title=title, detail=detail)


def _number_config(f: FD.Field, lists: dict, conf: dict) -> None:
    """Bounds and type of a number (and of the amount of a cost), with the validator's messages."""
    node, title, m = f.schema, f.title, conf["messages"]
    numeric = f.number_schema if f.widget == "choice-or-number" else node
    if f.widget in ("integer", "number", "choice-or-number"):
        for key, bound in (("minimum", "at_least"), ("maximum", "at_most")):
            if key in numeric:
                conf[key] = numeric[key]
                detail = t(f"form.limits.{bound}", count=numeric[key], unit="").rstrip()
                m[key] = _msg("VALUE_OUT_OF_RANGE", title=title, detail=detail)
        expected = t("intake.expected.integer" if f.widget == "integer" else "intake.expected.number")
        m["type"] = _msg("FIELD_TYPE", title=title, expected=expected)
        if f.widget == "choice-or-number":
            plain = _expected(f, lists) or S.field_text(
                FD.KIND, f.path, "expected", node.get("x-expected", expected)
            )
            m["type"] = _msg("VALUE_FORMAT", title=title, expected=plain)


def build(schema: dict | None = None, content=None, today: dt.date | None = None) -> FormPage:
    schema = schema if schema is not None else S.load_schema(FD.KIND)
    territory = (
        content.territory.data
        if content is not None and content.territory is not None and isinstance(content.territory.data, dict)
        else {}
    )
    with messages.use(words=vocabulary.of(territory)):
        return _build(schema, content, territory, today)


def _build(schema: dict, content, territory: dict, today: dt.date | None) -> FormPage:
    lists = FD.content_choices(content)
    all_fields = [replace(f, title=form_title(f)) for f in FD.fields(schema)]
    groups = FD.groups(schema)
    config = {
        "fields": [_field_config(f, lists) for f in all_fields],
        "order": list(schema.get("properties", {})),
        "groups": {
            ".".join(k): {"title": v.get("title", k[-1]), "requiredOne": v.get("x-required-one", [])}
            for k, v in groups.items()
        },
        "messages": _plain_messages(schema),
        "hiddenNames": _hidden_names(),
        "languageNames": language_names(),
        "newPartner": NEW_PARTNER,
        "webPrefix": "https://",  # added to a web address typed without it
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
        "existingIds": _existing_ids(content),
        **_territory_config(territory),
        "storageKey": STORAGE_KEY,
        "today": today.isoformat() if today else None,
    }
    texts = browser_messages()
    return FormPage(_fragment(schema, _address_last(all_fields), lists, config, texts), config, texts)


def _existing_ids(content) -> dict[str, str]:
    """Each listing's id and how the form names it when a new title would take that id."""
    if content is None:
        return {}
    return {
        doc.data["id"]: t("form.existing", title=doc.data.get("title") or doc.data["id"])
        for doc in content.valid("opportunity")
    }


def _territory_config(territory: dict) -> dict[str, str]:
    """The territory's repository, coordinators and programme, as the form's script reads them."""
    given_coordinators = territory.get("coordinators")
    coordinators = given_coordinators if isinstance(given_coordinators, dict) else {}
    return {
        "repositoryUrl": str(territory.get("repository_url") or "").rstrip("/"),
        "coordinatorsEmail": str(coordinators.get("email") or ""),
        "coordinatorsName": str(coordinators.get("name") or t("form.coordinators")),
        "coordinatorsPhone": str(coordinators.get("phone") or ""),
        "programme": str(territory.get("programme") or ""),
    }


def browser_messages() -> dict:
    """What assets/form.js says (`form.browser`), the territory's words already in: a plural message
    stays a mapping of its forms, which the script picks with the page's language."""
    words = messages.words()
    out: dict = {}
    for key, entry in messages.section("form.browser").items():
        if isinstance(entry, dict):
            out[key] = {form: messages.fill_words(str(text), words) for form, text in entry.items()}
        else:
            out[key] = messages.fill_words(str(entry), words)
    return {"language": messages.current_language(), "messages": out}


def _plain_messages(schema: dict) -> dict[str, str]:
    """Rules across fields, said with the form's words (the validator's name the YAML keys)."""
    props = schema.get("properties", {})
    kinds = props.get("kind", {}).get("x-labels", {})
    places = props.get("location", {}).get("properties", {}).get("visibility", {}).get("x-labels", {})
    return {
        "CONTACT_MISSING": _msg("CONTACT_MISSING"),
        "HOUSING_ADDRESS_PUBLIC": t(
            "form.rules.housing_address_public",
            label=places.get("zone-only", t("form.rules.zone_only_label")),
        ),
        "STIPEND_NOT_INTERNSHIP": t(
            "form.rules.stipend_not_internship",
            label=kinds.get("internship", t("form.rules.internship_label")),
        ),
        "PROTECTED_ADDRESS_FIELD": _msg("PROTECTED_ADDRESS_FIELD"),
        "NEW_PARTNER_NAME": t("form.rules.new_partner_name"),
    }


def _hidden_names() -> dict[str, str]:
    """Hex code point -> «NAME (U+XXXX)», as bds.unicodetext.char_name writes it."""
    return {
        f"{code:X}": unicodetext.char_name(chr(code))
        for first, last in _NAMED_RANGES
        for code in range(first, last + 1)
    }


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
        "note": t("form.protected_note"),
    }


def _address_last(all_fields: list[FD.Field]) -> list[FD.Field]:
    """On the page the address comes after the visibility: it is asked only for a public place; and the
    short name of the listing comes after its title, from which it is made."""
    all_fields = _id_after_title(all_fields)
    address = [f for f in all_fields if f.name == "location.address"]
    rest = [f for f in all_fields if f.name != "location.address"]
    if not address or "location.visibility" not in [f.name for f in rest]:
        return all_fields
    at = [f.name for f in rest].index("location.visibility") + 1
    return rest[:at] + address + rest[at:]


def _id_after_title(all_fields: list[FD.Field]) -> list[FD.Field]:
    """The listing's short name (id) moved just after its title, when it comes before it."""
    names = [f.name for f in all_fields]
    if "id" not in names or "title" not in names or names.index("id") > names.index("title"):
        return all_fields
    ident = all_fields[names.index("id")]
    all_fields = [f for f in all_fields if f.name != "id"]
    at = [f.name for f in all_fields].index("title") + 1
    return all_fields[:at] + [ident] + all_fields[at:]


# -- HTML ----------------------------------------------------------------------------------------------


def _req(f: FD.Field) -> str:
    return (
        f' <span class="bds-req">{t("form.required")}</span>'
        if f.required
        else f' <span class="bds-opt">{t("form.optional")}</span>'
    )


def _describedby(f: FD.Field) -> str:
    ids = [f"{f.html_id}-help"] if f.description else []
    return " ".join(ids + [f"{f.html_id}-error"])


def _help(f: FD.Field, extra: str = "") -> str:
    text = escape(form_help(f)) + (f" {escape(extra)}" if extra else "")
    return f'<p class="bds-help" id="{f.html_id}-help">{text}</p>' if f.description else ""


def _error(f: FD.Field) -> str:
    return f'<p class="bds-error" id="{f.html_id}-error" data-error-for="{escape(f.name)}"></p>'


def _contact_links(config: dict) -> str:
    """The coordinators' email and phone, as links (from the territory)."""
    links = []
    if config.get("coordinatorsEmail"):
        mail = escape(config["coordinatorsEmail"])
        links.append(f'<a href="mailto:{mail}">{mail}</a>')
    if config.get("coordinatorsPhone"):
        phone = config["coordinatorsPhone"]
        digits = "".join(c for c in phone if c.isdigit() or c == "+")
        tel = digits if digits.startswith("+") else "+39" + digits
        links.append(f'<a href="tel:{escape(tel)}">{escape(phone)}</a>')
    return t("form.contact_or").join(links)


def _new_partner(config: dict) -> str:
    """What «my organisation is not in the list» leads to: how to be added, and the proposal still goes."""
    who = escape(config.get("coordinatorsName") or t("form.coordinators"))
    contact = _contact_links(config)
    return (
        '<div class="bds-newpartner" id="bds-newpartner" hidden>'
        f"<p>{t('form.new_partner.text')}</p>"
        + (f"<p>{t('form.new_partner.questions', who=who, contact=contact)}</p>" if contact else "")
        + f'<label for="f-partner-new">{t("form.browser.new_partner_name")} '
        f'<span class="bds-req">{t("form.required")}</span></label>'
        '<p class="bds-error" id="f-partner-new-error" data-error-for="partner-new"></p>'
        '<input type="text" id="f-partner-new" name="partner-new" autocomplete="organization" '
        'aria-describedby="f-partner-new-error" maxlength="120">'
        "</div>"
    )


def _control(f: FD.Field, lists: dict, config: dict | None = None) -> str:
    """The field's label, help, error slot and control, as the page shows it."""
    fid, name = f.html_id, escape(f.name)
    choices = FD.choices_for(f, lists)
    if f.widget == "choice-or-number":
        return _cost_control(f, choices)
    if f.widget in ("radio", "checkboxes"):
        return _choices_control(f, choices)
    required = " required" if f.required else ""
    label = f'<label for="{fid}">{escape(f.title)}{_req(f)}</label>'
    attrs = f'id="{fid}" name="{name}" aria-describedby="{_describedby(f)}"{required}'
    if f.widget == "boolean":
        return (
            f'<div class="bds-field bds-check" data-field="{name}">{_help(f)}{_error(f)}'
            f'<div class="bds-choice"><input type="checkbox" {attrs} value="true">{label}</div></div>'
        )
    control = _single_control(f, attrs, choices)
    help_extra = t("form.help.list") if f.widget == "list" and f.name not in FORM_HELP else ""
    help_html = _help(f, help_extra) if f.description else ""
    after = _new_partner(config or {}) if f.name == "partner" else ""
    return f'<div class="bds-field" data-field="{name}">{label}{help_html}{_error(f)}{control}{after}</div>'


def _single_control(f: FD.Field, attrs: str, choices: list[tuple[str, str]]) -> str:
    """The one control of a field: a list to choose from, a text area or an input box."""
    if f.widget == "select":
        options = "".join(f'<option value="{escape(v)}">{escape(lbl)}</option>' for v, lbl in choices)
        if f.name == "partner":
            options += f'<option value="{NEW_PARTNER}">{t("form.new_partner.choice")}</option>'
        return f'<select {attrs}><option value="">{t("form.choose")}</option>{options}</select>'
    if f.widget == "textarea":
        rows = 8 if f.schema.get("maxLength", 0) > 1000 else 3
        return f'<textarea {attrs} rows="{rows}"></textarea>'
    return _input(f, attrs)


def _cost_control(f: FD.Field, choices: list[tuple[str, str]]) -> str:
    """A word of the list or an amount in euro (the cost): a choice and a number box."""
    fid, name = f.html_id, escape(f.name)
    options = "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in choices)
    return (
        f'<fieldset class="bds-field bds-group" data-field="{name}" aria-describedby="{_describedby(f)}">'
        f"<legend>{escape(f.title)}{_req(f)}</legend>{_help(f)}{_error(f)}"
        f'<div class="bds-inline"><div><label for="{fid}">{t("form.cost.kind")}</label>'
        f'<select id="{fid}" name="{name}"><option value="">{t("form.cost.none")}</option>{options}'
        f'<option value="amount">{t("form.cost.amount")}</option></select></div>'
        f'<div><label for="{fid}-amount">{t("form.cost.amount_label")}</label>'
        f'<input id="{fid}-amount" name="{name}.amount" type="number" inputmode="decimal" '
        f'step="0.01" min="0"></div></div></fieldset>'
    )


def _choices_control(f: FD.Field, choices: list[tuple[str, str]]) -> str:
    """Radio buttons (one choice) or check boxes (several), in a fieldset named by the field."""
    fid, name = f.html_id, escape(f.name)
    kind = "radio" if f.widget == "radio" else "checkbox"
    boxes = []
    for i, (value, label) in enumerate(choices):
        checked = " checked" if f.widget == "radio" and f.name == "status" and value == "open" else ""
        boxes.append(
            f'<div class="bds-choice"><input type="{kind}" id="{fid}-{i}" name="{name}" '
            f'value="{escape(value)}"{checked}><label for="{fid}-{i}">{escape(label)}</label></div>'
        )
    return (
        f'<fieldset class="bds-field bds-group" data-field="{name}" id="{fid}" '
        f'aria-describedby="{_describedby(f)}"><legend>{escape(f.title)}{_req(f)}</legend>{_help(f)}'
        f'{_error(f)}<div class="bds-choices bds-{kind}">{"".join(boxes)}</div></fieldset>'
    )


def _input(f: FD.Field, attrs: str) -> str:
    """A one-line box, typed for the keyboard a phone shows (numbers, email, phone, web address)."""
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
    return f'<input type="{kind}" {attrs}{extra}>'


def _noscript(config: dict) -> str:
    """Without JavaScript the form cannot check nor prepare anything: it is not shown, and this says what
    to do instead (before anything is typed, so nothing is lost)."""
    ways = []
    contact = _contact_links(config)
    if contact:
        who = escape(config.get("coordinatorsName") or t("form.coordinators"))
        ways.append(f"<li>{t('form.noscript.write', who=who, contact=contact)}</li>")
    ways.append(f"<li>{t('form.noscript.template', href=TEMPLATE_NAME)}</li>")
    if config.get("repositoryUrl"):
        issue = escape(config["repositoryUrl"] + "/issues/new?template=nuova-opportunita.yml")
        ways.append(f"<li>{t('form.noscript.github', href=issue)}</li>")
    return (
        f'<noscript><div class="bds-noscript"><p>{t("form.noscript.intro")}</p>'
        f"<ul>{''.join(ways)}</ul><p>{t('form.noscript.enable')}</p></div></noscript>"
    )


def _fragment(schema: dict, all_fields: list[FD.Field], lists: dict, config: dict, texts: dict) -> str:
    parts = [
        '<div class="bds-proponi" id="bds-proponi">',
        f"<p>{t('form.page.intro')}</p>",
        f"<p>{t('form.page.spreadsheet', href=TEMPLATE_NAME)}</p>",
        _noscript(config),
        '<p id="bds-status" class="bds-status" role="status" aria-live="polite"></p>',
        '<div id="bds-error-summary" class="bds-error-summary" role="region" tabindex="-1" hidden '
        'aria-labelledby="bds-error-summary-title">'
        f'<h2 id="bds-error-summary-title">{t("form.page.summary_title")}</h2><ul></ul></div>',
        '<form id="bds-form" class="bds-form" novalidate hidden>',
        *_fields_html(all_fields, lists, config),
    ]
    parts += _after_fields()
    parts += [
        _json_script("bds-form-config", config),
        _json_script("bds-form-messages", texts),
        "</div>",
    ]
    return "\n".join(parts)


def _fields_html(all_fields: list[FD.Field], lists: dict, config: dict) -> list[str]:
    """Every field's control, the nested ones inside the fieldset of their group (location, dates...)."""
    parts: list[str] = []
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
        parts.append(_control(f, lists, config))
    if open_group:
        parts.append("</fieldset>")
    return parts


def _after_fields() -> list[str]:
    """The buttons, the preview and what to do with the finished listing."""
    return [
        '<div class="bds-actions">',
        f'<button type="submit" id="bds-submit" class="bds-primary">{t("form.page.submit")}</button>',
        f'<button type="button" id="bds-clear">{t("form.page.clear")}</button>',
        "</div>",
        f'<p class="bds-help">{t("form.page.draft_help")}</p>',
        "</form>",
        '<section class="bds-preview" id="bds-preview" aria-labelledby="bds-preview-title" hidden>',
        f'<h2 id="bds-preview-title">{t("form.page.preview_title")}</h2>',
        f'<p class="bds-help">{t("form.page.preview_help")}</p>',
        f'<div class="bds-card" id="bds-card"><p>{t("form.browser.preview.empty")}</p></div>',
        "</section>",
        '<section id="bds-output" class="bds-output" hidden aria-labelledby="bds-output-title">',
        f'<h2 id="bds-output-title" tabindex="-1">{t("form.page.ready_title")}</h2>',
        f"<p>{t('form.page.ready_text')}</p>",
        '<div class="bds-actions">',
        f'<button type="button" id="bds-download">{t("form.page.download")}</button>',
        f'<button type="button" id="bds-copy">{t("form.page.copy")}</button>',
        "</div>",
        '<ul class="bds-send">',
        f'<li><a id="bds-mail" href="#">{t("form.page.mail")}</a>{t("form.page.mail_text")}</li>',
        '<li><a id="bds-github" href="#" target="_blank" rel="noopener noreferrer">'
        f'{t("form.page.github")}<span class="bds-sr">{t("form.page.new_tab")}</span></a>'
        f"{t('form.page.github_text')}</li>",
        "</ul>",
        f'<label for="bds-yaml">{t("form.page.yaml_label")}</label>',
        '<textarea id="bds-yaml" readonly rows="14" spellcheck="false"></textarea>',
        "</section>",
    ]


def _json_script(element_id: str, data: dict) -> str:
    """`data` as a JSON block the script reads (no request), safe inside the page."""
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


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


def provider(content, ctx) -> SiteFiles:
    """Site page provider (see bds.web.pages): the form page, its assets and the CSV template."""
    page = build(None, content, None)
    body = (
        f'<link rel="stylesheet" href="form.css">\n<h1>{escape(page.title)}</h1>\n{page.fragment}\n'
        '<script src="form.js"></script>'
    )
    out: SiteFiles = {f"{PAGE_DIR}/{name}": text for name, text in assets().items()}
    out[f"{PAGE_DIR}/{TEMPLATE_NAME}"] = spreadsheet.template_csv(content)
    out[f"{PAGE_DIR}/index.md"] = Page(page.title, body, description=t("form.description"), searchable=False)
    return out


# A callable, so the label is looked up when each language's site is built, not at import time.
mark(provider, nav=lambda ctx: [(t("form.title"), f"{PAGE_DIR}/index.md")])
