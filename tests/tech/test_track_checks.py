"""The 技專 track (四技二專甄選入學): its codes, limits and coverage, checked as a student
on it writes them; and the university track left as it was."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from generator.model.site_settings import TrackName
from generator.rules import TRACKS, load_rules, track_table


def dep(**kw):
    return {"code": "211001", "name": "國立臺北科技大學 電機工程系", **kw}


def tech_student(content, *, per_student: bool = True):
    if per_student:
        content.student(track="tech")
    else:
        content.settings('track = "tech"\n')
        content.student()
    # 專題實作 and 實習 outcomes, both B-1; two subjects over two terms (a subject's cap a
    # term is the central database's, on either track).
    for n, (subject, term) in enumerate([("專題實作", 1131), ("專題實作", 1132),
                                          ("電子實習", 1131), ("電子實習", 1132)]):
        content.course(f"capstone{n}", submitted=113, subject=subject, code="B-1",
                       form="practical", term=term)
    content.course("report", submitted=113, subject="電工機械")
    content.performance("contest", submitted=113, category="competition")
    content.performance("licence", submitted=113, category="certificate",
                        date=dt.date(2025, 5, 1))


def test_the_tracks_are_the_settings_choices():
    assert set(get_args(TrackName)) == set(TRACKS)


def test_every_tech_entry_has_its_source():
    table = track_table("tech")
    assert all(c.source for c in table.codes.values())
    assert all(r.source for r in [*table.forms.values(), *table.categories.values()])
    assert list(table.codes) == ["A", "B-1", "B-2", *(f"C-{n}" for n in range(1, 9)),
                                 "D-1", "D-2", "D-3"]
    assert table.track.department_limits == {"B-1": 3}


def test_tech_rules_map_the_ten_categories_to_c_codes():
    rules = load_rules().for_track("tech")
    codes = {k: c.code for k, c in rules.categories.items()}
    assert len(codes) == 10 and all(c.startswith("C-") for c in codes.values())
    assert (codes["flexible"], codes["cadre"], codes["competition"], codes["certificate"]) \
        == ("C-1", "C-3", "C-5", "C-7")
    assert {f.code for f in rules.forms.values()} == {"B-2"}
    # and back: the university table is the official one
    assert rules.for_track("university").codes == load_rules().codes


@pytest.mark.parametrize("per_student", [True, False])
def test_four_b1_for_one_department_is_a_department_limit(content, per_student):
    tech_student(content, per_student=per_student)
    content.departments([dep(courses=[f"capstone{n}" for n in range(4)],
                             performances=["contest", "licence"])])
    run = content.check()
    (found,) = run.having("department-limit")
    assert found["severity"] == "error" and run.exit_code == 1
    assert "B-1" in found["message"] and "4" in found["message"] and "3" in found["message"]


def test_three_b1_and_wanted_codes_are_clean(content):
    tech_student(content)
    content.write(content.root / "ming" / "courses.csv",
                  "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
                  "1131,電工機械,1,3,85,true,,,true\n"
                  "1131,專題實作,1,3,85,true,,,true\n1132,專題實作,1,3,85,true,,,true\n"
                  "1131,電子實習,1,3,85,true,,,true\n1132,電子實習,1,3,85,true,,,true\n")
    content.departments([dep(courses=["capstone0", "capstone1", "capstone2", "report"],
                             performances=["contest", "licence"],
                             wants=["A", "B-1", "B-2", "C-5", "C-7", "D-1", "D-2"],
                             reflection="從專題到競賽的綜整心得。",
                             statement={"reflection": "…", "motivation": "…", "plan": "…"})])
    run = content.check()
    assert run.doc["findings"] == [], run.doc["findings"]


def test_wanting_d1_without_a_reflection_is_uncovered(content):
    tech_student(content)
    content.departments([dep(courses=["capstone0"], wants=["B-1", "D-1"])])
    run = content.check("--lang", "en")
    (found,) = run.having("department-code-uncovered")
    assert found["severity"] == "warning"
    assert "D-1" in found["message"] and "performance reflection" in found["message"]


def test_a_university_code_is_refused_on_the_tech_track_in_both_languages(content):
    tech_student(content)
    content.course("old", submitted=113, code="J")
    content.departments([dep(courses=["capstone0"], wants=["B-1", "N", "c5"])])
    for lang, words in (("zh-TW", "四技二專甄選入學"), ("en", "vocational college")):
        run = content.check("--lang", lang)
        invalid = {f["item"] or f["file"]: f for f in run.having("field-invalid")}
        assert set(invalid) == {"old", "departments.yaml"}
        for f in invalid.values():
            assert words in f["message"] and "B-1" in f["message"] and "D-3" in f["message"]
        assert "N" in invalid["departments.yaml"]["message"]
    # "c5" is C-5, kept: nothing provides it, so it is uncovered, not refused.
    (uncovered,) = run.having("department-code-uncovered")
    assert "C-5" in uncovered["message"]


def test_a_tech_code_is_refused_on_the_university_track(content):
    content.student()
    content.course("capstone", submitted=113, code="B-1")
    run = content.check("--lang", "en")
    (found,) = run.having("field-invalid")
    assert found["item"] == "capstone" and "B-1" in found["message"]
    assert "university application" in found["message"] and "B, C, D" in found["message"]


def test_a_bad_track_is_field_invalid(content):
    content.settings('track = "vocational"\n')
    content.student(track="college")
    run = content.check("--lang", "en")
    fields = {f["params"]["field"] if "params" in f else f["message"]
              for f in run.having("field-invalid")}
    assert len(run.having("field-invalid")) == 2, fields


def test_new_with_the_tech_track_scaffolds_a_clean_tech_class(tmp_path):
    from tests.builder import run_cli

    target = tmp_path / "x"
    assert run_cli("new", str(target), "--track", "tech").exit_code == 0
    assert 'track = "tech"' in (target / "portfolio.toml").read_text("utf-8")
    assert "code: B-1" in (target / "my-portfolio" / "items" / "sample-course" / "index.md") \
        .read_text("utf-8")
    run = run_cli("check", str(target), "--offline", "--format", "json")
    assert run.exit_code == 0
    # Clean but for the sample items, which warn until the student makes them their own.
    assert run.doc["counts"] == {"error": 0, "warning": 2, "info": 0}
    assert {f["code"] for f in run.doc["findings"]} == {"sample-content"}
    assert run_cli("new", str(tmp_path / "y"), "--track", "college").exit_code == 2
