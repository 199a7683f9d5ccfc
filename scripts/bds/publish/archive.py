"""Stored bulletins: `content/bulletins/<quarter>.yml` (the figures) and `<quarter>/` (the open data).

They are written by `bds publish` and committed with the content, so every later build can render
every earlier bulletin exactly as it was published. Only catalogue data lives here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import safefs
from ..errors import BdsError
from ..messages import t
from ..pipeline.writing import yaml_text
from ..web import exports
from ..web.context import SiteContext
from . import bulletin

FOLDER = ("content", "bulletins")
_NAME = re.compile(r"^\d{4}Q[1-4]$")
MAX_STORED_BYTES = 64 * 1024 * 1024
REQUIRED = (
    "quarter",
    "title",
    "period",
    "reference_date",
    "totals",
    "by_kind",
    "by_axis",
    "by_zone",
    "new",
    "expiring",
    "partners_active",
)


@dataclass
class Stored:
    data: dict
    files: dict[str, bytes] = field(default_factory=dict)  # open data of the quarter, by file name


def folder(root: Path) -> Path:
    return root.joinpath(*FOLDER)


def record_path(root: Path, label: str) -> Path:
    return folder(root) / f"{label}.yml"


def files_path(root: Path, label: str) -> Path:
    return folder(root) / label


def dump(data: dict) -> str:
    return t("publish.archive.header") + yaml_text(data, width=100)


def _check(data, shown: str, label: str) -> dict:
    if not isinstance(data, dict):
        raise BdsError(t("publish.archive.not_a_mapping", shown=shown), exit_code=1)
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise BdsError(
            t("publish.archive.missing", shown=shown, fields=", ".join(missing), label=label),
            exit_code=1,
        )
    if data["quarter"] != label:
        raise BdsError(
            t("publish.archive.wrong_quarter", shown=shown, quarter=data["quarter"], label=label),
            exit_code=1,
        )
    return data


def load_all(root: Path) -> dict[str, Stored]:
    """Every stored bulletin of the project, by quarter label. Missing folder: none."""
    base = folder(root)
    out: dict[str, Stored] = {}
    _real_folder(base, "/".join(FOLDER))
    if not base.is_dir():
        return out
    for path in sorted(base.glob("*.yml")):
        if not _NAME.match(path.stem):
            continue
        shown = f"{'/'.join(FOLDER)}/{path.name}"
        try:
            data = yaml.safe_load(_read(path, shown).decode("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            raise BdsError(
                t("publish.archive.unreadable", shown=shown, label=path.stem),
                exit_code=1,
            ) from None
        stored = Stored(_check(data, shown, path.stem))
        extra = files_path(root, path.stem)
        _real_folder(extra, f"{'/'.join(FOLDER)}/{path.stem}")
        for name in stored.data.get("open_data") or []:
            if os.path.lexists(extra / name) and not (extra / name).is_dir():
                stored.files[name] = _read(extra / name, f"{'/'.join(FOLDER)}/{path.stem}/{name}")
        stored.data["open_data"] = sorted(stored.files, key=list(stored.data.get("open_data") or []).index)
        out[path.stem] = stored
    return out


def _real_folder(path: Path, shown: str) -> None:
    if path.is_symlink():
        raise BdsError(t("publish.archive.symlink", shown=shown), exit_code=1)


def _read(path: Path, shown: str) -> bytes:
    """A stored file goes into the public site: only a regular file of the repository, never a symlink."""
    try:
        return safefs.read_regular(path, MAX_STORED_BYTES)
    except safefs.NotRegular as exc:
        raise BdsError(t("publish.archive.not_regular", shown=shown, what=exc.what), 1) from None
    except safefs.TooLarge:
        raise BdsError(t("publish.archive.too_large", shown=shown), 1) from None


def previous_of(stored: dict[str, Stored], label: str) -> dict | None:
    earlier = [q for q in stored if q < label]
    return stored[max(earlier)].data if earlier else None


def open_data_files(ctx: SiteContext) -> dict[str, bytes]:
    """The quarter's open data, as the site publishes it on the reference day."""
    made = {
        **exports.table_files(ctx),
        "opportunita.json": exports.listings_json(ctx),
        "datapackage.json": exports.datapackage(ctx),
    }
    return {name: made[name] for name, _ in bulletin.OPEN_DATA_FILES}
