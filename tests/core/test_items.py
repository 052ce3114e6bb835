"""Item fields: summaries, required and malformed fields, dates."""

from __future__ import annotations

import datetime as dt


def only(run, code):
    found = run.having(code)
    assert found, f"expected {code}, got {run.codes()}"
    return found


def test_clean_items_have_no_findings(content):
    content.student()
    content.course("refraction")
    content.performance("fair", links=["https://github.com/python/cpython"])
    run = content.check()
    assert run.exit_code == 0
    # Offline, the link is only said to be unchecked: never broken.
    assert run.codes() == ["link-unchecked"]
    assert run.doc["counts"] == {"error": 0, "warning": 0, "info": 1}
    assert run.doc["students"] == ["11301234"]


def test_summary_missing_is_a_warning(content):
    content.student()
    content.course("refraction", summary=None)
    run = content.check()
    (f,) = only(run, "summary-missing")
    assert (f["severity"], f["student"], f["item"]) == ("warning", "11301234", "refraction")
    assert run.exit_code == 0
    assert content.check("--strict").exit_code == 1


def test_summary_of_exactly_100_chinese_characters_with_punctuation_passes(content):
    content.student()
    content.course("exact", summary=("量測折射率，" * 17)[:100])
    assert content.check().doc["findings"] == []


def test_summary_too_long_counts_graphemes(content):
    content.student()
    # 99 characters and one family emoji (five code points, one character): 100 — fine.
    content.course("family", summary="字" * 99 + "👨‍👩‍👧")
    content.course("long", summary="字" * 99 + "👨‍👩‍👧" + "！")
    run = content.check()
    (f,) = only(run, "summary-too-long")
    assert (f["severity"], f["item"]) == ("error", "long")
    assert "101" in f["message"]
    assert run.exit_code == 1


def test_field_missing_and_invalid_are_reported_and_the_rest_still_checked(content):
    content.student()
    content.item("no-subject", type="course", title="報告", summary="摘要", term=1131)
    content.course("bad-term", term="11x3", summary="字" * 101)
    content.performance("bad-category", category="唱歌")
    content.performance("bad-level", details={"level": "宇宙級", "award": "金牌"})
    run = content.check()
    missing = only(run, "field-missing")
    assert [(f["item"], f["severity"]) for f in missing] == [("no-subject", "error")]
    assert "subject" in missing[0]["message"]
    invalid = {f["item"] for f in only(run, "field-invalid")}
    assert invalid == {"bad-term", "bad-category", "bad-level"}
    assert "summary-too-long" in run.codes()  # the bad term did not stop the rest
    assert run.exit_code == 1


def test_unknown_field_suggests_the_right_one(content):
    content.student()
    content.course("typo", summary=None, sumary="打錯字的簡述")
    run = content.check()
    (f,) = only(run, "field-unknown")
    assert "summary" in f["message"]
    assert "summary-missing" in run.codes()


def test_chinese_names_are_accepted_for_type_and_category(content):
    content.student()
    content.item("zh", type="多元表現", title="服務", summary="在圖書館服務。",
                 category="服務學習紀錄", date=dt.date(2025, 1, 5),
                 details={"服務單位": "市立圖書館", "時數": 12})
    run = content.check()
    assert run.doc["findings"] == []


def test_date_before_enrollment(content):
    content.student(enrolled=113)
    content.performance("old", date=dt.date(2024, 6, 30))
    content.performance("first-day", date=dt.date(2024, 7, 1))
    run = content.check()
    (f,) = only(run, "date-before-enrollment")
    assert (f["item"], f["student"], f["severity"]) == ("old", "11301234", "error")
    assert run.exit_code == 1


def test_date_in_future_against_today(content):
    content.student()
    content.performance("tomorrow", date=dt.date(2026, 11, 21))
    content.course("next-term", term=1152)
    run = content.check()
    assert {f["item"] for f in only(run, "date-in-future")} == {"tomorrow", "next-term"}
    assert run.exit_code == 1
    # The same content judged on a later day is fine.
    later = content.check("--today", "2027-03-01")
    assert "date-in-future" not in later.codes()


def test_broken_yaml_is_a_finding_on_that_file(content):
    content.student()
    content.course("fine")
    folder = content.root / "ming" / "items" / "broken"
    content.write(folder / "index.md", "---\ntitle: [unclosed\nsummary: x: y: z\n---\nbody\n")
    content.write(content.root / "ming" / "departments.yaml", "- code: 1\n  name: [\n")
    run = content.check()
    files = {(f["item"], f["file"]) for f in only(run, "syntax-error")}
    assert files == {("broken", "index.md"), (None, "departments.yaml")}
    assert run.exit_code == 1


def test_missing_student_yaml_and_index_md(content):
    folder = content.root / "nobody" / "items" / "empty-item"
    folder.mkdir(parents=True)
    run = content.check()
    files = {f["file"] for f in only(run, "file-missing")}
    assert files == {"student.yaml", "index.md"}
    assert run.doc["students"] == ["nobody"]


def test_non_utf8_index_is_reported(content):
    content.student()
    folder = content.root / "ming" / "items" / "big5"
    folder.mkdir(parents=True)
    (folder / "index.md").write_bytes("---\ntitle: 光的折射\n---\n心得\n".encode("big5"))
    run = content.check()
    (f,) = only(run, "encoding-invalid")
    assert (f["item"], f["file"]) == ("big5", "index.md")


def test_front_matter_missing(content):
    content.student()
    folder = content.root / "ming" / "items" / "plain"
    content.write(folder / "index.md", "只有心得，沒有設定。\n")
    run = content.check()
    assert only(run, "front-matter-missing")[0]["item"] == "plain"
