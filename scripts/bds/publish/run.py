"""`bds publish`: the quarter's publication in one run, all or nothing.

Steps, in order, each announced on the progress stream:
1. content validation (same findings as `bds validate`);
2. outcome-data validation (only with `data`);
3. the public site with the quarter's bulletin (built aside, never over the published site);
4. the private report and the release ledger (only with `data`);
5. the freshness report for the coordinators.
Nothing already published changes until every step has succeeded: each output is written in a
temporary folder next to its target, and all of them are switched in together at the end
(`pipeline.staging.Staging.commit`, journaled in `.bds-commit.json` at the project root). A failure
anywhere leaves the site, the reports, the ledger and the stored bulletins exactly as they were;
a crash while switching is completed (or undone) by the next run of `bds publish`, `bds build`
or `bds report`.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import freshness as fr
from .. import messages, vocabulary
from .. import report as findings_report
from .. import validate as validation
from ..content import Project
from ..errors import BdsError
from ..messages import t
from ..pipeline.progress import Indented, say, seconds_text
from ..pipeline.quarter import Quarter
from ..pipeline.staging import JOURNAL, Staging, recover_all
from ..pipeline.writing import check_writable, write_failed
from ..web import build as site_build
from ..web import generate
from . import archive, bulletin, freshness_report, provider
from .archive import Stored

FRESHNESS_DAYS = 30


class PublishFailed(BdsError):
    """A step found problems: `details` lists them (located, in Italian); nothing was published."""

    def __init__(self, message: str, details: str = "", exit_code: int = 1, findings: list | None = None):
        super().__init__(message, exit_code)
        self.details = details
        self.findings = findings or []  # what `details` lists, as findings (`bds publish --format json`)


@dataclass
class Result:
    quarter: Quarter
    today: dt.date
    site: Path
    pages: int = 0
    listings: int = 0
    bulletin_file: Path | None = None
    bulletin_totals: dict = field(default_factory=dict)
    report_dir: Path | None = None
    report_files: list[str] = field(default_factory=list)
    report_summary: dict = field(default_factory=dict)
    ledger: Path | None = None
    freshness_dir: Path | None = None
    freshness_counts: dict = field(default_factory=dict)
    content_warnings: int = 0
    site_warnings: int = 0
    republished: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def freshness_dir_for(reports: Path, quarter: Quarter, with_data: bool) -> Path:
    """Beside the private report; without outcome data, in private/freshness/<quarter>/ (a report folder
    holding only the freshness list would block a later `bds report` for the quarter)."""
    return reports / quarter.label if with_data else reports.parent / "freshness" / quarter.label


def check_targets(project: Project, out: Path, reports: Path, data: Path | None) -> None:
    """Refuse targets that are not ours before doing any work."""
    site_build.check_target(out)
    check_writable(reports / "x", what="--reports")
    check_writable(archive.record_path(project.root, "x"), what="content/bulletins")
    if reports.resolve().is_relative_to(out.resolve()):
        raise BdsError(t("publish.run.reports_in_site", reports=reports), 2)
    if data is not None:
        from ..outcomes import release

        release.check_output(reports / "ledger.json", project.root, folder=False)


# -- steps (module functions, so a test can make one fail) ---------------------------------------------


def validate_content(project: Project, today: dt.date) -> validation.Result:
    result = validation.run(project, today=today)
    if result.errors:
        raise PublishFailed(
            t("publish.run.content_errors", count=len(result.errors)),
            findings_report.text(result.findings),
            findings=result.findings,
        )
    return result


def validate_data(data: Path, territory: dict | None):
    """Validate the outcome package once; the report step reuses the loaded tables."""
    from ..outcomes.validate import validate

    checked = validate(data, territory)
    if not checked.ok:
        raise PublishFailed(
            t("publish.run.data_problems", count=len(checked.problems)),
            "\n".join(p.text() for p in checked.problems),
            findings=[p.finding() for p in checked.problems],
        )
    return checked


def make_bulletin(project: Project, content, quarter: Quarter, today: dt.date) -> tuple[Stored, bool]:
    stored = archive.load_all(project.root)
    ctx = generate.context_from_content(content, today, inline_qr=False)
    with messages.use(words=vocabulary.of(ctx.territory)):
        data = bulletin.snapshot(ctx, quarter, archive.previous_of(stored, quarter.label))
    return Stored(data, archive.open_data_files(ctx)), quarter.label in stored


def build_site(project: Project, content, today: dt.date, site_dir: Path, pending: dict[str, Stored], log):
    return site_build.build_site(
        project,
        site_dir,
        today,
        log=log,
        providers=provider.providers_with(pending),
        content=content,
        validate=False,
    )


def write_report(
    project: Project,
    data: Path,
    quarter: Quarter,
    report_dir: Path,
    ledger: Path,
    checked=None,
    staging: Staging | None = None,
) -> dict:
    """The report and the ledger that records it, staged into `staging` (switched in by its commit)."""
    from ..commands.report_cmd import territory_words
    from ..outcomes import release

    try:
        with messages.use(words=territory_words(project)):  # the report in the territory's words
            return release.build_report(
                data,
                quarter.label,
                out_dir=report_dir,
                project=project,
                ledger_path=ledger,
                replace=True,
                checked=checked,
                staging=staging,
            )
    except release.ValidationFailed as failed:
        details = "\n".join(p.text() for p in failed.problems)
        raise PublishFailed(str(failed), details, findings=[p.finding() for p in failed.problems]) from None


def write_freshness(content, today: dt.date, quarter: Quarter, folder: Path) -> dict:
    ctx = generate.context_from_content(content, today, inline_qr=False)
    found = fr.freshness(content, today, FRESHNESS_DAYS)
    entries = freshness_report.entries(found, ctx)
    programme = str(ctx.territory.get("programme") or vocabulary.of(ctx.territory).programme)
    folder.mkdir(parents=True, exist_ok=True)
    with messages.use(words=vocabulary.of(ctx.territory)):
        page = freshness_report.html(entries, quarter.label, found, programme)
    (folder / "freshness.html").write_text(page, encoding="utf-8")
    (folder / "freshness.csv").write_bytes(freshness_report.csv_bytes(entries))
    return freshness_report.counts(entries)


# -- the run -----------------------------------------------------------------------------------------------


@dataclass
class _Run:
    """One run of `publish`: its targets, the staging area and the result the steps fill in."""

    project: Project
    quarter: Quarter
    today: dt.date
    out: Path
    reports: Path
    data: Path | None
    log: Any
    on_step: Callable[[str, str], None] | None
    result: Result
    staging: Staging = field(default_factory=Staging)
    fresh_work: Path | None = None  # the report's folder: the freshness list goes beside it

    @property
    def names(self) -> list[str]:
        with_data = self.data is not None
        return (
            ["content"]
            + (["data"] if with_data else [])
            + ["site"]
            + (["report"] if with_data else [])
            + ["freshness"]
        )

    def step(self, name: str, action: Callable[[], Any]) -> Any:
        names = self.names
        title = t(f"publish.run.step.{name}", quarter=self.quarter.title)
        print(
            t("publish.run.step_start", number=names.index(name) + 1, steps=len(names), title=title),
            file=self.log,
            flush=True,
        )
        if self.on_step:
            self.on_step(name, "start")
        started = time.perf_counter()
        value = action()
        self.result.seconds[name] = time.perf_counter() - started
        if self.on_step:
            self.on_step(name, "end")
        print(
            t("publish.run.step_done", seconds=seconds_text(self.result.seconds[name])),
            file=self.log,
            flush=True,
        )
        return value

    def site(self, content) -> None:
        """The site with the quarter's bulletin, the stored bulletin and its open data, all staged."""
        project, label, result = self.project, self.quarter.label, self.result
        stored, result.republished = make_bulletin(project, content, self.quarter, self.today)
        work = self.staging.workspace(self.out)
        summary = build_site(project, content, self.today, work / "site", {label: stored}, Indented(self.log))
        self.staging.add(work / "site", self.out)
        record = archive.record_path(project.root, label)
        self.staging.stage_file(record, archive.dump(stored.data).encode("utf-8"))
        files_target = archive.files_path(project.root, label)
        files_work = self.staging.workspace(files_target) / label
        files_work.mkdir()
        for name, raw in stored.files.items():
            (files_work / name).write_bytes(raw)
        self.staging.add(files_work, files_target)
        result.pages, result.listings, result.site_warnings = (
            summary.pages,
            summary.listings,
            summary.warnings,
        )
        result.bulletin_file, result.bulletin_totals = record, dict(stored.data["totals"])

    def report(self, data: Path, checked) -> None:
        result = self.result
        report_target = self.reports / self.quarter.label
        ledger_target = self.reports / "ledger.json"
        result.republished = result.republished or report_target.exists()
        summary = write_report(
            self.project, data, self.quarter, report_target, ledger_target, checked, self.staging
        )
        work = self.staging.staged_for(report_target)
        result.report_dir, result.ledger, result.report_summary = (report_target, ledger_target, summary)
        result.report_files = sorted(p.name for p in work.iterdir())
        self.fresh_work = work

    def freshness(self, content) -> None:
        target = freshness_dir_for(self.reports, self.quarter, self.data is not None)
        work = self.fresh_work
        if work is None:
            work = self.staging.workspace(target) / self.quarter.label
            self.staging.add(work, target)
        self.result.freshness_counts = write_freshness(content, self.today, self.quarter, work)
        self.result.freshness_dir = target

    def run(self) -> None:
        project, data = self.project, self.data
        checked = self.step("content", lambda: validate_content(project, self.today))
        content = checked.content
        self.result.content_warnings = len(checked.warnings)
        territory = content.territory.data if content.territory is not None and content.territory.ok else None
        data_checked = self.step("data", lambda: validate_data(data, territory)) if data is not None else None
        self.step("site", lambda: self.site(content))
        if data is not None:
            self.step("report", lambda: self.report(data, data_checked))
        self.step("freshness", lambda: self.freshness(content))
        say(self.staging.recovered, self.log)
        print(t("publish.run.switching"), file=self.log, flush=True)
        command = f"bds publish {self.quarter.label}"  # msg-ok: a command line, named when a run is recovered
        self.staging.commit(project.root / JOURNAL, command)


