"""What the student home and the department pages show about a whole student:
counts against the limits, 修課紀錄 by term, items grouped as reviewers group them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from generator.findings import Finding
from generator.model import CourseRecord, Item, Student
from generator.rules import Rules
from generator.support.roc_calendar import Term, grade_in


@dataclass(frozen=True)
class Count:
    used: int
    limit: int

    @property
    def over(self) -> bool:
        return self.used > self.limit

    @property
    def full(self) -> bool:
        return self.used == self.limit


@dataclass(frozen=True)
class YearCounts:
    year: int
    grade: int | None
    courses: Count          # course outcomes ticked into 中央資料庫 that year
    performances: Count     # performances ticked that year
    terms: tuple[tuple[str, Count], ...]   # course outcomes uploaded per term


def years_of(student: Student) -> list[int]:
    years: set[int] = set()
    if student.info:
        years |= {student.info.enrolled + n for n in range(3)}
    years |= {i.submitted for i in student.items if i.submitted is not None}
    years |= {i.term // 10 for i in student.items if i.term}
    return sorted(years)


def year_counts(student: Student, rules: Rules, lang: str) -> list[YearCounts]:
    limits = rules.limits
    ticked = Counter((i.type, i.submitted) for i in student.items if i.submitted is not None)
    per_term = Counter(i.term for i in student.items if i.is_course and i.term)
    out = []
    for year in years_of(student):
        terms = tuple((Term(year, s).label(lang), Count(per_term[year * 10 + s],
                                                          limits.course_per_term))
                      for s in (1, 2))
        grade = grade_in(year, student.info.enrolled) if student.info else None
        out.append(YearCounts(year, grade if grade and 10 <= grade <= 12 else None,
                              Count(ticked[("course", year)], limits.course_ticked_per_year),
                              Count(ticked[("performance", year)],
                                    limits.performance_ticked_per_year), terms))
    return out


def course_tables(student: Student, lang: str, rules: Rules | None = None
                  ) -> list[tuple[str, list[CourseRecord], float]]:
    """One table per term: (term label, rows, credits earned). With the student's
    `rules`, only the terms its track's reviewers see (技專: semesters 1–4)."""
    enrolled = student.info.enrolled if student.info else None
    by_term: dict[int, list[CourseRecord]] = defaultdict(list)
    for row in student.courses:
        if rules is not None and not rules.track.reviewers_see(row.term, enrolled):
            continue
        by_term[row.term].append(row)
    out = []
    for term in sorted(by_term):
        rows = by_term[term]
        earned = sum(r.credits for r in rows if r.passed or r.makeup_passed)
        out.append((Term.parse(term).label(lang), rows, earned))
    return out


def courses_by_term(items: list[Item], lang: str) -> list[tuple[str, list[Item]]]:
    by_term: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.is_course:
            by_term[item.term or 0].append(item)
    return [(Term.parse(t).label(lang) if t else "—", sorted(by_term[t], key=_subject_order))
            for t in sorted(by_term)]


def performances_by_category(items: list[Item], rules: Rules,
                             lang: str) -> list[tuple[str, list[Item]]]:
    """In the order the official categories are listed; dated items oldest first."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if not item.is_course:
            groups[item.category or ""].append(item)
    order = [*rules.categories, ""]
    return [(rules.categories[c].name(lang) if c in rules.categories else "—",
             sorted(groups[c], key=lambda i: (i.date is None, i.date, i.id)))
            for c in order if groups.get(c)]


def _subject_order(item: Item) -> tuple[str, str]:
    return (item.subject or "", item.id)


def severity_counts(found: list[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in found)
    return {"error": c["error"], "warning": c["warning"], "info": c["info"]}
