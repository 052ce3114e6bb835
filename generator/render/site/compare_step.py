"""The build step for the comparison page and the 收訖明細 checklists.

Outputs, per student:
    <student>/compare.html               items × departments, coverage, review time
    <student>/checklist/<term>.html      that term's 收訖明細: one section per confirmation
    <student>/checklist/<term>.pdf       the same, printable

Joins the build's STEPS as "compare" (after the site, whose
stylesheet the pages use). Each output is fingerprinted by the student's model, the
rules, the school's windows, the theme's templates, the language and the date, so an
unchanged student renders nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.i18n import HTML_LANG, text
from generator.model import Student
from generator.render.site import item_views as views
from generator.render.site import page_links as urls
from generator.render.site.site_step import site_environment
from generator.support.atomic import write_bytes
from generator.support.code_digest import files_digest

NAME = "compare"


compare_page = paths.compare_page
checklist_page = paths.checklist_page
checklist_pdf = paths.checklist_pdf


def _base(ctx: BuildContext, rel: str, title: str, student: Student) -> dict[str, Any]:
    lang = ctx.lang
    rules = ctx.portfolio.rules_for(student)  # the student's own track's codes and labels
    linker = urls.Linker(rel)
    return {
        "lang": lang, "html_lang": HTML_LANG.get(lang, lang), "title": title,
        "t": lambda key, **kw: text(key, lang, **kw), "url": linker,
        "school": ctx.portfolio.settings.school, "page": "compare", "today": ctx.today,
        "rules": rules, "student": student,
        "crumbs": [(text("site-class-title", lang), linker.index()),
                   (student.name, linker.student(student.slug))],
        "code_label": lambda code: views.code_label(rules, code, lang),
        "item_url": lambda item_id: linker.item(student.slug, item_id),
        "dep_url": lambda code: linker.department(student.slug, code),
    }


def _render(ctx: BuildContext, template: str, context: dict[str, Any]) -> str:
    env = site_environment(ctx)
    return env.get_template(template).render(context)


def checklist_terms(ctx: BuildContext, student: Student) -> list[int]:
    from generator.checks.deadlines import school_windows
    from generator.render.site.compare_views import checklist_terms as terms

    return terms(student, ctx.portfolio.rules, ctx.today, school_windows(ctx.portfolio))


def render_compare(ctx: BuildContext, student: Student) -> str:
    from generator.render.site.compare_views import comparison

    rel = compare_page(student.slug)
    linker = urls.Linker(rel)
    view = comparison(student, ctx.portfolio.rules_for(student), ctx.lang)
    terms = [(t, linker.to(checklist_page(student.slug, t)))
             for t in checklist_terms(ctx, student)]
    return _render(ctx, "compare.html", {
        **_base(ctx, rel, text("compare-title", ctx.lang, name=student.name), student),
        "view": view, "checklists": terms})


def render_checklist(ctx: BuildContext, student: Student, term: int, pdf: bool = True) -> str:
    from generator.checks.deadlines import school_windows
    from generator.render.site.compare_views import term_checklist

    rel = checklist_page(student.slug, term)
    view = term_checklist(student, ctx.portfolio.rules_for(student), term, ctx.lang,
                          school_windows(ctx.portfolio), ctx.today)
    base = _base(ctx, rel, text("checklist-title", ctx.lang, term=term), student)
    base["page"] = "checklist"
    return _render(ctx, "checklist.html", {
        **base, "c": view,
        "pdf": urls.Linker(rel).to(checklist_pdf(student.slug, term)) if pdf else None})


def html_to_pdf(html: str, base_url: str, created: str) -> bytes:
    from generator.render.pdf.pdf_assembly import load_weasyprint, shared_fonts

    doc = load_weasyprint().HTML(string=html, base_url=base_url).render(
        font_config=shared_fonts())
    doc.metadata.created = created
    doc.metadata.modified = created
    return doc.write_pdf()


@dataclass(frozen=True)
class ComparePageJob:
    """One output of this step for one student: the comparison page, or one term's
    checklist (its page and, unless PDFs are skipped, its PDF)."""

    slug: str
    rel: str
    fp: str
    term: int | None = None          # None: the comparison page
    pdf: str | None = None

    def __str__(self) -> str:        # how a failed page is named to the user
        return self.rel

    @property
    def cluster_scope(self) -> str:  # the student it needs (engine/cluster.py)
        return self.slug


def _run_job(ctx: BuildContext, job: ComparePageJob) -> bool:
    """Write one job's files (in a worker: WeasyPrint is the slow part of this step)."""
    from generator.render.pdf.pdf_assembly import timestamp

    student = ctx.student(job.slug)
    if job.term is None:
        write_bytes(ctx.path(job.rel), render_compare(ctx, student).encode("utf-8"))
        return True
    html = render_checklist(ctx, student, job.term, job.pdf is not None)
    write_bytes(ctx.path(job.rel), html.encode("utf-8"))
    if job.pdf is not None:
        data = html_to_pdf(html, (ctx.output / job.rel).resolve().as_uri(),
                           timestamp(ctx.today))
        write_bytes(ctx.path(job.pdf), data)
    return True


