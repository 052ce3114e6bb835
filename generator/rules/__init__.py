"""The rules table: limits, file types, categories and codes, loaded from data.

`official.toml` holds the rules as the official system states them; a school's
`portfolio.toml` may override `[files]`, `[summary]`, `[limits]` and `[links]`.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.i18n import LANGS

_OFFICIAL = Path(__file__).parent / "official.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def format_size(size: int, megabyte: int, *, unit: bool = False, trim: bool = False) -> str:
    """`size` bytes in the rules' megabytes (official.toml's `megabyte`), one decimal.

    Bare ("4.0", "52.4") for a message that says "MB" itself, so the student reads the
    same number the limit is given in; `trim` drops a ".0" ("1", "0.5"). With `unit`,
    as a page or table shows it: "4.0 MB", and below a tenth of a megabyte whole
    kilobytes ("350 KB", never "0 KB").
    """
    if unit and size < megabyte // 10:
        return f"{max(1, size * 1000 // megabyte)} KB"
    number = f"{size / megabyte:.1f}"
    if trim:
        number = number.removesuffix(".0")
    return f"{number} MB" if unit else number


class FileRules(_Strict):
    megabyte: int
    document_max_mb: float
    media_max_mb: float
    quota_mb: float
    document_types: tuple[str, ...]
    media_types: tuple[str, ...]
    image_types: tuple[str, ...]
    image_max_pixels: int
    text_max_mb: float
    kit_max_mb: float

    def format_size(self, size: int, *, unit: bool = False, trim: bool = False) -> str:
        """`size` bytes as the rules count them: see generator.rules.format_size."""
        return format_size(size, self.megabyte, unit=unit, trim=trim)

    @property
    def document_max_bytes(self) -> int:
        return int(self.document_max_mb * self.megabyte)

    @property
    def media_max_bytes(self) -> int:
        return int(self.media_max_mb * self.megabyte)

    @property
    def quota_bytes(self) -> int:
        return int(self.quota_mb * self.megabyte)

    @property
    def text_max_bytes(self) -> int:
        return int(self.text_max_mb * self.megabyte)

    @property
    def kit_max_bytes(self) -> int:
        """A PDF the student uploads to a department (學習歷程自述, 綜整心得, 其他)."""
        return int(self.kit_max_mb * self.megabyte)


class SummaryRules(_Strict):
    max_chars: int
    required: bool = False  # a missing 簡述 is an error (summary-required), not a warning


class Limits(_Strict):
    course_per_term: int
    course_per_subject_per_term: int
    course_ticked_per_year: int
    performance_ticked_per_year: int
    department_courses: int
    department_performances: int
    reflection_max_chars: int
    reflection_max_images: int
    performance_start_month: int
    performance_start_day: int
    school_years: int
    applicant_record_semesters: int = Field(ge=1, le=6)


class LinkRules(_Strict):
    allowed_categories: tuple[str, ...]


class PathRules(_Strict):
    """What may name the output's folders, zips and URLs (generator/engine/output_paths.py)."""

    department_code_chars: str
    department_code_max: int = Field(ge=1, le=64)
    name_max_bytes: int = Field(ge=32, le=200)

    def department_code_ok(self, code: str) -> bool:
        return _code_pattern(self.department_code_chars, self.department_code_max) \
            .fullmatch(code) is not None


@cache
def _code_pattern(chars: str, most: int) -> re.Pattern[str]:
    # re.ASCII: without it \w-like classes could match 全形 letters; the class is given
    # explicitly, but the flag keeps it ASCII whatever a future edit writes there.
    return re.compile(f"[{chars}]{{1,{most}}}", re.ASCII)


class Named(_Strict):
    zh: str = Field(alias="zh-TW")
    en: str

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def names(self) -> dict[str, str]:
        """The name in every language, as a finding's parameter."""
        return {lang: self.name(lang) for lang in LANGS}


class Form(Named):
    code: str


class FieldSpec(Named):
    kind: str
    choices: tuple[str, ...] = ()


class Category(Named):
    code: str
    short: str       # in upload file names: 1132-競賽參與-<title>.pdf
    fields: dict[str, FieldSpec]


class ReceiptPart(Named):
    """One part of the 收訖明細: confirmed per term or per year, and what of each record
    the checklist shows (field key → its name on the receipt)."""

    per: Literal["term", "year"]
    fields: dict[str, Named]


class ReceiptRules(_Strict):
    yearly_semester: int = Field(ge=1, le=2)
    parts: dict[str, ReceiptPart]

    def part_key(self, value: str) -> str | None:
        """The part for its key or its name in any language (修課紀錄, course records)."""
        wanted = value.strip().casefold()
        for key, part in self.parts.items():
            if wanted in (key.casefold(), part.zh.casefold(), part.en.casefold()):
                return key
        return None


class Rules(_Strict):
    files: FileRules
    summary: SummaryRules
    limits: Limits
    links: LinkRules
    paths: PathRules
    forms: dict[str, Form]
    categories: dict[str, Category]
    codes: dict[str, Named]
    receipts: ReceiptRules

    def category_key(self, value: str) -> str | None:
        """The category key for a key or its Chinese name (both are accepted)."""
        if value in self.categories:
            return value
        for key, cat in self.categories.items():
            if value == cat.zh:
                return key
        return None

    def form_key(self, value: str) -> str | None:
        if value in self.forms:
            return value
        for key, form in self.forms.items():
            if value in (form.zh, form.code):
                return key
        return None


OVERRIDABLE = ("files", "summary", "limits", "links")


@cache
def official_data() -> dict[str, Any]:
    with _OFFICIAL.open("rb") as fh:
        return tomllib.load(fh)


@cache
def path_rules() -> PathRules:
    """The [paths] rules: the tool's own, the same for every school (not overridable)."""
    return PathRules.model_validate(official_data()["paths"])


def load_rules(overrides: dict[str, Any] | None = None) -> Rules:
    """The official rules with a school's overrides laid over them."""
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in official_data().items()}
    for section, values in (overrides or {}).items():
        if section in OVERRIDABLE and isinstance(values, dict):
            data[section] = {**data[section], **values}
    return Rules.model_validate(data)
