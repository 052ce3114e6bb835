"""The rules table: limits, file types, categories and codes, loaded from data.

`official.toml` holds the rules as the official system states them; a school's
`portfolio.toml` may override `[files]`, `[summary]`, `[limits]` and `[links]`.

The codes reviewers read (審查資料代碼) depend on the application track: official.toml
holds 個人申請's (`university`), `tech.toml` 四技二專甄選入學's. `Rules.for_track` lays a
track's code table (codes, labels, order, limits, form and category → code) over the
rules; a student's resolved rules (`Portfolio.rules_for`) are what every check and page
that speaks of codes asks.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.i18n import LANGS

_OFFICIAL = Path(__file__).parent / "official.toml"
# The tracks and the file of each: `university` is official.toml's own table.
TRACKS: dict[str, Path] = {"university": _OFFICIAL, "tech": Path(__file__).parent / "tech.toml"}
DEFAULT_TRACK = "university"


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


class Code(Named):
    """One 審查資料 code's label; a track's own table says where it comes from."""

    source: str | None = None


class StatementPart(Named):
    """One part of 學習歷程自述 and the code it provides."""

    code: str


# 學習歷程自述's parts by 大學's letters, as students have written them.
_PART_ALIASES = {"o": "reflection", "p": "motivation", "q": "plan"}

# The sections of a department's reviewer view; a track gives their order.
SECTIONS = ("statement", "course_records", "courses", "reflection", "performances", "other")


class Track(Named):
    """An application track: which codes stand for the parts every track has, the order
    reviewers read them in, and the track's own per-department limits."""

    key: str
    source: str
    course_records: str                     # the code of 修課紀錄
    reflection: str                         # the code of 多元表現綜整心得
    other: str | None = None                # the code of 其他 (a text or an item), if any
    item_codes: tuple[str, ...]             # what an item's `code:` may be
    order: tuple[str, ...]                  # SECTIONS, in the reviewer's order
    statement: dict[str, StatementPart]     # reflection / motivation / plan
    kind_limits: bool                       # [limits] department_courses/performances apply
    reflection_limits: bool                 # [limits] reflection_max_* apply
    department_limits: dict[str, int] = Field(default_factory=dict)  # per code
    course_semesters: tuple[int, ...] = ()  # of 修課紀錄 reviewers see; () = all
    # section → the code whose label heads it in the reviewer's view (none: the tool's
    # own heading, as 大學's view has always had)
    headings: dict[str, str] = Field(default_factory=dict)
    # 多元表現 grouped in the order of their codes (else of the categories' table)
    performances_by_code: bool = False
    # The codes a department may take as one uploaded PDF each instead of ticked
    # central-database items (a department's `uploads`), and each such PDF's size cap.
    upload_codes: tuple[str, ...] = ()
    upload_max_mb: float | None = Field(default=None, gt=0)

    def department_cap(self, code: str, dep_limits: dict[str, int]) -> int | None:
        """The cap of `code` for a department: its own (`limits`), which can only lower
        the track's, else the track's (None: not capped)."""
        track = self.department_limits.get(code)
        own = dep_limits.get(code)
        if own is None:
            return track
        return own if track is None else min(own, track)

    @field_validator("order")
    @classmethod
    def _every_section(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if sorted(v) != sorted(SECTIONS):
            raise ValueError(f"order must list each of {', '.join(SECTIONS)} once")
        return v

    @field_validator("headings")
    @classmethod
    def _sections(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(v) - set(SECTIONS))
        if unknown:
            raise ValueError(f"headings of unknown sections: {', '.join(unknown)}")
        return v

    def statement_part(self, key: str) -> tuple[str, StatementPart | None]:
        """The part of 學習歷程自述 a key of a statement mapping names: its part key
        (reflection, motivation, plan; 大學's O/P/Q are accepted too) and the part."""
        name = str(key).strip().lower()
        name = _PART_ALIASES.get(name, name)
        return name, self.statement.get(name)

    def reviewers_see(self, term: int, enrolled: int | None) -> bool:
        """Whether a term's 修課紀錄 (`1131`: year 113, semester 1) reaches reviewers on
        this track, for a student who entered in year `enrolled` (unknown: it does)."""
        if not self.course_semesters or enrolled is None:
            return True
        semester = (term // 10 - enrolled) * 2 + term % 10
        return semester in self.course_semesters

    @property
    def statement_codes(self) -> tuple[str, ...]:
        """The codes 學習歷程自述 provides, each once, in the parts' order."""
        return tuple(dict.fromkeys(p.code for p in self.statement.values()))


class CodeRef(_Strict):
    """A form's or category's code in a track's table, with its source."""

    code: str
    source: str


class TrackTable(_Strict):
    """A track's file: the track, its codes in order, and form/category → code."""

    track: Track
    codes: dict[str, Code]
    forms: dict[str, CodeRef]
    categories: dict[str, CodeRef]

    @model_validator(mode="after")
    def _codes_known(self) -> TrackTable:
        t = self.track
        named = {t.course_records, t.reflection, *([t.other] if t.other else []),
                 *t.headings.values(),
                 *t.item_codes, *t.statement_codes, *t.department_limits, *t.upload_codes,
                 *(r.code for r in [*self.forms.values(), *self.categories.values()])}
        unknown = sorted(named - set(self.codes))
        if unknown:
            raise ValueError(f"codes not in [codes]: {', '.join(unknown)}")
        return self


class Rules(_Strict):
    files: FileRules
    summary: SummaryRules
    limits: Limits
    links: LinkRules
    paths: PathRules
    forms: dict[str, Form]
    categories: dict[str, Category]
    codes: dict[str, Code]
    receipts: ReceiptRules
    track: Track

    def for_track(self, key: str) -> Rules:
        """These rules with track `key`'s code table laid over them (itself if already)."""
        if key == self.track.key:
            return self
        table = track_table(key)
        forms = {k: f.model_copy(update={"code": table.forms[k].code})
                 for k, f in self.forms.items()}
        categories = {k: c.model_copy(update={"code": table.categories[k].code})
                      for k, c in self.categories.items()}
        return self.model_copy(update={"codes": table.codes, "forms": forms,
                                       "categories": categories, "track": table.track})

    def code_name(self, code: str, lang: str) -> str:
        """"B-1 專題實作…": the code and its label in this track, or the code alone."""
        named = self.codes.get(code)
        return f"{code} {named.name(lang)}" if named else code

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
def track_table(key: str) -> TrackTable:
    """Track `key`'s code table (KeyError for a track there is none of)."""
    if key == DEFAULT_TRACK:
        data = official_data()
        return TrackTable.model_validate({
            "track": data["track"], "codes": data["codes"],
            "forms": {k: {"code": v["code"], "source": "[CAC]"} for k, v in data["forms"].items()},
            "categories": {k: {"code": v["code"], "source": "[CAC]"}
                           for k, v in data["categories"].items()}})
    with TRACKS[key].open("rb") as fh:
        table = TrackTable.model_validate(tomllib.load(fh))
    official = official_data()
    # Every form and category must have its code in the track: a missing one would leave
    # an item without a code, an unknown one would name nothing.
    for part in ("forms", "categories"):
        if set(getattr(table, part)) != set(official[part]):
            raise ValueError(f"{TRACKS[key].name}: [{part}] must map each of "
                             f"{', '.join(official[part])}")
    return table


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
