"""`bds fmt`: rewrite records in the one canonical form (or, with --check, show what would change)."""
# messages: pending (14 texts to move into data/messages/it.yml)

from __future__ import annotations

import difflib
import os
import stat
import sys
from pathlib import Path

from .common import content_paths, project


def register(sub) -> None:
    p = sub.add_parser(
        "fmt",
        help="riscrive le schede in forma canonica (ordine dei campi, rientri, virgolette)",
        description="Riscrive le schede YAML e l'intestazione delle guide in un'unica forma: campi "
        "nell'ordine dello schema, rientro di due spazi, virgolette dove YAML potrebbe fraintendere un "
        "valore, testi lunghi come blocchi. I dati restano identici (il comando lo verifica prima di "
        "scrivere). I commenti in cima al file restano; con commenti altrove il file non viene toccato, "
        "a meno di --drop-comments.",
        epilog="Esempio:\n  bds fmt --check\n  bds fmt opportunities/laboratorio-teatro.yml\n"
        "  bds fmt --drop-comments content/partners/coop-esempio.yml",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PERCORSO",
        help="file o cartelle da riformattare (di norma: tutto il progetto)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="non scrive nulla: mostra le differenze ed esce con 1 se qualcosa cambierebbe",
    )
    p.add_argument(
        "--drop-comments",
        action="store_true",
        help="accetta di perdere i commenti che non stanno in cima al file",
    )
    p.set_defaults(func=run)


def _kind(proj, path: Path) -> str:
    kind = proj.kind_of(path)
    if kind is None:
        kind = "guide" if path.suffix == ".md" else "opportunity"
    return kind


def write_atomic(path: Path, text: str) -> None:
    from .. import files

    files.write_text(path, text)


def _same_regular_file(path: Path, before: os.stat_result) -> bool:
    try:
        now = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(now.st_mode) and (now.st_dev, now.st_ino) == (before.st_dev, before.st_ino)


def run(args) -> int:
    from .. import fmt, load

    proj = project(args)
    paths = content_paths(proj, args.paths) or proj.all_files()
    changed, refused = 0, 0
    for path in paths:
        shown = proj.shown(path)
        raw, problems = load.read_bytes(path, shown)  # a symlink, FIFO or device is never read
        try:
            if raw is None:
                raise ValueError(problems[0].message.rstrip("."))
            before = os.lstat(path)
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = str(exc) if isinstance(exc, ValueError) else "il file non si legge o non è in UTF-8"
            print(f"{shown}: non riformattato: {why} (bds validate)", file=sys.stderr)
            refused += 1
            continue
        try:
            result = fmt.format_text(text, _kind(proj, path), drop_comments=args.drop_comments)
        except fmt.FormatRefused as exc:
            print(f"{shown}: non riformattato: {exc}.", file=sys.stderr)
            refused += 1
            continue
        if not result.changed:
            continue
        changed += 1
        if args.check:
            sys.stdout.writelines(
                difflib.unified_diff(
                    text.splitlines(keepends=True),
                    result.text.splitlines(keepends=True),
                    fromfile=f"a/{shown}",
                    tofile=f"b/{shown}",
                )
            )
        else:
            if not _same_regular_file(path, before):  # never replace a symlink put there meanwhile
                print(f"{shown}: non riformattato: il file è cambiato durante la lettura", file=sys.stderr)
                refused += 1
                continue
            write_atomic(path, result.text)
            print(f"{shown}: riformattato", file=sys.stderr)
    verb = "da riformattare" if args.check else "riformattati"
    print(f"{len(paths)} file controllati: {changed} {verb}, {refused} non riformattabili.", file=sys.stderr)
    return 1 if refused or (args.check and changed) else 0
