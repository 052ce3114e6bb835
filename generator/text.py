"""Counting characters as people count them, and small text helpers."""

from __future__ import annotations

from functools import cache

import regex
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_GRAPHEME = regex.compile(r"\X")
# No `[` in the alt text and no `(` in the target: each match then ends at the next
# bracket, so a megabyte of `![` is one pass, not minutes.
_MD_IMAGE = regex.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_NEWLINES = regex.compile(r"[\r\n]+")
MAX_BRACKETS = 2_000  # in one paragraph; a real one has a handful


def count_chars(text: str) -> int:
    """Grapheme clusters: 👨‍👩‍👧 is one character, so is 「臺」 and so is 'é' written as e + ◌́."""
    return len(_GRAPHEME.findall(text.strip()))


@cache
def _image_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # The file names as written: markdown-it would percent-encode `with space.jpg` and
    # `圖.jpg` for a URL, and leave out a `javascript:` image altogether.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.core.ruler.at("inline", _inline_with_images)
    return md


def _inline_with_images(state: StateCore) -> None:
    # Inline parsing is the costly part (markdown-it-py is quadratic in the brackets of a
    # paragraph: a megabyte of `![` takes minutes): only paragraphs that can hold an
    # image are parsed, and none with more brackets than any real text has (its
    # pictures are then not found here, and the pages show their alt text instead).
    for token in state.tokens:
        if (token.type == "inline" and "![" in token.content
                and token.content.count("[") <= MAX_BRACKETS):
            token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def markdown_images(text: str) -> list[str]:
    """The targets of the `![alt](target)` images in Markdown text, as CommonMark reads
    them (`![x](<with space.jpg>)`, `![x](a.jpg "title")` and reference images included,
    nothing inside code), then what its raw HTML would fetch: every `<img src>`, and any
    other address off the item's folder (srcset, poster, CSS url(), <iframe>…), so that
    each is checked like an image."""
    from generator.render.markdown import html_image_refs  # parses only when there is HTML

    found: list[str] = []
    if "![" in text:
        stack = list(reversed(_image_parser().parse(text)))
        while stack:
            token = stack.pop()
            if token.type == "image":
                src = str(token.attrGet("src") or "")
                if src:
                    found.append(src)
            stack.extend(reversed(token.children or []))
    return found + [u for u in html_image_refs(text) if u not in found]


def count_prose_chars(markdown: str) -> int:
    """Characters of a Markdown text as a reader sees them: no image markup, no line breaks."""
    return count_chars(_NEWLINES.sub("", _MD_IMAGE.sub("", markdown)))
