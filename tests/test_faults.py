"""Faults: a crash at any step of `bds build`, `bds publish` and `bds report`, a full or read-only disk,
an output path that cannot hold files.

The crash tests run the command in a subprocess with the test hook `BDS_FAULT_AT=<step>` (see
`bds/faults.py`): the process kills itself with SIGKILL at that step, like `kill -9` or a power cut.
Then every output must be, byte for byte, the old one or the new one (never missing when it existed,
never half), nothing staged may be visible to git, and the next run must complete the switch.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bds.outcomes import ledger as ledger_mod
from bds.pipeline import staging
from bds.publish import run
from conftest import REPO, run_cli

PEOPLE = 120
OLD_Q, NEW_Q, NEW_TODAY = "2026Q3", "2026Q4", "2026-12-31"
BUILD_TODAY = "2027-01-15"

SITE = "site"
RECORD = f"content/bulletins/{NEW_Q}.yml"
RECORD_FILES = f"content/bulletins/{NEW_Q}"
REPORT = f"private/reports/{NEW_Q}"
LEDGER = "private/reports/ledger.json"
FRESH = f"private/freshness/{NEW_Q}"

PUBLISH_TARGETS = [SITE, RECORD, RECORD_FILES, FRESH]  # without --data, in the order they are switched
PUBLISH_DATA_TARGETS = [SITE, RECORD, RECORD_FILES, LEDGER, REPORT]
REPORT_TARGETS = [LEDGER, REPORT]


# -- helpers -------------------------------------------------------------------------------------------


def state(path: Path):
    """What `path` holds: None (missing), its bytes (a file) or {relative name: bytes} (a folder)."""
    if not os.path.lexists(path):
        return None
    if path.is_file():
        return path.read_bytes()
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def which(now, old, new) -> str:
    if now == new:
        return "new"
    if now == old:
        return "old" if old is not None else "missing"
    return "missing" if now is None else "other"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Prova", "-c", "user.email=prova@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def bds_killed(root: Path, argv: list, fault: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"), BDS_FAULT_AT=fault)
    env.pop("BDS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "bds", "--root", str(root), *map(str, argv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def staged_leftovers(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if (re.search(r"\.bds-\d+-", p.name) or p.name == staging.JOURNAL)
        and ".git" not in p.relative_to(root).parts
    )


def visible_to_git(root: Path) -> list[str]:
    """Untracked files git would offer to add, apart from the bulletins publish means to be committed."""
    listed = git(root, "ls-files", "--others", "--exclude-standard").splitlines()
    return [
        name
        for name in listed
        if not name.startswith(("content/bulletins/2026Q4", "content/bulletins/2026Q3"))
    ]


def publish_argv(data: Path | None) -> list:
    argv = ["publish", "--quarter", NEW_Q, "--today", NEW_TODAY]
    return argv + (["--data", data] if data else [])


def report_argv(data: Path) -> list:
    return ["report", "--data", data, "--quarter", NEW_Q]


BUILD_ARGV = ["build", "--today", BUILD_TODAY]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A project in git (with the kit's .gitignore) that published 2026Q3 with outcome data, at the
    default places (site/, private/reports/); and, beside it, what each command makes of it."""
    base = tmp_path_factory.mktemp("guasti")
    project = base / "progetto"
    project.mkdir()
    shutil.copytree(REPO / "content", project / "content", ignore=shutil.ignore_patterns("bulletins"))
    shutil.copytree(REPO / "opportunities", project / "opportunities")
    shutil.copy(REPO / ".gitignore", project / ".gitignore")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "contenuti")
    data = base / "dati-esiti"
    made = run_cli(["--root", project, "demo-data", "--out", data, "--people", PEOPLE, "--seed", 5])
    assert made.code == 0, made.err
    first = run_cli(
        ["--root", project, "publish", "--quarter", OLD_Q, "--today", "2026-09-30", "--data", data]
    )
    assert first.code == 0, first.err
    git(project, "add", "content/bulletins")
    git(project, "commit", "-qm", "bollettino 2026Q3")
    after = {}
    for name, argv, targets in (
        ("publish", publish_argv(None), PUBLISH_TARGETS),
        ("publish-data", publish_argv(data), PUBLISH_DATA_TARGETS),
        ("report", report_argv(data), REPORT_TARGETS),
        ("build", BUILD_ARGV, [SITE]),
    ):
        copy = base / f"dopo-{name}"
        shutil.copytree(project, copy, symlinks=True)
        done = run_cli(["--root", copy, *argv])
        assert done.code == 0, done.err
        after[name] = {t: state(copy / t) for t in targets}
    return {"project": project, "data": data, "after": after}


