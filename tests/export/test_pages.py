"""The comparison page and the 收訖明細 checklists written by the build."""

from __future__ import annotations

import re

from pypdf import PdfReader

from tests.export.conftest import DEPARTMENTS, Exported


def test_compare_page(exported: Exported) -> None:
    html = (exported.output / "ming" / "compare.html").read_text("utf-8")
    for dep in DEPARTMENTS:
        assert dep["name"] in html
        assert f'href="departments/{dep["code"]}/index.html"' in html
    # 001012 wants J and L (robot, apcs) and B (optics): all covered; nothing used "club"
    # but 011202, and every ticked item is used somewhere.
    assert "Chess 西洋棋社" in html
    matrix = html.split('id="coverage"')[0]
    assert matrix.count("●") == sum(len(d["courses"]) + len(d["performances"])
                                    for d in DEPARTMENTS)
    assert "checklist/1132.html" in html and "checklist/1142.html" in html


def test_unused_ticked_item_listed(exported: Exported) -> None:
    from generator.content.loader import load_portfolio
    from generator.render.site.compare_views import comparison

    portfolio, _ = load_portfolio(exported.content)
    student = portfolio.students[0]
    view = comparison(student, portfolio.rules, "zh-TW")
    assert view.unused_ticked == []
    student.departments[1].performances.remove("club")
    view = comparison(student, portfolio.rules, "zh-TW")
    assert [i.id for i in view.unused_ticked] == ["club"]
    assert [c.covered for c in view.columns] == [3, 3, 0]


# The receipt's own fields, in its order: every one must reach the printed checklist.
COURSE_FIELDS = ("科目名稱", "開課年級", "修課學分", "學期學業成績", "成績及格", "補考成績",
                 "補考及格", "是否採計學分")
CADRE_FIELDS = ("單位名稱", "擔任職務", "幹部等級")


def test_checklist_per_term(exported: Exported) -> None:
    folder = exported.output / "ming" / "checklist"
    # Enrolled in 113, checked on 2026-11-20: every term that has ended has its receipt.
    assert sorted(p.name for p in folder.glob("*.html")) == [
        "1131.html", "1132.html", "1141.html", "1142.html"]
    t1131 = (folder / "1131.html").read_text("utf-8")
    # 1131: the term's course records (every receipt field) and its cadre; no outcomes,
    # which are confirmed for the year with the second semester.
    assert "班長" in t1131 and "物理" in t1131 and "採計學分" in t1131
    assert "Prism" not in t1131 and 'id="outcomes-113"' not in t1131
    t1132 = (folder / "1132.html").read_text("utf-8")
    for title in ("Prism 光的折射實驗", "Decibel 分貝與對數", "Census 社區人口探究"):
        assert title in t1132
    assert "Robot" not in t1132
    assert re.search(r">3/6<", t1132) and re.search(r">0/10<", t1132)
    for part in ("courses-1132", "cadres-1132", "outcomes-113", "performances-113"):
        assert f'id="{part}"' in t1132
    assert "逾期未確認或回報，視同無異議" in t1132
    t1142 = (folder / "1142.html").read_text("utf-8")
    assert "Robot 機器人競賽" in t1142 and re.search(r">4/10<", t1142)
    # 多元表現 as the receipt lists them: by 類別, not by 審查資料 code.
    assert "競賽參與紀錄" in t1142 and "檢定證照紀錄" in t1142
    for term in (1131, 1132):
        text = "".join(p.extract_text() for p in PdfReader(folder / f"{term}.pdf").pages)
        for name in (*COURSE_FIELDS, *CADRE_FIELDS, "資料正確無誤", "資料有多", "資料有少",
                     "資料有誤", "視同無異議"):
            assert name in text, (term, name)
    text = "".join(p.extract_text() for p in PdfReader(folder / "1131.pdf").pages)
    assert "班長" in text and "物理" in text
    text = "".join(p.extract_text() for p in PdfReader(folder / "1132.pdf").pages)
    assert "Prism" in text


def test_student_home_links_to_the_comparison_and_each_checklist(exported: Exported) -> None:
    html = (exported.output / "ming" / "index.html").read_text("utf-8")
    assert 'href="compare.html"' in html
    for term in (1131, 1132, 1141, 1142):
        assert f'href="checklist/{term}.html"' in html
        assert (exported.output / "ming" / "checklist" / f"{term}.html").is_file()
