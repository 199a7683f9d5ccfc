"""The GitHub side: workflows and the issue form pass GitHub's schemas; least privilege; pinned actions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ISSUE_FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "nuova-opportunita.yml"
CHECK = Path(sys.executable).with_name("check-jsonschema")


def test_there_are_the_four_workflows():
    assert {p.name for p in WORKFLOWS} >= {"validate.yml", "pages.yml", "freshness.yml", "intake-issue.yml"}


def _check(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True, timeout=60
    )


def test_workflows_pass_the_github_schema():
    run = _check("vendor.github-workflows", *WORKFLOWS)
    assert run.returncode == 0, run.stdout + run.stderr


def test_issue_form_passes_the_github_schema():
    run = _check("vendor.github-issue-forms", ISSUE_FORM)
    assert run.returncode == 0, run.stdout + run.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    steps: []\n", encoding="utf-8")
    assert _check("vendor.github-workflows", broken).returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege(path):
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["permissions"] == {}
    top_keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^[a-z]", line)]
    assert top_keys.index("permissions") < top_keys.index("jobs")
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} must declare its permissions"
        assert set(job["permissions"].values()) <= {"read", "write"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_to_commit_shas(path):
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", text, re.M)
    assert uses
    for ref, rest in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", ref), ref
        assert re.match(r"\s+#\s*v\d", rest), f"{ref}: add the version as a comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_keep_credentials(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


def test_untrusted_issue_text_never_reaches_the_shell_directly():
    for path in WORKFLOWS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in data["jobs"].values():
            for step in job.get("steps", []):
                assert not re.search(r"\$\{\{\s*github\.event\.issue\.(body|title)", step.get("run", "")), (
                    path.name
                )


def test_workflow_commands_exist():
    text = "\n".join(p.read_text(encoding="utf-8") for p in WORKFLOWS)
    assert "bds validate --format github" in text
    assert "bds intake issue " in text and "bds intake freshness --format markdown" in text
    assert "bds build --out" in text and "schedule:" in text
