"""The rules as a school runs them: states and caps, windows per term, the transcript,
lenient reading with strict meaning, school options, and every message whole."""

from __future__ import annotations

import datetime as dt
import re

from generator.checks.deadlines import school_windows, student_dues
from generator.content.loader import load_portfolio
from tests.builder import ContentBuilder
from tests.core.test_catalogs import ENGLISH_PROSE

SUBJECTS = ["國語文", "英語文", "數學", "物理", "化學", "生物", "地理", "歷史", "公民", "音樂",
            "美術"]


# --- what counts against the term cap ---------------------------------------------------------

def test_ten_certified_and_one_draft_is_clean(content: ContentBuilder) -> None:
    content.student()
    for n, subject in enumerate(SUBJECTS[:10]):
        content.course(f"c{n:02}", subject=subject)
    content.course("draft", subject=SUBJECTS[10], certified=False)
    run = content.check()
    assert "term-limit" not in run.codes()
    assert run.exit_code == 0, run.doc


def test_sent_counts_against_the_cap(content: ContentBuilder) -> None:
    content.student()
    for n, subject in enumerate(SUBJECTS[:10]):
        content.course(f"c{n:02}", subject=subject)
    content.course("sent", subject=SUBJECTS[10], certified=False, status="送出認證")
    run = content.check()
    (f,) = run.having("term-limit")
    assert "sent" in f["message"] and "11" in f["message"]
    assert run.exit_code == 1


def test_status_is_read_in_either_language_and_must_agree(content: ContentBuilder) -> None:
    content.student()
    for n, status in enumerate(["draft", "已送出", "已認證"]):
        content.course(f"s{n}", subject=SUBJECTS[n], certified=False, status=status)
    content.course("both", subject="化學", certified=True, status="sent")
    content.course("odd", subject="生物", certified=False, status="maybe")
    portfolio, _ = load_portfolio(content.root)
    states = {i.id: (i.status, i.certified) for i in portfolio.students[0].items}
    assert states["s0"] == ("draft", False) and states["s1"] == ("sent", False)
    assert states["s2"] == ("certified", True) and states["both"] == ("sent", False)
    run = content.check()
    bad = {f["item"]: f["message"] for f in run.having("field-invalid")}
    assert set(bad) == {"both", "odd"}
    assert "certified: true" in bad["both"] and "draft" in bad["odd"]


# --- windows per term -------------------------------------------------------------------------

# Ends after 1132 has begun, so the 1132 outcome below is already real, and is not judged
# against the 1131 window.
CERTIFY_1131 = "[deadlines]\ncertify = [{ term = 1131, start = 2024-12-01, end = 2025-02-20 }]\n"


def test_an_uncertified_outcome_after_its_certify_window_is_an_error(
        content: ContentBuilder) -> None:
    content.student()
    content.settings(CERTIFY_1131)
    content.course("sent", certified=False, status="sent")
    content.course("done", subject="化學")                   # certified: never late
    content.course("later", subject="數學", term=1132, certified=False, status="sent")
    inside = content.check("--today", "2025-02-20")
    assert inside.having("window-closed") == [] and inside.exit_code == 0
    after = content.check("--today", "2025-02-21")
    (f,) = after.having("window-closed")
    assert (f["item"], f["severity"]) == ("sent", "error")
    assert "1131" in f["message"] and "2025-02-20" in f["message"]
    assert "逾期不可回溯" in f["message"]
    assert after.exit_code == 1
    en = content.check("--today", "2025-02-21", "--lang", "en").having("window-closed")
    assert "can never be certified" in en[0]["message"]


def test_a_draft_misses_its_upload_window_but_a_sent_one_waits(
        content: ContentBuilder) -> None:
    content.student()
    content.settings("[deadlines]\nupload = { term = 1131, end = 2024-11-30 }\n"
                     "certify = { term = 1131, end = 2025-01-10 }\n")
    content.course("draft", certified=False, status="draft")
    content.course("sent", subject="化學", certified=False, status="sent")
    run = content.check("--today", "2024-12-15")
    assert [f["item"] for f in run.having("window-closed")] == ["draft"]


def test_a_1142_item_does_not_make_a_1141_window_late(content: ContentBuilder) -> None:
    content.student()
    content.settings("[deadlines]\n"
                     "certify = [{ term = 1141, start = 2025-11-01, end = 2025-11-10 },\n"
                     "           { term = 1142, start = 2026-04-01, end = 2026-04-10 }]\n")
    content.course("spring", term=1142, certified=False, status="sent")
    content.course("autumn", term=1141, subject="化學")
    today = dt.date(2026, 3, 1)
    run = content.check("--today", today.isoformat())
    assert run.having("window-closed") == []
    portfolio, _ = load_portfolio(content.root, today=today)
    dues = student_dues(school_windows(portfolio), portfolio.students[0], [], today,
                        portfolio.rules)
    states = {d.window.term: (d.state, d.outstanding) for d in dues}
    assert states == {1141: ("done", 0), 1142: ("upcoming", 1)}
    assert dues[0].window.label("zh-TW") == "認證（1141）"


