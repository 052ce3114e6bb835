"""Listening on a port a person asked for, or the next free one when it is taken."""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
PORT_TRIES = 20


def first_free(bind: Callable[[int], T], port: int, tries: int = PORT_TRIES) -> T | None:
    """`bind(port)`, else `bind(port + 1)`… up to `tries` ports (`port` 0: any free port,
    once); None when every one is taken. Other errors (no permission) are raised."""
    for candidate in range(port, port + tries) if port else [0]:
        try:
            return bind(candidate)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    return None
