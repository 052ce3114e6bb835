"""Fitting a recording without a picture into the 影音 budget as MP3.

MP3 at a constant bitrate has a size one can compute before encoding, so the
highest bitrate that fits is chosen up front and no second attempt is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from generator.content.media_probe import MediaInfo
from generator.support.ffmpeg import EncodeSettings, Progress, run_ffmpeg

# The bitrates an MP3 (MPEG-1/2 layer III) may have, best first.
BITRATES = (320, 256, 224, 192, 160, 128, 112, 96, 80, 64, 56, 48, 40, 32)
FLOOR_KBPS = BITRATES[-1]
TAG_OVERHEAD = 4_000  # Xing/LAME header frame plus rounding of the last frame
LOSSLESS = {"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_s16be",
            "flac", "alac", "wavpack", "ape", "tta"}


@dataclass(frozen=True)
class AudioTarget:
    kbps: int
    sample_rate: int
    channels: int
    duration: float
    estimate: int

    @property
    def label(self) -> str:
        return f"MP3 {self.kbps} kbps"


def size_at(kbps: int, duration: float) -> int:
    return math.ceil(kbps * 1000 / 8 * duration) + TAG_OVERHEAD


def max_seconds(budget: int) -> int:
    return max(0, math.floor((budget - TAG_OVERHEAD) / (FLOOR_KBPS * 1000 / 8)))


def choose(info: MediaInfo, duration: float, budget: int) -> AudioTarget | None:
    """The highest bitrate that fits, but no higher than the source can fill.

    Re-encoding a 96 kbit/s recording at 320 only spends the student's quota;
    a lossless source (a WAV) earns the full 320.
    """
    if duration <= 0:
        return None
    ceiling = BITRATES[0]
    if info.audio_codec not in LOSSLESS and info.audio_bitrate:
        # A lossy source gets one step of room above its own rate, and never less than 128.
        src_kbps = info.audio_bitrate / 1000
        ceiling = max(128, next((b for b in reversed(BITRATES) if b >= src_kbps * 1.25),
                                BITRATES[0]))
    if (info.sample_rate or 44100) < 32000:
        ceiling = min(ceiling, 128)  # a phone's voice memo holds no more than this
    for kbps in BITRATES:
        if kbps <= ceiling and size_at(kbps, duration) <= budget:
            rate, channels = _format_for(kbps, info)
            return AudioTarget(kbps, rate, channels, duration, size_at(kbps, duration))
    return None


def _format_for(kbps: int, info: MediaInfo) -> tuple[int, int]:
    """Sample rate and channels that the bitrate can carry without warbling."""
    src_rate = info.sample_rate or 44100
    channels = min(info.audio_channels or 2, 2)
    if kbps >= 96:
        rate = 48000 if src_rate == 48000 else 44100
    elif kbps >= 56:
        rate = 32000 if src_rate >= 32000 else src_rate
    else:
        rate, channels = 22050, 1
    return rate, channels


def encode(src: Path, dst: Path, target: AudioTarget, settings: EncodeSettings,
           start: float = 0.0, progress: Progress | None = None) -> None:
    args: list[str] = []
    if start > 0:
        args += ["-ss", f"{start:.3f}"]
    args += ["-t", f"{target.duration:.3f}", "-i", str(src), "-map", "0:a:0",
             "-map_metadata", "-1", "-vn", "-sn", "-dn",
             "-c:a", "libmp3lame", "-b:a", f"{target.kbps}k",
             "-ar", str(target.sample_rate), "-ac", str(target.channels),
             "-f", "mp3", str(dst)]
    run_ffmpeg(args, settings, target.duration, progress)
