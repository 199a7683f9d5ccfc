"""The opportunity schema flattened into the fields a person fills in.

The web form, the issue form, the spreadsheet template and the importers all
read this list, so a field added to the schema appears everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import schema as S
from .. import vocabulary

KIND = "opportunity"
# Choices that come from the content of the territory rather than from the schema.
CONTENT_CHOICES = {("partner",): "partners", ("zones",): "zones"}
TEXTAREA_FROM = 200  # strings that may be longer than this get a multi-line box


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    title: str
    description: str
    required: bool
    widget: str  # text, textarea, select, radio, checkboxes, list, date, number...
    choices: tuple[tuple[str, str], ...] = ()  # (value, Italian label)
    source: str | None = None  # "partners" / "zones": choices filled from the content
    group: tuple[str, ...] = ()  # parent object path, for nested fields
    group_title: str = ""
    group_description: str = ""
    schema: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def html_id(self) -> str:
        return "f-" + "-".join(self.path)

    @property
    def item_schema(self) -> dict:
        return self.schema.get("items", {}) if self.schema.get("type") == "array" else self.schema

    @property
    def enum_values(self) -> list:
        node = self.item_schema
        if "enum" in node:
            return list(node["enum"])
        for option in self.schema.get("anyOf", []):
            if "enum" in option:
                return list(option["enum"])
        return []

    @property
    def number_schema(self) -> dict:
        """For choice-or-number fields (cost): the numeric alternative."""
        for option in self.schema.get("anyOf", []):
            if option.get("type") in ("number", "integer"):
                return option
        return {}


def _labels(node: dict, path: tuple) -> dict[str, str]:
    labels = node.get("x-labels") or node.get("items", {}).get("x-labels") or {}
    return S.translated_labels(KIND, path, labels)


def _widget(path: tuple, node: dict) -> str:
    if path in CONTENT_CHOICES:
        return "checkboxes" if node.get("type") == "array" else "select"
    kind = node.get("type")
    if "anyOf" in node:
        return "choice-or-number"
    if kind == "array":
        return "checkboxes" if "enum" in node.get("items", {}) else "list"
    if kind in ("boolean", "integer", "number"):
        return kind
    return _text_widget(node)


def _text_widget(node: dict) -> str:
    """The widget of a string: a date, a choice (radio buttons for a few), a long or a short text."""
    if node.get("format") == "date":
        return "date"
    if "enum" in node:
        return "radio" if len(node["enum"]) <= 4 else "select"
    if node.get("maxLength", 0) >= TEXTAREA_FROM and "pattern" not in node:
        return "textarea"
    return "text"


def fields(schema: dict | None = None) -> list[Field]:
    """Every leaf field of the opportunity schema, in schema order."""
    schema = schema if schema is not None else S.load_schema(KIND)
    out: list[Field] = []
    required = set(schema.get("required", []))
    for name, node in schema.get("properties", {}).items():
        if node.get("x-intake") is False:  # kept in the YAML only (structured timetable, first publication)
            continue
        if node.get("type") == "object" and "properties" in node:
            inner_required = set(node.get("required", []))
            for inner, leaf in node["properties"].items():
                path = (name, inner)
                out.append(
                    _field(
                        path,
                        leaf,
                        name in required and inner in inner_required,
                        group=(name,),
                        group_title=S.field_text(KIND, (name,), "title", node.get("title", name)),
                        group_description=S.field_text(
                            KIND, (name,), "description", node.get("description", "")
                        ),
                    )
                )
            continue
        out.append(_field((name,), node, name in required))
    return out


def _field(path, node, required, **group) -> Field:
    labels = _labels(node, path)
    values = node.get("enum") or node.get("items", {}).get("enum") or []
    if not values:
        values = next((o["enum"] for o in node.get("anyOf", []) if "enum" in o), [])
    choices = tuple((str(v), labels.get(v, str(v))) for v in values)
    return Field(
        path=path,
        title=S.field_text(KIND, path, "title", node.get("title", path[-1])),
        description=S.field_text(KIND, path, "description", node.get("description", "")),
        required=required,
        widget=_widget(path, node),
        choices=choices,
        source=CONTENT_CHOICES.get(path),
        schema=node,
        **group,
    )


def groups(schema: dict | None = None) -> dict[tuple, dict]:
    """Object fields (location, dates, contact) with their title, description and extra rules."""
    schema = schema if schema is not None else S.load_schema(KIND)
    return {
        (name,): node
        for name, node in schema.get("properties", {}).items()
        if node.get("type") == "object" and "properties" in node
    }


# Partners and zones as (id, label) pairs, and under "labels" the territory's words per enum field.
ContentLists = dict[str, Any]


def content_choices(content) -> ContentLists:
    """Partners and zones of the territory as (id, label) pairs, sorted by label."""
    territory = content.territory.data if content is not None and content.territory is not None else None
    territory = territory if isinstance(territory, dict) else None
    words = vocabulary.of(territory)
    return {
        "partners": sorted(_partners(content), key=lambda p: p[1].casefold()),
        "zones": _zones(territory),
        # the territory's words for these enum values (its `vocabulary`); the values stay the same
        "labels": {"axes": words.axes, "audience": words.audiences, "access": words.access},
    }


def _partners(content) -> list[tuple[str, str]]:
    if content is None:
        return []
    return [(doc.data["id"], doc.data.get("name") or doc.data["id"]) for doc in content.valid("partner")]


def _zones(territory: dict | None) -> list[tuple[str, str]]:
    if territory is None:
        return []
    zones = territory.get("zones") or []
    return [(z["id"], z.get("label") or z["id"]) for z in zones if isinstance(z, dict) and "id" in z]


def choices_for(f: Field, content_lists: ContentLists) -> list[tuple[str, str]]:
    if f.source:
        return list(content_lists.get(f.source, []))
    own = (content_lists.get("labels") or {}).get(f.name)
    if own:
        return [(value, own.get(value, label)) for value, label in f.choices]
    return list(f.choices)
