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


# N is counted on the text as it reads once laid out: markup, link addresses and image
# syntax are not characters of it. 2 (heading) + 2 (bold) + 794 + 1 (link text) + 1 (list).
def _n_text(extra: int) -> str:
    return ("## 心得\n\n**重點**" + "字" * (794 + extra) + "[連](https://example.org/teach)"
            "![社課](club.jpg)\n\n- 項\n")


def test_reflection_is_counted_on_its_rendered_text(content):
    from generator.support.characters import count_prose_chars

    assert count_prose_chars(_n_text(0)) == 800
    assert count_prose_chars(_n_text(1)) == 801
    setup_items(content)
    content.departments([dep(courses=["c1"], reflection=_n_text(0)),
                         dep(code="011202", name="成大資工", courses=["c1"],
                             reflection=_n_text(1))])
    found = content.check().having("reflection-too-long")
    assert [f["message"].split("（")[0] for f in found] == ["成大資工"]
    assert "801" in found[0]["message"]


def test_r_is_wanted_and_given_by_other(content):
    setup_items(content)
    content.write(content.root / "ming" / "courses.csv",
                  "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
                  + "".join(f"1131,{subject},10,2,85,是,,,是\n"
                          for subject in ("物理", "化學", "數學", "生物", "歷史")))
    content.departments([dep(wants=["A", "R"], other="我的作品集網站。"),
                         dep(code="011202", name="成大資工", wants=["A", "R"])])
    run = content.check()
    (uncovered,) = run.having("department-code-uncovered")   # the one without `other`
    assert "011202" in uncovered["message"] and "R 其他有利審查資料" in uncovered["message"]
    assert [f["code"] for f in run.doc["findings"]] == ["department-code-uncovered"]
    assert run.exit_code == 0


def test_wants_a_and_r_with_other_checks_clean(content):
    setup_items(content)
    content.write(content.root / "ming" / "courses.csv",
                  "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
                  + "".join(f"1131,{subject},10,2,85,是,,,是\n"
                          for subject in ("物理", "化學", "數學", "生物", "歷史")))
    content.departments([dep(wants=["A", "R"], other="我的作品集網站。")])
    run = content.check()
    assert run.doc["findings"] == [] and run.exit_code == 0


def test_school_cadres_give_h(content):
    setup_items(content)
    content.write(content.root / "ming" / "cadres.yaml",
                  "- {term: 1131, unit: 一年三班, role: 班長, level: 班級}\n")
    content.departments([dep(courses=["c1"], wants=["B", "H"])])
    assert content.check().having("department-code-uncovered") == []


def test_statement_parts_are_o_p_q(content):
    setup_items(content)
    content.departments([dep(courses=["c1"], wants=["P", "Q"],
                             statement={"P": "我想讀電機。", "q": "大學的計畫。"}),
                         dep(code="011202", name="成大資工", courses=["c1"],
                             statement={"P": "動機", "Z": "不知道是哪一部分"})])
    run = content.check()
    assert run.having("department-code-uncovered") == []
    (bad,) = run.having("field-invalid")
    assert "Z" in bad["message"]
