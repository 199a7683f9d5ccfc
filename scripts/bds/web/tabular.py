"""The open-data tables (CSV) and their Frictionless Data Package, derived from the JSON Schemas.

One source: every column says which property of `schemas/opportunity.schema.json`,
`schemas/partner.schema.json` or `schemas/territory.schema.json` (zones) it comes from, and its
Table Schema field (type, `format`, `constraints`: required, enum, pattern, minLength/maxLength,
minimum/maximum; description in Italian) is built from that property. Zone ids come from the
territory, so a row with an unknown zone is rejected.

Tables: `opportunita.csv` (one row per open listing), `enti.csv` (partners), `zone.csv` (zones of
the territory), `opportunita-zone.csv` (one row per listing and zone). Foreign keys: listing ->
partner, listing-zone -> listing and zone. Lists inside one cell (axes, zones, audience) are codes
separated by «;», checked by a pattern built from the allowed codes.

Text cells go through `bds.cells` (formula-injection neutralisation): a text cell that starts with
=, +, -, @, tab, CR or an apostrophe gets one more apostrophe in front. Patterns of the columns
whose values can start that way (the phone, «+39...») accept that apostrophe, and maxLength counts
it. The descriptor says how to undo it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .. import cells, schema
from ..messages import t, with_words
from ..records import Listing, as_listing
from . import jsontext, model
from .context import SiteContext

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    source: str | None  # dotted path of the property in the record's JSON Schema, or None
    type: str = "string"
    title_key: str = ""  # under data.columns (default: the schema's title)
    description_key: str = ""  # under data.columns (default: the schema's description)
    required: bool | None = None  # default: required in the schema (top level only)
    packed: bool = False  # a list of codes in one cell, separated by LIST_SEPARATOR
    format: str | None = None
    extra: dict = field(default_factory=dict)  # constraints added by hand (e.g. the zone codes)

    @property
    def title(self) -> str:
        return t(f"data.columns.{self.title_key}") if self.title_key else ""

    @property
    def description(self) -> str:
        return t(f"data.columns.{self.description_key}") if self.description_key else ""


def _node(kind: str, path: str) -> tuple[dict, bool]:
    """The JSON Schema node of `path` and whether every record has it (required all the way down)."""
    if kind == "zone":  # the zones of territory.schema.json
        node = schema.load_schema("territory")["properties"]["zones"]["items"]
    else:
        node = schema.load_schema(kind)
    required = True
    for part in path.split("."):
        required = required and part in (node.get("required") or [])
        node = node["properties"][part]
    return node, required


def _bare(pattern: str) -> str:
    """A JSON Schema pattern as a Table Schema one (always anchored: no ^ and $)."""
    return pattern.removeprefix("^").removesuffix("$")


def _codes_pattern(codes) -> str:
    one = "(?:" + "|".join(re.escape(str(c)) for c in codes) + ")"
    return f"{one}(?:{re.escape(LIST_SEPARATOR)}{one})*"


def _texts(column: Column, node: dict) -> tuple[str, str]:
    """The field's title and description: the column's own, else the schema's."""
    title = column.title or with_words(str(node.get("title", column.name)))
    description = column.description or with_words(str(node.get("description", "")))
    if column.packed:
        description += " " + t("data.package.packed", separator=LIST_SEPARATOR)
    return title, description.strip()


def _string_constraints(column: Column, node: dict) -> dict:
    """A choice among codes (one, or several packed in a cell), else the free text's limits."""
    if column.packed:
        enum = (node.get("items") or {}).get("enum")
        return {"pattern": _codes_pattern(enum)} if enum else {}
    enum = node.get("enum")
    if enum:
        return {"enum": list(enum)}
    return _text_constraints(node)


def _text_constraints(node: dict) -> dict:
    out: dict = {}
    risky = True  # free text can begin with a character that bds.cells guards with an apostrophe
    pattern = node.get("pattern")
    if pattern:
        bare = _bare(pattern)
        # bds.cells puts an apostrophe before a value starting with + - = @ ' (a phone "+39 ...")
        risky = bare.startswith(("\\+", "-", "=", "@", "'", "[^"))
        out["pattern"] = ("'?" if risky else "") + bare
    if "minLength" in node:
        out["minLength"] = node["minLength"]
    if "maxLength" in node:
        out["maxLength"] = node["maxLength"] + (1 if risky else 0)
    return out


def _numeric_constraints(node: dict) -> dict:
    numeric = node if "minimum" in node else next((o for o in node.get("anyOf", []) if "minimum" in o), {})
    return {key: numeric[key] for key in ("minimum", "maximum") if key in numeric}


