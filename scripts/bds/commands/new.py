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
from .common import add_command, add_today, project, read_problem, today

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
    prompt = _pick_prompt(title, options, many, required, default)
    while True:
        answer = ask.line(prompt, key)
        if answer in ("", None) and default:
            return default
        chosen = [_option(part, values) for part in _parts(answer, many)]
        if not chosen and not required:
            return None
        if _accepted(chosen, options, many):
            return list(dict.fromkeys(chosen)) if many else chosen[0]
        print(t("intake.new.invalid", values=", ".join(values)))
        if key in ask.answers:
            raise BdsError(t("intake.new.invalid_in_file", title=title, key=key), 1)


def _pick_prompt(title: str, options: dict[str, str], many: bool, required: bool, default) -> str:
    """The numbered menu of `options` and how to answer it."""
    menu = "\n".join(
        f"  {i}. {label} ({value})" if label != value else f"  {i}. {value}"
        for i, (value, label) in enumerate(options.items(), start=1)
    )
    how = t("intake.new.how_many") if many else t("intake.new.how_one")
    if default:
        skip = t("intake.new.skip_default", default=default)
    else:
        skip = "" if required else t("intake.new.skip")
    return f"{title}\n{menu}\n  ({how}{skip}): "


def _accepted(chosen: list[str], options: dict[str, str], many: bool) -> bool:
    return bool(chosen) and all(c in options for c in chosen) and (many or len(chosen) == 1)


def _parts(answer, many: bool) -> list[str]:
    """The values in an answer: a list as given, else comma-separated (many) or the one value."""
    if isinstance(answer, list):
        return [str(a) for a in answer]
    if many:
        return [p.strip() for p in str(answer).split(",") if p.strip()]
    return [str(answer)] if answer != "" else []


def _option(part: str, values: list[str]) -> str:
    """The value a menu number stands for; anything else as typed."""
    if part.isdigit() and 0 < int(part) <= len(values):
        return values[int(part) - 1]
    return part


_DECIMAL = r"-?[0-9]+(?:[.,][0-9]+)?"
_YES = {"si": True, "sì": True, "s": True, "true": True}  # msg-ok: answers read, never shown
_YES_NO = {**_YES, "no": False, "n": False, "false": False}


def _amount(answer: str):
    """A cost: a word of the list or an amount."""
    try:
        return float(answer.replace(",", ".")) if re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", answer) else answer
    except ValueError:
        return answer


def _integer(answer: str):
    return int(answer) if re.fullmatch(r"-?[0-9]+", answer) else answer


def _number(answer: str):
    return float(answer.replace(",", ".")) if re.fullmatch(_DECIMAL, answer) else answer


def _boolean(answer: str):
    return _YES_NO.get(answer.lower(), answer)


def _list(answer: str) -> list[str]:
    return [p.strip() for p in answer.split(",") if p.strip()]


_CONVERT = {"integer": _integer, "number": _number, "boolean": _boolean, "array": _list}


def _convert(spec: dict, answer: str):
    if "anyOf" in spec:
        return _amount(answer)
    types = spec.get("type")
    convert = _CONVERT.get(types) if isinstance(types, str) else None
    return convert(answer) if convert else answer


_ONLY_FOR = {"stipend": "internship", "pay": "job"}  # asked for that kind of opportunity only


def _ask_object(ask: _Ask, kind: str, node: dict, prefix: tuple, extra, defaults, data: dict) -> None:
    required = set(node.get("required", []))
    for key in _keys(kind, node, prefix):
        spec, path = node["properties"][key], prefix + (key,)
        dotted = ".".join(path)
        if _not_asked(kind, key, spec, dotted, data) or _protected_answer(ask, kind, key, spec, data, dotted):
            continue
        if spec.get("type") == "object":
            _ask_part(ask, kind, (key, spec, path), extra, defaults, data, key in required)
            continue
        value = _ask_value(ask, spec, dotted, extra, defaults(dotted, data), key in required)
        if value is not None:
            data[key] = value


def _keys(kind: str, node: dict, prefix: tuple) -> list[str]:
    """The questions of `node` in the order they are asked."""
    keys = list(node.get("properties", {}))
    if not prefix:
        keys = _first(FIRST[kind], keys)
    if kind == "opportunity" and prefix == ("location",) and "address" in keys:
        keys = [k for k in keys if k != "address"] + ["address"]  # asked only once we know it is public
    return keys


def _first(first: list[str], keys: list[str]) -> list[str]:
    return [k for k in first if k in keys] + [k for k in keys if k not in first]