def publish(
    project: Project,
    quarter: Quarter,
    today: dt.date,
    out: Path,
    reports: Path,
    data: Path | None = None,
    log=None,
    on_step: Callable[[str, str], None] | None = None,
) -> Result:
    """Publish `quarter`. Raises BdsError (PublishFailed with details) and then nothing has changed."""
    log = log if log is not None else sys.stderr
    out, reports = Path(out).absolute(), Path(reports).absolute()
    data = Path(data).absolute() if data is not None else None
    recover_all([project.root, reports], log)  # an earlier run that a crash interrupted
    check_targets(project, out, reports, data)
    result = Result(quarter, today, out)
    run = _Run(project, quarter, today, out, reports, data, log, on_step, result)
    try:
        run.run()
    except OSError as exc:  # disk full, read-only, a file where a folder should be...
        raise write_failed(exc, t("publish.run.the_publication"), "") from None
    finally:
        run.staging.discard()
    return result


# -- the summary ---------------------------------------------------------------------------------------


def _where(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _done_lines(result: Result, root: Path) -> list[str]:
    """What the run did, one line per output."""
    q = result.quarter
    totals = result.bulletin_totals
    m = "publish.summary.done."
    lines = [
        t(
            m + "site",
            site=_where(result.site, root),
            pages=result.pages,
            listings=result.listings,
            title=q.title,
            label=q.label,
            new=totals.get("new", 0),
            expiring=totals.get("expiring", 0),
            partners=totals.get("partners_active", 0),
        ),
        t(m + "bulletin", file=_where(result.bulletin_file, root)),
    ]
    if result.report_dir is not None:
        s = result.report_summary
        lines.append(
            t(
                m + "report",
                folder=_where(result.report_dir, root),
                tables=len([f for f in result.report_files if f.endswith(".csv")]),
                suppressed=s.get("suppressed", 0),
                cells=s.get("cells", 0),
                ledger=_where(result.ledger, root),
            )
        )
    else:
        lines.append(t(m + "no_report"))
    lines.append(t(m + "freshness", folder=_where(result.freshness_dir, root)))
    return lines


def _warning_lines(result: Result) -> list[str]:
    m = "publish.summary.warning."
    warnings = []
    if result.content_warnings:
        warnings.append(t(m + "content", count=result.content_warnings))
    if result.site_warnings:
        warnings.append(t(m + "site", count=result.site_warnings))
    if result.republished:
        warnings.append(t(m + "republished", label=result.quarter.label))
    unprotected = result.report_summary.get("unprotected") if result.report_summary else None
    if unprotected:
        warnings.append(t(m + "unprotected", count=len(unprotected)))
    return warnings


def _todo_lines(result: Result) -> list[str]:
    m = "publish.summary.todo."
    label = result.quarter.label
    counts = result.freshness_counts
    todo = []
    if counts.get("partners"):
        todo.append(
            t(
                m + "contact",
                partners=counts["partners"],
                listings=counts.get("listings", 0),
                nothing_open=counts.get("nothing_open", 0),
            )
        )
    todo.append(t(m + "commit", folder="/".join(archive.FOLDER), label=label))
    todo.append(t(m + "upload"))
    if result.report_dir is not None:
        todo.append(t(m + "deliver"))
    return todo


def summary_text(result: Result, project: Project) -> str:
    m = "publish.summary."
    lines = [
        t(m + "completed", label=result.quarter.label, date=result.today.isoformat()),
        "",
        t(m + "done_heading"),
    ]
    lines += [f"- {line}" for line in _done_lines(result, project.root)]
    warnings = _warning_lines(result)
    lines += ["", t(m + "warnings_heading")] + (
        [f"- {w}." for w in warnings] or [f"- {t(m + 'no_warnings')}"]
    )
    lines += ["", t(m + "todo_heading")] + [f"- {item}." for item in _todo_lines(result)]
    return "\n".join(lines)
