"""Counselor comments reach the counselor's pages and nothing a department receives."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from pypdf import PdfReader

from generator.pipeline.exporting import export_departments
from tests.builder import TODAY, run_cli
from tests.counselor.conftest import COMMENTS, TITLE_MARKER, Built


def pdf_text(data: Path | zipfile.ZipExtFile) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(data).pages)


def leaks(text: str) -> list[str]:
    marker = "ZEBRA"        # every comment carries it; nothing else does
    return [c for c in COMMENTS if c in text or c.split()[0] in text] + (
        [marker] if marker in text else [])


def test_department_pages_and_pdfs_never_show_comments(klass: Built) -> None:
    dep = klass.output / "ming" / "departments" / "001012"
    pdf = pdf_text(dep / "portfolio.pdf")
    assert TITLE_MARKER in pdf                        # the text is really read back
    assert leaks(pdf) == []
    assert leaks(pdf_text(klass.output / "ming" / "portfolio.pdf")) == []
    for page in (klass.output / "ming").rglob("*.html"):
        if page.name != "counselor.html":
            assert leaks(page.read_text("utf-8")) == [], page
    for upload in (klass.output / "ming").rglob("upload/**/*.pdf"):
        assert leaks(pdf_text(upload)) == [], upload


def test_department_zip_never_holds_comments(klass: Built, tmp_path: Path) -> None:
    out = tmp_path / "export"
    shutil.copytree(klass.output, out)              # incremental: only the bundle is new
    outcome = export_departments(klass.content.root, out, codes=["001012"],
                                        everything=False, force=True, offline=True, jobs=2)
    zips = sorted(out.rglob("*.zip"))
    assert zips, outcome
    assert "ZEBRA" in (out / "ming" / "counselor.html").read_text("utf-8")  # built, yet…
    for path in zips:
        with zipfile.ZipFile(path) as bundle:
            for name in bundle.namelist():
                assert "counselor" not in name and "reviews" not in name, name
                data = bundle.read(name)
                assert b"ZEBRA" not in data, name
                if name.endswith(".pdf"):
                    with bundle.open(name) as fh:
                        assert leaks(pdf_text(fh)) == [], name  # type: ignore[arg-type]


def test_student_only_build_has_no_comments(klass: Built, tmp_path: Path) -> None:
    out = tmp_path / "student"
    run = run_cli("build", str(klass.content.root), "-o", str(out), "--offline", "--skip",
                  "pdf", "--today", TODAY, "--no-reviews", "-q")
    assert run.exit_code == 1                       # hua's errors, not a crash
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json"):
            assert b"ZEBRA" not in path.read_bytes(), path
    assert (out / "ming" / "counselor.html").exists()   # deadlines are still there


def test_reviews_folder_given_on_the_command_line(klass: Built, tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / "11300002.yaml").write_text("items:\n  long: ZEBRA-FOLDER 簡述太長了\n", "utf-8")
    out = tmp_path / "out"
    run_cli("build", str(klass.content.root), "-o", str(out), "--offline", "--skip", "pdf",
            "--today", TODAY, "--reviews", str(reviews), "-q")
    assert "ZEBRA-FOLDER" in (out / "hua" / "counselor.html").read_text("utf-8")
    assert "ZEBRA-FOLDER" not in (out / "hua" / "items" / "long" / "index.html").read_text(
        "utf-8")
