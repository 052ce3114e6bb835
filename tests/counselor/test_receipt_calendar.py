"""The 建中 收訖明細 calendar of October 2025, walked day by day: before the confirm window,
inside it, during the school's corrections, inside the re-check window and after it. At
each phase the findings of `check --today` and the dashboard's receipt column agree with
what the three students recorded in receipts.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from generator.counselor.counselor_step import CounselorStep
from generator.pipeline.building import build, load_step
from tests.builder import ContentBuilder

# As the handout gives it: confirm 10/7 08:00 – 10/16 17:00, the school corrects
# 10/17 – 10/21, students who reported re-check 10/22 08:00 – 10/23 10:30.
CALENDAR = """[deadlines]
confirm = { term = 1132, start = 2025-10-07T08:00:00, end = 2025-10-16T17:00:00 }
correct = { term = 1132, start = 2025-10-17, end = 2025-10-21 }
recheck = { term = 1132, start = 2025-10-22T08:00:00, end = 2025-10-23T10:30:00 }
"""

PARTS = ("1132 修課紀錄", "1132 幹部經歷", "113 學習成果", "113 多元表現")
RECEIPT = re.compile(r'<tr [^>]*data-slug="(\w+)".*?<td class="receipts" '
                     r'data-sort="(-?\d+)">(.*?)</td>', re.S)


def _class(content: ContentBuilder) -> None:
    content.settings(CALENDAR)
    for slug, sid in (("ming", "11301234"), ("hua", "11301235"), ("lin", "11301236")):
        content.student(slug, student_id=sid)


def _record(content: ContentBuilder, slug: str, entries: dict[str, object]) -> None:
    content.write(content.root / slug / "receipts.yaml",
                  yaml.safe_dump(entries, allow_unicode=True, sort_keys=False))


def _receipt_findings(content: ContentBuilder, today: str) -> dict[str, list[tuple[str, str]]]:
    run = content.check("--today", today)
    assert run.exit_code == 0, run.doc            # receipts only warn and inform
    out: dict[str, list[tuple[str, str]]] = {}
    folders = {"11301234": "ming", "11301235": "hua", "11301236": "lin"}
    for f in run.doc["findings"]:
        if f["code"].startswith("receipt-"):
            out.setdefault(folders[f["student"]], []).append((f["code"], f["message"]))
    return out


def _column(content: ContentBuilder, today: str, output: Path) -> dict[str, tuple[int, str]]:
    """The dashboard's 收訖明細確認 cell of each student: (its sort key, its text)."""
    result = build(content.root, output, offline=True, jobs=1,
                   today=dt.date.fromisoformat(today),
                   renderers=[CounselorStep(with_reviews=False)])
    assert not result.failures, result.failures
    html = (output / "index.html").read_text("utf-8")
    assert "收訖明細確認" in html
    return {slug: (int(key), re.sub(r"<[^>]+>", "", cell).strip())
            for slug, key, cell in RECEIPT.findall(html)}


def test_the_october_calendar(content: ContentBuilder, tmp_path: Path) -> None:
    _class(content)

    # Before 10/7: nothing asked yet, nothing counted.
    assert _receipt_findings(content, "2025-10-06") == {}
    before = _column(content, "2025-10-06", tmp_path / "before")
    assert set(before) == {"ming", "hua", "lin"}
    assert all(key == -1 for key, _ in before.values())

    # Inside the confirm window: ming confirmed all four parts, hua reported 資料有少 in
    # 多元表現, lin has done nothing and is told each part with the days left.
    _record(content, "ming", dict.fromkeys(PARTS, "confirmed"))
    _record(content, "hua", {**dict.fromkeys(PARTS[:3], "資料正確無誤"),
                             PARTS[3]: {"missing": "少了社區圖書館志工"}})
    inside = _receipt_findings(content, "2025-10-10")
    assert set(inside) == {"lin"}
    assert [code for code, _ in inside["lin"]] == ["receipt-pending"] * 4
    assert {part for part in PARTS for _, m in inside["lin"] if f"「{part}」" in m} == set(PARTS)
    assert all("還有 6 天" in m and "2025-10-16 17:00" in m for _, m in inside["lin"])
    column = _column(content, "2025-10-10", tmp_path / "inside")
    assert column["ming"][1] == "確認 4・回報 0・未做 0"
    assert column["hua"][1] == "確認 3・回報 1・未做 0"
    assert column["lin"][1] == "確認 0・回報 0・未做 4"
    # Sorted by the column, the one with most left to do comes first.
    assert sorted(column, key=lambda s: -column[s][0]) == ["lin", "hua", "ming"]

    # The school corrects: the window has closed, lin's silence counted as agreement.
    corrections = _receipt_findings(content, "2025-10-18")
    assert set(corrections) == {"lin"}
    assert [code for code, _ in corrections["lin"]] == ["receipt-silence"] * 4
    assert all("視同對提交紀錄無異議" in message for _, message in corrections["lin"])

    # Inside the re-check window: hua, who reported, is asked to re-check.
    recheck = _receipt_findings(content, "2025-10-22")
    ((code, message),) = recheck["hua"]
    assert code == "receipt-recheck" and "113 多元表現" in message and "還有 1 天" in message
    assert [c for c, _ in recheck["lin"]] == ["receipt-silence"] * 4
    assert "ming" not in recheck
    column = _column(content, "2025-10-22", tmp_path / "recheck")
    assert column["hua"][1] == "確認 3・回報 1・未做 0"
    assert column["lin"][1] == "確認 0・回報 0・未做 4"

    # After it: a report never re-checked is silence too; a re-checked one is done.
    after = _receipt_findings(content, "2025-10-24")
    ((code, message),) = after["hua"]
    assert code == "receipt-silence" and "重新檢核" in message
    _record(content, "hua", {**dict.fromkeys(PARTS[:3], "confirmed"),
                             PARTS[3]: {"missing": "少了社區圖書館志工", "rechecked": True}})
    assert "hua" not in _receipt_findings(content, "2025-10-24")


