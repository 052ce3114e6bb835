"""Counting limits: per term and subject (what is sent for 認證), per year (勾選), and
認證 before 勾選."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from generator.findings import Finding, make
from generator.i18n import said
from generator.model import Portfolio
from generator.support.roc_calendar import Term


def check(portfolio: Portfolio) -> Iterator[Finding]:
    limits = portfolio.rules.limits
    for student in portfolio.students:
        key = student.key
        # The caps are on what is sent for 認證 (「認證件數上學期 10 件為限」): drafts
        # still being written do not count.
        courses = [i for i in student.items if i.counted and i.term is not None]
        per_term = Counter(i.term for i in courses if i.term is not None)
        for term, n in sorted(per_term.items()):
            if n > limits.course_per_term:
                yield make("term-limit", key, None, None, term=Term.parse(term).code, count=n,
                           limit=limits.course_per_term,
                           items=", ".join(i.id for i in courses if i.term == term))
        per_subject = Counter((i.term, i.subject) for i in courses if i.subject)
        for (course_term, subject), n in sorted(per_subject.items()):
            if n > limits.course_per_subject_per_term:
                yield make("subject-limit", key, None, None, term=course_term, subject=subject,
                           count=n,
                           limit=limits.course_per_subject_per_term,
                           items=", ".join(i.id for i in courses
                                           if i.term == course_term and i.subject == subject))
        for item in student.items:
            if item.type == "course" and item.submitted is not None and not item.certified:
                yield make("not-certified", key, item.id, None, year=item.submitted)
        for kind, limit in (("course", limits.course_ticked_per_year),
                            ("performance", limits.performance_ticked_per_year)):
            ticked = [i for i in student.items if i.type == kind and i.submitted is not None]
            per_year = Counter(i.submitted for i in ticked)
            for year, n in sorted(per_year.items()):
                if n > limit:
                    yield make("year-limit", key, None, None, year=year, count=n, limit=limit,
                               kind=said(f"kind-{kind}"),
                               items=", ".join(i.id for i in ticked if i.submitted == year))
