"""The territory's own words (`vocabulary` in content/territory.yml) over the kit's defaults.

The defaults are Milan's words (Budget di Salute, ASST, CPS, case manager); the labels of the axes,
audiences and access modes default to the schemas' `x-labels`, so there is one source for each. A
territory overrides any of them; the site's pages ask `of(territory)` for the words they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from . import kitfiles, lazy

# The territory's words; the kit's defaults (Milan's) are in data/vocabulary.yml.
WORD_KEYS = (
    "programme",
    "programme_short",
    "health_service",
    "unit",
    "unit_long",
    "unit_the",
    "unit_your",
    "coordinator",
    "coordinator_the",
)
DEFAULTS: dict[str, str]  # read when first asked for: `defaults()`


@cache
def _defaults() -> dict[str, str]:
    import yaml

    # The package's own data folder, read once: every message asks for these words.
    path = kitfiles.PACKAGE / "data" / "vocabulary.yml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    words = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return {key: str(words[key]) for key in WORD_KEYS}


def defaults() -> dict[str, str]:
    """The kit's default words (Milan's)."""
    return dict(_defaults())


__getattr__ = lazy.attributes(__name__, DEFAULTS=defaults)


@dataclass(frozen=True)
class Words:
    programme: str
    programme_short: str
    health_service: str
    unit: str
    unit_long: str
    unit_the: str
    unit_your: str
    coordinator: str
    coordinator_the: str
    axes: dict[str, str] = field(default_factory=dict)
    audiences: dict[str, str] = field(default_factory=dict)
    access: dict[str, str] = field(default_factory=dict)


def default_labels() -> dict[str, dict[str, str]]:
    from . import schema  # deferred: `bds --help` needs the words, not the schemas

    audiences = dict(schema.labels_for("guide", ("audience",)))
    audiences.update(schema.labels_for("opportunity", ("audience",)))
    return {
        "axes": dict(schema.labels_for("opportunity", ("axes",))),
        "audiences": audiences,
        "access": dict(schema.labels_for("opportunity", ("access",))),
    }


def _text(value, default: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else default


def of(territory: dict | None) -> Words:
    """The words of `territory` (a loaded territory.yml), each missing one taken from the defaults."""
    own = (territory or {}).get("vocabulary")
    own = own if isinstance(own, dict) else {}
    words = {key: _text(own.get(key), default) for key, default in defaults().items()}
    from . import messages

    with messages.use(words=words):  # the schemas' labels may name these words ({coordinator}...)
        labels = default_labels()
    italian = messages.current_language() == messages.DEFAULT_LANGUAGE
    for group, values in labels.items():
        # the territory's own labels are Italian: another language keeps its catalogue's labels
        given = own.get(group) if italian else None
        if isinstance(given, dict):
            values.update({str(k): _text(v, values.get(str(k), str(k))) for k, v in given.items()})
    return Words(**words, axes=labels["axes"], audiences=labels["audiences"], access=labels["access"])


def guide_audiences(words: Words) -> dict[str, str]:
    """Guide audience labels: the guide schema's keys, with the territory's words."""
    from . import schema  # deferred: `bds --help` needs the words, not the schemas

    keys = schema.labels_for("guide", ("audience",))
    return {key: words.audiences.get(key, label) for key, label in keys.items()}


def listing_audiences(words: Words) -> dict[str, str]:
    from . import schema  # deferred: `bds --help` needs the words, not the schemas

    keys = schema.labels_for("opportunity", ("audience",))
    return {key: words.audiences.get(key, label) for key, label in keys.items()}
