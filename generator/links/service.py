"""What `check`, `build` and `links` call: check a portfolio's links, remember, report.

One run checks each distinct URL once however many items name it, answers from
the history when the last check is recent enough, and writes the history back.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from generator.content.site_settings import read_link_check
from generator.findings import Finding, make
from generator.links import archive as arch
from generator.links.history import History, LinkRecord, parse_time
from generator.links.link_check import NOT_ASKED, CheckerConfig, LinkCheck, network_down
from generator.links.risk import assess
from generator.links.verdict import result_findings, unchecked_findings
from generator.model.site_settings import LinkCheckSettings
from generator.support.url_credentials import has_credentials

T = TypeVar("T")
# (student, item, url): the student as findings name them (student.key), the item id
LinkRef = tuple[str | None, str | None, str]


@dataclass(frozen=True)
class LinkSettings:
    """How links are checked and remembered, from portfolio.toml's `[link_check]`
    (`SiteSettings.link_check`: generator/model/site_settings.py)."""

    cache_hours: float = LinkCheckSettings().cache_hours  # a rebuild within it asks nothing
    checker: CheckerConfig = field(default_factory=CheckerConfig)
    archive_endpoint: str = arch.SAVE_ENDPOINT
    snapshots: bool = True
    snapshot_max_bytes: int = arch.SNAPSHOT_MAX_BYTES
    snapshot_keep: int = arch.SNAPSHOT_KEEP

    @property
    def max_age(self) -> timedelta:
        return timedelta(hours=max(0.0, self.cache_hours))

    @classmethod
    def from_options(cls, options: LinkCheckSettings) -> LinkSettings:
        """The settings of a `[link_check]` table already read into the schema."""
        return cls(cache_hours=options.cache_hours,
                   checker=CheckerConfig.from_options(options),
                   archive_endpoint=options.archive_endpoint, snapshots=options.snapshots,
                   snapshot_max_bytes=options.snapshot_max_bytes,
                   snapshot_keep=options.snapshot_keep)

    @classmethod
    def from_table(cls, table: object) -> LinkSettings:
        """Settings from a raw `[link_check]` table, read as portfolio.toml's is: unknown
        keys and ill-typed values are left out, numbers out of range brought within it.
        Never raises; what it says about the table is for `portfolio check` to tell."""
        options, _findings = read_link_check(table)
        return cls.from_options(options)


@dataclass
class LinkReport:
    """One run over a portfolio's links: what each said, what the history holds, the findings."""

    refs: list[LinkRef]
    results: dict[str, LinkCheck]         # only the URLs checked or answered from cache now
    records: dict[str, LinkRecord]
    findings: list[Finding]
    offline: bool = False
    network_down: bool = False
    from_cache: set[str] = field(default_factory=set)
    archived: dict[str, arch.ArchiveResult] = field(default_factory=dict)

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(url for _, _, url in self.refs))


def run(refs: Sequence[LinkRef], root: Path | None, settings: LinkSettings | None = None, *,
        offline: bool = False, archive: bool = False, max_age: timedelta | None = None,
        now: datetime | None = None) -> LinkReport:
    """Check every link of `refs` (unless `offline`), record it, and say what was found.

    `max_age` overrides the settings' cache age (timedelta(0): always ask the network).
    With `root` None nothing is remembered. Never raises for a bad link or no network.
    """
    settings = settings or LinkSettings()
    started = time.monotonic()
    refs = list(refs)
    history = History.load(root)
    urls = list(dict.fromkeys(url for _, _, url in refs))
    # a snapshot an older version took of a link with a password names it: remove it
    history.forgotten += [u for u in urls if has_credentials(u)]
    report = LinkReport(refs, {}, {}, [], offline=offline)
    if offline:
        report.records = {u: r for u in urls if (r := history.get(u))}
        report.findings = [f for s, i, u in refs if is_web(u) and not has_credentials(u)
                           for f in unchecked_findings(s, i, u, history.get(u))]
        _save_scrubbed(history)
        return report

    age = settings.max_age if max_age is None else max_age
    cached = {u: fresh for u in urls if (fresh := history.fresh(u, age, now))}
    # a password in a link is never sent: such a link is not checked at all
    to_check = [u for u in urls if u not in cached and not has_credentials(u)]
    checked = _run_sync(_check(to_check, settings.checker)) if to_check else {}
    report.from_cache = set(cached)
    report.network_down = network_down(checked.values())
    if report.network_down:
        # no server answered at all: the computer is offline, not every link dead
        checked = {}
    for result in checked.values():
        if result.error in NOT_ASKED:
            continue  # not a web address, or no time left: nothing was asked, nothing learnt
        record = history.record(result)
        if root is not None and settings.snapshots:
            with contextlib.suppress(OSError):
                if path := arch.keep_snapshot(root, result, settings.snapshot_max_bytes,
                                              settings.snapshot_keep):
                    record.snapshot = path.relative_to(root).as_posix()
    report.results = {**cached, **checked}

    if archive and not report.network_down:
        worth = [u for u in urls
                 if (done := report.results.get(u)) and done.ok and not done.risks]
        left = settings.checker.run_deadline - (time.monotonic() - started)
        report.archived = _run_sync(arch.save(worth, settings.archive_endpoint, settings.checker,
                                              deadline=left))
        for url, saved in report.archived.items():
            if saved.ok and (kept := history.get(url)):
                kept.archive_url = saved.archive_url
                kept.archived_at = datetime.now(UTC).isoformat(timespec="seconds")

    if checked or report.archived:  # nothing new: leave the content root untouched
        with contextlib.suppress(OSError):  # a read-only content root still gets its report
            history.save()
    else:
        _save_scrubbed(history)
    report.records = {u: r for u in urls if (r := history.get(u))}
    report.findings = _findings(refs, report)
    return report


