"""bds.web.jsontext writes what json.dumps(ensure_ascii=False, indent=N) writes, character for character."""

from __future__ import annotations

import json

import pytest
from bds.web import jsontext


def _same(data, indent: int = 1) -> None:
    assert jsontext.dumps(data, indent=indent) == json.dumps(data, ensure_ascii=False, indent=indent)


TERM = {"id": "t1", "code": "bds-tipo/job", "name": "Lavoro, «retribuito»", "language": "it"}

CASES = [
    {},
    [],
    {"a": 1},
    [1, 2.5, -3, True, False, None, "x"],
    {"nested": {"deeper": {"deepest": []}, "empty": {}, "list": [[], {}, [1, [2, [3]]]]}},
    {"texts": ["àè €", "«virgolette»", 'quote " and \\ backslash', "tab\tnew\nline\r", "\x00\x1f\u2028"]},
    {"scripts": ["漢字", "العربية", "emoji 🙂"]},
    {"brackets": "{not [an] object}", "sep": ", : ", "keys": {"a,b": 1, "": 2, "{": [3]}},
    {"numbers": [0, -0.0, 1e300, 1.5e-300, 2**70, -(2**70), 0.1 + 0.2]},
    {"special": [float("nan"), float("inf"), float("-inf")]},
    {"tuple": (1, (2, 3), {"x": (4,)})},
    {"keys of json's kinds": {2: "int", 2.5: "float", True: "bool", None: "null"}},
    [{"id": i, "attributes": [{"id": f"a{i}", "taxonomy_term": TERM}]} for i in range(3)],
    {"shared at two depths": [TERM, {"again": TERM}, [[TERM]]]},
    # text spelt as the placeholder the writer puts in place of a nested object
    {"a": "\x00", "b": {"c": 1}, "d": ['"\x00"', {"e": "\x00\x00"}]},
    ["\x00", ["\x00"], "\x00"],
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
@pytest.mark.parametrize("indent", [1, 2, 4])
def test_the_text_is_json_dumps_own(data, indent):
    _same(data, indent)


def test_shared_objects_are_written_once_and_stay_right_at_every_depth():
    services = [{"id": i, "organization": {"id": "o", "attributes": [{"term": TERM}]}} for i in range(50)]
    _same(services)
    writer = jsontext._Writer(1)
    writer.container(services, 0, [])
    # the term is shared by every attribute (one text per depth); nothing held once is kept
    assert {depth for (_, depth) in writer.seen} == {5}
    assert len(writer.seen) == 1


def test_what_json_refuses_it_refuses_the_same_way():
    for data in ({"a": {1, 2}}, [{"a": object()}], {("tuple", "key"): 1}):
        with pytest.raises(TypeError) as ours:
            jsontext.dumps(data)
        with pytest.raises(TypeError) as theirs:
            json.dumps(data, ensure_ascii=False, indent=1)
        assert str(ours.value) == str(theirs.value)


def test_subclasses_and_scalars_at_the_top_are_written_by_json_itself():
    class Mapping(dict):
        pass

    for data in ("text", 3, None, Mapping(a=1), [Mapping(b=[1])], {"a": Mapping()}):
        _same(data)


def test_a_deep_structure_gives_json_own_answer():
    deep: list = []
    for _ in range(3000):
        deep = [deep]
    with pytest.raises(RecursionError):
        json.dumps(deep, ensure_ascii=False, indent=1)
    with pytest.raises(RecursionError):
        jsontext.dumps(deep)
