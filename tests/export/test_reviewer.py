"""What reviewers really get: the upload record, the kit, the reviewer's copy, drafts.

One student (tests/export/conftest.py `fill_reviewed`), exported with every department:
an item whose 文件 is its page then its report, one whose report is uploaded as given
(its reflection private), a picture given as 文件, department texts for O/P/Q, N and R,
school cadres, 修課紀錄 up to semester 6 of a grade-12 applicant, and a second
department whose selection has an error (exported only with --force).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from pypdf import PdfReader

from generator.content.loader import load_portfolio
from generator.render.site.review_time import item_media_seconds, item_pages
from tests.export.conftest import OTHER, REVIEWED, SECRET, Reviewed

SECRET_WORD = SECRET.split()[0]


def _text(source: Path | bytes) -> str:
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return "\n".join(p.extract_text() or "" for p in reader.pages)


def _pages(source: Path | bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return [p.extract_text() or "" for p in reader.pages]


def _student(r: Reviewed) -> Path:
    return r.output / "ming"


def _zip(r: Reviewed, code: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(_student(r) / "departments" / f"{code}.zip")


def _upload_pdf(r: Reviewed, item_id: str) -> Path:
    """The item's upload 文件 (named after the item: tests/engine/test_upload_names.py)."""
    (pdf,) = (_student(r) / "upload" / item_id).glob("*.pdf")
    return pdf


def test_exports(reviewed: Reviewed) -> None:
    assert reviewed.run.exit_code == 0, reviewed.run.output
    # The other department's selection has an error: no bundle without --force.
    assert reviewed.refused.exit_code == 1
    assert "summary-too-long" in reviewed.refused.output


# ----------------------------------------------------------------- the upload record

def test_document_with_a_reflection_uploads_the_page_then_the_document(
        reviewed: Reviewed) -> None:
    upload = _upload_pdf(reviewed, "report")
    given = reviewed.content / "ming" / "items" / "report" / "report.pdf"
    pages = _pages(upload)
    report = _pages(given)
    # The item's page (one page: a short reflection and a photo), then every page of the
    # report, in order.
    assert len(pages) == 1 + len(report) == 3
    assert "PAGEWORDS" in pages[0] and "Prism 光的折射實驗" in pages[0]
    assert [p.strip() for p in pages[1:]] == [p.strip() for p in report]


def test_upload_reflection_false_uploads_the_document_as_given(reviewed: Reviewed) -> None:
    upload = _upload_pdf(reviewed, "private")
    given = reviewed.content / "ming" / "items" / "private" / "census.pdf"
    assert upload.read_bytes() == given.read_bytes()


def test_no_reviewer_view_holds_a_private_reflection(reviewed: Reviewed) -> None:
    student = _student(reviewed)
    dep = student / "departments" / REVIEWED["code"]
    assert SECRET_WORD not in (dep / "index.html").read_text("utf-8")
    assert SECRET_WORD not in _text(dep / "portfolio.pdf")
    with _zip(reviewed, REVIEWED["code"]) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            shown = _text(data) if name.endswith(".pdf") else data.decode("utf-8", "replace")
            assert SECRET_WORD not in shown, name
    # The student's own page and PDF keep it, marked as theirs alone.
    page = (student / "items" / "private" / "index.html").read_text("utf-8")
    assert SECRET_WORD in page and "只有你看得到，不會上傳" in page
    own = _text(student / "portfolio.pdf")
    assert SECRET_WORD in own and "只有你看得到，不會上傳" in own


def test_a_picture_document_follows_the_page_on_a_page_of_its_own(reviewed: Reviewed) -> None:
    folder = _student(reviewed) / "upload" / "poster"
    upload = _upload_pdf(reviewed, "poster")
    assert [p.name for p in folder.iterdir()] == [upload.name]   # the one 文件, a PDF
    reader = PdfReader(upload)
    assert len(reader.pages) == 2
    assert "POSTERWORDS" in (reader.pages[0].extract_text() or "")
    assert list(reader.pages[1].images)


def test_review_time_counts_what_is_uploaded(reviewed: Reviewed) -> None:
    portfolio, _ = load_portfolio(reviewed.content)
    student = portfolio.students[0]
    private, report = student.item("private"), student.item("report")
    assert private is not None and report is not None
    assert item_pages(private) == 1          # the census as given: its one page
    assert item_pages(report) == 1 + 1 + 2   # the text, the photo, the report's pages
    assert item_media_seconds(private) == 0.0


# ----------------------------------------------------------------- the kit

