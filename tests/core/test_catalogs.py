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
OFFICIAL_WORDS = regex.compile(
    r"「[^」]*」|`[^`]*`|\S+\.(?:pdf|html|yaml|md)\b|\(\p{Han}+\)|(?m:^    .*$)")
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
    # An English text is English: not a Chinese word or punctuation mark in it, but for
    # what the reader must find in Chinese: a name on the official platform quoted
    # 「so」 or glossed (課程學習成果), an example to type in `backquotes` or an indented
    # block, or a file the tool names in Chinese.
    assert not CHINESE.search(OFFICIAL_WORDS.sub("", texts["en"])), texts["en"]
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


# English prose: three Latin words in a row ("not a term"). A command (portfolio check),
# a file name or a field name inside a Chinese sentence is not prose.
ENGLISH_PROSE = regex.compile(r"[A-Za-z]{2,}(?:[ ,']+[A-Za-z]+){2,}")


@pytest.mark.parametrize(("catalog", "key", "entry"), ENTRIES,
                         ids=[f"{c}:{k}" for c, k, _ in ENTRIES])
def test_no_english_sentence_in_chinese(catalog: str, key: str, entry: dict[str, Any]) -> None:
    """A zh-TW text has no sentence left in English, with its placeholders filled by
    Chinese sample values (so a sentence made only of placeholders is not one)."""
    template = entry["zh-TW"]
    said = template.format(**{f: "某值" for f in placeholders(template)})
    assert not ENGLISH_PROSE.search(said), said


def _make_calls() -> list[tuple[str, int, str, set[str]]]:
    """(module, line, code, the parameters passed) of every `make("code", …)` in the
    package. A `**spread` that cannot be followed to a dict literal (a finding's `line`,
    passed on from a caller) is left out: the named parameters must then say it all."""
    import ast

    out: list[tuple[str, int, str, set[str]]] = []
    root = Path(generator.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        dicts: dict[str, set[str]] = {}
        for node in ast.walk(tree):  # `where = {"department": …}` spread into make(**where)
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Dict)
                    and all(isinstance(k, ast.Constant) for k in node.value.keys)):
                dicts[node.targets[0].id] = {str(k.value) for k in node.value.keys
                                             if isinstance(k, ast.Constant)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "make" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            params: set[str] = set()
            for kw in node.keywords:
                if kw.arg is not None:
                    params.add(kw.arg)
                elif isinstance(kw.value, ast.Name) and kw.value.id in dicts:
                    params |= dicts[kw.value.id]
            out.append((str(path.relative_to(root)), node.lineno, node.args[0].value, params))
    return out


MAKE_CALLS = _make_calls()


def test_every_finding_made_is_in_the_catalog() -> None:
    from generator.i18n import catalog

    assert len(MAKE_CALLS) > 40
    unknown = [(m, line, code) for m, line, code, _ in MAKE_CALLS if code not in catalog()]
    assert unknown == []


@pytest.mark.parametrize(("module", "line", "code", "params"), MAKE_CALLS,
                         ids=[f"{m}:{line}:{c}" for m, line, c, _ in MAKE_CALLS])
def test_every_finding_made_gives_its_message_what_it_says(module: str, line: int, code: str,
                                                          params: set[str]) -> None:
    """Each `make("code", …)` passes every placeholder of the code's messages, or it is
    the finding's own item or file (generator/findings.py fills those in): a message
    never prints a literal {item}."""
    from generator.i18n import catalog

    entry = catalog()[code]
    wanted = placeholders(entry["zh-TW"]) | placeholders(entry["en"])
    assert wanted <= params | {"item", "file"}, (module, line, wanted - params)
