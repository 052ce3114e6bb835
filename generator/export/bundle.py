"""One department's bundle: `output/<student>/departments/<code>.zip` and its manifest.

The zip keeps the output's own layout (`<student>/departments/<code>/index.html`,
`assets/site.css`, `<student>/items/<item>/files/…`), so every relative link of the
reviewer-view pages still works once it is unpacked. `manifest.json` at its root
lists every other entry with its size, MD5 and SHA-256. Entries are sorted and
stamped with one fixed time (from `--today` or SOURCE_DATE_EPOCH): the same content
gives the same bytes.
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
from urllib.parse import unquote, urlsplit

from generator.checks.departments import check_department, department_findings, provided_codes
from generator.engine import output_paths as paths
from generator.findings import Finding, sort_key
from generator.model import Department, Item, Student
from generator.rules import Rules
from generator.support.atomic import owned, remove, write_bytes
from generator.support.characters import count_prose_chars
from generator.support.clock import fixed_moment

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


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


def blocking(student: Student, dep: Department, rules: Rules) -> list[Finding]:
    """The department's error findings: a selection with any only exports with --force."""
    return [f for f in check_department(student, dep, rules) if f.severity == "error"]


# ----------------------------------------------------------------- what goes in the zip

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


def page_refs(output: Path, rel: str) -> list[str]:
    """The local files (output-relative) that the page at `rel` refers to."""
    parser = _Refs()
    parser.feed((output / rel).read_text("utf-8"))
    out: list[str] = []
    base = posixpath.dirname(rel)
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        try:
            paths.checked(target)
        except paths.UnsafePath:  # out of the output (`..`, `/etc/…` in a student's HTML)
            continue
        if (output / target).is_file():
            out.append(target)
    return out


def upload_files(output: Path, slug: str, item_id: str) -> list[str]:
    folder = paths.output_path(output, paths.upload_dir(slug, item_id))
    if not folder.is_dir():
        return []
    return sorted(paths.upload_file(slug, item_id, p.name) for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith("."))


def bundle_entries(output: Path, student: Student, dep: Department) -> list[str]:
    """Every output file the bundle holds: the reviewer-view pages with what they show,
    the department PDF, each selected item's upload-ready files."""
    slug = student.slug
    page = paths.department_page(slug, dep.code)
    pages = [page] if (output / page).is_file() else []
    ids = [i for i in [*dep.courses, *dep.performances] if student.item(i) is not None]
    pages += [p for p in (paths.item_page(slug, i) for i in ids) if (output / p).is_file()]
    wanted: set[str] = set(pages)
    for p in pages:
        # Other pages (the class index, the student home) stay out: only what this
        # selection shows goes to the department.
        wanted |= {r for r in page_refs(output, p) if not r.endswith(".html")}
    pdf = paths.department_pdf(slug, dep.code)
    if (output / pdf).is_file():
        wanted.add(pdf)
    for i in ids:
        wanted |= set(upload_files(output, slug, i))
    return sorted(wanted)


# ----------------------------------------------------------------- the manifest

@dataclass
class Bundle:
    path: Path
    manifest: dict[str, Any]
    forced: bool
    entries: list[str] = field(default_factory=list)


def _digests(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest()}


def _pdf_pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages)
    except Exception:  # a missing or broken PDF: the estimate stands alone
        return None


def _item_entry(item: Item, rules: Rules, lang: str, files: list[str]) -> dict[str, Any]:
    named = rules.codes.get(item.code or "")
    return {
        "id": item.id, "type": item.type, "title": item.title, "summary": item.summary,
        "code": item.code, "code_name": (named.zh if lang == "zh-TW" else named.en)
        if named else None,
        "term": item.term, "category": item.category, "submitted": item.submitted,
        "certified": item.certified if item.is_course else None,
        "upload_files": files,
    }


def build_manifest(output: Path, student: Student, dep: Department, rules: Rules,
                   found: list[Finding], entries: list[str], *, lang: str, today: date,
                   forced: bool, tool: str) -> dict[str, Any]:
    from generator.render.site.review_time import estimate

    slug = student.slug
    review = estimate(student, dep, rules)
    pdf = paths.department_pdf(slug, dep.code)
    items = []
    for item_id in [*dep.courses, *dep.performances]:
        item = student.item(item_id)
        if item is None:
            items.append({"id": item_id, "missing": True})
            continue
        ups = [e for e in entries if e.startswith(paths.upload_dir(slug, item_id) + "/")]
        items.append(_item_entry(item, rules, lang, ups))
    provided = provided_codes(student, dep, rules)
    mine = sorted((f.localized(lang) for f in department_findings(found, dep, student.key)),
                  key=sort_key)
    statement = dep.statement
    files = []
    for rel in entries:
        files.append({"name": rel, **_digests((output / rel).read_bytes())})
    return {
        "version": MANIFEST_VERSION, "tool": tool, "created": today.isoformat(), "lang": lang,
        "forced": forced,
        "student": {"slug": slug, "key": student.key, "name": student.name,
                    "school": student.info.school if student.info else None},
        "department": {"code": dep.code, "name": dep.name, "wants": dep.wants,
                       "provided": sorted(provided),
                       "uncovered": [c for c in dep.wants if c not in provided]},
        "items": items,
        "texts": {"statement": statement, "reflection": dep.reflection,
                  "reflection_chars": count_prose_chars(dep.reflection or "")},
        "review": {"pdf": pdf if pdf in entries else None,
                   "pdf_pages": _pdf_pages(output / pdf) if pdf in entries else None,
                   "estimated_pages": review.pages,
                   "media_minutes": round(review.media_minutes, 2),
                   "minutes": review.minutes},
        "page": paths.department_page(slug, dep.code),
        "findings": [f.to_json() for f in mine],
        "files": files,
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


def make_bundle(output: Path, student: Student, dep: Department, rules: Rules,
                found: list[Finding], *, lang: str, today: date, forced: bool,
                tool: str) -> Bundle:
    # Only what the tool made goes to a reviewer, never a file someone put beside it.
    entries = [e for e in bundle_entries(output, student, dep) if owned(output / e)]
    manifest = build_manifest(output, student, dep, rules, found, entries, lang=lang,
                              today=today, forced=forced, tool=tool)
    members = {rel: (output / rel).read_bytes() for rel in entries}
    members[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
                         + "\n").encode("utf-8")
    target = paths.output_path(output, paths.department_zip(student.slug, dep.code))
    write_zip(target, members, today)
    return Bundle(target, manifest, forced, entries)
