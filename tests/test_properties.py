"""Property tests: no input makes the loader or the schema layer raise; findings only."""

from __future__ import annotations

import yaml
from bds import findings, load, schema
from bds.content import load_guide
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# YAML-ish building blocks: keys of the real schemas, hostile scalars, indicators.
KEYS = sorted({k for kind in schema.KINDS for k in schema.load_schema(kind).get("properties", {})})
SCALARS = st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "off",
        "~",
        "null",
        "2026-02-30",
        "2026-09-01",
        "0777",
        "1e400",
        ".inf",
        "-.nan",
        "0x1F",
        "'quoted'",
        '"dq"',
        "!!python/object:os.system ls",
        "&a x",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "? ",
        "|",
        ">-",
        "#",
        "\t",
        "javascript:alert(1)",
        "<script>",
        "%YAML 1.1",
        "---",
        "...",
        "99999999999999999999999",
        "\x00",
        "\ufeff",
        "é",
        "🙂",
    ]
) | st.text(max_size=20)


def _check(raw: bytes) -> None:
    for kind in schema.KINDS:
        doc = load.load_bytes(raw, "x.yml")
        assert all(f.code in findings.REGISTRY for f in doc.findings)
        if doc.ok and isinstance(doc.data, dict):
            for f in schema.validate(doc, kind):
                assert f.code in findings.REGISTRY and f.line >= 1 and f.column >= 1
    guide = load_guide(b"---\n" + raw + b"\n---\ntesto\n", "g.md")
    if guide.ok and isinstance(guide.data, dict):
        schema.validate(guide, "guide")


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(raw):
    _check(raw)


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text):
    _check(text.encode("utf-8", "surrogatepass"))


@st.composite
def yamlish(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 1, 3]))
        key = draw(st.sampled_from(KEYS) | st.text(min_size=1, max_size=8))
        lead = draw(st.sampled_from(["", "- ", "- - ", "? "]))
        value = " ".join(draw(st.lists(SCALARS, max_size=3)))
        lines.append(f"{indent}{lead}{key}: {value}")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n---\n", "\n...\n"]))


@FAST
@given(yamlish())
def test_yamlish_documents_never_crash(text):
    _check(text.encode("utf-8", "surrogatepass"))


def _json_like(leaf):
    return st.recursive(
        leaf,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5)
        ),
        max_leaves=25,
    )


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-09-01", "2026-02-30", "https://x.it", "javascript:x"])
)


@FAST
@given(st.dictionaries(st.sampled_from(KEYS), _json_like(LEAVES), max_size=12))
def test_dumped_structures_never_crash_and_engines_agree(data):
    raw = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    doc = load.load_bytes(raw, "x.yml")
    assert all(f.code in findings.REGISTRY for f in doc.findings)
    if doc.ok and isinstance(doc.data, dict):
        for kind in schema.KINDS:
            schema.validate(doc, kind)
            assert schema._fast(kind).is_valid(doc.data) == schema._detailed(kind).is_valid(doc.data)
