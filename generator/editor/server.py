"""The editor's HTTP server: the standard library's, as `portfolio serve` uses, with the
checks a page that writes files needs.

- It listens on loopback only, unless `--allow-remote` says otherwise.
- Every request carries the run's token: the first address has it (`/?token=…`), which
  becomes an HttpOnly, SameSite=Strict cookie; the page's scripts send it back in the
  `X-Portfolio-Token` header, which every POST must carry (a form on another site can
  send neither the header nor, being cross-site, the cookie).
- The `Host` header must name this server (a DNS name rebound to 127.0.0.1 does not),
  and a POST's `Origin`, when there is one, must be this server.
- Every response says `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`
  and a Content-Security-Policy that lets the page run only its own script file.
- A request body is read only up to its cap: the JSON of a form, or a dropped file.
"""

from __future__ import annotations

import contextlib
import hmac
import http.cookies
import ipaddress
import json
import mimetypes
import os
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from generator.editor.names import Refused
from generator.editor.routes import Editor, Response
from generator.i18n import text

COOKIE = "portfolio_edit"
TOKEN_HEADER = "X-Portfolio-Token"
JSON_MAX = 4 * 1024 * 1024  # a form: the longest texts are a few KB (the reader caps at 1 MB)
DRAIN_MAX = 16 * 1024 * 1024
STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
       "media-src 'self' blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
# The built site's own pages (under /preview/): their scripts, styles and files, nothing
# from elsewhere.
PREVIEW_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "frame-ancestors 'self'; form-action 'none'")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class _Body:
    """A request's body, read no further than its declared length. What a refused
    request did not read is drained (up to DRAIN_MAX) before the answer, so the
    browser sees the answer instead of a connection cut while it was still sending."""

    def __init__(self, stream: Any, length: int):
        self.stream = stream
        self.left = max(0, length)

    def read(self, n: int = -1, /) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(self.left if n < 0 or n > self.left else n)
        self.left -= len(data)
        if not data:
            self.left = 0
        return data

    def drain(self) -> None:
        if self.left > DRAIN_MAX:
            return  # not worth the wait: the connection is closed instead
        while self.left > 0 and self.read(1 << 20):
            pass


class EditorServer(ThreadingHTTPServer):
    daemon_threads = True
    editor: Editor
    allowed_hosts: frozenset[str]

    def __init__(self, host: str, port: int, editor: Editor):
        if ":" in host:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__((host, port), EditorHandler)
        self.editor = editor
        bound = self.server_address[1]
        names = set(LOOPBACK) if host in LOOPBACK or host.startswith("127.") else set()
        names.add(host if ":" not in host else f"[{host}]")
        self.allowed_hosts = frozenset(f"{n}:{bound}" for n in names)
        # Listening on every address (--allow-remote): other computers name this one by
        # its address, which cannot be listed in advance. An address is still safe to
        # take: DNS rebinding needs a name.
        self.any_address = host in ("0.0.0.0", "::", "")
        editor.port = bound

    def host_ok(self, given: str) -> bool:
        if given in self.allowed_hosts:
            return True
        if not self.any_address:
            return False
        name, _, port = given.rpartition(":")
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return port == str(self.server_address[1])


