"""`portfolio fit` on a content root: layout, dry run, exit codes, originals, the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.content.media_probe import probe
from tests.mediafactory import MediaFactory
from tests.originals import originals

STUDENT = "name: 測試生\nstudent_id: \"11300001\"\nenrolled: 113\n"


def item(root: Path, item_id: str, front: str, files: dict[str, Path | bytes]) -> None:
    folder = root / "stu" / "items" / item_id
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        "---\ntype: performance\ncategory: work\ntitle: 作品\nsummary: 簡述\n"
        f"date: 2025-03-01\n{front}---\n心得\n", "utf-8")
    for name, data in files.items():
        target = folder / name
        if isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            target.write_bytes(data)


@pytest.fixture
def content(tmp_path: Path, long_clip: Path, hevc_clip: Path, big_png: Path,
            media: MediaFactory) -> Path:
    root = tmp_path / "content"
    (root / "stu").mkdir(parents=True)
    (root / "stu" / "student.yaml").write_text(STUDENT, "utf-8")
    item(root, "talk", 'media: talk.mp4\nmedia_trim: "00:10-00:55"\n', {"talk.mp4": long_clip})
    item(root, "phone", "media: phone.mp4\n", {"phone.mp4": hevc_clip})
    # Uploaded as given (not after the item's page): `fit` makes its copy.
    item(root, "poster", "document: poster.png\nupload_reflection: false\n",
         {"poster.png": big_png})
    # A real PDF: one the inspection finds damaged gets no upload copy (test_upload_list).
    item(root, "report", "document: report.pdf\n", {"report.pdf": media.pdf.read_bytes()})
    return root


def fit_cli(*args: str) -> tuple[int, str]:
    # A wide console, so that table rows keep each path on one line.
    result = CliRunner().invoke(main, ["fit", *args], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_fit_writes_the_upload_layout_and_leaves_originals(content: Path,
                                                           tmp_path: Path) -> None:
    before = originals(content)
    out = tmp_path / "output"
    code, text = fit_cli(str(content), "-o", str(out), "--lang", "en")
    assert code == 0, text  # a media-codec warning is not an error
    upload = out / "stu" / "upload"
    made = sorted(str(p.relative_to(upload)) for p in upload.rglob("*") if p.is_file())
    # Four items of one title, term and category: told apart by -2, -3, -4, by id.
    assert made == ["phone/1132-作品成果-作品.mp4", "poster/1132-作品成果-作品-2.png",
                    "report/1132-作品成果-作品-3.pdf", "talk/1132-作品成果-作品-4.mp4"]
    for name in ("phone/1132-作品成果-作品.mp4", "talk/1132-作品成果-作品-4.mp4"):
        assert probe(upload / name).is_upload_ready
    assert abs(probe(upload / "talk" / "1132-作品成果-作品-4.mp4").duration - 45) <= 0.5
    assert (upload / "poster" / "1132-作品成果-作品-2.png").stat().st_size <= 4_000_000
    assert "media-codec" in text and "4 made" in text
    assert originals(content) == before

    stamps = {p: p.stat().st_mtime_ns for p in upload.rglob("*") if p.is_file()}
    code, text = fit_cli(str(content), "-o", str(out), "--lang", "en")
    assert code == 0 and "0 made, 4 reused" in text
    assert {p: p.stat().st_mtime_ns for p in upload.rglob("*") if p.is_file()} == stamps
    assert originals(content) == before


def test_fit_makes_no_copy_of_a_picture_that_follows_the_items_page(
        tmp_path: Path, media: MediaFactory) -> None:
    """A picture 文件 after the item's page (upload record page+document) is placed on a
    page by the PDF renderer: a fitted copy of it alone would be used by nothing."""
    root = tmp_path / "content"
    (root / "stu").mkdir(parents=True)
    (root / "stu" / "student.yaml").write_text(STUDENT, "utf-8")
    item(root, "lab", "document: lab.png\n", {"lab.png": media.png})   # 心得 too
    item(root, "alone", "document: scan.png\nupload_reflection: false\n", {"scan.png": media.png})
    out = tmp_path / "output"
    code, text = fit_cli(str(root), "-o", str(out), "--lang", "en")
    assert code == 0, text
    upload = out / "stu" / "upload"
    made = sorted(str(p.relative_to(upload)) for p in upload.rglob("*") if p.is_file())
    assert made == ["alone/1132-作品成果-作品.png"]
    assert not (upload / "lab").exists()


def test_too_long_is_an_error_and_dry_run_writes_nothing(content: Path, tmp_path: Path,
                                                        long_clip: Path) -> None:
    item(content, "lecture", "media: lecture.mp4\n", {"lecture.mp4": long_clip})
    out = tmp_path / "output"
    code, text = fit_cli(str(content), "-o", str(out), "--dry-run")
    assert code == 1
    assert "media-too-long" in text and "media_trim" in text
    rows = {line.split("│")[1].strip(): line for line in text.splitlines()
            if line.startswith("│")}
    assert set(rows) == {"stu/lecture/lecture.mp4", "stu/talk/talk.mp4", "stu/phone/phone.mp4",
                         "stu/poster/poster.png", "stu/report/report.pdf"}
    assert "太長" in rows["stu/lecture/lecture.mp4"]
    assert "轉檔" in rows["stu/talk/talk.mp4"] and "00:10-00:55" in rows["stu/talk/talk.mp4"]
    assert "縮小" in rows["stu/poster/poster.png"]
    assert "直接複製" in rows["stu/report/report.pdf"]
    assert not out.exists()


def test_unreadable_content_is_exit_2(tmp_path: Path) -> None:
    code, _ = fit_cli(str(tmp_path / "nowhere"), "-o", str(tmp_path / "o"))
    assert code == 2




@pytest.fixture
def scanned(tmp_path: Path) -> Path:
    """A content root whose one item gives a 5+ MB scanned PDF as its 文件."""
    import random

    from PIL import Image

    root = tmp_path / "content"
    (root / "stu").mkdir(parents=True)
    (root / "stu" / "student.yaml").write_text(STUDENT, "utf-8")
    # Uploaded as given (with the item's page before it, the PDF step lays both out).
    item(root, "scan", "document: scan.pdf\nupload_reflection: false\n", {})
    pdf = root / "stu" / "items" / "scan" / "scan.pdf"
    side = 2200  # a page of noise: even JPEG at q95 leaves it over the limit
    Image.frombytes("RGB", (side, side), random.Random(5).randbytes(side * side * 3)).save(
        pdf, "PDF", quality=95, resolution=200)
    assert pdf.stat().st_size > 4_000_000
    return root


def test_pdf_over_the_limit_goes_to_the_pdf_renderer(scanned: Path, tmp_path: Path) -> None:
    before = originals(scanned)
    out = tmp_path / "output"
    code, text = fit_cli(str(scanned), "-o", str(out), "--dry-run", "--lang", "en")
    assert code == 0 and "shrink (PDF)" in text and "document-not-fitted" not in text
    code, text = fit_cli(str(scanned), "-o", str(out), "--lang", "en")
    # Recompressing the page's picture brings the seeded noise page under the limit.
    assert code == 0
    assert "document-pdf-shrunk" in text and "document-pdf-too-large" not in text
    assert "document-not-fitted" not in text
    made = out / "stu" / "upload" / "scan" / "1132-作品成果-作品.pdf"
    assert 100_000 < made.stat().st_size <= 4_000_000
    assert made.read_bytes().startswith(b"%PDF-")
    assert originals(scanned) == before
    # The advice followed, `check` names the shrunk copy instead of refusing the original.
    checked = CliRunner().invoke(main, ["check", str(scanned), "--offline", "-o", str(out),
                                        "--format", "json"], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    assert '"code": "file-fitted"' in checked.output
    assert "stu/upload/scan/1132-作品成果-作品.pdf" in checked.output


def test_a_shrunk_pdf_is_not_shrunk_again(scanned: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.render.pdf as pdf_module
    from generator.findings import make
    from generator.render.pdf import UploadResult

    calls: list[Path] = []

    def shrink(item, student, rules, settings, target: Path):  # type: ignore[no-untyped-def]
        calls.append(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4 small\n")
        return UploadResult("shrunk", 15, [make("document-pdf-shrunk", student.key, item.id,
                                                item.document, name=item.document, size="5.8",
                                                limit="4", after="0.0", output="x")])

    monkeypatch.setattr(pdf_module, "make_upload_pdf", shrink)
    out = tmp_path / "output"
    first = fit_cli(str(scanned), "-o", str(out), "--lang", "en")[1]
    stamp = calls[0].stat().st_mtime_ns
    second = fit_cli(str(scanned), "-o", str(out), "--lang", "en")[1]
    assert len(calls) == 1
    assert "1 made" in first and "0 made, 1 reused" in second
    assert "document-pdf-shrunk" in second  # the student is still told what was done
    assert calls[0].stat().st_mtime_ns == stamp
