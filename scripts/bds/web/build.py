"""`bds build`: validate, generate the pages, build into a temporary folder, swap it in.

The previous site stays in place until the new one is complete: the new build lives in a
temporary folder next to the target (`.<name>.bds-<pid>-...`, git-ignored) and takes its place
through the pipeline's staging (`pipeline.staging.swap`: one atomic exchange of the two names); a
crash at any instant leaves the old or the new site in place, never none. Where the file system
cannot exchange, two renames (old aside as `.<name>.bds-<pid>-old`, new in): a crash between them
leaves the old site aside, and the next build puts it back (`staging.sweep`). Fault points:
build-staged, build-aside (fallback only), build-switched.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import faults, messages, report, vocabulary
from .. import validate as validation
from ..content import Project
from ..errors import BdsError
from ..pipeline import progress, staging
from ..pipeline.writing import check_writable, write_failed
from . import engine, generate, languages, pages, postprocess, precompress
from .context import SiteContext
from .preview import copyright_text
from .text import esc

MARKER = ".bds-site"


class ValidationFailed(BdsError):
    """The content has errors: nothing was built."""

    def __init__(self, findings_text: str, count: int, findings: list | None = None):
        super().__init__(messages.t("site.build.validation_failed", count=count), 1)
        self.findings_text = findings_text
        self.findings = findings or []  # what `findings_text` prints, for `--format json`


@dataclass
class Summary:
    out: Path
    pages: int
    listings: int
    warnings: int
    seconds: float

    def line(self) -> str:
        return messages.t(
            "site.build.summary",
            out=self.out,
            pages=self.pages,
            listings=self.listings,
            warnings=messages.t("site.build.warnings", count=self.warnings),
            seconds=progress.seconds_text(self.seconds),
        )


def check_target(out: Path) -> None:
    """Refuse an --out that is not a folder, or a folder that holds something else than a bds site."""
    check_writable(out, what="--out")
    if out.exists() and not out.is_dir():
        raise BdsError(messages.t("site.build.out_not_folder", out=out), 2)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise BdsError(messages.t("site.build.out_not_site", out=out), 2)


def recover(project: Project | None, out: Path, log) -> None:
    """Before touching `out`: finish an interrupted publication, put back a site a crash left aside."""
    if project is not None:
        staging.recover_all([project.root], log)
    try:
        said = staging.sweep(out)
    except OSError as exc:
        raise write_failed(exc, messages.t("site.build.the_site"), "") from None
    progress.say(said, log)


def progress_printer(stream=sys.stderr, every: int = 500, total: int = 0):
    """A line each time the pages done pass a multiple of `every` (the count may skip numbers: several
    processes render the pages)."""
    printed = [0]

    def report_pages(done: int) -> None:
        reached = done // every * every
        if reached > printed[0]:
            printed[0] = reached
            print(messages.t("site.build.progress", done=reached, total=total), file=stream, flush=True)

    return report_pages


def build_site(
    project: Project,
    out: Path,
    today: dt.date,
    *,
    log=None,
    providers=None,
    content=None,
    validate: bool = True,
) -> Summary:
    """Build the site of `project` into `out`. Raises ValidationFailed or BdsError; `out` is untouched then.

    `content` with `validate=False` builds already-loaded content as is (tests of hostile input).
    """
    started = time.perf_counter()
    log = log if log is not None else sys.stderr  # the stream of the moment (tests redirect it)
    out = out.resolve()
    recover(project, out, log)
    check_target(out)
    warnings = 0
    # QR codes drawn on the core the validation leaves free (postprocess.Prefetch)
    qr_codes = postprocess.prefetch(project) if validate and engine_processes(SHARE_FROM) > 1 else None
    try:
        if validate:
            print(messages.t("site.build.checking"), file=log, flush=True)
            result = validation.run(project, today=today)
            if result.errors:
                raise ValidationFailed(report.text(result.findings), len(result.errors), result.findings)
            content = result.content
            warnings += len(result.warnings)
        # The loaded content lives until the end: frozen, the garbage collector stops re-scanning it at
        # every collection the generation and the engine trigger (seconds on big sites).
        gc.freeze()
        territory = content.territory.data if content.territory is not None and content.territory.ok else {}
        with messages.use(words=vocabulary.of(territory)):
            return _generate_and_build(
                project, out, today, log, providers, content, warnings, started, qr_codes
            )
    finally:
        gc.unfreeze()
        if qr_codes is not None:
            qr_codes.close()


@dataclass
class _Site:
    """One language's site: its context, its generated pages, and where the engine writes it."""

    language: str
    ctx: SiteContext
    generated: generate.Generated
    folder: str  # inside the site: "" for Italian, "<code>" for the others


