"""Where the kit's own files are, in a source checkout and in an installed package.

Some of the kit's files live at the repository's top level (the layout the client fixed): the JSON
schemas and their commented templates (`schemas/`), the default site configuration (`mkdocs.yml`), the
GitHub workflows and the pre-commit configuration that `bds init` gives a new territory. In a source
checkout (PYTHONPATH=scripts, or `pip install -e .`) they are read from there; a built wheel carries
the same files as `bds/_kit/` (pyproject.toml maps the top-level folders into the package: nothing is
copied in git). The theme, the hook and `data/` are inside the package in both cases.

Every module that needs one of these files asks here; nothing else computes paths from `__file__`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from .errors import BdsError

PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE.parents[1]
_MARKER = Path("schemas") / "opportunity.schema.json"
SITE_CONFIG = "mkdocs.yml"  # the default site configuration, at the top level (read by bds.web.engine)


def _is_checkout(folder: Path) -> bool:
    return (
        (folder / "scripts" / "bds").resolve() == PACKAGE
        and (folder / _MARKER).is_file()
        and (folder / SITE_CONFIG).is_file()
    )


@cache
def root() -> Path:
    """The folder holding `schemas/` and `mkdocs.yml`: the checkout's top level, else `bds/_kit`."""
    if _is_checkout(_CHECKOUT):
        return _CHECKOUT
    shipped = Path(str(resources.files("bds"))) / "_kit"
    if (shipped / _MARKER).is_file() and (shipped / SITE_CONFIG).is_file():
        return shipped
    from . import messages  # it reads its catalogue through this module: imported here, not at the top

    raise BdsError(messages.t("validate.kit_incomplete", checkout=_CHECKOUT, shipped=shipped), 70)


def is_checkout() -> bool:
    """True when the code runs from the kit's own repository (not from an installed wheel)."""
    return root() == _CHECKOUT


def schemas() -> Path:
    return root() / "schemas"


def schema_templates() -> Path:
    return schemas() / "templates"


def outcome_schemas() -> Path:
    return schemas() / "outcomes"


def site_config() -> Path:
    """The kit's default site configuration, used when a territory has none of its own."""
    return root() / SITE_CONFIG


def theme() -> Path:
    return PACKAGE / "web" / "theme"


def data(name: str) -> Path:
    return PACKAGE / "data" / name


def workflows() -> Path:
    return root() / ".github" / "workflows"


def precommit_config() -> Path:
    return root() / ".pre-commit-config.yaml"


def yamllint_config() -> Path:
    return root() / ".yamllint.yaml"