def killed_copy(world, tmp_path, argv, fault, targets, after_name):
    """Copy the project, run `argv` killed at `fault`; check every target is old or new. Returns the copy."""
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    before = {t: state(project / t) for t in targets}
    after = world["after"][after_name]
    assert all(before[t] != after[t] for t in targets)  # the test can tell old from new
    done = bds_killed(project, argv, fault)
    assert done.returncode == -signal.SIGKILL, done.stderr
    found = {t: which(state(project / t), before[t], after[t]) for t in targets}
    assert set(found.values()) <= {"old", "new", "missing"}, found  # never half, never anything else
    gone = [t for t in targets if before[t] is not None and found[t] == "missing"]
    if fault.endswith("-aside"):  # two-rename fallback, killed between them: the old one waits aside, whole
        aside = [n for n in staged_leftovers(project) if n.endswith("-old")]
        assert len(gone) == 1 and len(aside) == 1 and state(project / aside[0]) == before[gone[0]], found
    else:
        assert gone == [], found  # never none
    assert visible_to_git(project) == []  # staging folders, backups and the journal are git-ignored
    return project, before, after, found


# -- kill -9 at each step: bds publish ---------------------------------------------------------------


PUBLISH_STEPS = [
    ("commit-start", "old"),
    ("commit-journal", "old"),
    ("commit-0", "mixed"),
    ("commit-1", "mixed"),
    ("commit-2", "mixed"),
    ("commit-3", "new"),
    ("commit-switched", "new"),
    ("commit-cleaned", "new"),
    ("no-exchange,commit-0", "mixed"),
    ("no-exchange,commit-0-aside", "mixed"),  # the site aside: put back (or completed) by the next run
    ("no-exchange,commit-2", "mixed"),
]


@pytest.mark.parametrize(("fault", "expected"), PUBLISH_STEPS)
def test_publish_killed_at_each_step_leaves_old_or_new_and_is_recovered(world, tmp_path, fault, expected):
    project, before, after, found = killed_copy(
        world, tmp_path, publish_argv(None), fault, PUBLISH_TARGETS, "publish"
    )
    journal = project / staging.JOURNAL
    if expected == "old":
        assert set(found.values()) <= {"old", "missing"}, found
    elif expected == "new":
        assert set(found.values()) == {"new"}, found
    else:
        step = int(fault.split("commit-")[1].split("-")[0])
        done = PUBLISH_TARGETS[: step + 1] if not fault.endswith("-aside") else PUBLISH_TARGETS[:step]
        assert [t for t in PUBLISH_TARGETS if found[t] == "new"] == done, found
    assert journal.is_file() == (fault != "commit-start")
    # the next run completes the switch (once the journal is written) and cleans up
    said = staging.recover(project)
    for target in PUBLISH_TARGETS:
        staging.sweep(project / target)
    final = {t: which(state(project / t), before[t], after[t]) for t in PUBLISH_TARGETS}
    if fault == "commit-start":
        assert said is None and set(final.values()) <= {"old", "missing"}, final
    else:
        assert set(final.values()) == {"new"}, final
        assert "l'ho completata" in said
    assert staged_leftovers(project) == [] and not journal.exists()


def test_publish_with_data_killed_between_ledger_and_report_is_completed_by_bds_report(world, tmp_path):
    """Publish switches the ledger (pair 3) before the report (pair 4); killed between, `bds report`
    (any command touching those outputs) completes the whole publication first."""
    project, before, after, found = killed_copy(
        world, tmp_path, publish_argv(world["data"]), "commit-3", PUBLISH_DATA_TARGETS, "publish-data"
    )
    assert found == {SITE: "new", RECORD: "new", RECORD_FILES: "new", LEDGER: "new", REPORT: "missing"}
    again = run_cli(["--root", project, *report_argv(world["data"])])
    assert "«bds publish 2026Q4» si era interrotta" in again.err and "l'ho completata" in again.err
    assert again.code == 2 and "esiste già un rapporto" in again.err  # completed: nothing left to do
    assert "Traceback" not in again.err
    assert {t: which(state(project / t), before[t], after[t]) for t in PUBLISH_DATA_TARGETS} == dict.fromkeys(
        PUBLISH_DATA_TARGETS, "new"
    )
    assert staged_leftovers(project) == []


