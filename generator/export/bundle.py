"""One department's bundle: `output/<student>/departments/<code>.zip`, reviewer-clean.

The bundle is what that department gets of the student, laid out to be opened on its
own:

    index.html                      the reviewer view: each record as uploaded, the texts
                                    the department takes, the 修課紀錄 it sees
    <name> <department>.pdf         the department's PDF, with no draft mark
    uploads/NN-<term>-<subject or category>-<title>.<ext>
                                    each selected item's upload 文件 and 影音
    kit/學習歷程自述.pdf …            the application kit (generator/render/kit/)
    items/<item>/files/…, files/…   the pictures the view shows
    assets/site.css, assets/icon.svg
    manifest.json                   every other entry with its size, MD5 and SHA-256

Nothing of the student's own tools goes in: no finding, no check result, no link to
the upload list or another page of the site, no other department. Every `href` and
`src` of its pages resolves to a file inside it (`bundle_refs` checks, and anything
else is left out of the page's reach). Entries are sorted and stamped with one fixed
time (from `--today` or SOURCE_DATE_EPOCH): the same content gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from generator.checks.departments import department_findings
from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.findings import Finding
from generator.i18n import text
from generator.model import Department, Item, Student
from generator.render.kit.kit_uploads import uploaded_pdfs
from generator.render.upload.upload_copies import made_copies
from generator.rules import Rules
from generator.support.atomic import owned, remove, write_bytes
from generator.support.characters import count_prose_chars
from generator.support.clock import fixed_moment

MANIFEST = "manifest.json"
MANIFEST_VERSION = 2
INDEX = "index.html"
UPLOADS = "uploads"
KIT = "kit"


def remove_stale_bundles(output: Path, students: list[Student]) -> list[str]:
    """Remove the zips of departments (or students) the content no longer has, so an
    old bundle is never mistaken for a current one; the paths removed, relative.
    Only zips the tool wrote (atomic.remove asks the output's record): a zip of the
    same shape that someone else put there is not ours to delete."""
    current = {paths.department_zip(s.slug, d.code) for s in students for d in s.departments}
    removed = []
    for path in sorted(output.glob("*/departments/*.zip")):
        rel = path.relative_to(output).as_posix()
        if rel not in current and owned(path) and remove(path):
            removed.append(rel)
    return removed


def blocking(student: Student, dep: Department, found: list[Finding]) -> list[Finding]:
    """The errors of a department's selection and texts, and of the items it selects:
    a bundle with any is only made with --force (and says so in its manifest)."""
    return [f for f in department_findings(found, dep, student.key) if f.severity == "error"]


# ----------------------------------------------------------------- names in the bundle

def _readable(*parts: str | None) -> str:
    name = "-".join(p.strip() for p in parts if p and p.strip())
    # One segment, however the student named things: `/`, `:` and the like become `_`.
    return paths.segment(name.replace("/", "_").replace("\\", "_").replace(":", "_"))


def upload_name(n: int, file_name: str) -> str:
    """`uploads/01-1132-物理-光的折射實驗報告.pdf`: the order in the department, then the
    upload file's own name (output_paths.upload_stem: term, subject or category, title)."""
    return f"{UPLOADS}/{n:02d}-{file_name}"


def pdf_name(student: Student, dep: Department) -> str:
    return f"{_readable(student.name, dep.name)}.pdf"


# ----------------------------------------------------------------- what the page refers to

class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src", "poster", "data"):
                self.urls.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.urls += [part.strip().split(" ")[0] for part in value.split(",")
                              if part.strip()]


def html_refs(html: str) -> list[str]:
    """Every address a page refers to (links, pictures, sources), as written."""
    parser = _Refs()
    parser.feed(html)
    return parser.urls


def local_refs(html: str, base: str = "") -> list[str]:
    """The local files (relative to the bundle's root) a page at `base` refers to;
    web addresses and in-page anchors are not files."""
    out = []
    for url in html_refs(html):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        out.append(posixpath.normpath(posixpath.join(posixpath.dirname(base),
                                                     unquote(parts.path))))
    return out


# ----------------------------------------------------------------- the bundle

@dataclass
class Bundle:
    path: Path
    manifest: dict[str, Any]
    forced: bool
    entries: list[str] = field(default_factory=list)


def _digests(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest()}


def _pdf_pages(data: bytes) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a broken PDF: the estimate stands alone
        return None


def _made(output: Path, rel: str) -> bytes | None:
    """The bytes of an output the tool made, else None (never a file someone put there)."""
    path = paths.output_path(output, rel)
    return path.read_bytes() if path.is_file() and owned(path) else None


def _upload_files(output: Path, student: Student, item_id: str) -> dict[str, str]:
    """slot → the output path of an item's upload 文件 and 影音, as the build made them."""
    return {slot: paths.upload_file(student.slug, item_id, path.name)
            for slot, path in made_copies(output, student.slug, student.items, item_id).items()}


def _render_index(ctx: BuildContext, student: Student, dep: Department,
                  uploads: dict[tuple[str, str], str], kit: list[tuple[str, str]],
                  pdf: str | None, taken: list[tuple[str, str]]) -> str:
    from generator.render.site.department_page import Where, department_view
    from generator.render.site.site_pages import PageTask, base_context
    from generator.render.site.site_step import environment

    def upload(item_id: str, slot: str) -> str | None:
        name = uploads.get((item_id, slot))
        return quote(name) if name else None

    where = Where(INDEX, lambda item_id: f"items/{quote(paths.segment(item_id))}/", "",
                  upload, quote(pdf) if pdf else None,
                  [(kind, quote(name)) for kind, name in kit], reviewer_only=True,
                  uploads=[(code, quote(name)) for code, name in taken])
    task = PageTask("department", INDEX, "department.html", student.slug, dep.code)
    context = {
        **base_context(ctx, task, dep.name, []),
        "student": student, "department": dep, "findings": [],
        "footer": text("bundle-footer", ctx.lang, name=student.name, department=dep.name,
                       today=ctx.today.isoformat()),
        **department_view(ctx, student, dep, where),
    }
    env = environment(ctx.theme.search_path("templates"))
    return str(env.get_template("department.html").render(context))


def _clean_pdf(ctx: BuildContext, student: Student, dep: Department) -> bytes:
    """The department's PDF without the draft mark (a --force bundle of a selection that
    still has errors: the output's copy carries the mark, the bundle's never does)."""
    from generator.render.pdf.pdf_documents import render_portfolio
    from generator.render.pdf.pdf_step import settings_for, upload_files

    data, _view = render_portfolio(student, ctx.portfolio.rules_for(student), settings_for(ctx),
                                   dep, upload_files(ctx.output, student, dep), None)
    return data


def bundle_members(ctx: BuildContext, student: Student, dep: Department,
                   forced: bool) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file of the bundle by its name in it, and what the manifest says of them."""
    output, rules, lang = ctx.output, ctx.portfolio.rules_for(student), ctx.lang
    slug = student.slug
    members: dict[str, bytes] = {}
    # The department's PDF.
    pdf: str | None = None
    data = _made(output, paths.department_pdf(slug, dep.code))
    if data is not None:
        pdf = pdf_name(student, dep)
        members[pdf] = _clean_pdf(ctx, student, dep) if forced else data
    # Each selected item's upload 文件 and 影音, named for people.
    uploads: dict[tuple[str, str], str] = {}
    items = []
    for n, item_id in enumerate([*dep.courses, *dep.performances], 1):
        item = student.item(item_id)
        if item is None:
            continue
        names = []
        for slot, rel in _upload_files(output, student, item_id).items():
            made = _made(output, rel)
            if made is None:
                continue
            name = upload_name(n, rel.rsplit("/", 1)[-1])
            members[name] = made
            uploads[(item_id, slot)] = name
            names.append(name)
        items.append(_item_entry(item, rules, lang, names))
    # The kit, and the PDFs the department takes in place of items (its `uploads`).
    kit: list[tuple[str, str]] = []
    for kind, file_name in paths.KIT_FILES.items():
        made = _made(output, paths.kit_file(slug, dep.code, kind))
        if made is not None:
            members[f"{KIT}/{file_name}"] = made
            kit.append((kind, f"{KIT}/{file_name}"))
    taken: list[tuple[str, str]] = []
    for pdf_upload in uploaded_pdfs(student, dep, rules):
        made = _made(output, pdf_upload.rel)
        if made is not None:
            name = f"{KIT}/{pdf_upload.rel.rsplit('/', 1)[-1]}"
            members[name] = made
            taken.append((pdf_upload.code, name))
    # The page, and what it shows.
    html = _render_index(ctx, student, dep, uploads, kit, pdf, taken)
    members[INDEX] = html.encode("utf-8")
    for ref in local_refs(html):
        if ref in members:
            continue
        source = _source_of(ref, slug, dep.code)
        made = _made(output, source) if source else None
        if made is not None:
            members[ref] = made
    from generator.render.site.review_time import estimate

    review = estimate(student, dep, ctx.today, rules.limits.applicant_record_semesters, rules)
    about = {
        "items": items,
        "texts": {"statement": dep.statement, "reflection": dep.reflection,
                  "reflection_chars": count_prose_chars(dep.reflection or ""),
                  "other": dep.other},
        "review": {"pdf": pdf, "pdf_pages": _pdf_pages(members[pdf]) if pdf else None,
                   "estimated_pages": review.pages,
                   "media_minutes": round(review.media_minutes, 2),
                   "minutes": review.minutes},
        "kit": [name for _kind, name in kit],
        "kit_uploads": {code: name for code, name in taken},
    }
    return members, about


def _source_of(ref: str, slug: str, code: str) -> str | None:
    """The output file behind a picture or stylesheet the bundle's page refers to."""
    try:
        if ref.startswith("items/"):
            return paths.checked(f"{paths.student_dir(slug)}/{ref}")
        if ref.startswith(f"{paths.FILES}/"):
            return paths.checked(f"{paths.department_dir(slug, code)}/{ref}")
        if ref.startswith(f"{paths.ASSETS}/"):
            return paths.checked(ref)
    except paths.UnsafePath:  # `..` or the like: nothing of ours
        return None
    return None


def _item_entry(item: Item, rules: Rules, lang: str, files: list[str]) -> dict[str, Any]:
    named = rules.codes.get(item.code or "")
    return {
        "id": item.id, "type": item.type, "title": item.title, "summary": item.summary,
        "code": item.code, "code_name": named.name(lang) if named else None,
        "term": item.term, "category": item.category, "submitted": item.submitted,
        "certified": item.certified if item.is_course else None,
        "upload_files": files,
    }


def build_manifest(student: Student, dep: Department, members: dict[str, bytes],
                   about: dict[str, Any], *, lang: str, today: date, forced: bool,
                   tool: str) -> dict[str, Any]:
    return {
        "version": MANIFEST_VERSION, "tool": tool, "created": today.isoformat(), "lang": lang,
        "forced": forced,
        "student": {"slug": student.slug, "key": student.key, "name": student.name,
                    "school": student.info.school if student.info else None},
        "department": {"code": dep.code, "name": dep.name, "wants": dep.wants},
        **about,
        "page": INDEX,
        "files": [{"name": name, **_digests(members[name])} for name in sorted(members)],
    }


# ----------------------------------------------------------------- the zip

def zip_time(today: date) -> tuple[int, int, int, int, int, int]:
    when = max(fixed_moment(today), datetime(1980, 1, 1, tzinfo=UTC))
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def write_zip(target: Path, members: dict[str, bytes], today: date) -> None:
    stamp = zip_time(today)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(members):
            # Whoever unpacks the bundle must get only files under its folder (zip-slip).
            info = zipfile.ZipInfo(paths.zip_entry(name), stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, members[name], compresslevel=9)
    write_bytes(target, buf.getvalue())


def make_bundle(ctx: BuildContext, student: Student, dep: Department, *, forced: bool,
                tool: str) -> Bundle:
    members, about = bundle_members(ctx, student, dep, forced)
    manifest = build_manifest(student, dep, members, about, lang=ctx.lang, today=ctx.today,
                              forced=forced, tool=tool)
    entries = sorted(members)
    members[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
                         + "\n").encode("utf-8")
    target = paths.output_path(ctx.output, paths.department_zip(student.slug, dep.code))
    write_zip(target, members, ctx.today)
    return Bundle(target, manifest, forced, entries)
