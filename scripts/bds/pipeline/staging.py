"""All or nothing: every output is written aside, next to its target, and switched in together.

The one staging of `bds build`, `bds publish`, `bds report` and the outcome commands' folders.

`Staging.workspace(target)` gives a fresh folder in the target's own folder (so the final switch
never crosses a file system); `add(staged, target)` records that `staged` will replace `target`.
`commit(journal, what)` switches every pair:

1. it writes a journal (atomically) listing every planned switch and the identity (device, inode)
   of each new output; from then on the publication is decided;
2. each pair is switched in one atomic step (`writing.exchange`, Linux `renameat2`), or, where the
   file system cannot, with two renames (old aside, new in);
3. the old outputs are removed and the journal is deleted.

A crash at any instant (even `kill -9`) leaves, for each target, the old or the new output in
place (with the two-rename fallback, at worst the old one aside, under a name the journal
knows); `recover(folder)`, called by the next run of any command touching those outputs,
completes the switches the journal lists, or, if a new output has gone missing, puts every old
one back. An error (not a crash) while switching puts back the pairs already switched at once.
`discard()` (always called at the end) removes the workspaces.

One output alone needs no journal: `swap(staged, target, step)` switches it in the same way (a crash
leaves the old or the new output, at worst the old one aside, put back by the next `sweep`), and
`staged_folder(target)` gives a folder that becomes `target` when its block ends without error.

Workspaces and backups are named `.<target name>.bds-<pid>-...`: `sweep(target)` removes the
ones left by a process that no longer runs (and puts back an old output left aside, if the target
is missing). The journal is `.bds-commit.json` in the folder given to `commit`. Both are
git-ignored. Fault points (`faults.point`): commit-start, commit-journal, commit-<i>-aside
(fallback only), commit-<i> (after pair i is switched), commit-switched, commit-cleaned; for `swap`,
<step>-aside (fallback only) and <step>-switched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import faults
from ..errors import BdsError
from ..messages import t
from .progress import say
from .writing import exchange, write_file, write_problem

JOURNAL = ".bds-commit.json"
FORMAT = 1
_STAGED = re.compile(r"\.bds-(\d+)-(.+)$")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def _identity(path: Path) -> list[int] | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return [info.st_dev, info.st_ino]


def _present(path: Path) -> bool:
    return os.path.lexists(path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def backup_path(target: Path) -> Path:
    return target.parent / f".{target.name}.bds-{os.getpid()}-old"


def sweep(target: Path) -> list[str]:
    """Remove what a dead process left beside `target`; put back its old output if `target` is missing.

    Returns the Italian sentences saying what was put back (removing leftovers goes unsaid).
    """
    said: list[str] = []
    folder, prefix = target.parent, f".{target.name}.bds-"
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return said
    for name in names:
        if not name.startswith(prefix):
            continue
        found = _STAGED.match(name[len(prefix) - 5 :])
        if not found or _alive(int(found.group(1))):
            continue
        leftover = folder / name
        if found.group(2) == "old" and not _present(target):
            os.rename(leftover, target)
            said.append(t("publish.staging.put_back_old", target=target))
        else:
            _remove(leftover)
    return said


def switch(staged: Path, target: Path, backup: Path, aside: str) -> None:
    """Put `staged` in the place of `target`: one atomic exchange, or two renames (old aside, new in);
    `aside` names the fault point between the two renames."""
    if not _present(target):
        os.rename(staged, target)
        return
    if exchange(staged, target):
        return  # the old output now sits at `staged`
    if _present(backup):
        raise FileExistsError(17, t("publish.staging.exists"), str(backup))
    os.rename(target, backup)
    faults.point(aside)
    try:
        os.rename(staged, target)
    except OSError:
        os.rename(backup, target)
        raise


def swap(staged: Path, target: Path, step: str) -> None:
    """Put `staged` in the place of `target` and remove the old output: the commit of one output, which
    needs no journal (fault points <step>-aside, fallback only, and <step>-switched)."""
    backup = backup_path(target)
    if _present(backup):
        _remove(backup)  # ours (this process id) from an earlier run: a dead process's is swept
    switch(staged, target, backup, f"{step}-aside")
    faults.point(f"{step}-switched")
    _remove(staged)  # the old output, exchanged out (nothing there after a rename)
    _remove(backup)


@contextlib.contextmanager
def staged_folder(target: Path, replace: bool = False) -> Iterator[Path]:
    """A fresh folder beside `target` that replaces it (`swap`) when the block ends without error;
    on an error, nothing changed and the folder is gone. Without `replace`, only a missing or empty
    `target` may be replaced."""
    target = Path(target).resolve()
    if target.exists() and not replace and (not target.is_dir() or any(target.iterdir())):
        raise BdsError(t("outcomes.write.not_empty", path=target), exit_code=2)
    area = Staging()
    try:
        work = area.workspace(target) / target.name
        work.mkdir()
        yield work
        swap(work, target, "folder")
    finally:
        area.discard()


def _write_journal(path: Path, data: dict) -> None:
    # on disk before the first switch, also across a power cut
    write_file(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", durable=True)


class Staging:
    def __init__(self) -> None:
        self.pairs: list[tuple[Path, Path]] = []
        self.workspaces: list[Path] = []
        self.created: list[Path] = []
        self.swept: set[Path] = set()
        self.recovered: list[str] = []  # what sweeping put back, for the caller to say

    def workspace(self, target: Path) -> Path:
        missing = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        self.created += missing  # removed again by discard() if nothing was committed into them
        if target not in self.swept:
            self.swept.add(target)
            self.recovered += sweep(target)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.bds-{os.getpid()}-", dir=target.parent))
        self.workspaces.append(work)
        return work

    def add(self, staged: Path, target: Path) -> None:
        self.pairs.append((staged, target))

    def staged_for(self, target: Path) -> Path:
        return next(staged for staged, planned in self.pairs if planned == target)

    def stage_file(self, target: Path, data: bytes) -> None:
        staged = self.workspace(target) / target.name
        staged.write_bytes(data)
        self.add(staged, target)

    def commit(self, journal: Path, what: str) -> None:
        """Switch every pair, journaled in `journal` (see the module docstring)."""
        faults.point("commit-start")
        plan: list[dict[str, Any]] = [
            {
                "staged": str(staged),
                "target": str(target),
                "backup": str(backup_path(target)),
                "new": _identity(staged),
            }
            for staged, target in self.pairs
        ]
        data = {
            "format": FORMAT,
            "what": what,
            "pid": os.getpid(),
            "pairs": plan,
            "workspaces": [str(w) for w in self.workspaces],
        }
        _write_journal(journal, data)
        faults.point("commit-journal")
        done: list[dict] = []
        try:
            for index, pair in enumerate(plan):
                switch(
                    Path(pair["staged"]), Path(pair["target"]), Path(pair["backup"]), f"commit-{index}-aside"
                )
                done.append(pair)
                faults.point(f"commit-{index}")
        except OSError:
            try:
                for pair in reversed(done):
                    _put_back(pair)
            except OSError:
                failed = BdsError(t("publish.staging.switch_failed", journal=journal))
                failed.changed = True  # the command must not say that nothing changed
                raise failed from None
            journal.unlink(missing_ok=True)
            raise
        faults.point("commit-switched")
        _clean(data)
        faults.point("commit-cleaned")
        journal.unlink(missing_ok=True)

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


# -- completing or undoing an interrupted commit ----------------------------------------------------------


def _finish(pair: dict, index: int) -> None:
    staged, target, backup = Path(pair["staged"]), Path(pair["target"]), Path(pair["backup"])
    if _identity(target) == pair["new"]:
        return  # already switched
    if _present(target) or not _present(backup):
        switch(staged, target, backup, f"commit-{index}-aside")
    else:  # interrupted between the two renames: the old one is aside already
        os.rename(staged, target)


def _put_back(pair: dict) -> None:
    """Undo one pair: the old output back in place, the new one aside (removed with the workspace)."""
    staged, target, backup = Path(pair["staged"]), Path(pair["target"]), Path(pair["backup"])
    new_in_place = _identity(target) == pair["new"]
    if new_in_place and _present(staged):  # exchanged: the old one sits at `staged`
        if not exchange(staged, target):
            aside = target.with_name(target.name + ".bds-new")
            os.rename(target, aside)
            os.rename(staged, target)
            os.rename(aside, staged)
        return
    if new_in_place:
        os.rename(target, staged)
    if _present(backup) and not _present(target):
        os.rename(backup, target)


def _clean(data: dict) -> None:
    for pair in data["pairs"]:
        _remove(Path(pair["backup"]))
        staged = Path(pair["staged"])
        if _present(staged) and _identity(staged) != pair["new"]:
            _remove(staged)  # the old output, exchanged out
    for work in data.get("workspaces", []):
        _remove(Path(work))


def _read_journal(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BdsError(t("publish.staging.journal_unreadable", path=path), 1) from None
    pairs = data.get("pairs") if isinstance(data, dict) else None
    if data.get("format") != FORMAT or not isinstance(pairs, list):
        raise BdsError(t("publish.staging.journal_format", path=path), 1)
    return data


def recover(folder: Path) -> str | None:
    """Complete (or, if it cannot, undo) a commit a crash interrupted; say what was done, in Italian.

    Returns None when `folder` holds no journal.
    """
    journal = Path(folder) / JOURNAL
    if not journal.is_file():
        return None
    data = _read_journal(journal)
    what = data.get("what") or t("publish.staging.a_switch")
    pairs = data["pairs"]
    ready = all(
        _identity(Path(p["target"])) == p["new"] or _identity(Path(p["staged"])) == p["new"] for p in pairs
    )
    try:
        if ready:
            for index, pair in enumerate(pairs):
                _finish(pair, index)
            said = t("publish.staging.completed", what=what)
        else:
            for pair in reversed(pairs):
                _put_back(pair)
            said = t("publish.staging.undone", what=what)
        _clean(data)
    except OSError as exc:
        raise BdsError(
            t("publish.staging.recover_failed", what=what, problem=write_problem(exc), journal=journal),
            1,
        ) from None
    journal.unlink(missing_ok=True)
    return said


def recover_all(folders, log) -> None:
    """`recover` each folder (once), printing what was done on `log`."""
    seen = set()
    for folder in folders:
        folder = Path(folder).absolute()
        if folder in seen:
            continue
        seen.add(folder)
        said = recover(folder)
        if said:
            say([said], log)
