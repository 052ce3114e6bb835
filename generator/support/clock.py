"""The moment a build stamps into what it writes, for reproducible builds.

SOURCE_DATE_EPOCH (reproducible-builds.org) fixes it: PDFs, zips and the counselor's
pages then carry that moment, and two builds of the same content are the same bytes.
Read here only, so every output agrees on what the variable says.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a UTC moment; None when it is unset, not a whole number of
    seconds, or beyond what a date can hold (the same as unset: it cannot fix anything)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def fixed_moment(today: date) -> datetime:
    """SOURCE_DATE_EPOCH when set, else `today` at midnight UTC: never the clock."""
    return source_date_epoch() or datetime(today.year, today.month, today.day, tzinfo=UTC)
