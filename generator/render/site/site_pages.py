"""The pages of the site: which there are, what each is made from, what each shows.

`plan()` lists every page with a fingerprint of exactly the inputs it shows, so an
unchanged page is never rendered again; `page_context()` builds what its template
needs. The two are kept side by side on purpose: a page that starts showing
something new must say so in its fingerprint, or incremental builds go stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from generator.checks.departments import department_findings
from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.findings import Finding, sort_key
from generator.i18n import HTML_LANG, text
from generator.model import Department, Item, Student
from generator.model.upload_record import upload_record
from generator.render.markdown import render_markdown
from generator.render.site import item_views as views
from generator.render.site import page_links as urls
from generator.render.site import student_records as records
from generator.render.site.department_page import _upload_label, department_view, site_where
from generator.render.site.review_time import estimate
from generator.render.web_media.derived_files import RECIPE_VERSION
from generator.render.web_media.web_media_step import ItemFile, department_key, item_files
from generator.rules import TRACKS, Rules, track_table


@dataclass(frozen=True)
class PageTask:
    kind: str            # index | student | item | department
    rel: str             # output path
    template: str
    slug: str = ""
    key: str = ""        # the item id or department code

    def __str__(self) -> str:
        return self.rel

    @property
    def cluster_scope(self) -> str | None:
        """The student it needs (engine/cluster.py); the class index needs everyone."""
        return None if self.kind == "index" else self.slug


# ----------------------------------------------------------------- inputs (fingerprints)

def _item_inputs(item: Item) -> dict[str, Any]:
    data = item.model_dump(mode="json", exclude={"files", "path"})
    data["files"] = sorted((n, f.sha256, f.kind, f.problem, f.pages, f.duration, f.width,
                            f.height, f.size) for n, f in item.files.items())
    return data


def _finding_inputs(found: list[Finding]) -> list[str]:
    return sorted(json.dumps([f.code, f.severity, f.item, f.file, f.params], sort_keys=True,
                             default=str, ensure_ascii=False) for f in found)


def _digest(inputs: Any) -> str:
    """A hash of `inputs` (JSON data) that stands for them in a page's fingerprint."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()


def _student_inputs(student: Student) -> dict[str, Any]:
    return student.model_dump(mode="json", exclude={"items", "path"})


def _common(ctx: BuildContext) -> str:
    """What every page is made from, hashed once: the rules tables alone are tens of
    kilobytes of JSON, too much to serialise again for each page's fingerprint."""
    return ctx.fingerprint(
        ctx.theme.digest("templates"), ctx.portfolio.settings.school,
        ctx.portfolio.rules.model_dump(mode="json", by_alias=True), RECIPE_VERSION,
        ctx.today.isoformat(),
        # every track's code table: a student page speaks in its own track's terms
        [track_table(key).model_dump(mode="json", by_alias=True) for key in TRACKS])


def selected_in(student: Student, item: Item) -> list[Department]:
    return [d for d in student.departments if item.id in d.courses or item.id in d.performances]


def plan(ctx: BuildContext) -> list[tuple[PageTask, str]]:
    """Every page of the site with its fingerprint."""
    common = _common(ctx)
    out: list[tuple[PageTask, str]] = []
    by_student: dict[str | None, list[Finding]] = {}
    for f in ctx.findings:
        by_student.setdefault(f.student, []).append(f)
    index_inputs: list[Any] = []
    for student in ctx.students():
        found = by_student.get(student.key, [])
        # Each item and the student hashed once: a student page's fingerprint holds every
        # item, a department page's a dozen, so serialising them again for each page
        # was most of planning.
        items = {i.id: _digest(_item_inputs(i)) for i in student.items}
        whole = _student_inputs(student)
        info, personal = _digest(whole), _digest(whole.get("info"))
        # The index shows counts, not items: an edited title or reflection leaves it alone.
        shape = sorted((i.id, i.type, i.term, i.submitted, bool(i.summary))
                       for i in student.items)
        index_inputs.append([info, records.severity_counts(found), shape])
        pdf = ctx.plan.has(urls.student_pdf(student.slug))
        links = _export_links(ctx, PageTask("student", urls.student_page(student.slug),
                                            "student.html", student.slug), student)
        out.append((PageTask("student", urls.student_page(student.slug), "student.html",
                             student.slug),
                    ctx.fingerprint(common, "student", info, items, _finding_inputs(found),
                                    pdf, links, _deadlines(ctx, student, found))))
        for item in student.items:
            deps = [(d.code, d.name) for d in selected_in(student, item)]
            mine = [f for f in found if f.item == item.id]
            out.append((PageTask("item", urls.item_page(student.slug, item.id), "item.html",
                                 student.slug, item.id),
                        ctx.fingerprint(common, "item", student.slug, student.name,
                                        personal, items[item.id], deps,
                                        _finding_inputs(mine), links["uploads"] is not None)))
        for dep in student.departments:
            chosen = [items.get(i) for i in [*dep.courses, *dep.performances]]
            pictures = sorted((n, f.info.sha256) for n, f in item_files(
                ctx, student.slug, department_key(dep.code)).items())
            # What it links to: the PDF, the kit, each item's upload files.
            linked = [r for r in [urls.department_pdf(student.slug, dep.code),
                                  *(paths.kit_file(student.slug, dep.code, k)
                                    for k in paths.KIT_FILES)] if ctx.plan.has(r)]
            linked += [r for i in [*dep.courses, *dep.performances]
                       for r in ctx.plan.under(paths.upload_dir(student.slug, i))]
            out.append((PageTask("department", urls.department_page(student.slug, dep.code),
                                 "department.html", student.slug, dep.code),
                        ctx.fingerprint(common, "department", info, chosen,
                                        _finding_inputs(department_findings(found, dep)),
                                        linked, pictures)))
    index_inputs.append(_finding_inputs(by_student.get(None, [])))
    out.insert(0, (PageTask("index", urls.index_page(), "index.html"),
                   ctx.fingerprint(common, "index", index_inputs)))
    return out


