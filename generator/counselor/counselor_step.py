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

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.checks.deadlines import school_windows
from generator.content import reviews as comments
from generator.content.reviews import Reviews, load_reviews
from generator.counselor.counselor_csvs import findings_csv, summary_csv
from generator.counselor.dashboard_rows import StudentRow, class_rows
from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.findings import Finding, sort_key
from generator.i18n import label, text
from generator.render.site import page_links as urls
from generator.render.site.site_pages import PageTask, _base
from generator.render.site.site_step import environment
from generator.support.atomic import write_bytes
from generator.support.clock import source_date_epoch

NAME = "counselor"
INDEX = urls.index_page()
FINDINGS_CSV = "findings.csv"
SUMMARY_CSV = "summary.csv"
TEMPLATE = "counselor.html"


counselor_page = paths.counselor_page


def build_time() -> datetime:
    return source_date_epoch() or datetime.now().astimezone()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def last_built(output: Path, slug: str) -> str:
    """When the student's own pages or PDF were last written (the reproducible build
    time under SOURCE_DATE_EPOCH)."""
    if source_date_epoch() is not None:
        return _stamp(build_time())
    times = [p.stat().st_mtime for p in (output / urls.student_page(slug),
                                          output / urls.student_pdf(slug)) if p.exists()]
    return _stamp(datetime.fromtimestamp(max(times)).astimezone()) if times else ""


class CounselorStep:
    name = NAME

    def __init__(self, reviews_dir: Path | None = None, with_reviews: bool = True):
        self.reviews_dir = reviews_dir
        self.with_reviews = with_reviews

    # ------------------------------------------------------------------ inputs
    def reviews(self, ctx: BuildContext) -> dict[str, Reviews]:
        if not self.with_reviews:
            return {}
        folder = self.reviews_dir or comments.default_reviews_dir(ctx.content)
        return load_reviews(ctx.students(), folder, ctx.content)

    def findings(self, ctx: BuildContext, reviews: dict[str, Reviews]) -> list[Finding]:
        """Every finding, the counselor's own included. The check read the comments from
        their default places; those actually used here (`--reviews DIR`, or none at all
        for the student-only site) replace what it said about them."""
        others = [f for f in ctx.check.findings if f.code not in comments.CODES]
        return others + comments.review_findings(reviews)

    def rows(self, ctx: BuildContext) -> tuple[list[StudentRow], dict[str, Reviews],
                                               list[Finding]]:
        windows = school_windows(ctx.portfolio)
        reviews = self.reviews(ctx)
        found = self.findings(ctx, reviews)
        rows = class_rows(ctx.portfolio, found, ctx.lang, windows, reviews)
        for row in rows:
            row.last_built = last_built(ctx.output, row.slug)
        return rows, reviews, found

    # ------------------------------------------------------------------ plan and run
    def plan(self, ctx: BuildContext) -> list[Output]:
        """The dashboard (the class index: this step owns it over the site's plain one),
        the two CSV files and a page per student. Fingerprinted when made: they show
        every finding, the PDF step's too."""
        return [Output(INDEX, ""), Output(FINDINGS_CSV, ""), Output(SUMMARY_CSV, ""),
                *(Output(counselor_page(s.slug), "") for s in ctx.students())]

    def run(self, ctx: BuildContext) -> None:
        rows, reviews, found = self.rows(ctx)
        common = [ctx.theme.digest("templates"), ctx.portfolio.settings.school,
                  ctx.today.isoformat(), self.with_reviews]
        self._write(ctx, FINDINGS_CSV, lambda: findings_csv(ctx.portfolio, found, ctx.lang),
                    [repr(sorted(found, key=sort_key)),
                     [(s.key, s.name, s.slug) for s in ctx.students()]])
        self._write(ctx, SUMMARY_CSV, lambda: summary_csv(rows, ctx.lang), [repr(rows)])
        by_student: dict[str | None, list[Finding]] = {}
        for f in found:
            by_student.setdefault(f.student, []).append(f)
        pending = []
        for row in rows:
            rel = counselor_page(row.slug)
            mine = sorted(by_student.get(row.key, []), key=sort_key)
            fp = ctx.fingerprint(NAME, rel, common, repr(row), repr(reviews.get(row.slug)),
                                 repr(mine))
            if not ctx.fresh(rel, fp):
                # Each task carries what its page is drawn from, so it can be drawn in
                # a forked worker or on a cluster's alike.
                pending.append(StudentPageJob(rel, row.slug, fp, _PageInputs(
                    row, reviews.get(row.slug), mine, self.with_reviews)))
        # A page keeps nothing once written: one pool of workers makes them all.
        results = ctx.run(text("progress-counselor", ctx.lang), _student_page_task, pending,
                          NAME, renew=False)
        for job, result in zip(pending, results, strict=True):
            if result is True:
                ctx.record(job.rel, job.fp, NAME)
        self._dashboard(ctx, rows, [f for f in found if f.student is None], common)

    def _write(self, ctx: BuildContext, rel: str, make: Any, inputs: list[Any]) -> None:
        fp = ctx.fingerprint(NAME, rel, inputs)
        if not ctx.fresh(rel, fp):
            write_bytes(ctx.output / rel, make())
            ctx.record(rel, fp, NAME)

    def _dashboard(self, ctx: BuildContext, rows: list[StudentRow], general: list[Finding],
                   common: list[Any]) -> None:
        fp = ctx.fingerprint(NAME, INDEX, common, repr(rows), repr(sorted(general, key=sort_key)))
        if ctx.fresh(INDEX, fp):
            return
        linker = urls.Linker(INDEX)
        data = {**_context(ctx, INDEX, "index", text("site-class-title", ctx.lang), [],
                           self.with_reviews),
                "dashboard": True, "rows": rows,
                "mixed_tracks": len({r.track for r in rows}) > 1,
                "findings": sorted((f.localized(ctx.lang) for f in general), key=sort_key),
                "built_at": _stamp(build_time()),
                "counselor_url": lambda slug: linker.to(counselor_page(slug)),
                "csv": {"findings": linker.to(FINDINGS_CSV), "summary": linker.to(SUMMARY_CSV)}}
        env = environment(ctx.theme.search_path("templates"))
        write_bytes(ctx.output / INDEX, env.get_template("index.html").render(data)
                     .encode("utf-8"))
        ctx.record(INDEX, fp, NAME)


