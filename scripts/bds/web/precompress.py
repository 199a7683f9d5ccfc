"""Pre-compressed copies of the site's text files, and a static server that sends them.

`bds build` writes `FILE.gz` beside every HTML, CSS, JS, JSON, XML, SVG, ICS and CSV file of the
new site, before the site is swapped in (`write_copies`): gzip level 6 with no time stamp nor file
name in the header, so the same site gives the same bytes, and only where the copy is smaller than
the file. The compressor is zlib-ng (`zlib_ng.gzip_ng`, pinned in pyproject.toml), the maintained
rewrite of zlib with the same format: on a 5,000-listing site (200 MB of text) it takes 1.5 s of CPU
where Python's own zlib takes 2.8 s at the same level, for copies a little smaller (38.2 against
38.4 MB); zlib at level 9 took 5.7 s. Every browser and host reads the copies as any gzip file.
A host that serves pre-compressed files (nginx `gzip_static on`, Caddy `file_server { precompressed
gzip }`, Apache with MultiViews or rewrite rules) then sends the small copy without compressing at
every request; a host that compresses on its own (GitHub Pages, Netlify, Cloudflare Pages) ignores
the copies.

No `.br` copies: Brotli needs a compiled library (the `Brotli` wheel is a C extension, not pure
Python, so one more binary dependency to pin and audit), its best level costs seconds per
megabyte, which the build budget cannot afford at 5,000 listings, and of the common hosts only
Caddy serves `.br` files without an extra module. gzip comes with Python and every browser takes it.

`bds serve --site CARTELLA` serves a built site with `StaticHandler`: the `.gz` copy, with
`Content-Encoding: gzip`, when the browser accepts gzip, and `Vary: Accept-Encoding` on every file
that has one, as a real host would (the measure of what visitors get, e.g. bench/lighthouse.py).
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zlib_ng import gzip_ng

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".ics", ".csv")
LEVEL = 6  # see the module's docstring


def write_copy(path: str | Path, raw: bytes) -> None:
    """`path`.gz for the bytes `raw` that `path` gets, if the copy is smaller (the engine's processes call
    it for every page they write: the pages' copies are made by the processes that render them)."""
    packed = _packed(raw)
    if packed is not None:
        target = Path(f"{path}.gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(packed)


def _packed(raw: bytes) -> bytes | None:
    packed = gzip_ng.compress(raw, compresslevel=LEVEL, mtime=0)
    return packed if len(packed) < len(raw) else None


class Ahead:
    """The copies of files whose bytes are known before the engine writes them (the generated data files:
    dati/hsds.json alone is 36 MB at 5,000 listings), made by a thread while the engine runs (zlib
    releases the GIL: it takes the core the engine's steps in one process leave free), and written
    beside the files once the engine has written them (`write`)."""

    def __init__(self, files: dict[str, bytes]):
        """`files`: path in the site -> the bytes the engine will write there."""
        self.sizes = {path: len(raw) for path, raw in files.items()}
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.copies = {path: self.pool.submit(_packed, raw) for path, raw in files.items()}

    def write(self, site: Path) -> set[Path]:
        """Write the copies into `site`; the files they are for. A file the engine wrote with other bytes
        than announced (another size) is left to `write_copies`."""
        done = set()
        for path, copy in self.copies.items():
            target = site / path
            packed = copy.result()
            if target.is_symlink() or not target.is_file() or target.stat().st_size != self.sizes[path]:
                continue
            if packed is not None:
                target.with_name(target.name + ".gz").write_bytes(packed)
            done.add(target)
        return done

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _targets(site: Path, pages_done: bool, done: set[Path]) -> list[Path]:
    """The files to compress, but those of `done` (their copies are written: `Ahead`). `pages_done`: the
    engine wrote the pages' copies (`write_copy`) into this new site, so an HTML file that has one is
    left as it is (nothing else writes `.html.gz` files)."""
    out = []
    for folder, dirs, names in os.walk(site):  # symlinks to folders are not followed
        dirs.sort()
        present = set(names) if pages_done else set()
        for name in sorted(names):
            path = Path(folder) / name
            if (name.endswith(".html") and f"{name}.gz" in present) or path in done:
                continue
            if name.endswith(COMPRESSIBLE) and not path.is_symlink() and path.is_file():
                out.append(path)
    return out


def _has_copy(path: Path, raw: bytes) -> bool:
    """Whether `path` already has a `.gz` copy of exactly `raw` (the engine's own sitemap.xml.gz, dated by
    the content: kept as it is)."""
    target = path.with_name(path.name + ".gz")
    if target.is_file() and not target.is_symlink():
        try:
            return gzip.decompress(target.read_bytes()) == raw
        except (OSError, EOFError, zlib.error):
            pass
    return False


def _compress_group(paths: list[Path]) -> int:
    """The copies of files with the same bytes (a multilingual site has Material's assets once per
    language): compressed once, written beside each."""
    raw = paths[0].read_bytes()
    packed: bytes | None = None
    written = 0
    for path in paths:
        if _has_copy(path, raw):
            written += 1
            continue
        if packed is None:
            packed = gzip_ng.compress(raw, compresslevel=LEVEL, mtime=0)
        if len(packed) >= len(raw):
            return written
        path.with_name(path.name + ".gz").write_bytes(packed)
        written += 1
    return written


def _groups(targets: list[Path]) -> list[list[Path]]:
    """The files grouped by their bytes, in the order of `targets`. Only files of the same size can have
    the same bytes: those alone are read for a digest (a site's pages mostly differ in size)."""
    sizes = {path: path.stat().st_size for path in targets}
    count = Counter(sizes.values())
    by_bytes: dict[object, list[Path]] = {}
    for path in targets:
        unique = count[sizes[path]] == 1
        key: object = path if unique else hashlib.blake2b(path.read_bytes(), digest_size=20).digest()
        by_bytes.setdefault(key, []).append(path)
    return list(by_bytes.values())


def write_copies(
    site: Path, workers: int | None = None, pages_done: bool = False, done: set[Path] | None = None
) -> int:
    """Write the `.gz` copies in `site`; returns how many written here. zlib releases the GIL: threads use
    every core. `pages_done` and `done`: see `_targets`."""
    groups = _groups(_targets(site, pages_done, done or set()))
    workers = workers or min(4, os.cpu_count() or 1)
    if workers <= 1 or len(groups) < 16:
        return sum(_compress_group(group) for group in groups)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_compress_group, groups, chunksize=32))


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip (`gzip` or `*`, not with q=0)."""
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        return True
    return False


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """A built site as a host serves it: the pre-compressed copy when the browser takes gzip."""

    _vary = False

    def log_message(self, format, *args):  # noqa: A002 - the signature of the standard library
        pass

    def end_headers(self):
        if self._vary:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def send_head(self):
        self._vary = False
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        packed = path + ".gz"
        if not (path.endswith(COMPRESSIBLE) and os.path.isfile(path) and os.path.isfile(packed)):
            return super().send_head()
        self._vary = True
        if not accepts_gzip(self.headers.get("Accept-Encoding")):
            return super().send_head()
        try:
            handle = open(packed, "rb")  # noqa: SIM115 - returned open, as SimpleHTTPRequestHandler does
        except OSError:
            return super().send_head()
        stat = os.fstat(handle.fileno())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return handle


def serve_site(site: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """A server for `site` on host:port (not started: call serve_forever, then shutdown)."""

    def handler(*args, **kwargs):
        return StaticHandler(*args, directory=str(site), **kwargs)

    return http.server.ThreadingHTTPServer((host, port), handler)
