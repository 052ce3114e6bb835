"""A class of three students, each with a different problem, built once per session
with the counselor step (and the PDFs, to prove comments stay out of them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.counselor.counselor_step import CounselorStep
from generator.engine.steps import Step
from generator.pipeline.building import BuildResult, build
from generator.pipeline.building import load_step as load
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory

ITEM_COMMENT = "ZEBRA-ITEM-COMMENT 簡述再具體一點"
DEPARTMENT_COMMENT = "ZEBRA-DEPT-COMMENT 自述要寫未來計畫"
GENERAL_COMMENT = "ZEBRA-GENERAL-COMMENT 整體不錯"
COMMENTS = (ITEM_COMMENT, DEPARTMENT_COMMENT, GENERAL_COMMENT)
TITLE_MARKER = "OPTICS-REPORT"      # a selected item's title: must reach the department PDF

DEADLINES = """
[deadlines]
upload = { start = 2026-09-01, end = 2026-10-31 }
"認證" = { start = 2026-11-01, end = 2026-11-10 }
tick = { start = 2027-01-02, end = 2027-01-15 }
confirm = { start = 2027-02-20, end = 2027-03-03 }
"""


def make_class(content: ContentBuilder, media: MediaFactory) -> ContentBuilder:
    content.settings(DEADLINES)
    # ming: clean content, one item without a summary, a shortened link, comments.
    content.student("ming", name="王小明", student_id="11300001")
    content.course("optics", slug="ming", title=f"{TITLE_MARKER} 光的折射", submitted=113,
                   images=["photo.jpg"])
    content.file("optics", "photo.jpg", media.jpg, slug="ming")
    content.performance("contest", slug="ming", submitted=113, summary=None,
                        links=["https://bit.ly/3abcdef"])
    content.departments([{"code": "001012", "name": "某大學 物理學系", "courses": ["optics"],
                          "performances": ["contest"]}], slug="ming")
    content.write(content.root / "ming" / "reviews.yaml",
                  f"general: {GENERAL_COMMENT}\nitems:\n  optics: {ITEM_COMMENT}\n"
                  f"departments:\n  \"001012\":\n    - text: {DEPARTMENT_COMMENT}\n"
                  "      by: 林老師\n      date: 2026-11-01\n")
    # hua: errors — a summary too long, seven course outcomes ticked in one year.
    content.student("hua", name="李小華", student_id="11300002")
    for n in range(7):
        content.course(f"c{n}", slug="hua", subject=f"科目{n}", submitted=113)
    content.course("long", slug="hua", subject="國文", summary="長" * 120)
    # lin: an uncertified course outcome of this year, after the 認證 window closed.
    content.student("lin", name="陳小林", student_id="11300003")
    content.course("draft", slug="lin", term=1151, certified=False, subject="化學")
    content.performance("club", slug="lin", category="group",
                        date=dt.date(2026, 9, 10), submitted=115)
    return content


def counselor_renderers(with_reviews: bool = True, pdf: bool = False) -> list[Step]:
    names = ["generator.render.web_media.web_media_step:MediaStep",
             "generator.render.site.site_step:SiteStep"]
    if pdf:
        names.append("generator.render.pdf.pdf_step:PdfStep")
    return [*(load(n) for n in names), CounselorStep(with_reviews=with_reviews)]


@dataclass
class Built:
    content: ContentBuilder
    output: Path
    result: BuildResult


@pytest.fixture(scope="session")
def klass(tmp_path_factory: pytest.TempPathFactory, media: MediaFactory) -> Built:
    base = tmp_path_factory.mktemp("class")
    content = make_class(ContentBuilder(base / "content", media), media)
    output = base / "output"
    result = build(content.root, output, offline=True, jobs=2,
                   renderers=counselor_renderers(pdf=True))
    assert not result.failures, result.failures
    return Built(content, output, result)
