"""Attached files are judged by their bytes; bad files are findings, never tracebacks."""

from __future__ import annotations

import os

import pytest

from tests.originals import assert_originals_unchanged


def only(run, code):
    found = run.having(code)
    assert found, f"expected {code}, got {run.codes()}"
    return found


def test_good_files_of_every_kind_pass(content, media):
    content.student()
    content.course("report", document="report.pdf", images=["photo.jpg"])
    content.file("report", "report.pdf", media.pdf)
    content.file("report", "photo.jpg", media.jpg)
    content.performance("video", category="work", media="clip.mp4", document="scan.png")
    content.file("video", "clip.mp4", media.mp4)
    content.file("video", "scan.png", media.png)
    content.performance("song", category="other", media="tone.mp3")
    content.file("song", "tone.mp3", media.mp3)
    run = content.check()
    assert run.doc["findings"] == []
    assert run.exit_code == 0


def test_inline_markdown_images_are_checked_too(content, media):
    content.student()
    content.course("inline", body="實驗裝置：\n\n![裝置](setup.jpg)\n")
    run = content.check()
    (f,) = only(run, "attachment-missing")
    assert (f["item"], f["file"]) == ("inline", "setup.jpg")
    content.file("inline", "setup.jpg", media.jpg)
    assert content.check().doc["findings"] == []


# Out of the item's folder is a missing attachment; out of the content root as well is
# `path-outside` (the file is not even looked at).
@pytest.mark.parametrize(("name", "code"), [
    ("../../etc/passwd", "attachment-missing"), ("../../../../../../etc/passwd", "path-outside"),
    ("/etc/passwd", "path-outside"), ("nothere.pdf", "attachment-missing"),
    ("https://example.org/report.pdf", "attachment-missing")])
def test_attachment_missing_or_outside_the_item(content, name, code):
    content.student()
    content.course("escape", document=name)
    run = content.check()
    (f,) = only(run, code)
    assert (f["student"], f["item"], f["file"], f["severity"]) == (
        "11301234", "escape", name, "error")
    assert run.exit_code == 1


def test_symlink_leaving_the_item_folder(content, media, tmp_path):
    content.student()
    folder = content.course("link", document="secret.pdf")
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(media.pdf.read_bytes())
    os.symlink(outside, folder / "secret.pdf")
    run = content.check()
    assert only(run, "path-outside")[0]["file"] == "secret.pdf"


def test_symlink_to_another_item_stays_inside_the_root(content, media):
    content.student()
    content.course("real", document="report.pdf")
    content.file("real", "report.pdf", media.pdf)
    folder = content.course("link", document="report.pdf")
    os.symlink(folder.parent / "real" / "report.pdf", folder / "report.pdf")
    run = content.check()
    # Inside the root but out of its own item: the existing rule, not path-outside.
    assert only(run, "attachment-missing")[0]["item"] == "link"
    assert not run.having("path-outside")


def test_file_type_not_allowed(content, media):
    content.student()
    content.course("word", document="report.docx")
    content.file("word", "report.docx", media.docx)
    content.performance("wave", category="work", media="tone.wav")
    content.file("wave", "tone.wav", media.wav)
    run = content.check()
    found = only(run, "file-type-not-allowed")
    assert {(f["item"], f["file"]) for f in found} == {("word", "report.docx"),
                                                       ("wave", "tone.wav")}
    assert run.exit_code == 1


def test_file_type_mismatch_by_bytes(content, media):
    content.student()
    content.course("fake-pdf", document="report.pdf")
    content.file("fake-pdf", "report.pdf", media.png)
    content.performance("fake-mp3", category="work", media="song.mp3")
    content.file("fake-mp3", "song.mp3", media.wav)
    run = content.check()
    found = {f["item"]: f for f in only(run, "file-type-mismatch")}
    assert set(found) == {"fake-pdf", "fake-mp3"}
    assert "png" in found["fake-pdf"]["message"] and "wav" in found["fake-mp3"]["message"]


def test_file_too_large(content, media):
    content.student()
    content.course("big-doc", document="big.png")
    content.file("big-doc", "big.png", media.big_png)
    content.performance("big-song", category="other", media="long.mp3")
    content.file("big-song", "long.mp3", media.big_mp3)
    run = content.check()
    found = {f["item"]: f for f in only(run, "file-too-large")}
    assert set(found) == {"big-doc", "big-song"}
    assert found["big-doc"]["severity"] == "error"
    assert "4" in found["big-doc"]["message"] and "10" in found["big-song"]["message"]
    assert run.exit_code == 1


