"""Synthetic projects for the site's tests and benchmark: plausible, valid, deterministic, invented.

No real person, address or organisation: names and streets are made up, emails use .example.
"""
# messages: pending (43 texts to move into data/messages/it.yml)

# ruff: noqa: E501 -- HTML and Italian text templates read better unbroken
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

ZONES = [
    ("zona-nord", "Zona Nord", ["Borgo Alto", "Prati"]),
    ("zona-sud", "Zona Sud", ["Ponte", "Molino"]),
    ("zona-est", "Zona Est", ["Fornaci"]),
    ("zona-ovest", "Zona Ovest", ["Cascina Nuova"]),
]
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
WORDS = (
    "laboratorio cucina orto giardino teatro musica ceramica falegnameria sartoria biblioteca quartiere "
    "gruppo incontro percorso formazione tirocinio lavoro casa autonomia amicizia sport camminata pittura "
    "fotografia informatica lingua italiano mercato bottega riciclo bicicletta cura animali ascolto "
    "festa cinema lettura scrittura radio giornale panetteria caffè magazzino accoglienza"
).split()
TYPES = ["cooperativa-sociale", "associazione", "fondazione", "consorzio", "impresa-sociale"]


def territory() -> dict:
    return {
        "programme": "Budget di Salute a Borgoprova",
        "territory": "Comune di Borgoprova",
        "region": "Lombardia",
        "description": "Il Budget di Salute è un progetto personale costruito insieme alla persona, al suo CPS e "
        "agli enti del territorio. Offre opportunità per la casa, il lavoro e la vita sociale. "
        "A Borgoprova lo realizzano la ASST e una rete di cooperative e associazioni.",
        "zones": [{"id": z, "label": label, "areas": areas} for z, label, areas in ZONES],
        "health_services": [
            {
                "id": "asst-prova",
                "name": "ASST di Prova",
                "short_name": "ASST Prova",
                "cps": [
                    {"id": "cps-nord", "name": "CPS Nord", "zones": ["zona-nord", "zona-est"]},
                    {"id": "cps-sud", "name": "CPS Sud", "zones": ["zona-sud", "zona-ovest"]},
                ],
            }
        ],
        "networks": [
            {
                "id": "rete-prova",
                "name": "Rete di prova",
                "description": "Una rete inventata di enti per provare il sito.",
            }
        ],
        "coordinators": {"name": "Coordinamento di prova", "email": "coordinamento@bds.example"},
        "site_url": "https://bds.example/",
        "content_licence": "CC BY 4.0",
        "disclosure_threshold": 10,
        "review_days": 365,
    }


GLOSSARY = {
    "terms": [
        {
            "term": "CPS",
            "expansion": "Centro Psico Sociale",
            "definition": "Il servizio pubblico di salute mentale del territorio, dove lavorano psichiatri, psicologi, "
            "infermieri e assistenti sociali.",
        },
        {
            "term": "ASST",
            "expansion": "Azienda Socio Sanitaria Territoriale",
            "definition": "L'azienda sanitaria pubblica da cui dipendono i CPS.",
        },
        {
            "term": "ESP",
            "expansion": "Esperto in supporto tra pari",
            "definition": "Una persona formata che mette a disposizione la propria esperienza di recovery.",
        },
        {
            "term": "REMS",
            "expansion": "Residenza per l'esecuzione delle misure di sicurezza",
            "definition": "Struttura sanitaria che accoglie persone che hanno commesso un reato e sono in cura.",
        },
        {
            "term": "tirocinio",
            "aliases": ["tirocini"],
            "definition": "Un periodo di formazione in un luogo di lavoro, con un'indennità mensile.",
        },
        {
            "term": "case manager",
            "definition": "L'operatore del CPS che accompagna la persona e tiene insieme il progetto.",
        },
    ]
}

GUIDES = [
    (
        "cos-e-il-budget-di-salute",
        "Che cos'è il Budget di Salute",
        ["everyone"],
        1,
        "Il Budget di Salute è un progetto fatto su misura per te. Lo costruisci con il tuo CPS e con gli enti "
        "del territorio.",
        "## Come funziona\n\nNe parli con il tuo case manager del CPS. Insieme scrivete un progetto su tre assi: "
        "**casa**, **lavoro e formazione**, **socialità**.\n\n## Chi partecipa\n\n- la persona\n- la famiglia, se la "
        "persona vuole\n- il CPS e gli enti della rete, con gli ESP\n",
    ),
    (
        "per-gli-enti",
        "Per gli enti e i volontari",
        ["partners", "volunteers"],
        2,
        "Come proporre un'opportunità e come entrare nella rete del Budget di Salute.",
        "## Proporre un'opportunità\n\nScrivi al coordinamento con una breve descrizione. Ogni scheda è verificata "
        "almeno una volta all'anno.\n\n## Fare volontariato\n\nCerca nel catalogo le proposte di volontariato.\n",
    ),
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def partner(i: int, rng: random.Random, reviewed: str) -> dict:
    pid = f"ente-{i:03d}"
    return {
        "id": pid,
        "name": f"Cooperativa Prova {i:03d}",
        "type": TYPES[i % len(TYPES)],
        "role": ["capofila", "partner", "rete"][i % 3],
        "networks": ["rete-prova"],
        "description": f"Ente di prova numero {i}. " + _sentence(rng, 14) + " Lavora con il CPS della zona.",
        "zones": [ZONES[i % len(ZONES)][0]],
        "services": ["Laboratori", "Accompagnamento al lavoro"],
        "contact": {
            "email": f"info{i}@ente.example",
            "phone": "02 1234 5678",
            "url": f"https://ente{i}.example/",
            "address": f"Via Inventata {i}, Borgoprova",
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
        "summary": f"Si fa {rng.choice(WORDS)} in gruppo, una volta a settimana. Può venire chi vuole.",
        "description": "\n\n".join(_sentence(rng, rng.randint(25, 45)) for _ in range(3)),
        "audience": sorted(rng.sample(AUDIENCES, 2)),
        "access": ["via-case-manager", "direct", "both"][i % 3],
        "zones": [ZONES[i % len(ZONES)][0]],
        "location": {
            "name": f"Spazio {rng.choice(WORDS)}",
            "address": f"Via Esempio {i}, Borgoprova",
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
        record["location"] = {"name": "Appartamento condiviso", "visibility": "zone-only"}  # never an address
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
        record["schedule"] = "Il martedì dalle 15 alle 17"
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
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    dump(root / "content" / "territory.yml", territory())
    dump(root / "content" / "glossary.yml", GLOSSARY)
    reviewed = (today - dt.timedelta(days=30)).isoformat()
    for i in range(partners):
        dump(root / "content" / "partners" / f"ente-{i:03d}.yml", partner(i, rng, reviewed))
    for i in range(listings):
        dump(root / "opportunities" / f"opportunita-{i:05d}.yml", listing(i, rng, partners, today))
    for slug, title, audience, order, summary, body in GUIDES:
        front = yaml.safe_dump(
            {"title": title, "summary": summary, "audience": audience, "reviewed": reviewed, "order": order},
            allow_unicode=True,
            sort_keys=False,
        )
        (root / "content" / "guides" / f"{slug}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return root
