"""A student: who they are, their records, items and department selections."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from generator.model.item import Item, one_or_many
from generator.model.lenient import term_code
from generator.model.receipts import Receipt
from generator.model.site_settings import TrackName
from generator.rules import Track, path_rules
from generator.support.roc_calendar import academic_year, grade_in


def _number_as_text(v: Any) -> Any:
    # YAML reads `student_id: 1012` or `code: 12345` as a number; the student means text.
    return str(v) if isinstance(v, int) else v


class StudentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    student_id: str
    school: str | None = None
    enrolled: int
    profile: str | None = None
    track: TrackName | None = None   # None: portfolio.toml's `track`

    _as_text = field_validator("student_id", "name", mode="before")(
        lambda cls, v: _number_as_text(v))

    @field_validator("enrolled")
    @classmethod
    def _roc_year(cls, v: int) -> int:
        if not 90 <= v <= 200:
            raise PydanticCustomError("roc_year", "not an ROC year")
        return v


def _yes_no(v: Any) -> Any:
    if isinstance(v, str):
        t = v.strip().lower()
        if t in ("", "無", "無成績"):
            return None
        if t in ("true", "yes", "y", "1", "是", "及格", "採計", "採計學分", "通過"):
            return True
        if t in ("false", "no", "n", "0", "否", "不及格", "不採計", "不採計學分", "未通過"):
            return False
    return v


class CourseRecord(BaseModel):
    """One row of 修課紀錄."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    term: int
    subject: str
    grade: int | None = None
    credits: float
    score: float | None = None
    passed: bool | None = None
    makeup_score: float | None = None
    makeup_passed: bool | None = None
    counted: bool | None = None

    _term = field_validator("term", mode="before")(lambda cls, v: term_code(v))

    @field_validator("grade", "score", "makeup_score", mode="before")
    @classmethod
    def _blank(cls, v: Any) -> Any:
        return None if isinstance(v, str) and v.strip() in ("", "無", "無成績", "-") else v

    _bools = field_validator("passed", "makeup_passed", "counted", mode="before")(
        lambda cls, v: _yes_no(v))


