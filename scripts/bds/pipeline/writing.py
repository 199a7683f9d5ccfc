"""Writing outputs safely: a reader never sees half a file, nothing is replaced unless asked, and a
write that cannot succeed is refused before any work, in Italian.

`write_file` is the one atomic writer (text or bytes), `yaml_text` the one YAML writer of plain data
(the kit's readable style), `check_writable` the one early check of an output path, `write_failed`
the one message for a write that failed anyway. `exchange` swaps two names in one step (staging).
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from .. import faults, messages
from ..errors import BdsError


def write_file(
    path: Path, data: str | bytes, *, replace: bool = True, durable: bool = False, mode: int | None = None
) -> Path:
    """Write `data` (text is written as UTF-8) next to `path` and move it into place in one step.

    With `replace=False` the move is a hard link, which fails when the name is taken, so an
    existing file is never overwritten, not even one that appeared while we were writing
    (FileExistsError is raised). The file gets `mode`, else a replaced file keeps its permissions
    (a new one is private to its owner). `durable` waits until the file and its folder entry are on
    disk (a journal must survive a power cut).
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _refuse_odd_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif replace and path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    if durable:
        _sync_folder(path.parent)
    return path


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder: the rename is still atomic
    finally:
        os.close(handle)


def yaml_text(data: Any, width: int | None = None) -> str:
    """Plain data as YAML the way the kit writes it: keys in their order, letters as they are.

    (Records that a person edits have their own canonical form, `fmt.dump`; intake's quoted form is
    `intake.yamlout`.)
    """
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=width)


def _refuse_odd_target(path: Path) -> None:
    """A symlink, FIFO or device where a record goes is never replaced by a file (nor followed)."""
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
    where = messages.t("validate.files.write.where", name=exc.filename) if exc.filename else ""
    code = 2 if exc.errno in _PATH_PROBLEMS else 1
    message = messages.t("validate.files.write.failed", what=what, where=where, why=write_problem(exc))
    return BdsError(f"{message}. {kept}" if kept else message, code)


# -- refusing early an output that cannot be written ----------------------------------------------------


def check_writable(path: Path, *, what: str | None = None, folder: bool | None = None) -> None:
    """Refuse, before any work, an output `path` that cannot be written (BdsError).

    The nearest existing folder above `path` must be a folder, writable, on a disk that is not
    read-only; with `folder` (True: a folder goes there, False: a file), a `path` that exists as the
    other kind is refused too. `what` names the output in the build and publish wording (for example
    «--out»); without it the outcome commands' wording is used (code OUTPUT_NOT_WRITABLE). A full disk
    cannot be foreseen: `write_failed` explains it when it happens.
    """
    path = Path(path)
    kind = _wrong_kind(path, folder)
    anchor = Path(os.path.abspath(path)).parent
    while not os.path.lexists(anchor) and anchor != anchor.parent:
        anchor = anchor.parent
    problem = kind or _anchor_problem(anchor)
    if problem is None:
        return
    if what is not None and problem in _SITE_WORDING:
        key, code = _SITE_WORDING[problem]
        raise BdsError(messages.t(key, what=what, anchor=anchor, path=path), code)
    from ..outcomes import codes  # the outcome commands' registry: only when one of them asks

    why = messages.t(_OUTCOMES_WORDING[problem], path=anchor if problem in _ANCHOR_PROBLEMS else path)
    raise BdsError(f"{path}: {codes.message('OUTPUT_NOT_WRITABLE', why=why)}", exit_code=2)


_SITE_WORDING = {
    "under_file": ("validate.files.write.anchor_is_file", 2),
    "read_only": ("validate.files.write.anchor_read_only", 1),
    "forbidden": ("validate.files.write.anchor_forbidden", 1),
}
_OUTCOMES_WORDING = {
    "exists_not_folder": "outcomes.write.exists_not_folder",
    "folder_not_file": "outcomes.write.folder_not_file",
    "under_file": "outcomes.write.under_file",
    "read_only": "outcomes.write.no_permission",  # os.access says no on a read-only disk too
    "forbidden": "outcomes.write.no_permission",
}
_ANCHOR_PROBLEMS = {"under_file", "read_only", "forbidden"}


def _wrong_kind(path: Path, folder: bool | None) -> str | None:
    """Whether `path` exists as the wrong kind (a file where a folder goes, or the reverse)."""
    if folder is None or not path.exists():
        return None
    if folder and not path.is_dir():
        return "exists_not_folder"
    if not folder and path.is_dir():
        return "folder_not_file"
    return None


def _anchor_problem(anchor: Path) -> str | None:
    """Why the nearest existing folder above an output cannot take it, or None."""
    if not anchor.is_dir():
        return "under_file"
    try:
        read_only = bool(os.statvfs(anchor).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    if read_only:
        return "read_only"
    if not os.access(anchor, os.W_OK | os.X_OK):  # a new name needs both
        return "forbidden"
    return None
