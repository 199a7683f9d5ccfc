"""`bds init DIR`: write the repository of a new territory, valid and buildable at once.

The content comes from the templates in bds/data/init/ (answers from the options, or placeholders
marked «DA COMPLETARE»); the GitHub workflows and the pre-commit configuration are the kit's own,
with the install step changed to the territory's pinned dependency on the kit (requirements.txt);
the issue form is generated from the new content exactly as `bds intake issue-form` does. Everything
is written into a hidden folder next to DIR, validated there, then moved into place in one step:
nothing is written when DIR is not empty or anything fails. Questions are asked only on a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from string import Template

from .. import kitfiles
from ..errors import BdsError
from ..messages import t
from .common import add_command, add_today, today

KIT_REPOSITORY = "https://github.com/bds-kit/bds"
TEMPLATES = "init"
RENAMED = {"gitignore": ".gitignore"}
PRECOMMIT_HOOKS = ("bds-validate", "yamllint")  # the kit's other hooks check the kit's own code

# The answers, in the order they are asked: init.questions.<name> is the question
QUESTIONS = ("territory", "programme", "region", "email", "site_url")
_URL_OPTIONS = {"site_url": "site-url", "repository_url": "repository-url"}


def placeholder() -> str:
    """The mark of what is left to write («DA COMPLETARE»)."""
    return t("init.placeholder")


def _placeholders() -> dict[str, str]:
    """What an unanswered question leaves in the files (the programme is derived from the territory)."""
    mark = placeholder()
    return {
        "territory": t("init.placeholders.territory", placeholder=mark),
        "programme": "",
        "region": mark,
        "email": t("init.placeholders.email"),
        "site_url": t("init.placeholders.site_url"),
    }


_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[a-zA-Z]{2,}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$")


def register(sub) -> None:
    p = add_command(sub, "init", "init.")
    name, email, url = t("cli.metavar.name"), t("cli.metavar.email"), t("cli.metavar.url")
    p.add_argument("dir", metavar=t("cli.metavar.folder"), help=t("init.options.dir"))
    p.add_argument("--territory", metavar=name, help=t("init.options.territory"))
    p.add_argument("--programme", metavar=name, help=t("init.options.programme"))
    p.add_argument("--region", metavar=name, help=t("init.options.region"))
    p.add_argument("--email", metavar=email, help=t("init.options.email"))
    p.add_argument("--site-url", metavar=url, help=t("init.options.site_url"))
    p.add_argument("--repository-url", metavar=url, help=t("init.options.repository_url"))
    p.add_argument("--no-input", action="store_true", help=t("init.options.no_input"))
    add_today(p)
    p.set_defaults(func=run)


# -- answers ---------------------------------------------------------------------------------------


def _interactive(args) -> bool:
    return not args.no_input and sys.stdin.isatty() and sys.stdout.isatty()


def _ask(question: str) -> str:
    print(t("init.questions.ask", question=question), end="", flush=True)
    return sys.stdin.readline().strip()


def answers(args) -> dict[str, str]:
    given = _given(args)
    repository = (args.repository_url or "").strip()
    _check(given, repository)
    mark = placeholder()
    out = {name: given[name] or default for name, default in _placeholders().items()}
    if not given["programme"]:
        out["programme"] = t("init.defaults.programme", territory=given["territory"] or mark)
    if out["site_url"] and not out["site_url"].endswith("/"):
        out["site_url"] += "/"
    out["coordinators"] = _coordinators(given["territory"], out["programme"], mark)
    out["repository_url"] = repository or t("init.placeholders.repository_url")
    out["territory_text"] = out["territory"]
    return out


def _given(args) -> dict[str, str]:
    """The answers on the command line, the missing ones asked when a person is at the terminal."""
    given = {name: (getattr(args, name, None) or "").strip() for name in QUESTIONS}
    if _interactive(args):
        for name in QUESTIONS:
            if not given[name]:
                given[name] = _ask(t(f"init.questions.{name}"))
    return given


def _coordinators(territory: str, programme: str, mark: str) -> str:
    if territory:
        return t("init.defaults.coordinators", programme_name=programme)[:120]
    return t("init.defaults.coordinators_unknown", placeholder=mark)[:120]


def _check(given: dict[str, str], repository: str) -> None:
    """Raise BdsError (exit 2) naming every answer that cannot go into the files."""
    problems = []
    if given["email"] and not _EMAIL.match(given["email"]):
        problems.append(t("init.problems.email", value=given["email"]))
    for name, value in (("site_url", given["site_url"]), ("repository_url", repository)):
        if value and not _URL.match(value):
            problems.append(t("init.problems.url", option=_URL_OPTIONS[name], value=value))
    for name in ("territory", "programme", "region"):
        if given[name] and not 2 <= len(given[name]) <= 100:
            problems.append(t("init.problems.name_length", option=name))
    if problems:
        joined = t("init.problems.separator").join(problems)
        raise BdsError(t("init.problems.nothing_written", problems=joined), exit_code=2)


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML): any name is safe in the templates."""
    return json.dumps(value, ensure_ascii=False)


# -- the files -------------------------------------------------------------------------------------


def _version() -> str:
    from .. import __version__  # read from the installed metadata on first use

    return __version__


