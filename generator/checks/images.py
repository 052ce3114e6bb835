"""Pictures on the web in the texts outside items: a department's 學習歷程自述 and
多元表現綜整心得, and the student's profile.

Items report theirs when they are read (generator/content/item_reader.py); these texts go
through the same Markdown step, which drops every picture that is not a local copy,
so the student must hear about them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.content.image_refs import markdown_images
from generator.findings import Finding, make
from generator.model import Portfolio

_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # as content/items.py judges an item's


def _external(text: str | None) -> list[str]:
    return [u for u in markdown_images(text or "") if _REMOTE.match(u) or u.startswith("//")]


def check(portfolio: Portfolio) -> Iterator[Finding]:
    for student in portfolio.students:
        key = student.key
        if student.info:
            for url in _external(student.info.profile):
                yield make("image-external", key, None, "student.yaml", url=url)
        for dep in student.departments:
            urls = dict.fromkeys(u for t in dep.texts() for u in _external(t))
            for url in urls:
                yield make("image-external", key, None, "departments.yaml", url=url,
                           department=dep.code, name=dep.name)
