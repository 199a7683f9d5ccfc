"""Pre-compressed copies: `bds build` writes FILE.gz beside the text files, `bds serve --site` sends them."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bds.web import precompress
from conftest import REPO, TODAY, run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("precompressed") / "site"
    run = run_cli(["--root", REPO, "build", "--out", out, "--today", TODAY])
    assert run.code == 0, run.err
    return out


def _files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def test_every_copy_holds_exactly_its_file(site):
    copies = [p for p in _files(site) if p.suffix == ".gz"]
    assert len(copies) > 100
    for copy in copies:
        original = copy.with_name(copy.name[: -len(".gz")])
        packed = copy.read_bytes()
        assert gzip.decompress(packed) == original.read_bytes(), copy
        assert len(packed) < original.stat().st_size, copy  # only where it is smaller
        if copy.name != "sitemap.xml.gz":  # the engine's own, dated by the content (test_site_build)
            assert packed[4:8] == b"\0\0\0\0", copy  # no time stamp: the same site, the same bytes


def test_the_text_files_have_a_copy_and_the_others_none(site):
    by_name = {p.relative_to(site).as_posix() for p in _files(site)}
    for name in ("index.html", "opportunita/index.html", "sitemap.xml"):
        assert f"{name}.gz" in by_name
    for suffix in (".html", ".css", ".js", ".json", ".xml", ".svg", ".ics", ".csv"):
        assert any(n.endswith(suffix + ".gz") for n in by_name), suffix
    assert not any(n.endswith((".png.gz", ".jpg.gz", ".webp.gz", ".gz.gz")) for n in by_name)
    # A file too small to gain keeps no copy.
    small = [n for n in by_name if n.endswith(precompress.COMPRESSIBLE) and (site / n).stat().st_size < 30]
    assert all(f"{n}.gz" not in by_name for n in small)


def test_copies_are_the_same_for_the_same_files(tmp_path):
    for i in range(2):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "a.html").write_text("<p>ciao</p>\n" * 200, encoding="utf-8")
        (folder / "b.png").write_bytes(b"\x89PNG" * 100)
        (folder / "tiny.css").write_text("a{}", encoding="utf-8")
        assert precompress.write_copies(folder) == 1
    assert (tmp_path / "0" / "a.html.gz").read_bytes() == (tmp_path / "1" / "a.html.gz").read_bytes()
    assert sorted(p.name for p in (tmp_path / "0").iterdir()) == ["a.html", "a.html.gz", "b.png", "tiny.css"]


def test_copies_made_ahead_are_written_only_beside_the_bytes_announced(tmp_path):
    """precompress.Ahead compresses the data files while the engine runs; a file the engine wrote with
    other bytes than announced (here another size) is left to write_copies, which compresses what is there."""
    data = ("id,titolo\n" + "1,Laboratorio di ceramica\n" * 300).encode("utf-8")
    ahead = precompress.Ahead({"dati/a.csv": data, "dati/b.csv": data, "dati/tiny.json": b"{}"})
    (tmp_path / "dati").mkdir()
    (tmp_path / "dati" / "a.csv").write_bytes(data)
    (tmp_path / "dati" / "b.csv").write_bytes(data + b"2,Altro\n")  # not what was announced
    (tmp_path / "dati" / "tiny.json").write_bytes(b"{}")
    try:
        done = ahead.write(tmp_path)
    finally:
        ahead.close()
    assert done == {tmp_path / "dati" / "a.csv", tmp_path / "dati" / "tiny.json"}
    assert gzip.decompress((tmp_path / "dati" / "a.csv.gz").read_bytes()) == data
    assert not (tmp_path / "dati" / "tiny.json.gz").exists()  # no smaller copy
    assert precompress.write_copies(tmp_path, pages_done=True, done=done) == 1  # b.csv, from its own bytes
    assert gzip.decompress((tmp_path / "dati" / "b.csv.gz").read_bytes()) == data + b"2,Altro\n"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, identity", False),
        ("identity", False),
        ("br", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding(header, expected):
    assert precompress.accepts_gzip(header) is expected


@pytest.fixture
def server(site):
    """`bds serve --site` on 127.0.0.1, a port the system picks; stopped at the end."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "scripts"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bds", "serve", "--site", str(site), "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        line = proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        yield int(match.group(1))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def _get(port: int, path: str, accept: str | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_serve_sends_the_gzip_copy_to_who_accepts_it(site, server):
    page = (site / "opportunita" / "index.html").read_bytes()
    response, body = _get(server, "/opportunita/", "gzip, deflate, br")
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Type").startswith("text/html")
    assert int(response.getheader("Content-Length")) == len(body) < len(page)
    assert gzip.decompress(body) == page
    # The stylesheet too, with its own type.
    css = next(p for p in (site / "assets").rglob("*.css") if p.with_name(p.name + ".gz").is_file())
    response, body = _get(server, "/" + css.relative_to(site).as_posix(), "gzip")
    assert (
        response.getheader("Content-Encoding") == "gzip" and response.getheader("Content-Type") == "text/css"
    )
    assert gzip.decompress(body) == css.read_bytes()


def test_serve_sends_the_plain_file_otherwise(site, server):
    page = (site / "index.html").read_bytes()
    for accept in (None, "identity", "gzip;q=0"):
        response, body = _get(server, "/", accept)
        assert response.status == 200
        assert response.getheader("Content-Encoding") is None
        assert response.getheader("Vary") == "Accept-Encoding"  # a cache must not mix the two
        assert body == page
    response, body = _get(server, "/", "gzip", method="HEAD")
    assert response.getheader("Content-Encoding") == "gzip" and body == b""
    png = next(site.rglob("*.png"))
    response, body = _get(server, "/" + png.relative_to(site).as_posix(), "gzip")
    assert response.getheader("Content-Encoding") is None and body == png.read_bytes()
    response, _ = _get(server, "/non-esiste.html", "gzip")
    assert response.status == 404


def test_serve_refuses_a_folder_without_a_site(tmp_path):
    run = run_cli(["serve", "--site", tmp_path, "--port", "0"])
    assert run.code == 2 and "index.html" in run.err and "Traceback" not in run.err
