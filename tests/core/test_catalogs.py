"""Every catalog, every message: both languages, the same placeholders, nothing left raw."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path
from typing import Any

import pytest
import regex

import generator
from generator.i18n import LANGS, fill, message, text

CATALOGS = sorted((Path(generator.__file__).parent / "messages").glob("*.toml"))
HAN = regex.compile(r"\p{Han}")
# Chinese in an English text: Han characters and full-width punctuation (「」、。：（）).
CHINESE = regex.compile(r"[\p{Han}\u3000-\u303f\uff00-\uffef]")
# A count followed by an English plural noun, without its forms: "{n} errors".
BARE_PLURAL = regex.compile(r"\{(\w+)\} (?:more )?(?:errors|warnings|notes|students|items|pages|"
                            r"files|links|departments|characters|course outcomes|performances|"
                            r"credits|pictures|images|days|seconds|checks|values|levels)\b")


def _entries() -> list[tuple[str, str, dict[str, Any]]]:
    """(catalog, key, entry) for every finding code and every interface string."""
    out = []
    for path in CATALOGS:
        data = tomllib.loads(path.read_text("utf-8"))
        for key, entry in data.pop("ui", {}).items():
            out.append((path.name, f"ui.{key}", entry))
        for code, entry in data.items():
            out.append((path.name, code, entry))
    return out


ENTRIES = _entries()


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_there_are_several_catalogs_and_all_are_read() -> None:
    assert len(CATALOGS) >= 7
    assert {name for name, _, _ in ENTRIES} == {p.name for p in CATALOGS}


@pytest.mark.parametrize(("catalog", "key", "entry"), ENTRIES,
                         ids=[f"{c}:{k}" for c, k, _ in ENTRIES])
def test_message_is_whole_in_every_language(catalog: str, key: str,
                                            entry: dict[str, Any]) -> None:
    if not key.startswith("ui."):
        assert entry["severity"] in ("error", "warning", "info")
    texts = {lang: entry.get(lang) for lang in LANGS}
    assert all(isinstance(t, str) and t.strip() for t in texts.values()), texts
    fields = {lang: placeholders(t) for lang, t in texts.items()}
    assert fields["zh-TW"] == fields["en"], fields
    for lang, template in texts.items():
        for n in (1, 2):
            said = fill(template, dict.fromkeys(fields[lang], n))
            assert "{" not in said and "}" not in said, (lang, said)
    # A zh-TW text is Chinese (a code or a file name alone is not a sentence).
    assert HAN.search(texts["zh-TW"]) or not regex.search(r"[A-Za-z]{3,} [A-Za-z]{3,}",
                                                          texts["zh-TW"]), texts["zh-TW"]
    # An English text is English: not a Chinese word or punctuation mark in it.
    assert not CHINESE.search(texts["en"]), texts["en"]
    # A count says "1 error" and "2 errors": the plural placeholder, never a bare count.
    assert not BARE_PLURAL.search(texts["en"]), texts["en"]
    if not key.startswith("ui."):  # what a dashboard or a CSV shows for the code
        label = entry.get("label")
        assert isinstance(label, dict) and set(label) == set(LANGS), label
        assert all(isinstance(t, str) and 0 < len(t) <= 30 for t in label.values()), label
        assert HAN.search(label["zh-TW"]) and not CHINESE.search(label["en"]), label


def test_a_count_says_one_and_many() -> None:
    assert text("site-badge-errors", "en", n=1) == "1 error"
    assert text("site-badge-errors", "en", n=3) == "3 errors"
    assert text("site-badge-errors", "zh-TW", n=1) == "1 個錯誤"
    line = text("summary-line", "en", students=1, items=14, error=0, warning=1, info=2)
    assert line == "Checked 1 student and 14 items: 0 errors, 1 warning, 2 notes."
    said = message("summary-too-long", "en", {"count": 101, "over": 1, "limit": 100})
    assert said.startswith("The summary has 101 characters, 1 over")
