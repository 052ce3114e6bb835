"""How long a department's reviewers need for a selection: pages and minutes.

Reviewers read hundreds of applicants (DOMAIN.md), so the estimate is shown to the
student next to each department. It follows the reviewer's PDF: a cover, the texts,
the course records, then each item with its fields and 簡述, its photos and the
pages of its own document; video and audio count by their length. The figures are
rough on purpose (a page of text, two photos a page); the PDF renderer's real page
count can replace `pages` when it exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.model import Department, Item, Student
from generator.render.markdown import plain_text
from generator.rules import Rules

CHARS_PER_PAGE = 700         # a page of Chinese prose at a readable size
PHOTOS_PER_PAGE = 2
MINUTES_PER_PAGE = 1.0       # a reviewer skimming, not studying
COURSE_TERMS_PER_PAGE = 2


@dataclass(frozen=True)
class ReviewTime:
    pages: int
    media_seconds: float
    items: int

    @property
    def media_minutes(self) -> float:
        return self.media_seconds / 60

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.pages * MINUTES_PER_PAGE + self.media_minutes))


def _text_pages(text: str | dict[str, str] | None) -> int:
    if not text:
        return 0
    body = "\n".join(text.values()) if isinstance(text, dict) else text
    return max(1, math.ceil(len(plain_text(body)) / CHARS_PER_PAGE))


def item_pages(item: Item) -> int:
    """Pages one item takes in the reviewer's PDF."""
    text = len(item.summary or "") + len(plain_text(item.body))
    pages = max(1, math.ceil(text / CHARS_PER_PAGE))
    photos = [n for n in item.images if n in item.files and not item.files[n].problem]
    pages += math.ceil(len(photos) / PHOTOS_PER_PAGE)
    doc = item.files.get(item.document or "")
    if doc is not None and not doc.problem:
        pages += doc.pages or 1
    return pages


def item_media_seconds(item: Item) -> float:
    media = item.files.get(item.media or "")
    return media.duration or 0.0 if media is not None and not media.problem else 0.0


def estimate(student: Student, dep: Department, rules: Rules | None = None) -> ReviewTime:
    """With the student's `rules`, the 修課紀錄 counts only the terms its track's
    reviewers see (技專: semesters 1–4)."""
    items = [i for i in (student.item(x) for x in [*dep.courses, *dep.performances]) if i]
    enrolled = student.info.enrolled if student.info else None
    terms = len({c.term for c in student.courses
                 if rules is None or rules.track.reviewers_see(c.term, enrolled)})
    pages = 1 + _text_pages(dep.statement) + _text_pages(dep.reflection)
    pages += math.ceil(terms / COURSE_TERMS_PER_PAGE)
    pages += sum(item_pages(i) for i in items)
    seconds = sum(item_media_seconds(i) for i in items)
    return ReviewTime(pages, seconds, len(items))
