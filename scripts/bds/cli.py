"""The `bds` command. Subcommands live in bds.commands, one module each, found automatically.

Each module defines `register(subparsers)`; the parser it adds sets `func`, which
takes the parsed arguments and returns the exit code. The library raises
`BdsError`; only here does it become one line on stderr and an exit code.
"""
# messages: pending (16 texts to move into data/messages/it.yml)

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import re
import sys

from . import commands
from .errors import BdsError

EXIT_USAGE = 2
EXIT_INTERNAL = 70

_ARGPARSE_IT = [
    (r"the following arguments are required: (.*)", r"mancano gli argomenti obbligatori: \1"),
    (r"unrecognized arguments: (.*)", r"argomenti non riconosciuti: \1"),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"argomento \1: scelta non valida \2 (possibili: \3)",
    ),
    (r"argument (.*?): expected one argument", r"argomento \1: manca il valore"),
    (r"argument (.*?): invalid (.*) value: (.*)", r"argomento \1: valore non valido \3"),
    (r"argument (.*?): (.*)", r"argomento \1: \2"),
]


class ItalianFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ItalianFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argomenti"
        self._optionals.title = "opzioni"
        self.add_argument("-h", "--help", action="help", help="mostra questo aiuto ed esci")

    def error(self, message: str):
        for pattern, italian in _ARGPARSE_IT:
            if re.match(pattern, message):
                message = re.sub(pattern, italian, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: errore: {message}\n")


def command_modules():
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            yield module


def build_parser() -> Parser:
    parser = Parser(
        prog="bds",
        description="Kit per i programmi di Budget di Salute: controlla i contenuti, costruisce il sito, "
        "prepara il rapporto privato anonimizzato.",
        epilog="Esempio:\n  bds validate\n  bds build --out site\n\nAiuto su un comando: bds COMANDO --help",
    )
    parser.add_argument(
        "--version", action=VersionAction, help="mostra la versione e l'ultimo commit dei contenuti ed esci"
    )
    parser.add_argument(
        "--root",
        metavar="CARTELLA",
        help="cartella del progetto (quella con content/territory.yml); di norma la si cerca "
        "a partire dalla cartella corrente",
    )
    sub = parser.add_subparsers(title="comandi", metavar="COMANDO", parser_class=Parser)
    for module in command_modules():
        module.register(sub)
    return parser


class VersionAction(argparse.Action):
    """Like argparse's version action, but computed late so that a preceding --root is honoured."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from pathlib import Path

        from .content import Project, ProjectNotFound
        from .version import describe

        root = getattr(namespace, "root", None)
        try:
            project_root = Project.find(Path(root)).root if root else None
        except ProjectNotFound:  # raised only for a given root
            project_root = Path(root) if root else None
        print(describe(project_root))
        parser.exit()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except BdsError as exc:
        print(f"bds: errore: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bds: interrotto.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `bds codes | head`: the reader has gone, as `git log | head` there is no error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except Exception as exc:  # never a traceback for users; BDS_DEBUG=1 shows it for developers
        if os.environ.get("BDS_DEBUG"):
            raise
        print(
            f"bds: errore interno ({type(exc).__name__}). Ripeti con BDS_DEBUG=1 e segnala il problema.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
