"""ROC academic years and terms, and dates and terms read the way people write them.

Academic year 113 runs 1 Aug 2024 – 31 Jul 2025; term 1131 is its first semester
(Aug–Jan), 1132 its second (Feb–Jul).

Lenient reading, strict meaning: a term written `1131`, `113-1`, `113/1` or
`113學年度第1學期` (第一學期, 上學期 too), and a date written `2025-09-20`, `2025-9-20`,
`2025/9/20` or in the ROC calendar `114/9/20`, are all read; full-width digits count
as digits. Anything else is refused with `NotATerm` / `NotADate` (ValueError), and the
model's validators say the expected form in the reader's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from generator.i18n import text
from generator.support.clock import source_date_epoch

ROC_OFFSET = 1911

_SEMESTER = {"1": 1, "2": 2, "一": 1, "二": 2, "上": 1, "下": 2}
_TERM_FORMS = (
    re.compile(r"(\d{2,3})\s*[-/._ ]?\s*([12])"),                       # 1131, 113-1, 113 1
    re.compile(r"(\d{2,3})\s*學年度?\s*第?\s*([12一二上下])\s*學期"),     # 113學年度第1學期
)
_DATE_FORM = re.compile(r"(\d{2,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class NotATerm(ValueError):
    """A value that is no way of writing a term."""


class NotADate(ValueError):
    """A value that is no way of writing a date (or names a day that does not exist)."""


def _plain(value: str) -> str:
    # Full-width digits and punctuation (１１３－１) as their ASCII forms.
    return unicodedata.normalize("NFKC", value).strip()


def read_date(value: Any) -> date:
    """A date as TOML or YAML gives it, or as a person writes it (see the module doc).

    A year of two or three digits is an ROC year (114/9/20 is 2025-09-20)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise NotADate(f"not a date: {value!r}")
    match = _DATE_FORM.fullmatch(_plain(value))
    if match is None:
        raise NotADate(f"not a date: {value!r}")
    year, month, day = (int(g) for g in match.groups())
    if len(match.group(1)) < 4:
        year += ROC_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADate(f"no such day: {value!r}") from None


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
    def parse(cls, value: Any) -> Term:
        """A term as written: 1131, "113-1", "113學年度第1學期"… (NotATerm otherwise)."""
        # YAML reads `113.1` as a number: its text is still a way of writing a term.
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise NotATerm(f"not a term: {value!r}")
        text = _plain(str(value))
        for form in _TERM_FORMS:
            match = form.fullmatch(text)
            if match is not None:
                return cls(int(match.group(1)), _SEMESTER[match.group(2)])
        raise NotATerm(f"not a term: {value!r}")

    @classmethod
    def of(cls, day: date) -> Term:
        """The term `day` falls in."""
        return cls.parse(term_of(day))

    def previous(self) -> Term:
        return Term(self.year, 1) if self.semester == 2 else Term(self.year - 1, 2)

    def next(self) -> Term:
        return Term(self.year, 2) if self.semester == 1 else Term(self.year + 1, 1)

    def end(self) -> date:
        """The last day of the term (31 Jan, 31 Jul)."""
        g = self.year + ROC_OFFSET
        return date(g + 1, 1, 31) if self.semester == 1 else date(g + 1, 7, 31)

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
