"""The counselor step of the build: the class dashboard, the CSV files, and one page per
student with the comments and deadlines (`<student>/counselor.html`).

It runs after the site. The class index (`index.html`) is the site's page, drawn from
the same template: the site writes the plain class table, this step writes the
dashboard over it whenever the site wrote it or the dashboard's own inputs changed
(their fingerprint is kept in `.portfolio/counselor.json`, so the site's record of
the page is never disturbed and an unchanged build rewrites nothing).

`with_reviews = False` makes the student-only site: no comments are read at all.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.build.context import BuildContext
from generator.build.state import STATE_DIR
from generator.counselor.csvs import findings_csv, summary_csv
from generator.counselor.deadlines import parse_deadlines
from generator.counselor.reviews import Reviews, load_reviews
from generator.counselor.rows import StudentRow, class_rows
from generator.findings import sort_key
from generator.i18n import text
from generator.render.site import urls
from generator.render.site.pages import PageTask, _base
from generator.render.site.renderer import environment, write_atomic

NAME = "counselor"
INDEX = urls.index_page()
FINDINGS_CSV = "findings.csv"
SUMMARY_CSV = "summary.csv"
TEMPLATE = "counselor.html"


def counselor_page(slug: str) -> str:
    return f"{slug}/counselor.html"


def build_time() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now().astimezone()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def last_built(output: Path, slug: str) -> str:
    """When the student's own pages or PDF were last written (the reproducible build
    time under SOURCE_DATE_EPOCH)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return _stamp(build_time())
    times = [p.stat().st_mtime for p in (output / urls.student_page(slug),
                                          output / urls.student_pdf(slug)) if p.exists()]
    return _stamp(datetime.fromtimestamp(max(times)).astimezone()) if times else ""


class CounselorRenderer:
    name = NAME

    def __init__(self, reviews_dir: Path | None = None, with_reviews: bool = True):
        self.reviews_dir = reviews_dir
        self.with_reviews = with_reviews

    # ------------------------------------------------------------------ inputs
    def reviews(self, ctx: BuildContext) -> dict[str, Reviews]:
        if not self.with_reviews:
            return {}
        folder = self.reviews_dir
        if folder is None and (ctx.content / "reviews").is_dir():
            folder = ctx.content / "reviews"
        return load_reviews(ctx.students(), folder)

    def rows(self, ctx: BuildContext) -> tuple[list[StudentRow], dict[str, Reviews], list[str]]:
        windows, problems = parse_deadlines(ctx.portfolio.settings.extra.get("deadlines"))
        reviews = self.reviews(ctx)
        rows = class_rows(ctx.portfolio, ctx.findings, ctx.lang, windows, reviews)
        for row in rows:
            row.last_built = last_built(ctx.output, row.slug)
        problems += [p for r in reviews.values() for p in r.problems]
        return rows, reviews, problems

    # ------------------------------------------------------------------ run
    def run(self, ctx: BuildContext) -> None:
        rows, reviews, problems = self.rows(ctx)
        common = [ctx.theme.digest("templates"), ctx.portfolio.settings.school,
                  ctx.today.isoformat(), self.with_reviews, problems]
        self._write(ctx, FINDINGS_CSV, lambda: findings_csv(ctx.portfolio, ctx.findings,
                                                             ctx.lang),
                    [repr(sorted(ctx.findings, key=sort_key)),
                     [(s.key, s.name, s.slug) for s in ctx.students()]])
        self._write(ctx, SUMMARY_CSV, lambda: summary_csv(rows, ctx.lang), [repr(rows)])
        for row in rows:
            rel = counselor_page(row.slug)
            review = reviews.get(row.slug)
            self._write(ctx, rel, lambda row=row, rel=rel, review=review:
                        self._student_page(ctx, rel, row, review),
                        [common, repr(row), repr(review)])
        self._dashboard(ctx, rows, problems, common)

    def _write(self, ctx: BuildContext, rel: str, make: Any, inputs: list[Any]) -> None:
        fp = ctx.fingerprint(NAME, rel, inputs)
        if not ctx.fresh(rel, fp):
            write_atomic(ctx.output / rel, make())
            ctx.record(rel, fp, NAME)

    # ------------------------------------------------------------------ pages
    def _context(self, ctx: BuildContext, rel: str, kind: str, title: str,
                 crumbs: list[tuple[str, str]]) -> dict[str, Any]:
        return {**_base(ctx, PageTask(kind, rel, ""), title, crumbs),
                "with_reviews": self.with_reviews,
                "kind_label": lambda kind: text(f"cn-kind-{kind}", ctx.lang)}

    def _student_page(self, ctx: BuildContext, rel: str, row: StudentRow,
                      review: Reviews | None) -> bytes:
        linker = urls.Linker(rel)
        title = text("cn-student-title", ctx.lang, name=row.name)
        found = sorted((f.localized(ctx.lang) for f in ctx.findings
                        if f.student == row.key), key=sort_key)
        items = {i.id: i for i in row.student.items}
        data = {**self._context(ctx, rel, "counselor", title,
                                [(text("site-class-title", ctx.lang), linker.index()),
                                 (row.name, linker.student(row.slug))]),
                "row": row, "review": review if self.with_reviews else None,
                "items": items, "findings": found}
        env = environment(ctx.theme.search_path("templates"))
        return env.get_template(TEMPLATE).render(data).encode("utf-8")

    def _dashboard(self, ctx: BuildContext, rows: list[StudentRow], problems: list[str],
                   common: list[Any]) -> None:
        general = [f for f in ctx.findings if f.student is None]
        fp = ctx.fingerprint(NAME, INDEX, common, repr(rows), repr(sorted(general, key=sort_key)))
        memory = ctx.output / STATE_DIR / "counselor.json"
        try:
            previous = json.loads(memory.read_text("utf-8")).get("index")
        except (OSError, ValueError, AttributeError):
            previous = None
        site_wrote = INDEX in ctx.state.rendered
        if previous == fp and not site_wrote and (ctx.output / INDEX).exists():
            return
        linker = urls.Linker(INDEX)
        data = {**self._context(ctx, INDEX, "index", text("site-class-title", ctx.lang), []),
                "dashboard": True, "rows": rows, "problems": problems,
                "findings": sorted((f.localized(ctx.lang) for f in general), key=sort_key),
                "built_at": _stamp(build_time()),
                "counselor_url": lambda slug: linker.to(counselor_page(slug)),
                "csv": {"findings": linker.to(FINDINGS_CSV), "summary": linker.to(SUMMARY_CSV)}}
        env = environment(ctx.theme.search_path("templates"))
        write_atomic(ctx.output / INDEX, env.get_template("index.html").render(data)
                     .encode("utf-8"))
        entry = ctx.state.current.get(INDEX)
        if entry is None:
            ctx.record(INDEX, fp, NAME)
        elif not site_wrote:
            ctx.record(INDEX, entry["fp"], entry.get("by", "site"))
        memory.parent.mkdir(parents=True, exist_ok=True)
        memory.write_text(json.dumps({"index": fp}), "utf-8")
