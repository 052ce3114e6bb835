"""What a media file really is, asked of ffprobe, and whether all of it is there.

Nothing here raises on bad input: a student's file may be empty, truncated, or
a picture renamed `.mp4`, and the checks need a report they can turn into a
finding, not a traceback. `MediaInfo.problem` carries a short stable key.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.support.ffmpeg import FFMPEG, FFPROBE, run_tool

PROBE_TIMEOUT = 60.0

# Stable keys for `MediaInfo.problem` and `verify_packets`.
EMPTY = "empty"
UNREADABLE = "unreadable"
TRUNCATED = "truncated"
NO_STREAMS = "no-streams"
TIMEOUT = "timeout"
TOOL_MISSING = "tool-missing"

# ffprobe names the mp4 family with one demuxer; the brand tells mp4 from mov/m4a.
_IMAGE_FORMATS = {
    "png_pipe": "png", "jpeg_pipe": "jpeg", "webp_pipe": "webp", "gif": "gif",
    "bmp_pipe": "bmp", "tiff_pipe": "tiff", "image2": "image", "svg_pipe": "svg",
}
_FORMATS = {"matroska,webm": "mkv", "mp3": "mp3", "wav": "wav", "aac": "aac", "ogg": "ogg",
            "flac": "flac", "avi": "avi", "asf": "wmv", "mpegts": "ts", "flv": "flv",
            "3gp": "3gp", "amr": "amr"}
_MOV_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class MediaInfo:
    """One media file as ffprobe sees it, from its bytes rather than its name.

    `container` is a short name ("mp4", "mov", "m4a", "mp3", "wav", "mkv", "png"…),
    `format_name` ffprobe's own. Sizes are bytes, `bitrate` bits per second.
    """

    path: Path
    size: int = 0
    container: str | None = None
    format_name: str | None = None
    duration: float = 0.0
    bitrate: int | None = None
    has_video: bool = False
    has_audio: bool = False
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    rotation: int = 0
    fps: float | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    audio_channels: int | None = None
    audio_bitrate: int | None = None
    location: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def is_image(self) -> bool:
        """A still picture (a PNG or JPEG, whatever its name says)."""
        return self.container in set(_IMAGE_FORMATS.values())

    @property
    def kind(self) -> str | None:
        """'video', 'audio', 'image' or None when nothing playable was found."""
        if self.problem is not None:
            return None
        if self.is_image:
            return "image"
        if self.has_video:
            return "video"
        if self.has_audio:
            return "audio"
        return None

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Width and height as a player shows them, after the rotation flag."""
        if self.width is None or self.height is None:
            return None
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height

    @property
    def is_upload_ready(self) -> bool:
        """H.264/AAC in MP4 (or MP3, or AAC in MP4, for sound alone): what every browser
        and the official player play."""
        if self.problem is not None:
            return False
        if self.has_video:
            return (self.container == "mp4" and self.video_codec == "h264"
                    and self.audio_codec in (None, "aac"))
        if self.has_audio:
            return (self.container, self.audio_codec) in (("mp3", "mp3"), ("mp4", "aac"))
        return False


def probe(path: Path) -> MediaInfo:
    """Ask ffprobe what `path` holds; never raises for a bad file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return MediaInfo(path, problem=UNREADABLE)
    if size == 0:
        return MediaInfo(path, problem=EMPTY)
    try:
        run = run_tool(FFPROBE, ["-v", "error", "-print_format", "json", "-show_format",
                                 "-show_streams", str(path)], PROBE_TIMEOUT)
    except OSError:
        return MediaInfo(path, size=size, problem=TOOL_MISSING)
    if run.timed_out:
        return MediaInfo(path, size=size, problem=TIMEOUT)
    stderr = "".join(run.stderr)
    try:
        data = json.loads(run.stdout or "{}")
    except ValueError:
        data = {}
    fmt = data.get("format") or {}
    if run.returncode != 0 or not fmt:
        return MediaInfo(path, size=size, problem=_problem_from(stderr, path) or UNREADABLE)
    return _info(path, size, fmt, data.get("streams") or [], stderr)


def verify_packets(path: Path, timeout: float | None = None) -> str | None:
    """Read every packet without decoding; a problem key, or None when all is there.

    ffprobe only reads the header, so an mp4 whose index (moov) sits at the front
    looks whole even when its data was cut off mid-upload; demuxing every packet
    finds the gap. ffmpeg exits 0 on such files, so its error output decides.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return UNREADABLE
    if size == 0:
        return EMPTY
    if timeout is None:
        # Stream copy runs at disk speed; allow a generous second per 20 MB.
        timeout = 30.0 + size / 20_000_000
    try:
        run = run_tool(FFMPEG, ["-nostdin", "-v", "error", "-i", str(path), "-map", "0:v?",
                                "-map", "0:a?", "-c", "copy", "-f", "null", "-"], timeout)
    except OSError:
        return TOOL_MISSING
    if run.timed_out:
        return TIMEOUT
    problem = _problem_from("".join(run.stderr), path)
    if problem:
        return problem
    if run.returncode != 0:
        return UNREADABLE
    return None


