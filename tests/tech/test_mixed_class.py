"""A class with one student of each track builds, and each student's pages (item,
department, comparison) speak in that student's own track's codes and order; the
counselor's dashboard names each row's track."""

from __future__ import annotations

from pathlib import Path

from generator.engine import output_paths as paths
from generator.i18n import text
from generator.pipeline.building import STEPS, build, load_step
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory


def mixed_class(root: Path, media: MediaFactory) -> ContentBuilder:
    c = ContentBuilder(root, media)
    # 王小明 on the school's default track (大學), 林小華 on 技專 by her student.yaml
    c.student("ming")
    c.course("optics", submitted=113)
    c.performance("fair", submitted=113)
    c.departments([{"code": "001012", "name": "國立臺灣大學 電機工程學系",
                    "courses": ["optics"], "performances": ["fair"],
                    "wants": ["B", "J", "N"], "reflection": "綜整心得。"}])
    c.student("hua", name="林小華", student_id="11305678", track="tech")
    # semesters 1 and 5 (entered 113): 技專 reviewers see 修課紀錄 of semesters 1–4 only
    c.write(root / "hua" / "courses.csv",
            "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
            "1131,基本電學,1,3,82,true,,,true\n1151,電力電子,3,3,88,true,,,true\n")
    c.course("capstone", slug="hua", submitted=113, subject="專題實作", code="B-1",
             form="practical", title="智慧居家用電監測專題")
    c.performance("contest", slug="hua", submitted=113, title="工業配線技藝競賽")
    c.departments([{"code": "211001", "name": "國立臺北科技大學 電機工程系",
                    "courses": ["capstone"], "performances": ["contest"],
                    "wants": ["B-1", "C-5", "D-1", "D-2"], "reflection": "綜整心得。",
                    "statement": "## 學習歷程反思\n…"}], slug="hua")
    return c


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text("utf-8")


def test_each_student_of_a_mixed_class_reads_in_their_own_track(
        tmp_path: Path, media: MediaFactory) -> None:
    c = mixed_class(tmp_path / "content", media)
    out = tmp_path / "out"
    steps = [load_step(spec) for name, spec in STEPS
             if name in ("media", "site", "compare", "counselor")]
    result = build(c.root, out, offline=True, renderers=steps, jobs=1)
    assert not result.failures
    assert not [f for f in result.check.findings if f.severity == "error"], \
        result.check.findings

    tech = read(out, paths.department_page("hua", "211001"))
    for label in ("A 修課紀錄", "D-1 多元表現綜整心得", "D-2 學習歷程自述",
                  "D-3 其他有利審查資料", "B-1 專題實作及實習科目學習成果", "C-5 競賽表現"):
        assert label in tech, label
    # 技專 order: 修課紀錄, 課程學習成果, 多元表現, then the texts; 自述 last but one
    assert tech.index('id="records"') < tech.index('id="courses"') \
        < tech.index('id="performances"') < tech.index('id="reflection"') \
        < tech.index('id="statement"') < tech.index('id="other"')
    assert "N 多元表現綜整心得" not in tech and "J 競賽表現" not in tech
    assert "113 學年度第 1 學期" in tech and "115 學年度第 1 學期" not in tech
    assert "115 學年度第 1 學期" in read(out, paths.student_page("hua"))  # her own page: all

    university = read(out, paths.department_page("ming", "001012"))
    assert "J 競賽表現" in university and "N 多元表現綜整心得" in university
    assert "C-5" not in university and "D-1" not in university
    # 大學 order unchanged: 自述 first, 多元表現綜整心得 before 多元表現
    assert university.index('id="statement"') < university.index('id="records"') \
        < university.index('id="courses"') < university.index('id="reflection"') \
        < university.index('id="performances"') < university.index('id="other"')

    item = read(out, paths.item_page("hua", "capstone"))
    assert "B-1 專題實作及實習科目學習成果" in item
    assert "C 實作作品" not in read(out, paths.item_page("hua", "capstone"))
    assert "C-5 競賽表現" in read(out, paths.item_page("hua", "contest"))
    assert "J 競賽表現" in read(out, paths.item_page("ming", "fair"))

    assert "C-5 競賽表現" in read(out, paths.compare_page("hua"))
    compare = read(out, paths.compare_page("ming"))
    assert "J 競賽表現" in compare and "C-5" not in compare

    dashboard = read(out, "index.html")
    assert "四技二專甄選入學" in dashboard and "大學個人申請" in dashboard
    assert text("site-part-statement", "zh-TW") in university
