"""Synthetic projects for the site's tests and benchmark: plausible, valid, deterministic, invented.

No real person, address or organisation: names and streets are made up, emails use .example. The
invented territory, its glossary and guides, the word list and the text patterns of the records are
data: `data/synthetic.yml`.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from pathlib import Path

import yaml

from .. import kitfiles
from ..pipeline.writing import yaml_text

_DATA = yaml.safe_load(kitfiles.data("synthetic.yml").read_text(encoding="utf-8"))
_TEXTS = _DATA["texts"]

ZONES = [(z["id"], z["label"], z["areas"]) for z in _DATA["territory"]["zones"]]
KINDS = [
    "training",
    "volunteering",
    "internship",
    "job",
    "housing",
    "social",
    "peer-support",
    "family-support",
    "community-event",
]
AXES = {
    "training": ["work"],
    "volunteering": ["social"],
    "internship": ["work"],
    "job": ["work"],
    "housing": ["housing"],
    "social": ["social"],
    "peer-support": ["social"],
    "family-support": ["social"],
    "community-event": ["social"],
}
AUDIENCES = ["cps-users", "families", "citizens", "young-people", "leaving-prison", "volunteers", "operators"]
WORDS = _DATA["words"].split()
TYPES = ["cooperativa-sociale", "associazione", "fondazione", "consorzio", "impresa-sociale"]


def territory() -> dict:
    return copy.deepcopy(_DATA["territory"])


GLOSSARY = _DATA["glossary"]

GUIDES = [
    (g["slug"], g["title"], g["audience"], g["order"], g["summary"], g["body"]) for g in _DATA["guides"]
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def partner(i: int, rng: random.Random, reviewed: str) -> dict:
    pid = f"ente-{i:03d}"
    return {
        "id": pid,
        "name": _TEXTS["partner_name"].format(number=f"{i:03d}"),
        "type": TYPES[i % len(TYPES)],
        "role": ["capofila", "partner", "rete"][i % 3],
        "networks": ["rete-prova"],
        "description": _TEXTS["partner_description"].format(i=i, sentence=_sentence(rng, 14)),
        "zones": [ZONES[i % len(ZONES)][0]],
        "services": list(_TEXTS["partner_services"]),
        "contact": {
            "email": f"info{i}@ente.example",
            "phone": "02 1234 5678",
            "url": f"https://ente{i}.example/",
            "address": _TEXTS["partner_address"].format(i=i),
        },
        "peer_support": i % 2 == 0,
        "reviewed": reviewed,
        "example": True,
    }


def listing(i: int, rng: random.Random, partners: int, today: dt.date) -> dict:
    kind = KINDS[i % len(KINDS)]
    lid = f"opportunita-{i:05d}"
    reviewed = (today - dt.timedelta(days=rng.randint(1, 200))).isoformat()
    record = {
        "id": lid,
        "title": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
        "kind": kind,
        "axes": AXES[kind],
        "partner": f"ente-{i % partners:03d}",
        "summary": _TEXTS["listing_summary"].format(word=rng.choice(WORDS)),
        "description": "\n\n".join(_sentence(rng, rng.randint(25, 45)) for _ in range(3)),
        "audience": sorted(rng.sample(AUDIENCES, 2)),
        "access": ["via-case-manager", "direct", "both"][i % 3],
        "zones": [ZONES[i % len(ZONES)][0]],
        "location": {
            "name": _TEXTS["listing_place"].format(word=rng.choice(WORDS)),
            "address": _TEXTS["listing_address"].format(i=i),
            "visibility": "public",
        },
        "contact": {"email": f"opportunita{i}@ente.example"},
        "status": "full" if i % 17 == 0 else "open",
        "reviewed": reviewed,
        "example": True,
        "places": rng.randint(3, 20),
        "tags": [rng.choice(WORDS)],
    }
    if kind == "housing":
        record["location"] = {"name": _TEXTS["housing_place"], "visibility": "zone-only"}  # never an address
    if i % 4 == 0:
        start = today + dt.timedelta(days=rng.randint(5, 90))
        record["dates"] = {
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=60)).isoformat(),
            "deadline": (start - dt.timedelta(days=2)).isoformat(),
        }
    record["cost"] = ["free", "budget", 20][i % 3]
    if kind == "internship":
        record["stipend"] = 500
    if kind in ("job", "internship"):
        record["published"] = reviewed  # first publication: datePosted of the JobPosting
    if i % 3 == 1:
        record["schedule"] = _TEXTS["schedule"]
        if "dates" in record and kind != "housing":  # the same hours, structured for the calendar
            record["timetable"] = {"days": ["tue"], "start_time": "15:00", "end_time": "17:00"}
    return record


def write_project(
    root: Path, listings: int = 30, partners: int = 6, today: dt.date = dt.date(2026, 6, 1), seed: int = 7
) -> Path:
    """Write a complete valid project under `root` and return it."""
    rng = random.Random(seed)
    (root / "content" / "partners").mkdir(parents=True, exist_ok=True)
    (root / "content" / "guides").mkdir(parents=True, exist_ok=True)
    (root / "opportunities").mkdir(parents=True, exist_ok=True)

    def dump(path: Path, data) -> None:
        path.write_text(yaml_text(data), encoding="utf-8")

    dump(root / "content" / "territory.yml", territory())
    dump(root / "content" / "glossary.yml", GLOSSARY)
    reviewed = (today - dt.timedelta(days=30)).isoformat()
    for i in range(partners):
        dump(root / "content" / "partners" / f"ente-{i:03d}.yml", partner(i, rng, reviewed))
    for i in range(listings):
        dump(root / "opportunities" / f"opportunita-{i:05d}.yml", listing(i, rng, partners, today))
    for slug, title, audience, order, summary, body in GUIDES:
        front = yaml_text(
            {"title": title, "summary": summary, "audience": audience, "reviewed": reviewed, "order": order}
        )
        (root / "content" / "guides" / f"{slug}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return root
