"""Link checker benchmark: 500 links against local servers that answer each in 100 ms.

    .venv/bin/python bench/links_bench.py [--links 500] [--hosts 25] [--per-host 4]

Each host is its own server on 127.0.0.1 (the checker caps requests per host and
port); every server counts how many requests it is answering at once, and the
bench fails if any host ever saw more than the cap. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.links.checker import check_urls
from generator.links.link_check import CheckerConfig

DELAY = 0.1
TARGET_SECONDS = 5.0
PAGE = b"<!doctype html><title>work</title><p>" + "作品說明 ".encode() * 200 + b"</p>"


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Slow)
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.requests = 0


class Slow(BaseHTTPRequestHandler):
    server: CountingServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body go out as two writes; without this, Nagle's algorithm holds the
        # body until the client's delayed ACK, adding 40 ms to a 100 ms answer
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        srv = self.server
        with srv.lock:
            srv.now += 1
            srv.requests += 1
            srv.peak = max(srv.peak, srv.now)
        try:
            time.sleep(DELAY)
        finally:
            # counted as busy until it starts answering: the client may hold its slot longer
            # than this (it reads the answer), never shorter, so the count never over-reports
            with srv.lock:
                srv.now -= 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(PAGE)


def serve(hosts: int, conn: Connection) -> None:
    """The "internet" side, in its own process so it does not share the checker's GIL."""
    servers = [CountingServer() for _ in range(hosts)]
    for srv in servers:
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
    conn.send([srv.server_address[1] for srv in servers])
    conn.recv()  # the bench is done
    conn.send([(srv.peak, srv.requests) for srv in servers])
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=25)
    parser.add_argument("--per-host", type=int, default=CheckerConfig.per_host)
    parser.add_argument("--total", type=int, default=CheckerConfig.total)
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.hosts, theirs), daemon=True)
    child.start()
    ports = ours.recv()
    urls = [f"http://127.0.0.1:{ports[i % args.hosts]}/work/{i}" for i in range(args.links)]
    # the servers are on 127.0.0.1, which only allow_private lets the checker reach
    config = CheckerConfig(per_host=args.per_host, total=args.total, timeout=10.0,
                           trust_env=False, allow_private=True)
    started = time.perf_counter()
    results = asyncio.run(check_urls(urls, config))
    wall = time.perf_counter() - started
    ours.send("done")
    counts = ours.recv()
    child.join(5)

    failed = [u for u, r in results.items() if not r.ok]
    peak = max(p for p, _ in counts)
    requests = sum(n for _, n in counts)
    print(f"{args.links} links on {args.hosts} hosts, {requests} requests of {DELAY * 1000:.0f} ms,"
          f" per-host cap {args.per_host}, overall cap {args.total}")
    print(f"wall time {wall:.2f} s; busiest host saw {peak} requests at once; {len(failed)} failed")
    if peak > args.per_host:
        print(f"FAIL: a host saw {peak} concurrent requests, over the cap of {args.per_host}")
        return 1
    if failed:
        print(f"FAIL: {len(failed)} links did not check out, e.g. {failed[0]}")
        return 1
    if wall > TARGET_SECONDS:
        print(f"SLOW: over the {TARGET_SECONDS:.0f} s target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
