"""Trim schema.org's published vocabulary to the types the kit's JSON-LD uses (see SOURCE.md).

Usage (from the repository root):
    python tests/vendor/schemaorg/extract.py schemaorg-current-https.jsonld \\
        > tests/vendor/schemaorg/vocabulary.json

Kept: every class in TYPES with all its supertypes (rdfs:subClassOf), every property whose
domainIncludes names one of those classes (with its domainIncludes and rangeIncludes, unchanged), and
the members of the enumerations in ENUMERATIONS. Nothing is added or edited: the test reads the
result as the vocabulary and checks the kit's markup against it.
"""

from __future__ import annotations

import json
import sys

TYPES = [
    "JobPosting",
    "Event",
    "Place",
    "PostalAddress",
    "AdministrativeArea",
    "Organization",
    "MonetaryAmount",
    "QuantitativeValue",
    "PropertyValue",
    "Offer",
    "Schedule",
    "Service",
    "Audience",
]
ENUMERATIONS = ["EventStatusType", "EventAttendanceModeEnumeration", "ItemAvailability", "DayOfWeek"]
DATATYPES = ["Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Boolean"]


def _ids(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item["@id"].removeprefix("schema:") for item in items]


def main(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        graph = json.load(fh)["@graph"]
    nodes = {node["@id"].removeprefix("schema:"): node for node in graph if "@id" in node}
    classes: dict[str, list[str]] = {}
    todo = list(TYPES) + list(ENUMERATIONS) + DATATYPES
    while todo:
        name = todo.pop()
        if name in classes or name not in nodes:
            continue
        parents = _ids(nodes[name].get("rdfs:subClassOf"))
        classes[name] = parents
        todo.extend(parents)
    properties = {}
    for name, node in sorted(nodes.items()):
        if node.get("@type") != "rdf:Property":
            continue
        domains = _ids(node.get("schema:domainIncludes"))
        if set(domains) & set(classes):
            properties[name] = {
                "domainIncludes": sorted(domains),
                "rangeIncludes": sorted(_ids(node.get("schema:rangeIncludes"))),
            }
    members = {}
    for name, node in sorted(nodes.items()):
        types = node.get("@type")
        for kind in types if isinstance(types, list) else [types]:
            kind = str(kind).removeprefix("schema:")
            if kind in ENUMERATIONS:
                members.setdefault(kind, []).append(name)
    return {
        "source": "schema.org data/releases/30.0/schemaorg-current-https.jsonld",
        "licence": "CC BY-SA 3.0 (schema.org vocabulary)",
        "classes": dict(sorted(classes.items())),
        "properties": properties,
        "enumerations": {k: sorted(v) for k, v in sorted(members.items())},
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1]), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")
