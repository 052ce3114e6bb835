"""Which addresses the checker may connect to, and URLs with a password in them."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from generator.links.addresses import public
from generator.links.checker import check_urls
from generator.links.guard import GuardedBackend, GuardedTransport
from generator.links.link_check import CheckerConfig
from generator.links.service import LinkSettings
from generator.support.url_credentials import has_credentials, mentions_credentials, redact

from .server import LinkServer


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1",  # IPv4 in IPv6 clothing
    "64:ff9b::7f00:1",                      # NAT64 of 127.0.0.1
    "2002:7f00:1::1",                       # 6to4 of 127.0.0.1
])
def test_private_loopback_and_reserved_addresses_are_refused(address: str) -> None:
    assert not public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "140.112.8.116", "2606:4700:4700::1111",
                                     "::ffff:8.8.8.8"])
def test_internet_addresses_are_allowed(address: str) -> None:
    assert public(ipaddress.ip_address(address))


@pytest.mark.parametrize("url,shown", [
    ("https://alice:pw@example.org/a", "https://example.org/a"),
    ("https://alice@example.org", "https://example.org"),
    ("https://a:b@c@example.org:8443/x@y", "https://example.org:8443/x@y"),
    ("//alice:pw@example.org/a", "//example.org/a"),
    ("https:\\\\alice:pw@example.org/a", "https:\\\\example.org/a"),
    ("https://alice:pw@[::1/a", "https://[::1/a"),  # unparsable: still cut
])
def test_redact_removes_user_and_password(url: str, shown: str) -> None:
    assert has_credentials(url) and redact(url) == shown


@pytest.mark.parametrize("url", ["https://example.org/a?mail=a@b.org",
                                 "https://example.org/#a@b", "mailto:alice@example.org",
                                 "https://example.org/@user"])
def test_an_at_sign_elsewhere_is_not_a_password(url: str) -> None:
    assert not has_credentials(url) and redact(url) == url


@pytest.mark.parametrize(("text", "holds"), [
    ("see [my work](https://alice:pw@example.org/a) here", True),
    ("見 http://bob@example.org/、謝謝", True),
    ("<//carol:pw@example.org>", True),
    ("https://alice:pw 2@example.org/", True),    # as has_credentials reads a whole URL
    ("mail a@b.org, see https://example.org/x?to=a@b.org", False),
    ("https://example.org/ and a@b.org", False),
])
def test_an_address_with_a_password_is_found_anywhere_in_a_text(text: str,
                                                                 holds: bool) -> None:
    assert mentions_credentials(text) is holds


def test_a_password_in_a_reflection_s_link_is_an_error_too(content) -> None:  # type: ignore[no-untyped-def]
    content.student()
    content.item("robot", body="作品在 [這裡](https://alice:hunter2@example.org/demo)。"
                 "也見 http://bob:hunter2@example.org/b，以及 https://example.org/ok。",
                 type="course", title="機器人", summary="做了一台機器人。", subject="資訊科技",
                 term=1131, certified=True, form="report")
    run = content.check()
    found = run.having("link-credentials")
    assert len(found) == 2 and all(f["severity"] == "error" and f["file"] == "index.md"
                                   for f in found)
    assert "hunter2" not in run.output and run.exit_code == 1
    messages = " ".join(f["message"] for f in found)
    assert "https://example.org/demo" in messages and "http://example.org/b" in messages


def test_a_link_with_a_password_is_an_error_offline_too(content) -> None:  # type: ignore[no-untyped-def]
    content.student()
    content.performance("robot", category="work",
                        links=["https://alice:hunter2@example.org/demo"])
    run = content.check()
    [found] = run.having("link-credentials")
    assert found["severity"] == "error" and run.exit_code == 1
    assert "hunter2" not in run.output and "https://example.org/demo" in found["message"]


def test_a_hostname_resolving_to_loopback_is_refused_at_connect(server: LinkServer) -> None:
    # "127.1" reads as a name, resolves to 127.0.0.1: only the connect-time check sees it
    url = f"http://127.1:{server.server_address[1]}/ok?k=guard-127-1"
    config = CheckerConfig(timeout=1.0, retries=0, trust_env=False)
    result = asyncio.run(check_urls([url], config))[url]
    assert result.error == "private" and result.detail == "127.0.0.1"
    assert server.hits["HEAD /ok?guard-127-1"] + server.hits["GET /ok?guard-127-1"] == 0


def test_allow_private_lets_the_written_link_through_but_no_redirect_elsewhere(
        server: LinkServer) -> None:
    other = LinkServer().start()
    try:
        url = server.url(f"/redirect?k=guard-allow&to={other.url('/ok?k=inner')}")
        config = CheckerConfig(timeout=1.0, retries=0, trust_env=False, allow_private=True)
        result = asyncio.run(check_urls([url], config))[url]
        assert result.error == "private" and result.final_url == other.url("/ok?k=inner")
        assert sum(other.hits.values()) == 0
    finally:
        other.close()


def test_settings_out_of_range_are_brought_within_limits() -> None:
    s = LinkSettings.from_table({"per_host": 0, "total": -5, "deadline": float("nan"),
                                 "run_deadline": float("inf"), "max_body": 10**12,
                                 "allow_private": "yes", "nested": {"a": 1}})
    c = s.checker
    assert c.per_host == 1 and c.total == 1 and c.deadline == CheckerConfig().deadline
    assert c.run_deadline == 6 * 3600 and c.max_body == 20_000_000
    assert c.allow_private is False  # a string is not a boolean: ignored


def test_tls_still_names_and_verifies_the_host_when_the_address_is_pinned(
        tmp_path: Path) -> None:
    # The connect goes to the checked address; the certificate must still be checked
    # against the host name, not the address.
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    srv = LinkServer()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    srv.socket = served.wrap_socket(srv.socket, server_side=True)
    srv.start()
    port = srv.server_address[1]

    async def get(url: str) -> int:
        backend = GuardedBackend({("localhost", port), ("127.0.0.1", port)})
        transport = GuardedTransport(backend, verify=ssl.create_default_context(cafile=cert))
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.get(url)).status_code

    try:
        assert asyncio.run(get(f"https://localhost:{port}/ok?k=tls")) == 200
        with pytest.raises(httpx.ConnectError, match=r"(?i)certificate|hostname|IP address"):
            asyncio.run(get(f"https://127.0.0.1:{port}/ok?k=tls-ip"))
    finally:
        srv.close()


def test_behind_a_proxy_a_private_target_is_not_asked_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The proxy makes the connection, so the guard cannot pin it; the host is judged
    # before the proxy is asked at all.
    proxy = LinkServer().start()
    try:
        for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY",
                     "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.base)
        config = CheckerConfig(timeout=1.0, retries=0, trust_env=True)
        urls = ["http://10.0.0.1/admin", "http://127.1/admin", "http://93.184.216.34/page"]
        results = asyncio.run(check_urls(urls, config))
        assert results[urls[0]].error == "private" and results[urls[1]].error == "private"
        assert results[urls[2]].status == 404  # a public address: the proxy was asked
        assert set(proxy.hits) == {"HEAD /page?", "GET /page?"}, proxy.hits
    finally:
        proxy.close()
