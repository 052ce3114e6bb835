"""Relative links between the site's pages, for templates and page builders.

Where each page lives is `generator.engine.output_paths`'s to say (re-exported here for the
modules that import it from the site); every link is relative, percent-encoded and
names `index.html` explicitly, so the site works from `file://` (where a folder link
opens a directory listing, not the page) and from any sub-path of any web server.
"""

from __future__ import annotations

from generator.engine.output_paths import (
    ASSETS,
    anchor,
    asset,
    department_page,
    department_pdf,
    folder_prefix,
    href,
    index_page,
    item_dir,
    item_page,
    student_page,
    student_pdf,
)

__all__ = ["ASSETS", "Linker", "asset", "department_page", "department_pdf", "index_page",
           "item_page", "relative", "student_page", "student_pdf"]


def relative(from_page: str, target: str) -> str:
    """The URL of `target` (an output path) as seen from the page at `from_page`."""
    return href(from_page, target)


class Linker:
    """URL helpers bound to one page, for templates: `url.student(slug)` and so on."""

    def __init__(self, page: str):
        self.page = page

    def to(self, target: str, fragment: str | None = None) -> str:
        return href(self.page, target, fragment)

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

    def anchor(self, fragment: str) -> str:
        """A link to an element of this page by its id (percent-encoded)."""
        return anchor(fragment)

    def item_prefix(self, slug: str, item_id: str) -> str:
        """What to put before an item's own `files/…` URLs when shown on this page."""
        return folder_prefix(self.page, item_dir(slug, item_id))
