"""The `bds` command. Subcommands live in bds.commands, one module each, found automatically.

Each module defines `register(subparsers)`; the parser it adds sets `func`, which
takes the parsed arguments and returns the exit code. The library raises
`BdsError`; only here does it become one line on stderr and an exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

from . import commands, messages
from .errors import BdsError
from .messages import t

EXIT_USAGE = 2
EXIT_INTERNAL = 70

# argparse's own English messages (patterns over its text, not Italian) and the catalogue key of each
_ARGPARSE_IT = [
    (r"the following arguments are required: (?P<names>.*)", "cli.argparse.required"),
    (r"unrecognized arguments: (?P<names>.*)", "cli.argparse.unrecognized"),
    (
        r"argument (?P<argument>.*?): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)",
        "cli.argparse.invalid_choice",
    ),
    (r"argument (?P<argument>.*?): expected one argument", "cli.argparse.expected_one"),
    (r"argument (?P<argument>.*?): invalid (?P<kind>.*) value: (?P<value>.*)", "cli.argparse.invalid_value"),
    (r"argument (?P<argument>.*?): (?P<message>.*)", "cli.argparse.other"),
]


def translate_argparse(message: str) -> str:
    """argparse's English usage error in the catalogue's words (unchanged when no pattern knows it)."""
    for pattern, key in _ARGPARSE_IT:
        found = re.match(pattern, message)
        if found:
            parts: dict[str, Any] = found.groupdict()
            return t(key, **parts) + message[found.end() :]
    return message


class ItalianFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(
            usage, actions, groups, t("cli.argparse.usage") if prefix is None else prefix
        )


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ItalianFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.argparse.positionals")
        self._optionals.title = t("cli.argparse.optionals")
        self.add_argument("-h", "--help", action="help", help=t("cli.argparse.help"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE, t("cli.argparse.error", prog=self.prog, message=translate_argparse(message)) + "\n"
        )


def command_modules():
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            yield module


def build_parser() -> Parser:
    parser = Parser(
        prog="bds",
        description=t("cli.main.description"),
        epilog=t("cli.main.epilog"),
    )
    parser.add_argument("--version", action=VersionAction, help=t("cli.main.version"))
    parser.add_argument("--root", metavar=t("cli.metavar.folder"), help=t("cli.main.root"))
    sub = parser.add_subparsers(
        title=t("cli.argparse.commands"), metavar=t("cli.metavar.command"), parser_class=Parser
    )
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


def project_words(root: str | None):
    """The words of the project the command runs in (its territory's `vocabulary`), else the kit's:
    every message of every command then speaks the territory's words. Never raises."""
    from . import vocabulary

    try:
        from .content import Project, load_one

        project = Project.find(Path(root) if root else None)
        doc = load_one(project.territory_file, "content/territory.yml", "territory")
        return vocabulary.of(doc.data if doc.ok and isinstance(doc.data, dict) else None)
    except Exception:  # no project, an unreadable territory: the kit's words
        return vocabulary.of(None)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USAGE
    try:
        with messages.use(words=lambda: project_words(getattr(args, "root", None))):
            return int(args.func(args) or 0)
    except BdsError as exc:
        print(t("cli.main.error", message=exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(t("cli.main.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `bds codes | head`: the reader has gone, as `git log | head` there is no error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except Exception as exc:  # never a traceback for users; BDS_DEBUG=1 shows it for developers
        if os.environ.get("BDS_DEBUG"):
            raise
        print(t("cli.main.internal", name=type(exc).__name__), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
