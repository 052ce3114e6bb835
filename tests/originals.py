"""What a tree holds, to prove the tool left a student's files alone.

`originals(root)` maps every entry under `root` to what it is (a file's SHA-256, a link's
target, "dir"); `assert_originals_unchanged(root)` wraps a block and fails if anything
under `root` was added, removed or changed by it. Every test that says "the originals
are never touched" says it with these.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def originals(root: Path, skip: Iterable[Path] = (), times: bool = False) -> dict[str, str]:
    """Every entry under `root` with a digest of what it is: file bytes, link target, dir.

    Paths under `skip` (an output folder the tool may write) are left out; with `times`
    a file's modification time counts too (rewriting the same bytes is a change).
    """
    skipped = [p.resolve() for p in skip]
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if any(here.resolve() == s or here.resolve().is_relative_to(s) for s in skipped):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if any(path.absolute() == s for s in skipped):
                continue
            if path.is_symlink():
                seen[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                seen[rel] = "dir"
            else:
                seen[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
                if times:
                    seen[rel] += f" @{path.stat().st_mtime_ns}"
    return seen


@contextlib.contextmanager
def assert_originals_unchanged(root: Path, skip: Iterable[Path] = (),
                               times: bool = False) -> Iterator[dict[str, str]]:
    """Fail unless the block leaves everything under `root` (but `skip`) as it was."""
    skip = list(skip)
    before = originals(root, skip, times)
    yield before
    after = originals(root, skip, times)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"changed under {root}: {changed[:20]}"
