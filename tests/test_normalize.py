"""Cell-text cleaning: the fast path for already clean text must give exactly what the regular
expressions give, for any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_core.model.normalize import MAX_TEXT, clean_text, has_control_chars, is_blank, row_has_value

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
SPACES = re.compile(r"\s+")


def reference_clean(text: str) -> str:
    text = text[: MAX_TEXT * 4]
    return SPACES.sub(" ", CONTROL.sub("", text)).strip()


def reference_control(text: str) -> bool:
    return bool(CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", "")))


TRICKY = " \t\n\r\x0b\x0c\x1c\x1f\x7f\x85\xa0\u1680\u2000\u200a\u200b\u200f\u2028\u2029\u202f\u205f\u3000\ufeff"
texts = st.text(alphabet=st.sampled_from(list(TRICKY) + list("ab呼和浩特市1.%（）")), max_size=30) | st.text(max_size=30)


@settings(max_examples=3000, deadline=None)
@given(texts)
def test_clean_text_equals_the_regular_expressions(text):
    assert clean_text(text) == reference_clean(text)
    assert has_control_chars(text) == reference_control(text)


def test_examples():
    assert clean_text("  赛罕区 ") == "赛罕区"
    assert clean_text("a\u3000\u3000b") == "a b"
    assert clean_text("a\u200bb") == "ab"
    assert clean_text("呼和浩特市") == "呼和浩特市"
    assert has_control_chars("a\x07") and not has_control_chars("a\tb\n")


cells = st.one_of(texts, st.none(), st.floats(allow_nan=True), st.integers(), st.booleans())


@settings(max_examples=2000, deadline=None)
@given(st.lists(cells, max_size=6))
def test_row_has_value_equals_any_not_blank(row):
    assert row_has_value(row) == any(not is_blank(v) for v in row)

