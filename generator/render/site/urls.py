"""Where each page lives in the output, and relative links between them.

Every link is relative and names `index.html` explicitly, so the site works from
`file://` (where a folder link opens a directory listing, not the page) and from
any sub-path of any web server.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

ASSETS = "assets"


def index_page() -> str:
    return "index.html"


def student_page(slug: str) -> str:
    return f"{slug}/index.html"


def item_page(slug: str, item_id: str) -> str:
    return f"{slug}/items/{item_id}/index.html"


def department_page(slug: str, code: str) -> str:
    return f"{slug}/departments/{code}/index.html"


def student_pdf(slug: str) -> str:
    return f"{slug}/portfolio.pdf"


def department_pdf(slug: str, code: str) -> str:
    return f"{slug}/departments/{code}/portfolio.pdf"


def asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def relative(from_page: str, target: str) -> str:
    """The URL of `target` (an output path) as seen from the page at `from_page`."""
    start = posixpath.dirname(from_page) or "."
    rel = posixpath.relpath(target, start)
    return quote(rel, safe="/#?=&.-_~")


class Linker:
    """URL helpers bound to one page, for templates: `url.student(slug)` and so on."""

    def __init__(self, page: str):
        self.page = page

    def to(self, target: str) -> str:
        return relative(self.page, target)

    def index(self) -> str:
        return self.to(index_page())

    def student(self, slug: str) -> str:
        return self.to(student_page(slug))

    def item(self, slug: str, item_id: str) -> str:
        return self.to(item_page(slug, item_id))

    def department(self, slug: str, code: str) -> str:
        return self.to(department_page(slug, code))

    def asset(self, name: str) -> str:
        return self.to(asset(name))

    def item_prefix(self, slug: str, item_id: str) -> str:
        """What to put before an item's own `files/…` URLs when shown on this page."""
        folder = posixpath.dirname(item_page(slug, item_id))
        rel = posixpath.relpath(folder, posixpath.dirname(self.page) or ".")
        return "" if rel == "." else quote(rel, safe="/.-_~") + "/"
