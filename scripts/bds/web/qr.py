"""QR codes as inline SVG, for the printed card of a listing (CPS waiting rooms)."""

from __future__ import annotations

import segno


def svg(url: str, label: str) -> str:
    """Inline SVG of a QR code for `url`.

    A fixed mask skips segno's mask scoring, which is 80% of its time: any mask is a valid code,
    and with error level M the code stays readable when printed.
    """
    code = segno.make(url, error="m", micro=False, mask=0, boost_error=False)
    inner = code.svg_inline(scale=3, omitsize=True, svgclass="bds-qr-svg", lineclass=None, title=None)
    return inner.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
