"""The checker against a real HTTP server on 127.0.0.1: every kind of answer."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from generator.links.checker import Checker, check_urls
from generator.links.link_check import CheckerConfig, LinkCheck, network_down
from generator.links.responses import retry_after

from .conftest import FAST
from .server import LinkServer


def check(server: LinkServer, *paths: str, config: CheckerConfig = FAST
          ) -> dict[str, LinkCheck]:
    urls = [server.url(p) for p in paths]
    results = asyncio.run(check_urls(urls, config))
    return {p: results[u] for p, u in zip(paths, urls, strict=True)}


def test_a_working_page(server: LinkServer) -> None:
    r = check(server, "/ok")["/ok"]
    assert r.ok and r.status == 200 and not r.chain and not r.risks
    assert r.content_hash and len(r.content_hash) == 64
    assert b"<title>" in (r.body or b"")


def test_the_whole_redirect_chain_is_recorded(server: LinkServer) -> None:
    r = check(server, "/chain/1")["/chain/1"]
    assert r.ok and r.status == 200 and r.redirected
    assert [h.status for h in r.chain] == [301, 302, 308]
    assert [h.url for h in r.chain] == [server.url(p) for p in ("/chain/1", "/chain/2", "/chain/3")]
    assert r.final_url == server.url("/ok")


def test_a_redirect_loop_ends(server: LinkServer) -> None:
    r = check(server, "/loop")["/loop"]
    assert r.error == "too-many-redirects"


@pytest.mark.parametrize("path,status", [("/missing", 404), ("/error", 500)])
def test_error_statuses(server: LinkServer, path: str, status: int) -> None:
    r = check(server, path)[path]
    assert not r.ok and r.error == "status" and r.status == status


def test_a_page_that_never_answers_times_out(server: LinkServer) -> None:
    r = check(server, "/hang?k=timeout")["/hang?k=timeout"]
    assert r.error == "timeout" and r.status is None and r.detail == "1"
    # One retry of the 1 s timeout, and no GET after it: the request log, not a stopwatch.
    asked = server.hits["HEAD /hang?timeout"] + server.hits["GET /hang?timeout"]
    assert r.attempts == asked == 2, (r.attempts, server.hits)


def test_429_is_retried_afterretry_after(server: LinkServer) -> None:
    started = time.monotonic()
    r = check(server, "/busy?k=checker")["/busy?k=checker"]
    assert r.ok and r.status == 200 and r.attempts >= 2
    assert time.monotonic() - started >= 0.9  # it waited the 1 s the server asked for


def test_a_retry_after_longer_than_we_wait_is_reported(server: LinkServer) -> None:
    r = check(server, "/always-busy")["/always-busy"]
    assert r.error == "status" and r.status == 503 and r.attempts == 2  # HEAD, then GET


def test_head_refused_falls_back_to_get(server: LinkServer) -> None:
    r = check(server, "/nohead?k=fallback")["/nohead?k=fallback"]
    assert r.ok and r.status == 200
    assert server.hits["HEAD /nohead?fallback"] == 1 and server.hits["GET /nohead?fallback"] == 1


def test_a_file_is_not_downloaded(server: LinkServer) -> None:
    r = check(server, "/report.pdf")["/report.pdf"]
    assert r.ok and r.body is None and (r.content_hash or "").startswith("h:")
    assert r.attempts == 1  # HEAD alone


@pytest.mark.parametrize("path,error", [("/soft404", "soft-404"), ("/soft404-en", "soft-404"),
                                        ("/parked", "parked")])
def test_a_200_that_is_not_there(server: LinkServer, path: str, error: str) -> None:
    r = check(server, path)[path]
    assert r.status == 200 and r.error == error


def test_a_long_page_mentioning_not_found_is_real(server: LinkServer) -> None:
    assert check(server, "/ok")["/ok"].ok  # LONG text, a real title


def test_a_redirect_to_a_sign_in_page_is_a_login_wall(server: LinkServer) -> None:
    r = check(server, "/private")["/private"]
    assert r.ok and r.risks == ["login-wall"]
    assert r.final_url == server.url("/accounts/login?next=/private")


def test_a_share_asking_for_access(server: LinkServer) -> None:
    r = check(server, "/drive-private")["/drive-private"]
    assert r.risks == ["access-request"]


def test_401_is_a_login_wall(server: LinkServer) -> None:
    assert check(server, "/unauthorized")["/unauthorized"].risks == ["login-wall"]


def test_connection_refused_is_broken_not_offline() -> None:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = asyncio.run(check_urls([f"http://127.0.0.1:{port}/"], FAST))[f"http://127.0.0.1:{port}/"]
    assert r.error == "refused"
    assert not network_down([r])


def test_not_a_web_address_is_skipped_without_a_request() -> None:
    r = asyncio.run(check_urls(["mailto:me@example.org"], FAST))["mailto:me@example.org"]
    assert r.error == "skipped" and r.attempts == 0


def test_no_network_at_all_is_recognised() -> None:
    def no_dns(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    async def go() -> dict[str, LinkCheck]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(no_dns)) as client, \
                Checker(FAST, client) as checker:
            return await checker.check_many(["https://example.org/a", "https://example.com/b"])

    results = asyncio.run(go())
    assert {r.error for r in results.values()} == {"dns"}
    assert network_down(results.values())


def test_retry_after_as_http_date() -> None:
    assert retry_after("120") == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: now
    assert retry_after("soon") is None


def test_result_round_trips_through_json(server: LinkServer) -> None:
    r = check(server, "/chain/1")["/chain/1"]
    back = LinkCheck.from_json(r.to_json())
    assert back.chain == r.chain and back.final_url == r.final_url and back.body is None


def test_the_per_host_cap_is_reached_and_never_exceeded(server: LinkServer) -> None:
    server.state.pop("peak", None)
    config = CheckerConfig(per_host=3, total=50, timeout=5, trust_env=False, allow_private=True)
    urls = [server.url(f"/slow?k=cap{i}") for i in range(24)]
    results = asyncio.run(check_urls(urls, config))
    assert all(r.ok for r in results.values())
    # Three at once, never more: the server's own count of requests in flight. (How
    # fast that makes a run is bench/links_bench.py's business, not a test's.)
    assert max(server.state["peak"].values()) == 3
