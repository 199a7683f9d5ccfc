"""Where private data may live: never in the repository (outputs are written by `pipeline`)."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

from .. import messages
from ..errors import BdsError
from . import codes


def _git_env() -> dict[str, str]:
    """The environment without GIT_* variables: GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES,
    GIT_CONFIG_* and the like would make git answer about another repository than the one on disk."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_DISCOVERY_ACROSS_FILESYSTEM="1", LC_ALL="C")
    return env


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess | None:
    """Run git in `folder`; None when git cannot be run at all (missing from PATH, timed out)."""
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=30,
            env=_git_env(),
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _existing(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _enclosing_repository(folder: Path) -> Path | None:
    """The nearest folder, from `folder` upwards, holding a `.git` entry (folder or file), found without
    asking git: it tells "not in a repository" (safe) from "git could not answer" (not safe)."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _cannot_verify(path: Path, repo: Path, result: subprocess.CompletedProcess | None) -> BdsError:
    if result is None:
        code = "GIT_MISSING"
    elif "dubious ownership" in (result.stderr or "") or "safe.directory" in (result.stderr or ""):
        code = "GIT_REFUSED"
    else:
        code = "GIT_FAILED"
    return BdsError(f"{path}: {codes.message(code, repo=repo)}", exit_code=2)


def repository_exposure(path: Path) -> str | None:
    """Why `path` could end up in a git repository, or None when it is safe.

    "tracked": it is, or contains, a tracked file; "not-ignored": it lies in a work
    tree and .gitignore does not exclude it (one `git add .` away from a commit).
    Fails closed: when a repository encloses `path` but git cannot say (git missing, a
    repository owned by another user, any git error), a BdsError is raised instead.
    """
    anchor = _existing(path)
    folder = anchor if anchor.is_dir() else anchor.parent
    enclosing = _enclosing_repository(folder)
    if enclosing is None:
        return None
    root, relative = _place_in_work_tree(path, folder, enclosing)
    if str(relative) in ("", "."):
        return "tracked"
    return _git_exposure(path, root, relative)


def _place_in_work_tree(path: Path, folder: Path, enclosing: Path) -> tuple[Path, Path]:
    """The work tree's top folder, as git says, and `path` relative to it; raise when git cannot say."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0 or not top.stdout.strip():
        raise _cannot_verify(path, enclosing, top)
    root = Path(top.stdout.strip()).resolve()
    target = path.resolve()
    try:
        relative = target.relative_to(root)
    except ValueError:
        raise _cannot_verify(path, enclosing, top) from None
    return root, relative


def _git_exposure(path: Path, root: Path, relative: Path) -> str | None:
    """Whether `relative`, in the work tree at `root`, is "tracked", "not-ignored" or ignored (None)."""
    listed = _git(root, "--literal-pathspecs", "ls-files", "--cached", "--", relative.as_posix())
    if listed is None or listed.returncode != 0:
        raise _cannot_verify(path, root, listed)
    if listed.stdout.strip():
        return "tracked"
    # a tracked file above it (the folder is a file's name) also counts
    ignored = _git(root, "check-ignore", "-q", "--no-index", relative.as_posix())
    if ignored is None or ignored.returncode not in (0, 1):
        raise _cannot_verify(path, root, ignored)
    if ignored.returncode == 0:
        return None
    return "not-ignored"


def write_problem(exc: OSError) -> str:
    """Why a write failed, for people (outcomes.write.errors)."""
    why = _WRITE_ERRORS.get(exc.errno or 0, "other")  # no errno: the general sentence
    return messages.t(f"outcomes.write.errors.{why}")


_WRITE_ERRORS = {
    errno.EROFS: "read_only",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "quota",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.ENOTDIR: "not_a_folder",
    errno.EISDIR: "is_a_folder",
    errno.ENOENT: "gone",
}


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
