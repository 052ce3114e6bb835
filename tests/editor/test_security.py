"""The editor writes a student's files, so it must take orders from its own page only:
the run's token, this server's Host and Origin, names inside the content root, a size
cap on uploads, and nobody but this computer by default. Each refused request changes
nothing (the whole tree around the content is hashed before and after)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builder import ContentBuilder
from tests.editor.conftest import Editor, start_editor
from tests.originals import originals as snapshot

ITEM = {"type": "performance", "title": "比賽", "summary": "參加比賽。", "category": "competition",
        "date": "2025-10-05"}


@pytest.fixture(scope="module")
def arena(tmp_path_factory: pytest.TempPathFactory, media) -> Iterator[tuple[Editor, Path]]:
    # One editor for the module: every request here is refused, so none changes what
    # the next one meets (each test hashes the tree before and after to prove it).
    tmp_path = tmp_path_factory.mktemp("editor-security")
    content = ContentBuilder(tmp_path / "content", media)
    content.student()
    content.item("contest", **ITEM)
    outside = tmp_path / "outside" / "evil"
    outside.mkdir(parents=True)
    (outside / "index.md").write_text("---\ntype: course\ntitle: 別人的\n---\n", "utf-8")
    (tmp_path / "victim.txt").write_text("不能動", "utf-8")
    (content.root / "ming" / "items" / "evil").symlink_to(outside, target_is_directory=True)
    running = start_editor(content.root, tmp_path / "output", "--max-upload-mb", "1")
    yield running, tmp_path
    running.stop()


def _form(running: Editor, item: str = "contest") -> dict:
    status, form = running.request(f"/api/item?s=ming&i={item}")
    assert status == 200, form
    values = {f["key"]: f["value"] for f in form["fields"]}
    return {"s": "ming", "i": item, "base": form["hash"], "values": {**values, "title": "改了"},
            "files": form["files"], "body": "改了的心得"}


def test_requests_without_the_token_or_from_elsewhere_change_nothing(arena) -> None:
    running, tmp = arena
    body = _form(running)
    before = snapshot(tmp, skip=[tmp / "output"])
    port = running.port
    refused = [
        running.request("/api/item/save", body, token=False),                     # no token
        running.request("/api/item/save", body, token=False,
                        headers={"X-Portfolio-Token": "guessed"}),               # a wrong one
        running.request("/api/item/save", body,
                        headers={"Origin": "http://evil.example"}),              # another site
        running.request("/api/item/save", body,
                        headers={"Origin": f"http://127.0.0.1:{port + 1}"}),     # another port
        running.request("/api/item/save", body,
                        headers={"Host": f"evil.example:{port}"}),               # DNS rebinding
        # The cookie alone is what another page could make the browser send: a POST
        # needs the header.
        running.request("/api/item/save", body, token=False,
                        headers={"Cookie": f"portfolio_edit={running.token}"}),
        running.request("/api/upload?s=ming&i=contest&slot=document&name=x.jpg",
                        raw=b"\xff\xd8\xff" + b"0" * 100, token=False),
    ]
    assert [status for status, _ in refused] == [403] * len(refused), refused
    assert all(isinstance(data, dict) and data["message"] for _, data in refused)
    assert running.request("/api/students", token=False)[0] == 403     # GET needs it too
    assert snapshot(tmp, skip=[tmp / "output"]) == before


def test_paths_outside_the_root_are_refused_and_change_nothing(arena) -> None:
    running, tmp = arena
    body = _form(running)
    before = snapshot(tmp, skip=[tmp / "output"])
    cases = {
        "dot-dot item": {**body, "i": "../../outside/evil"},
        "absolute item": {**body, "i": str(tmp / "outside" / "evil")},
        "dot-dot student": {**body, "s": "../outside"},
        "symlinked item": {**body, "i": "evil"},
        "new item up": {**body, "i": None, "new_id": "../../x", "kind": "competition"},
        "file elsewhere": {**body, "files": {"document": "../../../victim.txt"}},
        "absolute file": {**body, "files": {"document": str(tmp / "victim.txt")}},
    }
    for case, data in cases.items():
        status, said = running.request("/api/item/save", data)
        assert status in (400, 403), (case, status, said)
    uploads = ["s=ming&i=contest&slot=document&name=../victim.txt",
               "s=ming&i=contest&slot=document&name=/tmp/x.jpg",
               "s=ming&i=evil&slot=document&name=x.jpg",
               "s=..&i=contest&slot=document&name=x.jpg"]
    form = _form(running)
    for query in uploads:
        status, said = running.request(f"/api/upload?{query}&base={form['base']}",
                                       raw=b"\xff\xd8\xff0000")
        assert status in (400, 403), (query, status, said)
    for path in ("/api/file?s=ming&i=contest&name=../../../victim.txt",
                 "/api/item?s=ming&i=evil", "/api/item?s=ming&i=..%2F..%2Foutside%2Fevil",
                 "/preview/../victim.txt", "/preview/.portfolio/state.json"):
        assert running.request(path)[0] in (400, 403, 404), path
    assert snapshot(tmp, skip=[tmp / "output"]) == before


def test_an_upload_over_the_cap_is_refused_before_it_is_read(arena) -> None:
    running, tmp = arena
    form = _form(running)
    before = snapshot(tmp, skip=[tmp / "output"])
    status, said = running.request(
        f"/api/upload?s=ming&i=contest&slot=media&name=big.mp4&base={form['base']}",
        raw=b"\0" * 1_100_000)
    assert status == 413 and "1" in said["message"]
    assert snapshot(tmp, skip=[tmp / "output"]) == before
    assert not any((tmp / "output").rglob("*.mp4"))


def test_every_response_is_locked_down(arena) -> None:
    running, _tmp = arena
    import urllib.request

    opener = urllib.request.build_opener(_NoRedirect)
    entered = opener.open(running.url, timeout=30)
    cookie = entered.headers["Set-Cookie"]
    assert entered.status == 303 and entered.headers["Location"] == "/"  # token off the bar
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    for path in ("/", "/static/editor.js", "/api/students"):
        req = urllib.request.Request(running.base + path,
                                     headers={"Cookie": cookie.split(";")[0]})
        with urllib.request.urlopen(req, timeout=30) as response:
            csp = response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "script-src 'self'" in csp and "default-src 'none'" in csp
            assert "unsafe-inline" not in csp and "http" not in csp


class _NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None

    def http_error_303(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        return fp


def _other_address() -> str | None:
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return next((a for a in out.split() if "." in a and not a.startswith("127.")), None)


def test_only_this_computer_can_connect(arena) -> None:
    running, _tmp = arena
    other = _other_address()
    if other is None:
        pytest.skip("this machine has no address but loopback")
    with pytest.raises(OSError):  # refused: nothing listens there
        socket.create_connection((other, running.port), timeout=5).close()
    socket.create_connection(("127.0.0.1", running.port), timeout=5).close()


def test_listening_elsewhere_needs_allow_remote(tmp_path: Path, media) -> None:
    content = ContentBuilder(tmp_path / "content", media)
    content.student()
    done = subprocess.run([sys.executable, "-m", "generator", "edit", str(content.root),
                           "-o", str(tmp_path / "output"), "--no-browser", "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--allow-remote" in done.stderr
    assert "http://" not in done.stdout and not (tmp_path / "output").exists()
