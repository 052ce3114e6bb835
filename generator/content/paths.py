"""Resolving the file names an item gives, without ever leaving the item's folder."""

from __future__ import annotations

import re
from pathlib import Path

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def resolve_inside(folder: Path, name: str) -> tuple[Path | None, str | None]:
    """The file `name` inside `folder`, or None and why not: "outside", "missing", "url".

    A symlink counts by where it points: one that leads out of the folder is outside.
    """
    if _URL.match(name):
        return None, "url"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None, "outside"
    base = folder.resolve()
    candidate = folder / name
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None, "outside"
    if not real.is_relative_to(base):
        return None, "outside"
    try:
        if not real.is_file():
            return None, "missing"
    except OSError:  # a name too long for the disk (ENAMETOOLONG): no such file can exist
        return None, "missing"
    return real, None
