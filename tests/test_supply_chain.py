"""Supply chain: the lock pins every package with its hashes, agrees with pyproject.toml, and the
installs (scripts/dev.sh, the workflows) use it in hash-checking mode with a pinned build backend."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "scripts" / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """Package -> (version, hashes). Raises AssertionError for any requirement that is not `name==v` with
    at least one sha256 hash (a continued line is one requirement)."""
    out: dict[str, tuple[str, list[str]]] = {}
    logical = re.sub(r"\\\n", " ", text)
    for number, line in enumerate(logical.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirement {number} is not pinned with ==: {line[:80]}"
        hashes = HASH.findall(line)
        assert hashes, f"{match[1]} has no --hash=sha256:..."
        leftover = HASH.sub("", line[match.end() :])  # only an environment marker may remain
        assert "--" not in leftover, f"{match[1]}: unexpected option {leftover.strip()[:60]}"
        out[norm(match[1])] = (match[2], hashes)
    return out


def pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def exact_pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", requirement.replace(" ", ""))
        assert match, f"pyproject.toml: «{requirement}» is not pinned with =="
        pins[norm(match[1])] = match[2]
    return pins


def test_every_package_of_the_lock_is_pinned_with_hashes():
    locked = parse_lock(LOCK.read_text(encoding="utf-8"))
    assert len(locked) > 50
    # Each line of the file is a pin, a hash, a comment or a continuation: nothing unhashed slips in.
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        assert (
            not stripped
            or stripped.startswith("#")
            or HASH.fullmatch(stripped.rstrip(" \\"))
            or (PIN.match(stripped) and stripped.endswith("\\"))
        ), f"unexpected lock line: {line[:80]}"


@pytest.mark.parametrize(
    "text, message",
    [
        ("foo==1.0\n", "no --hash"),
        ("foo>=1.0 \\\n    --hash=sha256:" + "a" * 64 + "\n", "not pinned"),
        ("-e .\n", "not pinned"),
    ],
)
def test_the_lock_check_can_fail(text, message):
    with pytest.raises(AssertionError, match=message):
        parse_lock(text)


def test_pyproject_pins_match_the_lock():
    locked = parse_lock(LOCK.read_text(encoding="utf-8"))
    project = pyproject()
    wanted = exact_pins(project["project"]["dependencies"])
    wanted |= exact_pins(project["project"]["optional-dependencies"]["test"])
    wanted |= exact_pins(project["build-system"]["requires"])  # the build backend is pinned and locked too
    for name, version in wanted.items():
        assert name in locked, f"{name} is in pyproject.toml but not in the lock: run bash scripts/lock.sh"
        assert locked[name][0] == version, f"{name}: pyproject.toml {version}, lock {locked[name][0]}"
    assert "setuptools" in wanted


def test_installs_check_the_hashes_and_build_with_the_locked_backend():
    dev = (ROOT / "scripts" / "dev.sh").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r scripts/requirements.lock" in dev
    assert "--no-deps --no-build-isolation -e ." in dev
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    for workflow in workflows:
        text = workflow.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "pip install" in line and "requirements.lock" in line:
                assert "--require-hashes" in line, f"{workflow.name}: {line.strip()}"
            if "pip install" in line and "-e ." in line:
                assert "--no-build-isolation" in line, f"{workflow.name}: {line.strip()}"


def test_the_lock_tool_is_installed_with_hashes():
    tools = parse_lock((ROOT / "scripts" / "lock-tools.txt").read_text(encoding="utf-8"))
    assert set(tools) == {"uv"}
    script = (ROOT / "scripts" / "lock.sh").read_text(encoding="utf-8")
    assert "--require-hashes -r scripts/lock-tools.txt" in script
    assert "--generate-hashes" in script
