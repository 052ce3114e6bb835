"""Mistakes in the counselor's own files, `[deadlines]` and the comment files, are findings:
`check` prints them, the dashboard and findings.csv list them, a student's own pages
and exports never show them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.builder import TODAY, ContentBuilder, run_cli
from tests.counselor.test_dashboard import read_csv
from tests.mediafactory import MediaFactory

DEADLINES = """
[deadlines]
upload = { start = 2026-09-01, end = 2026-10-31 }
exam = { end = 2026-12-01 }
certify = { start = 2026-11-01, end = "next friday" }
tick = { start = 2027-01-20, end = 2027-01-15 }
"""


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory, media: MediaFactory) -> ContentBuilder:
    c = ContentBuilder(tmp_path_factory.mktemp("files") / "content", media)
    c.settings(DEADLINES)
    c.student("ming", name="王小明", student_id="11300001")
    c.course("optics", slug="ming", submitted=113)
    c.performance("contest", slug="ming", submitted=113)
    c.departments([{"code": "001012", "name": "某大學 物理學系", "courses": ["optics"],
                    "performances": ["contest"]}], slug="ming")
    c.write(c.root / "ming" / "reviews.yaml",
            "items:\n  optcs: ZEBRA 簡述再具體一點\n"
            "departments:\n  \"001013\": ZEBRA 自述\n"
            "item:\n  contest: ZEBRA 放錯欄位\n")
    c.student("hua", name="李小華", student_id="11300002")
    c.course("lab", slug="hua", submitted=113)
    c.write(c.root / "hua" / "reviews.yaml", "items:\n  lab: [ZEBRA 沒有關上\n")
    return c


def test_check_reports_them_as_warnings(content: ContentBuilder) -> None:
    run = content.check()
    assert run.exit_code == 0, run.output              # warnings: the portfolio is fine
    bad = run.having("deadline-invalid")
    assert len(bad) == 3
    said = " ".join(f["message"] for f in bad)
    for key in ("exam", "certify", "tick"):
        assert f"「{key}」" in said
    assert "「upload」" not in said
    assert all(f["file"] == "portfolio.toml" and f["student"] is None
               for f in run.having("deadline-invalid"))

    targets = run.having("review-target-unknown")
    assert {(f["student"], f["file"]) for f in targets} == {("11300001", "ming/reviews.yaml")}
    messages = " ".join(f["message"] for f in targets)
    assert "「optcs」" in messages and "optics" in messages     # with a did-you-mean
    assert "「001013」" in messages
    field = run.having("review-field-unknown")
    assert len(field) == 1 and "item" in field[0]["message"] and "items" in field[0]["message"]
    broken = run.having("review-unreadable")
    assert [(f["student"], f["file"]) for f in broken] == [("11300002", "hua/reviews.yaml")]
    # PyYAML notices the unclosed bracket where the file ends, just past line 2.
    assert re.search(r"第 [23] 行", broken[0]["message"]), broken[0]["message"]
    # No comment text is ever quoted in a finding.
    assert "ZEBRA" not in run.output
    assert content.check("--strict").exit_code == 1


def test_english_messages(content: ContentBuilder) -> None:
    run = content.check("--lang", "en")
    [broken] = run.having("review-unreadable")
    assert "cannot be read" in broken["message"]
    assert any("Did you mean optics?" in f["message"]
               for f in run.having("review-target-unknown"))


@pytest.fixture(scope="module")
def built(content: ContentBuilder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "output"
    run = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf",
                  "--today", TODAY, "-q")
    assert run.exit_code == 0, run.output
    return out


def test_dashboard_and_csv_list_them(built: Path) -> None:
    index = built.joinpath("index.html").read_text("utf-8")
    assert index.count("[deadlines]") == 3
    codes = [(r["folder"], r["code"]) for r in read_csv(built / "findings.csv")]
    assert ("ming", "review-target-unknown") in codes
    assert ("ming", "review-field-unknown") in codes
    assert ("hua", "review-unreadable") in codes
    assert codes.count(("", "deadline-invalid")) == 3
    summary = {r["folder"]: r for r in read_csv(built / "summary.csv")}
    assert int(summary["hua"]["warnings"]) >= 1
    counselor = built.joinpath("ming", "counselor.html").read_text("utf-8")
    assert "有意見寫給「optcs」" in counselor        # the finding, beside the comment


def test_the_windows_that_are_right_still_count(built: Path) -> None:
    # upload closed 10-31 and is right; the broken ones are left out, not the lot.
    page = built.joinpath("ming", "counselor.html").read_text("utf-8")
    assert "2026-10-31" in page
    assert "next friday" not in page


def test_student_pages_never_show_them(built: Path) -> None:
    for slug in ("ming", "hua"):
        for page in (built / slug).rglob("*.html"):
            if page.name == "counselor.html":
                continue
            html = page.read_text("utf-8")
            assert "reviews.yaml" not in html, page
            assert "ZEBRA" not in html, page


def test_export_never_holds_them(content: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "output"
    run = run_cli("export", str(content.root), "-o", str(out), "--department", "001012",
                  "--offline", "--today", TODAY)
    assert run.exit_code == 0, run.output
    [bundle] = out.rglob("*.zip")
    with zipfile.ZipFile(bundle) as z:
        for name in z.namelist():
            data = z.read(name)
            assert b"reviews.yaml" not in data and b"ZEBRA" not in data, name


def test_student_only_build_leaves_out_the_comment_findings(content: ContentBuilder,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "student"
    run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf",
            "--today", TODAY, "--no-reviews", "-q")
    codes = {r["code"] for r in read_csv(out / "findings.csv")}
    assert not codes & {"review-target-unknown", "review-field-unknown", "review-unreadable"}
    assert "deadline-invalid" in codes