def _problem_from(stderr: str, path: Path) -> str | None:
    text = stderr.lower()
    if "moov atom not found" in text:
        # Without its index an mp4 was cut short; a file that is no mp4 at all says nothing.
        return TRUNCATED if _looks_like_mp4(path) else UNREADABLE
    if "partial file" in text or "truncat" in text or "unexpected end" in text:
        return TRUNCATED
    if "invalid data found" in text or "error while decoding" in text:
        return UNREADABLE
    if "error splitting the input" in text or "invalid nal unit" in text:
        return UNREADABLE
    return None


def _looks_like_mp4(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return len(head) >= 8 and head[4:8] in (b"ftyp", b"mdat", b"moov", b"wide", b"free")


def _info(path: Path, size: int, fmt: dict[str, Any], streams: list[dict[str, Any]],
          stderr: str) -> MediaInfo:
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    container = _container(fmt)
    duration = _float(fmt.get("duration"))
    if duration is None:
        duration = max((_float(s.get("duration")) or 0.0 for s in streams), default=0.0)
    problem = None
    if video is None and audio is None:
        problem = NO_STREAMS
    elif _problem_from(stderr, path) == TRUNCATED:
        problem = TRUNCATED
    is_image = container in set(_IMAGE_FORMATS.values())
    return MediaInfo(
        path=path,
        size=size,
        container=container,
        format_name=fmt.get("format_name"),
        duration=0.0 if is_image else (duration or 0.0),
        bitrate=_int(fmt.get("bit_rate")),
        has_video=video is not None and not is_image,
        has_audio=audio is not None,
        video_codec=video.get("codec_name") if video else None,
        width=_int(video.get("width")) if video else None,
        height=_int(video.get("height")) if video else None,
        rotation=_rotation(video) if video else 0,
        fps=_fps(video) if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        sample_rate=_int(audio.get("sample_rate")) if audio else None,
        audio_channels=_int(audio.get("channels")) if audio else None,
        audio_bitrate=_int(audio.get("bit_rate")) if audio else None,
        location=_location(fmt, streams),
        problem=problem,
    )


def _container(fmt: dict[str, Any]) -> str | None:
    name = fmt.get("format_name")
    if not name:
        return None
    if name in _IMAGE_FORMATS:
        return _IMAGE_FORMATS[name]
    if name == _MOV_FAMILY:
        brand = str((fmt.get("tags") or {}).get("major_brand", "")).strip().lower()
        if brand == "qt":
            return "mov"
        if brand.startswith("m4a") or brand.startswith("m4b"):
            return "m4a"
        if brand.startswith("3g"):
            return "3gp"
        return "mp4"
    return _FORMATS.get(name, name.split(",")[0])


def _rotation(stream: dict[str, Any]) -> int:
    """Degrees clockwise a player turns the picture; phones store portrait this way."""
    value: float | None = None
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            value = _float(side["rotation"])
    if value is None:
        value = _float((stream.get("tags") or {}).get("rotate"))
        if value is not None:
            value = -value  # the old tag counts the other way round from the display matrix
    if value is None:
        return 0
    return round(-value) % 360


def _fps(stream: dict[str, Any]) -> float | None:
    for key in ("avg_frame_rate", "r_frame_rate"):
        raw = str(stream.get(key) or "")
        if "/" in raw:
            num, _, den = raw.partition("/")
            n, d = _float(num), _float(den)
            if n and d:
                return n / d
    return None


def _location(fmt: dict[str, Any], streams: list[dict[str, Any]]) -> str | None:
    """A GPS position from the tags phones write (ISO 6709 or `location`): personal data."""
    tag_sets = [fmt.get("tags") or {}] + [s.get("tags") or {} for s in streams]
    for tags in tag_sets:
        for key, value in tags.items():
            k = key.lower()
            if ("location" in k or "iso6709" in k or k == "xyz") and str(value).strip():
                return str(value).strip()
    return None


def parse_iso6709(value: str) -> tuple[float, float] | None:
    """Latitude and longitude from '+25.0330+121.5654+010.000/'."""
    m = _ISO6709.match(value.strip())
    if not m:
        return None
    return float(m.group(1)), float(m.group(2))


def _float(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _int(value: Any) -> int | None:
    f = _float(value)
    return int(f) if f is not None else None
