"""generator/outputs/jsontext.py writes what json.dumps(..., indent=N) writes, byte for byte."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.outputs.jsontext import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(values, st.sampled_from([1, 2, 4]), st.booleans())
def test_the_text_is_json_dumps_text(value, indent, sort_keys):
    assert dumps(value, indent=indent, sort_keys=sort_keys) == json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)


def test_hostile_strings_tuples_and_subclasses_are_written_as_json_writes_them():
    class Code(str):
        pass

    value = {"名称": "食品经营许可<script>\"\\\n\t\u2028\x00", "codes": (Code("350000"), 1, 2.5, True, None), "空": {}, "列": [], "大": 10**30, "小": -0.0}
    for sort_keys in (False, True):
        assert dumps(value, indent=2, sort_keys=sort_keys) == json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys)


def test_values_json_writes_its_own_way_are_left_to_it():
    value = {"a": {1: "数字键", None: "空键"}}  # json.dumps turns such keys into strings
    assert dumps(value, indent=1) == json.dumps(value, ensure_ascii=False, indent=1)


def test_the_published_catalogue_and_slices_come_out_the_same(built_site):
    for path in [built_site / "api" / "v1" / "catalogue.json", built_site / "api" / "v1" / "implementations.json", *sorted((built_site / "api" / "v1" / "regions").glob("*.json"))[:3]]:
        text = path.read_text(encoding="utf-8")
        value = json.loads(text)
        indent = len(text.split("\n", 2)[1]) - len(text.split("\n", 2)[1].lstrip(" "))
        assert dumps(value, indent=indent, sort_keys=True) + "\n" == text or dumps(value, indent=indent) + "\n" == text, path
