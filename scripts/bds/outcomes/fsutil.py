"""Where private data may live and how outputs are written: never in the repository, never half-written."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import files
from ..errors import BdsError


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


def _existing(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def repository_exposure(path: Path) -> str | None:
    """Why `path` could end up in a git repository, or None when it is safe.

    "tracked": it is, or contains, a tracked file; "not-ignored": it lies in a work
    tree and .gitignore does not exclude it (one `git add .` away from a commit).
    """
    anchor = _existing(path)
    folder = anchor if anchor.is_dir() else anchor.parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0:
        return None
    root = Path(top.stdout.strip()).resolve()
    target = path.resolve()
    try:
        relative = target.relative_to(root)
    except ValueError:
        return None
    if str(relative) in ("", "."):
        return "tracked"
    listed = _git(root, "ls-files", "--cached", "--", relative.as_posix())
    if listed is not None and listed.stdout.strip():
        return "tracked"
    # a tracked file above it (the folder is a file's name) also counts
    ignored = _git(root, "check-ignore", "-q", "--no-index", relative.as_posix())
    if ignored is not None and ignored.returncode == 0:
        return None
    return "not-ignored"


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


@contextlib.contextmanager
def atomic_dir(target: Path, replace: bool = False):
    """Yield a temporary folder next to `target`; on success it becomes `target` in one rename."""
    target = target.resolve()
    if target.exists() and not replace:
        if not target.is_dir() or any(target.iterdir()):
            raise BdsError(
                f"la cartella {target} esiste già e non è vuota: scegli un'altra cartella o cancellala prima",
                exit_code=2,
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        if target.exists() and files.exchange(tmp, target):
            shutil.rmtree(tmp)  # the old folder, now at the temporary name (one atomic step)
        elif target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old)
        else:
            tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def atomic_write_text(path: Path, text: str) -> None:
    files.write_text(path, text)
