"""`bds init DIR`: write the repository of a new territory, valid and buildable at once.

The content comes from the templates in bds/data/init/ (answers from the options, or placeholders
marked «DA COMPLETARE»); the GitHub workflows and the pre-commit configuration are the kit's own,
with the install step changed to the territory's pinned dependency on the kit (requirements.txt);
the issue form is generated from the new content exactly as `bds intake issue-form` does. Everything
is written into a hidden folder next to DIR, validated there, then moved into place in one step:
nothing is written when DIR is not empty or anything fails. Questions are asked only on a terminal.
"""
# messages: pending (46 texts to move into data/messages/it.yml)

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
from .common import add_today, today

KIT_REPOSITORY = "https://github.com/bds-kit/bds"
PLACEHOLDER = "DA COMPLETARE"
TEMPLATES = "init"
RENAMED = {"gitignore": ".gitignore"}
PRECOMMIT_HOOKS = ("bds-validate", "yamllint")  # the kit's other hooks check the kit's own code

QUESTIONS = [
    # (option, question, placeholder)
    ("territory", "Nome del territorio (comune, ambito, distretto)", f"{PLACEHOLDER} – nome del territorio"),
    ("programme", "Nome del programma", None),  # default derived from the territory
    ("region", "Regione", PLACEHOLDER),
    ("email", "Email del coordinamento", "coordinamento@da-completare.example"),
    ("site_url", "Indirizzo pubblico del sito (con https://)", "https://da-completare.example/"),
]
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[a-zA-Z]{2,}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$")


def register(sub) -> None:
    p = sub.add_parser(
        "init",
        help="scrive il repository di una rete nuova, già valido",
        description="Scrive in CARTELLA (nuova o vuota) il repository dei contenuti di un territorio: "
        "content/territory.yml con le risposte date (o «DA COMPLETARE»), un ente, un'opportunità e una "
        "guida di esempio, le guide di partenza, i workflow di GitHub e il modulo delle issue, "
        ".pre-commit-config.yaml, un README e requirements.txt con la versione del kit. Non sovrascrive "
        "mai nulla. Le domande si fanno solo a un terminale; altrimenti valgono le opzioni.",
        epilog="Esempi:\n  bds init rete-cremasco --territory Cremasco\n"
        '  bds init nuova-rete --territory "Ambito 6" --email coordinamento@ambito6.example --no-input',
    )
    p.add_argument("dir", metavar="CARTELLA", help="cartella da creare (o vuota)")
    p.add_argument("--territory", metavar="NOME", help="nome del territorio")
    p.add_argument(
        "--programme", metavar="NOME", help="nome del programma (di norma «Budget di Salute – TERRITORIO»)"
    )
    p.add_argument("--region", metavar="NOME", help="regione")
    p.add_argument("--email", metavar="EMAIL", help="email del coordinamento")
    p.add_argument("--site-url", metavar="URL", help="indirizzo pubblico del sito")
    p.add_argument("--repository-url", metavar="URL", help="indirizzo del repository su GitHub")
    p.add_argument("--no-input", action="store_true", help="non fare domande nemmeno a un terminale")
    add_today(p)
    p.set_defaults(func=run)


# -- answers ---------------------------------------------------------------------------------------


def _interactive(args) -> bool:
    return not args.no_input and sys.stdin.isatty() and sys.stdout.isatty()


def _ask(question: str) -> str:
    print(f"{question} (invio per lasciarlo da completare): ", end="", flush=True)
    return sys.stdin.readline().strip()


def answers(args) -> dict[str, str]:
    given = {name: (getattr(args, name, None) or "").strip() for name, _, _ in QUESTIONS}
    if _interactive(args):
        for name, question, _ in QUESTIONS:
            if not given[name]:
                given[name] = _ask(question)
    problems = []
    if given["email"] and not _EMAIL.match(given["email"]):
        problems.append(f"--email: «{given['email']}» non è un indirizzo email come nome@ente.it")
    for name in ("site_url",):
        if given[name] and not _URL.match(given[name]):
            problems.append(f"--site-url: «{given[name]}» non è un indirizzo che inizia con https://")
    repository = (args.repository_url or "").strip()
    if repository and not _URL.match(repository):
        problems.append(f"--repository-url: «{repository}» non è un indirizzo che inizia con https://")
    for name in ("territory", "programme", "region"):
        if given[name] and not 2 <= len(given[name]) <= 100:
            problems.append(f"--{name}: il nome deve avere da 2 a 100 caratteri")
    if problems:
        raise BdsError("; ".join(problems) + ": nessun file scritto", exit_code=2)
    out = {name: given[name] or (placeholder or "") for name, _, placeholder in QUESTIONS}
    if not given["programme"]:
        out["programme"] = (
            f"Budget di Salute – {given['territory']}"
            if given["territory"]
            else f"Budget di Salute – {PLACEHOLDER}"
        )
    if out["site_url"] and not out["site_url"].endswith("/"):
        out["site_url"] += "/"
    out["coordinators"] = (
        f"Coordinamento {out['programme']}" if given["territory"] else f"Coordinamento – {PLACEHOLDER}"
    )[:120]
    out["repository_url"] = (
        repository or f"https://github.com/{PLACEHOLDER.lower().replace(' ', '-')}/contenuti"
    )
    out["territory_text"] = out["territory"]
    return out


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


