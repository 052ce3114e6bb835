"""Fitting a video into the 影音 budget: H.264/AAC in MP4, as large as it can stay.

The budget (bytes) and the length decide the bitrate; the bitrate decides the
resolution. Each rung of the ladder has a floor below which the picture falls
apart, so we step down 1080p → 720p → 480p → 360p only as far as the budget
needs, and a clip that would need less than the 360p floor is too long to fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from generator.content.media_probe import MediaInfo
from generator.support.ffmpeg import EncodeSettings, Progress, run_ffmpeg

# Short side → the least video bitrate (kbit/s, H.264 at up to 30 fps) that still looks
# like a video rather than a mosaic at that size.
LADDER: tuple[tuple[int, int], ...] = ((1080, 2500), (720, 1200), (480, 600), (360, 250))
FLOOR_RUNG, FLOOR_KBPS = LADDER[-1]
FLOOR_AUDIO_KBPS = 48
MAX_FPS = 30.0
MAX_VIDEO_KBPS = 12_000  # more buys nothing a reviewer can see
# Bytes the MP4 container adds beyond the streams: the index grows with the length.
MUX_FIXED = 40_000
MUX_PER_SECOND = 1_500


@dataclass(frozen=True)
class VideoTarget:
    """What one encode aims at. `width`/`height` are the picture as shown (after rotation)."""

    width: int
    height: int
    rung: int
    fps: float | None
    video_kbps: int
    audio_kbps: int | None
    sample_rate: int | None
    channels: int | None
    duration: float
    estimate: int  # bytes, an upper bound

    @property
    def label(self) -> str:
        return f"{self.rung}p H.264, ≤ {self.video_kbps} kbps"


def audio_choice(total_kbps: float, info: MediaInfo) -> tuple[int, int, int]:
    """AAC bitrate, sample rate and channels: speech and music stay clear, video gets the rest."""
    if total_kbps >= 2000:
        kbps = 128
    elif total_kbps >= 800:
        kbps = 96
    elif total_kbps >= 400:
        kbps = 64
    else:
        kbps = FLOOR_AUDIO_KBPS
    rate = info.sample_rate or 44100
    rate = 48000 if rate >= 48000 else (44100 if rate >= 44100 else rate)
    channels = min(info.audio_channels or 2, 2)
    if kbps <= FLOOR_AUDIO_KBPS:
        channels = 1  # at 48 kbit/s one clear channel beats two smeared ones
    return kbps, rate, channels


def mux_overhead(duration: float) -> int:
    return MUX_FIXED + int(MUX_PER_SECOND * duration)


def max_seconds(budget: int, has_audio: bool) -> int:
    """How long a clip can be and still fit at the 360p floor."""
    kbps = FLOOR_KBPS + (FLOOR_AUDIO_KBPS if has_audio else 0)
    # Solve budget = kbps*d/8*1000 + VBV slack (1 s of video) + overhead(d) for d.
    per_second = kbps * 1000 / 8 + MUX_PER_SECOND
    usable = budget - MUX_FIXED - FLOOR_KBPS * 1000 / 8
    return max(0, math.floor(usable / per_second))


def likely_size(info: MediaInfo, target: VideoTarget) -> int:
    """A guess at the size after, for --dry-run: capped CRF often lands below the cap.

    H.264 needs about half again the bits of HEVC/VP9/AV1 for the same picture; fewer
    pixels and fewer seconds need proportionally fewer.
    """
    if not info.size or not info.duration:
        return target.estimate
    factor = 1.5 if info.video_codec in ("hevc", "vp9", "av1") else 1.0
    shown = info.display_size
    if shown:
        factor *= min(1.0, target.width * target.height / (shown[0] * shown[1]))
    factor *= min(1.0, target.duration / info.duration)
    return min(target.estimate, int(info.size * factor))


def choose(info: MediaInfo, duration: float, budget: int) -> VideoTarget | None:
    """The largest rung the budget pays for, or None when even 360p will not fit."""
    if duration <= 0:
        return None
    usable_bits = (budget - mux_overhead(duration)) * 8
    total_kbps = usable_bits / duration / 1000
    audio_kbps = rate = channels = None
    if info.has_audio:
        audio_kbps, rate, channels = audio_choice(total_kbps, info)
    audio_bits = (audio_kbps or 0) * 1000 * duration
    # Capped CRF: the VBV buffer (1 s of video) may be spent on top of rate × duration.
    video_kbps = int((usable_bits - audio_bits) / (duration + 1.0) / 1000)
    video_kbps = min(video_kbps, MAX_VIDEO_KBPS)
    shown = info.display_size or (info.width or 640, info.height or 360)
    for rung, floor_kbps in _rungs(min(shown)):
        if video_kbps >= floor_kbps:
            width, height = _scaled(shown, rung)
            fps = min(info.fps, MAX_FPS) if info.fps else None
            estimate = (int((video_kbps * (duration + 1.0) + (audio_kbps or 0) * duration)
                            * 1000 / 8) + mux_overhead(duration))
            return VideoTarget(width, height, rung, fps, video_kbps, audio_kbps, rate,
                               channels, duration, estimate)
    return None


def _rungs(short: int) -> list[tuple[int, int]]:
    """The sizes to try, largest first: the source's own (never upscaled, at most 1080p),
    then every smaller rung of the ladder."""
    top = min(short, LADDER[0][0])
    own_floor = next((kbps for rung, kbps in LADDER if rung <= top), FLOOR_KBPS)
    return [(top, own_floor)] + [(rung, kbps) for rung, kbps in LADDER if rung < top]


def _scaled(shown: tuple[int, int], rung: int) -> tuple[int, int]:
    """Display size with its short side at `rung`, both sides even (H.264 needs it)."""
    w, h = shown
    if min(w, h) <= rung:
        return w - w % 2, h - h % 2
    if w >= h:
        return _even(w * rung / h), rung - rung % 2
    return rung - rung % 2, _even(h * rung / w)


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def encode(src: Path, dst: Path, target: VideoTarget, settings: EncodeSettings,
           start: float = 0.0, progress: Progress | None = None,
           video_kbps: int | None = None) -> None:
    """Transcode `src` (from `start`, `target.duration` long) to H.264/AAC MP4 at `dst`."""
    kbps = video_kbps or target.video_kbps
    args: list[str] = []
    if start > 0:
        args += ["-ss", f"{start:.3f}"]
    args += ["-t", f"{target.duration:.3f}", "-i", str(src),
             "-map", "0:V:0", "-map", "0:a:0?",
             # Location tags and chapters would travel along otherwise: personal data.
             "-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    filters = [f"scale={target.width}:{target.height}:flags=bicubic", "setsar=1"]
    if target.fps:
        filters.append(f"fps={target.fps:.3f}")
    filters.append("format=yuv420p")  # 10-bit or 4:4:4 sources play nowhere as H.264
    args += ["-vf", ",".join(filters),
             "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
             "-maxrate", f"{kbps}k", "-bufsize", f"{kbps}k",
             "-profile:v", "high", "-level:v", "4.1", "-pix_fmt", "yuv420p"]
    if target.audio_kbps:
        args += ["-c:a", "aac", "-b:a", f"{target.audio_kbps}k",
                 "-ar", str(target.sample_rate), "-ac", str(target.channels)]
    # The index at the front lets the official player start before the download ends.
    args += ["-movflags", "+faststart", "-f", "mp4", str(dst)]
    run_ffmpeg(args, settings, target.duration, progress)


def remux(src: Path, dst: Path, settings: EncodeSettings) -> None:
    """Same streams in a clean MP4 without metadata: for a good file with a location tag."""
    run_ffmpeg(["-i", str(src), "-map", "0:V:0", "-map", "0:a:0?", "-c", "copy",
                "-map_metadata", "-1", "-map_chapters", "-1",
                "-movflags", "+faststart", "-f", "mp4", str(dst)], settings)
