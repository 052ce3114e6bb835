"""簡述: always written, at most 100 characters as people count them.

A missing 簡述 is a warning (the official advice is 「建議務必填寫」), or an error,
`summary-required`, where the school requires it (`[summary] required = true`)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, make
from generator.model import Portfolio
from generator.support.characters import count_chars


def check(portfolio: Portfolio) -> Iterator[Finding]:
    limit = portfolio.rules.summary.max_chars
    missing = "summary-required" if portfolio.rules.summary.required else "summary-missing"
    for student in portfolio.students:
        for item in student.items:
            if not item.summary or not item.summary.strip():
                yield make(missing, student.key, item.id)
                continue
            n = count_chars(item.summary)
            if n > limit:
                yield make("summary-too-long", student.key, item.id, count=n, limit=limit,
                           over=n - limit)