def test_kit_files_hold_the_students_words(reviewed: Reviewed) -> None:
    kit = _student(reviewed) / "departments" / REVIEWED["code"] / "kit"
    assert sorted(p.name for p in kit.iterdir()) == sorted(
        ["學習歷程自述.pdf", "多元表現綜整心得.pdf", "其他.pdf", "勾選清單.html", "勾選清單.pdf"])
    statement = _text(kit / "學習歷程自述.pdf")
    # The department asks for P and Q: O is not in its 學習歷程自述.
    assert "PAPAYAWORDS" in statement and "QUINCEWORDS" in statement
    assert "OMEGAWORDS" not in statement and "就讀動機" in statement
    reflection = _text(kit / "多元表現綜整心得.pdf")
    assert "NECTARINE" in reflection and "**" not in reflection
    assert list(PdfReader(kit / "多元表現綜整心得.pdf").pages[0].images)  # its picture
    other = _pages(kit / "其他.pdf")
    assert "RAMBUTANWORDS" in other[0]
    assert len(other) == 3 and all("WORKSWORDS" in p for p in other[1:])  # the 作品集 pages
    for name in ("學習歷程自述.pdf", "多元表現綜整心得.pdf", "其他.pdf"):
        assert (kit / name).stat().st_size <= 5_000_000


def test_tick_list_in_the_platforms_order(reviewed: Reviewed) -> None:
    kit = _student(reviewed) / "departments" / REVIEWED["code"] / "kit"
    html = (kit / "勾選清單.html").read_text("utf-8")
    titles = ["Prism 光的折射實驗", "Census 社區人口探究", "Robot 機器人競賽", "Chess 西洋棋社"]
    where = [html.index(t) for t in titles]
    assert where == sorted(where)
    for code in ("B 書面報告", "E 社會領域探究活動成果", "J 競賽表現", "G 社團活動經驗"):
        assert code in html
    assert not re.search(r'(href|src)="(?!data:)', html)    # it stands alone
    # Its columns share the page by their text: a title may wrap, never go missing.
    assert "Robot機器人競賽" in re.sub(r"\s", "", _text(kit / "勾選清單.pdf"))
    # A department that takes no texts gets its tick list only.
    other = _student(reviewed) / "departments" / OTHER["code"] / "kit"
    assert sorted(p.name for p in other.iterdir()) == ["勾選清單.html", "勾選清單.pdf"]


# ----------------------------------------------------------------- the reviewer's copy

def test_a_grade_12_department_view_shows_semesters_1_to_5(reviewed: Reviewed) -> None:
    student = _student(reviewed)
    dep = student / "departments" / REVIEWED["code"]
    sixth = "115 學年度第 2 學期"
    assert sixth in (student / "index.html").read_text("utf-8")     # the student's own
    page = (dep / "index.html").read_text("utf-8")
    assert sixth not in page and "113 學年度第 1 學期" in page
    assert sixth not in _text(dep / "portfolio.pdf")
    # Every field of the receipt: 開課年級, 成績及格, 補考成績, 補考及格, 是否採計學分.
    for column in ("開課年級", "及格", "補考成績", "補考及格", "採計學分"):
        assert column in page
    assert re.search(r"<td>66</td>\s*<td>是</td>", page)   # the make-up and its pass


def test_school_cadres_count_on_the_cover_and_come_first(reviewed: Reviewed) -> None:
    dep = _student(reviewed) / "departments" / REVIEWED["code"]
    pages = _pages(dep / "portfolio.pdf")
    assert "幹部經歷（學校登錄） 1 筆" in pages[0]
    part = next(p for p in pages if p.lstrip().startswith("多元表現\n"))
    assert part.index("會長") < part.index("Robot 機器人競賽")
    html = (dep / "index.html").read_text("utf-8")
    performances = html[html.index('id="performances"'):]
    assert performances.index("會長") < performances.index('class="reviewed"')


# ----------------------------------------------------------------- drafts

def test_the_students_own_pdfs_carry_the_draft_mark(reviewed: Reviewed) -> None:
    student = _student(reviewed)
    own = _pages(student / "portfolio.pdf")
    assert "預覽：還有 1 個錯誤" in own[0]
    marked = [n for n, p in enumerate(own) if "預覽：這一項還有錯誤" in p]
    assert marked and all("Draft 草稿競賽" in own[n] or n - 1 in marked for n in marked)
    assert not any("預覽：這一項還有錯誤" in p for p in own if "Chess 西洋棋社" in p)
    other = _text(student / "departments" / OTHER["code"] / "portfolio.pdf")
    assert "預覽：還有 1 個錯誤" in other
    clean = _text(student / "departments" / REVIEWED["code"] / "portfolio.pdf")
    assert "預覽" not in clean


def test_a_forced_bundle_never_carries_the_draft_mark(reviewed: Reviewed) -> None:
    with _zip(reviewed, OTHER["code"]) as zf:
        import json

        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["forced"] is True
        pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
        assert pdfs
        for name in pdfs:
            assert "預覽" not in _text(zf.read(name)), name