# ----------------------------------------------------------------- contexts (what is shown)

def files_of(ctx: BuildContext, slug: str, item_id: str) -> dict[str, ItemFile]:
    return item_files(ctx, slug, item_id)


def _findings(ctx: BuildContext, found: list[Finding]) -> list[Finding]:
    return sorted((f.localized(ctx.lang) for f in found), key=sort_key)


def base_context(ctx: BuildContext, task: PageTask, title: str,
                 crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    """What every page template gets: language, `t`, `url`, title, breadcrumbs…
    (other renderers' pages use it too, so they share base.html)."""
    lang = ctx.lang
    rules = student_rules(ctx, task.slug)
    return {
        "lang": lang, "html_lang": HTML_LANG.get(lang, lang), "title": title,
        "t": lambda key, **kw: text(key, lang, **kw), "url": urls.Linker(task.rel),
        "school": ctx.portfolio.settings.school, "crumbs": crumbs, "page": task.kind,
        "rules": rules, "today": ctx.today, "code_label":
            lambda code: views.code_label(rules, code, lang),
        "duration": views.duration,
        "megabytes": lambda size: ctx.portfolio.rules.files.format_size(size, unit=True),
    }


_base = base_context  # the name other renderers first imported


def student_rules(ctx: BuildContext, slug: str) -> Rules:
    """The rules a page of student `slug` speaks in (its track's); the school's for a page
    of no one student (`slug` empty, or one the build does not know)."""
    student = next((s for s in ctx.portfolio.students if s.slug == slug), None) if slug else None
    return ctx.portfolio.rules_for(student) if student else ctx.portfolio.rules


def _cards(ctx: BuildContext, task: PageTask, student: Student, items: list[Item],
           found: list[Finding]) -> list[views.Card]:
    linker = urls.Linker(task.rel)
    return [views.card(i, linker.item(student.slug, i.id), files_of(ctx, student.slug, i.id),
                       linker.item_prefix(student.slug, i.id), ctx.portfolio.rules_for(student),
                       ctx.lang,
                       [f for f in found if f.item == i.id]) for i in items]


def page_context(ctx: BuildContext, task: PageTask) -> dict[str, Any]:
    builder = {"index": _index, "student": _student_page, "item": _item_page,
               "department": _department_page}[task.kind]
    return builder(ctx, task)


def _index(ctx: BuildContext, task: PageTask) -> dict[str, Any]:
    title = text("site-class-title", ctx.lang)
    rows = []
    for student in ctx.students():
        found = [f for f in ctx.findings if f.student == student.key]
        rows.append({
            "student": student, "url": urls.Linker(task.rel).student(student.slug),
            "counts": records.severity_counts(found),
            "courses": sum(1 for i in student.items if i.is_course),
            "performances": sum(1 for i in student.items if not i.is_course),
            "years": records.year_counts(student, ctx.portfolio.rules, ctx.lang),
            "departments": student.departments,
            "missing_summaries": sum(1 for i in student.items if not i.summary),
        })
    general = _findings(ctx, [f for f in ctx.findings if f.student is None])
    return {**_base(ctx, task, title, []), "rows": rows, "findings": general}


def _student_page(ctx: BuildContext, task: PageTask) -> dict[str, Any]:
    student = ctx.portfolio.student(task.slug)
    rules, lang = ctx.portfolio.rules_for(student), ctx.lang
    found = [f for f in ctx.findings if f.student == student.key]
    cards = {c.id: c for c in _cards(ctx, task, student, student.items, found)}
    deps = [{"department": d, "url": urls.Linker(task.rel).department(student.slug, d.code),
             "review": estimate(student, d, ctx.today, rules.limits.applicant_record_semesters,
                                rules),
             "counts": records.severity_counts(department_findings(found, d))}
            for d in student.departments]
    return {
        **_base(ctx, task, student.name, [(text("site-class-title", lang),
                                           urls.Linker(task.rel).index())]),
        "student": student, "profile": render_markdown(
            student.info.profile if student.info else "", heading_offset=2,
            cache=views.texts_cache(ctx.cache_dir)),
        "years": records.year_counts(student, rules, lang),
        "course_tables": records.course_tables(student, lang),
        "courses": [(label, [cards[i.id] for i in group])
                    for label, group in records.courses_by_term(student.items, lang)],
        "performances": [(label, [cards[i.id] for i in group]) for label, group in
                         records.performances_by_category(student.items, rules, lang)],
        "departments": deps, "findings": _findings(ctx, found),
        "counts": records.severity_counts(found),
        "pdf": (urls.Linker(task.rel).to(urls.student_pdf(student.slug))
                if ctx.plan.has(urls.student_pdf(student.slug)) else None),
        **_export_links(ctx, task, student),
        "deadlines": _deadlines(ctx, student, found),
    }


def _deadlines(ctx: BuildContext, student: Student, found: list[Finding]) -> list[str]:
    """What is late, then what is due now term by term and what opens next, as the
    counselor's dashboard says it."""
    from generator.checks.deadlines import coming, late, school_windows, student_dues

    # The school's correction window is the school's task, not the student's: it stays on
    # the counselor's pages only.
    dues = [d for d in student_dues(school_windows(ctx.portfolio), student, found, ctx.today,
                                    ctx.portfolio.rules) if d.window.kind != "correct"]
    lang = ctx.lang
    lines = [text("cn-late", lang, kind=d.window.label(lang), end=d.window.closes())
             for d in late(dues)]
    lines += [text("cn-next", lang, kind=d.window.label(lang), end=d.window.closes(),
                   days=d.days) for d in coming(dues)]
    return lines


def _export_links(ctx: BuildContext, task: PageTask, student: Student) -> dict[str, Any]:
    """The comparison page and the 收訖明細 checklists, where this build writes them."""
    from generator.render.site.compare_step import checklist_page, checklist_terms, compare_page

    linker = urls.Linker(task.rel)
    compare = compare_page(student.slug)
    links: dict[str, Any] = {"uploads": _uploads_link(ctx, task, student.slug)}
    if not ctx.plan.has(compare):
        return {**links, "compare": None, "checklists": []}
    return {**links, "compare": linker.to(compare) if student.departments else None,
            "checklists": [(term, linker.to(checklist_page(student.slug, term)))
                           for term in checklist_terms(ctx, student)]}


def _uploads_link(ctx: BuildContext, task: PageTask, slug: str, anchor: str = "") -> str | None:
    """The upload list (generator/render/site/upload_list_step.py), where this build writes it."""
    from generator.render.site.upload_list_step import uploads_page

    rel = uploads_page(slug)
    if not ctx.plan.has(rel):
        return None
    return urls.Linker(task.rel).to(rel, anchor or None)


def _item_page(ctx: BuildContext, task: PageTask) -> dict[str, Any]:
    student = ctx.portfolio.student(task.slug)
    item = student.item(task.key)
    assert item is not None
    lang = ctx.lang
    linker = urls.Linker(task.rel)
    found = [f for f in ctx.findings if f.student == student.key and f.item == item.id]
    view = views.item_view(item, files_of(ctx, student.slug, item.id),
                           ctx.portfolio.rules_for(student), lang, views.texts_cache(ctx.cache_dir))
    deps = [(d, linker.department(student.slug, d.code)) for d in selected_in(student, item)]
    record = upload_record(item)
    return {
        **_base(ctx, task, item.title, [(text("site-class-title", lang), linker.index()),
                                        (student.name, linker.student(student.slug))]),
        "student": student, "item": item, "view": view, "departments": deps,
        "findings": _findings(ctx, found),
        "summary_limit": ctx.portfolio.rules.summary.max_chars,
        "uploads": _uploads_link(ctx, task, student.slug, item.id),
        "record": record, "upload_what": _upload_label(record.mode, item, lang),
    }


def _department_page(ctx: BuildContext, task: PageTask) -> dict[str, Any]:
    student = ctx.portfolio.student(task.slug)
    dep = next(d for d in student.departments if d.code == task.key)
    linker = urls.Linker(task.rel)
    found = [f for f in ctx.findings if f.student == student.key]
    mine = department_findings(found, dep)
    return {
        **_base(ctx, task, dep.name, [(text("site-class-title", ctx.lang), linker.index()),
                                      (student.name, linker.student(student.slug))]),
        "student": student, "department": dep, "findings": _findings(ctx, mine),
        **department_view(ctx, student, dep, site_where(ctx, student, dep)),
    }
