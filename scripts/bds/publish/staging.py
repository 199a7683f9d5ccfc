"""All or nothing: every output is written aside, next to its target, and swapped in at the end.

`Staging.workspace(target)` gives a fresh temporary folder in the target's own folder (so the
final rename never crosses a file system); `add(staged, target)` records that `staged` will
replace `target`. `commit()` swaps every pair: the old target goes aside, the new one moves in;
if any rename fails, the pairs already swapped are put back as they were. `discard()` (always
called at the end) removes what is left aside.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


class Staging:
    def __init__(self) -> None:
        self.pairs: list[tuple[Path, Path]] = []
        self.workspaces: list[Path] = []
        self.backups: list[Path] = []
        self.created: list[Path] = []

    def workspace(self, target: Path) -> Path:
        missing = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        self.created += missing  # removed again by discard() if nothing was committed into them
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.publish-", dir=target.parent))
        self.workspaces.append(work)
        return work

    def add(self, staged: Path, target: Path) -> None:
        self.pairs.append((staged, target))

    def stage_file(self, target: Path, data: bytes) -> None:
        staged = self.workspace(target) / target.name
        staged.write_bytes(data)
        self.add(staged, target)

    def commit(self) -> None:
        done: list[tuple[Path, Path, Path | None]] = []
        try:
            for staged, target in self.pairs:
                backup = None
                if target.exists() or target.is_symlink():
                    backup = target.parent / f".{target.name}.prev-{os.getpid()}"
                    _remove(backup)
                    os.rename(target, backup)
                    self.backups.append(backup)
                try:
                    os.rename(staged, target)
                except OSError:
                    if backup is not None:
                        os.rename(backup, target)
                        self.backups.remove(backup)
                    raise
                done.append((staged, target, backup))
        except BaseException:
            for staged, target, backup in reversed(done):
                os.rename(target, staged)  # the new output back aside, discarded below
                if backup is not None:
                    os.rename(backup, target)
                    self.backups.remove(backup)
            raise
        for backup in self.backups:
            _remove(backup)
        self.backups.clear()

    def discard(self) -> None:
        for work in self.workspaces:
            _remove(work)
        self.workspaces.clear()
        for folder in sorted(self.created, key=lambda d: len(d.parts), reverse=True):  # deepest first
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: something was committed into it
        self.created.clear()
