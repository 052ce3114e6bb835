"""Upload-ready 文件: copied, shrunk, or the item's page rendered to fit the limit."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory
from tests.pdf.conftest import PHOTOS, SLUG, Made, image_xobjects, photo, run_build

LIMIT = 4_000_000


def upload(out: Path, item: str) -> Path:
    """The item's 文件 PDF (named after the item: tests/engine/test_upload_names.py)."""
    folder = out / SLUG / "upload" / item
    found = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    assert len(found) <= 1, found
    return found[0] if found else folder / "none.pdf"


def test_twelve_photo_item_fits_with_every_photo(built: Path,
                                                 made: Made) -> None:
    originals = sum(p.stat().st_size for p in (made.root / SLUG / "items" / "trip").glob("*.jpg"))
    assert originals > LIMIT  # the point: as given, the photos alone would not fit
    path = upload(built, "trip")
    assert path.stat().st_size < LIMIT
    reader = PdfReader(path)
    assert len(image_xobjects(reader)) == PHOTOS
    assert "內湖科技園區踏查相簿" in "".join(p.extract_text() for p in reader.pages)


def test_given_pdf_within_limit_is_copied_as_is(built: Path,
                                                made: Made) -> None:
    given = made.root / SLUG / "items" / "refraction" / "report.pdf"
    assert upload(built, "refraction").read_bytes() == given.read_bytes()


def test_every_item_has_an_upload_document(built: Path, made: Made) -> None:
    for item in made.titles:
        assert upload(built, item).is_file(), item


def _scanned_pdf(pages: int = 2) -> bytes:
    """A 'scanned' PDF: big photos as pages, the way phone scanner apps make them."""
    imgs = [Image.open(io.BytesIO(photo(n, (1200, 1700)))) for n in range(pages)]
    out = io.BytesIO()
    imgs[0].save(out, "PDF", save_all=True, append_images=imgs[1:], resolution=200)
    return out.getvalue()


def test_over_limit_pdf_is_recompressed_to_fit(tmp_path: Path, media: MediaFactory) -> None:
    c = ContentBuilder(tmp_path / "content", media)
    c.settings("[files]\ndocument_max_mb = 0.3\n")
    c.student(SLUG)
    c.course("scan", document="scan.pdf", upload_reflection=False)
    given = c.file("scan", "scan.pdf", _scanned_pdf())
    assert given.stat().st_size > 300_000
    result = run_build(c.root, tmp_path / "out")
    made = upload(tmp_path / "out", "scan")
    assert made.stat().st_size <= 300_000
    assert len(PdfReader(made).pages) == 2
    # The shrunk copy fits: the original's size error is `file-fitted` (an info naming
    # the copy), which says what `document-pdf-shrunk` would (one word per file).
    found = [f for f in result.check.findings if f.item == "scan"
             and f.code in ("file-too-large", "file-fitted", "document-pdf-shrunk")]
    assert [(f.code, f.severity) for f in found] == [("file-fitted", "info")]
    assert found[0].params["upload"].endswith(f"upload/scan/{made.name}")


def test_what_cannot_fit_gets_a_finding_and_no_file(tmp_path: Path, media: MediaFactory) -> None:
    c = ContentBuilder(tmp_path / "content", media)
    c.settings("[files]\ndocument_max_mb = 0.01\n")  # 10 kB: not even the font fits
    c.student(SLUG)
    c.course("page", images=["a.jpg"])
    c.file("page", "a.jpg", photo(1, (400, 300)))
    out = tmp_path / "out"
    result = run_build(c.root, out, lang="en")
    found = [f.localized("en") for f in result.check.findings if f.code == "upload-page-too-large"]
    assert len(found) == 1 and found[0].item == "page"
    assert "fewer photos" in found[0].message and "0.0 MB" not in found[0].message.split("is")[0]
    assert not upload(out, "page").exists()
    # The verdict is remembered: a second build says it again without rendering again.
    again = run_build(c.root, out, lang="en")
    assert [f.code for f in again.check.findings if f.code == "upload-page-too-large"] == [
        "upload-page-too-large"]
    assert again.rendered == []