class CadreRecord(BaseModel):
    """One 校內幹部經歷 entered by the school."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    term: int
    unit: str
    role: str
    level: str | None = None

    _term = field_validator("term", mode="before")(lambda cls, v: term_code(v))


# The parts of 學習歷程自述 (O 反思, P 就讀動機, Q 未來計畫), and the English keys the editor
# and earlier content wrote for them.
STATEMENT_CODES = ("O", "P", "Q")
STATEMENT_KEYS = {"reflection": "O", "motivation": "P", "plan": "Q"}
# The texts a student writes for a department, and the codes each gives.
TEXT_CODES = {"statement": STATEMENT_CODES, "reflection": ("N",), "other": ("R",)}


def text_codes(track: Track) -> dict[str, tuple[str, ...]]:
    """The codes each text gives on `track` (TEXT_CODES is the university track's)."""
    return {"statement": track.statement_codes, "reflection": (track.reflection,),
            "other": (track.other,) if track.other else ()}


def statement_code(key: Any) -> str | None:
    """O, P or Q for a key of a 學習歷程自述 mapping (`O`, `p`, `motivation`…), else None."""
    text = str(key).strip()
    code = STATEMENT_KEYS.get(text.lower(), text.upper())
    return code if code in STATEMENT_CODES else None


def normal_code(v: Any) -> str:
    """A 審查資料 code as written (" b-1", "c1", "Ｂ－１") in the tables' spelling ("B-1")."""
    text = unicodedata.normalize("NFKC", str(v)).strip().upper().replace(" ", "")
    # "C1" and "C-1" are the same code of the 技專 track.
    if len(text) >= 2 and text[0].isalpha() and text[1:].isdigit():
        text = f"{text[0]}-{text[1:]}"
    return text


class Department(BaseModel):
    """One department applied to and the selection made for it.

    Its texts are what the student uploads to it on the 甄選會 platform: `statement`
    (學習歷程自述: one Markdown text, or its parts O/P/Q), `reflection` (N 多元表現綜整心得)
    and `other` (R 其他有利審查資料); pictures they name are relative to the student's folder.

    `limits` are the department's own caps per code where its 簡章 sets fewer than the
    track (`B-1: 2`); `uploads` the codes it takes as one uploaded PDF each instead of
    central-database items (技專: `B-1: uploads/專題實作.pdf`), the file relative to the
    student's folder. Which codes either may name, and how high a cap may go, is the
    track's (generator/content/student_files.py).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str
    name: str
    courses: list[str] = Field(default_factory=list)
    performances: list[str] = Field(default_factory=list)
    wants: list[str] = Field(default_factory=list)
    statement: str | dict[str, str] | None = None
    reflection: str | None = None
    other: str | None = None
    limits: dict[str, int] = Field(default_factory=dict)
    uploads: dict[str, str] = Field(default_factory=dict)

    _code_text = field_validator("code", mode="before")(lambda cls, v: _number_as_text(v))

    @field_validator("code")
    @classmethod
    def _code_names_a_folder(cls, v: str) -> str:
        # The code names the department's folder, zip and URLs: one that could lead out
        # of the output ("../x") or break a link ("資工 A/B") is refused here, so no
        # department with such a code ever reaches a writer (generator/engine/output_paths.py).
        rules = path_rules()
        if not rules.department_code_ok(v):
            raise PydanticCustomError("department_code", "not a department code",
                                      {"max": rules.department_code_max})
        return v

    _list = field_validator("courses", "performances", "wants", mode="before")(
        lambda cls, v: one_or_many(v))

    @field_validator("wants")
    @classmethod
    def _codes(cls, v: list[Any]) -> list[str]:
        # Which codes exist depends on the student's track: the content loader refuses
        # the others (generator/content/student_files.py), naming the track's codes.
        return [normal_code(c) for c in v]

    @field_validator("limits", "uploads", mode="before")
    @classmethod
    def _by_code(cls, v: Any) -> Any:
        # Keys are codes as people write them ("b1", "Ｂ－１"): in the tables' spelling.
        if not isinstance(v, dict):
            return v
        return {normal_code(k): n for k, n in v.items()}

    @field_validator("limits")
    @classmethod
    def _counts(cls, v: dict[str, int]) -> dict[str, int]:
        for code, most in v.items():
            if most < 0:
                raise PydanticCustomError("department_cap", "not a count", {"code": code})
        return v

    @field_validator("statement", mode="before")
    @classmethod
    def _statement_parts(cls, v: Any) -> Any:
        # A mapping is keyed by its parts, O/P/Q (or reflection/motivation/plan), kept in
        # that order; an empty part is no part.
        if not isinstance(v, dict):
            return v
        parts: dict[str, str] = {}
        for key, body in v.items():
            code = statement_code(key)
            if code is None:
                raise PydanticCustomError("statement-part", "not a part", {"part": str(key)[:40]})
            if body is not None and not isinstance(body, str):
                raise PydanticCustomError("statement-text", "not text", {"part": str(key)[:40]})
            if body and body.strip():
                parts[code] = body
        return {code: parts[code] for code in STATEMENT_CODES if code in parts} or None

    def statement_for(self) -> list[tuple[str | None, str]]:
        """The 學習歷程自述 as this department takes it: (part code, Markdown) for each
        part it asks for (all when `wants` names none of O/P/Q), or (None, text) for one
        text written whole."""
        if not self.statement:
            return []
        if isinstance(self.statement, str):
            return [(None, self.statement)] if self.statement.strip() else []
        wanted = [c for c in STATEMENT_CODES if c in self.wants] or list(STATEMENT_CODES)
        return [(c, self.statement[c]) for c in wanted if c in self.statement]

    def texts(self) -> list[str]:
        """Every text written for the department (for pictures, IDs and such in them)."""
        statement = (list(self.statement.values()) if isinstance(self.statement, dict)
                     else [self.statement or ""])
        return [t for t in [*statement, self.reflection or "", self.other or ""] if t]

    def wants_code(self, code: str) -> bool:
        """Whether the department asks for `code` (one that names no codes asks for all)."""
        return not self.wants or code in self.wants

    def wants_text(self, kind: str, track: Track | None = None) -> bool:
        """Whether the text `kind` (statement, reflection, other) is written and the
        department takes it: it asks for one of the text's codes (in `track`'s codes:
        技專's D-1…D-3; 大學's without one), or names no codes."""
        written = self.statement_for() if kind == "statement" else \
            (getattr(self, kind) or "").strip()
        codes = TEXT_CODES[kind] if track is None else text_codes(track)[kind]
        return bool(written) and any(self.wants_code(c) for c in codes)


class Student(BaseModel):
    """Everything in one student's folder, after loading."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    slug: str
    path: Path
    info: StudentInfo | None = None
    items: list[Item] = Field(default_factory=list)
    courses: list[CourseRecord] = Field(default_factory=list)
    cadres: list[CadreRecord] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    has_course_records: bool = False
    receipts: list[Receipt] = Field(default_factory=list)   # receipts.yaml: 收訖明細確認
    track: str = "university"   # resolved: student.yaml's, else portfolio.toml's

    @property
    def key(self) -> str:
        """How findings and reports name the student: the student number where known."""
        return self.info.student_id if self.info else self.slug

    @property
    def name(self) -> str:
        return self.info.name if self.info else self.slug

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def receipt(self, part: str, period: int) -> Receipt | None:
        """What the student recorded for one confirmation (None: nothing yet)."""
        return next((r for r in self.receipts if (r.part, r.period) == (part, period)), None)

    def courses_for_reviewers(self, today: dt.date, semesters: int) -> list[CourseRecord]:
        """The 修課紀錄 a department's reviewers get: for a grade-12 (應屆) applicant only
        those of their first `semesters` semesters (the rules' `applicant_record_semesters`:
        the last semester's grades are not in yet when applications are read)."""
        if self.info is None:
            return list(self.courses)
        enrolled = self.info.enrolled
        if grade_in(academic_year(today), enrolled) != 12:
            return list(self.courses)
        return [c for c in self.courses
                if (c.term // 10 - enrolled) * 2 + c.term % 10 <= semesters]
