"""Printing findings: like a compiler (text), as GitHub annotations, or as JSON.

The JSON form is the one contract of every command that reports findings with `--format json`
(validate, build, publish, import, intake issue, report): a list of objects with the keys of
`findings.Finding.as_dict` (file, line, column, field, code, message, severity, title, hint).
A code is looked up in the one namespace of both registries (content and outcome data)."""

from __future__ import annotations

import json

from . import findings as F
from . import messages

FORMATS = ("text", "github", "json")


def text(found: list[F.Finding]) -> str:
    lines = []
    for f in found:
        where = f"{f.field}: " if f.field else ""
        lines.append(
            f"{f.file}:{f.line}:{f.column}: {F.SEVERITY_LABEL[f.severity]} [{f.code}] {where}{f.message}"
        )
    return "\n".join(lines)


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def code_entry(code: str) -> F.Code:
    """The registered code, from the content registry or the outcome-data one (one namespace)."""
    entry = F.registry().get(code)
    if entry is None:
        from .outcomes import codes as outcome_codes

        entry = outcome_codes.REGISTRY[code]
    return entry


def as_dict(found: F.Finding) -> dict:
    """One finding as the JSON contract has it (`Finding.as_dict`, for a code of either registry)."""
    data = {k: getattr(found, k) for k in ("file", "line", "column", "field", "code", "message", "severity")}
    entry = code_entry(found.code)
    data["title"], data["hint"] = entry.title, entry.hint
    return data


def github(found: list[F.Finding]) -> str:
    lines = []
    for f in found:
        level = "error" if f.severity == F.ERROR else "warning"
        title = _escape(f"{f.code} {code_entry(f.code).title}", prop=True)
        where = f"{f.field}: " if f.field else ""
        lines.append(
            f"::{level} file={_escape(f.file, True)},line={f.line},col={f.column},title={title}::"
            f"{_escape(where + f.message)}"
        )
    return "\n".join(lines)


def as_json(found: list[F.Finding]) -> str:
    return json.dumps([as_dict(f) for f in found], ensure_ascii=False, indent=2)


def render(found: list[F.Finding], fmt: str) -> str:
    return {"text": text, "github": github, "json": as_json}[fmt](found)


def summary(found: list[F.Finding], files: int) -> str:
    errors = sum(1 for f in found if f.severity == F.ERROR)
    warnings = len(found) - errors
    return messages.t(
        "validate.report.summary",
        files=messages.t("validate.report.files", count=files),
        errors=messages.t("validate.report.errors", count=errors),
        warnings=messages.t("validate.report.warnings", count=warnings),
    )