def test_a_window_without_a_term_is_not_for_a_term_not_yet_begun(
        content: ContentBuilder) -> None:
    # The November window of year 114 (as schools wrote it before terms): the 1142
    # outcome, whose term begins in February, is not late for it; the 1141 one is.
    content.student()
    content.settings("[deadlines]\ncertify = { start = 2025-11-01, end = 2025-11-10 }\n")
    content.course("spring", term=1142, certified=False, status="sent")
    content.course("autumn", term=1141, subject="化學", certified=False, status="sent")
    run = content.check("--today", "2026-03-01")
    assert [f["item"] for f in run.having("window-closed")] == ["autumn"]


# --- the transcript ---------------------------------------------------------------------------

COURSES_1131 = ("term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
                "1131,物理,1,2,88,及格,,,採計學分\n1131,國語文,1,4,75,及格,,,採計學分\n"
                "1131,體育,1,0,80,及格,,,不採計學分\n")


def test_outcomes_against_the_course_records(content: ContentBuilder) -> None:
    content.student()
    content.write(content.root / "ming" / "courses.csv", COURSES_1131)
    content.course("math", subject="數學")                    # not taken in 1131
    content.course("pe", subject="體育")                      # taken, 0 credits
    content.course("physics", subject=" 物理 ")               # taken (spaces aside)
    content.course("spring", subject="數學", term=1132)       # no 1132 records: not judged
    run = content.check()
    found = {f["item"]: f for f in run.having("course-not-in-record")}
    assert set(found) == {"math", "pe"}
    assert all(f["severity"] == "warning" for f in found.values())
    assert "數學" in found["math"]["message"] and "1131" in found["math"]["message"]
    assert "0 學分" in found["pe"]["message"]
    assert run.exit_code == 0


# --- departments and school options -----------------------------------------------------------

def test_an_item_listed_twice_in_a_department(content: ContentBuilder) -> None:
    content.student()
    for n in range(3):
        content.course(f"c{n}", subject=SUBJECTS[n], submitted=113)
    content.departments([{"code": "001012", "name": "某大學 物理學系",
                          "courses": ["c0", "c1", "c2", "c1"]}])
    run = content.check()
    (f,) = run.having("department-duplicate-item")
    assert (f["item"], f["severity"]) == ("c1", "warning")
    assert "c1" in f["message"] and "{" not in f["message"]
    assert run.having("department-limit") == []      # three items, one listed twice


def test_a_school_can_require_the_summary(content: ContentBuilder) -> None:
    content.student()
    content.course("bare", summary=None)
    recommended = content.check()
    assert recommended.codes() == ["summary-missing"] and recommended.exit_code == 0
    content.settings("[summary]\nrequired = true\n")
    required = content.check()
    assert required.codes() == ["summary-required"] and required.exit_code == 1


# --- lenient reading, strict meaning ----------------------------------------------------------

def test_terms_and_dates_as_students_write_them(content: ContentBuilder) -> None:
    content.student()
    content.settings('[deadlines]\ncertify = { term = "114-1", end = "2026-1-10" }\n')
    content.write(content.root / "ming" / "courses.csv",
                  "term,subject,credits\n113-1,物理,2\n113學年度第2學期,化學,2\n")
    content.write(content.root / "ming" / "cadres.yaml",
                  "- {term: 113學年度第1學期, unit: 一年三班, role: 班長}\n")
    content.write(content.root / "ming" / "items" / "dash" / "index.md",
                  "---\ntype: course\ntitle: 光\nsummary: 量測。\nsubject: 物理\n"
                  "term: 113-1\ncertified: true\n---\n")
    content.write(content.root / "ming" / "items" / "fair" / "index.md",
                  "---\ntype: performance\ntitle: 科展\nsummary: 佳作。\n"
                  "category: competition\ndate: 2025-9-20\n"
                  "details: {結果公布日期: 2025/10/1}\n---\n")
    run = content.check()
    assert run.codes() == [], run.doc
    portfolio, _ = load_portfolio(content.root)
    student = portfolio.students[0]
    assert [r.term for r in student.courses] == [1131, 1132]
    assert student.cadres[0].term == 1131
    assert student.item("dash").term == 1131
    fair = student.item("fair")
    assert fair.date == dt.date(2025, 9, 20)
    assert fair.details["announced"] == dt.date(2025, 10, 1)
    (window,) = portfolio.settings.deadlines.certify
    assert (window.term, window.end) == (1141, dt.date(2026, 1, 10))


