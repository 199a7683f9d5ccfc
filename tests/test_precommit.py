"""The pre-commit configuration runs: every hook, on a copy of the repository (needs PyPI for hook envs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

BIN = Path(sys.executable).parent
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "site",
    "private",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    "node_modules",
    "_artifacts",
    "bench-out",
)


def test_config_uses_local_hooks_only():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert {"bds-validate", "check-metaschema", "yamllint", "ruff-check", "ruff-format"} <= set(hooks)
    for hook in hooks.values():
        for dep in hook.get("additional_dependencies", []):
            assert "==" in dep, f"{hook['id']}: pin {dep} exactly"


@pytest.mark.slow
def test_pre_commit_run_all_files(tmp_path):
    if not (BIN / "pre-commit").exists() or shutil.which("git") is None:
        pytest.skip("pre-commit or git not installed")
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy, ignore=IGNORE)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True, env=env)
    proc = subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files", "--show-diff-on-failure"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
