"""QR codes as inline SVG, for the printed card of a listing (CPS waiting rooms)."""

from __future__ import annotations

import functools
import re
from typing import Any

import segno

SCALE = 3
BORDER = 4  # the quiet zone QR codes need (segno's default)
_DARK_RUN = re.compile(rb"\x01+")


def svg(url: str, label: str) -> str:
    """Inline SVG of a QR code for `url`.

    A fixed mask skips segno's mask scoring (80% of its time): any mask is a valid code, and with
    error level M the code stays readable when printed. The code is segno's own
    `segno.make(url, error="m", micro=False, mask=0, boost_error=False)`, its modules placed here by a
    layout made once per version (`_rows`), and the drawing is segno's own `svg_inline(scale=3,
    omitsize=True, svgclass="bds-qr-svg", lineclass=None, title=None)`, written here from the rows with
    one regular expression per row: a third of segno's time in all, thousands of codes per build
    (tests/test_parallel_build.py compares both with segno).
    """
    return labelled(drawing(url), label)


def drawing(url: str) -> str:
    """The SVG of `url`'s code without its label (see `labelled`)."""
    rows = _rows(url)
    if rows is None:  # segno's own steps changed: its public function, slower, same code
        return _svg(segno.make(url, error="m", micro=False, mask=0, boost_error=False).matrix)
    return _svg(rows)


# -- The code's modules, placed by a layout made once per version -------------------------------------
# segno.make(url, error="m", micro=False, mask=0, boost_error=False) does per code: the data codewords
# with their error correction (ISO/IEC 18004:2015 7.4–7.6), then a fresh matrix with the finder,
# timing and alignment patterns, the zigzag placement of the bits (7.7.3), mask 0 over the data
# modules (7.8) and the format and version information (7.9, 7.10). With the version, the error level
# and the mask fixed, everything after the codewords is the same for every code of a version: the
# modules that are not data, where each bit goes, what the mask flips. So the codewords come from
# segno's own steps (the functions its `_encode` calls, pinned with segno in pyproject.toml), and the
# rest from `_layout(version)`; tests/test_parallel_build.py compares the result with segno.make.


def _rows(url: str) -> list[bytes] | None:
    """The code's rows of modules (1 dark, 0 light), or None when segno lacks one of its steps."""
    try:
        from segno import consts as segno_consts
        from segno import encoder as steps

        consts: Any = segno_consts  # its tables, typed as plain objects by segno's stubs
        error = consts.ERROR_LEVEL_M
        segments = steps.prepare_data(url, None, None)
        version = steps.find_version(segments, error, eci=False, micro=False)
        buffer = steps.Buffer()
        for segment in segments:
            steps.write_segment(buffer, segment, None, steps.version_range(version), False)
        capacity = consts.SYMBOL_CAPACITY[version][error]
        steps.write_terminator(buffer, capacity, None, len(buffer))
        steps.write_padding_bits(buffer, version, len(buffer))
        steps.write_pad_codewords(buffer, version, capacity, len(buffer))
        blocks = consts.ECC[version][error]
        data_bits = bytes(buffer.getbits())
    except (AttributeError, ImportError, TypeError, KeyError):
        return None
    layout = _layout(version)
    bits = _final_bits(data_bits, blocks, layout.data_bits)
    masked = (int.from_bytes(bits, "big") ^ layout.mask).to_bytes(len(bits), "big")
    modules = bytes(map((layout.fixed + masked).__getitem__, layout.gather))
    size = layout.size
    return [modules[row : row + size] for row in range(0, size * size, size)]


_BITS = bytes.maketrans(b"\x00\x01", b"01")
_BACK = bytes.maketrans(b"01", b"\x00\x01")


def _final_bits(data_bits: bytes, blocks, length: int) -> bytes:
    """The final message (ISO/IEC 18004:2015 7.6), a byte per bit: the data codewords cut into blocks,
    each block's error correction codewords, both interleaved, then the remainder bits (zeros) up to the
    `length` data modules of the version; what segno's `make_final_message` gives."""
    count = len(data_bits) // 8
    words = int(data_bits.translate(_BITS), 2).to_bytes(count, "big")
    data, errors, start = [], [], 0
    for block in blocks:
        for _ in range(block.num_blocks):
            chunk = words[start : start + block.num_data]
            start += block.num_data
            data.append(chunk)
            errors.append(_error_words(chunk, block.num_total - block.num_data))
    final = bytes(_interleave(data) + _interleave(errors))
    text = format(int.from_bytes(final, "big"), f"0{8 * len(final)}b").encode("ascii")
    return text.translate(_BACK) + bytes(length - len(text))


