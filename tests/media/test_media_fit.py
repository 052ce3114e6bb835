"""fit() on real media made by ffmpeg: the acceptance list of issue 8."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from generator.content.media_probe import probe, verify_packets
from generator.render.upload import fitting
from generator.render.upload import image_fit as image
from generator.render.upload.fitting import SizeLimits, fit, plan
from generator.support import ffmpeg as encode
from generator.support.ffmpeg import EncodeSettings, FitError
from tests.originals import assert_originals_unchanged

FAST = EncodeSettings(preset="ultrafast", threads=1)
LIMITS = SizeLimits()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(src: Path, tmp_path: Path, slot: str = "media", **kw: object) -> fitting.FitResult:
    return fit(src, slot, tmp_path / "out", tmp_path / "cache", LIMITS, FAST,  # type: ignore[arg-type]
               **kw)  # type: ignore[arg-type]


@pytest.mark.slow
def test_60s_1080p_over_10mb_fits(big_clip: Path, tmp_path: Path) -> None:
    before = sha(big_clip)
    assert big_clip.stat().st_size > 10_000_000
    planned = plan(big_clip, "media", LIMITS)
    assert planned.action == "transcode" and planned.estimate <= LIMITS.budget("media")
    result = run(big_clip, tmp_path)
    assert result.output == tmp_path / "out" / "media.mp4"
    assert result.size is not None and result.size <= 10_000_000
    info = probe(result.output)
    assert (info.container, info.video_codec, info.audio_codec) == ("mp4", "h264", "aac")
    assert abs(info.duration - 60.0) <= 0.5
    assert info.height is not None and 360 <= info.height < 1080  # stepped down, not to the floor
    assert verify_packets(result.output) is None
    assert [f.code for f in result.findings] == ["upload-copy-made"]
    assert sha(big_clip) == before


def test_hevc_under_limit_is_converted_with_a_warning(hevc_clip: Path, tmp_path: Path) -> None:
    src = probe(hevc_clip)
    assert src.video_codec != "h264" and src.size < 10_000_000
    result = run(hevc_clip, tmp_path, student="s", item="demo", name="phone.mp4")
    codes = [f.code for f in result.findings]
    assert codes == ["media-codec"]
    warning = result.findings[0]
    assert warning.severity == "warning" and warning.file == "phone.mp4"
    assert src.video_codec in warning.localized("en").message
    assert "media.mp4" in warning.localized("zh-TW").message
    out = probe(result.output)  # type: ignore[arg-type]
    assert (out.video_codec, out.audio_codec, out.container) == ("h264", "aac", "mp4")
    assert (out.width, out.height) == (320, 240)  # within budget: no step down


def test_25_minute_clip_is_too_long_and_trim_makes_it_fit(long_clip: Path,
                                                          tmp_path: Path) -> None:
    info = probe(long_clip)
    assert info.duration > 24 * 60 and info.size > 10_000_000
    too_long = run(long_clip, tmp_path, student="s", item="talk", name="talk.mp4")
    assert too_long.output is None and too_long.plan.action == "too-long"
    [finding] = too_long.findings
    assert finding.code == "media-too-long" and finding.severity == "error"
    seconds = finding.params["seconds"]
    assert 200 < seconds < 300
    zh = finding.localized("zh-TW").message
    assert str(seconds) in zh and "media_trim" in zh and "360p" in zh
    assert "media_trim" in finding.localized("en").message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

    trimmed = run(long_clip, tmp_path, trim="00:10-00:55")
    assert trimmed.size is not None and trimmed.size <= 10_000_000
    out = probe(trimmed.output)  # type: ignore[arg-type]
    assert abs(out.duration - 45.0) <= 0.5
    assert out.is_upload_ready


def test_bad_trim_is_a_finding(clip: Path, tmp_path: Path) -> None:
    for value in ("00:10-00:05", "soon", "05:00-06:00"):
        result = run(clip, tmp_path, trim=value)
        assert [f.code for f in result.findings] == ["media-trim-invalid"], value
        assert result.output is None


def test_6mb_png_fits_under_4mb(big_png: Path, tmp_path: Path) -> None:
    assert big_png.stat().st_size > 6_000_000
    result = run(big_png, tmp_path, "document")
    assert result.output == tmp_path / "out" / "document.png"
    assert result.size is not None and result.size <= 4_000_000
    with Image.open(result.output) as img:
        assert img.format == "PNG"
        # As large as the budget allows: bytes track pixels, so close to √(4/6) of the side.
        assert 0.7 * 1420 < img.width < 1420 and img.width == img.height


def test_phone_jpeg_is_turned_upright_and_loses_its_location(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown turned 90° clockwise
    exif.get_ifd(0x8825).update({1: "N", 2: (25.0, 2.0, 0.0), 3: "E", 4: (121.0, 33.0, 0.0)})
    noise = Image.frombytes("RGB", (1800, 1200), _noise(1800 * 1200 * 3))
    noise.save(src, quality=100, subsampling=0, exif=exif)
    assert src.stat().st_size > 4_000_000
    assert image.inspect(src).has_location  # type: ignore[union-attr]
    result = run(src, tmp_path, "document")
    assert result.plan.action == "shrink"
    assert result.size is not None and result.size <= 4_000_000
    with Image.open(result.output) as img:  # type: ignore[arg-type]
        assert img.format == "JPEG" and img.height > img.width  # upright portrait
        assert not img.getexif().get_ifd(0x8825) and 0x0112 not in img.getexif()


def test_small_jpeg_with_location_is_cleaned_not_shrunk(tmp_path: Path) -> None:
    src = tmp_path / "small.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (25.0, 2.0, 0.0)})
    Image.new("RGB", (400, 300), "teal").save(src, exif=exif)
    result = run(src, tmp_path, "document")
    assert result.plan.action == "clean"
    with Image.open(result.output) as img:  # type: ignore[arg-type]
        assert img.size == (400, 300) and not img.getexif().get_ifd(0x8825)


def test_documents_within_limit_are_copied(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    result = run(pdf, tmp_path, "document")
    assert result.plan.action == "copy" and result.output == tmp_path / "out" / "document.pdf"
    assert sha(result.output) == sha(pdf)
    big = tmp_path / "huge.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 4_100_000)
    over = run(big, tmp_path, "document", name="huge.pdf")
    assert over.output is None and [f.code for f in over.findings] == ["document-not-fitted"]


@pytest.mark.slow
def test_30mb_wav_named_mp3_is_caught_by_its_bytes(wav_named_mp3: Path, tmp_path: Path) -> None:
    info = probe(wav_named_mp3)
    assert info.size > 30_000_000
    assert info.container == "wav" and info.audio_codec == "pcm_s16le"
    result = run(wav_named_mp3, tmp_path)
    assert result.plan.action == "transcode"
    assert result.output == tmp_path / "out" / "media.mp3"
    out = probe(result.output)
    assert (out.container, out.audio_codec) == ("mp3", "mp3")
    assert out.audio_bitrate == 320_000  # the highest rate, since it fits
    assert result.size is not None and result.size <= 10_000_000
    assert abs(out.duration - info.duration) < 0.5


def test_good_mp4_is_copied_as_is_and_location_is_remuxed_away(
        clip: Path, tmp_path: Path, ffmpeg: Callable[..., None]) -> None:
    copied = run(clip, tmp_path)
    assert copied.plan.action == "copy" and sha(copied.output) == sha(clip)  # type: ignore[arg-type]
    assert copied.findings == ()
    tagged = tmp_path / "tagged.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata", "location=+25.0330+121.5654/",
           str(tagged))
    assert probe(tagged).location
    remuxed = run(tagged, tmp_path / "2")
    assert remuxed.plan.action == "remux"
    out = probe(remuxed.output)  # type: ignore[arg-type]
    assert out.location is None and out.is_upload_ready


def test_portrait_phone_clip_stays_portrait(clip: Path, tmp_path: Path,
                                            ffmpeg: Callable[..., None]) -> None:
    phone = tmp_path / "phone.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata:s:v", "rotate=90", str(phone))
    result = run(phone, tmp_path, trim="00:00-00:01")  # a trim forces a real transcode
    out = probe(result.output)  # type: ignore[arg-type]
    assert out.display_size == (120, 160)


def test_second_run_does_nothing(hevc_clip: Path, big_png: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = [run(hevc_clip, tmp_path / "v"), run(big_png, tmp_path / "i", "document")]
    assert not any(r.reused for r in first)
    outputs = {r.output: (sha(r.output), r.output.stat().st_mtime_ns)  # type: ignore[union-attr]
               for r in first}

    def forbidden(*_: object, **__: object) -> None:
        raise FitError("encoded again")

    monkeypatch.setattr(encode, "run_ffmpeg", forbidden)
    monkeypatch.setattr("generator.render.upload.video_fit.run_ffmpeg", forbidden)
    monkeypatch.setattr(image, "fit_picture", forbidden)
    second = [run(hevc_clip, tmp_path / "v"), run(big_png, tmp_path / "i", "document")]
    assert all(r.reused for r in second)
    for r in second:
        assert (sha(r.output), r.output.stat().st_mtime_ns) == outputs[r.output]  # type: ignore[union-attr,index]
    # Other settings are other work: a new preset misses the cache.
    other = fit(hevc_clip, "media", tmp_path / "w", tmp_path / "v" / "cache", LIMITS,
                EncodeSettings(preset="veryfast"))
    assert other.findings[-1].params["reason"] == "encoded again"


def test_originals_are_never_touched(clip: Path, hevc_clip: Path, big_png: Path,
                                     tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for src in (clip, hevc_clip, big_png):
        (content / src.name).write_bytes(src.read_bytes())
    with assert_originals_unchanged(content, times=True):
        for name, slot in (("clip.mp4", "media"), ("phone.mp4", "media"),
                           ("poster.png", "document")):
            run(content / name, tmp_path / name, slot)
            run(content / name, tmp_path / name, slot,
                trim="00:00-00:01" if slot == "media" else None)


def test_failed_encode_leaves_no_partial_files(clip: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def half_then_fail(args: list[str], *_: object, **__: object) -> None:
        Path(args[-1]).write_bytes(b"\0" * 1000)  # ffmpeg got partway
        raise FitError("Conversion failed!")

    monkeypatch.setattr("generator.render.upload.video_fit.run_ffmpeg", half_then_fail)
    result = run(clip, tmp_path, trim="00:00-00:01")
    assert result.output is None and result.findings[-1].code == "media-fit-failed"
    leftovers = [p for d in ("out", "cache") for p in (tmp_path / d).rglob("*") if p.is_file()]
    assert leftovers == []


@pytest.mark.parametrize("content", [b"", b"not a video\n", b"\x89PNG\r\n\x1a\n" + b"0" * 64])
def test_unusable_media_is_reported_not_raised(content: bytes, tmp_path: Path) -> None:
    src = tmp_path / "bad.mp4"
    src.write_bytes(content)
    result = run(src, tmp_path)
    assert result.output is None
    assert [f.code for f in result.findings] == ["media-fit-failed"]
    assert "{" not in result.findings[0].localized("zh-TW").message


def test_ffmpeg_threads_are_bounded(clip: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    real = encode.subprocess.Popen

    def spy(cmd: list[str], **kw: object) -> object:
        seen.append(cmd)
        return real(cmd, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(encode.subprocess, "Popen", spy)
    fit(clip, "media", tmp_path / "o", tmp_path / "c", LIMITS,
        EncodeSettings(preset="ultrafast", threads=1), trim="00:00-00:01")
    [cmd] = [c for c in seen if c[0] == "ffmpeg"]
    assert cmd[cmd.index("-threads") + 1] == "1"
    assert cmd.index("-threads") > cmd.index("-i")  # an output option, where ffmpeg heeds it


def _noise(n: int) -> bytes:
    import random

    return random.Random(3).randbytes(n)


def test_cut_off_source_is_not_passed_off_as_whole(tmp_path: Path,
                                                   make_clip: Callable[..., Path]) -> None:
    # Index at the front, data cut at 60 %: the header still promises 5 s.
    whole = make_clip(tmp_path / "whole.mp4", seconds=5, extra=("-movflags", "+faststart"))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 6 // 10])
    assert probe(cut).duration >= 4.9
    result = run(cut, tmp_path, trim="00:00-00:05")
    assert result.output is None
    [failed] = [f for f in result.findings if f.code == "media-fit-failed"]
    assert "incomplete" in failed.localized("en").message
    assert "不完整" in failed.localized("zh-TW").message


def test_progress_is_reported_up_to_done(clip: Path, tmp_path: Path) -> None:
    seen: list[float] = []
    run(clip, tmp_path, trim="00:00-00:02", progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen) and all(0.0 <= f <= 1.0 for f in seen)
