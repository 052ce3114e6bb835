"""Loading a content root into one `Portfolio`: settings, students, items and files."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from generator.content.content_root import (  # noqa: F401 - where commands look for them
    ContentError,
    looks_like_student,
    missing_root,
    no_students,
    require_root,
)
from generator.content.file_inspection import InspectCache
from generator.content.image_refs import markdown_images, markdown_links
from generator.content.item_paths import RealPaths, real_inside, resolve_inside
from generator.content.item_reader import read_item
from generator.content.receipts import read_receipts
from generator.content.site_settings import read_site_settings
from generator.content.student_cache import StudentCache
from generator.content.student_files import (
    read_cadres,
    read_courses,
    read_departments,
    read_student_info,
)
from generator.content.text_readers import TextReader
from generator.findings import Finding, make
from generator.i18n import LANGS, said
from generator.model import Portfolio, SiteSettings, Student
from generator.rules import DEFAULT_TRACK, Rules
from generator.support import pillow_settings as imaging
from generator.support.roc_calendar import resolve_today

_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
# Folders of a content root that are not students.
NOT_STUDENTS = {"themes", "reviews", "output"}
_SETTINGS_PEEK = 64_000




def load_settings(root: Path) -> tuple[SiteSettings, Rules, list[Finding]]:
    """portfolio.toml, read into its schema (generator/content/site_settings.py)."""
    return read_site_settings(root)


def student_folders(root: Path) -> list[Path]:
    folders = []
    for path in sorted(root.iterdir()):
        if not path.is_dir() or path.name.startswith((".", "_")) or path.name in NOT_STUDENTS:
            continue
        if (path / "student.yaml").exists() or (path / "items").is_dir():
            folders.append(path)
    return folders


def reader_for(root: Path, rules: Rules) -> TextReader:
    """How the content's text files are read: from inside `root` only, each up to the cap."""
    return TextReader(root, rules.files.text_max_bytes, rules.files.megabyte)


def load_student(folder: Path, rules: Rules, reader: TextReader,
                 track: str = DEFAULT_TRACK) -> tuple[Student, list[Finding]]:
    """One student folder; `track` is portfolio.toml's, which student.yaml may override.
    The student's items and departments are read under that track's codes."""
    slug = folder.name
    info, findings = read_student_info(reader, folder, slug)
    key = info.student_id if info else slug
    student = Student(slug=slug, path=folder, info=info,
                      track=(info.track if info and info.track else track))
    rules = rules.for_track(student.track)
    student.courses, found, student.has_course_records = read_courses(reader, folder, key)
    findings += found
    student.cadres, found = read_cadres(reader, folder, key)
    findings += found
    student.departments, found = read_departments(reader, folder, key, rules)
    findings += found
    student.receipts, found, _ = read_receipts(reader, folder, key, rules)
    findings += found
    items_dir = folder / "items"
    if items_dir.is_dir():
        if real_inside(reader.root, items_dir, reader.paths) is None:
            return student, [*findings, make("path-outside", key, None, "items")]
        for item_dir in sorted(p for p in items_dir.iterdir()
                               if p.is_dir() and not p.name.startswith((".", "_"))):
            if real_inside(reader.root, item_dir, reader.paths) is None:
                # The item's files would be read, shown and uploaded from wherever the
                # link points: the item is left out.
                findings.append(make("path-outside", key, item_dir.name,
                                     f"items/{item_dir.name}"))
                continue
            item, found = read_item(reader, item_dir, slug, key, rules)
            findings += found
            if item is not None:
                student.items.append(item)
    return student, findings


def settings_language(root: Path) -> str | None:
    """The `language` of `root`'s portfolio.toml, or None: for saying why `root` cannot be
    worked on in its own language. Never fails."""
    try:
        with (root / "portfolio.toml").open("rb") as fh:
            head = fh.read(_SETTINGS_PEEK)  # an error path: never read a huge file whole
        said = tomllib.loads(head.decode("utf-8")).get("language")
    except Exception:
        return None
    return said if said in LANGS else None


def load_portfolio(root: Path, today: dt.date | None = None,
                   cache_dir: Path | None = None) -> tuple[Portfolio, list[Finding]]:
    """Read everything under `root`; findings report what could not be read as written.
    What was learned of each file is kept in `cache_dir` (never in `root`) when given."""
    require_root(root)
    settings, rules, findings = load_settings(root)
    imaging.settle(rules.files.image_max_pixels)
    portfolio = Portfolio(root=root, rules=rules, settings=settings,
                          today=resolve_today(today, settings.today))
    reader = reader_for(root, rules)
    kept = StudentCache.open(cache_dir, root, rules, settings.track,
                             (reader.max_bytes, reader.megabyte))
    for folder in student_folders(root):
        if real_inside(root, folder, reader.paths) is None:
            # A student folder that is a link to elsewhere: nothing in it is read.
            findings.append(make("path-outside", None, None, folder.name))
            continue
        hit = kept.get(folder)
        if hit is None:
            student, found = load_student(folder, rules, reader, settings.track)
            kept.put(folder, student, found)
        else:
            student, found = hit
        portfolio.students.append(student)
        findings += found
        findings += _text_images_outside(student, root)
        findings += _other_files(student, root)
    kept.prune()
    findings += attach_files(portfolio, InspectCache(cache_dir), reader.paths)
    return portfolio, findings


