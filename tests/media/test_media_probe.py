"""probe() and verify_packets(): what a media file really is, and never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image

from generator.content.media_probe import (
    EMPTY,
    TRUNCATED,
    UNREADABLE,
    parse_iso6709,
    probe,
    verify_packets,
)


def test_h264_aac_mp4(clip: Path) -> None:
    info = probe(clip)
    assert info.ok and info.kind == "video"
    assert info.container == "mp4"
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert (info.width, info.height) == (160, 120)
    assert abs(info.duration - 2.0) < 0.2
    assert info.fps == 10
    assert info.sample_rate == 44100
    assert info.bitrate and info.bitrate > 0
    assert info.is_upload_ready
    assert info.location is None
    assert verify_packets(clip) is None


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.mp4"
    f.write_bytes(b"")
    assert probe(f).problem == EMPTY
    assert verify_packets(f) == EMPTY


def test_missing_file(tmp_path: Path) -> None:
    assert probe(tmp_path / "nope.mp4").problem == UNREADABLE


def test_png_renamed_mp4_is_an_image(tmp_path: Path) -> None:
    f = tmp_path / "photo.mp4"
    Image.new("RGB", (32, 32), "red").save(f, format="PNG")
    info = probe(f)
    assert info.container == "png"
    assert info.kind == "image"
    assert not info.has_video and not info.is_upload_ready


def test_text_renamed_mp4_is_unreadable(tmp_path: Path) -> None:
    f = tmp_path / "notes.mp4"
    f.write_text("not a video at all\n")
    assert probe(f).problem == UNREADABLE


def test_truncated_mp4_index_at_end(tmp_path: Path, make_clip: Callable[..., Path]) -> None:
    whole = make_clip(tmp_path / "end.mp4")  # default muxing: moov after the data
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert probe(cut).problem == TRUNCATED


def test_truncated_mp4_index_at_front_caught_by_packets(tmp_path: Path, clip: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size * 2 // 3])
    assert verify_packets(cut) == TRUNCATED


def test_wav_named_mp3_is_wav(tmp_path: Path, ffmpeg: Callable[..., None]) -> None:
    f = tmp_path / "song.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", "1",
           "-c:a", "pcm_s16le", "-f", "wav", str(f))
    info = probe(f)
    assert info.container == "wav"
    assert info.kind == "audio" and info.audio_codec == "pcm_s16le"
    assert not info.is_upload_ready


def test_mp3(tmp_path: Path, ffmpeg: Callable[..., None]) -> None:
    f = tmp_path / "a.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", "1",
           "-c:a", "libmp3lame", "-b:a", "64k", str(f))
    info = probe(f)
    assert (info.container, info.audio_codec, info.kind) == ("mp3", "mp3", "audio")
    assert info.is_upload_ready


def test_rotation_and_location(tmp_path: Path, clip: Path,
                               ffmpeg: Callable[..., None]) -> None:
    # A phone's portrait clip: landscape pixels, a rotation flag and where it was filmed.
    f = tmp_path / "phone.mov"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata:s:v", "rotate=90",
           "-metadata", "location=+25.0330+121.5654/", str(f))
    info = probe(f)
    assert info.container == "mov"
    assert info.rotation in (90, 270)
    assert info.display_size == (120, 160)
    assert info.location is not None
    assert parse_iso6709(info.location) == (25.033, 121.5654)
    assert not info.is_upload_ready


def test_audio_only_has_no_video(tmp_path: Path, ffmpeg: Callable[..., None]) -> None:
    f = tmp_path / "voice.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", "1",
           "-c:a", "aac", str(f))
    info = probe(f)
    assert info.kind == "audio" and info.container == "m4a"
