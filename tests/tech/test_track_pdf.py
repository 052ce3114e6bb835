"""A 技專 student's department PDF: its parts in the 技專 order, headed by the 技專 labels
(read back from the PDF with pypdf), and the 大學 PDF left in its own order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader

from generator.i18n import text
from generator.pipeline.building import build
from generator.render.pdf import PdfStep
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory
from tests.pdf.conftest import outline_titles

DEP = {"code": "211001", "name": "國立臺北科技大學 電機工程系"}


def tech_content(root: Path, media: MediaFactory) -> ContentBuilder:
    c = ContentBuilder(root, media)
    c.student("hua", name="林小華", student_id="11305678", track="tech")
    c.write(root / "hua" / "courses.csv",
            "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
            "1131,基本電學,1,3,82,true,,,true\n")
    c.course("capstone", slug="hua", submitted=113, subject="專題實作", code="B-1",
             form="practical", title="智慧居家用電監測專題")
    c.performance("licence", slug="hua", submitted=113, category="certificate",
                  title="室內配線乙級技術士", date=dt.date(2025, 5, 1))
    c.performance("contest", slug="hua", submitted=113, category="competition",
                  title="全國技藝競賽工業配線職種")
    c.departments([{**DEP, "courses": ["capstone"], "performances": ["licence", "contest"],
                    "wants": ["A", "B-1", "C-5", "C-7", "D-1", "D-2"],
                    "reflection": "從專題、證照到競賽的綜整心得。",
                    "statement": {"reflection": "反思。", "motivation": "動機。",
                                  "plan": "計畫。"}}], slug="hua")
    return c


def test_the_department_pdf_reads_in_the_tech_order_with_tech_labels(
        tmp_path: Path, media: MediaFactory) -> None:
    c = tech_content(tmp_path / "content", media)
    result = build(c.root, tmp_path / "out", offline=True, renderers=[PdfStep()], jobs=1)
    assert not result.failures
    reader = PdfReader(tmp_path / "out" / "hua" / "departments" / "211001" / "portfolio.pdf")
    parts = [t for depth, t, _ in outline_titles(reader) if depth == 0]
    assert parts == [text("pdf-part-cover", "zh-TW"), "A 修課紀錄",
                     text("pdf-part-courses", "zh-TW"), text("pdf-part-performances", "zh-TW"),
                     "D-1 多元表現綜整心得", "D-2 學習歷程自述", "D-3 其他有利審查資料"]
    whole = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    # the items carry their 技專 codes; performances C-5 before C-7, as the table lists them
    assert "B-1" in whole and "C-5" in whole and "C-7" in whole
    assert whole.index("C-5 競賽參與紀錄") < whole.index("C-7 檢定證照紀錄")
    # no 大學 code heads anything
    for university in ("J 競賽", "L 檢定", "N 多元", "O 高中"):
        assert university not in whole
    # the 自述's parts under their 技專 names
    assert "學習歷程反思" in whole and "就讀動機" in whole


def test_a_tech_department_wanting_d1_and_d2_gets_their_kit_files(
        tmp_path: Path, media: MediaFactory) -> None:
    """The kit follows the track: D-1 and D-2 are the 技專 codes of 綜整心得 and 自述, so a
    department that wants them gets both texts as files to upload (D-3 unwritten: none)."""
    from generator.render.kit.kit_step import KitStep

    c = tech_content(tmp_path / "content", media)
    result = build(c.root, tmp_path / "out", offline=True, renderers=[KitStep()], jobs=1)
    assert not result.failures
    kit = tmp_path / "out" / "hua" / "departments" / "211001" / "kit"
    made = sorted(p.name for p in kit.iterdir())
    assert "多元表現綜整心得.pdf" in made and "學習歷程自述.pdf" in made, made
    assert "其他.pdf" not in made
    said = "".join(p.extract_text() for p in PdfReader(kit / "多元表現綜整心得.pdf").pages)
    assert "從專題、證照到競賽的綜整心得" in said.replace("\n", "")
