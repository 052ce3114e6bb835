"""Counting characters as people count them (grapheme clusters)."""

from __future__ import annotations

from functools import cache

import regex
from markdown_it import MarkdownIt
from markdown_it.token import Token

_GRAPHEME = regex.compile(r"\X")
# No `[` in the alt text and no `(` in the target: each match then ends at the next
# bracket, so a megabyte of `![` is one pass, not minutes.
_MD_IMAGE = regex.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_NEWLINES = regex.compile(r"[\r\n]+")
# markdown-it-py's inline parsing is quadratic in the brackets of a paragraph: a text
# with more than any real one has is counted by the plain reading below instead.
_MAX_BRACKETS = 2_000


def count_chars(text: str) -> int:
    """Grapheme clusters: 👨‍👩‍👧 is one character, so is 「臺」 and so is 'é' written as e + ◌́."""
    return len(_GRAPHEME.findall(text.strip()))


@cache
def _parser() -> MarkdownIt:
    # As the pages render a text (generator/render/markdown.py): CommonMark, raw HTML
    # read as HTML, tables and strikethrough.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _words(tokens: list[Token]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        if token.type == "inline":
            out += _words(token.children or [])
        elif token.type in ("text", "code_inline") or token.type in ("code_block", "fence"):
            out.append(token.content)
        # an image (its alt text too), raw HTML, line breaks and markup: not read
    return out


def prose_text(markdown: str) -> str:
    """The text of Markdown as a reader sees it rendered: no markup (`**`, `#`, list
    marks, link targets), no image, no raw HTML tag, no line break."""
    if markdown.count("[") > _MAX_BRACKETS:
        return _NEWLINES.sub("", _MD_IMAGE.sub("", markdown))
    return _NEWLINES.sub("", "".join(_words(_parser().parse(markdown))))


def count_prose_chars(markdown: str) -> int:
    """Characters of a Markdown text as a reader sees it rendered (N 多元表現綜整心得's
    800 are counted so): `**粗體**` is two characters, an image none."""
    return count_chars(prose_text(markdown))
