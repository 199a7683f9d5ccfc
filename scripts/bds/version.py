"""Version string: the package version and the content's last commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from . import __version__, messages


def content_commit(root: Path | None = None) -> str | None:
    """Short hash and date of the last commit that touched the content, if git knows it."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%h %cs", "--", "content", "opportunities"],
            cwd=root or Path.cwd(),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def describe(root: Path | None = None) -> str:
    if root is None:
        # Pathspecs are relative to git's working folder: run from the project root, wherever we are.
        from .content import Project, ProjectNotFound

        try:
            root = Project.find().root
        except ProjectNotFound:
            root = None
    commit = content_commit(root)
    suffix = messages.t("validate.version.content", commit=commit or messages.t("validate.version.no_commit"))
    return f"bds {__version__}{suffix}"
