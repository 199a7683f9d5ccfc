"""`bds new opportunity|partner`: ask the questions of the schema and write a valid record."""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from ..errors import BdsError
from ..messages import t, with_words
from .common import add_today, project, read_problem, today

KINDS = ("opportunity", "partner")
SKIP = {"example"}  # not a question for a person filling in a record
FIRST = {"opportunity": ["title", "id"], "partner": ["name", "id"]}  # the id defaults to the title


class _Ask:
    """Questions on stdout, answers from stdin (or from an answers file, for scripts and tests)."""

    def __init__(self, answers: dict | None):
        self.answers = answers or {}

    def line(self, prompt: str, key: str):
        if key in self.answers:
            value = self.answers[key]
            return value if not isinstance(value, str) else value.strip()
        print(prompt, end="", flush=True)
        raw = sys.stdin.readline()
        if not raw:
            raise BdsError(t("intake.new.answers_ended"), 1)
        return raw.strip()


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:80].strip("-")


def _choices(spec: dict, extra: dict[str, list[str]], key: str) -> dict[str, str] | None:
    if key in extra:
        return {v: v for v in extra[key]}
    node = spec.get("items", spec)
    if "enum" in node:
        labels = spec.get("x-labels") or node.get("x-labels") or {}
        return {v: with_words(labels.get(v, v)) for v in node["enum"]}
    return None


def _pick(ask: _Ask, title: str, key: str, options: dict[str, str], many: bool, required: bool, default=None):
    values = list(options)
    menu = "\n".join(
        f"  {i}. {label} ({value})" if label != value else f"  {i}. {value}"
        for i, (value, label) in enumerate(options.items(), start=1)
    )
    how = t("intake.new.how_many") if many else t("intake.new.how_one")
    while True:
        skip = (
            t("intake.new.skip_default", default=default)
            if default
            else ("" if required else t("intake.new.skip"))
        )
        answer = ask.line(f"{title}\n{menu}\n  ({how}{skip}): ", key)
        if answer in ("", None) and default:
            return default
        if isinstance(answer, list):
            parts = [str(a) for a in answer]
        else:
            parts = (
                [p.strip() for p in str(answer).split(",") if p.strip()]
                if many
                else ([str(answer)] if answer != "" else [])
            )
        if not parts and not required:
            return None
        chosen = [values[int(p) - 1] if p.isdigit() and 0 < int(p) <= len(values) else p for p in parts]
        if chosen and all(c in options for c in chosen) and (many or len(chosen) == 1):
            return list(dict.fromkeys(chosen)) if many else chosen[0]
        print(t("intake.new.invalid", values=", ".join(values)))
        if key in ask.answers:
            raise BdsError(t("intake.new.invalid_in_file", title=title, key=key), 1)


def _convert(spec: dict, answer: str):
    types = spec.get("type")
    if "anyOf" in spec:  # cost: a word of the list or an amount
        try:
            return (
                float(answer.replace(",", ".")) if re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", answer) else answer
            )
        except ValueError:
            return answer
    if types == "integer":
        return int(answer) if re.fullmatch(r"-?[0-9]+", answer) else answer
    if types == "number":
        return float(answer.replace(",", ".")) if re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", answer) else answer
    if types == "boolean":
        lowered = answer.lower()
        yes_no = {"si": True, "sì": True, "s": True, "true": True}  # msg-ok: answers read, never shown
        yes_no.update({"no": False, "n": False, "false": False})
        return yes_no.get(lowered, answer)
    if types == "array":
        return [p.strip() for p in answer.split(",") if p.strip()]
    return answer


def _ask_object(ask: _Ask, kind: str, node: dict, prefix: tuple, extra, defaults, data: dict) -> None:
    from .. import protected

    required = set(node.get("required", []))
    keys = list(node.get("properties", {}))
    if not prefix:
        keys = [k for k in FIRST[kind] if k in keys] + [k for k in keys if k not in FIRST[kind]]
    if kind == "opportunity" and prefix == ("location",) and "address" in keys:
        keys = [k for k in keys if k != "address"] + ["address"]  # asked only once we know it is public
    for key in keys:
        if key in SKIP or node["properties"][key].get("x-intake") is False:  # YAML only (timetable...)
            continue
        spec, path = node["properties"][key], prefix + (key,)
        dotted = ".".join(path)
        if kind == "opportunity" and dotted == "stipend" and data.get("kind") != "internship":
            continue
        if kind == "opportunity" and dotted == "pay" and data.get("kind") != "job":
            continue  # asked for jobs only (an internship has its stipend)
        if kind == "opportunity" and dotted == "location.visibility" and _protected(data, "public"):
            data[key] = "zone-only"  # a protected place's address is never public
            why = protected.why_protected(_place(data, "public"))
            print(t("intake.new.zone_only", title=spec.get("title", key), why=why))
            continue
        if kind == "opportunity" and dotted == "location.address" and _protected(data):
            if dotted in ask.answers and ask.answers[dotted] not in ("", None):
                raise BdsError(t("intake.new.address_in_file"), 1)
            continue  # a protected place has no address: the question is not asked
        title = spec.get("title", key)
        if spec.get("type") == "object":
            print(f"\n{title}: {spec.get('description', '')}")
            sub: dict = {}
            sub["__root__"] = _root(data)
            _ask_object(ask, kind, spec, path, extra, defaults, sub)
            sub.pop("__root__")
            if sub or key in required:
                data[key] = sub
            continue
        options = _choices(spec, extra, dotted)
        is_required = key in required
        if options is not None:
            value = _pick(
                ask, title, dotted, options, spec.get("type") == "array", is_required, defaults(dotted, data)
            )
        else:
            default = defaults(dotted, data)
            hint = f" [{default}]" if default else ("" if is_required else t("intake.new.skip_hint"))
            answer = ask.line(f"{title} — {spec.get('description', '')}{hint}: ", dotted)
            if answer in ("", None) and default:
                answer = default
            value = (
                None
                if answer in ("", None, [])
                else (answer if not isinstance(answer, str) else _convert(spec, answer))
            )
        if value is not None:
            data[key] = value


