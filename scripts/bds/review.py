"""Which changes of a pull request need the maintainers: content apart from code and configuration.

A content pull request (listings, partners, guides) is reviewed by the coordinators; one that also
touches code, workflows, schemas or configuration must stand out, so that it is not merged as
"just a new listing". `.github/workflows/pr-paths.yml` runs `python -m bds.review FILE` on the
list of changed paths (one a line) and fails when both kinds are mixed; the intake workflow checks
its own change the same way before opening a pull request (`--intake`: one new listing only).

The standard library and the kit's message catalogue (PyYAML) only: no schema engine, no site builder.
"""

from __future__ import annotations

import re
import sys

from . import messages

# Paths coordinators edit. content/territory.yml is configuration (site, disclosure threshold).
CONTENT_PREFIXES = ("opportunities/", "content/")
CONFIGURATION = {"content/territory.yml"}
LISTING = re.compile(r"opportunities/[a-z0-9][a-z0-9-]*\.yml")


def is_content(path: str) -> bool:
    path = path.strip()
    return path.startswith(CONTENT_PREFIXES) and path not in CONFIGURATION and ".." not in path.split("/")


def split(paths: list[str]) -> tuple[list[str], list[str]]:
    """(content paths, every other path) of a list of changed files; blank lines are skipped."""
    content: list[str] = []
    other: list[str] = []
    for path in paths:
        if not path.strip():
            continue
        (content if is_content(path) else other).append(path)
    return content, other


def problems(paths: list[str], intake: bool = False) -> list[str]:
    """Italian messages, empty when the change is fine."""
    content, other = split(paths)
    if intake:
        listed = [p for p in paths if p.strip()]
        if len(listed) != 1 or not LISTING.fullmatch(listed[0]):
            return [
                messages.t(
                    "validate.review.intake_one_listing", paths=", ".join(_shown(p) for p in listed[:20])
                )
            ]
        return []
    if content and other:
        return [
            messages.t("validate.review.mixed"),
            *(messages.t("validate.review.outside", path=_shown(p)) for p in other[:50]),
        ]
    return []


def _shown(path: str) -> str:
    """A path safe on one line of a GitHub workflow command (no newline, no %-escapes)."""
    return "".join(c if c.isprintable() else "?" for c in path).replace("%", "%25")


def main(argv: list[str]) -> int:
    intake = "--intake" in argv
    names = [a for a in argv if a != "--intake"]
    if len(names) != 1:
        print(messages.t("validate.review.usage"), file=sys.stderr)
        return 2
    try:
        with open(names[0], encoding="utf-8", errors="replace") as fh:
            paths = fh.read().split("\n")
    except OSError as exc:
        print(messages.t("validate.review.unreadable", name=names[0], why=exc.strerror), file=sys.stderr)
        return 2
    found = problems(paths, intake=intake)
    for message in found:
        print(f"::error title={messages.t('validate.review.title')}::{message}")
    if not found:
        content, other = split(paths)
        print(messages.t("validate.review.fine", content=len(content), other=len(other)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