def field_of(kind: str, column: Column) -> dict:
    """The Table Schema field of one column, from its JSON Schema property."""
    node, required = _node(kind, column.source) if column.source else ({}, False)
    out: dict = {"name": column.name, "type": column.type}
    if column.format:
        out["format"] = column.format
    out["title"], out["description"] = _texts(column, node)
    constraints: dict = {}
    if column.required if column.required is not None else required:
        constraints["required"] = True
    if column.type == "string":
        constraints |= _string_constraints(column, node)
    if column.type in ("integer", "number"):
        constraints |= _numeric_constraints(node)
    constraints |= column.extra
    if constraints:
        out["constraints"] = constraints
    if column.type == "boolean":
        out["trueValues"] = ["true"]
        out["falseValues"] = ["false"]
    return out


def _contact_columns() -> list[Column]:
    return [
        Column("email", "contact.email", format="email"),
        Column("telefono", "contact.phone"),
        Column("sito", "contact.url", format="uri"),
    ]


def _closing_columns(table: str) -> list[Column]:
    """The last columns of the listings' and the partners' tables: whether the record is an example,
    and its page on the site (`table`: the texts' group under data.columns)."""
    return [
        Column(
            "esempio", "example", "boolean", required=True, description_key=f"{table}.esempio.description"
        ),
        Column(
            "url",
            None,
            format="uri",
            title_key=f"{table}.url.title",
            description_key=f"{table}.url.description",
            required=True,
        ),
    ]


# -- Columns ----------------------------------------------------------------------------------------

COST_CODES = ("free", "budget", "importo")

OPPORTUNITY_COLUMNS = [
    Column("id", "id"),
    Column("titolo", "title"),
    Column("tipo", "kind", description_key="listing.tipo.description", required=True),
    Column(
        "tipo_etichetta",
        None,
        title_key="listing.tipo_etichetta.title",
        description_key="listing.tipo_etichetta.description",
    ),
    Column("assi", "axes", packed=True, description_key="listing.assi.description"),
    Column("ente", "partner", description_key="listing.ente.description"),
    Column(
        "ente_nome",
        None,
        title_key="listing.ente_nome.title",
        description_key="listing.ente_nome.description",
    ),
    Column("sintesi", "summary"),
    Column(
        "zone",
        "zones",
        packed=True,
        description_key="listing.zone.description",
    ),
    Column(
        "luogo",
        "location.name",
        required=False,
        description_key="listing.luogo.description",
    ),
    Column(
        "indirizzo",
        "location.address",
        description_key="listing.indirizzo.description",
    ),
    Column("data_inizio", "dates.start", "date"),
    Column("data_fine", "dates.end", "date"),
    Column("scadenza", "dates.deadline", "date"),
    Column("orari", "schedule", description_key="listing.orari.description"),
    Column("posti", "places", "integer"),
    Column(
        "costo_tipo",
        None,
        title_key="listing.costo_tipo.title",
        description_key="listing.costo_tipo.description",
        extra={"enum": list(COST_CODES)},
    ),
    Column(
        "costo_euro",
        "cost",
        "number",
        title_key="listing.costo_euro.title",
        description_key="listing.costo_euro.description",
    ),
    Column("indennita_mensile", "stipend", "number"),
    Column("accesso", "access", description_key="listing.accesso.description", required=True),
    Column("destinatari", "audience", packed=True, description_key="listing.destinatari.description"),
    *_contact_columns(),
    Column("stato", "status", description_key="listing.stato.description"),
    Column("verificata_il", "reviewed", "date"),
    *_closing_columns("listing"),
]

PARTNER_COLUMNS = [
    Column("id", "id"),
    Column("nome", "name"),
    Column("nome_breve", "short_name"),
    Column("tipo", "type"),
    Column("ruolo", "role"),
    Column("reti", "networks", packed=True, description_key="partner.reti.description"),
    Column("zone", "zones", packed=True, description_key="partner.zone.description"),
    *_contact_columns(),
    Column("sede", "contact.address"),
    Column("esp", "peer_support", "boolean"),
    Column("verificato_il", "reviewed", "date"),
    *_closing_columns("partner"),
]

ZONE_COLUMNS = [
    Column("id", "id"),
    Column("nome", "label"),
    Column("quartieri", "areas", packed=True),
]

LINK_COLUMNS = [
    Column(
        "opportunita",
        "id",
        title_key="listing_zone.opportunita.title",
        description_key="listing_zone.opportunita.description",
        required=True,
    ),
    Column(
        "zona",
        None,
        title_key="listing_zone.zona.title",
        description_key="listing_zone.zona.description",
        required=True,
    ),
]


# -- Rows ---------------------------------------------------------------------------------------------


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# Cells read from a nested mapping of a record: cell name -> key.
_CONTACT_CELLS = {"email": "email", "telefono": "phone", "sito": "url"}  # record["contact"]
_DATE_CELLS = {"data_inizio": "start", "data_fine": "end", "scadenza": "deadline"}  # listing["dates"]


