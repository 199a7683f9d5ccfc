"""Writing files safely: a reader never sees half a file, and nothing is replaced unless asked."""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import faults, messages


def write_text(path: Path, text: str, *, replace: bool = True) -> Path:
    """Write `text` next to `path` and move it into place in one step.

    With `replace=False` the move is a hard link, which fails when the name is taken, so an
    existing file is never overwritten, not even one that appeared while we were writing
    (FileExistsError is raised). A replaced file keeps its permissions.
    """
    path = Path(path)
    _refuse_odd_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if replace:
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _refuse_odd_target(path: Path) -> None:
    """A symlink, FIFO or device where a record goes is never replaced by a file (nor followed)."""
    import stat

    from .errors import BdsError

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode) or not stat.S_ISREG(mode):
        odd = "validate.files.write.odd_symlink" if stat.S_ISLNK(mode) else "validate.files.write.odd_other"
        what = messages.t(odd)
        raise BdsError(messages.t("validate.files.write.odd_target", path=path, what=what), 1)


# -- swapping two names in one step --------------------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
_renameat2: Any = None  # None: not looked up yet; False: not available; else the libc function


def _libc_renameat2():
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            try:
                function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
            except (OSError, AttributeError):
                pass
            else:
                function.argtypes = [
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_uint,
                ]
                function.restype = ctypes.c_int
                _renameat2 = function
    return _renameat2


def exchange(first: Path, second: Path) -> bool:
    """Swap the names `first` and `second` (both exist, same file system) in one atomic step.

    Returns False, having changed nothing, where the system cannot do it (not Linux, an old C
    library or kernel, a file system without RENAME_EXCHANGE): the caller then falls back to two
    renames it can recover from. Other failures raise OSError.
    """
    function = _libc_renameat2()
    if not function or faults.enabled("no-exchange"):
        return False
    done = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


# -- why a write failed, in Italian ---------------------------------------------------------------------

# The key under `validate.files.write.why` for each error number.
_WHY = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "quota",
    errno.EROFS: "read_only",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.ENOTDIR: "not_a_folder",
    errno.EEXIST: "exists",
    errno.EISDIR: "is_folder",
    errno.ENAMETOOLONG: "name_too_long",
    errno.EXDEV: "other_disk",
    errno.EMLINK: "too_many",
    errno.EIO: "disk_error",
}
_PATH_PROBLEMS = (errno.ENOTDIR, errno.EEXIST, errno.EISDIR, errno.ENAMETOOLONG)


def write_problem(exc: OSError) -> str:
    """Why writing failed, in plain Italian (never a Python class name)."""
    key = _WHY.get(exc.errno) if exc.errno is not None else None
    if key:
        return messages.t(f"validate.files.write.why.{key}")
    return exc.strerror or messages.t("validate.files.write.why.other")


def write_failed(exc: OSError, what: str, kept: str):
    """A BdsError for a failed write: what could not be written, why, and what stayed as it was.

    A path that cannot hold files (a file where a folder should be, a name too long) is a usage
    error (exit 2); a full, read-only or forbidden disk is exit 1.
    """
    from .errors import BdsError

    where = messages.t("validate.files.write.where", name=exc.filename) if exc.filename else ""
    code = 2 if exc.errno in _PATH_PROBLEMS else 1
    message = messages.t("validate.files.write.failed", what=what, where=where, why=write_problem(exc))
    return BdsError(f"{message}. {kept}" if kept else message, code)


def check_can_write(path: Path, what: str) -> None:
    """Refuse early, in Italian, an output `path` whose folder cannot hold files (BdsError).

    The nearest existing folder above `path` must be a folder, writable, on a disk that is not
    read-only. A full disk cannot be foreseen: `write_failed` explains it when it happens.
    """
    from .errors import BdsError

    anchor = Path(os.path.abspath(path)).parent
    while not os.path.lexists(anchor) and anchor != anchor.parent:
        anchor = anchor.parent
    if not anchor.is_dir():
        raise BdsError(
            messages.t("validate.files.write.anchor_is_file", what=what, anchor=anchor, path=path), 2
        )
    try:
        read_only = bool(os.statvfs(anchor).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    if read_only:
        raise BdsError(messages.t("validate.files.write.anchor_read_only", what=what, anchor=anchor), 1)
    if not os.access(anchor, os.W_OK):
        raise BdsError(messages.t("validate.files.write.anchor_forbidden", what=what, anchor=anchor), 1)
