"""From what the network said (and what the history remembers) to findings.

Only what needs the network is said here; what the URL alone says
(`risk.assess`) is the offline checks' job, so nothing is told twice. Every URL
a finding names goes through `redact`: a finding ends up in pages and reports.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

from generator.findings import Finding, make
from generator.i18n import LANGS, said, text
from generator.links.addresses import address_of
from generator.links.history import LinkRecord, day
from generator.links.link_check import NOT_ASKED, LinkCheck
from generator.links.risk import assess, risk
from generator.support.url_credentials import redact

# Where a link ends up matters for these; a shortener or plain http along the way
# is already said of the written URL, and a signed final URL (a download behind a
# stable page) is how many good hosts serve files.
FINAL_URL_RISKS = frozenset({"cloud-drive", "school-account", "localhost", "private-address",
                             "ip-address"})
# What the offline rule already says of a URL written with a private address.
PRIVATE_KINDS = frozenset({"localhost", "private-address"})


def broken_reason(result: LinkCheck) -> dict[str, str]:
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


def result_findings(student: str | None, item: str | None, url: str, result: LinkCheck,
                    record: LinkRecord | None = None) -> list[Finding]:
    """The findings one check of `url` gives, for the item that links to it."""
    if result.error in NOT_ASKED:
        # not a web address, or a password in it: the offline checks say so; unchecked
        # for lack of time: the caller says so, as it says of links not asked at all
        return []
    if result.error == "private":
        return _private(student, item, url, result)
    shown, final = redact(url), redact(result.final_url)
    if not result.ok:
        return [make("link-broken", student, item, None, url=shown, status=result.status,
                     error=result.error,
                     reason=_with_streak(broken_reason(result), record))]
    found: list[Finding] = []
    walled = [k for k in result.risks if k in ("login-wall", "access-request")]
    for kind in walled:
        found.append(make("link-at-risk", student, item, None, url=shown, risk=kind,
                          final=final, reason=risk(kind, final=final).reason))
    if not walled and result.redirected:
        found.append(make("link-redirected", student, item, None, url=shown,
                          final=final, hops=len(result.chain)))
    if result.final_url and result.final_url != url:
        already = {r.kind for r in assess(url)}
        for r in assess(result.final_url):
            if r.kind in FINAL_URL_RISKS and r.kind not in already:
                found.append(make("link-at-risk", student, item, None, url=shown, risk=r.kind,
                                  final=final, reason=r.reason))
    if record is not None and record.content_changed:
        found.append(make("link-content-changed", student, item, None, url=shown,
                          since=day(record.changed_since) or "?"))
    return found


def _private(student: str | None, item: str | None, url: str,
             result: LinkCheck) -> list[Finding]:
    """The link, or a redirect it leads through, is on a private address: not visited."""
    if not result.chain and {r.kind for r in assess(url)} & PRIVATE_KINDS:
        return []  # written as one (127.0.0.1, localhost, 10.x): the offline rule said so
    final = redact(result.final_url)
    host = (urlsplit(final).hostname or final)
    address = result.detail or host
    literal = address_of(host)
    if literal is not None and str(literal) == address:
        reason = said("links.risk.private-target", host=host)
    else:
        reason = said("links.risk.private-resolved", host=host, address=address)
    return [make("link-at-risk", student, item, None, url=redact(url), risk="private-address",
                 final=final, reason=reason)]


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
                       record: LinkRecord | None, deadline: float | None = None
                       ) -> list[Finding]:
    """Offline, with no network at all, or past the run's `deadline` (seconds): never
    "broken", only what is known."""
    why = (said("links.unchecked.offline") if deadline is None
           else said("links.unchecked.deadline", seconds=f"{deadline:g}"))
    return [make("link-unchecked", student, item, None, url=redact(url), why=why,
                 history=history_text(record),
                 last_ok=None if record is None else record.ok)]
