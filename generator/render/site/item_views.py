"""What the templates show about one item: its fields, pictures, files and card.

Everything a template needs is worked out here, in the build's language, so the
templates stay plain markup a school can restyle without knowing the model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.content.image_refs import is_local_path, markdown_images
from generator.findings import Finding
from generator.i18n import text
from generator.model import Item
from generator.render.markdown import ImageHook, render_markdown
from generator.render.web_media.web_media_step import ItemFile
from generator.rules import Rules
from generator.support.characters import count_chars
from generator.support.roc_calendar import Term
from generator.support.url_credentials import redact

CONTENT_SIZES = "(min-width: 52rem) 48rem, 100vw"
CARD_SIZES = "(min-width: 40rem) 12rem, 30vw"


@dataclass
class Picture:
    """An <img> with its responsive sources, ready for the `picture` macro."""

    src: str
    width: int
    height: int
    srcset: str
    webp: str
    sizes: str
    alt: str = ""
    full: str = ""        # the largest copy, for "open full size"

    def attrs(self) -> dict[str, str]:
        out = {"src": self.src, "width": str(self.width), "height": str(self.height),
               "srcset": self.srcset, "sizes": self.sizes}
        if self.webp:
            out["webp"] = self.webp
        return out


def picture(file: ItemFile | None, width: int, sizes: str, alt: str = "") -> Picture | None:
    if file is None or not file.pictures:
        return None
    chosen = file.pick(width)
    largest = file.pick(10**6)
    if chosen is None or largest is None:
        return None
    url, variant = chosen
    return Picture(url, variant.width, variant.height, file.srcset(file.fallback_format),
                   file.srcset("webp"), sizes, alt, largest[0])


def duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    total = round(seconds)
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}" if total >= 3600 \
        else f"{total // 60}:{total % 60:02d}"


def code_label(rules: Rules, code: str | None, lang: str) -> str:
    if not code:
        return ""
    named = rules.codes.get(code)
    return f"{code} {named.name(lang)}" if named else code


def kind_label(item: Item, rules: Rules, lang: str) -> str:
    if item.is_course:
        form = rules.forms.get(item.form or "")
        return form.name(lang) if form else text("site-course", lang)
    cat = rules.categories.get(item.category or "")
    return cat.name(lang) if cat else text("site-performance", lang)


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return text("site-yes" if value else "site-no", lang)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fields(item: Item, rules: Rules, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows for the item's record, as the official system lists them."""
    t = lambda key: text(key, lang)  # noqa: E731
    rows: list[tuple[str, str]] = []
    if item.is_course:
        if item.subject:
            rows.append((t("site-subject"), item.subject))
        if item.term:
            rows.append((t("site-term"), Term.parse(item.term).label(lang)))
        rows.append((t("site-form"), kind_label(item, rules, lang)))
        rows.append((t("site-certified"), _value(item.certified, lang)))
    else:
        rows.append((t("site-category"), kind_label(item, rules, lang)))
        if item.date:
            when = item.date.isoformat() + (f" – {item.end.isoformat()}" if item.end else "")
            rows.append((t("site-date"), when))
        spec = rules.categories[item.category].fields if item.category in rules.categories else {}
        for key, value in item.details.items():
            label = spec[key].name(lang) if key in spec else key
            rows.append((label, _value(value, lang)))
    if item.code:
        rows.append((t("site-code"), code_label(rules, item.code, lang)))
    ticked = (text("site-ticked-in", lang, year=item.submitted) if item.submitted is not None
              else t("site-not-ticked"))
    rows.append((t("site-ticked"), ticked))
    return rows


def web_links(links: list[str]) -> list[str]:
    """The links a page shows: web addresses only, never with a user name or password."""
    return [redact(u) for u in links if u.strip().lower().startswith(("https://", "http://"))]


@dataclass
class Card:
    """An item as a line in a list: enough to decide whether to open it."""

    id: str
    url: str
    title: str
    summary: str
    kind: str
    code: str
    when: str
    ticked: int | None
    certified: bool
    is_course: bool
    thumb: Picture | None
    media: str = ""           # "video 0:42" / "audio 1:10"
    errors: int = 0
    warnings: int = 0


