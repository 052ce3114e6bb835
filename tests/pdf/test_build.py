"""Reproducible and incremental: same content, same bytes; unchanged content, no work."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.checks.content_check import check_content
from generator.i18n import text
from generator.render.pdf import PdfSettings, render_portfolio
from generator.render.pdf.pdf_assembly import timestamp
from tests.pdf.conftest import SLUG, Made, outline_titles, run_build


def pdfs(out: Path) -> dict[str, bytes]:
    """The PDFs of the output (not the fragments kept in its cache)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))
            if not p.relative_to(out).as_posix().startswith(".portfolio/")}


def fresh_copy(made: Made, where: Path) -> Path:
    """The content elsewhere, without the derived-file cache: nothing carried over."""
    shutil.copytree(made.root, where, ignore=shutil.ignore_patterns(".portfolio"))
    return where


def test_two_builds_give_the_same_bytes(built: Path, made: Made,
                                        tmp_path: Path) -> None:
    root = fresh_copy(made, tmp_path / "elsewhere" / "content")
    out = tmp_path / "out"
    result = run_build(root, out)
    assert not result.failures
    first, second = pdfs(built), pdfs(out)
    assert len(first) == 2 + len(made.titles)  # whole, one department, one per item
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name
    # No wall-clock date and no random id in the file: it starts with a fixed stamp.
    info = PdfReader(io.BytesIO(first[f"{SLUG}/portfolio.pdf"])).metadata
    assert info["/CreationDate"] == "D:20261120000000Z"


def test_source_date_epoch_fixes_the_stamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert timestamp(dt.date(2000, 1, 1)) == "2026-09-21T14:13:20Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert timestamp(dt.date(2026, 11, 20)) == "2026-11-20T00:00:00Z"


def test_unchanged_student_is_not_rendered_again(made: Made, tmp_path: Path) -> None:
    root = fresh_copy(made, tmp_path / "content")
    out = tmp_path / "out"
    run_build(root, out)
    again = run_build(root, out)
    assert again.rendered == [] and len(again.kept) == 2 + len(made.titles)

    index = root / SLUG / "items" / "camp" / "index.md"
    index.write_text(index.read_text("utf-8").replace("兩天的營隊。", "三天的營隊。"), "utf-8")
    changed = run_build(root, out)
    # The student's PDFs show the item; of the upload copies only the item's own changes.
    assert sorted(changed.rendered) == [f"{SLUG}/departments/001012/portfolio.pdf",
                                        f"{SLUG}/portfolio.pdf",
                                        f"{SLUG}/upload/camp/1141-其他表現-參加臺大電機營.pdf"]


def test_english_labels_with_lang_en(made: Made, tmp_path: Path) -> None:
    check = check_content(made.root, offline=True, lang="en")
    student = check.portfolio.students[0]
    settings = PdfSettings(lang="en", today=check.portfolio.today, cache_dir=tmp_path)
    data, _ = render_portfolio(student, check.portfolio.rules, settings,
                               student.departments[0])
    reader = PdfReader(io.BytesIO(data))
    top = [t for d, t, _ in outline_titles(reader) if d == 0]
    assert top[:3] == ["Cover", "Learning statement", "Course records"]
    words = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert text("pdf-field-certified", "en") in words and "授課教師認證" not in words