@pytest.mark.parametrize("attr,name,slot", [
    ("corrupt_pdf", "report.pdf", "document"),
    ("truncated_mp4", "clip.mp4", "media"),
    ("bomb_png", "poster.png", "document"),
])
def test_file_unreadable(content, media, attr, name, slot):
    content.student()
    content.performance("bad", category="work", **{slot: name})
    content.file("bad", name, getattr(media, attr))
    run = content.check()
    (f,) = only(run, "file-unreadable")
    assert (f["student"], f["item"], f["file"], f["severity"]) == (
        "11301234", "bad", name, "error")
    assert run.exit_code == 1


def test_empty_file_is_unreadable(content):
    content.student()
    content.course("empty", document="report.pdf")
    content.file("empty", "report.pdf", b"")
    (f,) = only(content.check(), "file-unreadable")
    assert f["file"] == "report.pdf"


def test_quota_exceeded_uses_the_rules_table(content, media):
    content.student()
    # A school could lower it (1500 by default): here to half the one file's size.
    half = media.pdf.stat().st_size / 2 / 1_000_000
    content.settings(f"[files]\nquota_mb = {half:.4f}\n")
    content.course("report", document="report.pdf")
    content.file("report", "report.pdf", media.pdf)
    run = content.check()
    (f,) = only(run, "quota-exceeded")
    assert (f["student"], f["severity"]) == ("11301234", "warning")


def test_originals_are_never_modified(content, media):
    content.student()
    content.course("report", document="report.pdf", images=["gps.jpg"])
    content.file("report", "report.pdf", media.pdf)
    content.file("report", "gps.jpg", media.gps_jpg)

    with assert_originals_unchanged(content.root):
        content.check()
        content.check()


def test_check_uses_the_cache_a_build_left(content, media, tmp_path, monkeypatch):
    from generator.content import file_inspection
    from tests.builder import run_cli

    content.student()
    content.course("report", document="report.pdf")
    content.file("report", "report.pdf", media.pdf)
    out = tmp_path / "output"
    assert run_cli("build", str(content.root), "-o", str(out), "--offline",
                   "--skip", "pdf").exit_code == 0
    cache = out / ".portfolio" / "cache" / "files.json"
    assert cache.is_file() and not (content.root / ".portfolio").exists()
    stamp = cache.stat().st_mtime_ns
    inspected: list[str] = []
    real = file_inspection.InspectCache._inspect

    def counting(self, path, *args):  # type: ignore[no-untyped-def]
        inspected.append(path.name)
        return real(self, path, *args)

    monkeypatch.setattr(file_inspection.InspectCache, "_inspect", counting)
    first = content.check("-o", str(out))
    assert inspected == []                    # known by its hash: not read again
    assert content.check("-o", str(out)).doc == first.doc
    # A new file is inspected, and kept to itself: `check` holds no claim on the output.
    content.course("more", document="more.pdf")
    content.file("more", "more.pdf", media.pdf_with_text("新的", name="more.pdf"))
    content.check("-o", str(out))
    assert inspected == ["more.pdf"] and cache.stat().st_mtime_ns == stamp


# A name that is a typo or a letter case away from a file that is there: the message
# names that file, in both languages. A name like no file there gets no suggestion.
@pytest.mark.parametrize(("given", "real", "why"), [
    ("reprot.pdf", "report.pdf", "close"), ("lab.JPG", "lab.jpg", "case"),
    ("Report.PDF", "report.pdf", "case"), ("docs/reprot.pdf", "docs/report.pdf", "close")])
def test_a_misspelled_file_name_gets_a_did_you_mean(content, media, given, real, why):
    content.student()
    content.course("lab", document=given)
    content.file("lab", real, media.pdf if real.endswith(".pdf") else media.jpg)
    run = content.check()
    (f,) = only(run, "attachment-missing")
    assert f["file"] == given
    assert real in f["message"] and ("大小寫" in f["message"])
    english = content.check("--lang", "en").having("attachment-missing")[0]["message"]
    assert real in english
    assert ("case" if why == "case" else "did you mean") in english


def test_no_did_you_mean_without_a_close_name(content, media):
    content.student()
    content.course("lab", document="poster.pdf")
    content.file("lab", "report.pdf", media.pdf)
    (f,) = only(content.check(), "attachment-missing")
    assert "report.pdf" not in f["message"] and "是不是" not in f["message"]
