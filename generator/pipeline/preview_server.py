"""`portfolio serve`: the built site on 127.0.0.1, rebuilt and reloaded on every change.

The files on disk are exactly what `portfolio build` writes; the live-reload script
is added to HTML pages only as they are sent, so a served build and a plain build
never differ and switching between them re-renders nothing. The browser listens
on a server-sent-events stream and reloads when a rebuild finishes.

Only the site is served, to this computer's browser:
- a request must name this server in its `Host` header (127.0.0.1, localhost or [::1]
  and the port): a web page whose name was rebound to 127.0.0.1 cannot read the site;
- the tool's own folder (`.portfolio/`: caches holding what the students wrote, the
  record) is not served;
- nor is anything reached through a symbolic link in the output (the tool makes none:
  one there would lead to files of someone's that are not the site);
- no folder is listed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

from generator.i18n import text
from generator.support.ownership import STATE_DIR

EVENTS_PATH = "/__portfolio/events"
RELOAD_SCRIPT = (
    "<script>/* portfolio serve: live reload */(()=>{const s=new EventSource("
    f"'{EVENTS_PATH}');s.onmessage=e=>{{if(e.data==='reload'){{s.close();location.reload()}}}};"
    "})();</script>"
).encode()
HEARTBEAT_SECONDS = 15.0


class Reloads:
    """A counter of finished rebuilds that streams can wait on."""

    def __init__(self) -> None:
        self.version = 0
        self.closed = False
        self._cond = threading.Condition()

    def bump(self) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version


def inject(html: bytes) -> bytes:
    at = html.rfind(b"</body>")
    return html[:at] + RELOAD_SCRIPT + html[at:] if at >= 0 else html + RELOAD_SCRIPT


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class PreviewHandler(SimpleHTTPRequestHandler):
    reloads: Reloads

    def __init__(self, *args: Any, reloads: Reloads, lang: str, **kwargs: Any):
        self.reloads = reloads
        self.lang = lang
        super().__init__(*args, **kwargs)

    def _refused(self) -> bool:
        """Whether this request is answered with a refusal (sent here) instead."""
        port = cast(ThreadingHTTPServer, self.server).server_port
        if self.headers.get("Host", "") not in {f"{n}:{port}" for n in LOOPBACK_NAMES}:
            self._refuse(HTTPStatus.FORBIDDEN, "serve-refused-host")
            return True
        target = self.translate_path(self.path).rstrip(os.sep) or os.sep
        rel = os.path.relpath(target, self.directory)
        if rel.split(os.sep)[0] == STATE_DIR or os.path.realpath(target) != target:
            self._refuse(HTTPStatus.NOT_FOUND, "serve-not-found")
            return True
        return False

    def _refuse(self, status: HTTPStatus, key: str) -> None:
        body = text(key, self.lang).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        if not self._refused():
            super().do_HEAD()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """No folder is listed: every page of the site is an `index.html` or linked from
        one, and a listing would name what is not served (`.portfolio`, links) in words
        of no catalog."""
        self._refuse(HTTPStatus.NOT_FOUND, "serve-not-found")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for findings and rebuilds, not for every request

    def end_headers(self) -> None:
        # A preview must never show yesterday's page from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self._refused():
            return None
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            return self._events()
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # the redirect to the slashed address
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            return self._html(target)
        return super().do_GET()

    def _html(self, target: Path) -> None:
        body = inject(target.read_bytes())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = self.reloads.version
        try:
            while not self.reloads.closed:
                now = self.reloads.wait(seen, HEARTBEAT_SECONDS)
                message = b"data: reload\n\n" if now != seen else b": ping\n\n"
                seen = now
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def make_server(output: Path, port: int, reloads: Reloads, lang: str,
                host: str = "127.0.0.1") -> ThreadingHTTPServer:
    # The folder as the system names it: a path reached through a link is then one
    # whose real path differs from itself.
    handler = partial(PreviewHandler, directory=os.path.realpath(output), reloads=reloads,
                      lang=lang)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def watch_paths(content: Path, theme_dirs: Iterable[Path]) -> list[Path]:
    paths = [content, *theme_dirs]
    return [p for i, p in enumerate(paths)
            if p.exists() and not any(p.is_relative_to(q) for q in paths[:i])]


def ignore_filter(output: Path) -> Callable[[Any, str], bool]:
    """Changes worth a rebuild: not our own cache, not the output, not editor droppings."""
    out = output.resolve()

    def keep(_change: Any, path: str) -> bool:
        p = Path(path)
        if ".portfolio" in p.parts or any(part.startswith(".git") for part in p.parts):
            return False
        if p.name.startswith((".#", "~")) or p.name.endswith(("~", ".swp", ".tmp")):
            return False
        try:
            return not p.resolve().is_relative_to(out)
        except OSError:
            return True

    return keep
