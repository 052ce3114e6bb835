"""The arithmetic of fitting, without encoding: trims, the resolution ladder, MP3 rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.media_probe import MediaInfo
from generator.render.upload import audio_fit as audio
from generator.render.upload import video_fit as video
from generator.render.upload.fitting import SizeLimits
from generator.render.upload.media_trim import Trim, parse_trim, timecode

BUDGET = SizeLimits().budget("media")


def clip(w: int = 1920, h: int = 1080, seconds: float = 60.0, rotation: int = 0,
         audio_codec: str | None = "aac") -> MediaInfo:
    return MediaInfo(Path("x.mp4"), size=50_000_000, container="mp4", duration=seconds,
                     has_video=True, has_audio=audio_codec is not None, video_codec="h264",
                     width=w, height=h, rotation=rotation, fps=60.0, audio_codec=audio_codec,
                     sample_rate=48000, audio_channels=2)


def sound(seconds: float, codec: str = "pcm_s16le", kbps: int | None = None,
          rate: int = 44100) -> MediaInfo:
    return MediaInfo(Path("x.wav"), size=1, container="wav", duration=seconds,
                     has_audio=True, audio_codec=codec, sample_rate=rate, audio_channels=2,
                     audio_bitrate=kbps * 1000 if kbps else None)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("00:10-00:55", 10, 55), ("10-55", 10, 55), ("1:02:03-1:05:00", 3723, 3900),
    ("01:30-", 90, None), ("-00:30", 0, 30), ("00:10 到 00:55", 10, 55),
    ("0:10.5~0:20", 10.5, 20), (" 00:10 – 00:55 ", 10, 55),
])
def test_parse_trim(text: str, start: float, end: float | None) -> None:
    assert parse_trim(text) == Trim(start, end)


@pytest.mark.parametrize("text", ["", "abc", "10", "00:55-00:10", "00:70-01:00", "1-2-3"])
def test_parse_trim_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_trim(text)


def test_trim_length_and_timecode() -> None:
    assert Trim(10, 55).length(30) == 20  # an end past the recording stops at its end
    assert Trim(90, None).length(100) == 10
    assert timecode(248) == "04:08" and timecode(3723) == "1:02:03"
    assert str(Trim(10, 55)) == "00:10-00:55"


def test_short_clip_keeps_1080p() -> None:
    t = video.choose(clip(seconds=15), 15, BUDGET)
    assert t is not None and (t.width, t.height, t.rung) == (1920, 1080, 1080)
    assert t.fps == 30  # a 60 fps phone clip halves its bits per frame for nothing
    assert t.estimate <= BUDGET


def test_ladder_steps_down_only_as_far_as_needed() -> None:
    targets = [video.choose(clip(seconds=s), s, BUDGET) for s in (20, 40, 60, 240)]
    assert [t.rung if t else None for t in targets] == [1080, 720, 480, 360]
    for t in targets:
        assert t is not None and t.estimate <= BUDGET
        assert t.video_kbps >= dict(video.LADDER)[t.rung]
        # One rung up would have been below that rung's floor: the step down was needed.
        higher = [k for r, k in video.LADDER if r > t.rung]
        assert not higher or t.video_kbps < higher[-1]


def test_too_long_boundary_matches_max_seconds() -> None:
    limit = video.max_seconds(BUDGET, has_audio=True)
    assert 200 < limit < 300  # about four minutes at 360p, what the finding promises
    assert video.choose(clip(), limit, BUDGET) is not None
    assert video.choose(clip(), limit + 2, BUDGET) is None
    assert video.choose(clip(), 25 * 60, BUDGET) is None
    silent = video.max_seconds(BUDGET, has_audio=False)
    assert silent > limit
    assert video.choose(clip(audio_codec=None), silent, BUDGET) is not None


def test_portrait_phone_clip_scales_its_short_side() -> None:
    # Stored landscape with a 90° flag: shown as portrait, so the width is the short side.
    t = video.choose(clip(rotation=90, seconds=200), 200, BUDGET)
    assert t is not None and t.width < t.height and t.width == t.rung


def test_small_source_is_never_upscaled() -> None:
    t = video.choose(clip(160, 120, seconds=10), 10, BUDGET)
    assert t is not None and (t.width, t.height) == (160, 120)


def test_odd_sizes_become_even() -> None:
    t = video.choose(clip(1918, 1079, seconds=120), 120, BUDGET)
    assert t is not None and t.width % 2 == 0 and t.height % 2 == 0


def test_audio_gets_the_highest_rate_that_fits() -> None:
    assert audio.choose(sound(175), 175, BUDGET).kbps == 320  # type: ignore[union-attr]
    ten_min = audio.choose(sound(600), 600, BUDGET)
    assert ten_min is not None and ten_min.kbps == 128 and ten_min.estimate <= BUDGET
    assert audio.size_at(160, 600) > BUDGET  # the next step up would not have fitted
    assert audio.choose(sound(60 * 60), 60 * 60, BUDGET) is None
    assert audio.max_seconds(BUDGET) == pytest.approx(40 * 60, rel=0.05)


def test_lossy_audio_is_not_inflated() -> None:
    t = audio.choose(sound(60, codec="aac", kbps=96), 60, BUDGET)
    assert t is not None and t.kbps == 128
    low = audio.choose(sound(60, codec="pcm_s16le", rate=8000), 60, BUDGET)
    assert low is not None and low.kbps <= 128


def test_low_bitrate_mp3_is_mono_at_a_rate_lame_accepts() -> None:
    t = audio.choose(sound(35 * 60), 35 * 60, BUDGET)
    assert t is not None and t.kbps <= 40
    assert (t.sample_rate, t.channels) == (22050, 1)


def test_limits_budget_leaves_headroom() -> None:
    limits = SizeLimits()
    assert limits.budget("media") == 9_700_000
    assert limits.budget("document") == 3_880_000
    assert SizeLimits(document=5_000_000).limit("document") == 5_000_000


def test_parallel_items_share_the_cores() -> None:
    from generator.render.upload.upload_copies import jobs_and_threads

    assert jobs_and_threads(1, cores=2) == (1, 2)  # one encode gets both cores
    assert jobs_and_threads(5, cores=2) == (2, 1)  # two at a time, one thread each
    assert jobs_and_threads(0, cores=2) == (1, 2)
