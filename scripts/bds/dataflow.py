"""The data-flow diagram of the data-protection guide, drawn as SVG from a small declarative description.

The description (lanes, boxes, arrows, boundaries) is data; `render_svg()` is a pure function of it, so
the picture on the site is rebuilt with every build and cannot drift into a stale screenshot. The same
description produces the `<desc>` text, which is what a screen reader announces.

Accessibility choices: `role="img"` with `<title>` and `<desc>` referenced by `aria-labelledby`; every word
is a `<text>` element (selectable, zoomable, translatable); dark text on light fills (contrast well above
4.5:1); lanes differ by border style as well as colour, so the picture still reads in greyscale.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from . import messages

# Where the site publishes the picture, next to the guide that shows it (see site_files()).
GUIDE_SLUG = "protezione-dati"
FILE_NAME = "flusso-dati.svg"
DEFAULT_THRESHOLD = 10


@dataclass(frozen=True)
class Lane:
    id: str
    label: str
    fill: str
    stroke: str
    dash: str | None  # border pattern: the lanes differ by more than colour


@dataclass(frozen=True)
class Box:
    id: str
    lane: str
    column: int
    title: str
    detail: str


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Boundary:
    """A labelled line drawn below a lane: what must never cross it."""

    below_lane: str
    label: str


@dataclass(frozen=True)
class Diagram:
    title: str
    lanes: tuple[Lane, ...]
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    boundaries: tuple[Boundary, ...] = ()


# (id, fill, stroke, dash) of each lane; its label is `validate.dataflow.lane.<id>`.
_LANES = (
    ("public", "#eaf2fb", "#1f4e79", None),
    ("coordination", "#fff4e5", "#8a4b00", "8 4"),
    ("health", "#f3ecfa", "#5b2a86", "2 3"),
)
# (id, lane, column) of each box; its words are `validate.dataflow.box.<id>.title|detail`.
_BOXES = (
    ("content", "public", 0),
    ("build", "public", 1),
    ("site", "public", 2),
    ("outcomes", "coordination", 0),
    ("report", "coordination", 1),
    ("aggregate", "coordination", 2),
    ("records", "health", 0),
    ("pseudonymise", "health", 1),
    ("key", "health", 2),
)
# (source, target, has a label): the label is `validate.dataflow.arrow.<source>_<target>`.
_ARROWS = (
    ("content", "build", False),
    ("build", "site", False),
    ("outcomes", "report", False),
    ("report", "aggregate", False),
    ("records", "pseudonymise", False),
    ("key", "pseudonymise", False),
    ("pseudonymise", "outcomes", True),
)


def describe_flow(threshold: int = DEFAULT_THRESHOLD) -> Diagram:
    """The data flow of a BdS network using the kit. `threshold` is the territory's k."""
    key = "validate.dataflow."
    lanes = tuple(Lane(id, messages.t(f"{key}lane.{id}"), *look) for id, *look in _LANES)
    boxes = tuple(
        Box(
            id,
            lane,
            column,
            messages.t(f"{key}box.{id}.title"),
            messages.t(f"{key}box.{id}.detail", k=threshold),
        )
        for id, lane, column in _BOXES
    )
    arrows = tuple(
        Arrow(source, target, messages.t(f"{key}arrow.{source}_{target}") if labelled else "")
        for source, target, labelled in _ARROWS
    )
    boundaries = (Boundary("public", messages.t(f"{key}boundary")),)
    return Diagram(messages.t(f"{key}title"), lanes, boxes, arrows, boundaries)


def description_text(diagram: Diagram) -> str:
    """The diagram in words, built from the same description: the `<desc>` of the SVG."""
    boxes = {b.id: b for b in diagram.boxes}
    parts = []
    for lane in diagram.lanes:
        names = ", ".join(
            f"{b.title} ({b.detail.rstrip('.')})"
            for b in sorted(diagram.boxes, key=lambda b: b.column)
            if b.lane == lane.id
        )
        parts.append(f"{lane.label}: {names}.")
    for arrow in diagram.arrows:
        how = f", {arrow.label}" if arrow.label else ""
        leads = messages.t(
            "validate.dataflow.leads_to", source=boxes[arrow.source].title, target=boxes[arrow.target].title
        )
        parts.append(f"{leads}{how}.")
    parts += [f"{b.label}." for b in diagram.boundaries]
    return " ".join(parts)


