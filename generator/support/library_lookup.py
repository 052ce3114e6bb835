"""Finding shared libraries by name with one `ldconfig -p`, while WeasyPrint loads.

WeasyPrint opens pango, harfbuzz, fontconfig and four more through cffi, trying
several spellings of each name (Windows', macOS', Linux's). Each spelling that
`dlopen` refuses goes to `ctypes.util.find_library`, which on Linux runs
`ldconfig -p`, then gcc, then ld: about fifty processes, 0.2–0.3 s of every PDF
build's start (and of every worker that imports WeasyPrint itself). Inside
`one_listing()` the lookup reads one `ldconfig -p` listing, kept, with the
standard library's own pattern. A name the listing lacks is not found, without gcc
or ld: each library's soname is among the spellings WeasyPrint tries, and `dlopen`
finds it there directly wherever the loader would. Without a listing (no
ldconfig, another system) nothing is replaced.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}  # as ctypes.util has it


@cache
def _listing() -> bytes:
    if os.name != "posix" or not os.path.exists("/sbin/ldconfig"):
        return b""
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL,
                              capture_output=True, env={"LC_ALL": "C", "LANG": "C"},
                              timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return b""


def find_library(name: str) -> str | None:
    """`ctypes.util.find_library`'s first way (the ldconfig cache), from the kept
    listing: the soname, or None."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = _ABI.get(machine, "libc6")
    pattern = os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}")
    found = re.search(pattern, _listing())
    return os.fsdecode(found.group(1)) if found else None


@contextmanager
def one_listing() -> Iterator[None]:
    """Within: `ctypes.util.find_library` answers from one `ldconfig -p` listing."""
    if not _listing():
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original
