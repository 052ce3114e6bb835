"""One hash of some of the tool's own files (their names and bytes): what a step puts in
its outputs' fingerprints so that a fix to its code or words makes them again, without a
hand-kept version number to remember to raise."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def files_digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