def test_a_term_or_date_that_is_none_shows_the_expected_form(content: ContentBuilder) -> None:
    content.student()
    content.course("bad-term", term="114-3")
    content.performance("bad-date", date="明年")
    for lang, term_hint, date_hint in (("zh-TW", "1131（113 學年度第 1 學期）", "2025-09-20"),
                                       ("en", "1131 (year 113, semester 1)", "2025-09-20")):
        run = content.check("--lang", lang)
        said = {f["item"]: f["message"] for f in run.having("field-invalid")}
        assert term_hint in said["bad-term"] and "114-3" in said["bad-term"]
        assert date_hint in said["bad-date"]
        assert "not a term" not in said["bad-term"] and "not a date" not in said["bad-date"]


# --- every message whole ----------------------------------------------------------------------

def test_every_finding_renders_with_its_own_values(content: ContentBuilder) -> None:
    """Findings of many kinds, told in both languages: no placeholder left anywhere (the
    department messages once printed a literal {item}), no English sentence in Chinese."""
    content.student()
    content.settings(CERTIFY_1131 + "[summary]\nrequired = true\n")
    content.write(content.root / "ming" / "courses.csv", COURSES_1131)
    content.course("draft", subject="數學", certified=False, status="draft",
                   links=["https://example.org/x"])
    content.course("bare", subject="物理", summary=None, term="114-3")
    content.performance("fair", date="明年", submitted=113)
    content.departments([{"code": "001012", "name": "某大學 物理學系",
                          "courses": ["ghost", "draft", "draft"], "performances": ["fair"]}])
    content.write(content.root / "ming" / "receipts.yaml",
                  '"1132 修課紀錄": 好像對\n"999 其他": confirmed\n')
    codes: set[str] = set()
    for lang in ("zh-TW", "en"):
        run = content.check("--lang", lang, "--today", "2025-03-01")
        codes |= set(run.codes())
        for f in run.doc["findings"]:
            assert "{" not in f["message"] and "}" not in f["message"], f
            if lang == "zh-TW":
                assert not ENGLISH_PROSE.search(f["message"]), f
        (unknown,) = run.having("department-unknown-item")
        assert "ghost" in unknown["message"]
        assert "draft" in run.having("department-not-submitted")[0]["message"]
        (link,) = run.having("link-not-allowed")
        assert re.search("課程學習成果不能附外部連結|A course outcome cannot", link["message"])
        assert "多元表現" not in link["message"]
    assert {"department-unknown-item", "department-not-submitted", "department-duplicate-item",
            "window-closed", "course-not-in-record", "summary-required", "field-invalid",
            "link-not-allowed"} <= codes


# --- receipts.yaml ----------------------------------------------------------------------------

def test_receipts_are_read_as_students_write_them(content: ContentBuilder) -> None:
    content.student()
    content.write(content.root / "ming" / "receipts.yaml",
                  "修課紀錄 113-2: 資料正確無誤\n"
                  "113學年度第2學期 幹部經歷: confirmed\n"
                  "113學年度 學習成果: {資料有多: 多了一件物理報告}\n"
                  "多元表現 1132: {wrong: 科展名次寫錯, rechecked: true}\n"
                  "1132 修課紀錄: confirmed\n"               # the same as the first
                  "113 修課紀錄: confirmed\n"                # a year for a per-term part
                  "1132 心得: confirmed\n"                   # no such part
                  "1131 幹部經歷: 好像對吧\n"                 # neither confirmed nor a report
                  "1131 修課紀錄: {extra: 多一科, confirmed: true}\n")
    portfolio, _ = load_portfolio(content.root)
    got = {(r.part, r.period): r for r in portfolio.students[0].receipts}
    assert set(got) == {("courses", 1132), ("cadres", 1132), ("outcomes", 113),
                        ("performances", 113)}
    assert got[("courses", 1132)].verdict == "confirmed"
    assert got[("outcomes", 113)].reports == [("extra", "多了一件物理報告")]
    assert got[("performances", 113)].rechecked and got[("performances", 113)].wrong
    for lang, says in (("zh-TW", ("已經寫過", "要寫學期", "要寫出是哪一部分", "資料正確就寫",
                                  "不能又確認無誤")),
                       ("en", ("already given", "give the term", "name the part",
                               "write confirmed", "both confirmed and reported"))):
        run = content.check("--lang", lang)
        bad = [f for f in run.having("field-invalid") if f["file"] == "receipts.yaml"]
        assert len(bad) == 5 and run.exit_code == 1
        for phrase in says:
            assert any(phrase in f["message"] for f in bad), (lang, phrase)
