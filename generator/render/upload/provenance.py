"""What each upload copy was made from, so that a check can trust it.

An upload copy in `OUTPUT/<student>/upload/<item>/` stands in for an original over its
limit only while it is a copy of *that* original: a student who replaces a video after
`portfolio fit` must not be told the old copy will do. Whoever writes an upload copy
(`portfolio fit`, the build's upload and PDF steps) notes the SHA-256 of the source it
was made from, under the copy's own SHA-256, in the output's cache. A file someone else
put there, or a copy of an earlier original, has no such note.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.content.file_inspection import file_sha256
from generator.support.atomic import write_text

STORE = "sources"  # in the media cache: OUTPUT/.portfolio/cache/media/sources/


def store_in(media_cache: Path) -> Path:
    return Path(media_cache) / STORE


def note_source(copy: Path, source_sha256: str, store: Path) -> None:
    """Remember that the file now at `copy` was made from the source with that hash."""
    digest = file_sha256(copy)
    record = _record(store, digest)
    known = _read(record)
    if source_sha256 not in known:
        write_text(record, json.dumps(sorted(known | {source_sha256})))


def made_from(copy: Path, store: Path) -> set[str]:
    """The hashes of the sources the file now at `copy` is known to be a copy of."""
    try:
        return _read(_record(store, file_sha256(copy)))
    except OSError:
        return set()


def _record(store: Path, digest: str) -> Path:
    return store / digest[:2] / f"{digest}.json"


def _read(record: Path) -> set[str]:
    try:
        data = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(d) for d in data} if isinstance(data, list) else set()