# Geometry, in SVG user units (pixels at 100%).
_WIDTH = 960
_MARGIN = 16
_COLUMNS = 3
_GAP = 64  # between columns: room for the arrow heads
_LANE_HEAD = 34
_LANE_PAD = 14
_LANE_GAP = 46  # between lanes: room for boundaries and cross-lane arrows
_BOX_PAD = 12
_TITLE_SIZE = 16
_DETAIL_SIZE = 14
_TITLE_LINE = 20
_DETAIL_LINE = 18
_TEXT = "#1b1b1b"
_INK = "#333333"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_ID = "bds-flusso"  # prefix of every id, so the SVG can be inlined next to others


def _wrap(text: str, width_px: float, size: int, bold: bool = False) -> list[str]:
    # Average glyph width of a wide sans-serif face (DejaVu, Verdana) is about 0.55 em (0.6 bold).
    chars = max(8, int(width_px / (size * (0.6 if bold else 0.55))))
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def _box_height(lines: tuple[list[str], list[str]]) -> float:
    title, detail = lines
    return 2 * _BOX_PAD + len(title) * _TITLE_LINE + 6 + len(detail) * _DETAIL_LINE


def _lanes(diagram: Diagram, wrapped: dict, box_w: float):
    """The lanes one under the other, each as tall as its tallest box: their SVG, where each box
    stands (x, y, width, height), where each lane ends, and the height reached (after a last gap)."""
    positions: dict[str, tuple[float, float, float, float]] = {}
    lane_bottom: dict[str, float] = {}
    y: float = _MARGIN
    body: list[str] = []
    for lane in diagram.lanes:
        members = [b for b in diagram.boxes if b.lane == lane.id]
        box_h = max((_box_height(wrapped[b.id]) for b in members), default=40)
        for box in members:
            positions[box.id] = (
                _MARGIN + _LANE_PAD + box.column * (box_w + _GAP),
                y + _LANE_HEAD,
                box_w,
                box_h,
            )
        body += _lane_svg(lane, y, box_h, [(box.id, positions[box.id], wrapped[box.id]) for box in members])
        y += _LANE_HEAD + box_h + _LANE_PAD
        lane_bottom[lane.id] = y
        y += _LANE_GAP
    return body, positions, lane_bottom, y


def render_svg(diagram: Diagram | None = None, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The SVG document (UTF-8 text). Pure and deterministic: same input, same string."""
    diagram = diagram or describe_flow(threshold)
    inner = _WIDTH - 2 * _MARGIN - 2 * _LANE_PAD
    box_w = (inner - (_COLUMNS - 1) * _GAP) / _COLUMNS
    text_w = box_w - 2 * _BOX_PAD

    wrapped = {
        b.id: (_wrap(b.title, text_w, _TITLE_SIZE, bold=True), _wrap(b.detail, text_w, _DETAIL_SIZE))
        for b in diagram.boxes
    }

    body, positions, lane_bottom, y = _lanes(diagram, wrapped, box_w)
    height = y - _LANE_GAP + _MARGIN
    for boundary in diagram.boundaries:
        body += _boundary_svg(boundary.label, lane_bottom[boundary.below_lane] + _LANE_GAP / 2)
    for arrow in diagram.arrows:
        body.append(_arrow(positions[arrow.source], positions[arrow.target], arrow.label))
    out = _head(diagram.title, description_text(diagram), height) + body
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _lane_svg(lane, y: float, box_h: float, boxes: list) -> list[str]:
    """One lane at height `y`: its frame, its label, its boxes ((id, position, wrapped lines) each)."""
    lane_h = _LANE_HEAD + box_h + _LANE_PAD
    dash = f' stroke-dasharray="{lane.dash}"' if lane.dash else ""
    body = [f'<g id="{_ID}-lane-{lane.id}">']
    body.append(
        f'<rect x="{_MARGIN}" y="{y}" width="{_WIDTH - 2 * _MARGIN}" height="{lane_h:g}" rx="10" '
        f'fill="{lane.fill}" stroke="{lane.stroke}" stroke-width="2"{dash}/>'
    )
    body.append(_text(_MARGIN + _LANE_PAD, y + 23, lane.label, _TITLE_SIZE, bold=True))
    for box_id, where, lines in boxes:
        body += _box_svg(box_id, lane.stroke, where, lines)
    body.append("</g>")
    return body


def _box_svg(
    box_id: str, stroke: str, where: tuple[float, float, float, float], lines: tuple[list[str], list[str]]
) -> list[str]:
    """One box: its frame, its title lines in bold, its detail lines."""
    bx, by, box_w, box_h = where
    out = [
        f'<g id="{_ID}-box-{box_id}">',
        f'<rect x="{bx:g}" y="{by:g}" width="{box_w:g}" height="{box_h:g}" rx="6" '
        f'fill="#ffffff" stroke="{stroke}" stroke-width="2"/>',
    ]
    title, detail = lines
    ty = by + _BOX_PAD + _TITLE_SIZE
    for line in title:
        out.append(_text(bx + _BOX_PAD, ty, line, _TITLE_SIZE, bold=True))
        ty += _TITLE_LINE
    ty += 6 - _TITLE_LINE + _DETAIL_LINE
    for line in detail:
        out.append(_text(bx + _BOX_PAD, ty, line, _DETAIL_SIZE))
        ty += _DETAIL_LINE
    out.append("</g>")
    return out


def _boundary_svg(label: str, line_y: float) -> list[str]:
    """A boundary: a red dashed line across the picture, its label in a box at the middle."""
    label_w = len(label) * _DETAIL_SIZE * 0.56 + 16
    return [
        f'<g id="{_ID}-boundary">',
        f'<line x1="{_MARGIN}" y1="{line_y:g}" x2="{_WIDTH - _MARGIN}" y2="{line_y:g}" '
        f'stroke="#b00020" stroke-width="3" stroke-dasharray="10 6"/>',
        f'<rect x="{(_WIDTH - label_w) / 2:g}" y="{line_y - 12:g}" width="{label_w:g}" height="24" '
        f'rx="4" fill="#ffffff" stroke="#b00020" stroke-width="1.5"/>',
        _text(_WIDTH / 2, line_y + 5, label, _DETAIL_SIZE, bold=True, anchor="middle", colour="#8a0018"),
        "</g>",
    ]


def _head(title_text: str, desc_text: str, height: float) -> list[str]:
    """The document's start: the root element, its title and description, the arrow head, the background."""
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" xml:lang="it" role="img" '
        f'width="{_WIDTH}" height="{height:g}" viewBox="0 0 {_WIDTH} {height:g}" '
        f'aria-labelledby="{_ID}-title {_ID}-desc" font-family={quoteattr(_FONT)}>',
        f'<title id="{_ID}-title">{escape(title_text)}</title>',
        f'<desc id="{_ID}-desc">{escape(desc_text)}</desc>',
        f'<defs><marker id="{_ID}-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_INK}"/>'
        f"</marker></defs>",
        f'<rect width="{_WIDTH}" height="{height:g}" fill="#ffffff"/>',
    ]


