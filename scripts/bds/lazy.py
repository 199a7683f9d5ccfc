"""Module constants built when first read: one module `__getattr__` (PEP 562) for every module that has them.

A constant that needs the message catalogue or YAML (which `bds --help` must not read) is declared
with its type and given a builder:

    REGISTRY: dict[str, Code]  # built when first read: `registry()`
    __getattr__ = lazy.attributes(__name__, REGISTRY=registry)

Every read calls the builder: what it returns follows the current language and territory's words, and
the builder caches what is worth caching.
"""

from __future__ import annotations

from collections.abc import Callable


def attributes(module: str, **builders: Callable[[], object]) -> Callable[[str], object]:
    """The `__getattr__` of `module`: an attribute named in `builders` is its builder's value, any
    other name is missing as usual (AttributeError, so `hasattr` and `getattr` with a default work)."""

    def __getattr__(name: str) -> object:
        builder = builders.get(name)
        if builder is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return builder()

    return __getattr__