def test_the_next_publish_completes_an_interrupted_one_and_says_so(world, tmp_path):
    project, before, after, found = killed_copy(
        world, tmp_path, publish_argv(None), "no-exchange,commit-0-aside", PUBLISH_TARGETS, "publish"
    )
    again = run_cli(["--root", project, *publish_argv(None)])
    assert again.code == 0, again.err
    assert "«bds publish 2026Q4» si era interrotta mentre sostituiva i file: l'ho completata" in again.err
    assert {t: which(state(project / t), before[t], after[t]) for t in PUBLISH_TARGETS} == dict.fromkeys(
        PUBLISH_TARGETS, "new"
    )
    assert staged_leftovers(project) == [] and not (project / staging.JOURNAL).exists()


def test_an_interrupted_publish_whose_new_files_vanished_is_rolled_back(world, tmp_path):
    project, before, after, found = killed_copy(
        world, tmp_path, publish_argv(None), "commit-1", PUBLISH_TARGETS, "publish"
    )
    journal = staging._read_journal(project / staging.JOURNAL)
    shutil.rmtree(journal["pairs"][3]["staged"])  # a new output that was not switched yet is gone
    said = staging.recover(project)
    assert "l'ho annullata, sono tornati al loro posto i file di prima" in said
    assert {t: which(state(project / t), before[t], after[t]) for t in PUBLISH_TARGETS} == {
        SITE: "old",
        RECORD: "missing",
        RECORD_FILES: "missing",
        FRESH: "missing",
    }
    assert staged_leftovers(project) == []


# -- kill -9 at each step: bds report (report and ledger together or not at all) ------------------------


REPORT_STEPS = [
    ("commit-start", ["old", "missing"]),
    ("commit-journal", ["old", "missing"]),
    ("commit-0", ["new", "missing"]),  # the ledger first: it never lacks a published release
    ("commit-1", ["new", "new"]),
    ("commit-switched", ["new", "new"]),
    ("commit-cleaned", ["new", "new"]),
    ("no-exchange,commit-0-aside", ["missing", "missing"]),  # the old ledger aside, whole
    ("no-exchange,commit-1", ["new", "new"]),
]


@pytest.mark.parametrize(("fault", "expected"), REPORT_STEPS)
def test_report_killed_at_each_step_keeps_report_and_ledger_together(world, tmp_path, fault, expected):
    argv = report_argv(world["data"])
    project, before, after, found = killed_copy(world, tmp_path, argv, fault, REPORT_TARGETS, "report")
    assert [found[t] for t in REPORT_TARGETS] == expected, found
    said = staging.recover(project / "private" / "reports")
    for target in REPORT_TARGETS:
        staging.sweep(project / target)
    final = [which(state(project / t), before[t], after[t]) for t in REPORT_TARGETS]
    assert final == (["old", "missing"] if fault == "commit-start" else ["new", "new"])
    assert (said is None) == (fault == "commit-start")
    assert staged_leftovers(project) == []


def test_the_next_report_completes_an_interrupted_one(world, tmp_path):
    argv = report_argv(world["data"])
    project, before, after, found = killed_copy(world, tmp_path, argv, "commit-0", REPORT_TARGETS, "report")
    again = run_cli(["--root", project, *argv])
    assert again.code == 2 and "esiste già un rapporto" in again.err  # completed: nothing left to do
    assert "«bds report 2026Q4» si era interrotta mentre sostituiva i file: l'ho completata" in again.err
    assert [which(state(project / t), before[t], after[t]) for t in REPORT_TARGETS] == ["new", "new"]
    assert staged_leftovers(project) == []


# -- kill -9 at each step: bds build ----------------------------------------------------------------------


BUILD_STEPS = [
    ("build-staged", "old"),
    ("build-switched", "new"),
    ("no-exchange,build-aside", "missing"),  # the fallback: the old site waits aside, put back next run
    ("no-exchange,build-switched", "new"),
]