def attach_files(portfolio: Portfolio, cache: InspectCache,
                 paths: RealPaths | None = None) -> list[Finding]:
    """Resolve every file an item names and inspect it (in parallel, through the cache).
    `paths`: the reading's (each folder looked up once), else a new one."""
    paths = paths or RealPaths()
    findings: list[Finding] = []
    jobs: list[tuple[Path, str]] = []
    owners: list[Any] = []
    for student in portfolio.students:
        for item in student.items:
            for _slot, name in item.attachments:
                real, problem = resolve_inside(item.path, name, paths)
                if real is None and problem == "outside" and not _in_root(portfolio.root,
                                                                          item.path, name):
                    findings.append(make("path-outside", student.key, item.id, name))
                    continue
                if real is None:
                    findings.append(make("attachment-missing", student.key, item.id, name,
                                         reason=_missing_reason(item.path, name, problem)))
                    continue
                jobs.append((real, name))
                owners.append(item)
    infos = cache.inspect_many(jobs, portfolio.rules.files.image_max_pixels)
    for item, info in zip(owners, infos, strict=True):
        item.files[info.name] = info
    cache.save()
    return findings


def _missing_reason(folder: Path, name: str, problem: str | None) -> dict[str, str]:
    """Why a named file cannot be used; for a missing one, the file the student most
    likely meant when there is one: the same name in other letter case (`lab.JPG` for
    `lab.jpg`, which Windows and macOS would have found), or a name a typo away
    (`reprot.pdf` for `report.pdf`)."""
    if problem not in (None, "missing"):
        return said(f"attachment-why-{problem}")
    close = closest_file(folder, name)
    if close is None:
        return said("attachment-why-missing")
    same = close.casefold() == name.replace("\\", "/").casefold()
    return said("attachment-why-case" if same else "attachment-why-close", name=close)


def closest_file(folder: Path, name: str) -> str | None:
    """The file of the item's folder (or of the subfolder `name` is in) whose name is
    `name` but for its letter case or a typo, as `name` would have to say it; None when
    none is close. Only names are compared: nothing is opened."""
    rel = name.replace("\\", "/")
    head, _, wanted = rel.rpartition("/")
    where = folder / head if head else folder
    try:
        if real_inside(folder, where) is None or not where.is_dir():
            return None
        names = sorted(p.name for p in where.iterdir()
                       if not p.name.startswith(".") and p.name != "index.md" and p.is_file())
    except OSError:
        return None
    prefix = f"{head}/" if head else ""
    by_fold = {n.casefold(): n for n in names}
    if wanted.casefold() in by_fold:
        return prefix + by_fold[wanted.casefold()]
    # Compared without case, so `Reprot.PDF` still finds `report.pdf`.
    close = difflib.get_close_matches(wanted.casefold(), list(by_fold), n=1, cutoff=0.75)
    return prefix + by_fold[close[0]] if close else None


def _text_images_outside(student: Student, root: Path) -> list[Finding]:
    """Pictures a department's texts name that lead out of the content root (the site
    and the PDF leave them out; this says why)."""
    out: list[Finding] = []
    for dep in student.departments:
        for name in dict.fromkeys(n for t in dep.texts() for n in markdown_images(t)):
            if _URL.match(name) or name.startswith("//"):
                continue
            if not _in_root(root, student.path, name):
                out.append(make("path-outside", student.key, None, name, department=dep.code))
    return out


def _other_files(student: Student, root: Path) -> list[Finding]:
    """Files a department's R text (`other`) links to: named relative to the student's
    folder and staying inside it (a PDF there is attached to the kit's 其他.pdf)."""
    out: list[Finding] = []
    for dep in student.departments:
        for target in markdown_links(dep.other):
            if _URL.match(target) or target.startswith(("//", "#", "mailto:")):
                continue
            name = target[2:] if target.startswith("./") else target
            real, problem = resolve_inside(student.path, name)
            if real is not None:
                continue
            if problem == "outside" and not _in_root(root, student.path, name):
                out.append(make("path-outside", student.key, None, name, department=dep.code))
            else:
                out.append(make("attachment-missing", student.key, None, name,
                                department=dep.code,
                                reason=said(f"attachment-why-{problem or 'missing'}-student")))
    return out


def _in_root(root: Path, folder: Path, name: str) -> bool:
    """Whether a name an item gives leads somewhere inside the content root (just not
    inside the item's folder) rather than out of the root altogether."""
    return real_inside(root, folder / name.replace("\\", "/")) is not None
