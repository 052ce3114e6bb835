"""Ask the network whether each link works, politely.

One request at a time per host is rarely enough and dozens are rude, so each
host gets a small cap under an overall one. A link is first asked with HEAD (no
body to download); GET is used when HEAD is refused or when the page itself is
needed to see what it says (a 200 page saying "not found", a sign-in form).
Redirects are followed by hand so every hop is recorded, and judged: a link is
a stranger's address, so no hop may lead the checker into a private network
(`guard`), carry a password, or hold it longer than its deadline.

Two deadlines bound a run whatever the servers do: each link has `deadline`
seconds on the wire (connect, headers and body of every hop and retry, and the
waits between retries, but not its time queued behind other links), and the whole
run has `run_deadline`, after which the links not yet done are left unchecked.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ssl
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from generator.links import guard, responses
from generator.links import page_text as pages
from generator.links.addresses import address_of, public
from generator.links.link_check import CheckerConfig, Hop, LinkCheck, env_proxy, now_iso
from generator.links.risk import assess
from generator.support.url_credentials import has_credentials, redact


def host_key(url: str) -> str:
    """The unit a per-host cap counts in: host and port, as the Host header names it."""
    parts = urlsplit(url)
    return (parts.netloc or "").lower()


class Checker:
    """Checks many URLs at once within the caps; use as `async with Checker() as c`."""

    def __init__(self, config: CheckerConfig | None = None,
                 client: httpx.AsyncClient | None = None) -> None:
        self.config = config or CheckerConfig()
        self._shared = client  # one client for every host (tests hand in a mock transport)
        self._clients: dict[tuple[str, str], httpx.AsyncClient] = {}
        self._proxies = urllib.request.getproxies() if self.config.trust_env else {}
        self._total = asyncio.Semaphore(self.config.total)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._tls_context: ssl.SSLContext | None = None
        self._guard = guard.GuardedBackend()

    async def __aenter__(self) -> Checker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)

    def _client_for(self, url: str) -> httpx.AsyncClient:
        """A small client per host: httpx's pool does work in the square of its size on
        every request, so one pool of a hundred connections costs more CPU than the checks."""
        if self._shared is not None:
            return self._shared
        key = (urlsplit(url).scheme.lower(), host_key(url))
        client = self._clients.get(key)
        if client is None:
            cfg = self.config
            limits = httpx.Limits(max_connections=cfg.per_host,
                                  max_keepalive_connections=cfg.per_host)
            proxy = self._proxy_for(url)
            # every direct connection goes through the guard: public addresses only (httpx
            # reads no proxy from the environment once given a transport: `_proxy_for` does)
            transport = None if proxy else guard.GuardedTransport(
                self._guard, verify=self._tls(), limits=limits)
            client = self._clients[key] = httpx.AsyncClient(
                transport=transport, proxy=proxy, verify=self._tls(), trust_env=False,
                follow_redirects=False, timeout=httpx.Timeout(cfg.timeout), limits=limits,
                headers={"User-Agent": cfg.user_agent, "Accept": "text/html,*/*;q=0.8",
                         "Accept-Encoding": responses.accept_encoding(),
                         "Accept-Language": "zh-TW,zh;q=0.9,en;q=0.8"})
        return client

    def _tls(self) -> ssl.SSLContext | bool:
        """One TLS context for all clients: loading the CA bundle costs 35 ms each time."""
        if not self.config.verify_tls:
            return False
        if self._tls_context is None:
            import certifi  # httpx's own CA bundle, so checks trust what httpx trusts

            self._tls_context = ssl.create_default_context(cafile=certifi.where())
        return self._tls_context

    async def check_many(self, urls: Iterable[str]) -> dict[str, LinkCheck]:
        """Check each distinct URL; those not done when the run's deadline passes are
        "unchecked" (nothing known), never "broken"."""
        unique = list(dict.fromkeys(urls))
        for url in unique:  # before any request, so no redirect races a link's own origin
            self._permit(url)
        tasks = [asyncio.ensure_future(self.check(u)) for u in unique]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=max(0.0, self.config.run_deadline))
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        return {url: self._unchecked(url) if task.cancelled() else task.result()
                for url, task in zip(unique, tasks, strict=True)}

    def _permit(self, url: str) -> None:
        """With `allow_private`, the link as written may be on a private address; a
        redirect elsewhere into a private network still may not."""
        if not self.config.allow_private or has_credentials(url):
            return
        with contextlib.suppress(httpx.InvalidURL, ValueError, UnicodeError):
            self._guard.private_origins.add(guard.origin(httpx.URL(url.strip())))

    def _unchecked(self, url: str) -> LinkCheck:
        return LinkCheck(url=url, checked_at=now_iso(), final_url=redact(url),
                           error="unchecked", detail=f"{self.config.run_deadline:g}")

    async def check(self, url: str) -> LinkCheck:
        started = time.monotonic()
        result = LinkCheck(url=url, checked_at=now_iso(), final_url=url)
        if any(r.kind in ("malformed", "not-http") for r in assess(url)):
            result.error, result.detail = "skipped", "not a web address"
            return result
        if has_credentials(url):
            # httpx would send them as Basic auth to whoever answers: not visited at all
            result.final_url = redact(url)
            result.error, result.detail = "credentials", ""
            return result
        self._permit(url)
        try:
            await self._follow(result, _Budget(self.config.deadline))
        finally:
            result.elapsed = round(time.monotonic() - started, 3)
        return result

    async def _follow(self, result: LinkCheck, budget: _Budget) -> None:
        url = result.url
        seen: set[str] = set()
        for _ in range(self.config.max_redirects + 1):
            answer = await self._ask(result, url, budget)
            if answer is None:
                return
            response = answer.response
            location = response.headers.get("location")
            if response.is_redirect and location:
                result.chain.append(Hop(url, response.status_code, response.request.method))
                # a password a server puts in its Location is not sent on, nor kept
                url = redact(urljoin(url, location.strip()))
                result.final_url = url
                if pages.is_login(url):
                    result.status = response.status_code
                    result.risks.append("login-wall")
                    return
                if url in seen:
                    break
                seen.add(url)
                continue
            self._judge(result, answer)
            return
        result.error, result.detail = "too-many-redirects", str(len(result.chain))

    def _judge(self, result: LinkCheck, answer: _Answer) -> None:
        response = answer.response
        result.status = response.status_code
        result.content_type = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code == 401:
            result.risks.append("login-wall")
            return
        if response.status_code >= 400:
            result.error, result.detail = "status", response.reason_phrase
            return
        body = answer.body
        if body is None:
            # HEAD could not show the page: keep the headers as its fingerprint, so a
            # changed video or PDF is still noticed without downloading it.
            result.content_hash = responses.header_fingerprint(response)
            return
        result.body = body
        title, text = pages.read(body, response.charset_encoding)
        result.content_hash = hashlib.sha256(text.encode()).hexdigest()
        if pages.is_login(result.final_url) or pages.is_access_request(title, text):
            result.risks.append(
                "access-request" if pages.is_access_request(title, text) else "login-wall")
        elif verdict := pages.soft_error(title, text, result.final_url):
            result.error, result.detail = verdict, title[:120]

    async def _ask(self, result: LinkCheck, url: str, budget: _Budget) -> _Answer | None:
        """One hop: HEAD, then GET when HEAD fails or the page must be read."""
        try:
            head = await self._request(result, "HEAD", url, budget)
        except responses.Failed as failed:
            if failed.error in ("timeout", "connect-timeout", "dns", "tls", "refused",
                                "private"):
                result.error, result.detail = failed.error, failed.detail
                return None
            head = None  # a server that chokes on HEAD may still answer GET
        if head is not None:
            r = head.response
            if r.is_redirect and r.headers.get("location"):
                return head
            if r.status_code < 400 and not responses.wants_body(r):
                return head
        try:
            return await self._request(result, "GET", url, budget)
        except responses.Failed as failed:
            result.error, result.detail = failed.error, failed.detail
            return None

    async def _request(self, result: LinkCheck, method: str, url: str,
                       budget: _Budget) -> _Answer:
        """One method on one URL, retried on answers that mean "later", within the budget."""
        cfg = self.config
        attempt = 0
        while True:
            attempt += 1
            result.attempts += 1
            try:
                async with self._slot(url):
                    answer = await self._timed(method, url, budget)
            except guard.BlockedHost as blocked:
                raise responses.Failed("private", blocked.address) from blocked
            except httpx.HTTPError as exc:
                failed = responses.classify(exc, url, cfg.timeout)
                if attempt > cfg.retries or failed.error in ("dns", "tls", "refused"):
                    raise failed from exc
                wait = responses.backoff(cfg.backoff, attempt)
                if wait >= budget.left:
                    raise failed from exc
                budget.spend(wait)
                await asyncio.sleep(wait)
                continue
            status = answer.response.status_code
            if status in (429, 502, 503, 504) and attempt <= cfg.retries:
                asked = responses.retry_after(answer.response.headers.get("retry-after"))
                wait = responses.backoff(cfg.backoff, attempt) if asked is None else asked
                # a wait past the link's deadline is not waited: the answer is reported
                if wait <= cfg.max_retry_after and wait < budget.left:
                    budget.spend(wait)
                    await asyncio.sleep(wait)
                    continue
            return answer

    async def _timed(self, method: str, url: str, budget: _Budget) -> _Answer:
        """`_send` within what is left of the link's deadline; past it, a timeout.

        httpx's own timeout is per step, so a server sending a byte a second would
        never trip it: this one counts connect, headers and body together.
        """
        if budget.left <= 0:
            raise responses.Failed("timeout", f"{budget.seconds:g}")
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(budget.left):
                if self._shared is None and self._proxy_for(url):
                    # the proxy connects, not us: judge the host's addresses beforehand
                    await self._judge_for_proxy(url)
                return await self._send(method, url)
        except TimeoutError as exc:
            raise responses.Failed("timeout", f"{budget.seconds:g}") from exc
        finally:
            budget.spend(loop.time() - started)

    def _proxy_for(self, url: str) -> str | None:
        return env_proxy(url, self._proxies)

    async def _judge_for_proxy(self, url: str) -> None:
        """Best effort behind a proxy: a host that resolves here to a private address is
        not asked for. (The proxy resolves again itself; pinning is not possible there.)"""
        where = guard.origin(httpx.URL(url))
        if where in self._guard.private_origins:
            return
        host, port = where
        literal = address_of(host)
        if literal is not None:
            if not public(literal):
                raise guard.BlockedHost(host, str(literal))
            return
        with contextlib.suppress(OSError):  # only the proxy can resolve it: nothing to judge
            await guard.judged(host, port, permitted=False)

    async def _send(self, method: str, url: str) -> _Answer:
        client = self._client_for(url)
        request = client.build_request(method, url)
        response = await client.send(request, stream=True)
        body: bytes | None = None
        try:
            if method == "GET" and responses.wants_body(response) and response.status_code < 300:
                # stop at the cap, of bytes read and of bytes decoded: a linked 2 GB video
                # is not downloaded, and 6 KB of brotli does not become 8 GB
                body = await responses.read_capped(response, self.config.max_body)
            elif method == "HEAD" or responses.small(response):
                # an answer read to its end leaves the connection open for the next request;
                # read raw, so a small compressed answer is not inflated for nothing
                await responses.drain(response)
        finally:
            await response.aclose()
        return _Answer(response, body)

    def _slot(self, url: str) -> _Slot:
        key = host_key(url)
        if key not in self._hosts:
            self._hosts[key] = asyncio.Semaphore(self.config.per_host)
        return _Slot(self._hosts[key], self._total)


class _Budget:
    """What is left of one link's deadline, in seconds."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds


@dataclass(frozen=True)
class _Answer:
    response: httpx.Response
    body: bytes | None  # read only for pages, and only up to the cap


class _Slot:
    """Hold a place for the host first, then overall, so a busy host never idles the others."""

    def __init__(self, host: asyncio.Semaphore, total: asyncio.Semaphore) -> None:
        self.host, self.total = host, total

    async def __aenter__(self) -> None:
        await self.host.acquire()
        try:
            await self.total.acquire()
        except BaseException:
            self.host.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.total.release()
        self.host.release()


async def check_urls(urls: Iterable[str], config: CheckerConfig | None = None
                     ) -> dict[str, LinkCheck]:
    async with Checker(config) as checker:
        return await checker.check_many(urls)
