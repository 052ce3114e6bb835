"""Resolving the file names content gives, without ever leaving where they belong.

`real_inside` is the one test every file and folder of a content root passes before
it is read: where the path really is, with every symbolic link and `..` followed,
must be under the content root. `resolve_inside` holds an item's file names to the
item's own folder, which is itself inside the root.
"""

from __future__ import annotations

import re
from pathlib import Path

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def real_inside(root: Path, path: Path) -> Path | None:
    """Where `path` really is, when that is `root` or under it; None when it leads
    elsewhere (or nowhere: a symlink loop)."""
    try:
        base = root.resolve()
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return real if real.is_relative_to(base) else None


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
