"""Reading only regular files: a symlink, FIFO, device or socket is never followed, opened or read.

Every content file, guide picture and site configuration the kit reads goes through `read_regular`:
the name is looked at with lstat (so nothing is opened that is not a plain file), then opened with
O_NOFOLLOW | O_NONBLOCK (a symlink swapped in meanwhile fails, a FIFO never blocks) and checked
again with fstat against the first look.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from . import messages

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
# Names Windows keeps for devices, whatever the extension: a repository holding one cannot be checked
# out there. COM0/LPT0 and the superscript digits are reserved too on current Windows versions.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789\u00b9\u00b2\u00b3"]
)


class NotRegular(Exception):
    """The path names something other than a regular file; `what` says what, in Italian; `kind` is its key
    (`validate.files.kind.<kind>`: symlink, folder, fifo, device, socket, special, replaced)."""

    def __init__(self, kind: str, symlink: bool = False):
        what = messages.t(f"validate.files.kind.{kind}")
        super().__init__(what)
        self.kind = kind
        self.what = what
        self.symlink = symlink


class TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def kind(mode: int) -> str | None:
    """What a non-regular file is (a key of `validate.files.kind`); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def describe(mode: int) -> str | None:
    """What a non-regular file is, in Italian; None for a regular file."""
    found = kind(mode)
    return messages.t(f"validate.files.kind.{found}") if found else None


def reason(exc: BaseException) -> str:
    """Why a file or folder could not be read, in Italian (never Python's English text)."""
    if isinstance(exc, PermissionError):
        return messages.t("validate.files.read_reason.permission")
    if isinstance(exc, FileNotFoundError):
        return messages.t("validate.files.read_reason.missing")
    if isinstance(exc, NotADirectoryError):
        return messages.t("validate.files.read_reason.not_a_folder")
    if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
        return messages.t("validate.files.read_reason.loop")
    if isinstance(exc, OSError) and exc.errno is not None:
        return messages.t("validate.files.read_reason.system", code=errno.errorcode.get(exc.errno, exc.errno))
    return messages.t("validate.files.read_reason.other")


def is_reserved(name: str) -> bool:
    """Windows-reserved device name (con, nul, com1…), with any extension and any case."""
    return name.split(".", 1)[0].rstrip(" ").lower() in RESERVED_NAMES


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    Raises NotRegular (symlink, FIFO, device, folder…), TooLarge, or OSError (unreadable).
    """
    first = os.lstat(path)
    found = kind(first.st_mode)
    if found:
        raise NotRegular(found, symlink=stat.S_ISLNK(first.st_mode))
    fd = _open_no_follow(path)
    try:
        st = os.fstat(fd)
        found = kind(st.st_mode)
        if found or (st.st_dev, st.st_ino) != (first.st_dev, first.st_ino):
            raise NotRegular(found or "replaced")
        if st.st_size > limit:
            raise TooLarge(st.st_size)
        return _read_at_most(fd, limit)
    finally:
        os.close(fd)


def _open_no_follow(path: Path | str) -> int:
    try:
        return os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # a symlink put in its place meanwhile
            raise NotRegular("symlink", symlink=True) from None
        raise


def _read_at_most(fd: int, limit: int) -> bytes:
    """The file's bytes; TooLarge as soon as it gives more than `limit` (it grew since fstat)."""
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise TooLarge(total)
    return b"".join(chunks)
