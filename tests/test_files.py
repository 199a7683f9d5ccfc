"""Files and folders: only regular files inside the repository are read; everything else is a located error.

Also the site configuration (mkdocs.yml: no code-running tags, no third-party resources) and the ranges of
--today and --quarter. Each test fails without the hardening (issue 10, "Files and folders" and "Faults").
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from bds import findings, kitfiles, safefs
from bds.errors import BdsError
from bds.publish import archive
from bds.web import engine
from conftest import FIXTURES, TODAY, run_cli

VALID = FIXTURES / "opportunity" / "valid" / "minimal.yml"
RECORD = VALID.read_text(encoding="utf-8")


def _validate(root: Path, *args):
    return run_cli(["--root", root, "validate", *args, "--format", "json", "--today", TODAY])


def _found(run) -> list[tuple[str, str]]:
    assert "Traceback" not in run.err and "errore interno" not in run.err, run.err
    return [(f["file"], f["code"]) for f in run.json()]


def _record(root: Path, name: str, text: str = RECORD) -> Path:
    """A copy of the minimal valid opportunity, renamed (its id follows the file name)."""
    path = root / "opportunities" / name
    stem = name.split(".")[0]
    path.write_text(text.replace("id: minimal", f"id: {stem}"), encoding="utf-8")
    return path


@contextmanager
def _deadline(seconds: int):
    """Fail instead of hanging (a FIFO opened for reading blocks until someone writes)."""

    def expired(*_):
        raise AssertionError(f"più di {seconds} secondi: la lettura si è bloccata")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# -- symlinks, FIFOs, devices, loops ------------------------------------------------------------------
def test_baseline_fixture_project_is_clean(project_copy):
    run = _validate(project_copy)
    assert run.code == 0 and _found(run) == []


def test_symlink_inside_the_tree_is_refused_not_followed(project_copy):
    target = _record(project_copy, "vero.yml")
    broken = project_copy / "content" / "nascosto.yml"
    broken.write_text("id: [non chiuso\n", encoding="utf-8")  # would give YAML_SYNTAX if it were read
    (project_copy / "opportunities" / "copia.yml").symlink_to(target)
    (project_copy / "opportunities" / "altro.yml").symlink_to("../content/nascosto.yml")
    run = _validate(project_copy)
    assert run.code == 1
    found = _found(run)
    assert ("opportunities/copia.yml", "FILE_SYMLINK") in found
    assert ("opportunities/altro.yml", "FILE_SYMLINK") in found
    assert not any(code == "YAML_SYNTAX" for _, code in found)
    assert ("opportunities/vero.yml", "FILE_SYMLINK") not in found


def test_symlink_outside_the_tree_is_refused(project_copy, tmp_path):
    outside = tmp_path / "fuori.yml"
    outside.write_text(RECORD.replace("id: minimal", "id: fuori"), encoding="utf-8")
    (project_copy / "opportunities" / "fuori.yml").symlink_to(outside)
    run = _validate(project_copy)
    assert run.code == 1
    assert _found(run) == [("opportunities/fuori.yml", "FILE_SYMLINK")]
    # named on the command line too
    link = tmp_path / "link.yml"
    link.symlink_to(outside)
    run = _validate(project_copy, link)
    assert run.code == 1 and "FILE_SYMLINK" in [code for _, code in _found(run)]


def test_dangling_symlink_and_dev_null_symlink(project_copy):
    (project_copy / "opportunities" / "sparito.yml").symlink_to("non-esiste.yml")
    (project_copy / "opportunities" / "vuoto.yml").symlink_to("/dev/null")
    run = _validate(project_copy)
    assert run.code == 1
    assert sorted(_found(run)) == [
        ("opportunities/sparito.yml", "FILE_SYMLINK"),
        ("opportunities/vuoto.yml", "FILE_SYMLINK"),
    ]


def test_symlink_loop_is_a_located_error_not_a_crash(project_copy):
    folder = project_copy / "opportunities"
    (folder / "a.yml").symlink_to("b.yml")
    (folder / "b.yml").symlink_to("a.yml")
    run = _validate(project_copy)
    assert run.code == 1
    assert sorted(_found(run)) == [
        ("opportunities/a.yml", "FILE_SYMLINK"),
        ("opportunities/b.yml", "FILE_SYMLINK"),
    ]


def test_symlink_loop_in_a_folder_named_on_the_command_line(project_copy):
    folder = project_copy / "opportunities"
    (folder / "a.yml").symlink_to("b.yml")
    (folder / "b.yml").symlink_to("a.yml")
    for argv in (["validate", folder, "--format", "json", "--today", TODAY], ["fmt", "--check", folder]):
        run = run_cli(["--root", project_copy, *argv])
        assert run.code == 1 and "errore interno" not in run.err, run.err


@pytest.mark.parametrize("folder", ["opportunities", "content/partners", "content/guides"])
def test_symlinked_record_folder_is_refused_and_not_read(project_copy, tmp_path, folder):
    elsewhere = tmp_path / "altrove"
    elsewhere.mkdir()
    (elsewhere / "rotto.yml").write_text("id: [non chiuso\n", encoding="utf-8")
    (elsewhere / "rotto.md").write_text("senza intestazione\n", encoding="utf-8")
    target = project_copy / folder
    if target.exists():
        for item in target.iterdir():
            shutil.move(item, elsewhere / item.name)
        target.rmdir()
    target.symlink_to(elsewhere, target_is_directory=True)
    run = _validate(project_copy)
    assert run.code == 1
    found = _found(run)
    assert (folder, "FOLDER_SYMLINK") in found
    assert not any(code in ("YAML_SYNTAX", "FRONT_MATTER_MISSING") for _, code in found)


def test_symlinked_territory_and_content_folder(project_copy, tmp_path):
    territory = project_copy / "content" / "territory.yml"
    shutil.move(territory, tmp_path / "territory.yml")
    territory.symlink_to(tmp_path / "territory.yml")
    run = _validate(project_copy)
    assert run.code == 1 and ("content/territory.yml", "FILE_SYMLINK") in _found(run)

    territory.unlink()
    shutil.move(tmp_path / "territory.yml", territory)
    real = tmp_path / "contenuti"
    shutil.move(project_copy / "content", real)
    (project_copy / "content").symlink_to(real, target_is_directory=True)
    run = _validate(project_copy)
    assert run.code == 1 and ("content", "FOLDER_SYMLINK") in _found(run)


def test_fifo_is_refused_without_blocking(project_copy):
    os.mkfifo(project_copy / "opportunities" / "tubo.yml")
    with _deadline(10):
        run = _validate(project_copy)
    assert run.code == 1
    assert _found(run) == [("opportunities/tubo.yml", "FILE_NOT_REGULAR")]
    assert "FIFO" in run.json()[0]["message"]


def test_device_is_refused(project_copy):
    path = project_copy / "opportunities" / "periferica.yml"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # the same device as /dev/null
    except (PermissionError, OSError) as exc:
        pytest.skip(f"non si può creare un dispositivo qui ({exc})")
    with _deadline(10):
        run = _validate(project_copy)
    assert run.code == 1
    assert _found(run) == [("opportunities/periferica.yml", "FILE_NOT_REGULAR")]
    assert "dispositivo" in run.json()[0]["message"]


def test_folder_with_a_record_name_is_refused(project_copy):
    (project_copy / "opportunities" / "cartella.yml").mkdir()
    run = _validate(project_copy)
    assert run.code == 1 and _found(run) == [("opportunities/cartella.yml", "FILE_UNREADABLE")]
    assert "cartella" in run.json()[0]["message"]


def test_guide_picture_symlink_is_refused(project_copy, tmp_path):
    secret = tmp_path / "privato.png"
    secret.write_bytes(b"\x89PNG non pubblicare")
    img = project_copy / "content" / "guides" / "img"
    img.mkdir(parents=True)
    (img / "foto.png").symlink_to(secret)
    run = _validate(project_copy)
    assert run.code == 1 and ("content/guides/img/foto.png", "FILE_SYMLINK") in _found(run)
    out = tmp_path / "sito"
    build = run_cli(["--root", project_copy, "build", "--out", out, "--today", TODAY])
    assert build.code == 1 and not out.exists()


def test_read_regular_refuses_a_symlink_swapped_in_after_the_check(tmp_path, monkeypatch):
    real, other = tmp_path / "a.yml", tmp_path / "b.yml"
    real.write_text("id: a\n", encoding="utf-8")
    other.write_text("id: b\n", encoding="utf-8")
    lstat, swapped = os.lstat, []

    def swap_after_lstat(path, *args, **kwargs):
        result = lstat(path, *args, **kwargs)
        if Path(path) == real and not swapped:
            swapped.append(True)
            real.unlink()
            real.symlink_to(other)
        return result

    monkeypatch.setattr(safefs.os, "lstat", swap_after_lstat)
    with pytest.raises(safefs.NotRegular):
        safefs.read_regular(real, 1000)


def _bulletin(root: Path, label: str = "2026Q1") -> Path:
    stored = root / "content" / "bulletins"
    stored.mkdir(parents=True, exist_ok=True)
    fields = dict.fromkeys(archive.REQUIRED, 0) | {"quarter": label, "open_data": ["opportunita.csv"]}
    path = stored / f"{label}.yml"
    path.write_text(yaml.safe_dump(fields), encoding="utf-8")
    return path


def test_stored_bulletin_files_that_are_symlinks_are_never_published(project_copy, tmp_path):
    secret = tmp_path / "privato.csv"
    secret.write_text("persona;esito\n", encoding="utf-8")
    _bulletin(project_copy)
    data = project_copy / "content" / "bulletins" / "2026Q1"
    data.mkdir()
    (data / "opportunita.csv").symlink_to(secret)
    with pytest.raises(BdsError, match="collegamento simbolico"):
        archive.load_all(project_copy)
    (data / "opportunita.csv").unlink()
    (data / "opportunita.csv").write_text("a;b\n", encoding="utf-8")
    assert archive.load_all(project_copy)["2026Q1"].files == {"opportunita.csv": b"a;b\n"}


def test_stored_bulletin_that_is_a_symlink_is_refused(project_copy, tmp_path):
    path = _bulletin(project_copy)
    shutil.move(path, tmp_path / "b.yml")
    path.symlink_to(tmp_path / "b.yml")
    with pytest.raises(BdsError, match="collegamento simbolico"):
        archive.load_all(project_copy)


# -- names -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["corso.YML", "corso.Yaml", "corso.yml.", "corso.yml ", "corso.yaml.", "corso.yml..", "corso.yMl"]
)
def test_odd_extensions_are_reported(project_copy, name):
    _record(project_copy, name)
    run = _validate(project_copy)
    assert run.code == 1
    assert _found(run) == [(f"opportunities/{name}", "FILE_EXTENSION")]


def test_odd_guide_extension_is_reported(project_copy):
    (project_copy / "content" / "guides").mkdir(exist_ok=True)
    (project_copy / "content" / "guides" / "guida.MD").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    run = _validate(project_copy)
    assert run.code == 1 and _found(run) == [("content/guides/guida.MD", "FILE_EXTENSION")]


@pytest.mark.parametrize("name", ["con.yml", "aux.yml", "nul.yml", "prn.yml", "com1.yml", "lpt9.yml"])
def test_windows_reserved_names(project_copy, name):
    _record(project_copy, name)
    run = _validate(project_copy)
    assert run.code == 1
    assert (f"opportunities/{name}", "FILE_NAME_RESERVED") in _found(run)


def test_windows_reserved_names_any_extension_and_folder(project_copy):
    guides = project_copy / "content" / "guides"
    guides.mkdir(exist_ok=True)
    (guides / "NUL.tar.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    partner = project_copy / "content" / "partners" / "coop-esempio.yml"
    shutil.copy(partner, partner.with_name("Aux.yml"))
    found = _found(_validate(project_copy))
    assert ("content/guides/NUL.tar.md", "FILE_NAME_RESERVED") in found
    assert ("content/partners/Aux.yml", "FILE_NAME_RESERVED") in found


def test_new_refuses_a_windows_reserved_id(project_copy, tmp_path, monkeypatch):
    answers = tmp_path / "ente.yml"
    fields = {
        "name": "Associazione Sole",
        "id": "aux",
        "type": "associazione",
        "role": "rete",
        "networks": ["rete-prova"],
        "description": "Gruppi di cammino e di lettura.",
        "zones": ["zona-sud"],
        "services": "Cammino, Lettura",
        "contact.email": "sole@example.org",
        "peer_support": "no",
    }
    answers.write_text(yaml.safe_dump(fields), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" * 40))
    run = run_cli(["--root", project_copy, "new", "partner", "--from-answers", answers, "--today", TODAY])
    assert run.code == 1 and "FILE_NAME_RESERVED" in run.out + run.err, (run.out, run.err)
    assert not (project_copy / "content" / "partners" / "aux.yml").exists()


def test_names_differing_only_by_case(project_copy):
    _record(project_copy, "corso.yml")
    _record(project_copy, "Corso.yml")
    run = _validate(project_copy)
    assert run.code == 1
    assert ("opportunities/corso.yml", "FILE_NAME_CASE_CLASH") in _found(run)
    message = next(f["message"] for f in run.json() if f["code"] == "FILE_NAME_CASE_CLASH")
    assert "Corso.yml" in message


def test_names_differing_only_by_accent_encoding(project_copy):
    guides = project_copy / "content" / "guides"
    guides.mkdir(exist_ok=True)
    for name in ("caff\u00e8.md", "caffe\u0300.md"):  # è as one character, and as e + combining accent
        (guides / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    codes = [code for _, code in _found(_validate(project_copy))]
    assert "FILE_NAME_CASE_CLASH" in codes


def test_file_named_through_a_symlinked_folder_is_not_read(project_copy, tmp_path):
    elsewhere = tmp_path / "altrove"
    elsewhere.mkdir()
    (elsewhere / "rotto.yml").write_text("id: [non chiuso\n", encoding="utf-8")
    (project_copy / "opportunities").rmdir()
    (project_copy / "opportunities").symlink_to(elsewhere, target_is_directory=True)
    run = _validate(project_copy, project_copy / "opportunities" / "rotto.yml")
    assert run.code == 1
    assert _found(run) == [("opportunities/rotto.yml", "FOLDER_SYMLINK")]


def test_guide_picture_folder_ignores_what_the_site_does_not_copy(project_copy):
    img = project_copy / "content" / "guides" / "img"
    img.mkdir(parents=True)
    (img / "bozze").mkdir()
    (img / "note.txt").symlink_to("/dev/null")
    (img / "foto.png").write_bytes(b"\x89PNG")
    run = _validate(project_copy)
    assert run.code == 0 and _found(run) == []


@pytest.mark.parametrize("folder", ["opportunities", "content/partners", "content/guides"])
def test_record_folder_that_is_a_file(project_copy, folder):
    target = project_copy / folder
    if target.is_dir():
        shutil.rmtree(target)
    target.write_text("id: x\n", encoding="utf-8")
    run = _validate(project_copy)
    assert run.code == 1
    assert (folder, "FOLDER_NOT_FOLDER") in _found(run)


# -- unreadable (the tests run as root, where chmod 000 still reads: the refusal is simulated) ------------
def test_unreadable_file(project_copy, monkeypatch):
    path = _record(project_copy, "chiuso.yml")
    real_open = os.open

    def refuse(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    run = _validate(project_copy)
    assert run.code == 1
    assert _found(run) == [("opportunities/chiuso.yml", "FILE_UNREADABLE")]
    message = run.json()[0]["message"]
    assert "permesso" in message and "Permission" not in message


def test_unreadable_folder(project_copy, monkeypatch):
    _record(project_copy, "dentro.yml")
    folder = project_copy / "opportunities"
    real_scandir = os.scandir

    def refuse(path=".", *args, **kwargs):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", refuse)
    run = _validate(project_copy)
    assert run.code == 1
    assert _found(run) == [("opportunities", "FOLDER_UNREADABLE")]
    assert "permesso" in run.json()[0]["message"]


# -- bds fmt -----------------------------------------------------------------------------------------
def test_fmt_never_replaces_a_symlinked_record(project_copy, tmp_path):
    outside = tmp_path / "fuori.yml"
    messy = RECORD.replace("id: minimal", "id:    fuori")
    outside.write_text(messy, encoding="utf-8")
    link = project_copy / "opportunities" / "fuori.yml"
    link.symlink_to(outside)
    for argv in (["fmt"], ["fmt", link]):
        run = run_cli(["--root", project_copy, *argv])
        assert run.code == 1 and "collegamento simbolico" in run.err, run.err
        assert link.is_symlink() and outside.read_text(encoding="utf-8") == messy


def test_fmt_refuses_a_fifo_without_blocking(project_copy):
    fifo = project_copy / "opportunities" / "tubo.yml"
    os.mkfifo(fifo)
    with _deadline(10):
        run = run_cli(["--root", project_copy, "fmt"])
    assert run.code == 1 and "opportunities/tubo.yml: non riformattato" in run.err and "FIFO" in run.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# -- mkdocs.yml --------------------------------------------------------------------------------------
def _config(root: Path, text: str) -> Path:
    path = root / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


SAFE_THEME = "theme:\n  name: material\n  font: false\n"


def test_shipped_config_passes():
    raw, found = engine.check_config(kitfiles.root() / "mkdocs.yml", "mkdocs.yml", {"bds.example.org"})
    assert raw is not None and found == []


@pytest.mark.parametrize(
    "tagged",
    [
        'site_name: !!python/object/apply:os.system ["touch {marker}"]',
        'site_name: !!python/object/new:os.system ["touch {marker}"]',
        "extra:\n  x: !!python/name:os.system\n",
        "extra:\n  x: !!python/module:os\n",
        '? !!python/object/apply:os.system ["touch {marker}"]\n: valore\n',
        "extra:\n  x: !sconosciuto valore\n",
    ],
)
def test_config_tags_never_run(project_copy, tmp_path, tagged):
    marker = tmp_path / "ESEGUITO"
    _config(project_copy, SAFE_THEME + tagged.format(marker=marker) + "\n")
    run = _validate(project_copy)
    assert run.code == 1 and ("mkdocs.yml", "CONFIG_TAG") in _found(run)
    out = tmp_path / "sito"
    build = run_cli(["--root", project_copy, "build", "--out", out, "--today", TODAY])
    assert build.code == 1 and "CONFIG_TAG" in build.out
    assert not marker.exists() and not out.exists()
    # the engine checks too, whoever calls it (a build of content that skipped validation)
    with pytest.raises(BdsError, match="CONFIG_TAG"):
        engine.checked_config(project_copy / "mkdocs.yml")
    assert not marker.exists()


def test_publish_refuses_a_tagged_config_and_changes_nothing(project_copy, tmp_path):
    marker = tmp_path / "ESEGUITO"
    _config(project_copy, SAFE_THEME + f'site_name: !!python/object/apply:os.system ["touch {marker}"]\n')
    out, reports = tmp_path / "sito", tmp_path / "rapporti"
    argv = ["publish", "--quarter", "2026Q2", "--today", TODAY, "--out", out, "--reports", reports]
    run = run_cli(["--root", project_copy, *argv])
    assert run.code == 1 and "CONFIG_TAG" in run.out + run.err and "Traceback" not in run.err
    assert not marker.exists() and not out.exists() and not reports.exists()
    assert not (project_copy / "content" / "bulletins").exists()


def test_config_allow_listed_python_names_pass(project_copy):
    _config(
        project_copy,
        SAFE_THEME + "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
        "site_url: !ENV [SITE_URL, 'https://bds.example.org/']\n",
    )
    run = _validate(project_copy)
    assert run.code == 0 and _found(run) == []


def test_config_alias_is_refused(project_copy):
    _config(project_copy, SAFE_THEME + "extra:\n  a: &x [1, 2]\n  b: *x\n")
    run = _validate(project_copy)
    assert run.code == 1 and ("mkdocs.yml", "CONFIG_ALIAS") in _found(run)


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "CONFIG_EMPTY", 1),
        ("# solo un commento\n", "CONFIG_EMPTY", 1),
        ("- site_name: x\n- theme: material\n", "CONFIG_NOT_MAPPING", 1),
        ("solo testo\n", "CONFIG_NOT_MAPPING", 1),
        ("site_name: x\ntheme:\n  name: material\n   font: false\n", "CONFIG_SYNTAX", 4),
        ("site_name: x\n---\nsite_name: y\n", "CONFIG_SYNTAX", 2),
    ],
)
def test_config_broken_empty_or_list_shaped(project_copy, tmp_path, text, code, line):
    _config(project_copy, text)
    run = _validate(project_copy)
    assert run.code == 1
    [finding] = run.json()
    assert (finding["file"], finding["code"], finding["line"]) == ("mkdocs.yml", code, line)
    out = tmp_path / "sito"
    build = run_cli(["--root", project_copy, "build", "--out", out, "--today", TODAY])
    assert build.code == 1 and f"mkdocs.yml:{line}:" in build.out and "Traceback" not in build.err
    assert not out.exists()


def test_config_symlink_is_refused(project_copy, tmp_path):
    real = tmp_path / "mkdocs.yml"
    shutil.copy(kitfiles.root() / "mkdocs.yml", real)
    (project_copy / "mkdocs.yml").symlink_to(real)
    run = _validate(project_copy)
    assert run.code == 1 and ("mkdocs.yml", "FILE_SYMLINK") in _found(run)
    with pytest.raises(BdsError, match="FILE_SYMLINK"):
        engine.checked_config(engine.config_file(project_copy))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("extra_javascript:\n  - https://cdn.jsdelivr.net/npm/mermaid.min.js\n", "extra_javascript[0]"),
        ("extra_javascript:\n  - path: //unpkg.com/x.js\n    type: module\n", "extra_javascript[0].path"),
        ("extra_css:\n  - https://fonts.googleapis.com/css?family=Roboto\n", "extra_css[0]"),
        ("extra_css:\n  - \\\\cdn.example.net/x.css\n", "extra_css[0]"),
        ("plugins:\n  - search\n  - x:\n      url: http://tracker.example.net/p.js\n", "plugins[1].x.url"),
    ],
)
def test_config_third_party_resources(project_copy, tmp_path, text, field):
    _config(project_copy, SAFE_THEME + text)
    run = _validate(project_copy)
    assert run.code == 1
    [finding] = run.json()
    assert (finding["code"], finding["field"]) == ("CONFIG_THIRD_PARTY", field)
    out = tmp_path / "sito"
    assert run_cli(["--root", project_copy, "build", "--out", out, "--today", TODAY]).code == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "text",
    [
        "theme: material\n",
        "theme:\n  name: material\n",
        "theme:\n  name: material\n  font:\n    text: Roboto\n",
        SAFE_THEME + "extra:\n  analytics:\n    provider: google\n    property: G-XXXX\n",
        SAFE_THEME + "repo_url: https://github.com/esempio/bds\n",
        "theme:\n  name: material\n  font: false\n  logo: https://cdn.example.net/logo.png\n",
    ],
)
def test_config_theme_fonts_analytics_and_repo_facts(project_copy, text):
    _config(project_copy, text)
    run = _validate(project_copy)
    assert run.code == 1 and [code for _, code in _found(run)] == ["CONFIG_THIRD_PARTY"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("theme:\n  name: material\n  font: false\n  custom_dir: /etc\n", "theme.custom_dir"),
        ("theme:\n  name: material\n  font: false\n  custom_dir: ../../..\n", "theme.custom_dir"),
        (SAFE_THEME + "hooks:\n  - /tmp/altro.py\n", "hooks[0]"),
    ],
)
def test_config_theme_folder_and_hooks_stay_inside(project_copy, text, field):
    _config(project_copy, text)
    run = _validate(project_copy)
    assert run.code == 1
    [finding] = run.json()
    assert (finding["code"], finding["field"]) == ("CONFIG_PATH_OUTSIDE", field)


def test_config_kit_theme_folder_is_allowed(project_copy):
    theme = kitfiles.root() / "scripts" / "bds" / "web" / "theme"
    _config(project_copy, f"theme:\n  name: material\n  font: false\n  custom_dir: {theme}\n")
    run = _validate(project_copy)
    assert run.code == 0 and _found(run) == []


def test_config_own_host_and_relative_paths_pass(project_copy):
    _config(
        project_copy,
        SAFE_THEME + "extra_javascript:\n  - assets/bds.js\n  - https://bds.example.org/assets/x.js\n"
        "extra:\n  social:\n    - link: https://www.example.net/\n",
    )
    run = _validate(project_copy)
    assert run.code == 0 and _found(run) == []


def test_config_codes_are_catalogued():
    for code in ("CONFIG_TAG", "CONFIG_EMPTY", "CONFIG_THIRD_PARTY", "FILE_SYMLINK", "FOLDER_NOT_FOLDER"):
        assert code in findings.REGISTRY
        assert f"`{code}`" in findings.catalogue_markdown()


# -- --today and --quarter ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--today", "9999-01-01"],
        ["build", "--today", "1899-12-31"],
        ["validate", "--today", "9999-01-01"],
        ["publish", "--quarter", "9999Q1"],
        ["publish", "--quarter", "9999Q4"],
        ["publish", "--quarter", "2026Q4", "--today", "9999-01-01"],
        ["publish", "--quarter", "1999Q4"],
        ["report", "--quarter", "9999Q1", "--data", "dati"],
        ["report", "--quarter", "9999Q4", "--data", "dati"],
    ],
)
def test_today_and_quarter_ranges(project_copy, tmp_path, argv):
    out = tmp_path / "uscita"
    extra = {"build": ["--out", out], "publish": ["--out", out, "--reports", tmp_path / "rapporti"]}
    extra["report"] = ["--out", out]
    extra["validate"] = []
    before = sorted(p.relative_to(project_copy) for p in project_copy.rglob("*"))
    run = run_cli(["--root", project_copy, *argv, *extra[argv[0]]])
    assert run.code == 2, (run.code, run.err)
    assert "Traceback" not in run.err and "errore interno" not in run.err
    assert "fuori dall'intervallo" in run.err and "2000" in run.err and "2100" in run.err
    assert not out.exists() and not (tmp_path / "rapporti").exists()
    assert sorted(p.relative_to(project_copy) for p in project_copy.rglob("*")) == before


def test_edges_of_the_ranges_are_accepted(project_copy, tmp_path):
    run = run_cli(["--root", project_copy, "validate", "--today", "2100-12-31"])
    assert run.code == 0, run.err
    # 2000-01-01 is accepted as a day; the dates are then too far ahead of it (a finding, not usage).
    run = run_cli(["--root", project_copy, "validate", "--today", "2000-01-01"])
    assert run.code == 1 and "DATE_TOO_FAR" in run.out, run.err


def test_the_atomic_writer_never_replaces_a_symlink_or_a_fifo(tmp_path):
    from bds.pipeline.writing import write_file

    real = tmp_path / "vera.yml"
    real.write_text("id: vera\n", encoding="utf-8")
    link = tmp_path / "scheda.yml"
    link.symlink_to(real)
    with pytest.raises(BdsError, match="collegamento simbolico"):
        write_file(link, "id: nuova\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "id: vera\n"
    fifo = tmp_path / "tubo.yml"
    os.mkfifo(fifo)
    with pytest.raises(BdsError, match="non è un file normale"):
        write_file(fifo, "id: nuova\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scheda.yml", "tubo.yml", "vera.yml"]


def test_import_update_does_not_replace_a_symlinked_listing(project_copy, tmp_path):
    outside = tmp_path / "fuori.yml"
    outside.write_text("id: fuori\n", encoding="utf-8")
    link = project_copy / "opportunities" / "tirocinio-all-orto.yml"
    link.symlink_to(outside)
    sheet = tmp_path / "a.csv"
    sheet.write_text("Titolo;Sintesi\nTirocinio all'orto;Una sintesi breve.\n", encoding="utf-8")
    run = run_cli(
        [
            "--root",
            project_copy,
            "import",
            "opportunities",
            sheet,
            "--partner",
            "coop-esempio",
            "--update",
            "--today",
            TODAY,
        ]
    )
    assert run.code != 0 and "Traceback" not in run.err and "errore interno" not in run.err, run.err
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "id: fuori\n"
