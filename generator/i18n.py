"""Finding codes, their severities and their messages in every language.

The catalog is data: each file in `generator/messages/*.toml` holds a table per
finding code with its `severity` and one message template per language, so a new
rule or a new language is an edit to a TOML file, not to code.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("zh-TW", "en")
DEFAULT_LANG = "zh-TW"
_CATALOG_DIR = Path(__file__).parent / "messages"


@cache
def catalog() -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(_CATALOG_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            for code, entry in tomllib.load(fh).items():
                if code == "ui":  # interface strings: every file may add some
                    merged.setdefault("ui", {}).update(entry)
                    continue
                if code in merged:
                    raise RuntimeError(f"finding code {code!r} defined twice ({path.name})")
                merged[code] = entry
    return merged


def severity(code: str) -> str:
    return catalog()[code]["severity"]


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, lang: str, params: dict[str, Any] | None = None) -> str:
    entry = catalog().get(code)
    if entry is None:
        return code
    template = entry.get(lang) or entry.get(DEFAULT_LANG) or code
    return template.format_map(_Missing(_in_lang(params or {}, lang)))


def _in_lang(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """A parameter may itself be said in each language: {"zh-TW": …, "en": …}."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict) and DEFAULT_LANG in value:
            value = value.get(lang) or value[DEFAULT_LANG]
        out[key] = value
    return out


def text(key: str, lang: str, **params: Any) -> str:
    """A user-interface string (not a finding) from the `ui` table of the catalog."""
    entry = catalog().get("ui", {}).get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry.get(DEFAULT_LANG) or key
    return template.format_map(_Missing(params))
