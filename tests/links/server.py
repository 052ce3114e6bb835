"""A real HTTP server on 127.0.0.1 that plays every kind of link a student may have,
hostile ones included (a server that drips, a compression bomb, a redirect anywhere)."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGE = "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>" \
       "<body><h1>{title}</h1><p>{body}</p></body></html>"
LONG = " ".join(["光的折射實驗：以雷射筆與水槽量測水的折射率，記錄入射角與折射角。"] * 40)

HOP_PASSWORD = "hop-s3cret"  # what /redirect-auth puts in its Location
_BOMBS: dict[str, bytes] = {}
_BOMB_LOCK = threading.Lock()


def bomb(coding: str) -> bytes:
    """A body of zeros that is small on the wire and huge decoded: 1 GiB in about 1.6 KB
    of brotli, 256 MiB in about 260 KB of gzip (its ratio is bounded near 1000:1).
    Made once per test process; about a second each."""
    with _BOMB_LOCK:
        if coding not in _BOMBS:
            block = bytes(4 << 20)
            if coding == "br":
                import brotli

                packer = brotli.Compressor(quality=4)
                parts = [packer.process(block) for _ in range(256)] + [packer.finish()]
            else:
                gz = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
                parts = [gz.compress(block) for _ in range(64)] + [gz.flush()]
            _BOMBS[coding] = b"".join(parts)
        return _BOMBS[coding]


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[str] = Counter()
        self.state: dict[str, Any] = {"version": 1}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.archived: list[str] = []
        self.auth: list[str] = []  # every Authorization header received, as sent

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> LinkServer:
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: LinkServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body are two writes: without this each answer waits for a delayed ACK
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_HEAD(self) -> None:
        self.route(head=True)

    def do_GET(self) -> None:
        self.route(head=False)

    def send(self, status: int, body: str | bytes = "", ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def page(self, title: str, body: str = LONG, status: int = 200) -> None:
        self.send(status, PAGE.format(title=title, body=body))

    def redirect(self, to: str, status: int = 301) -> None:
        self.send(status, "", headers={"Location": to})

    def route(self, head: bool) -> None:
        srv = self.server
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        key = query.get("k", [""])[0]
        with srv.lock:
            srv.hits[f"{self.command} {path}?{key}"] += 1
            hits = srv.hits[f"GET {path}?{key}"] + srv.hits[f"HEAD {path}?{key}"]
            if self.headers.get("Authorization"):
                srv.auth.append(self.headers["Authorization"])
        if path == "/ok":
            self.page("光的折射實驗報告")
        elif path == "/chain/1":
            self.redirect("/chain/2")
        elif path == "/chain/2":
            self.redirect(srv.url("/chain/3"), 302)
        elif path == "/chain/3":
            self.redirect("/ok", 308)
        elif path == "/loop":
            self.redirect("/loop")
        elif path == "/missing":
            self.page("404 Not Found", "Nothing here", status=404)
        elif path == "/error":
            self.page("Internal Server Error", "oops", status=500)
        elif path == "/hang":
            srv.stop.wait(10)  # never answers within any test's timeout
        elif path == "/busy":
            # 429 the first time this key is asked, then fine
            if hits == 1:
                self.send(429, "slow down", "text/plain", {"Retry-After": "1"})
            else:
                self.page("Busy but fine")
        elif path == "/always-busy":
            self.send(503, "down", "text/plain", {"Retry-After": "3600"})
        elif path == "/soft404":
            self.page("找不到頁面", "您要找的頁面不存在，可能已被移除。")
        elif path == "/soft404-en":
            self.page("Oops", "Sorry, the page you requested was not found.")
        elif path == "/parked":
            self.page("example-club.tw", "This domain is for sale! Buy this domain today.")
        elif path == "/private":
            self.redirect("/accounts/login?next=/private", 302)
        elif path == "/accounts/login":
            self.page("Sign in", "Email Password")
        elif path == "/drive-private":
            self.page("Google Drive", "You need access. Request access, or switch accounts.")
        elif path == "/changing":
            self.page(f"作品集第 {srv.state['version']} 版", LONG + f" v{srv.state['version']}")
        elif path == "/nohead":
            if head:
                self.send(405, "", "text/plain")
            else:
                self.page("No HEAD here")
        elif path == "/unauthorized":
            self.send(401, "", "text/plain", {"WWW-Authenticate": "Basic"})
        elif path == "/report.pdf":
            self.send(200, b"%PDF-1.4 fake", "application/pdf",
                      {"ETag": f'"v{srv.state["version"]}"'})
        elif path.startswith("/save/"):
            target = self.path[len("/save/"):]
            with srv.lock:
                srv.archived.append(target)
            self.send(200, "saved", "text/plain",
                      {"Content-Location": f"/web/20260101000000/{target}"})
        elif path == "/save-fails":
            self.send(520, "no", "text/plain")
        elif path == "/slow":
            # the bench: every answer takes 100 ms; count how many run at once per host
            host = f"127.0.0.1:{srv.server_address[1]}"
            with srv.lock:
                srv.state.setdefault("now", Counter())[host] += 1
                peak = srv.state.setdefault("peak", Counter())
                peak[host] = max(peak[host], srv.state["now"][host])
            time.sleep(0.1)
            with srv.lock:  # before answering: the client holds its slot at least this long
                srv.state["now"][host] -= 1
            self.send(200, "ok", "text/plain")
        elif path == "/drip":
            # a page that never ends: one byte every `every` seconds, each read well inside
            # any per-read timeout
            every = float(query.get("every", ["2"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            if not head:
                self.wfile.write(b"<html>")
                self.wfile.flush()
                while not srv.stop.wait(every):
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        break  # the client gave up
        elif path == "/bomb":
            coding = query.get("enc", ["br"])[0]
            self.send(200, bomb(coding), "text/html; charset=utf-8",
                      {"Content-Encoding": coding})
        elif path == "/redirect":
            self.redirect(query["to"][0], 302)
        elif path == "/redirect-auth":
            self.redirect(srv.url("/ok?k=cred-hop").replace(
                "http://", f"http://bob:{HOP_PASSWORD}@"), 302)
        else:
            self.page("Not Found", "no such path", status=404)
