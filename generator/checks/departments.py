"""Department selections: limits, known and ticked items, and the codes a department wants."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.content.image_refs import markdown_images
from generator.content.item_paths import resolve_inside
from generator.content.sniff import sniff
from generator.findings import Finding, make
from generator.i18n import LANGS, listed, said, verbatim
from generator.model import Department, Item, Portfolio, Student
from generator.model.student import STATEMENT_KEYS, statement_code
from generator.rules import Rules
from generator.support.characters import count_prose_chars

# The three parts of 學習歷程自述, and the words that name them in a heading.
STATEMENT_PARTS = {
    "O": ("反思", "reflection"),
    "P": ("動機", "motivation"),
    "Q": ("計畫", "計劃", "規劃", "plan"),
}
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)


def statement_parts(statement: str | dict[str, str] | None) -> set[str]:
    """Which of O/P/Q a 學習歷程自述 provides.

    As a mapping, by its keys (O/P/Q or reflection/motivation/plan); as Markdown, by its
    headings; a text with no recognisable heading is taken to cover all three.
    """
    if not statement:
        return set()
    if isinstance(statement, dict):
        return {code for k, v in statement.items()
                if v and str(v).strip() and (code := statement_code(k)) is not None}
    headings = _HEADING.findall(statement)
    found = {code for code, words in STATEMENT_PARTS.items()
             for h in headings if any(w in h.lower() for w in words)}
    return found or set(STATEMENT_PARTS)


# A part of 學習歷程自述 (O/P/Q as statement_parts names them) → the track's part key.
_PART_KEY = {code: key for key, code in STATEMENT_KEYS.items()}


def provided_codes(student: Student, dep: Department, rules: Rules) -> set[str]:
    """The 審查資料 codes a department's selection and texts provide, in the codes of
    `rules`' track (the student's resolved rules).

    School-entered 幹部經歷 (cadres.yaml) reach the department with the 修課紀錄, so they
    give the code a cadre item would (H); `other` gives the track's 其他 (R).
    """
    track = rules.track
    codes: set[str] = set()
    if student.has_course_records and student.courses:
        codes.add(track.course_records)
    cadre = rules.categories.get("cadre")
    if student.cadres and cadre is not None and cadre.code:
        codes.add(cadre.code)
    for item_id in [*dep.courses, *dep.performances]:
        item = student.item(item_id)
        if item is not None and item.code:
            codes.add(item.code)
    if dep.reflection and dep.reflection.strip():
        codes.add(track.reflection)
    if dep.other and dep.other.strip() and track.other:
        codes.add(track.other)
    codes |= set(dep.uploads)   # an uploaded PDF gives its code (a missing one is said)
    codes |= {track.statement[_PART_KEY[p]].code for p in statement_parts(dep.statement)}
    return codes


def check(portfolio: Portfolio) -> Iterator[Finding]:
    for student in portfolio.students:
        for dep in student.departments:
            yield from check_department(student, dep, portfolio.rules_for(student))


def check_department(student: Student, dep: Department, rules: Rules) -> Iterator[Finding]:
    """`rules` are the student's resolved rules (Portfolio.rules_for): its track's."""
    key = student.key
    limits = rules.limits
    track = rules.track
    where = {"department": dep.code, "name": dep.name}
    if track.kind_limits:
        for kind, ids, most in (("course", dep.courses, limits.department_courses),
                                ("performance", dep.performances,
                                 limits.department_performances)):
            sent = len(set(ids))
            if sent > most:
                yield make("department-limit", key, None, "departments.yaml", count=sent,
                           limit=most, kind=said(f"kind-{kind}"), **where)
    chosen = [i for i in (student.item(x) for x in dict.fromkeys(
        [*dep.courses, *dep.performances])) if i is not None]
    # The track's caps per code, lowered where the department's own `limits` say so.
    for code in dict.fromkeys([*track.department_limits, *dep.limits]):
        cap = track.department_cap(code, dep.limits)
        count = sum(1 for i in chosen if i.code == code)
        if cap is not None and count > cap:
            yield make("department-limit", key, None, "departments.yaml", count=count,
                       limit=cap, kind=_code_name(rules, code, with_code=True), **where)
    for kind, ids in (("course", dep.courses), ("performance", dep.performances)):
        seen: set[str] = set()
        for item_id in ids:
            # Listed twice, it is sent once: said once, and judged once.
            if item_id in seen:
                yield make("department-duplicate-item", key, item_id, "departments.yaml",
                           list=said(f"kind-{kind}"), **where)
                continue
            seen.add(item_id)
            item = student.item(item_id)
            if item is None:
                yield make("department-unknown-item", key, item_id, "departments.yaml", **where)
                continue
            if item.type != kind:
                yield make("field-invalid", key, item_id, "departments.yaml",
                           field="courses" if kind == "course" else "performances",
                           value=item_id, reason=said(f"department-other-list-{item.type}"),
                           **where)
            if item.submitted is None or (item.type == "course" and not item.certified):
                yield make("department-not-submitted", key, item_id, "departments.yaml", **where)
            if dep.wants and item.code and item.code not in dep.wants:
                yield make("department-code-not-wanted", key, item_id, "departments.yaml",
                           code=item.code, code_name=_code_name(rules, item.code),
                           wants=", ".join(dep.wants), **where)
    yield from _uploads(student, dep, rules, chosen)
    if dep.wants:
        missing = [c for c in dep.wants if c not in provided_codes(student, dep, rules)]
        for code in missing:
            yield make("department-code-uncovered", key, None, "departments.yaml", code=code,
                       code_name=_code_name(rules, code), **where)
    if dep.reflection and track.reflection_limits:
        chars = count_prose_chars(dep.reflection)
        images = len(markdown_images(dep.reflection))
        if chars > limits.reflection_max_chars or images > limits.reflection_max_images:
            yield make("reflection-too-long", key, None, "departments.yaml", count=chars,
                       limit=limits.reflection_max_chars, images=images,
                       image_limit=limits.reflection_max_images, **where)


def _uploads(student: Student, dep: Department, rules: Rules,
             chosen: list[Item]) -> Iterator[Finding]:
    """A department's uploaded PDFs (`uploads`, code → file in the student's folder): the
    file is there, is a PDF by its bytes, and is within the track's `upload_max_mb`; and
    no item of the same code is ticked for it as well (a code is given one way)."""
    files = rules.files
    cap = rules.track.upload_max_mb
    for code, name in dep.uploads.items():
        named = {"code": code, "code_name": _code_name(rules, code), "upload": name,
                 "department": dep.code, "name": dep.name}
        real, why = resolve_inside(student.path, name)
        if real is None and why == "outside":  # a link or .. out of the student's folder
            yield make("path-outside", student.key, None, name, department=dep.code)
            continue
        if real is None:
            yield make("department-upload-missing", student.key, None, "departments.yaml",
                       **named)
            continue
        kind = sniff(real)
        if kind != "pdf":
            yield make("department-upload-not-pdf", student.key, None, "departments.yaml",
                       kind=(kind or "?").upper(), **named)
        elif cap is not None and real.stat().st_size > cap * files.megabyte:
            yield make("department-upload-too-large", student.key, None, "departments.yaml",
                       size=files.format_size(real.stat().st_size),
                       limit=files.format_size(int(cap * files.megabyte), trim=True), **named)
        ticked = [i.id for i in chosen if i.code == code]
        if ticked:
            yield make("department-upload-and-items", student.key, None, "departments.yaml",
                       items=listed(ticked), **named)


def _code_name(rules: Rules, code: str, *, with_code: bool = False) -> dict[str, str]:
    named = rules.codes.get(code)
    if named is None:
        return verbatim(code)
    return {lang: rules.code_name(code, lang) for lang in LANGS} if with_code else named.names()


def department_findings(found: list[Finding], dep: Department,
                        student: str | None = None) -> list[Finding]:
    """Findings about a department's selection: its own (they name the department) and
    those of its items (that name none); with `student`, only that student's key."""
    ids = {*dep.courses, *dep.performances}
    return [f for f in found if (student is None or f.student == student) and (
        f.params.get("department") == dep.code
        or (f.item in ids and "department" not in f.params))]
