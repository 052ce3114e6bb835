"""One item as the print theme shows it: its fields, texts, pictures, media and document.

The template only lays out what this module hands it: every label is already in
the reader's language and every picture already print-sized, so the theme never
needs to know the rules table or the cache.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.content.image_refs import markdown_images
from generator.content.item_paths import resolve_inside
from generator.engine.workers import default_jobs
from generator.i18n import text
from generator.model import Item
from generator.model.upload_record import UploadRecord, upload_record
from generator.render.markdown import render_markdown
from generator.render.pdf.media_poster import duration_label, poster_frame, qr_svg
from generator.render.pdf.print_images import (
    GALLERY,
    INLINE,
    PAGE,
    SCHEME,
    ImageCache,
    PrintBox,
    PrintImage,
)
from generator.rules import Rules
from generator.support.roc_calendar import Term
from generator.support.url_credentials import redact

SCHEMES = ("http", "https", "mailto", SCHEME)


@dataclass(frozen=True)
class Quality:
    """How finely pictures are printed: the upload copy steps these down to fit 4 MB."""

    dpi: int = 150
    jpeg: int = 80


@dataclass
class Row:
    label: str
    value: str
    href: str | None = None


@dataclass
class MediaView:
    kind: str                       # video | audio
    name: str
    duration: str
    poster: PrintImage | None
    link: str | None
    qr: str | None                  # inline SVG


@dataclass
class AttachmentView:
    """A PDF document whose pages follow the item: the template reserves one page each."""

    item: str
    name: str
    path: Path
    pages: int
    anchors: list[str]              # one id per reserved page
    label: str = ""                 # the running header of its pages (default: its name)
    follows: str = ""               # the note before them (default: name and pages)


@dataclass
class PrintedItem:
    id: str
    anchor: str
    title: str
    code: str
    code_name: str
    group: str                      # the term (courses) or category (performances) label
    when: str
    rows: list[Row]
    summary: str | None
    body: str
    gallery: list[PrintImage] = field(default_factory=list)
    media: MediaView | None = None
    links: list[str] = field(default_factory=list)
    attachment: AttachmentView | None = None
    note: str | None = None         # why a document is not shown
    subject: str = ""
    media_seconds: float = 0.0
    private: bool = False           # its reflection never reaches reviewers (the student's copy)
    document_image: PrintImage | None = None   # a picture 文件 on a page of its own
    errors: bool = False            # the item has errors: its pages carry the draft mark


class PrintedItems:
    """Builds the printed items of one document, sharing the picture cache and settings."""

    def __init__(self, rules: Rules, lang: str, images: ImageCache, quality: Quality,
                 attach_documents: bool = True):
        self.rules = rules
        self.lang = lang
        self.images = images
        self.quality = quality
        self.attach_documents = attach_documents

    def t(self, key: str, **params: Any) -> str:
        return text(f"pdf-{key}", self.lang, **params)

    def prefetch(self, items: list[Item]) -> None:
        """Print-size every picture of `items` at once, over all cores: decoding and
        resizing release the GIL, and a cold cache with 48 phone photos is most of the
        time of a first build."""
        jobs: list[tuple[Item, str, PrintBox]] = []
        for item in items:
            inline = set(markdown_images(item.body))
            jobs += [(item, name, INLINE) for name in item.images if name in inline]
            jobs += [(item, name, GALLERY) for name in self._gallery_names(item, inline)]
        if len(jobs) > 1:
            with ThreadPoolExecutor(default_jobs()) as pool:
                list(pool.map(lambda job: self._picture(*job), jobs))

    def view(self, item: Item, *, reflection: bool = True,
             document_page: bool = False) -> PrintedItem:
        """The item's page. `reflection=False` leaves its reflection and photos off (an
        upload 文件 that must not carry them); `document_page` puts a picture given as
        文件 on a page of its own after the item, as the upload 文件 places it."""
        used: set[str] = set()
        body = spell_out_links(render_markdown(item.body, self._image_hook(item, used),
                                               heading_offset=2, schemes=SCHEMES)) \
            if reflection else ""
        names = self._gallery_names(item, used) if reflection else []
        doc = item.files.get(item.document or "")
        image_document = doc is not None and doc.kind in ("jpg", "png") and not doc.problem
        if document_page and image_document:
            names = [n for n in names if n != item.document]
        elif not reflection and image_document:
            names = [item.document or ""]
        gallery = [img for name in names
                   if (img := self._picture(item, name, GALLERY)) is not None]
        code = item.code or ""
        v = PrintedItem(
            id=item.id, anchor=f"item-{item.id}", title=item.title, code=code,
            code_name=self.rules.codes[code].name(self.lang) if code in self.rules.codes else "",
            group=self._group(item), when=self._when(item), rows=[], summary=item.summary,
            body=body, gallery=gallery, links=shown_links(item), subject=item.subject or "")
        v.media = self._media(item)
        v.media_seconds = (item.files[item.media].duration or 0.0) \
            if item.media and item.media in item.files else 0.0
        if document_page and image_document:
            v.document_image = self._picture(item, item.document or "", PAGE)
        self._document(item, v)
        v.rows = self._rows(item, v)
        return v

    def student_view(self, item: Item) -> PrintedItem:
        """The item as the student's own copy prints it: everything, its reflection
        marked when it will not be uploaded."""
        v = self.view(item)
        v.private = upload_record(item).private
        return v

    def record_view(self, item: Item, upload: Path | None) -> PrintedItem:
        """The item as reviewers get it: its record's fields, 簡述, 影音 and links, then
        its upload 文件 (`upload`, the file the build made: a PDF laid in page by page,
        or a picture on a page of its own). Nothing else of the item is shown."""
        record = upload_record(item)
        v = self.view(item, reflection=False)
        v.gallery = []
        v.note = None
        v.attachment = None
        v.rows = [r for r in v.rows if r.label != self.t("field-document")]
        v.rows.append(Row(self.t("field-upload"), self._upload_label(record)))
        if upload is None:
            v.note = self.t("upload-missing")
        elif upload.suffix.lower() == ".pdf":
            pages = _pdf_pages(upload)
            if pages:
                v.attachment = AttachmentView(
                    item.id, upload.name, upload, pages,
                    [f"att-{item.id}-{n}" for n in range(pages)],
                    label=self.t("upload-attachment", title=item.title),
                    follows=self.t("upload-follows", n=pages))
            else:
                v.note = self.t("upload-missing")
        else:
            v.document_image = self.images.prepare(upload, PAGE, self.quality.dpi,
                                                   self.quality.jpeg)
        return v

    def _upload_label(self, record: UploadRecord) -> str:
        if record.mode == "page":
            return self.t("upload-is-page")
        if record.mode == "page+document":
            return self.t("upload-is-page-document", name=record.item.document)
        return self.t("upload-is-document", name=record.item.document)

    # -- fields -------------------------------------------------------------------------

    def _group(self, item: Item) -> str:
        if item.is_course:
            return Term.parse(item.term).label(self.lang) if item.term else ""
        cat = self.rules.categories.get(item.category or "")
        return cat.name(self.lang) if cat else (item.category or "")

    def _when(self, item: Item) -> str:
        if item.is_course:
            return Term.parse(item.term).label(self.lang) if item.term else ""
        if item.date and item.end and item.end != item.date:
            return f"{item.date.isoformat()} – {item.end.isoformat()}"
        return item.date.isoformat() if item.date else ""

    def _rows(self, item: Item, v: PrintedItem) -> list[Row]:
        t = self.t
        rows: list[Row] = []
        if item.is_course:
            form = self.rules.forms.get(item.form or "")
            rows += [Row(t("field-term"), v.when), Row(t("field-subject"), item.subject or ""),
                     Row(t("field-form"), f"{v.code} {form.name(self.lang)}" if form else v.code),
                     Row(t("field-certified"), t("yes-certified") if item.certified
                         else t("not-certified"))]
        else:
            rows += [Row(t("field-category"), v.group),
                     Row(t("field-code"), f"{v.code} {v.code_name}".strip()),
                     Row(t("field-date"), v.when)]
            cat = self.rules.categories.get(item.category or "")
            specs = cat.fields if cat else {}
            for key, spec in specs.items():
                if key in item.details and item.details[key] not in (None, ""):
                    rows.append(Row(spec.name(self.lang), _plain(item.details[key])))
            for key, value in item.details.items():
                if key not in specs and value not in (None, ""):
                    rows.append(Row(key, _plain(value)))
        rows.append(Row(t("field-submitted"), t("submitted-in", year=item.submitted)
                        if item.submitted else t("not-submitted")))
        if item.document:
            info = item.files.get(item.document)
            pages = t("pages", n=info.pages) if info and info.pages else ""
            rows.append(Row(t("field-document"), f"{item.document} {pages}".strip()))
        if v.media:
            rows.append(Row(t("field-media"), f"{v.media.name}（{v.media.duration}）"
                            if self.lang == "zh-TW" else f"{v.media.name} ({v.media.duration})"))
        rows += [Row(t("field-link"), url, url) for url in shown_links(item)]
        return rows

    # -- pictures -----------------------------------------------------------------------

    def _picture(self, item: Item, name: str, box: PrintBox) -> PrintImage | None:
        real, _ = resolve_inside(item.path, name)
        info = item.files.get(name)
        if real is None or (info is not None and info.problem):
            return None
        return self.images.prepare(real, box, self.quality.dpi, self.quality.jpeg,
                                   digest=info.sha256 if info else None)

    def _image_hook(self, item: Item, used: set[str]) -> Any:
        def hook(src: str, alt: str) -> dict[str, str] | None:
            img = self._picture(item, src, INLINE)
            if img is None:
                return None
            used.add(src)
            return {"src": img.url, "width": str(img.width),
                    "height": str(img.height)}

        return hook

    def text_hook(self, folder: Path) -> Any:
        """Pictures of a text outside items (a department's texts, the profile): named
        relative to the student's folder, and staying inside it."""
        def hook(src: str, alt: str) -> dict[str, str] | None:
            real, _ = resolve_inside(folder, src[2:] if src.startswith("./") else src)
            if real is None:
                return None
            img = self.images.prepare(real, INLINE, self.quality.dpi, self.quality.jpeg)
            if img is None:
                return None
            return {"src": img.url, "width": str(img.width), "height": str(img.height)}

        return hook

    def _gallery_names(self, item: Item, used: set[str] | frozenset[str]) -> list[str]:
        names = [n for n in item.images if n not in used]
        doc = item.files.get(item.document or "")
        if doc is not None and doc.kind in ("jpg", "png") and item.document not in used:
            names.insert(0, item.document or "")  # a picture given as 文件 is evidence too
        return list(dict.fromkeys(names))

    # -- media and documents ------------------------------------------------------------

    def _media(self, item: Item) -> MediaView | None:
        info = item.files.get(item.media or "")
        if not item.media or info is None:
            return None
        kind = "video" if info.video_codec or (info.kind == "mp4" and info.width) else "audio"
        poster = None
        if kind == "video" and not info.problem:
            poster = poster_frame(item.path / item.media, info.sha256, info.duration,
                                  self.images, self.quality.dpi, self.quality.jpeg)
        link = online_copy(shown_links(item))
        return MediaView(kind, item.media, duration_label(info.duration), poster, link,
                         qr_svg(link) if link else None)

    def _document(self, item: Item, v: PrintedItem) -> None:
        info = item.files.get(item.document or "")
        if not item.document or info is None or info.kind != "pdf":
            return
        if info.problem or not info.pages:
            v.note = self.t("document-unreadable", name=item.document)
            return
        if not self.attach_documents:
            return
        real, _ = resolve_inside(item.path, item.document)
        if real is None:
            return
        v.attachment = AttachmentView(
            item.id, item.document, real, info.pages,
            [f"att-{item.id}-{n}" for n in range(info.pages)])


# Hosts where a link is most likely the online copy of the item's video or recording.
MEDIA_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "drive.google.com", "soundcloud.com",
               "bilibili.com", "facebook.com", "instagram.com", "spotify.com")


