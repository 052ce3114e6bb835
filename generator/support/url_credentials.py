"""Web addresses as they may be shown or stored: never with a user name or password.

Every place that prints, writes or remembers an address (findings, pages, PDFs, the
link history) goes through `redact`, so a password pasted into a link goes nowhere.
"""

from __future__ import annotations

import re

# The authority of a URL runs from "//" to the first "/", "?" or "#"; whatever stands
# before its last "@" is a user name and perhaps a password. Read generously (with
# or without a scheme, "\\" for "/" as browsers do, parsable or not): cutting too
# much from a strange URL costs nothing, showing a password does.
_USERINFO = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?[/\\]{2})[^/?#]*@")
# The same anywhere in a text (a link in a reflection's Markdown): an authority of
# no white space, which ends a link written in running text.
_USERINFO_IN_TEXT = re.compile(r"[/\\]{2}[^/?#\s]*@")


def has_credentials(url: str) -> bool:
    """Whether `url` carries a user name or password (`user:pass@host`, `user@host`)."""
    return _USERINFO.match(url) is not None


def mentions_credentials(text: str) -> bool:
    """Whether `text`, as a whole or anywhere in it, holds an address with a user name
    or password: what may not be kept where `redact` is not in the way."""
    return has_credentials(text) or _USERINFO_IN_TEXT.search(text) is not None


# An address as written in running text or Markdown: a scheme, "//", and what follows
# up to white space, a quote, a bracket (the end of a Markdown link or autolink) or the
# full-width punctuation a Chinese sentence goes on with.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[/\\]{2}"
                          r"[^\s<>()\[\]\"'，。、；：！？「」『』（）]+")


def addresses_with_credentials(text: str) -> list[str]:
    """The addresses written in `text` (a reflection) that carry a user name or password,
    each once, as written: for a finding, which shows them only through `redact`."""
    return [url for url in dict.fromkeys(_URL_IN_TEXT.findall(text)) if has_credentials(url)]


def redact(url: str) -> str:
    """`url` as it may be shown or stored: any user name and password removed.

    Every place that prints, writes or remembers a link's address goes through
    this, so a password pasted into a link never reaches a page, a PDF or a report.
    """
    return _USERINFO.sub(r"\1", url, count=1)
