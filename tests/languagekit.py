"""Telling the interface from the content: what a page or a command says in its own words.

A page in English may show a student's Chinese title; what it may not show is a Chinese
word of its own. So every string a student wrote is collected from the content root
(`content_strings`: YAML, TOML and CSV values, front matter, Markdown as rendered, file
and folder names), and what is left of a page or of a command's output once those are
taken out is the interface (`interface_text`). That residue is then held to the reader's
language: no Han character or full-width punctuation in English (`foreign_in_english`),
no sentence of Latin words in Chinese (`latin_sentences`).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import regex
import yaml
from markdown_it import MarkdownIt

# Han characters, and the punctuation of Chinese text: 「」、。：（）… (CJK symbols and
# punctuation, full-width forms). "·" and "…" are shared by both languages.
CHINESE = regex.compile(r"[\p{Han}\u3000-\u303f\uff00-\uffef]")
# Three Latin words in a row (or two that are not a name or an abbreviation): a sentence.
_WORDS = regex.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,;:.!?/-]+[A-Za-z][A-Za-z'’]*)+")
# Words that are the same in both languages: formats, units, products, the tool itself.
NAMES = {
    "pdf", "jpg", "jpeg", "png", "mp3", "mp4", "webp", "csv", "json", "yaml", "toml", "zip",
    "mb", "kb", "gb", "px", "dpi", "qr", "code", "apcs", "utf", "bom", "excel", "portfolio",
    "id", "url", "http", "https", "www", "html", "ctrl", "c", "ok", "ffmpeg", "chromium",
    "a", "b", "s", "p", "q", "x", "yyyy", "mm", "dd",  # YYYY-MM-DD, a date's form
    "zh", "tw", "en",  # the languages' own codes (--lang zh-TW)
}
_URL = re.compile(r"(?:https?|file|mailto|javascript):\S+|www\.\S+")
_COMMAND = re.compile(r"portfolio(?: [a-z]+)?(?: (?:--?[a-z][a-z-]*|\S*/\S*|[A-Z]+))*")
# A path ends where Chinese text begins: 「項目：/tmp/x（或用」 is a path between two words.
_PATHLIKE = regex.compile(r"[^\s\p{Han}\u3000-\u303f\uff00-\uffef]*[/\\][^\s\p{Han}\u3000-\u303f"
                          r"\uff00-\uffef]*|\S+\.(?:pdf|jpe?g|png|mp[34]|webp|csv|json|ya?ml|"
                          r"toml|md|zip|html|txt|docx|wav|mov)\b", regex.I)
_OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")
_IDENT = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b|\[[a-z0-9-]+\]")  # codes, slugs, [code]
_MD = MarkdownIt("commonmark").enable("table")
EXCERPT = 59  # generator.i18n.EXCERPT_CHARS - 1: a quoted value cut with "…"


def content_strings(root: Path) -> set[str]:
    """Every string of the content root as a page or a message may show it."""
    found: set[str] = set()
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        found.add(path.name)
        found.add(path.stem)
        if not path.is_file():
            continue
        if path.suffix in (".yaml", ".yml"):
            for doc in yaml.safe_load_all(path.read_text("utf-8")):
                found.update(_leaves(doc))
        elif path.suffix == ".toml":
            found.update(_leaves(tomllib.loads(path.read_text("utf-8"))))
        elif path.suffix == ".csv":
            for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))):
                found.update(row)
        elif path.suffix == ".md":
            text = path.read_text("utf-8")
            parts = text.split("---", 2)
            if text.startswith("---") and len(parts) == 3:
                found.update(_leaves(yaml.safe_load(parts[1])))
                text = parts[2]
            found.update(_markdown(text))
    out: set[str] = set()
    for s in found:
        for variant in (s, *_markdown(s), *s.splitlines()):
            said = " ".join(variant.split())
            if said:
                out.add(said)
                if len(said) > EXCERPT:
                    out.add(said[:EXCERPT] + "…")
    return out


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def _markdown(text: str) -> Iterator[str]:
    """The text nodes of `text` rendered as Markdown, as a page shows them."""
    if "\n" not in text and not any(c in text for c in "*_`[]!#>|"):
        return
    nodes = TextNodes()
    nodes.feed(_MD.render(text))
    yield from (t for t, _ in nodes.texts)


class TextNodes(HTMLParser):
    """The text a person reads on a page (and in its titles and labels), each node with
    whether it sits in a block of rendered Markdown (`.prose`: the student's own)."""

    _SAID = ("title", "alt", "aria-label", "placeholder", "data-template", "content")
    _VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                 "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, bool]] = []
        self._stack: list[tuple[str, bool]] = []
        self._skip = 0

    def _in_prose(self) -> bool:
        return any(prose for _, prose in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("name") not in ("description",):
            a.pop("content", None)
        for name in self._SAID:
            if a.get(name):
                self._add(a[name] or "")
        if tag in self._VOID:
            return
        if tag in ("script", "style"):
            self._skip += 1
        self._stack.append((tag, "prose" in (a.get("class") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add(data)

    def _add(self, text: str) -> None:
        said = " ".join(text.split())
        if said:
            self.texts.append((said, self._in_prose()))


class Content:
    """The strings of one content root, to take out of what the tool says."""

    def __init__(self, root: Path, *extra: str):
        self.strings = content_strings(root) | {" ".join(e.split()) for e in extra if e}
        # Longest first, so a title goes before a word inside it.
        self.by_length = sorted((s for s in self.strings if len(s) >= 2 or CHINESE.search(s)),
                                key=len, reverse=True)
        self.corpus = "\n".join(self.strings)

    def strip(self, text: str) -> str:
        """`text` with every content string in it taken out."""
        for s in self.by_length:
            if s in text:
                text = text.replace(s, " ")
        return text

    def page_residue(self, html: str) -> list[str]:
        """What a page says in its own words: its text nodes, less the content's."""
        nodes = TextNodes()
        nodes.feed(html)
        out = []
        for text, in_prose in nodes.texts:
            if text in self.strings or (in_prose and text in self.corpus):
                continue
            rest = " ".join(self.strip(text).split())
            if rest:
                out.append(rest)
        return out

    def output_residue(self, output: str) -> list[str]:
        """What a command says in its own words: its lines, less the content's."""
        return [" ".join(rest.split()) for line in output.splitlines()
                if (rest := self.strip(line)).strip()]


# What an English reader must find in Chinese (as tests/core/test_catalogs.py allows): a
# name on the official platform quoted 「so」, an example in `backquotes`, a file the tool
# names in Chinese (the kit's 學習歷程自述.pdf, the platform's name for it; an upload file's
# `<term>-<category>-<title>` name, the same in every language).
_OFFICIAL = regex.compile(r"「[^」]*」|`[^`]*`|\S+\.(?:pdf|html|yaml|md)\b|-\p{Han}+-")


def foreign_in_english(lines: Iterable[str]) -> list[str]:
    """Interface lines of an English page or output that hold Chinese."""
    return [line for line in lines if CHINESE.search(_OFFICIAL.sub(" ", line))]


def latin_sentences(lines: Iterable[str]) -> list[str]:
    """Interface lines of a Chinese page or output that hold an English phrase."""
    out = []
    for line in lines:
        rest = _URL.sub(" ", line)
        rest = _COMMAND.sub(" ", rest)
        rest = _PATHLIKE.sub(" ", rest)
        rest = _OPTION.sub(" ", rest)
        rest = _IDENT.sub(" ", rest)
        for match in _WORDS.finditer(rest):
            words = [w for w in re.split(r"[^A-Za-z'’]+", match.group()) if w]
            if len([w for w in words if w.lower() not in NAMES]) >= 2:
                out.append(line)
                break
    return out