def _not_asked(kind: str, key: str, spec: dict, dotted: str, data: dict) -> bool:
    if key in SKIP or spec.get("x-intake") is False:  # YAML only (timetable...)
        return True
    needed = _ONLY_FOR.get(dotted)
    return kind == "opportunity" and needed is not None and data.get("kind") != needed


def _protected_answer(ask: _Ask, kind: str, key: str, spec: dict, data: dict, dotted: str) -> bool:
    """A protected place's address is never public nor asked: True when the question is settled so."""
    from .. import protected

    if kind != "opportunity":
        return False
    if dotted == "location.visibility" and _protected(data, "public"):
        data[key] = "zone-only"
        why = protected.why_protected(_place(data, "public"))
        print(t("intake.new.zone_only", title=spec.get("title", key), why=why))
        return True
    if dotted == "location.address" and _protected(data):
        if dotted in ask.answers and ask.answers[dotted] not in ("", None):
            raise BdsError(t("intake.new.address_in_file"), 1)
        return True  # a protected place has no address: the question is not asked
    return False


def _ask_part(ask: _Ask, kind: str, part: tuple, extra, defaults, data: dict, required: bool) -> None:
    """The questions of a nested object (`part` is its key, schema and path), kept when answered."""
    key, spec, path = part
    print(f"\n{spec.get('title', key)}: {spec.get('description', '')}")
    sub: dict = {"__root__": _root(data)}
    _ask_object(ask, kind, spec, path, extra, defaults, sub)
    sub.pop("__root__")
    if sub or required:
        data[key] = sub


def _ask_value(ask: _Ask, spec: dict, dotted: str, extra, default, required: bool):
    """One answer: picked from a menu, or typed and converted to the schema's type; None when skipped."""
    title = spec.get("title", dotted.rsplit(".", 1)[-1])
    options = _choices(spec, extra, dotted)
    if options is not None:
        return _pick(ask, title, dotted, options, spec.get("type") == "array", required, default)
    hint = f" [{default}]" if default else ("" if required else t("intake.new.skip_hint"))
    answer = ask.line(f"{title} — {spec.get('description', '')}{hint}: ", dotted)
    if answer in ("", None) and default:
        answer = default
    if answer in ("", None, []):
        return None
    return answer if not isinstance(answer, str) else _convert(spec, answer)


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
    p = add_command(sub, "new", "intake.cmd.new.")
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
    extra = _project_lists(args.kind, load_content(proj))
    ask = _Ask(_answers(args.from_answers))
    node = schema.load_schema(args.kind)
    print(
        t("intake.new.heading", title=node.get("title", args.kind), description=node.get("description", ""))
    )
    data: dict = {}
    _ask_object(ask, args.kind, node, (), extra, _defaults(day), data)
    text = fmt.dump(data, args.kind)
    record_id = str(data.get("id", ""))
    target = _target(proj, args.kind, record_id)
    errors = _check(proj, args.kind, record_id, text, day)
    if errors:
        print(t("intake.new.problems"), file=sys.stderr)
        print(report_text(errors), file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_new(target, text)
    print(t("intake.new.written", path=proj.shown(target)))
    return 0


def _project_lists(kind: str, content) -> dict[str, list[str]]:
    """The answers some questions take from the project itself: its zones, partners and networks."""
    territory = content.territory.data if content.territory and content.territory.ok else {}
    lists = {"zones": _ids(territory.get("zones", []))}
    if kind == "opportunity":
        lists["partner"] = sorted(d.data["id"] for d in content.valid("partner"))
    if kind == "partner":
        lists["networks"] = _ids(territory.get("networks", []))
    return {key: ids for key, ids in lists.items() if ids}


def _ids(entries: list[dict]) -> list[str]:
    return [entry["id"] for entry in entries]


def _defaults(day: dt.date):
    """The answer a question proposes (the id from the title, today, open), by its dotted key."""

    def defaults(dotted: str, data: dict):
        if dotted == "id":
            return slug(data.get("title") or data.get("name") or "")
        if dotted == "reviewed":
            return day.isoformat()
        if dotted == "status":
            return "open"
        return None

    return defaults


def _target(proj, kind: str, record_id: str) -> Path:
    """Where the new record goes; BdsError (exit 1) for an id that is not a slug or a file already there."""
    folder = proj.opportunities_dir if kind == "opportunity" else proj.partners_dir
    target = folder / f"{record_id}.yml"
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", record_id):
        raise BdsError(t("intake.new.bad_id", id=record_id), 1)
    if target.exists():
        raise BdsError(t("intake.new.exists", path=proj.shown(target)), 1)
    return target


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
    from ..pipeline.writing import write_file

    try:
        write_file(target, text, replace=False)
    except FileExistsError:
        raise BdsError(t("intake.new.exists_now", name=target.name), 1) from None
