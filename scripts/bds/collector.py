"""The cyclic garbage collector paused while many objects are made that form no cycle."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection in the block (loading records, typing millions of cells): each collection
    the new objects trigger walks every object made so far, again and again as they grow, and finds
    nothing to free. Collection resumes afterwards if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
