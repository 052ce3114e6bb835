"""The renderers of a build, in the order they run.

A renderer is an object with a `name` and a `run(ctx)` that writes its part of the
output (see BuildContext for what it may use). To add one, add a line to RENDERERS:
its name and "module:attribute", where the attribute is a Renderer instance or a
class made with no arguments. Modules are imported only when their renderer runs, so
a renderer's heavy dependencies (WeasyPrint…) cost nothing to `portfolio check` or
to a build that skips it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from generator.build.context import BuildContext


@runtime_checkable
class Renderer(Protocol):
    name: str

    def run(self, ctx: BuildContext) -> None: ...


RENDERERS: tuple[tuple[str, str], ...] = (
    ("media", "generator.render.media.renderer:MediaRenderer"),  # thumbnails, posters, copies
    ("upload", "generator.media.renderer:UploadMediaRenderer"),  # upload-ready 影音, images
    ("site", "generator.render.site.renderer:SiteRenderer"),     # the HTML pages, theme files
    ("pdf", "generator.render.pdf.build:PdfRenderer"),           # portfolio PDFs, upload 文件
    ("uploads", "generator.render.site.uploads:UploadsRenderer"),  # the list of upload files
    ("compare", "generator.export.pages:ComparePagesRenderer"),  # comparison, 收訖明細
    ("counselor", "generator.counselor.renderer:CounselorRenderer"),  # dashboard, CSVs, comments
)


def load(spec: str) -> Renderer:
    module, _, attr = spec.partition(":")
    obj = getattr(import_module(module), attr)
    renderer = obj() if isinstance(obj, type) else obj
    if not isinstance(renderer, Renderer):
        raise TypeError(f"{spec} is not a renderer (needs .name and .run(ctx))")
    return renderer


def default_renderers(skip: frozenset[str] | set[str] = frozenset()) -> list[Renderer]:
    """Every renderer of RENDERERS in order, but those named in `skip`."""
    return [load(spec) for name, spec in RENDERERS if name not in skip]


def renderer_names() -> list[str]:
    return [name for name, _spec in RENDERERS]
