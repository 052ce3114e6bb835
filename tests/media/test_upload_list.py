"""`<student>/upload/index.html`: every upload-ready file with its size against the limit,
what could not be made and why, linked from the student's page and each item page."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

from tests.builder import TODAY, run_cli


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def hrefs(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text("utf-8"))
    return parser.hrefs


def test_the_upload_list(content, media, tmp_path: Path) -> None:
    content.student()
    content.course("report", document="report.pdf")
    content.file("report", "report.pdf", media.pdf)
    content.performance("song", category="other", media="tone.mp3")
    content.file("song", "tone.mp3", media.mp3)
    content.performance("broken", category="work", date=dt.date(2025, 3, 1),
                        document="essay.docx")
    content.file("broken", "essay.docx", media.docx)
    out = tmp_path / "out"
    build = run_cli("build", str(content.root), "-o", str(out), "--offline", "--today", TODAY)
    assert build.exit_code == 1, build.output          # a .docx is not allowed

    page = out / "ming" / "upload" / "index.html"
    html = page.read_text("utf-8")
    # Every file it links to is there, beside the list.
    files = [unquote(h) for h in hrefs(page)
             if not h.endswith((".html", ".css", ".js")) and not h.startswith(("#", "."))]
    # The broken item's 文件 is its page (its .docx cannot follow it: the error says so).
    assert sorted(files) == ["broken/1132-作品成果-多元表現 broken.pdf",
                             "report/1131-物理-課程成果 report.pdf",
                             "song/1132-其他表現-多元表現 song.mp3",
                             "song/1132-其他表現-多元表現 song.pdf"]
    for href in files:
        assert (page.parent / href).is_file(), href
    assert (page.parent / "song" / "1132-其他表現-多元表現 song.mp3").read_bytes() == \
        media.mp3.read_bytes()
    # The document that cannot be used is named, with the reason from its finding.
    row = html[html.index('id="broken"'):]
    row = row[:row.index('class="up-foot"')]
    assert "essay.docx 是 .docx 檔" in row and "<li>" in row
    # Sizes against the limits.
    assert "/ 4.0 MB" in html and "/ 10.0 MB" in html

    # Linked from the student's page and from each item page (to its own row).
    student = out / "ming" / "index.html"
    assert "upload/index.html" in hrefs(student)
    item = out / "ming" / "items" / "song" / "index.html"
    [link] = [h for h in hrefs(item) if "upload/index.html" in h]
    target, anchor = urldefrag(link)
    assert (item.parent / target).resolve() == page.resolve() and anchor == "song"

    # Nothing changed: nothing written, the list included.
    again = run_cli("build", str(content.root), "-o", str(out), "--offline", "--today", TODAY)
    assert again.exit_code == 1
    log = json.loads((out / ".portfolio" / "build.json").read_text("utf-8"))
    assert log["rendered"] == []


def test_english_and_skipped_step(content, media, tmp_path: Path) -> None:
    content.student()
    content.performance("song", category="other", media="tone.mp3")
    content.file("song", "tone.mp3", media.mp3)
    out = tmp_path / "out"
    run_cli("build", str(content.root), "-o", str(out), "--offline", "--lang", "en",
            "--skip", "pdf")
    page = out / "ming" / "upload" / "index.html"
    html = page.read_text("utf-8")
    assert "files to upload" in html and "1132-其他表現-多元表現 song.mp3" in html
    assert ".pdf" not in html                  # the PDF step did not run: no 文件 yet
    skipped = out / "other"
    run_cli("build", str(content.root), "-o", str(skipped), "--offline", "--skip", "uploads")
    assert not (skipped / "ming" / "upload" / "index.html").exists()
    assert "upload/index.html" not in " ".join(hrefs(skipped / "ming" / "index.html"))


def test_a_damaged_file_gets_no_upload_copy(content, media, tmp_path: Path) -> None:
    """A truncated video replacing a good one: the earlier copy goes, none is made, and the
    list says why (the check's file-unreadable)."""
    content.student()
    content.performance("show", category="work", date=dt.date(2025, 3, 1), media="show.mp4")
    content.file("show", "show.mp4", media.mp4)
    out = tmp_path / "out"
    first = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf")
    assert first.exit_code == 0, first.output
    copy = out / "ming" / "upload" / "show" / "1132-作品成果-多元表現 show.mp4"
    assert copy.is_file()

    content.file("show", "show.mp4", media.truncated_mp4)
    again = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf",
                    "-q")
    assert again.exit_code == 1
    assert not copy.exists()
    html = (out / "ming" / "upload" / "index.html").read_text("utf-8")
    row = html[html.index('id="show"'):]
    row = row[:row.index('class="up-foot"')]
    assert "show.mp4 沒辦法整理成可上傳的檔案" in row and "<li>" in row
    report = json.loads((out / "report.json").read_text("utf-8"))
    codes = [f["code"] for f in report["findings"] if f["item"] == "show"]
    assert "file-unreadable" in codes and "media-fit-failed" not in codes   # said once


def test_a_renamed_item_leaves_no_orphan(content, media, tmp_path: Path) -> None:
    """The upload copies are named after the item: when its title changes, a rebuild over
    the old output writes the new name and the ownership record removes the old one,
    as it removes the `document.pdf` / `media.*` of builds before descriptive names."""
    content.student()
    content.course("talk", title="舊的標題", media="tone.mp3")
    content.file("talk", "tone.mp3", media.mp3)
    out = tmp_path / "out"
    first = run_cli("build", str(content.root), "-o", str(out), "--offline", "--lang", "en",
                    "--skip", "pdf")
    assert first.exit_code == 0, first.output
    folder = out / "ming" / "upload" / "talk"
    assert [p.name for p in folder.iterdir()] == ["1131-物理-舊的標題.mp3"]   # Chinese in en too
    page = out / "ming" / "upload" / "index.html"
    tick = ticks(page)

    content.course("talk", title="新的標題", media="tone.mp3")
    again = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf")
    assert again.exit_code == 0, again.output
    assert [p.name for p in folder.iterdir()] == ["1131-物理-新的標題.mp3"]
    html = page.read_text("utf-8")
    assert "新的標題.mp3" in html and "舊的標題" not in html
    assert ticks(page) == tick          # the same file: its 「已上傳」 tick stays

    content.course("talk", title="新的標題", media="tone.mp3", media_trim="00:00-00:01")
    cut = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf")
    assert cut.exit_code == 0, cut.output
    assert [p.name for p in folder.iterdir()] == ["1131-物理-新的標題.mp3"]
    assert ticks(page) != tick          # another file under the same name: unticked


def ticks(page: Path) -> list[str]:
    """The localStorage keys of the page's 「已上傳」 ticks."""
    return re.findall(r'data-tick="([^"]+)"', page.read_text("utf-8"))
