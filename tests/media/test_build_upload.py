"""`build` makes the upload-ready 影音 too, and neither `fit` nor `build` touches an original."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from tests.builder import run_cli
from tests.originals import assert_originals_unchanged


def test_fit_and_build_leave_originals_alone(content, media, hevc_clip, tmp_path):
    content.student()
    content.course("report", document="report.pdf", images=["gps.jpg"])
    content.file("report", "report.pdf", media.pdf)
    content.file("report", "gps.jpg", media.gps_jpg)
    # Its scan uploaded as given (not after the item's page, which the PDF step makes):
    # `fit` makes its copy.
    content.performance("show", category="work", date=dt.date(2025, 3, 1), media="show.mp4",
                        document="scan.png", upload_reflection=False)
    content.file("show", "show.mp4", hevc_clip)
    content.file("show", "scan.png", media.png)
    content.performance("song", category="other", media="tone.mp3")
    content.file("song", "tone.mp3", media.mp3)
    out = tmp_path / "out"

    with assert_originals_unchanged(content.root):
        fitted = run_cli("fit", str(content.root), "-o", str(out))
    assert fitted.exit_code == 0, fitted.output
    with assert_originals_unchanged(content.root):
        build = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf")
    assert build.exit_code == 0, build.output

    upload = out / "ming" / "upload"
    video = upload / "show" / "1132-作品成果-多元表現 show.mp4"
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(video)],
        capture_output=True, check=True).stdout)
    assert {s["codec_name"] for s in probe["streams"]} == {"h264", "aac"}
    assert (upload / "song" / "1132-其他表現-多元表現 song.mp3").read_bytes() == \
        media.mp3.read_bytes()
    assert (upload / "show" / "1132-作品成果-多元表現 show.png").is_file()
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert "media-codec" in {f["code"] for f in report["findings"]}  # HEVC was converted