@cache
def code_digest() -> str:
    """This step's code, the printed tables' column shares, the PDF renderer's code and
    the words: a fix to any of them makes the comparison and the checklists again."""
    here = Path(__file__).parent
    return files_digest([here / "compare_step.py", here / "compare_views.py",
                         here.parent / "column_shares.py", *(here.parent / "pdf").glob("*.py"),
                         *(here.parents[1] / "messages").glob("*.toml")])


class CompareStep:
    name = NAME

    def plan(self, ctx: BuildContext) -> list[Output]:
        from generator.render.pdf.pdf_assembly import timestamp

        common = [NAME, code_digest(), ctx.theme.digest("templates"), ctx.theme.digest("static"),
                  ctx.portfolio.rules.model_dump(mode="json", by_alias=True),
                  ctx.portfolio.settings.deadlines.model_dump(mode="json"),
                  ctx.portfolio.settings.school, ctx.today.isoformat(), timestamp(ctx.today)]
        # `build --skip pdf` is a quick preview: no WeasyPrint here either.
        with_pdf = "pdf" in ctx.running
        out: list[Output] = []
        for student in ctx.students():
            mine = ctx.portfolio.rules_for(student).model_dump(mode="json", by_alias=True)
            whole = [student.model_dump(mode="json", exclude={"path"}), mine]
            rel = compare_page(student.slug)
            fp = ctx.fingerprint(*common, "compare", whole)
            out.append(Output(rel, fp, ComparePageJob(student.slug, rel, fp)))
            # A checklist never prints the items' reflections (the comparison's review
            # time counts them): one edited does not make every checklist PDF again.
            listed = [student.model_dump(mode="json", exclude={"path": True, "items": {
                "__all__": {"body"}}}), mine]
            for term in checklist_terms(ctx, student):
                page, pdf = checklist_page(student.slug, term), checklist_pdf(student.slug, term)
                fp = ctx.fingerprint(*common, "checklist", term, listed, with_pdf)
                job = ComparePageJob(student.slug, page, fp, term, pdf if with_pdf else None)
                out += [Output(page, fp, job)] + ([Output(pdf, fp, job)] if with_pdf else [])
        return out

    def run(self, ctx: BuildContext) -> None:
        # A checklist and its PDF are one job: made together when either is not fresh.
        jobs = list(dict.fromkeys(out.task for out in ctx.plan.of(self.name)
                                  if not ctx.fresh(out.rel, out.fingerprint)))
        if any(job.pdf is not None for job in jobs) and NAME not in ctx.warm:
            from generator.render.pdf.pdf_assembly import preload

            preload()   # once here, not in every worker
        results = ctx.run(text("progress-compare", ctx.lang), _run_job, jobs, NAME)
        for job, done in zip(jobs, results, strict=True):
            if done is True:
                for made in (job.rel, job.pdf):
                    if made is not None:
                        ctx.record(made, job.fp, self.name)