def _root(data: dict) -> dict:
    return data.get("__root__", data)


def _place(location: dict, visibility: str | None = None) -> dict:
    """The record as answered so far, with the location being asked."""
    answered = {k: v for k, v in location.items() if k != "__root__"}
    if visibility is not None:
        answered.setdefault("visibility", visibility)
    return {**_root(location), "location": answered}


def _protected(location: dict, visibility: str | None = None) -> bool:
    from .. import protected

    return protected.is_protected(_place(location, visibility))


def register(sub) -> None:
    p = sub.add_parser(
        "new",
        help=t("intake.cmd.new.help"),
        description=t("intake.cmd.new.description"),
        epilog=t("intake.cmd.new.epilog"),
    )
    p.add_argument(
        "kind", choices=KINDS, metavar=t("intake.cmd.new.kind_metavar"), help=t("intake.cmd.new.kind")
    )
    p.add_argument("--from-answers", metavar="FILE.yml", help=t("intake.cmd.new.from_answers"))
    add_today(p)
    p.set_defaults(func=run)


def _answers(path: str | None) -> dict | None:
    if not path:
        return None
    import yaml

    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BdsError(t("intake.new.answers_unreadable", path=path, reason=read_problem(exc)), 2) from None
    if not isinstance(data, dict):
        raise BdsError(t("intake.new.answers_not_mapping", path=path), 2)
    return {str(k): v for k, v in data.items()}


def run(args) -> int:
    # The heavy modules come here, not at the top: the parser imports this module for every command.
    from .. import fmt, schema
    from ..content import load_content
    from ..report import text as report_text

    proj = project(args)
    day = today(args.today)
    content = load_content(proj)
    territory = content.territory.data if content.territory and content.territory.ok else {}
    zones = [z["id"] for z in territory.get("zones", [])]
    extra = {"zones": zones} if zones else {}
    if args.kind == "opportunity":
        partners = sorted(d.data["id"] for d in content.valid("partner"))
        if partners:
            extra["partner"] = partners
    networks = [n["id"] for n in territory.get("networks", [])]
    if args.kind == "partner" and networks:
        extra["networks"] = networks

    def defaults(dotted: str, data: dict):
        if dotted == "id":
            return slug(data.get("title") or data.get("name") or "")
        if dotted == "reviewed":
            return day.isoformat()
        if dotted == "status":
            return "open"
        return None

    ask = _Ask(_answers(args.from_answers))
    node = schema.load_schema(args.kind)
    print(
        t("intake.new.heading", title=node.get("title", args.kind), description=node.get("description", ""))
    )
    data: dict = {}
    _ask_object(ask, args.kind, node, (), extra, defaults, data)
    text = fmt.dump(data, args.kind)
    record_id = str(data.get("id", ""))
    folder = proj.opportunities_dir if args.kind == "opportunity" else proj.partners_dir
    target = folder / f"{record_id}.yml"
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", record_id):
        raise BdsError(t("intake.new.bad_id", id=record_id), 1)
    if target.exists():
        raise BdsError(t("intake.new.exists", path=proj.shown(target)), 1)
    errors = _check(proj, args.kind, record_id, text, day)
    if errors:
        print(t("intake.new.problems"), file=sys.stderr)
        print(report_text(errors), file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    _write_new(target, text)
    print(t("intake.new.written", path=proj.shown(target)))
    return 0


def _check(proj, kind: str, record_id: str, text: str, day: dt.date):
    """Validate the record as if it were in the project, before anything is written there."""
    from .. import validate as validation

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / ("opportunities" if kind == "opportunity" else "partners")
        folder.mkdir()
        candidate = folder / f"{record_id}.yml"
        candidate.write_text(text, encoding="utf-8")
        result = validation.run(proj, [candidate], day)
        return result.errors


def _write_new(target: Path, text: str) -> None:
    """Write atomically and never replace an existing file."""
    from .. import files

    try:
        files.write_text(target, text, replace=False)
    except FileExistsError:
        raise BdsError(t("intake.new.exists_now", name=target.name), 1) from None
