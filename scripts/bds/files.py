"""Writing files safely: a reader never sees half a file, and nothing is replaced unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: Path, text: str, *, replace: bool = True) -> Path:
    """Write `text` next to `path` and move it into place in one step.

    With `replace=False` the move is a hard link, which fails when the name is taken, so an
    existing file is never overwritten, not even one that appeared while we were writing
    (FileExistsError is raised). A replaced file keeps its permissions.
    """
    path = Path(path)
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
