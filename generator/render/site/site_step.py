"""The site step of the build: the theme's static files, then every out-of-date page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, cast

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.engine.workers import TaskFailed
from generator.i18n import text
from generator.render.site.site_pages import PageTask, page_context, plan
from generator.support.atomic import write_bytes

if TYPE_CHECKING:
    from jinja2 import Environment


def environment(search_path: list[str], cache: Path | None = None,
                digest: str = "") -> Environment:
    """The theme's templates (render/compiled_templates.py), Jinja2 loaded only now."""
    from generator.render.compiled_templates import environment as compiled

    return compiled(search_path, cache, digest)


def site_environment(ctx: BuildContext) -> Environment:
    """The theme's page templates as this build found them, compiled once and kept in
    the build's cache; looked up once per build and process, not once per page."""
    env = ctx.memo.get("site-environment")
    if env is None:
        env = ctx.memo["site-environment"] = environment(
            ctx.theme.search_path("templates"), ctx.cache_dir / "templates",
            ctx.theme.digest("templates"))
    return cast("Environment", env)


def render_page(ctx: BuildContext, task: PageTask) -> str:
    """The HTML of one page (for a renderer that puts pages elsewhere, like a bundle)."""
    env = site_environment(ctx)
    return env.get_template(task.template).render(page_context(ctx, task))


def _render_page(ctx: BuildContext, task: PageTask) -> int:
    data = render_page(ctx, task).encode("utf-8")
    write_bytes(paths.output_path(ctx.output, task.rel), data)
    return len(data)


class SiteStep:
    name = "site"

    def plan(self, ctx: BuildContext) -> list[Output]:
        """The theme's static files, then every page (see site_pages.plan)."""
        static = [Output(paths.asset(rel), hashlib.sha256(source.read_bytes()).hexdigest(),
                         source) for rel, source in ctx.theme.files("static").items()]
        return static + [Output(task.rel, fp, task) for task, fp in plan(ctx)]

    def run(self, ctx: BuildContext) -> None:
        mine = ctx.plan.of(self.name)
        for out in mine:
            if isinstance(out.task, Path) and not ctx.fresh(out.rel, out.fingerprint):
                write_bytes(ctx.path(out.rel), out.task.read_bytes())
                ctx.record(out.rel, out.fingerprint, self.name)
        # A page another step owns (the counselor's dashboard is the class index) is its.
        todo = [out.task for out in mine if isinstance(out.task, PageTask)
                and not ctx.fresh(out.rel, out.fingerprint)]
        fingerprints = {out.rel: out.fingerprint for out in mine}
        if todo:
            # Compiled here, before the workers fork, so no worker compiles them again.
            env = site_environment(ctx)
            for name in {task.template for task in todo}:
                env.get_template(name)
        # A page keeps nothing once written: one pool of workers makes them all.
        results = ctx.run(text("progress-pages", ctx.lang), _render_page, todo,
                          renderer=self.name, renew=False)
        for task, result in zip(todo, results, strict=True):
            if not isinstance(result, TaskFailed):
                ctx.record(task.rel, fingerprints[task.rel], self.name)