@pytest.mark.parametrize(("fault", "expected"), BUILD_STEPS)
def test_build_killed_at_each_step_leaves_a_site(world, tmp_path, fault, expected):
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    old, new = state(project / SITE), world["after"]["build"][SITE]
    assert old != new
    done = bds_killed(project, BUILD_ARGV, fault)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert which(state(project / SITE), old, new) == expected
    assert visible_to_git(project) == []
    if expected == "missing":
        aside = [n for n in staged_leftovers(project) if n.startswith(".site.bds-") and n.endswith("-old")]
        assert len(aside) == 1 and state(project / aside[0]) == old  # complete, ready to be put back
        said = staging.sweep(project / SITE)
        assert said and "ho rimesso al suo posto la versione precedente" in said[0]
        assert state(project / SITE) == old
    else:
        staging.sweep(project / SITE)
    assert staged_leftovers(project) == []


def test_the_next_build_puts_back_a_site_left_aside(world, tmp_path):
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    assert bds_killed(project, BUILD_ARGV, "no-exchange,build-aside").returncode == -signal.SIGKILL
    assert not (project / SITE).exists()
    again = run_cli(["--root", project, *BUILD_ARGV])
    assert again.code == 0, again.err
    assert "ho rimesso al suo posto la versione precedente" in again.err
    assert state(project / SITE) == world["after"]["build"][SITE]
    assert staged_leftovers(project) == []


def test_the_fault_hook_does_nothing_unless_asked(monkeypatch):
    from bds import faults

    monkeypatch.delenv(faults.ENV, raising=False)
    faults.point("commit-journal")  # still alive
    monkeypatch.setenv(faults.ENV, "altro-passo")
    faults.point("commit-journal")
    assert not faults.enabled("no-exchange")


# -- the staging folders are git-ignored -------------------------------------------------------------------


def test_staging_names_are_git_ignored_in_the_kit(tmp_path):
    """Every name build, publish and report stage under is covered by the kit's own .gitignore."""
    area = staging.Staging()
    names = []
    for target in (
        tmp_path / "site",
        tmp_path / "content" / "bulletins" / "2026Q4.yml",
        tmp_path / "content" / "bulletins" / "2026Q4",
        tmp_path / "private" / "reports" / "ledger.json",
    ):
        work = area.workspace(target)
        names += [work, work / target.name, staging.backup_path(target)]
    names.append(tmp_path / staging.JOURNAL)
    names.append(tmp_path / "content" / "bulletins" / staging.JOURNAL)
    area.discard()
    relative = [p.relative_to(tmp_path).as_posix() for p in names]
    relative.append("opportunities/.scheda.yml.abc123.tmp")  # pipeline.writing.write_file's temporary file
    checked = subprocess.run(
        ["git", "-C", str(REPO), "check-ignore", "--no-index", "--stdin", "-v", "-n"],
        input="\n".join(relative) + "\n",
        capture_output=True,
        text=True,
    )
    unmatched = [line.split("\t")[1] for line in checked.stdout.splitlines() if line.startswith("::")]
    assert unmatched == [] and len(checked.stdout.splitlines()) == len(relative)


# -- disk full, read-only, a path that cannot hold files ----------------------------------------------------


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "/tmp/disco/pieno")


def test_publish_on_a_full_disk_says_so_and_keeps_everything(world, tmp_path, monkeypatch):
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    before = {t: state(project / t) for t in PUBLISH_DATA_TARGETS}
    monkeypatch.setattr(run, "write_freshness", _enospc)
    failed = run_cli(["--root", project, *publish_argv(world["data"])])
    assert failed.code == 1
    assert "non ho potuto scrivere la pubblicazione («/tmp/disco/pieno»): il disco è pieno" in failed.err
    assert "Non è cambiato niente" in failed.err and "Traceback" not in failed.err + failed.out
    assert {t: state(project / t) for t in PUBLISH_DATA_TARGETS} == before
    assert staged_leftovers(project) == []


def test_report_on_a_full_disk_writes_neither_report_nor_ledger(world, tmp_path, monkeypatch):
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    before = {t: state(project / t) for t in REPORT_TARGETS}
    monkeypatch.setattr(ledger_mod, "write_file", _enospc)
    failed = run_cli(["--root", project, *report_argv(world["data"])])
    assert failed.code == 1
    assert "il disco è pieno" in failed.err and "sono rimasti com'erano" in failed.err
    assert {t: state(project / t) for t in REPORT_TARGETS} == before
    assert staged_leftovers(project) == []


