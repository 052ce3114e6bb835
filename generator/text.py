"""Counting characters as people count them, and small text helpers."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")
_MD_IMAGE = regex.compile(r"!\[[^\]]*\]\([^)]*\)")
_NEWLINES = regex.compile(r"[\r\n]+")


def count_chars(text: str) -> int:
    """Grapheme clusters: 👨‍👩‍👧 is one character, so is 「臺」 and so is 'é' written as e + ◌́."""
    return len(_GRAPHEME.findall(text.strip()))


def markdown_images(text: str) -> list[str]:
    """The targets of `![alt](target)` images in Markdown text, then what its raw HTML
    would fetch: every `<img src>`, and any other address off the item's folder
    (srcset, poster, CSS url(), <iframe>…), so that each is checked like an image."""
    from generator.render.markdown import html_image_refs  # parses only when there is HTML

    found = [m.group(0).rsplit("(", 1)[1][:-1].split()[0] for m in _MD_IMAGE.finditer(text)
             if m.group(0).rsplit("(", 1)[1][:-1].split()]
    return found + [u for u in html_image_refs(text) if u not in found]


def count_prose_chars(markdown: str) -> int:
    """Characters of a Markdown text as a reader sees them: no image markup, no line breaks."""
    return count_chars(_NEWLINES.sub("", _MD_IMAGE.sub("", markdown)))
