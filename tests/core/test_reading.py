"""The bounded YAML reader and the short quoting of values in messages."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content import bounded_yaml as boundedyaml
from generator.i18n import excerpt, message


def test_plain_yaml_reads_as_pyyaml_would() -> None:
    data, dups = boundedyaml.load("a: 1\nb: [x, 2024-01-02, true, ~, 1.5]\nc: {d: e}\n")
    assert data == {"a": 1, "b": ["x", dt.date(2024, 1, 2), True, None, 1.5], "c": {"d": "e"}}
    assert dups == []


def test_merge_keys_are_not_duplicates() -> None:
    data, dups = boundedyaml.load("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 5\n")
    assert data["c"] == {"x": 5, "y": 2} and dups == []


def test_duplicates_keep_the_later_value() -> None:
    data, dups = boundedyaml.load("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert data == {"a": 3, "b": {"c": 2}}
    assert {(d.key, d.line, d.first) for d in dups} == {("c", 4, 3), ("a", 5, 1)}


@pytest.mark.parametrize(("text", "why"), [
    ("x: " + "[" * 50, "depth"),
    ("".join("  " * i + f"k{i}:\n" for i in range(60)), "depth"),
    ("a: &a [1, 2]\n" + "".join(f"b{i}: *a\n" for i in range(200)), "aliases"),
    ("a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 99) + "]\n",
     "aliases"),
    # Each part is within the depth; an alias puts one inside the other.
    ("a: &a " + "[" * 34 + "1" + "]" * 34 + "\nb: " + "[" * 8 + "*a" + "]" * 8 + "\n", "depth"),
])
def test_too_complex(text: str, why: str) -> None:
    with pytest.raises(boundedyaml.TooComplex) as caught:
        boundedyaml.load(text)
    assert caught.value.why == why


def test_values_that_cannot_be_what_they_look_like_stay_text() -> None:
    data, _ = boundedyaml.load("d: 2025-13-09\nn: " + "9" * 5000 + "\n")
    assert data["d"] == "2025-13-09" and data["n"] == "9" * 5000


def test_excerpt_is_short_whatever_the_value() -> None:
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    for value in (nested, "長" * 10_000, {"k" * 500: list(range(10_000))}, 7 ** 20_000,
                  b"x" * 100_000, "a\n\n b"):
        said = excerpt(value)
        assert len(said) <= 60 and "\n" not in said
    assert excerpt("short") == "short" and excerpt(dt.date(2024, 1, 2)) == "2024-01-02"


def test_messages_keep_numbers_and_cut_values() -> None:
    reason = {"zh-TW": "要是一段文字", "en": "must be text"}
    said = message("field-invalid", "en", {"field": "title", "value": "x" * 10_000,
                                           "reason": reason})
    assert len(said) < 150 and said.endswith("must be text.")
    assert "52.4" in message("text-too-large", "en", {"file": "a", "size": "52.4", "limit": 1})
