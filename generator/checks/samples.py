"""Sample items: what `portfolio new` wrote to start from is not the student's own work.

`portfolio new` marks each sample item with `sample: <digest>` in its front matter, the
digest of the title, 簡述 and reflection it wrote (generator.model.item.sample_digest).
Left as written, the sample would go into the site, the PDF and the upload files as if
it were the student's: a warning says so until the item is removed or its text changed.
A hand-written `sample: true` warns until the line is removed.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, make
from generator.model import Portfolio, sample_digest


def check(portfolio: Portfolio) -> Iterator[Finding]:
    for student in portfolio.students:
        for item in student.items:
            if item.sample is None or item.sample is False:
                continue
            if item.sample is True or item.sample == sample_digest(item.title, item.summary,
                                                                   item.body):
                yield make("sample-content", student.key, item.id, "index.md",
                           title=item.title)