def _interleave(blocks: list[bytes]) -> list[int]:
    longest = max(len(block) for block in blocks)
    return [block[i] for i in range(longest) for block in blocks if i < len(block)]


def _error_words(data: bytes, count: int) -> bytes:
    """Reed–Solomon error correction codewords of `data` (GF(256), the code's generator polynomial of
    degree `count`): the remainder of the division, kept in one integer of `count` bytes and updated a
    byte at a time with a table of the generator's multiples."""
    table = _multiples(count)
    top, keep = 8 * (count - 1), (1 << (8 * count)) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & keep) ^ table[byte ^ (remainder >> top)]
    return remainder.to_bytes(count, "big")


@functools.cache
def _multiples(count: int) -> list[int]:
    """For every factor f, f times the generator polynomial of degree `count` (its leading term left out),
    as an integer of `count` bytes."""
    from segno import consts

    log, exp, generator = consts.GALIOS_LOG, consts.GALIOS_EXP, consts.GEN_POLY[count]
    table = [0]
    for factor in range(1, 256):
        table.append(int.from_bytes(bytes(exp[log[factor] + g] for g in generator), "big"))
    return table


class _Layout:
    """Where the modules of every code of one version go (error level M, mask 0): `fixed`, the values of
    the modules that are not data (patterns, format and version information), in reading order; `mask`,
    mask 0 over the data bits in placement order (as one integer, a byte per bit); `gather`, for each
    module in reading order, its index in `fixed + data bits`."""

    def __init__(self, version: int):
        from segno import encoder as steps

        size = steps.calc_matrix_size(version)
        free = steps.make_matrix(size, size)
        steps.add_finder_patterns(free, size, size)
        steps.add_alignment_patterns(free, size, size)
        order = _placement(free, size)  # the data modules, (row, column), in the order the bits go
        probe = segno.make("0", version=version, error="m", micro=False, mask=0, boost_error=False).matrix
        place = {cell: number for number, cell in enumerate(order)}
        fixed = [(r, c) for r in range(size) for c in range(size) if (r, c) not in place]
        self.size = size
        self.data_bits = len(order)
        self.fixed = bytes(probe[r][c] for r, c in fixed)
        self.mask = int.from_bytes(bytes(int((r + c) % 2 == 0) for r, c in order), "big")
        where = {cell: number for number, cell in enumerate(fixed)}
        self.gather = [
            where[(r, c)] if (r, c) in where else len(fixed) + place[(r, c)]
            for r in range(size)
            for c in range(size)
        ]


@functools.cache
def _layout(version: int) -> _Layout:
    return _Layout(version)


def _placement(free, size: int) -> list[tuple[int, int]]:
    """The free modules (value 2 in segno's fresh matrix) in the order of ISO/IEC 18004:2015 7.7.3: pairs
    of columns from the right, alternately upwards and downwards, column 6 (timing) skipped; the walk
    of segno's `add_codewords`."""
    order: list[tuple[int, int]] = []
    taken = set()
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for z in (0, 1):
                column = right - z
                upwards = ((right & 2) == 0) ^ (column < 6)
                row = (size - 1 - vertical) if upwards else vertical
                if free[row][column] == 0x2 and (row, column) not in taken:
                    taken.add((row, column))
                    order.append((row, column))
    return order


def labelled(drawing: str, label: str) -> str:
    """`drawing` named for screen readers (`label` already escaped)."""
    return drawing.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _svg(matrix) -> str:
    """segno's `svg_inline` drawing of the modules: one path, a relative move and a horizontal line per run
    of dark modules, row after row (all rows in one search: a row ends with a light separator)."""
    rows = [bytes(row) for row in matrix]
    if not rows or rows[0][:1] != b"\x01":  # never for a QR code (finder pattern)
        raise ValueError("not a QR code matrix")
    width = len(rows[0]) + 1
    moves: list[str] = []
    last_row, last_end = -1, 0
    for run in _DARK_RUN.finditer(b"\x00".join(rows)):
        row, start = divmod(run.start(), width)
        length = run.end() - run.start()
        if row == last_row:
            moves.append(f"m{start - last_end} 0h{length}")
        elif moves:
            moves.append(f"m{start - last_end} {row - last_row}h{length}")
        else:  # the first move is absolute, to the middle of the first row's modules
            moves.append(f"M{BORDER + start} {BORDER + 0.5 + row}h{length}")
        last_row, last_end = row, start + length
    side = (len(rows) + 2 * BORDER) * SCALE
    return (
        f'<svg viewBox="0 0 {side} {side}" class="bds-qr-svg">'
        f'<path transform="scale({SCALE})" stroke="#000" d="{"".join(moves)}"/></svg>'
    )
