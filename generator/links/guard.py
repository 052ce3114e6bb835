"""Where the link checker may connect: public addresses only, judged on the address used.

A student's link (or any redirect it leads through) to 127.0.0.1:8080, 10.0.0.1 or
169.254.169.254 would turn the checker into a way of reading the school's or the
counselor's own network, so such addresses are never connected to. With
`allow_private = true` in the settings (a school checking its own intranet, the
tests) the links as written may be on private addresses, each such host and port
named in `private_origins`; a redirect into any other private host or port is
still refused.

Judging the URL is not enough: a name can resolve to a public address when judged
and to 127.0.0.1 a moment later (DNS rebinding). So the check sits where the
connection is made: the host is resolved here, every address it resolves to is
judged, and the socket is opened to one of those very addresses. TLS still names
and verifies the host, since only the TCP connect is pinned.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading
import typing

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._backends.auto import AutoBackend

from generator.links.addresses import IPAddress, public

SocketOption = typing.Any  # httpcore's SOCKET_OPTION, a private alias


class BlockedHost(Exception):
    """A host that is, or resolves to, an address a reviewer could not reach."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(host, address)
        self.host, self.address = host, address


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order.

    The lookup runs in a daemon thread of its own, not the loop's executor: a name
    server that never answers must not keep the run (or the interpreter's exit)
    waiting once the deadline has given up on it.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[list[IPAddress]] = loop.create_future()

    def settle(value: list[IPAddress] | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value or [])

    def lookup() -> None:
        value: list[IPAddress] | None = None
        error: BaseException | None = None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            value = list(dict.fromkeys(
                ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
        except (OSError, UnicodeError, ValueError) as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=lookup, name="link-check-dns", daemon=True).start()
    return await future


def origin(url: httpx.URL) -> tuple[str, int]:
    """(host, port) as the connection is made to it: what `private_origins` holds."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return url.raw_host.decode("ascii", "replace").lower(), port


async def judged(host: str, port: int, permitted: bool) -> list[IPAddress]:
    """The addresses of `host`, each judged; raises BlockedHost when any is not public
    (unless `permitted`: a private origin the settings let through).

    Every address counts, not only the first: which one a connection (or the next
    lookup) would use is not ours to choose.
    """
    addresses = await resolve(host, port)
    if not permitted:
        for ip in addresses:
            if not public(ip):
                raise BlockedHost(host, str(ip))
    return addresses


class GuardedBackend(AsyncNetworkBackend):
    """httpcore's network backend, resolving and judging before every TCP connect.

    One is shared by all of a run's connections, so `private_origins` (filled in
    from the links as written, only when the settings allow private addresses) is
    the same list whichever client makes the connection.
    """

    def __init__(self, private_origins: set[tuple[str, int]] | None = None) -> None:
        self.private_origins: set[tuple[str, int]] = private_origins or set()
        self._inner = AutoBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[SocketOption] | None = None,
                          ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            permitted = (host.lower(), port) in self.private_origins
            addresses = await asyncio.wait_for(judged(host, port, permitted), timeout)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host}") from exc
        except OSError as exc:  # socket.gaierror: the name does not resolve
            raise httpcore.ConnectError(str(exc)) from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host}: no address")
        failure: Exception | None = None
        for ip in addresses:
            left = None if timeout is None else max(0.0, timeout - (loop.time() - started))
            try:
                # the checked address itself, so a second lookup cannot swap it
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=left, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[SocketOption] | None = None,
                                  ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not web links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool on the guarded backend."""

    def __init__(self, backend: GuardedBackend, *, verify: typing.Any = True,
                 limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits()
        context = httpx.create_ssl_context(verify=verify)  # once: loading CAs costs 35 ms
        super().__init__(verify=context, limits=limits, trust_env=False)
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            # httpx changed inside: refuse to run unguarded rather than guess
            raise RuntimeError("httpx transport layout not recognised; link guard unavailable")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend)
