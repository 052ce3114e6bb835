"""The print part of a theme (`themes/<name>/print/`): templates and print.css → HTML.

Which folder a file comes from is the site's `Theme` rule (content root first, then
the shipped theme, then `default`), so a school can restyle the cover by dropping in
one template without copying the rest.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.engine.themes import Theme
from generator.i18n import HTML_LANG, text

if TYPE_CHECKING:
    from jinja2 import Environment

SUBDIR = "print"


class PrintTheme:
    def __init__(self, theme: Theme | None = None, *, name: str | None = None,
                 content_root: Path | None = None, cache: Path | None = None):
        """`cache`: a folder of the build's cache to keep the compiled templates in."""
        self.theme = theme or Theme.resolve(content_root, name)
        self._cache = cache
        dirs = tuple(self.theme.search_path(SUBDIR))
        if not dirs:
            raise FileNotFoundError(f"no {SUBDIR}/ folder in theme {self.theme.name!r}")
        self._dirs = dirs

    @property
    def env(self) -> Environment:
        """The templates, loaded when a page is first rendered (a plan renders none)."""
        return _environment(self._dirs, self._cache)

    def preload(self) -> None:
        """WeasyPrint, this theme's stylesheet and fonts, and its templates, loaded now,
        before a step forks its workers: each would otherwise load them again."""
        from generator.render.pdf.pdf_assembly import preload

        preload(self.css())
        self.warm()

    def warm(self) -> None:
        """Load every template now, before a step forks its workers: each would otherwise
        compile (or read from the cache) the same templates on its first page."""
        from jinja2 import TemplateError

        env = self.env
        for name in env.list_templates(extensions=["html"]):
            try:
                env.get_template(name)
            except (TemplateError, OSError, UnicodeDecodeError):
                continue   # a school's broken template: said by the output that uses it

    def css(self) -> str:
        path = self.theme.find(f"{SUBDIR}/print.css")
        return path.read_text("utf-8") if path else ""

    def fingerprint(self) -> str:
        """A hash of every file of the print theme: a changed theme renders again."""
        return self.theme.digest(SUBDIR)

    def render(self, template: str, lang: str, **context: Any) -> str:
        def t(key: str, **params: Any) -> str:
            return text(f"pdf-{key}", lang, **params)

        return self.env.get_template(template).render(
            t=t, lang=lang, html_lang=HTML_LANG.get(lang, lang), css=self.css(), **context)


@cache
def _environment(dirs: tuple[str, ...], cache: Path | None) -> Environment:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    from generator.render.compiled_templates import CompiledTemplates

    loader = ChoiceLoader([FileSystemLoader(d) for d in dirs])
    return Environment(loader=loader, autoescape=True, undefined=StrictUndefined,
                       bytecode_cache=CompiledTemplates(cache) if cache else None)
