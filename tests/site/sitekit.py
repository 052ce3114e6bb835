"""Building sites in tests: the demo once per session, small roots per test."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from generator.engine.steps import Step
from generator.pipeline.building import BuildResult, build
from generator.render.site.site_step import SiteStep
from generator.render.web_media.web_media_step import MediaStep

DEMO = Path(__file__).resolve().parents[2] / "content"
TODAY_DEMO = None  # the demo's portfolio.toml fixes its own `today`


def site_renderers() -> list[Step]:
    """The site's own steps: PDFs are another issue's and are tested there."""
    return [MediaStep(), SiteStep()]


def build_site(content: Path, output: Path, **kwargs: object) -> BuildResult:
    kwargs.setdefault("offline", True)
    kwargs.setdefault("jobs", 2)
    return build(content, output, renderers=site_renderers(), **kwargs)  # type: ignore[arg-type]


def copy_demo(dest: Path) -> Path:
    shutil.copytree(DEMO, dest, ignore=shutil.ignore_patterns(".portfolio", "output"))
    return dest


def pages(result: BuildResult) -> list[str]:
    return sorted(rel for rel in result.rendered if rel.endswith(".html"))


class Refs(HTMLParser):
    """Every URL a page refers to: links, images, sources, media, stylesheets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []   # (tag, attribute, url)
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.scripts = 0
        self.handlers: list[str] = []   # on… attributes: event handlers

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "script":
            self.scripts += 1
        self.handlers += [f"{tag} {name}" for name in a if name.lower().startswith("on")]
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for name in ("href", "src", "poster", "data"):
            if a.get(name):
                self.urls.append((tag, name, a[name] or ""))
        if a.get("srcset"):
            for part in (a["srcset"] or "").split(","):
                if part.strip():
                    self.urls.append((tag, "srcset", part.split()[0]))


def refs(html: str) -> Refs:
    parser = Refs()
    parser.feed(html)
    return parser


EXTERNAL = re.compile(r"^(https?:|mailto:)", re.I)