class EditorHandler(BaseHTTPRequestHandler):
    server: EditorServer
    protocol_version = "HTTP/1.1"
    _body: _Body | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows the address and the findings, not every request

    # ------------------------------------------------------------------ answering
    def _headers(self, status: int, ctype: str, length: int, csp: str = CSP,
                 extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY" if csp == CSP else "SAMEORIGIN")
        self.send_header("Content-Security-Policy", csp)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _send(self, response: Response) -> None:
        body = response.body
        self._headers(response.status, response.ctype, len(body), response.csp or CSP,
                      response.headers)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse(self, status: int, key: str, **params: object) -> None:
        editor = self.server.editor
        said = text(key, editor.lang, **params)
        self.close_connection = True
        body = getattr(self, "_body", None)
        if body is not None:
            with contextlib.suppress(OSError):
                body.drain()
        if self.path.startswith("/api/"):
            self._send(Response.json({"error": key, "message": said}, status))
        else:
            self._send(Response(status, editor.refusal_page(said).encode("utf-8"),
                                "text/html; charset=utf-8"))

    # ------------------------------------------------------------------ the checks
    def _host_ok(self) -> bool:
        return self.server.host_ok(self.headers.get("Host", ""))

    def _origin_ok(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:
            return True  # not a browser's cross-site request: those always say where from
        return origin.startswith("http://") and self.server.host_ok(origin[len("http://"):])

    def _token(self) -> str | None:
        given = self.headers.get(TOKEN_HEADER)
        if given:
            return given
        jar = http.cookies.SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except http.cookies.CookieError:
            return None
        morsel = jar.get(COOKIE)
        return morsel.value if morsel else None

    def _token_ok(self, given: str | None) -> bool:
        token = self.server.editor.token
        return given is not None and hmac.compare_digest(given.encode(), token.encode())

    # ------------------------------------------------------------------ methods
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _guarded(self, handle: Any) -> None:
        """A bug in the editor is a message on the page, never a dead connection; with
        PORTFOLIO_DEBUG its traceback goes to the terminal for the developer."""
        try:
            handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went away: nothing to answer
        except Exception as exc:
            if os.environ.get("PORTFOLIO_DEBUG"):
                traceback.print_exc()
            with contextlib.suppress(OSError):
                self._refuse(500, "edit-internal", error=type(exc).__name__)

    def _get(self) -> None:
        self._body = None
        if not self._host_ok():
            return self._refuse(403, "edit-refused-host")
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path == "/" and "token" in query:
            return self._enter(query["token"])
        if not self._token_ok(self._token()):
            return self._refuse(403, "edit-refused-token")
        try:
            if url.path.startswith("/static/"):
                return self._static(url.path.removeprefix("/static/"))
            if url.path.startswith("/preview/"):
                return self._preview(unquote(url.path.removeprefix("/preview/")))
            self._send(self.server.editor.get(url.path, query))
        except Refused as exc:
            self._refuse(exc.status, exc.key, **exc.params)

    def _post(self) -> None:
        body = self._body = _Body(self.rfile, _declared(self.headers))
        if not self._host_ok():
            return self._refuse(403, "edit-refused-host")
        if not self._origin_ok():
            return self._refuse(403, "edit-refused-origin")
        # A POST must carry the header: a cookie alone could come with a request
        # another page made the browser send.
        if not self._token_ok(self.headers.get(TOKEN_HEADER)):
            return self._refuse(403, "edit-refused-token")
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        editor = self.server.editor
        try:
            length = self._length()
            if url.path == "/api/upload":
                if length > editor.max_upload:
                    raise Refused(413, "edit-upload-too-large",
                                  limit=f"{editor.max_upload / 1_000_000:g}")
                response = editor.upload(query, body, length)
            else:
                if length > JSON_MAX:
                    raise Refused(413, "edit-refused-body")
                try:
                    data = json.loads(body.read(length) or b"{}")
                except (ValueError, UnicodeDecodeError):
                    raise Refused(400, "edit-refused-body") from None
                if not isinstance(data, dict):
                    raise Refused(400, "edit-refused-body")
                response = editor.post(url.path, data)
            self._send(response)
        except Refused as exc:
            self._refuse(exc.status, exc.key, **exc.params)

    def _length(self) -> int:
        given = self.headers.get("Content-Length")
        if given is None:
            raise Refused(411, "edit-refused-body")
        try:
            length = int(given)
        except ValueError:
            raise Refused(400, "edit-refused-body") from None
        if length < 0:
            raise Refused(400, "edit-refused-body")
        return length

    # ------------------------------------------------------------------ pages and files
    def _enter(self, given: str) -> None:
        """The printed address: the token becomes a cookie, and the address bar loses it
        (it would otherwise stay in the history and in screenshots)."""
        if not self._token_ok(given):
            return self._refuse(403, "edit-refused-token")
        cookie = f"{COOKIE}={given}; HttpOnly; SameSite=Strict; Path=/"
        self._headers(303, "text/plain; charset=utf-8", 0,
                      extra={"Location": "/", "Set-Cookie": cookie})

    def _static(self, name: str) -> None:
        if name not in ("editor.js", "editor.css"):
            raise Refused(404, "edit-refused-missing")
        ctype = ("text/javascript; charset=utf-8" if name.endswith(".js")
                 else "text/css; charset=utf-8")
        self._send(Response(200, (STATIC / name).read_bytes(), ctype))

    def _preview(self, rel: str) -> None:
        """The output folder, read-only: only files the build made there, never the
        tool's own `.portfolio/` (caches, state) and never through a link out of it."""
        output = Path(os.path.abspath(self.server.editor.output))
        parts = rel.split("/")
        if any(p in ("", ".", "..") or p.startswith(".") for p in parts[:-1]) or (
                parts[-1].startswith(".") or "\\" in rel or "\x00" in rel):
            raise Refused(404, "edit-refused-missing")
        target = output / rel if rel else output
        if target.is_dir():
            if rel and not rel.endswith("/"):
                location = "/preview/" + quote(rel, safe="/") + "/"
                return self._headers(301, "text/plain; charset=utf-8", 0,
                                     extra={"Location": location})
            target = target / "index.html"
        try:
            real = target.resolve()
        except (OSError, RuntimeError):
            raise Refused(404, "edit-refused-missing") from None
        if not real.is_relative_to(output.resolve()) or not real.is_file():
            raise Refused(404, "edit-refused-missing")
        ctype = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript",):
            ctype += "; charset=utf-8"
        self._send(Response(200, real.read_bytes(), ctype, csp=PREVIEW_CSP))


def _declared(headers: Any) -> int:
    try:
        return int(headers.get("Content-Length") or 0)
    except ValueError:
        return 0
