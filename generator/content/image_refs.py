"""What a Markdown text names that a page would fetch: its images, and the addresses
in its raw HTML. `check` reports what leaves the item's folder; the renderers use the
same reading, so a picture found here is the picture shown.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

MAX_BRACKETS = 2_000  # in one paragraph; a real one has a handful
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.I)


def is_local_path(src: str) -> bool:
    """A relative path that stays where it is written (no scheme, no root, no `..`)."""
    if not src or _SCHEME.match(src) or src.startswith(("/", "\\", "//")):
        return False
    parts = src.replace("\\", "/").split("/")
    return ".." not in parts


@cache
def _image_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin)
    # The file names as written: markdown-it would percent-encode `with space.jpg` and
    # `圖.jpg` for a URL, and leave out a `javascript:` image altogether. (Assigning the
    # methods is markdown-it-py's own way to change them; its stubs forbid it.)
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
    return list(_markdown_images(text))


# A text is read for its images by the loader, the check, each page that shows it and
# the PDF: parsed once per process (forked workers inherit what the loader parsed).
@lru_cache(maxsize=8192)
def _markdown_images(text: str) -> tuple[str, ...]:
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
    return (*found, *(u for u in html_image_refs(text) if u not in found))


@cache
def _html_parser() -> MarkdownIt:
    # As the renderer reads a text (raw HTML on, the same block rules), so that the HTML
    # found here is the HTML it sees.
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(footnote_plugin).use(tasklists_plugin)


# Where raw HTML names something a browser (or WeasyPrint) fetches on its own.
_FETCHED: dict[str, tuple[str, ...]] = {
    "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"),
    "audio": ("src",), "track": ("src",), "input": ("src",), "embed": ("src",),
    "iframe": ("src",), "frame": ("src",), "object": ("data",), "link": ("href",),
    "script": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"), "body": ("background",), "table": ("background",),
    "td": ("background",), "th": ("background",),
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)


class _Refs(HTMLParser):
    """Every address in a piece of HTML that would be fetched without a click."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []       # <img src>: pictures, handled like Markdown images
        self.others: list[str] = []       # everything else: dropped on the page
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self._css(value)
            elif name in _FETCHED.get(tag, ()):
                if tag == "img" and name == "src":
                    self.images.append(value.strip())
                elif name == "srcset":
                    self.others += [p.strip().split()[0] for p in value.split(",") if p.strip()]
                else:
                    self.others.append(value.strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _css(self, css: str) -> None:
        self.others += [(m.group(2) or m.group(4) or "").strip() for m in _CSS_URL.finditer(css)]


@lru_cache(maxsize=4096)
def _raw_html_refs(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parser = _Refs()
    for token in _html_parser().parse(text):
        if token.type == "html_block":
            parser.feed(token.content)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "html_inline":
                    parser.feed(child.content)
    parser.close()
    return tuple(parser.images), tuple(parser.others)


def html_image_refs(text: str | None) -> list[str]:
    """The addresses the raw HTML of a Markdown text would have a page fetch by itself.

    Every `<img src>` (the renderers show a local one like a Markdown image), then only
    the other addresses that leave the item's folder (a `poster`, `srcset`, CSS `url()`,
    `<iframe>`, `<link>`…), since those are what `check` reports; the renderers drop
    all of them. HTML inside code is text, not HTML, and is left alone.
    """
    if not text or "<" not in text:  # most texts have no HTML at all: no need to parse
        return []
    images, others = _raw_html_refs(text)
    found = [u for u in images if u] + [u for u in others if u and not is_local_path(u)]
    # A pasted picture can be a whole data: URL; a finding needs only to recognise it.
    return list(dict.fromkeys(u if len(u) <= 200 or is_local_path(u) else u[:120] + "…"
                              for u in found))


@cache
def _link_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def markdown_links(text: str | None) -> list[str]:
    """The targets of the links (`[label](target)`) in Markdown text, as written (not
    percent-encoded), nothing inside code. A text with more brackets than any real one
    has (see MAX_BRACKETS) is not read for links."""
    if not text or "](" not in text or text.count("[") > MAX_BRACKETS:
        return []
    found: list[str] = []
    stack = list(reversed(_link_parser().parse(text)))
    while stack:
        token = stack.pop()
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href:
                found.append(href)
        stack.extend(reversed(token.children or []))
    return list(dict.fromkeys(found))
