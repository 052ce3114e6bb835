"""Course outcomes against the 修課紀錄 (courses.csv): an outcome is uploaded only for a
course the student took that term, and only for one with credits (「『有學分』的課程學習
成果於此上傳」).

Only terms the transcript has rows for are judged: a student who keeps no courses.csv,
or none yet for a term, is told nothing about it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from generator.content.error_findings import did_you_mean
from generator.findings import Finding, make
from generator.i18n import said, verbatim
from generator.model import Portfolio


def _name(subject: str) -> str:
    # 「數學 A」 and 「數學Ａ」 are one subject: full-width forms and spaces do not count.
    return "".join(unicodedata.normalize("NFKC", subject).split()).casefold()


def check(portfolio: Portfolio) -> Iterator[Finding]:
    for student in portfolio.students:
        taken: dict[int, dict[str, list[float]]] = {}
        for row in student.courses:
            taken.setdefault(row.term, {}).setdefault(_name(row.subject), []).append(row.credits)
        written = {_name(r.subject): r.subject for r in student.courses}
        for item in student.items:
            if not item.is_course or item.term is None or not item.subject:
                continue
            subjects = taken.get(item.term)
            if not subjects:
                continue
            credits = subjects.get(_name(item.subject))
            if credits is None:
                why = said("course-why-not-taken", term=item.term)
                hint = did_you_mean(item.subject, [written[s] for s in subjects])
            elif not any(c > 0 for c in credits):
                why, hint = said("course-why-no-credits", term=item.term), verbatim("")
            else:
                continue
            yield make("course-not-in-record", student.key, item.id, None,
                       subject=item.subject, why=why, suggestion=hint)
