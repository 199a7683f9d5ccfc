"""bds: an open kit for Budget di Salute programmes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bds")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