def format_text(text: str, kind: str):
    from ..fmt import format_text as canonical

    return canonical(text, kind)


def content_files(values: dict[str, str], day: dt.date) -> dict[str, str]:
    base = kitfiles.data(TEMPLATES)
    common = {"today": day.isoformat(), "version": _version(), "kit_repository": KIT_REPOSITORY}
    out = {}
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(base).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yml":
            mapping = {k: _quoted(v) for k, v in values.items()} | common
        else:
            mapping = values | common
        text = Template(text).substitute(mapping)
        kind = _record_kind(rel)
        if kind:  # the canonical form of `bds fmt`, so that `bds fmt --check` passes at once
            text = format_text(text, kind).text
        out[RENAMED.get(rel, rel)] = text
    return out


def _record_kind(rel: str) -> str | None:
    if rel == "content/territory.yml":
        return "territory"
    if rel.startswith("content/partners/"):
        return "partner"
    if rel.startswith("opportunities/"):
        return "opportunity"
    if rel.startswith("content/guides/") and rel.endswith(".md"):
        return "guide"
    return None


# The install steps of the kit's workflows (shell commands, not text for people)
_LOCK_INSTALL = re.compile(r"^(\s*)python -m pip install .*scripts/requirements\.lock\s*$")  # msg-ok: shell
_SELF_INSTALL = re.compile(r"^\s*python -m pip install .*-e \.\s*$")  # msg-ok: shell command
_TERRITORY_INSTALL = "python -m pip install -r requirements.txt"  # msg-ok: shell command


def workflow(text: str) -> str:
    """A kit workflow for a territory: the kit comes from requirements.txt, not from this checkout."""
    lines = []
    for line in text.splitlines():
        lock = _LOCK_INSTALL.match(line)
        if lock:
            lines.append(lock.group(1) + _TERRITORY_INSTALL)
            continue
        if _SELF_INSTALL.match(line):
            continue
        lines.append(
            line.replace(
                "cache-dependency-path: scripts/requirements.lock", "cache-dependency-path: requirements.txt"
            )
        )
    out = "\n".join(lines) + "\n"
    if "scripts/" in out or "-e ." in out:
        raise BdsError(t("init.errors.workflow"), 70)
    return out


def github_files() -> dict[str, str]:
    folder = kitfiles.workflows()
    return {
        f".github/workflows/{path.name}": workflow(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.yml"))
    }


def precommit_files() -> dict[str, str]:
    import yaml

    from ..pipeline.writing import yaml_text

    config = yaml.safe_load(kitfiles.precommit_config().read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] in PRECOMMIT_HOOKS]
    header = t("init.precommit_header")
    body = yaml_text({"repos": [{"repo": "local", "hooks": hooks}]})
    return {
        ".pre-commit-config.yaml": header + body,
        ".yamllint.yaml": kitfiles.yamllint_config().read_text(encoding="utf-8"),
    }


# -- writing ---------------------------------------------------------------------------------------


def _refuse(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BdsError(t("init.errors.not_a_folder", target=target), exit_code=1)
    if target.is_dir():
        try:
            taken = next(iter(target.iterdir()), None)
        except OSError as exc:
            raise BdsError(t("init.errors.unreadable", target=target, why=exc.strerror), 1) from None
        if taken is not None:
            raise BdsError(t("init.errors.not_empty", target=target, name=taken.name), exit_code=1)


def run(args) -> int:
    from ..intake import issue as issue_form

    target = Path(args.dir)
    if not args.dir.strip():
        raise BdsError(t("init.errors.no_dir"), exit_code=2)
    _refuse(target)
    day = today(args.today)
    values = answers(args)
    files = content_files(values, day) | github_files() | precommit_files()
    _write(target, files, day)
    _print_summary(target, files, sorted([*files, issue_form.PATH]))
    return 0


def _write(target: Path, files: dict[str, str], day: dt.date) -> None:
    """Write `files` and the issue form into a hidden folder next to `target`, validate it there, then
    move it into place in one step; on any failure nothing is left behind."""
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        for rel, text in files.items():
            _write_file(staging / rel, text)
        _check_staged(staging, day)
        os.chmod(staging, 0o777 & ~_umask())
        _refuse(target)  # again: something may have appeared meanwhile
        if target.is_dir():
            target.rmdir()  # empty: the move below takes its place
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _check_staged(staging: Path, day: dt.date) -> None:
    """Add the issue form generated from the new content, and validate the whole repository."""
    from .. import validate as validation
    from ..content import Project, load_content
    from ..intake import issue as issue_form

    project = Project(staging.resolve())
    _write_file(staging / issue_form.PATH, issue_form.form_yaml(load_content(project)))
    result = validation.run(project, None, day)
    if result.errors:  # a kit bug, never the user's: say which check failed, write nothing
        first = result.errors[0]
        raise BdsError(t("init.errors.invalid", code=first.code, file=first.file), 70)


def _print_summary(target: Path, files: dict[str, str], written: list[str]) -> None:
    print(t("init.summary.written", target=target, count=len(written)))
    for rel in written:
        print(t("init.summary.file", file=rel))
    mark = placeholder()
    todo = sum(text.count(mark) for text in files.values())
    print(t("init.summary.todo", count=todo, placeholder=mark, target=target, version=_version()))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