def _providers_for(language: str, multilingual: bool, providers, easy: bool = False) -> list:
    """The page providers of one language's site: the easy-Italian guides (if any) are Italian pages,
    in any territory; a multilingual site adds the switcher's styles and leaves coordinators' pages
    to the Italian site."""
    listed = list(providers if providers is not None else pages.PAGE_PROVIDERS)
    if multilingual:
        listed.append(languages.stylesheet)
    if language == languages.ITALIAN:
        return [*listed, languages.easy_pages] if easy else listed
    return [
        entry
        for entry in listed
        if (entry if isinstance(entry, str) else getattr(entry, "__name__", ""))
        not in languages.ITALIAN_ONLY_PROVIDERS
    ]


def _generate_sites(content, today: dt.date, log, providers) -> list[_Site]:
    """The pages of every declared language, each generated in its own language (Italian first)."""
    territory = content.territory.data if content.territory is not None and content.territory.ok else {}
    codes = languages.declared(territory)
    multilingual = len(codes) > 1
    easy = bool(languages.translated_guides(content, languages.EASY))
    sites: list[_Site] = []
    for code in codes:
        with messages.use(language=code):
            ctx = generate.context_from_content(content, today, inline_qr=False, language=code)
            if code == languages.ITALIAN:
                print(messages.t("site.build.generating", count=len(ctx.listings)), file=log, flush=True)
            generated = generate.run_providers(
                content, ctx, _providers_for(code, multilingual, providers, easy)
            )
        if code != languages.ITALIAN:
            generated.files, generated.nav = languages.localise(
                generated.files, generated.nav, sites[0].ctx.site_url
            )
        sites.append(_Site(code, ctx, generated, "" if code == languages.ITALIAN else code))
    return sites


def _engine_language(site: _Site, alternates: languages.Alternates | None) -> engine.Language | None:
    if alternates is None:
        return None
    return engine.Language(
        code=site.language,
        direction=languages.direction(site.language),
        page_languages=lambda src: alternates.for_page(site.language, src),
        italian_root="" if site.language == languages.ITALIAN else "../",
        extra_css=[languages.STYLESHEET],
    )


def _generate_and_build(
    project: Project,
    out: Path,
    today: dt.date,
    log,
    providers,
    content,
    warnings: int,
    started: float,
    qr_codes: postprocess.Prefetch | None = None,
) -> Summary:
    """The generation and the engine, in the territory's words (see build_site); one run per language."""
    sites = _generate_sites(content, today, log, providers)
    ctx = sites[0].ctx
    alternates = _alternates(sites)
    total = sum(s.generated.page_count for s in sites)
    processes = engine_processes(sites[0].generated.page_count)
    # QR codes are drawn in another process while the engine runs (not earlier: the generation
    # already keeps both cores busy); the engine fills them in page by page. When the engine's own
    # processes keep the cores busy, each draws the codes of its pages itself.
    drawn = qr_codes.result() if qr_codes is not None else None
    qr_jobs = postprocess.start_qr(ctx, in_process=processes > 1, drawn=drawn)
    gc.freeze()  # the generated pages too
    copies = precompress.Ahead(_data_files(sites))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.bds-{os.getpid()}-", dir=out.parent))
        try:
            docs, site = work / "docs", work / "site"
            docs.mkdir()  # stays empty: the pages reach the engine in memory
            print(messages.t("site.build.building", count=total), file=log, flush=True)
            engine_run = functools.partial(_build_one, project, docs=docs, today=today, log=log, total=total)
            warnings += _build_languages(sites, site, engine_run, qr_jobs, alternates, processes)
            # FILE.gz beside the text files, for hosts that use them (the pages' ones written by the engine)
            precompress.write_copies(site, pages_done=True, done=copies.write(site))
            (site / MARKER).write_text(messages.t("site.build.marker") + "\n", encoding="utf-8")
            faults.point("build-staged")
            staging.swap(site, out, "build")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except OSError as exc:  # disk full, read-only, a file where a folder should be...
        raise write_failed(
            exc,
            messages.t("site.build.the_site_in", out=out),
            messages.t("site.build.old_site_kept")
            if out.is_dir()
            else messages.t("site.build.nothing_written"),
        ) from None
    finally:
        qr_jobs.close()
        copies.close()
    return Summary(out, total, len(ctx.listings), warnings, time.perf_counter() - started)


def _data_files(sites: list[_Site]) -> dict[str, bytes]:
    """The generated files that are not pages and get a compressed copy (the open data, the catalogue's
    search data...): path in the site -> the bytes the engine writes there (precompress.Ahead)."""
    out = {}
    for one in sites:
        for path, data in one.generated.files.items():
            if (
                isinstance(data, (str, bytes))
                and not path.endswith(".md")
                and path.endswith(precompress.COMPRESSIBLE)
            ):
                where = f"{one.folder}/{path}" if one.folder else path
                out[where] = data.encode("utf-8") if isinstance(data, str) else data
    return out


