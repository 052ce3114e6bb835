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
import zlib
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import httpx

try:  # brotli is optional; without a bounded decoder "br" is neither asked for nor read
    import brotli

    brotli.Decompressor().process(b"", output_buffer_limit=1)
except (ImportError, TypeError, AttributeError):  # pragma: no cover - depends on the install
    brotli = None

DECODE_ERRORS: tuple[type[Exception], ...] = (
    (zlib.error,) if brotli is None else (zlib.error, brotli.error))


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


class _Decoder(Protocol):
    def feed(self, data: bytes, room: int) -> bytes: ...


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        return data[:room]


class _Zlib:
    """gzip or deflate, never giving more than `room` bytes for one chunk.

    zlib's `max_length` is what bounds a bomb: without it one 64 KB chunk may
    inflate to 64 MB before anyone counts. "deflate" is meant to carry a zlib
    header and is sometimes sent raw; the first chunk tells which.
    """

    def __init__(self, gzip: bool) -> None:
        self._raw_fallback = not gzip
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            return self._d.decompress(data, room)
        except zlib.error:
            if not self._raw_fallback:
                raise
            self._raw_fallback = False
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._d.decompress(data, room)
        finally:
            self._raw_fallback = False


class _Brotli:
    """Brotli, whose ratio is unbounded (6 KB can hold gigabytes): the output is capped
    in the decoder itself, which may overshoot by one internal block, cut off after."""

    def __init__(self) -> None:
        assert brotli is not None
        self._d = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        out = [self._d.process(data, output_buffer_limit=room)]
        got = len(out[0])
        while got < room and not self._d.can_accept_more_data():
            more = self._d.process(b"", output_buffer_limit=room - got)
            if not more:
                break
            out.append(more)
            got += len(more)
        return b"".join(out)[:room]


def accept_encoding() -> str:
    """Only the codings read here with a cap on their output."""
    return "gzip, deflate, br" if brotli is not None else "gzip, deflate"


def _decoder(coding: str) -> _Decoder | None:
    codings = [c.strip().lower() for c in coding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        return None  # stacked codings: rare, and each stage would need its own cap
    if codings[0] in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if codings[0] == "deflate":
        return _Zlib(gzip=False)
    if codings[0] == "br" and brotli is not None:
        return _Brotli()
    return None


async def read_capped(response: httpx.Response, cap: int) -> bytes | None:
    """At most `cap` bytes of the decoded body, reading at most `cap` bytes off the wire.

    The raw bytes are decoded here, chunk by chunk, never past the cap: httpx's own
    decoders inflate a whole chunk at once, which is how 6 KB of brotli became
    8 GB. None when the body is in a coding that cannot be read within a cap.
    """
    decoder = _decoder(response.headers.get("content-encoding", ""))
    if decoder is None:
        return None
    out = bytearray()
    raw = 0
    try:
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            out += decoder.feed(chunk, cap - len(out))
            if len(out) >= cap or raw >= cap:
                break
    except DECODE_ERRORS as exc:
        raise httpx.DecodingError(f"content decoding failed: {exc}") from exc
    return bytes(out[:cap])


async def drain(response: httpx.Response, cap: int = 65_536) -> None:
    """Read a small answer's raw bytes to its end, undecoded, so its connection is reused;
    give up past `cap` (the Content-Length that promised a small answer may lie)."""
    seen = 0
    async for chunk in response.aiter_raw():
        seen += len(chunk)
        if seen > cap:
            break


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