# ---------------------------------------------------------------------- student pages

@dataclass(frozen=True)
class StudentPageJob:
    rel: str
    slug: str
    fp: str
    page: _PageInputs

    def __str__(self) -> str:           # how a failed page is named to the user
        return self.rel

    @property
    def cluster_scope(self) -> str:     # the student it needs (engine/cluster.py)
        return self.slug


def _context(ctx: BuildContext, rel: str, kind: str, title: str,
             crumbs: list[tuple[str, str]], with_reviews: bool) -> dict[str, Any]:
    return {**_base(ctx, PageTask(kind, rel, ""), title, crumbs),
            "with_reviews": with_reviews,
            "kind_label": lambda kind: text(f"cn-kind-{kind}", ctx.lang),
            # A finding code as a person reads it; the code itself stays in data-code.
            "finding_label": lambda code: label(code, ctx.lang)}


@dataclass(frozen=True)
class _PageInputs:
    """What one student's counselor page is drawn from."""

    row: StudentRow
    review: Reviews | None
    findings: list[Finding]
    with_reviews: bool


def _student_page_task(ctx: BuildContext, job: StudentPageJob) -> bool:
    """One student's counselor page (runs in a worker)."""
    shared = job.page
    row, review = shared.row, shared.review
    linker = urls.Linker(job.rel)
    title = text("cn-student-title", ctx.lang, name=row.name)
    found = sorted((f.localized(ctx.lang) for f in shared.findings), key=sort_key)
    data = {**_context(ctx, job.rel, "counselor", title,
                       [(text("site-class-title", ctx.lang), linker.index()),
                        (row.name, linker.student(row.slug))], shared.with_reviews),
            "row": row, "review": review if shared.with_reviews else None,
            "items": {i.id: i for i in row.student.items}, "findings": found}
    env = environment(ctx.theme.search_path("templates"))
    write_bytes(ctx.output / job.rel, env.get_template(TEMPLATE).render(data).encode("utf-8"))
    return True
