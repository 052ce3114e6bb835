"""Links, judged offline: allowed on this category at all, and likely to last.

Whether a link answers today is the link checker's job (`generator/links/checker`);
here only what the rules and the URL itself say. A URL is named in a finding only
as `redact` gives it: findings are printed in pages and reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, make
from generator.i18n import said
from generator.links.risk import assess
from generator.model import Portfolio
from generator.support.url_credentials import addresses_with_credentials, has_credentials, redact


def check(portfolio: Portfolio) -> Iterator[Finding]:
    rules = portfolio.rules
    allowed = set(rules.links.allowed_categories)
    for student in portfolio.students:
        for item in student.items:
            # A password pasted into a link in the reflection: cut from every page and PDF
            # (render/markdown.py), and said here, since the student still has it in
            # their file and may have shared it elsewhere.
            for url in addresses_with_credentials(item.body or ""):
                yield make("link-credentials", student.key, item.id, "index.md",
                           url=redact(url))
            if not item.links:
                continue
            if item.type == "course" or item.category not in allowed:
                # A course outcome is no category of 多元表現: it is named as what it is.
                if item.type == "course":
                    record = said("link-record-course")
                elif item.category:
                    record = said("link-record-category",
                                  category=rules.categories[item.category].names())
                else:
                    record = said("link-record-none")
                yield make("link-not-allowed", student.key, item.id, None, record=record)
                continue
            for url in item.links:
                shown = redact(url)
                if has_credentials(url):
                    yield make("link-credentials", student.key, item.id, None, url=shown)
                for risk in assess(url):
                    yield make("link-at-risk", student.key, item.id, None, url=shown,
                               reason=risk.reason, risk=risk.kind)
