"""The optional attributes of a page provider (see `web/pages.py`), set here and read with getattr.

A provider is a plain function; `nav` (its navigation entries) and `heavy` (on big sites it runs in a
worker process) ride on it as attributes. This module imports nothing, so that a provider's own module
can mark itself without loading the page registry.
"""

from __future__ import annotations

from collections.abc import Callable


def mark(provider: Callable[..., object], **attributes: object) -> None:
    """Give `provider` its optional attributes: `mark(provider, nav=[...])`, `mark(provider, heavy=True)`."""
    for name, value in attributes.items():
        setattr(provider, name, value)
