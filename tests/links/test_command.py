"""`portfolio links` on a real content root whose links point at the local server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from .server import LinkServer

STUDENT = """name: 王小明
student_id: "11301234"
school: 臺北市立南湖高級中學
enrolled: 113
"""
ITEM = """---
type: performance
title: {title}
summary: 作品說明
category: {category}
date: 2025-03-01
links: [{links}]
---
心得。
"""
SETTINGS = """[link_check]
timeout = 1.0
retries = 1
backoff = 0.05
trust_env = false
allow_private = true
archive_endpoint = "{archive}"
"""


def make_root(tmp: Path, server: LinkServer, items: dict[str, tuple[str, list[str]]]) -> Path:
    root = tmp / "content"
    (root / "wang").mkdir(parents=True)
    (root / "wang" / "student.yaml").write_text(STUDENT, encoding="utf-8")
    (root / "portfolio.toml").write_text(SETTINGS.format(archive=server.url("/save/")),
                                         encoding="utf-8")
    for item, (category, paths) in items.items():
        folder = root / "wang" / "items" / item
        folder.mkdir(parents=True)
        links = ", ".join(server.url(p) if p.startswith("/") else p for p in paths)
        folder.joinpath("index.md").write_text(
            ITEM.format(title=item, category=category, links=links), encoding="utf-8")
    return root


@pytest.fixture
def root(tmp_path: Path, server: LinkServer) -> Path:
    return make_root(tmp_path, server, {
        "robot": ("work", ["/ok?k=cmd", "/chain/1?k=cmd"]),
        "science-fair": ("competition", ["/missing?k=cmd"]),
        "club": ("group", ["/ok?k=club"]),  # 團體活動: no links allowed
    })


def invoke(*args: str) -> tuple[int, str]:
    # The history lives in the output folder: beside the content, never in the cwd.
    output = str(Path(args[0]).parent / "output")
    result = CliRunner().invoke(main, ["links", *args, "-o", output], catch_exceptions=False)
    return result.exit_code, result.output


def test_links_checks_prints_history_and_exits_1_on_broken(root: Path, server: LinkServer
                                                          ) -> None:
    code, out = invoke(str(root), "--lang", "en")
    assert code == 1
    assert "Link check" in out and server.url("/missing?k=cmd") in out
    assert "[link-broken]" in out and "[link-redirected]" in out
    assert "[link-not-allowed]" in out
    assert "Archived copy" in out
    assert server.hits["HEAD /ok?club"] == 0  # a link where none are allowed is not visited
    assert (root.parent / "output" / ".portfolio" / "links.json").is_file()
    assert not (root / ".portfolio").exists()


def test_json_has_each_link_with_its_history(root: Path, server: LinkServer) -> None:
    invoke(str(root))
    code, out = invoke(str(root), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == 1 and doc["students"] == ["11301234"]
    by_url = {row["url"]: row for row in doc["links"]}
    ok = by_url[server.url("/ok?k=cmd")]
    # http://127.0.0.1 is itself at risk (plain http, this computer), but it works
    assert ok["state"] == "at-risk" and len(ok["history"]["runs"]) == 2
    assert ok["history"]["status"] == 200 and ok["history"]["error"] is None
    assert ok["wayback"] == "https://web.archive.org/web/" + server.url("/ok?k=cmd")
    missing = by_url[server.url("/missing?k=cmd")]
    assert missing["state"] == "broken" and missing["history"]["consecutive_failures"] == 2
    assert "link-redirected" in by_url[server.url("/chain/1?k=cmd")]["codes"]
    assert "link-broken" in missing["codes"] and "link-broken" not in ok["codes"]
    assert doc["counts"]["error"] >= 2  # link-broken and link-not-allowed


def test_offline_uses_the_history_only(root: Path, server: LinkServer) -> None:
    invoke(str(root))
    before = sum(server.hits.values())
    code, out = invoke(str(root), "--offline", "--format", "json")
    assert sum(server.hits.values()) == before
    doc = json.loads(out)
    codes = {f["code"] for f in doc["findings"]}
    assert "link-broken" not in codes and "link-unchecked" in codes
    assert code == 1  # link-not-allowed is an error whether online or not
    unchecked = [f["message"] for f in doc["findings"] if f["code"] == "link-unchecked"]
    assert any("上次在" in m and "打不開" in m for m in unchecked)


def test_archive_saves_working_links(root: Path, server: LinkServer) -> None:
    invoke(str(root), "--archive")
    assert server.url("/ok?k=cmd") in server.archived
    assert server.url("/missing?k=cmd") not in server.archived


def test_a_clean_root_exits_0(tmp_path: Path, server: LinkServer) -> None:
    root = make_root(tmp_path, server, {"robot": ("work", ["/ok?k=clean"])})
    code, out = invoke(str(root))
    assert code == 0, out


def test_no_content_is_exit_2(tmp_path: Path) -> None:
    code, _ = invoke(str(tmp_path / "nowhere"))
    assert code == 2
