"""Whole runs: each kind of link gives its finding, and the history keeps both runs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from generator.findings import Finding
from generator.links.archive import wayback_url
from generator.links.history import History
from generator.links.service import LinkReport, LinkSettings, network_findings, run
from generator.model.site_settings import LinkCheckSettings

from .server import LinkServer

PATHS = ["/ok", "/chain/1", "/missing", "/error", "/hang", "/busy?k=service",
         "/soft404", "/parked", "/private", "/drive-private", "/changing"]


def codes(report: LinkReport, server: LinkServer, path: str) -> list[str]:
    url = server.url(path)
    return sorted(f.code for f in report.findings if f.params["url"] == url)


def only(report: LinkReport, server: LinkServer, path: str) -> Finding:
    url = server.url(path)
    [f] = [f for f in report.findings if f.params["url"] == url]
    return f


@pytest.fixture(scope="module")
def two_runs(server: LinkServer, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, LinkReport, LinkReport]:
    from .conftest import FAST
    root = tmp_path_factory.mktemp("content")
    settings = LinkSettings(checker=FAST)
    refs = [("11301234", "item-" + p.strip("/").split("?")[0].replace("/", "-"), server.url(p))
            for p in PATHS]
    server.state["version"] = 1
    first = run(refs, root, settings, max_age=timedelta(0))
    server.state["version"] = 2
    second = run(refs, root, settings, max_age=timedelta(0))
    return root, first, second


def test_each_link_gives_its_finding(two_runs: tuple[Path, LinkReport, LinkReport],
                                     server: LinkServer) -> None:
    _, first, _ = two_runs
    assert codes(first, server, "/ok") == []
    assert codes(first, server, "/chain/1") == ["link-redirected"]
    assert codes(first, server, "/missing") == ["link-broken"]
    assert codes(first, server, "/error") == ["link-broken"]
    assert codes(first, server, "/hang") == ["link-broken"]
    assert codes(first, server, "/busy?k=service") == []  # 429, waited, then fine
    assert codes(first, server, "/soft404") == ["link-broken"]
    assert codes(first, server, "/parked") == ["link-broken"]
    assert codes(first, server, "/private") == ["link-at-risk"]
    assert codes(first, server, "/drive-private") == ["link-at-risk"]
    assert codes(first, server, "/changing") == []


def test_findings_say_why_in_both_languages(two_runs: tuple[Path, LinkReport, LinkReport],
                                            server: LinkServer) -> None:
    _, first, _ = two_runs
    cases = {
        "/missing": ("網頁不存在", "does not exist"),
        "/error": ("網站出錯（500）", "failed (500)"),
        "/hang": ("等了 1 秒都沒有回應", "no answer after 1 second"),
        "/soft404": ("內容寫著找不到", "says it cannot be found"),
        "/parked": ("停放頁", "parking"),
        "/private": ("要求登入", "sign-in"),
        "/drive-private": ("要求存取權", "asks for access"),
        "/chain/1": (server.url("/ok"), server.url("/ok")),
    }
    for path, (zh, en) in cases.items():
        f = only(first, server, path)
        assert zh in f.localized("zh-TW").message, path
        assert en in f.localized("en").message, path
        assert f.student == "11301234" and f.item and f.item.startswith("item-")


def test_the_second_run_sees_the_changed_page(two_runs: tuple[Path, LinkReport, LinkReport],
                                              server: LinkServer) -> None:
    _, _, second = two_runs
    assert codes(second, server, "/changing") == ["link-content-changed"]
    assert codes(second, server, "/ok") == []  # unchanged content is not news
    f = only(second, server, "/changing")
    assert "不一樣了" in f.localized("zh-TW").message
    assert "has changed" in f.localized("en").message


def test_history_shows_both_runs(two_runs: tuple[Path, LinkReport, LinkReport],
                                 server: LinkServer) -> None:
    root, _, _ = two_runs
    data = json.loads((root / ".portfolio" / "links.json").read_text(encoding="utf-8"))
    links = data["links"]
    assert data["version"] == 1 and set(links) == {server.url(p) for p in PATHS}
    for path in PATHS:
        assert len(links[server.url(path)]["runs"]) == 2, path
    ok = links[server.url("/ok")]
    assert ok["consecutive_failures"] == 0 and ok["last_success"] and ok["first_seen"]
    missing = links[server.url("/missing")]
    assert missing["consecutive_failures"] == 2 and missing["last_success"] is None
    assert missing["status"] == 404
    chain = links[server.url("/chain/1")]
    assert chain["final_url"] == server.url("/ok")
    assert [h["status"] for h in chain["last"]["chain"]] == [301, 302, 308]
    changing = links[server.url("/changing")]
    assert changing["content_changed"] is True
    assert [r["changed"] for r in changing["runs"]] == [False, True]
    assert changing["runs"][0]["hash"] != changing["runs"][1]["hash"]


def test_a_link_failing_again_and_again_says_so(two_runs: tuple[Path, LinkReport, LinkReport],
                                                server: LinkServer) -> None:
    _, _, second = two_runs
    f = only(second, server, "/missing")
    assert "連續 2 次" in f.localized("zh-TW").message
    assert "failed 2 checks in a row" in f.localized("en").message


def test_snapshots_keep_each_version_of_a_page(two_runs: tuple[Path, LinkReport, LinkReport],
                                               server: LinkServer) -> None:
    root, _, second = two_runs
    record = second.records[server.url("/changing")]
    assert record.snapshot and (root / record.snapshot).is_file()
    versions = sorted((root / record.snapshot).parent.glob("*.html"))
    assert len(versions) == 2
    assert "第 1 版" in versions[0].read_text() and "第 2 版" in versions[1].read_text()
    same = (root / second.records[server.url("/ok")].snapshot).parent  # type: ignore[operator]
    assert len(list(same.glob("*.html"))) == 1  # unchanged: one copy


def test_a_rebuild_answers_from_the_cache(server: LinkServer, tmp_path: Path,
                                          settings: LinkSettings) -> None:
    refs = [("s", "i", server.url("/ok?k=cache"))]
    run(refs, tmp_path, settings)
    before = server.hits["GET /ok?cache"] + server.hits["HEAD /ok?cache"]
    again = run(refs, tmp_path, settings)
    assert server.hits["GET /ok?cache"] + server.hits["HEAD /ok?cache"] == before
    assert again.from_cache == {refs[0][2]} and again.findings == []
    history = History.load(tmp_path)
    assert len(history.records[refs[0][2]].runs) == 1  # a cached answer is not a new check
    later = datetime.now(UTC) + timedelta(hours=25)
    run(refs, tmp_path, settings, now=later)  # older than the cache age: asked again
    assert server.hits["GET /ok?cache"] + server.hits["HEAD /ok?cache"] > before


def test_offline_reports_from_the_history_alone(server: LinkServer, tmp_path: Path,
                                                settings: LinkSettings) -> None:
    refs = [("s", "a", server.url("/ok?k=offline")), ("s", "b", server.url("/missing?k=off")),
            ("s", "c", "https://example.org/never-checked")]
    run(refs[:2], tmp_path, settings)
    hits = sum(server.hits.values())
    report = run(refs, tmp_path, settings, offline=True)
    assert sum(server.hits.values()) == hits
    assert [f.code for f in report.findings] == ["link-unchecked"] * 3
    assert all(f.severity == "info" for f in report.findings)
    said = [f.localized("en").message for f in report.findings]
    assert "worked when last checked" in said[0]
    assert "failed when last checked" in said[1] and "(404)" in said[1]
    assert "never been checked" in said[2]


def test_archive_asks_the_save_endpoint(server: LinkServer, tmp_path: Path,
                                        settings: LinkSettings) -> None:
    settings = replace(settings, archive_endpoint=server.url("/save/"))
    url = server.url("/ok?k=archive")
    report = run([("s", "i", url), ("s", "j", server.url("/missing?k=arch"))], tmp_path,
                 settings, archive=True)
    assert url in server.archived and server.url("/missing?k=arch") not in server.archived
    record = History.load(tmp_path).records[url]
    assert record.archive_url == server.url(f"/web/20260101000000/{url}")
    assert report.archived[url].ok


def test_an_archive_that_fails_is_told_not_fatal(server: LinkServer, tmp_path: Path,
                                                 settings: LinkSettings) -> None:
    settings = replace(settings, archive_endpoint=server.url("/save-fails?u="))
    report = run([("s", "i", server.url("/ok?k=archfail"))], tmp_path, settings, archive=True)
    assert [f.code for f in report.findings] == ["link-archive-failed"]


def test_wayback_form() -> None:
    assert wayback_url("https://example.org/a?b=1") == \
        "https://web.archive.org/web/https://example.org/a?b=1"


def test_settings_from_portfolio_toml() -> None:
    s = LinkSettings.from_table({"cache_hours": 2, "per-host": 2, "timeout": 5,
                                 "snapshots": "yes", "bogus": 1})
    assert s.cache_hours == 2 and s.checker.per_host == 2 and s.checker.timeout == 5
    assert s.snapshots is True  # a string is not a boolean: ignored
    assert LinkSettings.from_table(None) == LinkSettings()


def test_a_damaged_history_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / ".portfolio").mkdir()
    (tmp_path / ".portfolio" / "links.json").write_text("{not json", encoding="utf-8")
    assert History.load(tmp_path).records == {}
    assert (tmp_path / ".portfolio" / "links.json.bad").exists()


def test_network_findings_of_a_portfolio(server: LinkServer, tmp_path: Path) -> None:
    from types import SimpleNamespace as NS
    item = NS(id="physics-cup", type="performance", category="competition",
              links=[server.url("/missing?k=portfolio")])
    course = NS(id="lab", type="course", category=None, links=[server.url("/missing?k=no")])
    portfolio = NS(root=tmp_path, rules=NS(links=NS(allowed_categories=("competition",))),
                   settings=NS(link_check=LinkCheckSettings(timeout=1.0, trust_env=False,
                                                            allow_private=True)),
                   students=[NS(key="11301234", items=[item, course])])
    found = network_findings(portfolio)
    assert [(f.code, f.student, f.item) for f in found] == [
        ("link-broken", "11301234", "physics-cup")]
    assert server.hits["HEAD /missing?no"] == 0  # links where none are allowed: not visited


def test_an_address_that_is_not_a_web_page_is_not_asked_nor_remembered(
        tmp_path: Path, settings: LinkSettings) -> None:
    report = run([("s", "i", "mailto:me@example.org")], tmp_path, settings)
    assert report.findings == []  # the offline rule (not-http) says it, once
    assert History.load(tmp_path).records == {}
    assert run([("s", "i", "mailto:me@example.org")], tmp_path, settings,
               offline=True).findings == []
