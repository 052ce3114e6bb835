"""Reading the tool's own records in an output folder (`.portfolio/`: the record of owned
files, the link history, the build's stamp and log, cache entries).

They are the tool's, but the folder is not locked between commands: anyone who can write
there can put anything in their place, a file of gigabytes (or a sparse one that claims
to be) included. Each is read through `read_record`, which never reads more than
RECORD_MAX_BYTES: a larger one is as good as damaged, which every reader already takes
as no record at all.
"""

from __future__ import annotations

import os
from pathlib import Path

# The largest record a real output holds is state.json, about 50 bytes per file written:
# a school's grade of 1,000 realistic students writes some 250,000 files, 12 MB.
RECORD_MAX_BYTES = 256 * 2**20


class RecordTooLarge(ValueError):
    """A record over RECORD_MAX_BYTES: read as a damaged one (a ValueError)."""


def read_record(path: Path, limit: int = RECORD_MAX_BYTES) -> str:
    """The text of the record at `path`, at most `limit` bytes of UTF-8.

    Raises OSError when it cannot be read, ValueError (RecordTooLarge, or
    UnicodeDecodeError) when it is too large or not text."""
    return read_record_bytes(path, limit).decode("utf-8")


def read_record_bytes(path: Path, limit: int = RECORD_MAX_BYTES) -> bytes:
    """The bytes of the record at `path` (a cached laid-out PDF), at most `limit`."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            raise RecordTooLarge(f"{path}: over {limit} bytes")
        data = fh.read(limit + 1)   # a file that grew since: still no more than this
    if len(data) > limit:
        raise RecordTooLarge(f"{path}: over {limit} bytes")
    return data
