"""Finding codes, their severities and their messages in every language.

The catalog is data: each file in `generator/messages/*.toml` holds a table per
finding code with its `severity`, a short `label` (what a list or a dashboard shows for
the code) and one message template per language, so a new rule or a new language is an
edit to a TOML file, not to code. Interface strings are in the `[ui]` tables.

A count that a noun follows says both forms in its placeholder: `{n:error|errors}` is
"1 error" or "3 errors" (the number, a space, the word: the first form for one, the
second for any other number). Chinese needs no such forms and gives none.
"""

from __future__ import annotations

import datetime as dt
import reprlib
import string
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("zh-TW", "en")
DEFAULT_LANG = "zh-TW"
# Each language as HTML's `lang` attribute names it (BCP 47): the script, not only the
# region, decides which fonts and line breaking a browser or WeasyPrint uses.
HTML_LANG = {"zh-TW": "zh-Hant-TW", "en": "en"}
_CATALOG_DIR = Path(__file__).parent / "messages"
# How much of a value from the content a message quotes: enough to recognise it. A
# value can be a megabyte of text or a structure nested forty levels deep, and a
# message that printed it whole would be useless and could cost minutes.
EXCERPT_CHARS = 60
# Our own sentences (a reason, a suggestion) may embed a value too: a looser bound.
SENTENCE_CHARS = 400
_INT_BITS = 64
_REPR = reprlib.Repr()  # Python 3.11's Repr takes no arguments: set its bounds
_REPR.maxlevel = 3
_REPR.maxtuple = _REPR.maxlist = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 4
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = EXCERPT_CHARS


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


class _Formatter(string.Formatter):
    """str.format, plus the plural placeholder `{n:one|other}` ("1 file", "2 files")."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return f"{value} {one if _is_one(value) else other}"
        return str(super().format_field(value, format_spec))


def _is_one(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 1
    return str(value).strip() == "1"


_FORMATTER = _Formatter()


def fill(template: str, params: dict[str, Any]) -> str:
    """`template` with its placeholders filled; one without a value is left as it is."""
    if "|" not in template:   # no plural: str's own (C) formatting does the same, faster
        return template.format_map(_Missing(params))
    return _FORMATTER.vformat(template, (), _Missing(params))


def message(code: str, lang: str, params: dict[str, Any] | None = None) -> str:
    entry = catalog().get(code)
    if entry is None:
        return code
    template = entry.get(lang) or entry.get(DEFAULT_LANG) or code
    return fill(template, _in_lang(params or {}, lang))


def label(code: str, lang: str) -> str:
    """What a person reads for a finding code in a list of kinds (a dashboard, a CSV):
    a few words, never the code itself unless the catalog does not know it."""
    entry = catalog().get(code)
    said = entry.get("label") if entry else None
    if not isinstance(said, dict):
        return code
    return str(said.get(lang) or said.get(DEFAULT_LANG) or code)


def _in_lang(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """A parameter may itself be said in each language: {"zh-TW": …, "en": …}.

    Every value comes out short: numbers as they are (a template may format them),
    anything else cut to an excerpt.
    """
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict) and DEFAULT_LANG in value:
            said = value.get(lang) or value[DEFAULT_LANG]
            out[key] = excerpt(said, SENTENCE_CHARS)
        elif isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)
                                          and value.bit_length() <= _INT_BITS):
            out[key] = value
        else:
            out[key] = excerpt(value)
    return out


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """`value` as a message quotes it: on one line, at most `limit` characters, cut with
    "…". A structure is shown a few levels and items deep, never stringified whole."""
    if isinstance(value, str):
        said = value
    elif isinstance(value, int) and value.bit_length() > _INT_BITS:
        said = f"0x{value:x}"[:limit] + "…"  # Python will not print a huge int in decimal
    elif value is None or isinstance(value, bool | int | float | dt.date):
        said = str(value)
    else:
        said = _REPR.repr(value)
    # Only the head is ever shown, so only the head is cleaned up.
    said = " ".join(said[: limit * 4].split())
    return said if len(said) <= limit else said[: limit - 1] + "…"


# The texts without placeholders, by (key, language): a page asks for dozens of them.
_PLAIN: dict[tuple[str, str], str] = {}


def text(key: str, lang: str, **params: Any) -> str:
    """A user-interface string (not a finding) from the `ui` table of the catalog."""
    if not params:
        found = _PLAIN.get((key, lang))
        if found is not None:
            return found
    entry = catalog().get("ui", {}).get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry.get(DEFAULT_LANG) or key
    if not params and "{" not in template and "}" not in template:
        said = _PLAIN[(key, lang)] = str(template)
        return said
    return fill(template, params)


def has_text(key: str) -> bool:
    """Whether the `ui` table of the catalog has `key`."""
    return key in catalog().get("ui", {})


def said(key: str, **params: Any) -> dict[str, str]:
    """A `ui` text in every language, to pass as a finding's parameter (the message then
    takes the reader's). A parameter may itself be said in each language (`listed`…)."""
    return {lang: text(key, lang, **{name: _in(value, lang) for name, value in params.items()})
            for lang in LANGS}


def verbatim(value: str) -> dict[str, str]:
    """`value` the same in every language: a name, or a library's own words, passed where
    a sentence is expected (a sentence parameter is quoted at length, a value briefly)."""
    return dict.fromkeys(LANGS, value)


def listed(values: Iterable[Any]) -> dict[str, str]:
    """`values` joined as each language lists things: "a、b" and "a, b"."""
    shown = [str(v) for v in values]
    return {lang: text("list-separator", lang).join(shown) for lang in LANGS}


def _in(value: Any, lang: str) -> Any:
    if isinstance(value, dict) and DEFAULT_LANG in value:
        return value.get(lang) or value[DEFAULT_LANG]
    return value


class SaidError(Exception):
    """An error whose words are the catalog's: a `[ui]` key and its parameters, said in
    the reader's language when it is shown (`message(lang)`), which is often known only
    after it was raised. `str()` gives it in the default language, for logs."""

    def __init__(self, key: str, **params: Any):
        super().__init__(text(key, DEFAULT_LANG, **{k: _in(v, DEFAULT_LANG)
                                                    for k, v in params.items()}))
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        lang = lang or DEFAULT_LANG
        return text(self.key, lang, **{k: _in(v, lang) for k, v in self.params.items()})