def _nested_cells(record: Mapping, key: str, cells_of: Mapping[str, str]) -> dict:
    """The cells `cells_of` names, read from the mapping `record[key]` ("" where a value is missing)."""
    nested = record.get(key) or {}
    return {cell: str(nested.get(name) or "") for cell, name in cells_of.items()}


def _cost_cells(listing: Mapping) -> dict:
    """What a listing costs (free, within the budget, an amount in euro) and the stipend it pays."""
    cost = listing.get("cost")
    amount = _num(cost)
    return {
        "costo_tipo": "importo" if amount is not None else (cost if cost in ("free", "budget") else ""),
        "costo_euro": amount,
        "indennita_mensile": _num(listing.get("stipend")),
    }


def _typed(record: Mapping, key: str, kind: type):
    """The record's value if it has that type, else None."""
    value = record.get(key)
    return value if isinstance(value, kind) else None


def open_record(listing: Listing | Mapping, ctx: SiteContext) -> dict:
    """The listing's open-data record (`public_record`), built once per run: the CSV, the JSON and the
    bulletin's files of one `bds publish` share it (memo in `ctx.cache`, which lives as long as the run).
    Callers must not change it."""
    record = ctx.listing(listing)
    key = ("open-data", id(record))  # the memo keeps the record alive: its id() is never reused
    found = ctx.cache.get(key)
    if found is None or found[0] is not record:
        found = ctx.cache[key] = (record, public_record(record, ctx))
    return found[1]


def public_record(listing: Listing | Mapping, ctx: SiteContext) -> dict:
    """A listing as published: the address and place name are dropped when the place is reserved."""
    record = as_listing(listing)
    listing = record.raw
    partner = ctx.partners.get(str(listing.get("partner")), {})
    return {
        "id": str(listing.get("id", "")),
        "titolo": str(listing.get("title", "")),
        "tipo": str(listing.get("kind", "")),
        "tipo_etichetta": ctx.labels.kinds.get(str(listing.get("kind")), ""),
        "assi": LIST_SEPARATOR.join(listing.get("axes") or []),
        "ente": str(listing.get("partner", "")),
        "ente_nome": str(partner.get("name", "")),
        "sintesi": str(listing.get("summary", "")),
        "zone": LIST_SEPARATOR.join(listing.get("zones") or []),
        "luogo": record.place_name or "",
        "indirizzo": record.address or "",
        **_nested_cells(listing, "dates", _DATE_CELLS),
        "orari": _typed(listing, "schedule", str) or "",
        "posti": _typed(listing, "places", int),
        **_cost_cells(listing),
        "accesso": str(listing.get("access", "")),
        "destinatari": LIST_SEPARATOR.join(listing.get("audience") or []),
        **_nested_cells(listing, "contact", _CONTACT_CELLS),
        "stato": str(listing.get("status", "")),
        "verificata_il": str(listing.get("reviewed", "")),
        "esempio": record.example,
        "url": ctx.url(model.listing_path(record.id)),
    }


def partner_record(pid: str, partner: dict, ctx: SiteContext) -> dict:
    return {
        "id": pid,
        "nome": str(partner.get("name", "")),
        "nome_breve": str(partner.get("short_name") or ""),
        "tipo": str(partner.get("type", "")),
        "ruolo": str(partner.get("role", "")),
        "reti": LIST_SEPARATOR.join(partner.get("networks") or []),
        "zone": LIST_SEPARATOR.join(partner.get("zones") or []),
        **_nested_cells(partner, "contact", _CONTACT_CELLS),
        "sede": str((partner.get("contact") or {}).get("address") or ""),
        "esp": _typed(partner, "peer_support", bool),
        "verificato_il": str(partner.get("reviewed", "")),
        "esempio": partner.get("example") is True,
        "url": ctx.url(model.partner_path(pid)),
    }


def _listings(ctx: SiteContext) -> list[Listing]:
    return sorted(ctx.open_records, key=lambda record: record.id)


def _zones(ctx: SiteContext) -> list[dict]:
    return [z for z in ctx.territory.get("zones") or [] if isinstance(z, dict)]


def tables(ctx: SiteContext) -> dict[str, tuple[list[Column], list[dict]]]:
    """File name -> (columns, records), in the order of the data package."""
    zones = [
        {
            "id": str(z.get("id", "")),
            "nome": str(z.get("label", "")),
            "quartieri": LIST_SEPARATOR.join(str(a) for a in z.get("areas") or []),
        }
        for z in _zones(ctx)
    ]
    listings = _listings(ctx)
    links = [{"opportunita": record.id, "zona": zone} for record in listings for zone in record.zones]
    return {
        "opportunita.csv": (OPPORTUNITY_COLUMNS, [open_record(record, ctx) for record in listings]),
        "enti.csv": (PARTNER_COLUMNS, [partner_record(pid, p, ctx) for pid, p in ctx.partners.items()]),
        "zone.csv": (ZONE_COLUMNS, zones),
        "opportunita-zone.csv": (LINK_COLUMNS, links),
    }


