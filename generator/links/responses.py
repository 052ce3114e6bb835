"""Reading an HTTP answer: what kind of failure, how long to wait, what to fingerprint.

Kept apart from the checker so its flow (ask, follow, judge) reads on one screen.
"""

from __future__ import annotations

import email.utils
import hashlib
import random
import re
import socket
import ssl
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx


class Failed(Exception):
    def __init__(self, error: str, detail: str) -> None:
        super().__init__(error, detail)
        self.error, self.detail = error, detail


def classify(exc: httpx.HTTPError, url: str, timeout: float) -> Failed:
    if isinstance(exc, httpx.ConnectTimeout):
        return Failed("connect-timeout", f"{timeout:g}")
    if isinstance(exc, httpx.TimeoutException):
        return Failed("timeout", f"{timeout:g}")
    if isinstance(exc, httpx.TooManyRedirects):
        return Failed("too-many-redirects", str(exc))
    # httpx wraps the socket's own error a few layers down; that one says what happened
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 8:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(c) for c in causes).lower()
    if any(isinstance(c, ssl.SSLError) for c in causes) or "certificate" in text:
        return Failed("tls", str(exc))
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return Failed("refused", str(exc))
    if any(isinstance(c, socket.gaierror) for c in causes) or any(
            s in text for s in ("name or service", "nodename", "getaddrinfo",
                                "name resolution", "no address associated")):
        return Failed("dns", urlsplit(url).hostname or url)
    return Failed("network", str(exc) or type(exc).__name__)


def wants_body(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return not kind or kind.startswith("text/") or kind in (
        "application/xhtml+xml", "application/xml")


def small(response: httpx.Response) -> bool:
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) <= 65_536


def header_fingerprint(response: httpx.Response) -> str | None:
    parts = [response.headers.get(h, "") for h in ("etag", "content-length", "last-modified")]
    if not any(parts):
        return None
    return "h:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def backoff(base: float, attempt: int) -> float:
    # jitter keeps many links to one host from retrying in lock-step
    return base * (2 ** (attempt - 1)) * (0.75 + random.random() / 2)


def retry_after(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
