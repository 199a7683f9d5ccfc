"""`bds fmt`: one canonical form, same data, comments kept at the top or the file refused."""

from __future__ import annotations

import pytest
from bds import fmt, load, schema, unicodetext
from conftest import FIXTURES, copy_fixture_project, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

VALID = sorted(p for p in FIXTURES.glob("*/valid/*") if p.is_file())


def _kind(path):
    return path.parent.parent.name


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_format_keeps_data_and_is_idempotent(fixture):
    text = fixture.read_text(encoding="utf-8")
    once = fmt.format_text(text, _kind(fixture)).text
    assert fmt.format_text(once, _kind(fixture)).changed is False
    if _kind(fixture) != "guide":
        assert load.load_text(once, "x").data == load.load_text(text, "x").data


def test_canonical_form():
    text = (
        "reviewed: 2026-05-01\nid: prova\nstatus: open\nlanguages: [it, 'no']\n"
        'description: "riga uno\\nriga due\\n"\nsummary: ' + "parola " * 30 + "fine\n"
        "contact: {phone: '0212345678', email: a@b.it}\ntitle: 'yes'\n"
    )
    out = fmt.format_text(text, "opportunity").text
    assert out.splitlines()[:3] == ["id: prova", 'title: "yes"', "summary: >-"]
    assert '  - "no"' in out and "  - it" in out  # block lists, YAML 1.1 words quoted
    assert "description: |\n  riga uno\n  riga due\n" in out
    assert "reviewed: 2026-05-01\n" in out and 'phone: "0212345678"' in out  # dates plain, digits quoted
    assert out.index("  email:") < out.index("  phone:")  # nested keys in schema order too
    assert max(len(line) for line in out.splitlines()) <= fmt.WIDTH


def test_short_lists_of_plain_words_stay_on_one_line():
    out = fmt.format_text(
        "id: prova\nzones:\n  - municipio-1\n  - municipio-9\ntags: ['a, b', c]\n", "opportunity"
    ).text
    assert "zones: [municipio-1, municipio-9]\n" in out
    assert "tags:\n  - a, b\n  - c\n" in out  # a comma inside an item needs the block form


def test_shipped_content_is_in_canonical_form():
    run = run_cli(["fmt", "--check"])
    assert run.code == 0, run.out


def test_header_comments_are_kept_other_comments_refuse():
    kept = fmt.format_text("# intestazione\n\nid: a  # fine riga\n", "opportunity", drop_comments=True).text
    assert kept == "# intestazione\n\nid: a\n"
    with pytest.raises(fmt.FormatRefused):
        fmt.format_text("id: a\n# nel mezzo\ntitle: b\n", "opportunity")
    # A "#" inside a value is not a comment.
    assert fmt.format_text('id: a\ntitle: "Corso #1"\nurl: https://x.it/#s\n', "opportunity").changed is False


def test_syntax_errors_refuse():
    with pytest.raises(fmt.FormatRefused):
        fmt.format_text("id: [a\n", "opportunity")


def _project_with(tmp_path, text: str):
    root = tmp_path / "p"
    copy_fixture_project(root)
    target = root / "opportunities" / "prova.yml"
    target.write_text(text, encoding="utf-8")
    return root, target


def test_cli_check_prints_a_diff_and_changes_nothing(tmp_path):
    root, target = _project_with(tmp_path, "title: Corso\nid: prova\n")
    before = target.read_bytes()
    run = run_cli(["--root", root, "fmt", "--check", target])
    assert run.code == 1
    assert "--- a/opportunities/prova.yml" in run.out and "+id: prova" in run.out
    assert target.read_bytes() == before


def test_cli_rewrites_then_check_passes(tmp_path):
    root, target = _project_with(tmp_path, "title: Corso\nid: prova\n")
    assert run_cli(["--root", root, "fmt", target]).code == 0
    assert target.read_text(encoding="utf-8") == "id: prova\ntitle: Corso\n"
    assert run_cli(["--root", root, "fmt", "--check", target]).code == 0
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_cli_refuses_comments_unless_asked(tmp_path):
    root, target = _project_with(tmp_path, "title: Corso\n# da rivedere\nid: prova\n")
    before = target.read_bytes()
    run = run_cli(["--root", root, "fmt", target])
    assert run.code == 1 and "--drop-comments" in run.err
    assert target.read_bytes() == before
    assert run_cli(["--root", root, "fmt", "--drop-comments", target]).code == 0
    assert "#" not in target.read_text(encoding="utf-8")


def test_cli_whole_project_and_broken_file(tmp_path):
    root, target = _project_with(tmp_path, "id: [prova\n")
    run = run_cli(["--root", root, "fmt", "--check"])
    assert run.code == 1 and "opportunities/prova.yml" in run.err and "Traceback" not in run.err


KEYS = sorted(schema.load_schema("opportunity")["properties"])
# Text the loader accepts: no hidden or control character (bds.unicodetext refuses them), in NFC.
CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")) | st.sampled_from("\t\n")
TEXT = st.text(CHARS, max_size=140).map(unicodetext.nfc).filter(lambda s: not unicodetext.scan(s))
KEY = st.text(CHARS, min_size=1, max_size=10).filter(lambda s: not unicodetext.scan(s))
LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(
        ["yes", "no", "on", "2026-09-01", "0123", "1e3", "~", "- a", "a: b", "#x", " a", "a\n\nb\n"]
    )
)
DATA = st.dictionaries(
    st.sampled_from(KEYS) | KEY,
    st.recursive(
        LEAF,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEY, inner, max_size=3),
        max_leaves=12,
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(DATA)
def test_dump_round_trips(data):
    text = fmt.dump(data, "opportunity")
    doc = load.load_text(text, "x")
    assert doc.ok, (text, doc.findings)
    assert doc.data == data
    assert fmt.format_text(text, "opportunity").changed is False
