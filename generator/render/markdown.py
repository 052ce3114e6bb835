"""Markdown written by a student → HTML safe to put on a page or in a PDF.

The student's text is untrusted: it may hold raw HTML, `<script>`, event handlers
or `javascript:` links, pasted from anywhere. markdown-it-py renders it (raw HTML
allowed, so `<sup>`, `<br>` and friends work), then nh3 keeps only an allow-list
of tags, attributes and URL schemes. Images go through a hook so each renderer can
point them where its own copy of the file lives (the site: resized variants; the
PDF: the file in the item's folder).

Opening a page must not call anyone: the only addresses a page fetches by itself are
its own copies of the item's pictures. So a raw `<img src>` goes through the same
hook as a Markdown image, `srcset` keeps only relative addresses, and nothing else
that fetches (`poster`, `style` with `url()`, `<video>`, `<object>`, `<embed>`,
`<iframe>`, `<link>`, `<svg><image>`) is on the allow-list. `content.image_refs`
finds the same addresses in the text, so `check` can say which were dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from generator.content.image_refs import is_local_path, markdown_images
from generator.support.atomic import write_text

# An image hook gets the `src` as written and its alt text, and returns the attributes
# of the `<img>` to emit (src, srcset, sizes, width, height…; the extra key "webp" is a
# WebP srcset that wraps the image in <picture>), or None to drop the image, keeping
# its alt text.
ImageHook = Callable[[str, str], "dict[str, str] | None"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.I)

_TAGS = (nh3.ALLOWED_TAGS - {"area", "map", "center", "acronym", "tt", "strike"}) | {
    "picture", "source", "input", "section"}
_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading",
            "decoding"},
    "source": {"srcset", "type", "sizes"},
    "a": {"href", "title", "hreflang"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "*": {"id", "lang", "dir"},
}


def _keep_local(src: str, alt: str) -> dict[str, str] | None:
    return {"src": src} if is_local_path(src) else None


class _Renderer(RendererHTML):
    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
              env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        src = str(token.attrGet("src") or "")
        hook: ImageHook = env.get("image_hook") or _keep_local
        attrs = hook(src, alt)
        if attrs is None:
            return html.escape(alt)
        attrs = dict(attrs)
        if attrs.get("src") and "resolved" in env:
            env["resolved"].add(attrs["src"])  # so the sanitizer knows it is ours
        webp = attrs.pop("webp", None)
        attrs.setdefault("alt", alt)
        if token.attrGet("title"):
            attrs.setdefault("title", str(token.attrGet("title")))
        attrs.setdefault("loading", "lazy")
        attrs.setdefault("decoding", "async")
        img = "<img " + " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items()) + ">"
        if not webp:
            return img
        sizes = f' sizes="{html.escape(attrs["sizes"])}"' if "sizes" in attrs else ""
        return (f'<picture><source type="image/webp" srcset="{html.escape(webp)}"{sizes}>'
                f"{img}</picture>")


def _shift_headings(md: MarkdownIt, offset: int) -> None:
    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type in ("heading_open", "heading_close"):
                level = min(6, int(token.tag[1]) + offset)
                token.tag = f"h{level}"

    md.core.ruler.push("shift_headings", rule)


@cache
def _parser(heading_offset: int) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False},
                    renderer_cls=_Renderer)
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin)
    # Every URL reaches nh3, which removes the unsafe ones; markdown-it's own check
    # would leave `[text](javascript:…)` in the page as literal text instead.
    # (markdown-it-py's own API for it is to assign the method; its stubs forbid that)
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    if heading_offset:
        _shift_headings(md, heading_offset)
    return md


def _attribute_filter(image: ImageHook,
                      resolved: set[str]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            # Ours (the hook already gave it) or the student's own raw <img>, which goes
            # through the hook as a Markdown image does: a local copy, or nothing.
            if value in resolved:
                return value
            attrs = image(value, "")
            return attrs.get("src") if attrs else None
        if attr == "srcset":
            # nh3 checks the schemes of href and src but not of srcset; and an address
            # elsewhere would be fetched on opening the page: relative ones only.
            urls = [part.strip().split()[0] for part in value.split(",") if part.strip()]
            return value if all(is_local_path(u) for u in urls) else None
        if tag == "input" and attr == "type":
            return value if value == "checkbox" else None
        return value

    return keep


def sanitize(fragment: str, schemes: Iterable[str] = SAFE_SCHEMES,
             image: ImageHook | None = None, resolved: Iterable[str] = ()) -> str:
    """Only an allow-list of HTML survives: no script, style, event handler, form or
    iframe, and no URL with a scheme outside `schemes` (relative URLs are kept).

    Every `<img src>` not in `resolved` (what the image hook already returned) goes
    through `image` (default: a relative path inside the item stays as written).
    """
    allowed = frozenset(s.lower() for s in schemes)
    keep = _attribute_filter(image or _keep_local, set(resolved))
    return nh3.clean(fragment, tags=_TAGS, attributes=_ATTRIBUTES,
                     clean_content_tags={"script", "style"},
                     attribute_filter=keep, url_schemes=set(allowed),
                     link_rel="noopener noreferrer", strip_comments=True)


_CREDENTIALS = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*:[/\\]{2})[^\s/?#@<>()\[\]]*@")


def render_markdown(text: str | None, image: ImageHook | None = None, *,
                    heading_offset: int = 0,
                    schemes: Iterable[str] = SAFE_SCHEMES, cache: Path | None = None) -> str:
    """Sanitised HTML for the Markdown `text`.

    `image` maps each image's src to the attributes to emit (default: a relative
    path inside the item is kept as written, anything else is dropped). Use
    `heading_offset=1` where the page already has an <h1> and the text's `#` should
    become <h2>. `schemes` are the URL schemes allowed in links and images; add
    "file" for a PDF renderer that resolves images to file:// URLs.

    `cache`, a folder: the HTML is kept there by a hash of everything it is made from
    (the text, the options, what `image` answers for each of the text's images, this
    module and its libraries), so a page made again renders no text it rendered
    before. Only for an `image` hook without side effects.
    """
    if not text:
        return ""
    if cache is None:
        return _render(text, image, heading_offset, schemes)
    schemes = sorted(schemes)
    answers = [image(src, "") if image else None for src in markdown_images(text)]
    key = hashlib.sha256(json.dumps([_code_digest(), text, heading_offset, schemes, answers],
                                    ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    path = cache / key[:2] / f"{key}.frag"   # not .html: no page of the site
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return path.read_text("utf-8")
    out = _render(text, image, heading_offset, schemes)
    with contextlib.suppress(OSError):  # no cache, only a slower next build
        write_text(path, out)
    return out


@cache
def _code_digest() -> str:
    """This module and the libraries it renders with: a change renders every text anew."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for lib in ("markdown-it-py", "mdit-py-plugins", "nh3"):
        h.update(f"{lib}={version(lib)}".encode())
    return h.hexdigest()


def _render(text: str, image: ImageHook | None, heading_offset: int,
            schemes: Iterable[str]) -> str:
    # A password pasted into an address (`https://me:pw@host`, in a link or as plain
    # text) is never shown: the user name and password go before anything is parsed.
    text = _CREDENTIALS.sub(r"\1", text)
    md = _parser(max(0, min(5, heading_offset)))
    resolved: set[str] = set()
    rendered = md.render(text, {"image_hook": image, "resolved": resolved})
    return sanitize(rendered, schemes, image, resolved)


@lru_cache(maxsize=8192)
def plain_text(text: str | None) -> str:
    """The words of a Markdown text without markup (for counts, titles and excerpts)."""
    if not text:
        return ""
    tokens = _parser(0).parse(text)
    words: list[str] = []
    for token in tokens:
        if token.type == "inline":
            words.extend(child.content for child in token.children or []
                         if child.type in ("text", "code_inline"))
        elif token.type in ("code_block", "fence"):
            words.append(token.content)
    return "".join(words)
