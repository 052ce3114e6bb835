"""Second copies of a linked page: the web archive's, and a small local one.

When the original disappears, the Wayback form of the URL is what a student can
put in its place, and the local snapshot is the evidence of what the page said.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from generator.links.history import STATE_DIR
from generator.links.link_check import CheckerConfig, LinkCheck, env_proxy
from generator.model.site_settings import ARCHIVE_SAVE_ENDPOINT, LinkCheckSettings
from generator.support.atomic import write_bytes, write_text

if TYPE_CHECKING:
    import httpx

    from generator.links import guard

WAYBACK = "https://web.archive.org/web/"
SNAPSHOT_DIR = "snapshots"
# The defaults of [link_check] (generator/model/site_settings.py says why these).
SAVE_ENDPOINT = ARCHIVE_SAVE_ENDPOINT
SNAPSHOT_MAX_BYTES = LinkCheckSettings().snapshot_max_bytes
SNAPSHOT_KEEP = LinkCheckSettings().snapshot_keep


def wayback_url(url: str) -> str:
    """The archive's address for `url`: its newest copy, whenever it was saved."""
    return WAYBACK + url


@dataclass(frozen=True)
class ArchiveResult:
    url: str
    ok: bool
    archive_url: str | None = None
    error: str | None = None


async def save(urls: list[str], endpoint: str = SAVE_ENDPOINT,
               config: CheckerConfig | None = None,
               client: httpx.AsyncClient | None = None,
               deadline: float | None = None) -> dict[str, ArchiveResult]:
    """Ask the archive at `endpoint` to save each URL (`endpoint + url`, as the Wayback Machine's
    save API takes it). Asked one at a time: archives rate-limit hard.

    Each request has the config's per-link deadline (the archive is slow, but not
    endless), all of them together `deadline` seconds (the config's run deadline
    if None); the URLs left when it passes are reported as not saved.
    """
    # The HTTP stack is loaded only to ask the archive (the snapshots need none of it).
    import asyncio
    import urllib.request

    import httpx

    from generator.links import guard

    cfg = config or CheckerConfig()
    own = client is None
    proxy = env_proxy(endpoint, urllib.request.getproxies() if cfg.trust_env else {})
    client = client or httpx.AsyncClient(
        timeout=httpx.Timeout(max(cfg.timeout, 30.0)), trust_env=False, proxy=proxy,
        verify=cfg.verify_tls, follow_redirects=False, headers={"User-Agent": cfg.user_agent},
        # the endpoint comes from the settings, yet the same guard holds for it
        transport=None if proxy else guard.GuardedTransport(_endpoint_guard(endpoint, cfg),
                                                            verify=cfg.verify_tls))
    loop = asyncio.get_running_loop()
    ends = loop.time() + (cfg.run_deadline if deadline is None else deadline)
    results: dict[str, ArchiveResult] = {}
    try:
        for url in dict.fromkeys(urls):
            left = min(cfg.deadline * 2, ends - loop.time())
            if left <= 0:
                results[url] = ArchiveResult(url, False, error="deadline")
                continue
            try:
                async with asyncio.timeout(left):
                    results[url] = await _save_one(client, endpoint, url)
            except TimeoutError:
                results[url] = ArchiveResult(url, False, error=f"timeout ({left:.0f} s)")
    finally:
        if own:
            await client.aclose()
    return results


def _endpoint_guard(endpoint: str, cfg: CheckerConfig) -> guard.GuardedBackend:
    import httpx

    from generator.links import guard

    backend = guard.GuardedBackend()
    if cfg.allow_private:
        with contextlib.suppress(httpx.InvalidURL, ValueError, UnicodeError):
            backend.private_origins.add(guard.origin(httpx.URL(endpoint)))
    return backend


async def _save_one(client: httpx.AsyncClient, endpoint: str, url: str) -> ArchiveResult:
    import httpx

    from generator.links import guard

    try:
        # only the headers matter; the body is never read (nor inflated)
        async with client.stream("GET", endpoint + url) as response:
            pass
    except guard.BlockedHost as blocked:
        return ArchiveResult(url, False, error=f"private address {blocked.address}")
    except httpx.HTTPError as exc:
        return ArchiveResult(url, False, error=str(exc) or type(exc).__name__)
    if response.status_code >= 400:
        return ArchiveResult(url, False, error=f"HTTP {response.status_code}")
    # the archive names the new copy in Content-Location (or redirects to it)
    where = response.headers.get("content-location") or response.headers.get("location")
    archived = urljoin(endpoint, where) if where else wayback_url(url)
    return ArchiveResult(url, True, archive_url=archived)


def snapshot_dir(root: Path, url: str) -> Path:
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    return root / STATE_DIR / SNAPSHOT_DIR / key


def keep_snapshot(root: Path, result: LinkCheck, max_bytes: int = SNAPSHOT_MAX_BYTES,
                  keep: int = SNAPSHOT_KEEP) -> Path | None:
    """Store the page just read, unless the newest snapshot already has this content.

    Returns the snapshot's path (new or existing), or None for a link with no page
    (a failure, a file that was not downloaded).
    """
    if not result.ok or result.body is None or not result.content_hash:
        return None
    folder = snapshot_dir(root, result.url)
    stamp = re.sub(r"[^0-9]", "", result.checked_at[:19]) or datetime.now().strftime("%Y%m%d%H%M%S")
    existing = sorted(folder.glob("*.html")) if folder.is_dir() else []
    tag = result.content_hash.removeprefix("h:")[:12]
    if existing and existing[-1].stem.endswith(tag):
        return existing[-1]
    write_text(folder / "url.txt", result.url + "\n")
    path = folder / f"{stamp}-{tag}.html"
    write_bytes(path, result.body[:max_bytes])
    for old in existing[: max(0, len(existing) + 1 - keep)]:
        old.unlink(missing_ok=True)
    return path
