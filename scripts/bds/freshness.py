"""What must be re-verified: listings about to expire or already expired, and old reviews.

`freshness()` returns plain data grouped by partner; the freshness issue on
GitHub (`bds intake freshness`) and the publication report both render it.
Closed listings are left out: nobody needs to re-verify them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import messages, rules
from . import schema as S
from .content import Content
from .dates import parse as parse_date
from .ghmarkdown import github_text

EXPIRING = "expiring"
EXPIRED = "expired"
STALE = "stale"


@dataclass(frozen=True)
class Reason:
    kind: str  # EXPIRING, EXPIRED or STALE
    field: str  # dates.end, dates.deadline, reviewed
    date: str
    days: int  # days until the date (EXPIRING), since it (EXPIRED, STALE)

    def text(self) -> str:
        title = S.title_for("opportunity", tuple(self.field.split(".")))
        if self.kind == EXPIRING:
            if self.days == 0:
                when = messages.t("validate.freshness.today")
            elif self.days == 1:
                when = messages.t("validate.freshness.tomorrow")
            else:
                when = messages.t("validate.freshness.in_days", days=self.days)
            return messages.t("validate.freshness.expiring", title=title, date=self.date, when=when)
        if self.kind == EXPIRED:
            return messages.t("validate.freshness.expired", title=title, date=self.date)
        return messages.t("validate.freshness.stale", date=self.date, days=self.days)


@dataclass(frozen=True)
class Item:
    path: str
    kind: str  # "opportunity" or "partner"
    id: str
    title: str
    reasons: tuple[Reason, ...]


@dataclass
class Group:
    partner: str
    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Freshness:
    today: dt.date
    days: int
    review_days: int
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "days": self.days,
            "review_days": self.review_days,
            "count": self.count,
            "groups": [
                {
                    "partner": g.partner,
                    "name": g.name,
                    "items": [
                        {
                            "path": i.path,
                            "kind": i.kind,
                            "id": i.id,
                            "title": i.title,
                            "reasons": [
                                {
                                    "kind": r.kind,
                                    "field": r.field,
                                    "date": r.date,
                                    "days": r.days,
                                    "text": r.text(),
                                }
                                for r in i.reasons
                            ],
                        }
                        for i in g.items
                    ],
                }
                for g in self.groups
            ],
        }


def _review_days(content: Content) -> int:
    territory = content.territory.data if content.territory is not None and content.territory.ok else None
    if isinstance(territory, dict):
        return int(territory.get("review_days", rules.DEFAULT_REVIEW_DAYS))
    return rules.DEFAULT_REVIEW_DAYS


def _stale(data: dict, today: dt.date, review_days: int) -> list[Reason]:
    reviewed = parse_date(data.get("reviewed"))
    if reviewed and (today - reviewed).days > review_days:
        return [Reason(STALE, "reviewed", reviewed.isoformat(), (today - reviewed).days)]
    return []


def _date_reasons(data: dict, today: dt.date, days: int) -> list[Reason]:
    """A deadline or an end that has passed, or comes within `days`."""
    reasons: list[Reason] = []
    dates = data.get("dates") or {}
    for key in ("deadline", "end"):
        when = parse_date(dates.get(key))
        if when is None:
            continue
        delta = (when - today).days
        if delta < 0:
            reasons.append(Reason(EXPIRED, f"dates.{key}", when.isoformat(), -delta))
        elif delta <= days:
            reasons.append(Reason(EXPIRING, f"dates.{key}", when.isoformat(), delta))
    return reasons


def _listing_items(content: Content, today: dt.date, days: int, review_days: int) -> dict[str, list[Item]]:
    """The open listings to re-verify, by partner id."""
    items: dict[str, list[Item]] = {}
    for doc in content.valid("opportunity"):
        data = doc.data
        if data.get("status") == "closed":
            continue
        reasons = _date_reasons(data, today, days) + _stale(data, today, review_days)
        if reasons:
            items.setdefault(data["partner"], []).append(
                Item(doc.path, "opportunity", data["id"], data["title"], tuple(reasons))
            )
    return items


def freshness(content: Content, today: dt.date, days: int = 30) -> Freshness:
    """Listings and partners to re-verify on `today`, grouped by partner, most urgent first."""
    review_days = _review_days(content)
    partners = {doc.data["id"]: doc for doc in content.valid("partner")}
    items = _listing_items(content, today, days, review_days)
    for pid, doc in partners.items():
        reasons = _stale(doc.data, today, review_days)
        if reasons:
            items.setdefault(pid, []).insert(
                0, Item(doc.path, "partner", pid, doc.data["name"], tuple(reasons))
            )
    groups = []
    for pid, found in items.items():
        name = partners[pid].data["name"] if pid in partners else pid
        found.sort(key=lambda i: (i.kind != "partner", min(_urgency(r) for r in i.reasons), i.id))
        groups.append(Group(pid, name, found))
    groups.sort(key=lambda g: g.name.casefold())
    return Freshness(today, days, review_days, groups)


def _urgency(reason: Reason) -> int:
    return -reason.days if reason.kind != EXPIRING else reason.days


MARKER = "<!-- bds-freshness -->"


def markdown(report: Freshness, repository_url: str | None = None) -> str:
    """The body of the single «schede da verificare» issue."""
    lines = [
        MARKER,
        "",
        messages.t(
            "validate.freshness.intro",
            today=report.today.isoformat(),
            days=report.days,
            review_days=report.review_days,
        ),
        "",
    ]
    if not report.groups:
        lines.append(messages.t("validate.freshness.none"))
        return "\n".join(lines) + "\n"
    lines.append(messages.t("validate.freshness.count", count=report.count))
    for group in report.groups:
        lines += ["", f"### {_escape(group.name)} (`{group.partner}`)", ""]
        for item in group.items:
            label = messages.t("validate.freshness.partner_record") if item.kind == "partner" else item.title
            target = (
                f"[`{item.path}`]({repository_url.rstrip('/')}/blob/main/{item.path})"
                if repository_url
                else f"`{item.path}`"
            )
            why = "; ".join(r.text() for r in item.reasons)
            lines.append(f"- [ ] **{_escape(label)}** ({target}): {why}")
    return "\n".join(lines) + "\n"


def text(report: Freshness) -> str:
    if not report.groups:
        return messages.t("validate.freshness.none")
    lines = []
    for group in report.groups:
        lines.append(f"{group.name} ({group.partner})")
        for item in group.items:
            lines.append(f"  {item.path}: " + "; ".join(r.text() for r in item.reasons))
    return "\n".join(lines)


def _escape(value: str) -> str:
    """A title or name in the issue body: no mention, link, image or HTML (`bds.ghmarkdown`)."""
    return github_text(value)
