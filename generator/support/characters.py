"""Counting characters as people count them (grapheme clusters)."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")
# No `[` in the alt text and no `(` in the target: each match then ends at the next
# bracket, so a megabyte of `![` is one pass, not minutes.
_MD_IMAGE = regex.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_NEWLINES = regex.compile(r"[\r\n]+")


def count_chars(text: str) -> int:
    """Grapheme clusters: 👨‍👩‍👧 is one character, so is 「臺」 and so is 'é' written as e + ◌́."""
    return len(_GRAPHEME.findall(text.strip()))


def count_prose_chars(markdown: str) -> int:
    """Characters of a Markdown text as a reader sees them: no image markup, no line breaks."""
    return count_chars(_NEWLINES.sub("", _MD_IMAGE.sub("", markdown)))
