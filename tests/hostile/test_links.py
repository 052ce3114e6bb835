"""Hostile links (issue 12, case 7): a link checker that cannot be turned against anyone.

Each case runs the real `portfolio` in a bounded child process against real servers on
127.0.0.1 (tests/links/server.py), and reads the servers' own request logs to prove
what was, and was not, asked.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.hostile.conftest import Arena, Outcome
from tests.links.server import HOP_PASSWORD, LinkServer, bomb

# A short per-step timeout, no retries, no proxy from the environment; the deadlines and
# `allow_private` are each case's business.
SETTINGS = """[link_check]
timeout = {timeout}
retries = 0
backoff = 0.05
trust_env = false
{extra}
"""


@pytest.fixture(scope="module")
def server() -> Iterator[LinkServer]:
    srv = LinkServer().start()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def bystander() -> Iterator[LinkServer]:
    """A second local service, on another port: what a redirect must not reach."""
    srv = LinkServer().start()
    yield srv
    srv.close()


def content(arena: Arena, links: list[str], extra: str = "", timeout: float = 2.0) -> None:
    arena.content.settings(SETTINGS.format(extra=extra, timeout=timeout))
    arena.content.student()
    arena.content.performance("robot", links=links)
    arena.freeze()


def doc(outcome: Outcome) -> dict[str, Any]:
    return json.loads(outcome.stdout)


def found(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["code"] == code]


def asked(server: LinkServer, key: str) -> int:
    """Requests of any path and method the server received for `?k=key`."""
    return sum(n for name, n in server.hits.items() if name.endswith("?" + key))


def timed(arena: Arena, *args: str) -> tuple[Outcome, float]:
    started = time.monotonic()
    outcome = arena.run(*args)
    return outcome, time.monotonic() - started


# --- deadlines ----------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["links", "check"])
def test_a_server_that_drips_is_cut_off_at_the_link_deadline(
        arena: Arena, server: LinkServer, command: str) -> None:
    # Before: one byte every 2 s never trips the 5 s per-read timeout; the run never ended.
    url = server.url(f"/drip?k=drip-{command}&every=2")
    content(arena, [url], "deadline = 3\nallow_private = true", timeout=5.0)
    outcome, took = timed(arena, command, "content", "--format", "json")
    assert took < 15, took
    assert outcome.exit_code == 1, outcome.output[-2000:]
    [broken] = found(doc(outcome), "link-broken")
    assert broken["item"] == "robot" and url in broken["message"]
    assert "3 秒" in broken["message"]  # the deadline, told as today's timeouts are
    assert server.hits[f"GET /drip?drip-{command}"] == 1  # asked once, not retried
    arena.assert_untouched()


def test_links_left_at_the_run_deadline_are_unchecked_not_broken(
        arena: Arena, server: LinkServer) -> None:
    urls = [server.url(f"/drip?k=run-{n}&every=2") for n in range(3)]
    content(arena, urls, "deadline = 60\nrun_deadline = 2\nallow_private = true", timeout=5.0)
    outcome, took = timed(arena, "links", "content", "--format", "json", "--lang", "en")
    assert took < 15, took
    document = doc(outcome)
    assert outcome.exit_code == 0, outcome.output[-2000:]
    assert not found(document, "link-broken")
    unchecked = found(document, "link-unchecked")
    assert len(unchecked) == 3
    assert all("time limit of 2 seconds" in f["message"] for f in unchecked)
    history = arena.output / ".portfolio" / "links.json"
    assert not history.exists() or not any(
        u in history.read_text("utf-8") for u in urls)  # nothing learnt, nothing remembered
    arena.assert_untouched()


# --- compression bombs --------------------------------------------------------------------

@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_a_compression_bomb_is_decoded_only_up_to_the_cap(
        arena: Arena, server: LinkServer, coding: str) -> None:
    # Before: the 1 MB cap was applied after decoding; 1.6 KB of brotli became 1 GiB.
    bomb(coding)  # made before the clock starts
    url = server.url(f"/bomb?k=bomb-{coding}&enc={coding}")
    content(arena, [url], "allow_private = true")
    outcome = arena.run("links", "content", "--format", "json")  # memory bound: the harness
    assert outcome.max_rss < 400 * 2**20, outcome.max_rss
    assert outcome.exit_code == 0, outcome.output[-2000:]
    assert not found(doc(outcome), "link-broken")
    assert server.hits[f"GET /bomb?bomb-{coding}"] == 1
    snapshots = list((arena.output / ".portfolio" / "snapshots").rglob("*.html"))
    assert snapshots and all(p.stat().st_size <= 512_000 for p in snapshots)
    arena.assert_untouched()


# --- private addresses --------------------------------------------------------------------

@pytest.mark.parametrize("target", ["other-port", "169.254.169.254", "10.0.0.1"])
def test_a_redirect_into_a_private_network_is_not_followed(
        arena: Arena, server: LinkServer, bystander: LinkServer, target: str) -> None:
    # The first server is allowed (allow_private, as a school checking its intranet);
    # where it redirects to is not.
    to = (bystander.url("/ok?k=secret") if target == "other-port"
          else f"http://{target}/latest/meta-data/")
    url = server.url(f"/redirect?k=to-{target}&to={to}")
    content(arena, [url], "allow_private = true")
    outcome, took = timed(arena, "links", "content", "--format", "json", "--lang", "en")
    assert took < 15, took  # refused before any connect, not timed out
    document = doc(outcome)
    assert outcome.exit_code == 0, outcome.output[-2000:]
    assert not found(document, "link-broken") and not found(document, "link-redirected")
    [private] = [f for f in found(document, "link-at-risk")
                 if "the checker does not connect to it" in f["message"]]
    host = "127.0.0.1" if target == "other-port" else target
    assert f"it leads to {host}, an address on a private network" in private["message"]
    assert asked(server, f"to-{target}") >= 1
    assert sum(bystander.hits.values()) == 0, bystander.hits  # the second server: never asked
    arena.assert_untouched()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1"])
def test_a_private_first_url_is_never_visited_without_allow_private(
        arena: Arena, server: LinkServer, host: str) -> None:
    # 127.1 is 127.0.0.1 to the resolver but not to a URL reader: only the check at
    # connect time sees it.
    key = f"first-{host}"
    url = f"http://{host}:{server.server_address[1]}/ok?k={key}"
    content(arena, [url])
    outcome = arena.run("check", "content", "--format", "json", "--lang", "en")
    assert outcome.exit_code == 0, outcome.output[-2000:]
    document = doc(outcome)
    assert asked(server, key) == 0, server.hits
    assert not found(document, "link-broken")
    at_risk = [f for f in found(document, "link-at-risk") if url in f["message"]]
    assert any("nobody else can reach" in f["message"] or "reviewers cannot reach"
               in f["message"] for f in at_risk), at_risk
    arena.assert_untouched()


# --- credentials --------------------------------------------------------------------------

PASSWORD = "s3cret-Pw0rd"


def test_a_password_in_a_link_is_never_sent_nor_shown(
        arena: Arena, server: LinkServer) -> None:
    port = server.server_address[1]
    secret = f"http://alice:{PASSWORD}@127.0.0.1:{port}/ok?k=cred"
    user_only = f"http://{PASSWORD}@127.0.0.1:{port}/ok?k=cred-user"
    content(arena, [secret, user_only], "allow_private = true")
    # What an older version left behind: the link, its password, in the history of an
    # output folder of this tool's.
    arena.run("build", "content", "-o", str(arena.output), "--offline", "--skip", "pdf")
    state = arena.output / ".portfolio"
    (state / "links.json").write_text(json.dumps({"version": 1, "links": {secret: {
        "first_seen": "2026-01-01T00:00:00+00:00", "final_url": secret, "runs": []}}}),
        "utf-8")

    built = arena.run("build", "content", "-o", str(arena.output))
    listed = arena.run("links", "content", "--format", "json")
    checked = arena.run("check", "content", "--format", "json")

    for outcome in (built, listed, checked):
        assert outcome.exit_code == 1, outcome.output[-2000:]
        assert PASSWORD not in outcome.output
    report = json.loads((arena.output / "report.json").read_text("utf-8"))
    creds = found(report, "link-credentials")
    assert len(creds) == 2 and all(f["severity"] == "error" for f in creds)
    assert f"http://127.0.0.1:{port}/ok?k=cred" in creds[0]["message"] + creds[1]["message"]
    assert len(found(doc(checked), "link-credentials")) == 2
    assert asked(server, "cred") == 0 and asked(server, "cred-user") == 0
    assert server.auth == []
    # the password in no file written: pages, report.json, findings.csv, the history
    leaks = [p for root in (arena.output, state) for p in root.rglob("*")
             if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert leaks == []
    pdfs = list(arena.output.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert PASSWORD not in text and "alice" not in text, pdf
    assert any(f"127.0.0.1:{port}/ok?k=cred" in p.read_text("utf-8", "replace")
               for p in arena.output.rglob("*.html"))  # still shown, without the password
    arena.assert_untouched()


def test_a_password_in_a_redirect_is_not_sent_on(
        arena: Arena, server: LinkServer) -> None:
    # The server, not the student, puts a user and password in its Location.
    content(arena, [server.url("/redirect-auth?k=cred-redirect")], "allow_private = true")
    outcome = arena.run("links", "content", "--format", "json")
    assert outcome.exit_code == 0, outcome.output[-2000:]
    assert HOP_PASSWORD not in outcome.output
    assert server.url("/ok?k=cred-hop") in outcome.stdout  # followed, and shown without it
    assert asked(server, "cred-hop") >= 1 and server.auth == []
    leaks = [p for p in (arena.output / ".portfolio").rglob("*")
             if p.is_file() and HOP_PASSWORD.encode() in p.read_bytes()]
    assert leaks == []
    arena.assert_untouched()


def test_unknown_and_absurd_link_settings_do_not_crash(arena: Arena, server: LinkServer) -> None:
    content(arena, [server.url("/ok?k=settings")],
            'allow_private = true\nper_host = 0\ntotal = -3\ndeadline = nan\n'
            'run_deadline = inf\nmax_redirects = -1\nno_such_key = "x"\n[link_check.nested]\n'
            'a = 1')
    outcome = arena.run("links", "content", "--format", "json")
    assert outcome.exit_code == 0, outcome.output[-2000:]
    assert not found(doc(outcome), "link-broken")
    assert asked(server, "settings") >= 1
    arena.assert_untouched()



def test_a_password_in_the_reflection_or_a_file_name_is_never_shown(arena: Arena) -> None:
    arena.content.student()
    arena.content.performance(
        "talk", category="work", document=f"https://bob:{PASSWORD}@example.org/r.pdf",
        body=f"看 [影片](https://bob:{PASSWORD}@example.org/v) 或 "
             f"https://carol:{PASSWORD}@example.org/raw 。")
    arena.freeze()
    outcome = arena.run("build", "content", "-o", str(arena.output), "--offline",
                        "--skip", "pdf")
    assert outcome.exit_code == 1                       # the URL given as a document
    assert PASSWORD not in outcome.output
    report = json.loads((arena.output / "report.json").read_text("utf-8"))
    assert found(report, "attachment-missing")
    leaks = [p for p in arena.output.rglob("*")
             if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert leaks == []
    page = (arena.output / "ming" / "items" / "talk" / "index.html").read_text("utf-8")
    assert 'href="https://example.org/v"' in page and "example.org/raw" in page
    arena.assert_untouched()
