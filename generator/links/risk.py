"""Will a link last? Judged from the URL alone, without the network.

The host lists and query parameters live in `hosts.toml` beside this module so a
teacher can add a new shortener without touching code; the reasons a student
reads live in the message catalog (`generator/messages/links.toml`, `[ui]`
keys `links.risk.<kind>`), so they are translated with everything else.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from generator.i18n import said
from generator.support.url_credentials import redact

HOSTS_FILE = Path(__file__).with_name("hosts.toml")

# Stable keys: scripts and history rely on them, so never rename one.
KINDS = (
    "malformed", "not-http", "localhost", "private-address", "ip-address", "plain-http",
    "shortener", "signed-url", "cloud-drive", "school-account",
    # judged by the checker from what the server answers
    "login-wall", "access-request",
)


@dataclass(frozen=True)
class Risk:
    """One reason a link may not last, told in every language."""

    kind: str
    reason: dict[str, str]

    def __hash__(self) -> int:  # the reason dict is not hashable; the kind says it all
        return hash(self.kind)


def risk(kind: str, **params: Any) -> Risk:
    """The Risk of `kind`, its reason filled in from the catalog for each language."""
    return Risk(kind, said(f"links.risk.{kind}", **params))


@cache
def rules() -> dict[str, Any]:
    with HOSTS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def host_matches(host: str, entries: list[str]) -> str | None:
    """The entry `host` is or is a sub-domain of, if any."""
    for entry in entries:
        entry = entry.lower()
        if host == entry or host.endswith("." + entry):
            return entry
    return None


def assess(url: str) -> list[Risk]:
    """Every reason, read from the URL alone, that `url` may not last.

    An empty list means nothing in the URL itself is a worry; whether the page
    is there is for the checker to say.
    """
    url = url.strip()
    shown = redact(url)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return [risk("malformed", url=shown)]
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme or (scheme and not parts.netloc and "." in scheme):
            # "example.org/page" or "www.x.tw:8080/a": the student forgot https://
            return [risk("malformed", url=shown)]
        return [risk("not-http", scheme=scheme)]
    if not host or any(c.isspace() for c in url) or ".." in host:
        return [risk("malformed", url=shown)]

    found: list[Risk] = []
    found.extend(_address_risks(host))
    if scheme == "http":
        found.append(risk("plain-http"))
    found.extend(_host_risks(host, parts.path))
    if _is_signed(parts.query):
        found.append(risk("signed-url"))
    return found


def _address_risks(host: str) -> list[Risk]:
    cfg = rules()["address"]
    if host in cfg["local_names"] or host_matches(host, ["localhost"]):
        return [risk("localhost", host=host)]
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if host_matches(host, cfg["local_suffixes"]) or "." not in host:
            # a bare name ("myserver") or a home-network suffix only resolves inside one network
            return [risk("private-address", host=host)]
        return []
    if ip.is_loopback or ip.is_unspecified:
        return [risk("localhost", host=host)]
    if ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast:
        return [risk("private-address", host=host)]
    return [risk("ip-address", host=host)]


def _host_risks(host: str, path: str) -> list[Risk]:
    data = rules()
    found: list[Risk] = []
    short = data["shortener"]
    if not host_matches(host, short.get("stable", [])) and (
            name := host_matches(host, short["hosts"])):
        found.append(risk("shortener", host=name))
    school = data["school"]
    if (host_matches(host, school["hosts"])
            or any(host.endswith(s) for s in school.get("org_drive_suffixes", []))
            or _school_domain_in_path(host, path)):
        found.append(risk("school-account", host=host))
    if name := host_matches(host, data["cloud_drive"]["hosts"]):
        found.append(risk("cloud-drive", host=name))
    return found


def _school_domain_in_path(host: str, path: str) -> bool:
    """Google Sites and old Drive links name the Workspace domain in the path."""
    school = rules()["school"]
    if not host_matches(host, school["domain_in_path"]):
        return False
    segments = [s.lower() for s in path.split("/") if s]
    if segments[:1] == ["a"]:
        segments = segments[1:]
    return bool(segments) and "." in segments[0] and bool(
        host_matches(segments[0], school["hosts"]))


def _is_signed(query: str) -> bool:
    if not query:
        return False
    names = {k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)}
    cfg = rules()["signed"]
    if names & {p.lower() for p in cfg["params"]}:
        return True
    return any(all(p.lower() in names for p in group) for group in cfg.get("together", []))
