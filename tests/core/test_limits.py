"""Counting limits: per term, per subject, per year, and 認證 before 勾選."""

from __future__ import annotations

import datetime as dt

SUBJECTS = ["國語文", "英語文", "數學", "物理", "化學", "生物", "地理", "歷史", "公民", "音樂",
            "美術"]


def test_term_limit(content):
    content.student()
    for n, subject in enumerate(SUBJECTS):  # 11 items in one term
        content.course(f"c{n:02}", subject=subject)
    run = content.check()
    (f,) = run.having("term-limit")
    assert (f["student"], f["severity"], f["item"]) == ("11301234", "error", None)
    assert "11" in f["message"]
    assert run.exit_code == 1


def test_term_limit_is_a_school_setting(content):
    content.student()
    content.settings("[limits]\ncourse_per_term = 9\n")
    for n, subject in enumerate(SUBJECTS[:10]):
        content.course(f"c{n:02}", subject=subject)
    assert len(content.check().having("term-limit")) == 1


def test_subject_limit(content):
    content.student()
    for n in range(4):
        content.course(f"phys{n}", subject="物理")
    content.course("other-term", subject="物理", term=1132)
    run = content.check()
    (f,) = run.having("subject-limit")
    assert "物理" in f["message"] and "phys3" in f["message"]
    assert run.exit_code == 1


def test_not_certified(content):
    content.student()
    content.course("uncertified", certified=False, submitted=113)
    content.course("draft", certified=False)  # not ticked: nothing to say
    run = content.check()
    (f,) = run.having("not-certified")
    assert (f["item"], f["student"], f["severity"]) == ("uncertified", "11301234", "error")
    assert run.exit_code == 1


def test_year_limit_courses_and_performances(content):
    content.student()
    for n in range(7):
        content.course(f"c{n}", subject=SUBJECTS[n], term=1131 if n < 4 else 1132,
                       submitted=113)
    for n in range(11):
        content.performance(f"p{n:02}", date=dt.date(2025, 3, 1), submitted=114)
    run = content.check()
    found = run.having("year-limit")
    assert len(found) == 2
    assert all(f["severity"] == "error" and f["student"] == "11301234" for f in found)
    assert run.exit_code == 1


def test_submitted_year_must_fit_the_item(content):
    content.student()
    content.course("wrong-year", term=1131, submitted=114)
    content.performance("ticked-too-early", date=dt.date(2025, 9, 1), submitted=113)
    content.performance("future-year", date=dt.date(2025, 9, 1), submitted=116)
    run = content.check()
    items = {f["item"] for f in run.having("field-invalid")}
    assert items == {"wrong-year", "ticked-too-early", "future-year"}