def _text(
    x: float, y: float, text: str, size: int, bold: bool = False, anchor: str = "start", colour: str = _TEXT
) -> str:
    weight = ' font-weight="700"' if bold else ""
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}"{weight}{anchor_attr} fill="{colour}">'
        f"{escape(text)}</text>"
    )


def _arrow(source, target, label: str) -> str:
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    if abs(sy - ty) < 1:  # same lane: left to right or right to left, at mid height
        y = sy + sh / 2
        x1, x2 = (sx + sw, tx) if sx < tx else (sx, tx + tw)
        path = f"M{x1:g},{y:g} L{x2:g},{y:g}"
        label_svg = ""
    else:  # another lane: leave from the top or bottom edge, turn in the gap between lanes
        going_up = ty < sy
        x1, x2 = sx + sw / 2, tx + tw / 2
        y1 = sy if going_up else sy + sh
        y2 = ty + th if going_up else ty
        mid = (y1 + y2) / 2
        path = f"M{x1:g},{y1:g} L{x1:g},{mid:g} L{x2:g},{mid:g} L{x2:g},{y2:g}"
        label_svg = (
            _text((x1 + x2) / 2, mid - 8, label, _DETAIL_SIZE, bold=True, anchor="middle") if label else ""
        )
    return (
        f'<g class="arrow"><path d="{path}" fill="none" stroke="{_INK}" stroke-width="2.5" '
        f'marker-end="url(#{_ID}-head)"/>{label_svg}</g>'
    )


def site_files(content=None, ctx=None) -> dict[str, str]:
    """Page provider (bds.web.pages): the diagram beside the data-protection guide, with the territory's k.

    The guide links it as `flusso-dati.svg`, relative to its page URL `guide/protezione-dati/`.
    """
    territory = getattr(ctx, "territory", None)
    if not isinstance(territory, dict):
        record = getattr(content, "territory", None)
        territory = getattr(record, "data", None)
    threshold = DEFAULT_THRESHOLD
    if isinstance(territory, dict):
        value = territory.get("disclosure_threshold")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            threshold = value
    return {site_path(): render_svg(threshold=threshold)}


def site_path() -> str:
    return f"guide/{GUIDE_SLUG}/{FILE_NAME}"


if __name__ == "__main__":  # preview: python -m bds.dataflow > flusso-dati.svg
    import sys

    sys.stdout.write(render_svg())
