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
    assert "checklist/113.html" in html and "checklist/114.html" in html


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


def test_checklist_years(exported: Exported) -> None:
    folder = exported.output / "ming" / "checklist"
    y113 = (folder / "113.html").read_text("utf-8")
    # 113: the three certified course outcomes ticked, 2 course records, the cadre.
    for title in ("Prism 光的折射實驗", "Decibel 分貝與對數", "Census 社區人口探究", "班長"):
        assert title in y113
    assert "Robot" not in y113
    assert re.search(r">3/6<", y113) and re.search(r">0/10<", y113)
    y114 = (folder / "114.html").read_text("utf-8")
    assert "Robot 機器人競賽" in y114 and re.search(r">4/10<", y114)
    text = "".join(p.extract_text() for p in PdfReader(folder / "113.pdf").pages)
    assert "Prism" in text and "班長" in text


def test_student_home_links_to_the_comparison_and_each_checklist(exported: Exported) -> None:
    html = (exported.output / "ming" / "index.html").read_text("utf-8")
    assert 'href="compare.html"' in html
    for year in (113, 114):
        assert f'href="checklist/{year}.html"' in html
        assert (exported.output / "ming" / "checklist" / f"{year}.html").is_file()