def _csv_cell(value, boolean: bool):
    if value is None:
        return ""
    if boolean:
        return "true" if value else "false"
    return cells.neutralise(value)  # text cells only: see bds.cells


def to_csv(columns: list[Column], records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [c.name for c in columns]
    flags = [c.type == "boolean" for c in columns]
    writer.writerow(names)
    triggers = cells.TRIGGERS
    # a text that bds.cells leaves alone (most of them) is written as it is, without a call per cell
    writer.writerows(
        [
            value
            if type(value) is str and not boolean and not value.startswith(triggers)
            else _csv_cell(value, boolean)
            for value, boolean in zip(map(record.__getitem__, names), flags, strict=True)
        ]
        for record in records
    )
    return buffer.getvalue().encode("utf-8")


def csv_files(ctx: SiteContext) -> dict[str, bytes]:
    return {name: to_csv(columns, records) for name, (columns, records) in tables(ctx).items()}


def listings_csv(ctx: SiteContext) -> bytes:
    columns, records = tables(ctx)["opportunita.csv"]
    return to_csv(columns, records)


# -- The descriptor -----------------------------------------------------------------------------------


def _territory_codes(name: str, zone_codes: list[str], networks: list[str]) -> dict:
    """The zones and networks of this territory, not any slug."""
    if name == "zone" and zone_codes:
        return {"pattern": _codes_pattern(zone_codes)}
    if name == "zona" and zone_codes:
        return {"enum": zone_codes}
    if name == "reti" and networks:
        return {"pattern": _codes_pattern(networks)}
    return {}


def _fields(kind: str, columns: list[Column], ctx: SiteContext) -> list[dict]:
    zone_codes = [str(z.get("id", "")) for z in _zones(ctx)]
    networks = [str(n.get("id", "")) for n in ctx.territory.get("networks") or [] if isinstance(n, dict)]
    out = []
    for column in columns:
        built = field_of(kind, column)
        constraints = built.setdefault("constraints", {})
        constraints |= _territory_codes(built["name"], zone_codes, networks)
        if not constraints:
            del built["constraints"]
        out.append(built)
    return out


class _Table(NamedTuple):
    """One table of the data package: its name (the file is NAME.csv), the catalogue entry of its
    title and description (`data.package.<texts>`), the schema its columns come from, its columns,
    primary key and foreign keys (column, table it refers to by id)."""

    name: str
    texts: str
    kind: str
    columns: list[Column]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()


_TABLES = (
    _Table("opportunita", "listings", "opportunity", OPPORTUNITY_COLUMNS, ("id",), (("ente", "enti"),)),
    _Table("enti", "partners", "partner", PARTNER_COLUMNS, ("id",)),
    _Table("zone", "zones", "zone", ZONE_COLUMNS, ("id",)),
    _Table(
        "opportunita-zone",
        "listing_zones",
        "opportunity",
        LINK_COLUMNS,
        ("opportunita", "zona"),
        (("opportunita", "opportunita"), ("zona", "zone")),
    ),
)


def _resource(table: _Table, rule: str, ctx: SiteContext) -> dict:
    keys: dict = {"primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        keys["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": other, "fields": ["id"]}}
            for column, other in table.foreign_keys
        ]
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "title": t(f"data.package.{table.texts}.title"),
        "description": t(f"data.package.{table.texts}.description", rule=rule),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": _fields(table.kind, table.columns, ctx), "missingValues": [""], **keys},
    }


def descriptor(ctx: SiteContext) -> dict:
    chosen = model.licence(ctx.territory)
    licence_info: dict[str, str | None] = {"title": chosen.title}
    if chosen.spdx:
        licence_info = {"name": chosen.spdx, "title": chosen.title, "path": chosen.url}
    programme = str(ctx.territory.get("programme", ""))
    rule = f"{cells.RULE_IT} {t('data.package.untouched')}"
    return {
        "profile": "tabular-data-package",
        "name": "bds-opportunita",
        "title": t("data.package.title", name=programme),
        "description": t("data.package.description", name=programme, rule=rule),
        "licenses": [licence_info],
        "resources": [_resource(table, rule, ctx) for table in _TABLES],
    }


def datapackage(ctx: SiteContext) -> bytes:
    return (jsontext.dumps(descriptor(ctx), indent=1) + "\n").encode("utf-8")
