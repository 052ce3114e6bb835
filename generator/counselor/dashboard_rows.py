"""One dashboard row per student: the figures a counselor scans the class by.

The same rows feed the class index (`index.html`) and `summary.csv`, so the page and
the spreadsheet never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from generator.checks.deadlines import Due, Window, coming, late, next_due, student_dues
from generator.checks.departments import department_findings
from generator.checks.receipts import Tally, tally
from generator.content.reviews import Reviews
from generator.findings import Finding
from generator.model import Department, Portfolio, Student
from generator.render.site.student_records import YearCounts, year_counts

LINK_RISK_CODES = ("link-at-risk", "link-broken", "link-redirected")


@dataclass(frozen=True)
class DepartmentState:
    code: str
    name: str
    state: str            # error | warning | ok
    courses: int
    performances: int
    comments: int = 0


@dataclass
class StudentRow:
    student: Student
    years: list[YearCounts]
    errors: Counter[str]          # finding code -> how many, errors only
    warnings: Counter[str]        # warnings only
    infos: int
    links_at_risk: int            # link-at-risk findings (broken/redirected are in errors/warnings)
    missing_summaries: int
    courses: int
    performances: int
    departments: list[DepartmentState]
    dues: list[Due] = field(default_factory=list)
    receipts: Tally | None = None   # 收訖明細: confirmed, reported, missing (None: no window yet)
    comments: int = 0
    last_built: str = ""
    track: str = ""               # the student's application track, by name (a class may mix)

    @property
    def slug(self) -> str:
        return self.student.slug

    @property
    def key(self) -> str:
        return self.student.key

    @property
    def name(self) -> str:
        return self.student.name

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def warning_count(self) -> int:
        return sum(self.warnings.values())

    @property
    def over_limit(self) -> bool:
        return any(y.courses.over or y.performances.over for y in self.years)

    @property
    def next_due(self) -> Due | None:
        return next_due(self.dues)

    @property
    def late(self) -> list[Due]:
        return late(self.dues)

    @property
    def coming(self) -> list[Due]:
        return coming(self.dues)

    @property
    def state(self) -> str:
        if self.error_count:
            return "error"
        if self.warning_count or self.late:
            return "warning"
        return "ok"

    def grade_counts(self) -> dict[int, YearCounts]:
        """The year counts by grade (10, 11, 12) for fixed spreadsheet columns."""
        return {y.grade: y for y in self.years if y.grade is not None}


def _department_state(found: list[Finding], dep: Department, reviews: Reviews | None
                      ) -> DepartmentState:
    mine = department_findings(found, dep)
    state = ("error" if any(f.severity == "error" for f in mine)
             else "warning" if any(f.severity == "warning" for f in mine) else "ok")
    comments = len(reviews.departments.get(dep.code, [])) if reviews else 0
    return DepartmentState(dep.code, dep.name, state, len(dep.courses), len(dep.performances),
                           comments)


def student_row(portfolio: Portfolio, student: Student, found: list[Finding], lang: str,
                windows: list[Window], reviews: Reviews | None, today: date) -> StudentRow:
    rules = portfolio.rules_for(student)
    return StudentRow(
        student=student,
        track=rules.track.name(lang),
        years=year_counts(student, rules, lang),
        errors=Counter(f.code for f in found if f.severity == "error"),
        warnings=Counter(f.code for f in found if f.severity == "warning"),
        infos=sum(1 for f in found if f.severity == "info"),
        links_at_risk=sum(1 for f in found if f.code == "link-at-risk"),
        missing_summaries=sum(1 for i in student.items if not (i.summary or "").strip()),
        courses=sum(1 for i in student.items if i.is_course),
        performances=sum(1 for i in student.items if not i.is_course),
        departments=[_department_state(found, d, reviews) for d in student.departments],
        dues=student_dues(windows, student, found, today, portfolio.rules),
        receipts=tally(student, portfolio.rules, windows, today),
        comments=reviews.count if reviews else 0,
    )


def class_rows(portfolio: Portfolio, findings: list[Finding], lang: str,
               windows: list[Window], reviews: dict[str, Reviews]) -> list[StudentRow]:
    by_student: dict[str | None, list[Finding]] = {}
    for f in findings:
        by_student.setdefault(f.student, []).append(f)
    return [student_row(portfolio, s, by_student.get(s.key, []), lang, windows,
                        reviews.get(s.slug), portfolio.today) for s in portfolio.students]
