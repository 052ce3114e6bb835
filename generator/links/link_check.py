"""What a link check found, and how checks are made: the records the rest of the tool reads.

Kept apart from the checker (generator/links/checker.py) so that what reads a check
(the history, the findings, `check --offline`, a no-op build) loads no HTTP library.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from generator.model.site_settings import LinkCheckSettings

# Failures that mean "we never reached a server", so a run where every link ends
# in one of these says more about the student's network than about the links.
# (A refused connection is an answer: some host said no.)
NETWORK_ERRORS = frozenset({"dns", "network", "connect-timeout"})
# Results that asked nothing of the network: neither remembered nor a sign of it.
NOT_ASKED = frozenset({"skipped", "credentials", "unchecked"})
_DEFAULT = LinkCheckSettings()  # portfolio.toml's [link_check]: one place for every default


@dataclass(frozen=True)
class CheckerConfig:
    """How the checker works; `[link_check]` in portfolio.toml sets it (the schema in
    generator/model/site_settings.py says what each field does and its range)."""

    timeout: float = _DEFAULT.timeout
    deadline: float = _DEFAULT.deadline
    run_deadline: float = _DEFAULT.run_deadline
    retries: int = _DEFAULT.retries
    backoff: float = _DEFAULT.backoff
    max_retry_after: float = _DEFAULT.max_retry_after
    per_host: int = _DEFAULT.per_host
    total: int = _DEFAULT.total
    max_redirects: int = _DEFAULT.max_redirects
    max_body: int = _DEFAULT.max_body
    verify_tls: bool = _DEFAULT.verify_tls
    allow_private: bool = _DEFAULT.allow_private
    trust_env: bool = _DEFAULT.trust_env
    user_agent: str = _DEFAULT.user_agent

    @classmethod
    def from_options(cls, options: LinkCheckSettings) -> CheckerConfig:
        return cls(**{f.name: getattr(options, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Hop:
    url: str
    status: int
    method: str


@dataclass
class LinkCheck:
    """What the network said about one URL.

    `error` is None for a link that works, else a stable key: "status" (4xx/5xx,
    see `status`), "timeout" (also the link's deadline), "connect-timeout", "dns",
    "tls", "refused", "network", "too-many-redirects", "soft-404", "parked",
    "private" (`final_url` is, or resolves to, the private address in `detail`: not
    connected to), or one that asked nothing: "skipped" (not a web address),
    "credentials" (a user name or password in the URL: never sent), "unchecked"
    (the run's deadline came first). `risks` holds what the answer showed about
    permanence ("login-wall", "access-request").
    """

    url: str
    checked_at: str
    status: int | None = None
    final_url: str = ""
    chain: list[Hop] = field(default_factory=list)
    error: str | None = None
    detail: str = ""
    risks: list[str] = field(default_factory=list)
    content_type: str = ""
    content_hash: str | None = None
    attempts: int = 0
    elapsed: float = 0.0
    body: bytes | None = field(default=None, repr=False)  # capped; for snapshots, never stored

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def redirected(self) -> bool:
        return bool(self.chain) and _same_place(self.url, self.final_url) is False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("body")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkCheck:
        data = dict(data)
        data["chain"] = [Hop(**h) for h in data.get("chain", [])]
        known = {f for f in cls.__dataclass_fields__ if f != "body"}
        return cls(**{k: v for k, v in data.items() if k in known})


def _same_place(a: str, b: str) -> bool:
    """A redirect that only adds a trailing slash or drops a fragment still lands on the page."""
    sa, sb = urlsplit(a), urlsplit(b)
    return (sa.scheme, sa.netloc.lower(), sa.path.rstrip("/") or "/", sa.query) == (
        sb.scheme, sb.netloc.lower(), sb.path.rstrip("/") or "/", sb.query)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")




def env_proxy(url: str, proxies: dict[str, str]) -> str | None:
    """The proxy HTTP(S)_PROXY / ALL_PROXY (`urllib.request.getproxies()`) name for `url`,
    unless NO_PROXY spares it."""
    if not proxies:
        return None
    import urllib.request  # with http.client and ssl: only where a proxy is named

    parts = urlsplit(url)
    # proxy_bypass_environment is in urllib but not in its type stubs
    if urllib.request.proxy_bypass_environment(  # type: ignore[attr-defined]
            parts.hostname or "", proxies):
        return None
    return proxies.get(parts.scheme.lower()) or proxies.get("all")


def network_down(results: Iterable[LinkCheck]) -> bool:
    """True when no link reached any server: the computer is offline, not every link dead."""
    tried = [r for r in results if r.error not in NOT_ASKED]
    return bool(tried) and all(r.status is None and r.error in NETWORK_ERRORS for r in tried)
