"""Hostile portfolio.toml (issue 13): one schema, read so that no setting can be slipped
past it and no file can make reading it cost more than its size.

Each case runs the real `portfolio` in a bounded child process (tests/hostile/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.hostile.conftest import Arena
from tests.links.server import LinkServer


@pytest.fixture(scope="module")
def server() -> Iterator[LinkServer]:
    srv = LinkServer().start()
    yield srv
    srv.close()


def check(arena: Arena, *extra: str) -> tuple[int, dict[str, Any]]:
    outcome = arena.run("check", "content", "--offline", "--format", "json", "--lang", "en",
                        *extra)
    assert outcome.exit_code in (0, 1), outcome.output[-2000:]
    return outcome.exit_code, json.loads(outcome.stdout)


def having(doc: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["code"] == code]


def test_a_megabyte_of_unknown_keys_is_told_fifty_times_and_counted(arena: Arena) -> None:
    arena.content.student()
    arena.content.settings("".join(f"k{i} = 1\n" for i in range(90_000)))  # just under 1 MB
    arena.freeze()
    code, doc = check(arena)
    assert code == 0                                         # warnings only
    assert len(having(doc, "field-unknown")) == 50
    (more,) = having(doc, "findings-more")
    assert "89950 more problems of the kind field-unknown" in more["message"]
    arena.assert_untouched()


def test_a_list_of_150000_bad_windows_is_one_finding_and_a_count(arena: Arena) -> None:
    arena.content.student()
    arena.content.settings("[deadlines]\nupload = [" + ", ".join(["1"] * 150_000) + "]\n"
                           "certify = 2026-12-20\n")
    arena.freeze()
    code, doc = check(arena)
    assert code == 0
    (bad,) = having(doc, "deadline-invalid")
    assert "“upload”" in bad["message"] and "(line 3)" in bad["message"]
    assert having(doc, "findings-more")
    arena.assert_untouched()


def test_impossible_dates_do_not_unread_the_whole_file(arena: Arena) -> None:
    # TOML itself refuses 2026-13-01 and 2026-02-30, which made the whole portfolio.toml
    # a syntax error: the school's [limits] silently became the official ones.
    arena.content.student()
    for n, subject in enumerate(["物理", "化學"]):
        arena.content.course(f"c{n}", subject=subject)
    arena.content.settings("[limits]\ncourse_per_term = 1\n[deadlines]\n"
                           "upload = { start = 2026-13-01, end = 2026-12-01 }\n"
                           "tick = [{ end = 2026-02-30 }]\n")
    arena.freeze()
    code, doc = check(arena)
    assert not having(doc, "syntax-error")
    assert {f["message"].split("”")[0] for f in having(doc, "deadline-invalid")} == {
        "“upload", "“tick"}
    assert having(doc, "term-limit")                 # the school's limit still applies
    assert code == 1
    arena.assert_untouched()


@pytest.mark.parametrize("written", ['"yes"', '"true"', "1", '["true"]'])
def test_only_true_turns_on_private_addresses(arena: Arena, server: LinkServer,
                                              written: str) -> None:
    # A string or a number is not `true`: the checker still refuses 127.0.0.1.
    key = f"private-{len(written)}"
    arena.content.settings(f"[link_check]\ntimeout = 2\nretries = 0\ntrust_env = false\n"
                           f"allow_private = {written}\n")
    arena.content.student()
    arena.content.performance("robot", links=[server.url(f"/ok?k={key}")])
    arena.freeze()
    outcome = arena.run("links", "content", "--format", "json", "--lang", "en")
    assert outcome.exit_code == 0, outcome.output[-2000:]
    document = json.loads(outcome.stdout)
    assert having(document, "link-at-risk")
    assert sum(n for name, n in server.hits.items() if name.endswith("?" + key)) == 0
    code, doc = check(arena)
    (f,) = having(doc, "field-invalid")
    assert "link_check.allow_private" in f["message"] and "(line 6)" in f["message"]
    assert code == 1
    arena.assert_untouched()