def test_a_read_only_disk_during_the_switch_is_explained(world, tmp_path, monkeypatch):
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    before = {t: state(project / t) for t in REPORT_TARGETS}

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(project / LEDGER))

    monkeypatch.setattr(staging, "switch", read_only)
    failed = run_cli(["--root", project, *report_argv(world["data"])])
    assert failed.code == 1 and "il disco è in sola lettura" in failed.err
    assert {t: state(project / t) for t in REPORT_TARGETS} == before
    assert staged_leftovers(project) == [] and not (project / "private/reports" / staging.JOURNAL).exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--out", "{file}/sito"],
        ["publish", "--quarter", NEW_Q, "--today", NEW_TODAY, "--reports", "{file}/rapporti"],
        ["report", "--data", "{data}", "--quarter", NEW_Q, "--out", "{file}/2026Q4"],
    ],
    ids=["build", "publish", "report"],
)
def test_an_output_path_inside_a_file_is_a_clear_usage_error(world, tmp_path, argv):
    project = tmp_path / "progetto"
    shutil.copytree(world["project"], project, symlinks=True)
    before = {t: state(project / t) for t in (SITE, LEDGER)}
    blocker = tmp_path / "un-file.txt"
    blocker.write_text("non una cartella", encoding="utf-8")
    argv = [a.format(file=blocker, data=world["data"]) for a in argv]
    failed = run_cli(["--root", project, *argv])
    assert failed.code == 2, failed.err
    assert f"«{blocker}» è un file, non una cartella" in failed.err
    assert "Traceback" not in failed.err and "errore interno" not in failed.err
    assert {t: state(project / t) for t in (SITE, LEDGER)} == before
    assert blocker.read_text(encoding="utf-8") == "non una cartella"


@pytest.fixture
def small_disk(tmp_path):
    """A real tmpfs (root only): sized to hold one site but not two."""
    mount = tmp_path / "disco"
    mount.mkdir()
    yield mount
    subprocess.run(["umount", str(mount)], capture_output=True)


def _mount_tmpfs(mount: Path, kilobytes: int, options: str = "") -> bool:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k{options}", "tmpfs", str(mount)],
        capture_output=True,
    )
    return done.returncode == 0


def test_a_really_full_disk_keeps_the_previous_site(world, small_disk):
    old_site = world["project"] / SITE
    used = sum(-(-p.stat().st_size // 4096) * 4 for p in old_site.rglob("*") if p.is_file())
    if not _mount_tmpfs(small_disk, used + 1024):
        pytest.skip("non si può montare un tmpfs qui (serve root)")
    shutil.copytree(old_site, small_disk / "site")
    before = state(small_disk / "site")
    failed = run_cli(
        ["--root", world["project"], "build", "--out", small_disk / "site", "--today", BUILD_TODAY]
    )
    assert failed.code == 1, failed.err
    assert "il disco è pieno" in failed.err and "Il sito precedente è rimasto com'era" in failed.err
    assert "Traceback" not in failed.err and "errore interno" not in failed.err
    assert state(small_disk / "site") == before
    assert [p.name for p in small_disk.iterdir()] == ["site"]


def test_a_really_read_only_disk_keeps_the_previous_site(world, small_disk):
    old_site = world["project"] / SITE
    used = sum(-(-p.stat().st_size // 4096) * 4 for p in old_site.rglob("*") if p.is_file())
    if not _mount_tmpfs(small_disk, used + 4096):  # room for the old site (every language of it)
        pytest.skip("non si può montare un tmpfs qui (serve root)")
    shutil.copytree(old_site, small_disk / "site")
    before = state(small_disk / "site")
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if remounted.returncode != 0:
        pytest.skip("non si può rimontare il tmpfs in sola lettura")
    failed = run_cli(
        ["--root", world["project"], "build", "--out", small_disk / "site", "--today", BUILD_TODAY]
    )
    assert failed.code == 1, failed.err
    assert "è su un disco in sola lettura" in failed.err and "Traceback" not in failed.err
    assert state(small_disk / "site") == before