_LOCK_INSTALL = re.compile(r"^(\s*)python -m pip install .*scripts/requirements\.lock\s*$")
_SELF_INSTALL = re.compile(r"^\s*python -m pip install .*-e \.\s*$")


def workflow(text: str) -> str:
    """A kit workflow for a territory: the kit comes from requirements.txt, not from this checkout."""
    lines = []
    for line in text.splitlines():
        lock = _LOCK_INSTALL.match(line)
        if lock:
            lines.append(f"{lock.group(1)}python -m pip install -r requirements.txt")
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
        raise BdsError("un workflow del kit ha un passo di installazione che bds init non sa adattare", 70)
    return out


def github_files() -> dict[str, str]:
    folder = kitfiles.workflows()
    return {
        f".github/workflows/{path.name}": workflow(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.yml"))
    }


def precommit_files() -> dict[str, str]:
    import yaml

    config = yaml.safe_load(kitfiles.precommit_config().read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] in PRECOMMIT_HOOKS]
    header = (
        "# Controlli prima di ogni commit (pre-commit install, una volta): le schede con bds validate e i\n"
        "# file YAML con yamllint. Scritto da `bds init` dalla configurazione del kit.\n"
    )
    body = yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, allow_unicode=True, sort_keys=False)
    return {
        ".pre-commit-config.yaml": header + body,
        ".yamllint.yaml": kitfiles.yamllint_config().read_text(encoding="utf-8"),
    }


# -- writing ---------------------------------------------------------------------------------------


def _refuse(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BdsError(f"{target}: esiste già e non è una cartella: nessun file scritto", exit_code=1)
    if target.is_dir():
        try:
            taken = next(iter(target.iterdir()), None)
        except OSError as exc:
            raise BdsError(
                f"{target}: la cartella non si può leggere ({exc.strerror}): nessun file scritto", 1
            ) from None
        if taken is not None:
            raise BdsError(
                f"{target}: la cartella non è vuota (c'è {taken.name}); bds init non sovrascrive nulla: "
                "scegli una cartella nuova",
                exit_code=1,
            )


def run(args) -> int:
    from .. import validate as validation
    from ..content import Project, load_content
    from ..intake import issue as issue_form

    target = Path(args.dir)
    if not args.dir.strip():
        raise BdsError("CARTELLA: indica la cartella da creare", exit_code=2)
    _refuse(target)
    day = today(args.today)
    values = answers(args)
    files = content_files(values, day) | github_files() | precommit_files()

    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        project = Project(staging.resolve())
        form = staging / issue_form.PATH
        form.parent.mkdir(parents=True, exist_ok=True)
        form.write_text(issue_form.form_yaml(load_content(project)), encoding="utf-8", newline="\n")
        result = validation.run(project, None, day)
        if result.errors:  # a kit bug, never the user's: say which check failed, write nothing
            first = result.errors[0]
            raise BdsError(
                f"il repository nuovo non passa i controlli ({first.code} in {first.file}): "
                "nessun file scritto",
                70,
            )
        os.chmod(staging, 0o777 & ~_umask())
        _refuse(target)  # again: something may have appeared meanwhile
        if target.is_dir():
            target.rmdir()  # empty: the move below takes its place
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)

    written = sorted([*files, issue_form.PATH])
    print(f"Repository scritto in {target}: {len(written)} file.")
    for rel in written:
        print(f"  {rel}")
    todo = sum(text.count(PLACEHOLDER) for text in files.values())
    print(
        f"\nDa fare: completa le {todo} voci segnate «{PLACEHOLDER}» (in content/territory.yml e nelle "
        "guide), sostituisci l'ente, l'opportunità e la guida di esempio, poi:\n"
        f"  bds --root {target} validate\n  bds --root {target} build\n"
        f"Il kit è fissato in requirements.txt (bds {_version()}): aggiornarlo è cambiare quella versione."
    )
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
