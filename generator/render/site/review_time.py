"""How long a department's reviewers need for a selection: pages and minutes.

Reviewers read hundreds of applicants (DOMAIN.md), so the estimate is shown to the
student next to each department. It counts what reaches them and nothing else: a
cover, the texts the department takes (the kit's 學習歷程自述, 綜整心得, 其他), the
修課紀錄 its reviewers get, then each item's upload 文件 (generator/model/upload_record.py:
its page with the reflection and photos only where they are uploaded, the pages of its
document) and its upload 影音 by its length (trimmed where `media_trim` says so). The
figures are rough on purpose (a page of text, two photos a page).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from generator.content.item_paths import resolve_inside
from generator.content.sniff import sniff
from generator.model import Department, Item, Student
from generator.model.upload_record import photos, upload_record
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


def _text_pages(texts: list[str]) -> int:
    body = "\n".join(t for t in texts if t)
    if not body.strip():
        return 0
    return max(1, math.ceil(len(plain_text(body)) / CHARS_PER_PAGE))


def item_pages(item: Item) -> int:
    """Pages of the item's upload 文件: its page (where it is one), its document's pages."""
    record = upload_record(item)
    pages = 0
    if record.page:
        text = len(item.summary or "")
        shown: list[str] = []
        if record.reflection:
            text += len(plain_text(item.body))
            shown = [n for n in photos(item) if n in item.files and not item.files[n].problem]
        pages = max(1, math.ceil(text / CHARS_PER_PAGE))
        pages += math.ceil(len(shown) / PHOTOS_PER_PAGE)
    doc = item.files.get(record.document or "")
    if doc is not None and not doc.problem:
        pages += doc.pages or 1
    return max(1, pages)


def item_media_seconds(item: Item) -> float:
    """The length of the item's upload 影音: the part `media_trim` keeps, where it says."""
    media = item.files.get(item.media or "")
    if media is None or media.problem:
        return 0.0
    seconds = media.duration or 0.0
    if item.media_trim:
        from generator.render.upload.media_trim import parse_trim

        try:
            return parse_trim(item.media_trim).length(seconds)
        except ValueError:  # field-invalid says so; the whole file is what is known
            return seconds
    return seconds


# An uploaded PDF larger than this is not opened to count its pages (check says it is
# over the track's size cap): it counts as one page.
_UPLOAD_READ_MAX = 50_000_000


def _upload_pages(student: Student, name: str) -> int:
    """The pages of a PDF a department takes in place of items (its `uploads`); nothing
    for a file that is not there or is no PDF (check's findings say why)."""
    real, _why = resolve_inside(student.path, name)
    if real is None or sniff(real) != "pdf":
        return 0
    if real.stat().st_size > _UPLOAD_READ_MAX:
        return 1
    from pypdf import PdfReader  # here: most classes have no such upload, and pypdf is slow to load

    try:
        return max(1, len(PdfReader(real).pages))
    except Exception:  # pypdf on a PDF it cannot take apart: one page, as a guess
        return 1


def department_texts(dep: Department, rules: Rules | None = None) -> list[str]:
    """The texts a department takes: the parts of 學習歷程自述 it asks for, N and R (in the
    codes of the student's track, `rules`, where given)."""
    track = rules.track if rules is not None else None
    texts = [body for _code, body in dep.statement_for()] \
        if dep.wants_text("statement", track) else []
    if dep.wants_text("reflection", track):
        texts.append(dep.reflection or "")
    if dep.wants_text("other", track):
        texts.append(dep.other or "")
    return texts


def estimate(student: Student, dep: Department, today: date | None = None,
             semesters: int = 6, rules: Rules | None = None) -> ReviewTime:
    """The estimate for `dep`; with `today`, the 修課紀錄 as its reviewers get them
    (a grade-12 applicant's first `semesters`); with the student's `rules`, only the
    terms its track's reviewers see (技專: semesters 1–4)."""
    items = [i for i in (student.item(x) for x in [*dep.courses, *dep.performances]) if i]
    records = (student.courses_for_reviewers(today, semesters) if today is not None
               else student.courses)
    enrolled = student.info.enrolled if student.info else None
    terms = len({c.term for c in records
                 if rules is None or rules.track.reviewers_see(c.term, enrolled)})
    pages = 1 + sum(_text_pages([t]) for t in department_texts(dep, rules))
    pages += math.ceil(terms / COURSE_TERMS_PER_PAGE)
    if student.cadres:
        pages += 1
    pages += sum(item_pages(i) for i in items)
    pages += sum(_upload_pages(student, name) for name in dep.uploads.values())
    seconds = sum(item_media_seconds(i) for i in items)
    return ReviewTime(pages, seconds, len(items))
