"""QR codes as inline SVG, for the printed card of a listing (CPS waiting rooms)."""

from __future__ import annotations

import re

import segno

SCALE = 3
BORDER = 4  # the quiet zone QR codes need (segno's default)
_DARK_RUN = re.compile(rb"\x01+")


def svg(url: str, label: str) -> str:
    """Inline SVG of a QR code for `url`.

    A fixed mask skips segno's mask scoring, which is 80% of its time: any mask is a valid code,
    and with error level M the code stays readable when printed. The drawing is segno's own
    `svg_inline(scale=3, omitsize=True, svgclass="bds-qr-svg", lineclass=None, title=None)`, written
    here from the code's matrix with one regular expression per row (a third of the time, thousands
    of codes per build; tests/test_parallel_build.py compares the two).
    """
    return labelled(drawing(url), label)


def drawing(url: str) -> str:
    """The SVG of `url`'s code without its label (see `labelled`)."""
    return _svg(segno.make(url, error="m", micro=False, mask=0, boost_error=False))


def labelled(drawing: str, label: str) -> str:
    """`drawing` named for screen readers (`label` already escaped)."""
    return drawing.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _svg(code) -> str:
    rows = [bytes(row) for row in code.matrix]
    if not rows or rows[0][:1] != b"\x01":  # never for a QR code (finder pattern): segno's own then
        return code.svg_inline(scale=SCALE, omitsize=True, svgclass="bds-qr-svg", lineclass=None, title=None)
    moves: list[str] = []
    last_x, last_y = 0, 0.0
    for number, row in enumerate(rows):
        y = BORDER + 0.5 + number
        for run in _DARK_RUN.finditer(row):
            start, end = BORDER + run.start(), BORDER + run.end()
            dy = y - last_y
            moves.append(
                f"{'m' if moves else 'M'}{start - last_x} {int(dy) if int(dy) == dy else dy}h{end - start}"
            )
            last_x, last_y = end, y
    side = (len(rows) + 2 * BORDER) * SCALE
    return (
        f'<svg viewBox="0 0 {side} {side}" class="bds-qr-svg">'
        f'<path transform="scale({SCALE})" stroke="#000" d="{"".join(moves)}"/></svg>'
    )
