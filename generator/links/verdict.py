"""From what the network said (and what the history remembers) to findings.

Only what needs the network is said here; what the URL alone says
(`risk.assess`) is the offline checks' job, so nothing is told twice.
"""

from __future__ import annotations

from http import HTTPStatus

from generator.findings import Finding, make
from generator.i18n import LANGS, text
from generator.links.checker import CheckResult
from generator.links.history import LinkRecord, day
from generator.links.risk import assess, risk

# Where a link ends up matters for these; a shortener or plain http along the way
# is already said of the written URL, and a signed final URL (a download behind a
# stable page) is how many good hosts serve files.
FINAL_URL_RISKS = frozenset({"cloud-drive", "school-account", "localhost", "private-address",
                             "ip-address"})


def said(key: str, **params: object) -> dict[str, str]:
    """A catalog text in every language, to pass as a message parameter."""
    return {lang: text(key, lang, **params) for lang in LANGS}


def broken_reason(result: CheckResult) -> dict[str, str]:
    """Why the link does not work, in words a student can act on."""
    error, status = result.error, result.status
    if error == "status" and status is not None:
        if status == 404:
            return said("links.broken.not-found")
        if status == 410:
            return said("links.broken.gone")
        if status == 403:
            return said("links.broken.forbidden")
        if status >= 500:
            return said("links.broken.server-error", status=status)
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = result.detail or "?"
        return said("links.broken.status", status=status, phrase=phrase)
    if error in ("timeout", "connect-timeout"):
        return said("links.broken.timeout", seconds=result.detail or "?")
    if error == "dns":
        return said("links.broken.dns", host=result.detail)
    if error in ("tls", "refused", "too-many-redirects", "soft-404", "parked"):
        return said(f"links.broken.{error}")
    return said("links.broken.network", detail=result.detail or error or "?")


def _with_streak(reason: dict[str, str], record: LinkRecord | None) -> dict[str, str]:
    if record is None or record.consecutive_failures < 2:
        return reason
    last = day(record.last_success)
    return {lang: reason[lang] + text(
        "links.history.streak", lang, count=record.consecutive_failures,
        last_success=last or text("links.history.none", lang)) for lang in LANGS}


def result_findings(student: str | None, item: str | None, url: str, result: CheckResult,
                    record: LinkRecord | None = None) -> list[Finding]:
    """The findings one check of `url` gives, for the item that links to it."""
    if result.error == "skipped":
        return []  # not a web address: the offline checks already say so
    if not result.ok:
        return [make("link-broken", student, item, None, url=url, status=result.status,
                     error=result.error,
                     reason=_with_streak(broken_reason(result), record))]
    found: list[Finding] = []
    walled = [k for k in result.risks if k in ("login-wall", "access-request")]
    for kind in walled:
        found.append(make("link-at-risk", student, item, None, url=url, risk=kind,
                          final=result.final_url,
                          reason=risk(kind, final=result.final_url).reason))
    if not walled and result.redirected:
        found.append(make("link-redirected", student, item, None, url=url,
                          final=result.final_url, hops=len(result.chain)))
    if result.final_url and result.final_url != url:
        already = {r.kind for r in assess(url)}
        for r in assess(result.final_url):
            if r.kind in FINAL_URL_RISKS and r.kind not in already:
                found.append(make("link-at-risk", student, item, None, url=url, risk=r.kind,
                                  final=result.final_url, reason=r.reason))
    if record is not None and record.content_changed:
        found.append(make("link-content-changed", student, item, None, url=url,
                          since=day(record.changed_since) or "?"))
    return found


def history_text(record: LinkRecord | None) -> dict[str, str]:
    """What the history says of a link that could not be checked now."""
    if record is None or record.ok is None:
        return said("links.history.never")
    date = day(record.last_checked)
    if record.ok:
        return said("links.history.ok", date=date)
    status = str(record.status) if record.status else (record.error or "?")
    return {lang: text("links.history.failed", lang, date=date, status=status,
                       last_success=day(record.last_success)
                       or text("links.history.none", lang)) for lang in LANGS}


def unchecked_findings(student: str | None, item: str | None, url: str,
                       record: LinkRecord | None) -> list[Finding]:
    """Offline, or with no network at all: never "broken", only what is known."""
    return [make("link-unchecked", student, item, None, url=url,
                 history=history_text(record),
                 last_ok=None if record is None else record.ok)]
