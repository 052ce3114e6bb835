"""The counselor's own files: `[deadlines]` in portfolio.toml and the comment files.

A mistake in them would otherwise only show as a missing deadline or a missing
comment; here it becomes a warning `check` prints and the dashboard lists. Comments
are read from each student's `reviews.yaml` and `<content>/reviews/`; a build given
`--reviews DIR` reports on that folder instead (generator/counselor/counselor_step.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.checks.deadlines import parse_deadlines
from generator.content.reviews import default_reviews_dir, load_reviews, review_findings
from generator.findings import Finding
from generator.model import Portfolio


def check(portfolio: Portfolio) -> Iterable[Finding]:
    _windows, problems = parse_deadlines(portfolio.settings.extra.get("deadlines"))
    yield from problems
    reviews = load_reviews(portfolio.students, default_reviews_dir(portfolio.root),
                           portfolio.root)
    yield from review_findings(reviews)
