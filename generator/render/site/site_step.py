"""The site step of the build: the theme's static files, then every out-of-date page."""

from __future__ import annotations

import hashlib

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.workers import TaskFailed
from generator.i18n import text
from generator.render.site import page_links as urls
from generator.render.site.site_pages import PageTask, page_context, plan
from generator.support.atomic import write_bytes

_ENVS: dict[tuple[str, ...], Environment] = {}


def environment(search_path: list[str]) -> Environment:
    """One Jinja2 environment per theme and process (templates compile once)."""
    key = tuple(search_path)
    if key not in _ENVS:
        env = Environment(loader=FileSystemLoader(search_path),
                          autoescape=select_autoescape(["html", "xml"], default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True)
        _ENVS[key] = env
    return _ENVS[key]


def render_page(ctx: BuildContext, task: PageTask) -> str:
    """The HTML of one page (for a renderer that puts pages elsewhere, like a bundle)."""
    env = environment(ctx.theme.search_path("templates"))
    return env.get_template(task.template).render(page_context(ctx, task))


def _render_page(ctx: BuildContext, task: PageTask) -> int:
    data = render_page(ctx, task).encode("utf-8")
    write_bytes(paths.output_path(ctx.output, task.rel), data)
    return len(data)


class SiteRenderer:
    name = "site"

    def run(self, ctx: BuildContext) -> None:
        self.copy_static(ctx)
        planned = plan(ctx)
        todo = [task for task, fp in planned if not ctx.fresh(task.rel, fp)]
        fingerprints = dict((task.rel, fp) for task, fp in planned)
        if todo:
            # Compiled here, before the workers fork, so no worker compiles them again.
            env = environment(ctx.theme.search_path("templates"))
            for name in {task.template for task in todo}:
                env.get_template(name)
        results = ctx.run(text("progress-pages", ctx.lang), _render_page, todo, renderer=self.name)
        for task, result in zip(todo, results, strict=True):
            if not isinstance(result, TaskFailed):
                ctx.record(task.rel, fingerprints[task.rel], self.name)

    def copy_static(self, ctx: BuildContext) -> None:
        for rel, source in ctx.theme.files("static").items():
            data = source.read_bytes()
            out = urls.asset(rel)
            fingerprint = hashlib.sha256(data).hexdigest()
            if not ctx.fresh(out, fingerprint):
                write_bytes(paths.output_path(ctx.output, out), data)
                ctx.record(out, fingerprint, self.name)
