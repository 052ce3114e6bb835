"""An item: one 課程學習成果 (course outcome) or 多元表現 (performance) record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from generator.model.file_info import FileInfo
from generator.support.roc_calendar import Term

ItemType = Literal["course", "performance"]
TYPE_NAMES = {"課程學習成果": "course", "多元表現": "performance"}


def one_or_many(v: Any) -> Any:
    """A list field written as one value (`images: a.jpg`) or left empty, as a list."""
    if v is None:
        return []
    return [v] if isinstance(v, str) else v



def term_code(v: Any) -> Any:
    """A term (1132) as its number; anything else is said with `reason-term`."""
    try:
        return Term.parse(v).code
    except ValueError:
        raise PydanticCustomError("term", "not a term") from None

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
        if v is None:
            return v
        if not isinstance(v, str) or len(v.strip()) != 1 or v.strip().upper() not in "BCDEFGHIJKLM":
            raise PydanticCustomError("item_code", "not a code from B to M")
        return v.strip().upper()

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
    files: dict[str, FileInfo] = Field(default_factory=dict)  # by name, for named files that exist

    @property
    def is_course(self) -> bool:
        return self.type == "course"

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
