"""A student: who they are, their records, items and department selections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from generator.model.item import Item, one_or_many, term_code
from generator.rules import path_rules


def _number_as_text(v: Any) -> Any:
    # YAML reads `student_id: 1012` or `code: 12345` as a number; the student means text.
    return str(v) if isinstance(v, int) else v


_term_code = term_code


class StudentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    student_id: str
    school: str | None = None
    enrolled: int
    profile: str | None = None

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
        if t in ("false", "no", "n", "0", "否", "不及格", "不採計", "未通過"):
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

    _term = field_validator("term", mode="before")(lambda cls, v: _term_code(v))

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

    _term = field_validator("term", mode="before")(lambda cls, v: _term_code(v))


class Department(BaseModel):
    """One department applied to and the selection made for it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str
    name: str
    courses: list[str] = Field(default_factory=list)
    performances: list[str] = Field(default_factory=list)
    wants: list[str] = Field(default_factory=list)
    statement: str | dict[str, str] | None = None
    reflection: str | None = None

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
    def _codes(cls, v: list[str]) -> list[str]:
        out = [c.strip().upper() for c in v]
        bad = [c for c in out if len(c) != 1 or c not in "ABCDEFGHIJKLMNOPQ"]
        if bad:
            raise PydanticCustomError("wanted_codes", "not codes from A to Q",
                                      {"codes": ", ".join(bad)})
        return out


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

    @property
    def key(self) -> str:
        """How findings and reports name the student: the student number where known."""
        return self.info.student_id if self.info else self.slug

    @property
    def name(self) -> str:
        return self.info.name if self.info else self.slug

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)
