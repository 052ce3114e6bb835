"""`portfolio serve` shows the site to this computer's browser, and nothing else: not the
tool's own folder (caches of what the students wrote), not what a link in the output
leads to, not to a page whose name was rebound to 127.0.0.1."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from tests.builder import settle
from tests.hostile.conftest import Arena
from tests.servekit import serving


@pytest.fixture
def served(arena: Arena) -> Iterator[tuple[Arena, int]]:
    arena.content.student()
    arena.content.course("optics")
    settle(arena.content.root)    # so the build keeps its reading of the student
    # An earlier output in which someone put a link to a bystander's file.
    assert arena.run("build", "content", "-o", "output", "--offline", "--skip", "pdf",
                     "-j", "1").exit_code == 0
    (arena.output / "ming" / "notes.txt").symlink_to(arena.victim / "notes.txt")
    (arena.output / "ming" / "theirs").symlink_to(arena.victim, target_is_directory=True)
    arena.freeze()
    with serving("content", "-o", "output", "--skip", "pdf", "-j", "1", "--lang", "en",
                 cwd=arena.root) as url:
        yield arena, int(url.rstrip("/").rpartition(":")[2])


def _get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}" if host is None else host})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_only_the_site_is_served_to_this_computer(served: tuple[Arena, int]) -> None:
    arena, port = served
    status, page = _get(port, "/ming/items/optics/index.html")
    assert status == 200 and "課程成果 optics".encode() in page
    for name in (f"localhost:{port}", f"[::1]:{port}"):
        assert _get(port, "/ming/index.html", host=name)[0] == 200
    # DNS rebinding: a page of evil.example, its name now 127.0.0.1, asks for the site.
    for name in (f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", ""):
        status, body = _get(port, "/ming/items/optics/index.html", host=name)
        assert status == 403 and b"refused" in body and "課程".encode() not in body, name
    # The tool's own folder: the readings of the students, the record.
    for path in ("/.portfolio/state.json", "/.portfolio/", "/%2Eportfolio/state.json",
                 "/ming/../.portfolio/state.json"):
        status, body = _get(port, path)
        assert status == 404 and b"owned" not in body, path
    students = next((arena.output / ".portfolio" / "cache" / "students").glob("*.json"))
    assert _get(port, f"/.portfolio/cache/students/{students.name}")[0] == 404
    # No folder is listed: a listing would name what is not served.
    assert not (arena.output / "ming" / "items" / "index.html").exists()
    status, body = _get(port, "/ming/items/")
    assert status == 404 and b"optics" not in body
    # What a link in the output leads to.
    for path in ("/ming/notes.txt", "/ming/theirs/notes.txt", "/ming/theirs/"):
        status, body = _get(port, path)
        assert status == 404 and b"someone else" not in body, path
    arena.assert_untouched()
