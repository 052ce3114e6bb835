"""The counselor's comment files.

A mistake in them would otherwise only show as a missing comment; here it becomes a
warning `check` prints and the dashboard lists. Comments are read from each student's
`reviews.yaml` and `<content>/reviews/`; a build given `--reviews DIR` reports on that
folder instead (generator/counselor/counselor_step.py). The counselor's other file,
`[deadlines]` in portfolio.toml, is reported on when it is read
(`deadline-invalid`: generator/content/site_settings.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.content.reviews import default_reviews_dir, load_reviews, review_findings
from generator.findings import Finding
from generator.model import Portfolio


def check(portfolio: Portfolio) -> Iterable[Finding]:
    reviews = load_reviews(portfolio.students, default_reviews_dir(portfolio.root),
                           portfolio.root)
    yield from review_findings(reviews)