def _alternates(sites: list[_Site]) -> languages.Alternates | None:
    """Which page each language has (the switcher and hreflang); None for a site in one language."""
    if len(sites) < 2:
        return None
    return languages.Alternates(
        [s.language for s in sites],
        sites[0].ctx.site_url,
        {s.language: {p for p in s.generated.files if p.endswith(".md")} for s in sites},
    )


PROCESSES_ENV = "BDS_BUILD_PROCESSES"  # how many processes render the pages; 1 = MkDocs's own build
SHARE_FROM = 100  # pages of a language's site; below, a second process saves less than it costs


def engine_processes(pages: int) -> int:
    """How many processes render the pages (engine.build_in_processes): one per core, at most 4 (the
    pages are shared copy-on-write, each process adds its own renders' memory); BDS_BUILD_PROCESSES
    forces a number (1: one process, as MkDocs alone builds; the test of identical outputs)."""
    forced = os.environ.get(PROCESSES_ENV, "").strip()
    if not hasattr(os, "fork"):  # the processes are forked: where a system cannot, MkDocs's own build
        return 1
    if forced.isdigit():
        return max(1, int(forced))
    if pages < SHARE_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cores))


def _build_languages(sites: list[_Site], site: Path, engine_run, qr_jobs, alternates, processes: int) -> int:
    """Every language's engine run; returns how many warnings the engine gave, printed in the order of the
    languages. Several languages and processes: the languages are built side by side (each process takes
    the next language nobody has taken: they differ in size), each by one process; one language: its pages
    are shared among the processes (engine.build_in_processes)."""
    side_by_side = processes > 1 and len(sites) > 1

    def run(index: int) -> list[str]:
        one = sites[index]
        target = site / one.folder if one.folder else site
        return engine_run(
            one,
            target=target,
            qr_jobs=qr_jobs,
            alternates=alternates,
            processes=1 if side_by_side else processes,
        )

    if side_by_side:
        found = _side_by_side(len(sites), processes, run)
    else:
        found = {index: run(index) for index in range(len(sites))}
    for index in range(len(sites)):
        for message in found[index]:
            print(messages.t("site.build.engine_warning", message=message), file=engine_run.keywords["log"])
    return sum(len(listed) for listed in found.values())


def _side_by_side(count: int, processes: int, run) -> dict[int, list[str]]:
    """`run(0)` … `run(count - 1)` in `processes` processes (this one and forked children), each taking the
    next number nobody has taken; the results by number."""
    taken = multiprocessing.get_context("fork").Value("i", 0)

    def take_and_run() -> dict[int, list[str]]:
        done: dict[int, list[str]] = {}
        while True:
            with taken.get_lock():
                index, taken.value = taken.value, taken.value + 1
            if index >= count:
                return done
            done[index] = run(index)

    children = [engine.run_forked(take_and_run) for _ in range(processes - 1)]
    try:
        found = take_and_run()
    finally:
        sent = [engine.collect_forked(child) for child in children]
    for results in sent:
        found.update(results)
    return found


def _build_one(
    project, one: _Site, *, docs: Path, target: Path, today, log, total: int, qr_jobs, alternates, processes=1
) -> list[str]:
    """One language's engine run (its texts in its language); returns the engine's warnings."""
    if one.language == languages.ITALIAN:
        jobs = qr_jobs
    else:
        jobs = postprocess.start_qr(one.ctx, in_process=processes > 1 or qr_jobs.pool is None)
    try:
        with messages.use(language=one.language):
            return _run_engine(
                project,
                one,
                docs,
                target,
                today,
                log,
                total,
                jobs,
                _engine_language(one, alternates),
                processes,
            )
    finally:
        if jobs is not qr_jobs:
            jobs.close()


def _run_engine(
    project, one: _Site, docs: Path, target: Path, today, log, total: int, qr_jobs, language, processes=1
):
    ctx, generated = one.ctx, one.generated
    site = engine.SiteInput(
        engine.config_file(project.root),
        docs,
        target,
        generated.nav,
        site_name=esc(ctx.territory.get("programme") or ctx.labels.words.programme),
        site_url=ctx.site_url,
        copyright_text=copyright_text(ctx.territory),
        progress=progress_printer(log, every=max(500, total // 10), total=total) if total >= 1000 else None,
        files=generated.files,
        finish_page=qr_jobs.fill,
        page_written=precompress.write_copy,
        words=messages.words(),
        language=language,
    )
    return engine.build(site, today, workers=processes)
