"""Resolving the file names content gives, without ever leaving where they belong.

`real_inside` is the one test every file and folder of a content root passes before
it is read: where the path really is, with every symbolic link and `..` followed,
must be under the content root. `resolve_inside` holds an item's file names to the
item's own folder, which is itself inside the root.

A reading of a content root asks where thousands of paths really are, most of them in
the same few folders: `RealPaths` looks each folder up once per reading instead of
once per path (following every link exactly as `Path.resolve` does).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


class RealPaths:
    """`Path.resolve()` for one reading of the content: a folder met again (the root, a
    student's, an item's) is not looked up again. What changes on disk during the
    reading is seen as it was first looked up, which a single reading could not tell
    apart anyway; a new reading starts with a new `RealPaths`."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}   # a path as given (absolute) -> where it is

    def resolve(self, path: Path) -> Path:
        """Where `path` really is; raises as `Path.resolve` does (RuntimeError on a loop)."""
        if ".." in path.parts:
            return path.resolve()   # `..` after a link is the link's parent: the slow way
        parts = (path if path.is_absolute() else Path.cwd() / path).parts
        given = real = parts[0]
        for at, part in enumerate(parts[1:], start=1):
            given = os.path.join(given, part)
            known = self._known.get(given)
            if known is None:
                here = os.path.join(real, part)
                try:
                    mode = os.lstat(here).st_mode
                except OSError:  # not there: the rest as given, as resolve() does
                    return Path(here, *parts[at + 1:])
                known = str(Path(here).resolve()) if stat.S_ISLNK(mode) else here
                self._known[given] = known
            real = known
        return Path(real)


def real_inside(root: Path, path: Path, paths: RealPaths | None = None) -> Path | None:
    """Where `path` really is, when that is `root` or under it; None when it leads
    elsewhere (or nowhere: a symlink loop)."""
    paths = paths or RealPaths()
    try:
        base = paths.resolve(root)
        real = paths.resolve(path)
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return real if real.is_relative_to(base) else None


def resolve_inside(folder: Path, name: str,
                   paths: RealPaths | None = None) -> tuple[Path | None, str | None]:
    """The file `name` inside `folder`, or None and why not: "outside", "missing", "url".

    A symlink counts by where it points: one that leads out of the folder is outside.
    """
    if _URL.match(name):
        return None, "url"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None, "outside"
    paths = paths or RealPaths()
    candidate = folder / name
    try:
        base = paths.resolve(folder)
        real = paths.resolve(candidate)
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
