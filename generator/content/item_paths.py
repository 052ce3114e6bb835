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
        return Path(self.where(path))

    def where(self, path: Path) -> str:
        """`resolve`, as a string: a reading asks it thousands of times, and strings are
        what it compares."""
        if ".." in path.parts:
            return str(path.resolve())   # `..` after a link is the link's parent: the slow way
        given = str(path if path.is_absolute() else Path.cwd() / path)  # normalised by Path
        known = self._known.get(given)
        if known is not None:
            return known
        # Up to the nearest folder looked up already (or the top), then down from there.
        names: list[str] = []
        here = given
        while (known := self._known.get(here)) is None:
            parent, name = os.path.split(here)
            if parent == here:
                known = here
                break
            names.append(name)
            here = parent
        real = known
        for name in reversed(names):
            here = os.path.join(here, name)
            step = os.path.join(real, name)
            try:
                mode = os.lstat(step).st_mode
            except OSError:  # not there: the rest as given, as resolve() does
                return step + given[len(here):]
            real = str(Path(step).resolve()) if stat.S_ISLNK(mode) else step
            self._known[here] = real
        return real


def _under(real: str, base: str) -> bool:
    """Whether `real` is `base` or under it (both absolute and normalised)."""
    return real == base or real.startswith(base.rstrip("/") + "/")


def real_inside(root: Path, path: Path, paths: RealPaths | None = None) -> Path | None:
    """Where `path` really is, when that is `root` or under it; None when it leads
    elsewhere (or nowhere: a symlink loop)."""
    paths = paths or RealPaths()
    try:
        base = paths.where(root)
        real = paths.where(path)
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return Path(real) if _under(real, base) else None


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
        base = paths.where(folder)
        real = paths.where(candidate)
    except (OSError, RuntimeError):  # a symlink loop
        return None, "outside"
    if not _under(real, base):
        return None, "outside"
    # False too for a name too long for the disk (ENAMETOOLONG): no such file can exist.
    if not os.path.isfile(real):
        return None, "missing"
    return Path(real), None