def shown_links(item: Item) -> list[str]:
    """The item's links as printed: never with a user name or password in them."""
    return [redact(url) for url in item.links]


def online_copy(links: list[str]) -> str | None:
    """The link to print under a video or recording: a media host's first, else the first."""
    for url in links:
        host = (urlsplit(url).hostname or "").lower()
        if any(host == h or host.endswith("." + h) for h in MEDIA_HOSTS):
            return url
    return links[0] if links else None


_LINK = re.compile(r'<a href="(https?://[^"]+)"([^>]*)>(.*?)</a>', re.S)


def spell_out_links(html: str) -> str:
    """Paper cannot be clicked: a link whose text is not its address gets the address
    printed after it, in full (and clickable in the PDF)."""
    def spelled(m: re.Match[str]) -> str:
        href, attrs, label = m.group(1), m.group(2), m.group(3)
        shown = unescape(re.sub(r"<[^>]+>", "", label)).strip()
        if shown in (unescape(href), unescape(href).removesuffix("/")):
            return m.group(0)
        return (f'<a href="{href}"{attrs}>{label}</a>'
                f' <a class="url spelled" href="{href}">({href})</a>')

    return _LINK.sub(spelled, html)


def _pdf_pages(path: Path) -> int:
    try:
        import pikepdf  # qpdf reads the page tree only; pypdf parsed every object of it

        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except Exception:  # a file qpdf cannot take apart: shown as not made
        return 0


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)
