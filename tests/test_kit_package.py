"""The kit as a package: a built wheel carries every file the commands need, and works on a content
folder outside the source tree (no territory mkdocs.yml: the kit's default is used)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from bds import kitfiles

ROOT = Path(__file__).resolve().parents[1]
FRANCIACORTA = ROOT / "tests" / "territories" / "franciacorta"
SKIP_COPY = shutil.ignore_patterns(
    ".git", ".venv", "site", "private", "build", "dist", "*.egg-info", "__pycache__"
)


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def test_every_code_package_is_listed_for_the_wheel():
    """The packages are listed by hand (bds._kit is mapped to the top level): a new one must be added."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT / "scripts").parts)
        for init in (ROOT / "scripts" / "bds").rglob("__init__.py")
    }
    assert listed - {"bds._kit"} == on_disk


def test_the_checkout_finds_the_top_level_files():
    assert kitfiles.is_checkout()
    assert kitfiles.schemas() == ROOT / "schemas"
    assert kitfiles.site_config() == ROOT / "mkdocs.yml"
    from bds.web import engine

    overrides = engine._kit_overrides()
    assert Path(overrides["theme"]["custom_dir"]).is_dir()
    assert Path(overrides["hooks"][0]).is_file()
    assert overrides["theme"]["name"] == "material"


def _shared_site_packages() -> str:
    return sysconfig.get_paths()["purelib"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the source (the build writes build/ and *.egg-info where it runs)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP_COPY)
    out = work / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
        + ["-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (built,) = out.glob("bds-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_the_kit_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "bds/_kit/mkdocs.yml",
        "bds/_kit/schemas/opportunity.schema.json",
        "bds/_kit/schemas/territory.schema.json",
        "bds/_kit/schemas/templates/opportunity.yml",
        "bds/_kit/schemas/outcomes/datapackage.json",
        "bds/_kit/schemas/outcomes/templates/costs.csv",
        "bds/_kit/.github/workflows/validate.yml",
        "bds/_kit/.pre-commit-config.yaml",
        "bds/web/theme/main.html",
        "bds/web/mkdocs_hook.py",
        "bds/data/wording.yml",
        "bds/data/init/content/territory.yml",
        "bds/data/init/gitignore",
        "bds/data/hsds/datapackage.json",
        "bds/assets/form.js",
    ):
        assert needed in names, needed
    # Only the kit's files from the top level: no content, tests or README inside the package.
    assert not [n for n in names if n.startswith(("bds/_kit/content", "bds/_kit/tests", "bds/_kit/README"))]


@pytest.mark.slow
def test_the_installed_wheel_works_outside_the_source_tree(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    # The dependencies are those already installed here (no network): one path line, read after the
    # new environment's own site-packages, so the wheel's bds comes first.
    (purelib / "_shared_deps.pth").write_text(_shared_site_packages() + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BDS_DEBUG")}
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index"]
        + [str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert install.returncode == 0, install.stderr[-2000:]

    territory = tmp_path / "rete"
    shutil.copytree(FRANCIACORTA, territory)
    assert not (territory / "mkdocs.yml").exists()
    elsewhere = tmp_path / "altrove"
    elsewhere.mkdir()

    def bds(*args, cwd=elsewhere):
        return subprocess.run(
            [str(python), "-m", "bds", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
        )

    located = subprocess.run(
        [str(python), "-c", "import bds, bds.kitfiles as k; print(bds.__file__); print(k.root())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    module_file, kit_root = located.stdout.split()
    assert Path(module_file).is_relative_to(venv), module_file
    assert Path(kit_root) == Path(module_file).parent / "_kit"

    checked = bds("--root", str(territory), "validate", "--today", "2026-11-25")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errori" in checked.stderr

    built = bds("--root", str(territory), "build", "--out", str(tmp_path / "sito"), "--today", "2026-11-25")
    assert built.returncode == 0, built.stdout + built.stderr
    home = (tmp_path / "sito" / "index.html").read_text(encoding="utf-8")
    assert "Franciacorta" in home
    assert (tmp_path / "sito" / "assets" / "bds.css").is_file()  # the kit's theme was found

    demo = bds("demo-data", "--out", str(tmp_path / "demo"), "--people", "60", cwd=territory)
    assert demo.returncode == 0, demo.stdout + demo.stderr

    report = bds(
        "report",
        "--data",
        str(tmp_path / "demo"),
        "--quarter",
        "2026Q1",
        "--out",
        str(tmp_path / "rapporto" / "2026Q1"),
        cwd=territory,
    )
    assert report.returncode == 0, report.stdout + report.stderr
    assert (tmp_path / "rapporto" / "2026Q1" / "report.html").is_file()
    assert not list(territory.rglob("*.whl"))

    # A new territory from the installed kit: written, valid and buildable at once.
    new = tmp_path / "rete-nuova"
    started = bds("init", str(new), "--territory", "Ambito di prova", "--today", "2026-11-25")
    assert started.returncode == 0, started.stdout + started.stderr
    assert (new / ".github" / "workflows" / "validate.yml").is_file()
    checked = bds("--root", str(new), "validate", "--today", "2026-11-25")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = bds("--root", str(new), "build", "--out", str(tmp_path / "sito-nuovo"), "--today", "2026-11-25")
    assert built.returncode == 0, built.stdout + built.stderr


def test_only_kitfiles_computes_paths_from_the_code_location():
    """One resolver: a module that finds files next to its own code breaks in the installed wheel."""
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "scripts" / "bds").rglob("*.py"))
        if path.name != "kitfiles.py" and "__file__" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