def first_picture(item: Item, files: dict[str, ItemFile], prefix: str) -> ItemFile | None:
    """The picture that stands for the item: a photo, else its document's page, else a poster."""
    names = [*item.images, item.document or "", item.media or ""]
    for name in names:
        f = files.get(name)
        if f is not None and f.pictures:
            return f.with_prefix(prefix)
    return None


def card(item: Item, url: str, files: dict[str, ItemFile], prefix: str, rules: Rules,
         lang: str, found: list[Finding]) -> Card:
    if item.is_course:
        when = Term.parse(item.term).label(lang) if item.term else ""
    else:
        when = item.date.isoformat() if item.date else ""
    media = files.get(item.media or "")
    media_note = ""
    if media is not None:
        media_note = f"{text('site-' + media.kind, lang)} {duration(media.info.duration)}".strip()
    return Card(item.id, url, item.title, item.summary or "", kind_label(item, rules, lang),
                item.code or "", when, item.submitted, item.certified, item.is_course,
                picture(first_picture(item, files, prefix), 480, CARD_SIZES, ""),
                media_note,
                sum(1 for f in found if f.severity == "error"),
                sum(1 for f in found if f.severity == "warning"))


@dataclass
class ItemPage:
    """Everything the item page shows."""

    item: Item
    fields: list[tuple[str, str]]
    summary_chars: int
    body_html: str
    gallery: list[Picture] = field(default_factory=list)
    document: ItemFile | None = None
    document_picture: Picture | None = None
    media: ItemFile | None = None
    media_poster: Picture | None = None
    links: list[tuple[str, bool]] = field(default_factory=list)  # (url, clickable)
    unusable: list[str] = field(default_factory=list)  # named files the site cannot show


def image_hook(files: dict[str, ItemFile]) -> ImageHook:
    """Markdown images shown from the web copies in `files` (by the name the text gives)."""
    def hook(src: str, alt: str) -> dict[str, str] | None:
        name = src[2:] if src.startswith("./") else src
        # markdown-it hands over the target as a URL (`with%20space.jpg`, `%E5%9C%96.jpg`);
        # the files are known by the names written, as `markdown_images` reads them.
        found = files.get(name) or files.get(unquote(name))
        # Only files the media step made web copies of: anything else would be a broken
        # image on the page (or a file outside the item), so its alt text stands in.
        pic = picture(found, 960, CONTENT_SIZES, alt) if is_local_path(src) else None
        return pic.attrs() if pic else None
    return hook


def texts_cache(cache_dir: Path) -> Path:
    """Where pages keep the HTML of the texts they render (render_markdown's `cache`)."""
    return cache_dir / "markdown"


def item_view(item: Item, files: dict[str, ItemFile], rules: Rules, lang: str,
              cache: Path | None = None) -> ItemPage:
    """The item page's view; `cache`: where rendered texts are kept (render_markdown)."""
    inline = {(s[2:] if s.startswith("./") else s) for s in markdown_images(item.body)}
    body = render_markdown(item.body, image_hook(files), heading_offset=1, cache=cache)
    view = ItemPage(item, fields(item, rules, lang), count_chars(item.summary or ""), body)
    for name in item.images:
        if name in inline or name == item.document:
            continue
        pic = picture(files.get(name), 960, CONTENT_SIZES, name)
        if pic:
            view.gallery.append(pic)
    if item.document:
        view.document = files.get(item.document)
        view.document_picture = picture(view.document, 960, CONTENT_SIZES, item.document)
    if item.media:
        view.media = files.get(item.media)
        view.media_poster = picture(view.media, 960, CONTENT_SIZES, item.media)
    # Only web addresses are shown: anything else (javascript:, file:, a typo) could not be
    # opened by a reviewer anyway, and the findings already say so.
    view.links = [(url, True) for url in web_links(item.links)]
    for _slot, name in item.attachments:
        if name not in files:
            view.unusable.append(name)
    return view
