"""An item: one 課程學習成果 (course outcome) or 多元表現 (performance) record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from generator.model.file_info import FileInfo
from generator.model.lenient import loose_date, term_code

ItemType = Literal["course", "performance"]
TYPE_NAMES = {"課程學習成果": "course", "多元表現": "performance"}
# Where a course outcome stands in the school's system: uploaded but editable (draft),
# 送出認證 (sent: the teacher has it; it counts against the term's caps), certified.
Status = Literal["draft", "sent", "certified"]
STATUS_NAMES: dict[str, Status] = {
    "draft": "draft", "草稿": "draft", "未送出": "draft", "未送出認證": "draft",
    "sent": "sent", "送出": "sent", "送出認證": "sent", "已送出": "sent",
    "已送出認證": "sent", "認證中": "sent", "待認證": "sent",
    "certified": "certified", "已認證": "certified", "認證通過": "certified",
    "通過認證": "certified",
}
COUNTED: tuple[Status, ...] = ("sent", "certified")  # what the per-term caps count


def one_or_many(v: Any) -> Any:
    """A list field written as one value (`images: a.jpg`) or left empty, as a list."""
    if v is None:
        return []
    return [v] if isinstance(v, str) else v


class FrontMatter(BaseModel):
    """The front matter as written: every field is checked on its own, none is required
    here (required fields depend on the type and are reported one by one)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: ItemType | None = None
    title: str | None = None
    summary: str | None = None
    subject: str | None = None
    term: int | None = None
    certified: bool = False
    status: Status | None = None
    form: str | None = None
    category: str | None = None
    date: dt.date | None = None
    end: dt.date | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    links: list[str] = Field(default_factory=list)
    submitted: int | None = None
    document: str | None = None
    media: str | None = None
    images: list[str] = Field(default_factory=list)
    code: str | None = None
    media_trim: str | None = None
    # `portfolio new`'s marker on its sample items: the digest of the text it wrote
    # (sample_digest), or `true` by hand. See generator/checks/samples.py.
    sample: str | bool | None = None
    upload_reflection: bool = True

    @field_validator("sample", mode="before")
    @classmethod
    def _sample(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> Any:
        if v is None:
            return v
        found = STATUS_NAMES.get(str(v).strip().lower()) if isinstance(v, str) else None
        if found is None:
            raise PydanticCustomError("status", "not a status")
        return found

    @field_validator("date", "end", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        return loose_date(v)

    @field_validator("type", mode="before")
    @classmethod
    def _type_in_chinese(cls, v: Any) -> Any:
        return TYPE_NAMES.get(v, v) if isinstance(v, str) else v

    @field_validator("term", mode="before")
    @classmethod
    def _term(cls, v: Any) -> Any:
        if v is None:
            return v
        return term_code(v)

    _one_or_many = field_validator("links", "images", mode="before")(
        lambda cls, v: one_or_many(v))

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        # Which codes exist depends on the student's track: the item reader refuses the
        # others with the track's list (generator/content/item_reader.py).
        from generator.model.student import normal_code

        return None if v is None or isinstance(v, bool) else normal_code(v)

    @field_validator("summary", "title", "subject", "document", "media", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        # YAML turns `summary: 2024` into a number; a student means the text.
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class Item(BaseModel):
    """A validated item, with what was learned about its files."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str
    student: str                     # the student's slug
    path: Path                       # the item's folder
    type: ItemType
    title: str
    summary: str | None = None
    body: str = ""
    subject: str | None = None
    term: int | None = None
    certified: bool = False
    status: Status = "draft"         # a course outcome's: draft, sent (送出認證), certified
    form: str | None = None          # key of rules.forms
    category: str | None = None      # key of rules.categories
    date: dt.date | None = None
    end: dt.date | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    links: list[str] = Field(default_factory=list)
    submitted: int | None = None
    document: str | None = None
    media: str | None = None
    images: list[str] = Field(default_factory=list)  # gallery and inline images
    code: str | None = None          # the 審查資料 code: override or default
    media_trim: str | None = None
    sample: str | bool | None = None  # the sample marker, as written
    # False: the 文件 uploaded is the document as given, and the reflection stays private.
    upload_reflection: bool = True
    files: dict[str, FileInfo] = Field(default_factory=dict)  # by name, for named files that exist

    @property
    def is_course(self) -> bool:
        return self.type == "course"

    @property
    def counted(self) -> bool:
        """Whether the item counts against the per-term and per-subject caps: the caps
        (「認證件數上學期 10 件為限」) are on what is sent for 認證, not on drafts."""
        return self.is_course and self.status in COUNTED

    @property
    def year(self) -> int | None:
        """The academic year the item belongs to (its term's, or its date's)."""
        from generator.support.roc_calendar import academic_year

        if self.term is not None:
            return self.term // 10
        if self.date is not None:
            return academic_year(self.date)
        return None

    @property
    def attachments(self) -> list[tuple[str, str]]:
        """(slot, name) of every file the item names: document, media, images."""
        out: list[tuple[str, str]] = []
        if self.document:
            out.append(("document", self.document))
        if self.media:
            out.append(("media", self.media))
        out.extend(("image", name) for name in self.images)
        return out


def sample_digest(title: str | None, summary: str | None, body: str) -> str:
    """What `portfolio new` writes into a sample item's `sample:` marker: a short digest
    of its title, 簡述 and reflection as written, so that a check can tell a sample left
    as it was from one the student has made their own. Whitespace around each text and
    line endings do not count (an editor may change them without the student noticing)."""
    texts = [(title or "").strip(), (summary or "").strip()]
    texts.append("\n".join(line.rstrip() for line in body.replace("\r\n", "\n").strip()
                           .split("\n")))
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:16]
