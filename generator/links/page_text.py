"""Reading what a page says: its title and text, and whether it is really there.

The phrases are data in `pages.toml`. A page is judged by its title and first
heading, or by all its text when it is short, because a long article that
happens to mention "not found" is still a real page.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PAGES_FILE = Path(__file__).with_name("pages.toml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})


@cache
def rules() -> dict[str, Any]:
    with PAGES_FILE.open("rb") as fh:
        return tomllib.load(fh)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.heading: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._skipping = 0
        self._h1_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skipping:
            self._skipping -= 1
        if tag == "h1" and self.heading:
            self._h1_done = True
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if "title" in self._stack:
            self.title.append(data)
            return
        if "h1" in self._stack and not self._h1_done:
            self.heading.append(data)
        self.text.append(data)


def decode(body: bytes, charset: str | None) -> str:
    """Taiwanese school sites still serve Big5 and say so only in a <meta> tag."""
    if not charset and (m := _META_CHARSET.search(body[:4096])):
        charset = m.group(1).decode("ascii")
    for name in (charset, "utf-8"):
        if not name:
            continue
        try:
            return body.decode(name, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")


def read(body: bytes, charset: str | None = None) -> tuple[str, str]:
    """(title and first heading, visible text) of a page, whitespace collapsed."""
    parser = _Text()
    try:
        parser.feed(decode(body, charset))
        parser.close()
    except Exception:  # a broken page is still a page: keep what was read
        pass
    return _squash([*parser.title, " ", *parser.heading]), _squash(parser.text)


def _squash(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def _contains(text: str, phrase: str) -> bool:
    phrase = phrase.lower()
    if phrase.isascii() and re.fullmatch(r"[\w ']+", phrase):
        # whole words only: "404" must not match "14042", nor "sso" "lesson"
        return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None
    return phrase in text


def _any(text: str, phrases: list[str]) -> bool:
    low = text.lower()
    return any(_contains(low, p) for p in phrases)


def soft_error(title: str, text: str, url: str = "") -> str | None:
    """"soft-404" or "parked" for a 200 page that is not really there, else None."""
    cfg = rules()
    short = len(text) <= cfg["soft404"]["short_page"]
    parked = cfg["parked"]
    strong = [p for p in parked["phrases"] if p not in parked["weak"]]
    host = (urlsplit(url).hostname or "").lower()
    if _host_in(host, urlsplit(url).path, parked["hosts"]):
        return "parked"
    if _any(title, strong) or (short and _any(text, parked["phrases"])):
        return "parked"
    if _any(title, cfg["soft404"]["phrases"]):
        return "soft-404"
    if short and _any(text, cfg["soft404"]["phrases"]):
        return "soft-404"
    return None


def is_access_request(title: str, text: str) -> bool:
    phrases = rules()["access"]["phrases"]
    return _any(title, phrases) or (len(text) <= 2000 and _any(text, phrases))


def is_login(url: str) -> bool:
    """Is `url` a sign-in page (a known sign-in host, or a path such as /login)?"""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    cfg = rules()["login"]
    if _host_in(host, parts.path, cfg["hosts"]):
        return True
    stems = [seg.split(".")[0].lower() for seg in parts.path.split("/") if seg]
    joined = "/" + "/".join(stems) + "/"
    return any(f"/{part.lower()}/" in joined for part in cfg["path_parts"])


def _host_in(host: str, path: str, entries: list[str]) -> bool:
    """Entries are "host" or "host/path-prefix"; a host entry covers its sub-domains."""
    for entry in entries:
        name, _, prefix = entry.lower().partition("/")
        if host != name and not host.endswith("." + name):
            continue
        if not prefix or path.lower().lstrip("/").startswith(prefix):
            return True
    return False
