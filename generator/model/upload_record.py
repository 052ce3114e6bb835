"""What reaches reviewers of one item: its record as uploaded to the 中央資料庫.

A record carries its fields, its 簡述, one 文件, one 影音 and its links, and nothing
else: a reflection reaches reviewers only inside the 文件. Every reviewer view (the
department pages and PDFs, the bundles) and every estimate of them is built from this
one decision, so the preview shows exactly what is uploaded:

- no `document`: the 文件 is the item's own page (fields, 簡述, reflection, photos);
- a `document` and something of the item's own to add (a reflection or photos), with
  `upload_reflection` left on: the item's page followed by the document's pages (a
  PDF's pages, or the JPG/PNG placed on a page);
- a `document` with `upload_reflection: false`, or with nothing to add: the document as
  given, and the reflection stays the student's own.

`upload_reflection: false` on an item without a document leaves the reflection and
photos off the page made for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.model.item import Item

Mode = Literal["page", "page+document", "document"]


@dataclass(frozen=True)
class UploadRecord:
    """The 文件 of one item, as uploaded."""

    item: Item
    mode: Mode

    @property
    def page(self) -> bool:
        """Whether the 文件 is (or starts with) the item's page, rendered by the tool."""
        return self.mode != "document"

    @property
    def reflection(self) -> bool:
        """Whether the reflection and photos reach reviewers (inside the 文件)."""
        return self.page and self.item.upload_reflection and has_own_words(self.item)

    @property
    def private(self) -> bool:
        """Whether the item has a reflection or photos that never reach reviewers."""
        return has_own_words(self.item) and not self.reflection

    @property
    def document(self) -> str | None:
        """The student's own document inside the 文件 (appended or as given), if any."""
        return self.item.document if self.mode != "page" else None

    @property
    def document_kind(self) -> str | None:
        info = self.item.files.get(self.item.document or "")
        return info.kind if info is not None and self.document else None

    @property
    def media(self) -> str | None:
        return self.item.media

    @property
    def links(self) -> list[str]:
        return self.item.links

    @property
    def summary(self) -> str | None:
        return self.item.summary


def photos(item: Item) -> list[str]:
    """The pictures on an item's page besides its document."""
    return [n for n in item.images if n != item.document]


def has_own_words(item: Item) -> bool:
    """Whether the item has something of its own to say on its page: a reflection, or
    photos besides its document."""
    return bool(item.body.strip()) or bool(photos(item))


def upload_record(item: Item) -> UploadRecord:
    if not item.document:
        return UploadRecord(item, "page")
    if item.upload_reflection and has_own_words(item):
        return UploadRecord(item, "page+document")
    return UploadRecord(item, "document")
