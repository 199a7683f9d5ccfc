"""bds: an open kit for Budget di Salute programmes."""


def __getattr__(name: str) -> str:
    # Computed on first use: reading the installed metadata costs tens of milliseconds, and most
    # commands never need the version (bench/startup_bench.py).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("bds")
        except PackageNotFoundError:  # running from a source tree without installation
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
