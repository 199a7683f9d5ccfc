"""The pipeline layer (bds/pipeline): the pieces build, publish and report share, tested on their own.

The kill and recovery tests of the journaled commit are in test_faults.py and test_publish.py; here the
single-output switch (`swap`, `staged_folder`), the one writer, the one YAML writer, the one writability
check in its two wordings and the one quarter type.
"""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
import yaml
from bds.errors import BdsError
from bds.pipeline import staging
from bds.pipeline.quarter import Quarter
from bds.pipeline.writing import check_writable, write_file, yaml_text


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_staged_folder_replaces_the_old_one_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "dati"
    target.mkdir()
    (target / "vecchio.csv").write_text("a\n", encoding="utf-8")
    with staging.staged_folder(target, replace=True) as work:
        (work / "nuovo.csv").write_text("b\n", encoding="utf-8")
        assert _names(target) == ["vecchio.csv"]  # nothing changes before the block ends
    assert _names(target) == ["nuovo.csv"] and _names(tmp_path) == ["dati"]


def test_a_staged_folder_changes_nothing_on_an_error(tmp_path):
    target = tmp_path / "nuova" / "dati"
    with pytest.raises(RuntimeError), staging.staged_folder(target) as work:
        (work / "mezzo.csv").write_text("a\n", encoding="utf-8")
        raise RuntimeError("interrotto")
    assert not target.exists() and _names(tmp_path) == []  # the folders it made are gone too


def test_a_staged_folder_never_replaces_a_full_folder_unasked(tmp_path):
    target = tmp_path / "dati"
    target.mkdir()
    (target / "mio.csv").write_text("a\n", encoding="utf-8")
    with pytest.raises(BdsError) as refused, staging.staged_folder(target):
        pass
    assert refused.value.exit_code == 2 and _names(target) == ["mio.csv"]


@pytest.mark.parametrize("flags", ["", "no-exchange"])
def test_swap_puts_the_new_output_in_place_with_or_without_exchange(tmp_path, monkeypatch, flags):
    if flags:
        monkeypatch.setenv("BDS_FAULT_AT", flags)
    target, new = tmp_path / "sito", tmp_path / ".sito.bds-1-nuovo"
    target.mkdir()
    (target / "index.html").write_text("vecchio", encoding="utf-8")
    new.mkdir()
    (new / "index.html").write_text("nuovo", encoding="utf-8")
    staging.swap(new, target, "prova")
    assert (target / "index.html").read_text(encoding="utf-8") == "nuovo"
    assert _names(tmp_path) == ["sito"]


def test_write_file_writes_text_and_bytes_whole_and_keeps_or_sets_permissions(tmp_path):
    path = tmp_path / "a" / "scheda.yml"
    write_file(path, "id: è\n")
    assert path.read_bytes() == "id: è\n".encode()
    os.chmod(path, 0o640)
    write_file(path, b"id: nuova\n")
    assert path.read_bytes() == b"id: nuova\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    write_file(path, b"x", mode=0o644, durable=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    with pytest.raises(FileExistsError):
        write_file(path, "altro", replace=False)
    assert path.read_bytes() == b"x" and _names(path.parent) == ["scheda.yml"]


@pytest.mark.parametrize("width", [None, 100, 110])
def test_yaml_text_is_the_kits_one_style(width):
    data = {"zeta": "città «centro»", "alfa": [1, {"b": "x " * 80}]}
    expected = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, **({"width": width} if width else {})
    )
    assert yaml_text(data, width) == expected


def test_one_writability_check_speaks_both_wordings(tmp_path):
    blocker = tmp_path / "un-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(BdsError) as site:
        check_writable(blocker / "sito", what="--out")
    assert site.value.exit_code == 2 and str(site.value).startswith("--out: ")
    with pytest.raises(BdsError) as outcomes:
        check_writable(blocker / "rapporto", folder=True)
    assert outcomes.value.exit_code == 2 and "[OUTPUT_NOT_WRITABLE]" in str(outcomes.value)
    with pytest.raises(BdsError) as kind:
        check_writable(blocker, folder=True)
    assert "[OUTPUT_NOT_WRITABLE]" in str(kind.value)
    check_writable(tmp_path / "nuova" / "cartella", what="--out")  # a folder to make: fine
    check_writable(tmp_path / "nuova", folder=True)


def test_one_quarter_type_reads_typed_and_written_labels():
    q = Quarter.parse(" 2026q4 ")
    assert q == Quarter.exact("2026Q4") == Quarter.of(dt.date(2026, 11, 30))
    assert (q.start, q.end, q.previous().label) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026Q3")
    for written in ("2026q4", " 2026Q4", "2026Q5", "", None):
        assert Quarter.exact(written) is None
