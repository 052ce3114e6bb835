"""`media_trim: "00:10-00:55"`: the part of a recording to keep."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SPLIT = re.compile(r"\s*(?:-|–|—|~|～|到|to)\s*")
_TIME = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Trim:
    start: float
    end: float | None  # None: to the end of the recording

    def length(self, duration: float) -> float:
        end = duration if self.end is None else min(self.end, duration)
        return max(0.0, end - self.start)

    def __str__(self) -> str:
        return f"{timecode(self.start)}-{'' if self.end is None else timecode(self.end)}"


def parse_trim(text: str) -> Trim:
    """'00:10-00:55', '1:02:03-1:05:00', '10-55', '01:30-' (to the end); ValueError if not."""
    raw = str(text).strip()
    parts = _SPLIT.split(raw, maxsplit=1)
    if len(parts) != 2:
        raise ValueError(f"not a range: {raw!r}")
    start = parse_time(parts[0]) if parts[0].strip() else 0.0
    end = parse_time(parts[1]) if parts[1].strip() else None
    if end is not None and end <= start:
        raise ValueError(f"the end comes before the start: {raw!r}")
    return Trim(start, end)


def parse_time(text: str) -> float:
    """'55', '00:55', '1:02:03', '00:10.5' → seconds."""
    m = _TIME.match(text.strip())
    if not m:
        raise ValueError(f"not a time: {text!r}")
    first, second, seconds = m.groups()
    hours, minutes = (first, second) if second is not None else ("0", first or "0")
    value = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if first is not None and (float(seconds) >= 60 or (second is not None and int(minutes) >= 60)):
        raise ValueError(f"not a time: {text!r}")
    return value


def timecode(seconds: float) -> str:
    """Seconds as the student writes them: 'MM:SS' or 'H:MM:SS'."""
    whole = max(0, math.floor(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
