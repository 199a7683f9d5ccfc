"""`bds init`: a new territory's repository that validates and builds at once, never overwriting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bds.commands import init
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-25"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("init") / "rete-nuova"
    run = run_cli(["init", target, "--today", TODAY, "--no-input"])
    assert run.code == 0, run.err
    return target


def test_the_new_repository_validates_and_builds(repo, tmp_path):
    checked = run_cli(["--root", repo, "validate", "--today", TODAY])
    assert checked.code == 0, checked.out + checked.err
    assert "0 errori" in checked.err
    site = tmp_path / "sito"
    built = run_cli(["--root", repo, "build", "--out", site, "--today", TODAY])
    assert built.code == 0, built.err
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "DA COMPLETARE" in home  # the placeholders show, clearly marked
    assert "Milano" not in home and "Niguarda" not in home
    assert (site / "opportunita" / "laboratorio-esempio" / "index.html").is_file()


def test_it_writes_every_part_of_a_repository(repo):
    files = set(tree(repo))
    for needed in (
        "content/territory.yml",
        "content/partners/ente-esempio.yml",
        "opportunities/laboratorio-esempio.yml",
        "content/guides/guida-esempio.md",
        "content/guides/cos-e-il-programma.md",
        "content/guides/come-accedere.md",
        "content/guides/per-gli-enti.md",
        ".github/workflows/validate.yml",
        ".github/workflows/pages.yml",
        ".github/ISSUE_TEMPLATE/nuova-opportunita.yml",
        ".pre-commit-config.yaml",
        ".yamllint.yaml",
        ".gitignore",
        "README.md",
        "requirements.txt",
    ):
        assert needed in files, needed
    assert not [f for f in files if f.startswith("mkdocs")]  # the kit's default configuration is used
    for example in ("content/partners/ente-esempio.yml", "opportunities/laboratorio-esempio.yml"):
        assert yaml.safe_load((repo / example).read_text(encoding="utf-8"))["example"] is True
    guide = (repo / "content/guides/guida-esempio.md").read_text(encoding="utf-8")
    assert "\nexample: true\n" in guide
    territory = yaml.safe_load((repo / "content/territory.yml").read_text(encoding="utf-8"))
    assert "DA COMPLETARE" in territory["territory"] and "DA COMPLETARE" in territory["programme"]


def test_the_kit_is_a_pinned_dependency(repo):
    requirement = [
        line
        for line in (repo / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert requirement == [f"bds @ git+{init.KIT_REPOSITORY}@v{init._version()}"]


def test_workflows_install_the_pinned_kit_not_a_checkout(repo):
    for workflow in sorted((repo / ".github" / "workflows").glob("*.yml")):
        text = workflow.read_text(encoding="utf-8")
        yaml.safe_load(text)
        assert "scripts/" not in text and "-e ." not in text, workflow.name
        assert "python -m pip install -r requirements.txt" in text, workflow.name
    kit = {p.name for p in (ROOT / ".github" / "workflows").glob("*.yml")}
    assert {p.name for p in (repo / ".github" / "workflows").glob("*.yml")} == kit


def test_the_workflow_rewrite_refuses_an_install_it_does_not_know():
    with pytest.raises(init.BdsError):
        init.workflow("steps:\n  - run: python -m pip install -r scripts/other.txt\n")


def test_the_records_are_in_canonical_form(repo):
    checked = run_cli(["--root", repo, "fmt", "--check"])
    assert checked.code == 0, checked.out + checked.err


def test_the_issue_form_is_the_generated_one(repo):
    checked = run_cli(["--root", repo, "intake", "issue-form", "--check"])
    assert checked.code == 0, checked.err


def test_precommit_runs_the_territory_checks_only(repo):
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for r in config["repos"] for h in r["hooks"]] == ["bds-validate", "yamllint"]


def test_answers_from_options_are_written_safely(tmp_path):
    target = tmp_path / "cremasco"
    name = 'Cremasco: "Crema" e dintorni'
    run = run_cli(
        ["init", target, "--territory", name, "--region", "Lombardia", "--email", "bdc@crema.example"]
        + ["--site-url", "https://bdc-crema.example", "--today", TODAY, "--no-input"]
    )
    assert run.code == 0, run.err
    territory = yaml.safe_load((target / "content/territory.yml").read_text(encoding="utf-8"))
    assert territory["territory"] == name
    assert territory["programme"] == f"Budget di Salute – {name}"
    assert territory["coordinators"]["email"] == "bdc@crema.example"
    assert territory["site_url"] == "https://bdc-crema.example/"
    assert run_cli(["--root", target, "validate", "--today", TODAY]).code == 0


@pytest.mark.parametrize("existing", ["file-in-folder", "plain-file"])
def test_it_never_overwrites(tmp_path, existing):
    target = tmp_path / "rete"
    if existing == "plain-file":
        target.write_text("mio\n", encoding="utf-8")
    else:
        target.mkdir()
        (target / "appunti.txt").write_text("mio\n", encoding="utf-8")
    before = tree(tmp_path)
    run = run_cli(["init", target, "--no-input", "--today", TODAY])
    assert run.code == 1
    assert "nessun file scritto" in run.err or "non sovrascrive" in run.err
    assert tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rete"]  # no staging folder left behind


def test_an_empty_folder_is_used(tmp_path):
    target = tmp_path / "vuota"
    target.mkdir()
    assert run_cli(["init", target, "--no-input", "--today", TODAY]).code == 0
    assert (target / "content" / "territory.yml").is_file()


def test_a_bad_answer_writes_nothing(tmp_path):
    run = run_cli(["init", tmp_path / "rete", "--email", "non-una-email", "--no-input"])
    assert run.code == 2
    assert "--email" in run.err
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_it_never_waits_for_input(tmp_path):
    """stdin is an open pipe nobody writes to: a question would hang until the timeout."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "scripts")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bds", "init", str(tmp_path / "rete"), "--today", TODAY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("bds init waited for input without a terminal")
    out, err = process.stdout.read(), process.stderr.read()
    process.stdin.close()
    assert process.returncode == 0, err
    assert "Repository scritto" in out
    assert "invio per" not in out  # no question was printed


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
def test_on_a_terminal_it_asks_what_the_options_did_not_say(tmp_path):
    import pty

    target = tmp_path / "rete"
    master, slave = pty.openpty()
    env = os.environ | {"PYTHONPATH": str(ROOT / "scripts")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bds", "init", str(target), "--region", "Lombardia", "--today", TODAY],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    # territory, programme (empty: the default), email, site address (empty: the placeholder)
    os.write(master, b"Cremasco\n\nbdc@crema.example\n\n")
    shown = b""
    try:
        process.wait(timeout=120)
    finally:
        process.kill()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.returncode == 0, process.stderr.read()
    assert "Nome del territorio" in shown.decode("utf-8", "replace")
    assert "Regione" not in shown.decode("utf-8", "replace")  # given as an option: not asked
    territory = yaml.safe_load((target / "content/territory.yml").read_text(encoding="utf-8"))
    assert territory["territory"] == "Cremasco"
    assert territory["programme"] == "Budget di Salute – Cremasco"
    assert territory["region"] == "Lombardia"
    assert territory["coordinators"]["email"] == "bdc@crema.example"
    assert territory["site_url"] == "https://da-completare.example/"
