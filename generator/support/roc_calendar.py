"""ROC academic years and terms.

Academic year 113 runs 1 Aug 2024 – 31 Jul 2025; term 1131 is its first semester
(Aug–Jan), 1132 its second (Feb–Jul).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.i18n import text
from generator.support.clock import source_date_epoch

ROC_OFFSET = 1911


def academic_year(day: date) -> int:
    return day.year - ROC_OFFSET if day.month >= 8 else day.year - ROC_OFFSET - 1


def term_of(day: date) -> int:
    sem = 1 if day.month >= 8 or day.month == 1 else 2
    return academic_year(day) * 10 + sem


@dataclass(frozen=True, order=True)
class Term:
    year: int
    semester: int

    @classmethod
    def parse(cls, value: int | str) -> Term:
        text = str(value).strip()
        if not text.isdigit() or len(text) not in (3, 4) or text[-1] not in "12":
            raise ValueError(f"not a term: {value!r}")
        return cls(int(text[:-1]), int(text[-1]))

    @property
    def code(self) -> int:
        return self.year * 10 + self.semester

    def start(self) -> date:
        g = self.year + ROC_OFFSET
        return date(g, 8, 1) if self.semester == 1 else date(g + 1, 2, 1)

    def label(self, lang: str) -> str:
        return text("term-label", lang, year=self.year, semester=self.semester)


def grade_in(year: int, enrolled: int) -> int:
    """Grade 10, 11 or 12 in an academic year, for a student who entered in `enrolled`."""
    return 10 + year - enrolled


def resolve_today(cli_value: date | None, configured: date | None = None) -> date:
    """--today, else the content's own `today`, else SOURCE_DATE_EPOCH, else the clock."""
    if cli_value is not None:
        return cli_value
    if configured is not None:
        return configured
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed.date()
    return date.today()
