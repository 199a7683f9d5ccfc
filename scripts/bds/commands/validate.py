"""`bds validate`: check content against the schemas and the rules across records."""
# messages: pending (6 texts to move into data/messages/it.yml)

from __future__ import annotations

import sys

from .. import report
from .common import add_today, content_paths, project, today


def register(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="controlla le schede (opportunità, enti, guide, territorio)",
        description="Controlla le schede con gli schemi e le regole tra schede. Esce con 0 se non ci sono "
        "errori (gli avvisi sono ammessi), 1 se ci sono errori, 2 per un uso sbagliato del comando.",
        epilog="Esempi:\n  bds validate\n"
        "  bds validate opportunities/laboratorio-teatro.yml --format github\n"
        "  bds validate opportunities/\n"
        "  bds validate --today 2026-12-31 --format json",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PERCORSO",
        help="file o cartelle da controllare (di norma: tutto il progetto)",
    )
    p.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="text (come un compilatore), github (annotazioni), json",
    )
    p.add_argument("--quiet", action="store_true", help="non stampare gli avvisi")
    add_today(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import validate as validation

    proj = project(args)
    paths = content_paths(proj, args.paths)
    result = validation.run(proj, paths or None, today(args.today))
    shown = result.errors if args.quiet else result.findings
    out = report.render(shown, args.format)
    if args.format == "json":
        print(out)
    else:
        if out:
            print(out)
        files = len(paths) if paths else len(result.content.kinds)
        print(report.summary(result.findings, files), file=sys.stderr)
    return 1 if result.errors else 0