def test_the_pages_show_what_is_due_per_term(content: ContentBuilder, tmp_path: Path) -> None:
    """Each window is shown with its term: the student's page says what is open now and
    what opens next (not the school's corrections), the counselor's page every window with
    what is left in it."""
    _class(content)
    content.settings(CALENDAR
                     + "certify = [{ term = 1141, start = 2025-12-01, end = 2025-12-20 },\n"
                     + "           { term = 1142, start = 2026-05-01, end = 2026-05-20 }]\n")
    content.course("sent", slug="ming", term=1141, certified=False, status="sent")
    output = tmp_path / "out"
    result = build(content.root, output, offline=True, jobs=1, today=dt.date(2025, 10, 10),
                   renderers=[load_step("generator.render.site.site_step:SiteStep"),
                              CounselorStep(with_reviews=False)])
    assert not result.failures, result.failures
    student = (output / "ming" / "index.html").read_text("utf-8")
    (lines,) = re.findall(r'<ul class="deadlines">(.*?)</ul>', student, re.S)
    assert "收訖明細確認（1132） 2025-10-16 17:00（6 天）" in lines
    assert "學校更正" not in lines
    counselor = (output / "ming" / "counselor.html").read_text("utf-8")
    due = re.compile(r'<tr class="due-(\w+)">\s*<th scope="row">(.*?)</th>'
                     r'(?:\s*<td>.*?</td>){3}\s*<td>(.*?)</td>', re.S)
    rows = {what: (state, left) for state, what, left in due.findall(counselor)}
    assert rows["收訖明細確認（1132）"] == ("open", "4")
    assert rows["認證（1141）"] == ("upcoming", "1")
    assert rows["認證（1142）"] == ("upcoming", "0")


def _pages(content: ContentBuilder, today: str, output: Path) -> dict[str, dict[str, str]]:
    """Per student: the 收訖明細 lines of their page's deadlines, the receipt windows of
    their counselor page, and the windows their 1132 checklist lists (if it has one)."""
    result = build(content.root, output, offline=True, jobs=1,
                   today=dt.date.fromisoformat(today),
                   renderers=[load_step("generator.render.site.site_step:SiteStep"),
                              load_step("generator.render.site.compare_step:CompareStep"),
                              CounselorStep(with_reviews=False)])
    assert not result.failures, result.failures
    out = {}
    for slug in ("ming", "hua", "lin", "xin"):
        home = (output / slug / "index.html").read_text("utf-8")
        lines = re.findall(r'<ul class="deadlines">(.*?)</ul>', home, re.S)
        counselor = (output / slug / "counselor.html").read_text("utf-8")
        rows = re.findall(r'<tr class="due-\w+">\s*<th scope="row">(.*?)</th>', counselor)
        checklist = output / slug / "checklist" / "1132.html"
        windows = re.findall(r'<dl class="windows">(.*?)</dl>',
                             checklist.read_text("utf-8"), re.S) if checklist.exists() else []
        out[slug] = {"home": " ".join(lines), "counselor": " ".join(rows),
                     "checklist": " ".join(windows)}
    return out


def test_the_receipt_windows_are_shown_to_whom_they_concern(content: ContentBuilder,
                                                             tmp_path: Path) -> None:
    """The re-check (and the school's corrections) only to a student who reported, or
    still may; no receipt window at all to a grade-10 student, whose school years begin
    after the term the receipt is for."""
    _class(content)
    content.student("xin", student_id="11401237", enrolled=114)
    _record(content, "ming", dict.fromkeys(PARTS, "confirmed"))
    _record(content, "hua", {**dict.fromkeys(PARTS[:3], "confirmed"),
                             PARTS[3]: {"missing": "少了社區圖書館志工"}})

    # The confirm window is open: lin, who recorded nothing, may still report.
    inside = _pages(content, "2025-10-10", tmp_path / "inside")
    for slug in ("ming", "hua", "lin"):
        assert "收訖明細確認（1132）" in inside[slug]["home"], slug
        assert "收訖明細確認" in inside[slug]["checklist"], slug
    assert "重新檢核" not in inside["ming"]["home"] + inside["ming"]["checklist"]
    assert "重新檢核" not in inside["ming"]["counselor"]
    for slug in ("hua", "lin"):
        assert "重新檢核" in inside[slug]["checklist"], slug
        assert "重新檢核（1132）" in inside[slug]["counselor"], slug
    assert "收訖明細" not in inside["xin"]["home"] + inside["xin"]["counselor"]
    assert inside["xin"]["checklist"] == ""  # no checklist of a term before enrolling

    # The re-check window is open: only hua, who reported, is shown it.
    recheck = _pages(content, "2025-10-22", tmp_path / "recheck")
    assert "重新檢核（1132）" in recheck["hua"]["home"]
    assert "重新檢核" in recheck["hua"]["checklist"] and "學校更正" in recheck["hua"]["checklist"]
    for slug in ("ming", "lin", "xin"):  # confirmed all; silence was agreement; grade 10
        said = recheck[slug]
        assert "重新檢核" not in said["home"] + said["counselor"] + said["checklist"], slug
        assert "學校更正" not in said["counselor"] + said["checklist"], slug
