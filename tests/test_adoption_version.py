"""One version everywhere, and `bds --version` naming the content's last commit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib

import bds
import pytest
import yaml
from conftest import REPO, run_cli

RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)
VERSION_LINE = re.compile(
    r"^bds (?P<version>\S+) \(contenuti: (?P<commit>[0-9a-f]{4,40} \d{4}-\d{2}-\d{2}|"
    r"nessun commit)\)$"
)


def _pyproject_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def _changelog() -> str:
    return (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_changelog_has_unreleased_then_releases_newest_first():
    text = _changelog()
    unreleased = text.find("## [Unreleased]")
    releases = list(RELEASE.finditer(text))
    assert unreleased != -1 and releases and unreleased < releases[0].start()
    versions = [tuple(map(int, m["version"].split("."))) for m in releases]
    assert versions == sorted(versions, reverse=True)
    dates = [m["date"] for m in releases]
    assert dates == sorted(dates, reverse=True)


def test_version_is_the_same_everywhere():
    version = _pyproject_version()
    latest = RELEASE.search(_changelog())
    publiccode = yaml.safe_load((REPO / "publiccode.yml").read_text(encoding="utf-8"))
    assert bds.__version__ == version  # installed metadata; stale after a bump until `pip install -e .`
    assert latest["version"] == version
    assert str(publiccode["softwareVersion"]) == version
    assert str(publiccode["releaseDate"]) == latest["date"]


def test_version_option_in_the_repository(monkeypatch):
    monkeypatch.chdir(REPO)
    result = run_cli(["--version"])
    assert result.code == 0
    match = VERSION_LINE.match(result.out.strip())
    assert match and match["version"] == _pyproject_version()


# --- the content's last commit, in a throwaway repository -------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git non disponibile")


def _git(root, *args, date="2026-01-02T03:04:05+00:00"):
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def git_project(tmp_path):
    root = tmp_path / "territorio"
    (root / "content").mkdir(parents=True)
    shutil.copy(REPO / "content" / "territory.yml", root / "content" / "territory.yml")
    _git(root, "init", "-q")
    _git(root, "add", "content")
    _git(root, "commit", "-q", "-m", "contenuti", date="2026-01-02T03:04:05+00:00")
    content_commit = _git(root, "rev-parse", "--short", "HEAD")
    # A later commit that does not touch the content must not change what --version reports.
    (root / "NOTE.txt").write_text("nota\n", encoding="utf-8")
    _git(root, "add", "NOTE.txt")
    _git(root, "commit", "-q", "-m", "altro", date="2026-03-04T05:06:07+00:00")
    return root, content_commit


@needs_git
def test_version_names_the_last_content_commit(git_project, monkeypatch):
    root, content_commit = git_project
    monkeypatch.chdir(root)
    result = run_cli(["--version"])
    assert result.code == 0
    assert result.out.strip() == f"bds {_pyproject_version()} (contenuti: {content_commit} 2026-01-02)"


def test_version_without_git_history(tmp_path, monkeypatch):
    (tmp_path / "content").mkdir()
    shutil.copy(REPO / "content" / "territory.yml", tmp_path / "content" / "territory.yml")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["--version"])
    assert result.code == 0
    assert result.out.strip() == f"bds {_pyproject_version()} (contenuti: nessun commit)"


@needs_git
def test_version_from_a_subfolder_of_the_project(git_project, monkeypatch):
    root, content_commit = git_project
    monkeypatch.chdir(root / "content")
    result = run_cli(["--version"])
    assert result.out.strip() == f"bds {_pyproject_version()} (contenuti: {content_commit} 2026-01-02)"
