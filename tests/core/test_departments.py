"""Department selections and the codes departments want."""

from __future__ import annotations

import datetime as dt


def setup_items(content):
    content.student()
    content.course("c1", submitted=113, form="report")
    content.course("c2", submitted=113, subject="化學", form="practical")
    content.course("c3", submitted=113, subject="數學")
    content.course("c4", submitted=113, subject="生物")
    content.course("draft", subject="歷史")
    for n in range(11):
        content.performance(f"p{n:02}", date=dt.date(2025, 3, 1),
                            submitted=113 if n < 10 else 114)


def dep(**kw):
    return {"code": "001012", "name": "國立臺灣大學 電機工程學系", **kw}


def test_a_good_selection_has_no_findings(content):
    setup_items(content)
    content.departments([dep(courses=["c1", "c2"], performances=["p00", "p01"],
                             wants=["B", "C", "J"])])
    run = content.check()
    assert run.doc["findings"] == []


def test_department_limit(content):
    setup_items(content)
    content.departments([dep(courses=["c1", "c2", "c3", "c4"],
                             performances=[f"p{n:02}" for n in range(11)])])
    run = content.check()
    found = run.having("department-limit")
    assert len(found) == 2
    assert all(f["student"] == "11301234" and f["severity"] == "error" for f in found)
    assert run.exit_code == 1


def test_department_unknown_item(content):
    setup_items(content)
    content.departments([dep(courses=["c1", "ghost"])])
    run = content.check()
    (f,) = run.having("department-unknown-item")
    assert (f["item"], f["student"]) == ("ghost", "11301234")
    assert run.exit_code == 1


def test_department_not_submitted(content):
    setup_items(content)
    content.departments([dep(courses=["c1", "draft"])])
    run = content.check()
    (f,) = run.having("department-not-submitted")
    assert f["item"] == "draft"
    assert run.exit_code == 1


def test_code_not_wanted_and_uncovered(content):
    setup_items(content)
    content.departments([dep(courses=["c1", "c2"], performances=["p00"],
                             wants=["A", "B", "J", "N", "P"])])
    run = content.check()
    (nw,) = run.having("department-code-not-wanted")
    assert (nw["item"], nw["severity"]) == ("c2", "warning")
    uncovered = {f["message"] for f in run.having("department-code-uncovered")}
    assert len(uncovered) == 3  # A (no courses.csv), N (no reflection), P (no statement)
    assert run.exit_code == 0


def test_texts_and_course_records_cover_their_codes(content):
    setup_items(content)
    content.write(content.root / "ming" / "courses.csv",
                  "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
                  "1131,物理,1,2,85,true,,,true\n")
    content.departments([dep(courses=["c1"], wants=["A", "B", "N", "O", "P", "Q"],
                             reflection="綜整心得。",
                             statement="## 高中學習歷程反思\n…\n## 就讀動機\n…\n"
                                       "## 未來學習計畫\n…")])
    assert content.check().having("department-code-uncovered") == []


def test_statement_parts_are_counted(content):
    setup_items(content)
    content.departments([dep(courses=["c1"], wants=["B", "O", "P", "Q"],
                             statement={"motivation": "我想讀電機。"})])
    found = content.check().having("department-code-uncovered")
    assert len(found) == 2  # O and Q


def test_reflection_too_long(content):
    setup_items(content)
    images = "".join(f"![圖{n}](p{n}.jpg)" for n in range(4))
    content.departments([dep(courses=["c1"], reflection="心" * 801),
                         dep(code="011202", name="成大資工", courses=["c1"],
                             reflection="心" * 100 + images)])
    run = content.check()
    found = run.having("reflection-too-long")
    assert len(found) == 2
    assert run.exit_code == 1


def test_reflection_of_800_characters_passes(content):
    setup_items(content)
    content.departments([dep(courses=["c1"], reflection="心得，\n" * 266 + "好")])
    assert content.check().having("reflection-too-long") == []


def test_a_code_written_without_quotes_keeps_its_leading_zeros(content, tmp_path):
    # YAML 1.1 would read 001012 as the octal number 522: a code is what was written.
    setup_items(content)
    content.write(content.root / "ming" / "departments.yaml",
                  "- code: 001012\n  name: 國立臺灣大學 電機工程學系\n  courses: [c1]\n")
    out = tmp_path / "out"
    from tests.builder import run_cli

    built = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf",
                    "--skip", "media", "--skip", "upload")
    assert built.exit_code == 0, built.output
    assert (out / "ming" / "departments" / "001012" / "index.html").is_file()
    assert not (out / "ming" / "departments" / "522").exists()
