"""Child processes that die with the tool.

A build forks workers, and workers and threads start ffmpeg and ffprobe. When the
build is killed (Ctrl-C twice, a closed terminal, `kill -9`, a CI timeout), nothing
would stop them: they went on encoding into the output, holding its lock and the
machine's cores. On Linux each child asks the kernel to send it SIGKILL when its
parent goes (PR_SET_PDEATHSIG); elsewhere nothing is done and children end when
their work does.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable
from functools import cache, partial
from typing import Any

PR_SET_PDEATHSIG = 1


@cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl: Callable[..., int] = libc.prctl
        return prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int | None = None) -> None:
    """In a child: be killed when the parent ends; exit now if it already has."""
    prctl = _prctl()
    if prctl is None:
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died between the fork and the prctl: then no signal comes.
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def tied() -> dict[str, Any]:
    """Keyword arguments for subprocess.run/Popen that tie the child to this process."""
    if _prctl() is None:
        return {}
    # Looked up before the fork: the child only calls what is already loaded.
    return {"preexec_fn": partial(die_with_parent, os.getpid())}


def worker_initializer() -> Callable[[], None] | None:
    """For ProcessPoolExecutor(initializer=…): a worker dies with the build."""
    if _prctl() is None:
        return None
    return partial(die_with_parent, os.getpid())