async def _check(urls: list[str], config: CheckerConfig) -> dict[str, LinkCheck]:
    # The HTTP stack (httpx, httpcore, ssl: about a tenth of a second to import) is loaded
    # only when a link is asked about: `check --offline` and a no-op build never do.
    from generator.links.checker import check_urls

    return await check_urls(urls, config)


def _save_scrubbed(history: History) -> None:
    """A history that held a password (written by an older version) is written again
    without it, online or not: the password must not stay in the content root."""
    with contextlib.suppress(OSError):
        if history.scrubbed:
            history.save()
        elif history.forgotten:
            history.forget_snapshots()


def _findings(refs: list[LinkRef], report: LinkReport) -> list[Finding]:
    found: list[Finding] = []
    for student, item, url in refs:
        if has_credentials(url):
            continue  # the offline rule's link-credentials says it, with the URL redacted
        result = report.results.get(url)
        record = report.records.get(url)
        if result is None or result.error == "unchecked":
            if is_web(url):
                deadline = None if result is None else float(result.detail or "0")
                found += unchecked_findings(student, item, url, record, deadline)
            continue
        found += result_findings(student, item, url, result, record)
        saved = report.archived.get(url)
        if saved is not None and not saved.ok:
            found.append(make("link-archive-failed", student, item, None, url=url,
                              reason=saved.error or "?"))
    return found


def is_web(url: str) -> bool:
    """Could a browser open it at all? (The offline rule speaks of the others.)"""
    return not any(r.kind in ("malformed", "not-http") for r in assess(url))


def _run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to the end, also when called from code already inside an event loop."""
    import asyncio  # with ssl, only when the network is asked
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --- the portfolio model's side -------------------------------------------------------------

def portfolio_links(portfolio: Any) -> list[LinkRef]:
    """Every (student, item, url) whose category may carry links.

    Links where none are allowed are already an error (`link-not-allowed`) and are
    to be removed, so they are not visited.
    """
    allowed = set(portfolio.rules.links.allowed_categories)
    refs: list[LinkRef] = []
    for student in portfolio.students:
        for item in student.items:
            if item.type == "course" or item.category not in allowed:
                continue
            refs.extend((student.key, item.id, url) for url in item.links)
    return refs


def settings_for(portfolio: Any) -> LinkSettings:
    """The link settings of a loaded portfolio (its `[link_check]`)."""
    options = getattr(getattr(portfolio, "settings", None), "link_check", None)
    return LinkSettings.from_options(options if isinstance(options, LinkCheckSettings)
                                     else LinkCheckSettings())


def answered_until(portfolio: Any, output: Path) -> float | None:
    """Until when (seconds since the epoch) a build of `portfolio` into `output` would ask
    the network nothing: the oldest last check of its web links plus the cache age
    (`math.inf` with no link to ask about). None when one of them has no answer kept (no
    network, no time left): the next build asks again."""
    history = History.load(output)
    age = settings_for(portfolio).max_age
    oldest: datetime | None = None
    for _student, _item, url in portfolio_links(portfolio):
        if not is_web(url) or has_credentials(url):
            continue   # never asked (run() leaves them out too)
        record = history.get(url)
        if record is None or not record.last or not record.last_checked:
            return None
        checked = parse_time(record.last_checked)
        oldest = checked if oldest is None or checked < oldest else oldest
    return math.inf if oldest is None else (oldest + age).timestamp()


def network_findings(portfolio: Any, *, archive: bool = False) -> list[Finding]:
    """The networked link findings of a loaded portfolio, for `check` and `build`.

    Answers from `.portfolio/links.json` when the last check is younger than the
    cache age, so a rebuild stays off the network.
    """
    return run(portfolio_links(portfolio), portfolio.root, settings_for(portfolio),
               archive=archive).findings


def link_findings(refs: Sequence[LinkRef], root: Path | None, *, offline: bool = False,
                  settings: LinkSettings | None = None) -> list[Finding]:
    """The networked link findings for a list of (student, item, url)."""
    return run(refs, root, settings, offline=offline).findings
