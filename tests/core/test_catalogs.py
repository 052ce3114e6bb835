"""Every catalog, every message: both languages, the same placeholders, nothing left raw."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path
from typing import Any

import pytest
import regex

import generator
from generator.i18n import LANGS

CATALOGS = sorted((Path(generator.__file__).parent / "messages").glob("*.toml"))
HAN = regex.compile(r"\p{Han}")


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
        said = template.format(**{f: "X" for f in fields[lang]})
        assert "{" not in said and "}" not in said, (lang, said)
    # A zh-TW text is Chinese (a code or a file name alone is not a sentence).
    assert HAN.search(texts["zh-TW"]) or not regex.search(r"[A-Za-z]{3,} [A-Za-z]{3,}",
                                                          texts["zh-TW"]), texts["zh-TW"]
