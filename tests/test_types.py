"""The type checker runs on scripts/bds at the level stated in pyproject.toml ([tool.mypy]): no error."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import REPO

NO_MYPY = importlib.util.find_spec("mypy") is None


@pytest.mark.skipif(NO_MYPY, reason="mypy is not installed (it is in the test extra: pip install -e .[test])")
def test_mypy_finds_no_error_in_scripts_bds(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_mypy_is_configured_on_the_package_at_the_stated_level():
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["files"] == ["scripts/bds"] and config["python_version"] == "3.11"
    assert config["check_untyped_defs"] is True
    assert not config.get("ignore_missing_imports"), "only named untyped libraries may skip their imports"
