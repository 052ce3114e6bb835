"""The media step of the build: web copies of every file an item shows.

Runs before the pages, so they know each picture's sizes. For every image, PDF,
video and audio file of every item, the cache entry is made once (in parallel,
across cores) and then linked into `<student>/items/<item>/files/`. The pages find
what was made through `item_files(ctx, slug, item_id)`, which reads the same cache.
When the PDF step runs too, a photo's print copies are made from the same decode
(`_with_print_boxes`), so the PDF step decodes no photo again.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.i18n import text
from generator.model import FileInfo, Student
from generator.render.web_media.derived_files import (
    Derived,
    Job,
    cache_key,
    derive,
    load_entry,
    media_kind,
)
from generator.render.web_media.responsive_images import Variant
from generator.support.atomic import copy_file


@dataclass(frozen=True)
class ItemFile:
    """One of an item's files as the site shows it; URLs are relative to the item's page."""

    name: str
    kind: str                          # image | pdf | video | audio
    info: FileInfo
    pictures: tuple[tuple[str, Variant], ...] = ()   # (url, variant): the image/poster/page
    copy: str | None = None            # url of the copy (pdf, audio, video)
    problem: str | None = None

    def srcset(self, fmt: str) -> str:
        return ", ".join(f"{url} {v.width}w" for url, v in self.pictures if v.format == fmt)

    @property
    def fallback_format(self) -> str:
        return next((v.format for _, v in self.pictures if v.format != "webp"), "jpg")

    def pick(self, width: int, fmt: str | None = None) -> tuple[str, Variant] | None:
        """The smallest variant at least `width` wide (else the largest) in `fmt`."""
        fmt = fmt or self.fallback_format
        options = sorted(((u, v) for u, v in self.pictures if v.format == fmt),
                         key=lambda p: p[1].width)
        if not options:
            return None
        return next((p for p in options if p[1].width >= width), options[-1])

    def with_prefix(self, prefix: str) -> ItemFile:
        """The same file seen from another page (`prefix` leads to the item's folder)."""
        return ItemFile(self.name, self.kind, self.info,
                        tuple((prefix + u, v) for u, v in self.pictures),
                        prefix + self.copy if self.copy else None, self.problem)


def _job(ctx: BuildContext, info: FileInfo) -> Job | None:
    if info.problem or not info.sha256:
        return None
    kind = media_kind(info.kind, info.video_codec)
    if kind is None:
        return None
    ext = "pdf" if kind == "pdf" else (info.extension or "bin")
    max_px = ctx.portfolio.rules.files.image_max_pixels
    return Job(cache_key(info.sha256, kind, ext, max_px), "", kind, ext, info.duration, max_px)


def _derive_task(ctx: BuildContext, job: Job) -> Derived:
    return derive(ctx.cache_dir, job)


def _link(source: Path, target: Path) -> bool:
    """`target` shares the cache entry's bytes (a hard link, else a copy)."""
    return copy_file(source, target, link=True)


# A place with files of its own: an item's folder, or a department's texts (whose images
# live in the student's folder).
Owner = tuple[str, str, str]      # (student slug, owner key, output folder)


def department_key(code: str) -> str:
    """The owner key of a department's text images in `item_files`."""
    return f"department:{code}"


def _text_images(student: Student) -> list[tuple[Owner, str, FileInfo, Path]]:
    """Images the 學習歷程自述 and 多元表現綜整心得 of each department show (N allows three)."""
    from generator.content.file_inspection import file_sha256
    from generator.content.image_refs import markdown_images
    from generator.content.item_paths import resolve_inside
    from generator.content.sniff import sniff

    out = []
    for dep in student.departments:
        owner = (student.slug, department_key(dep.code),
                 paths.department_files_dir(student.slug, dep.code))
        for name in dict.fromkeys(n for t in dep.texts() for n in markdown_images(t)):
            path, _problem = resolve_inside(student.path, name)
            if path is None:
                continue
            try:
                info = FileInfo(name, path.stat().st_size, file_sha256(path), sniff(path))
            except OSError:
                continue
            out.append((owner, name, info, path))
    return out


@dataclass(frozen=True)
class _Source:
    """One file to show on the web, where its copies go, and the cache entry behind them."""

    owner: Owner
    name: str
    info: FileInfo
    job: Job


def _item_sources(ctx: BuildContext, student: Student, item_id: str) -> list[_Source]:
    item = student.item(item_id)
    if item is None:
        return []
    owner = (student.slug, item.id, paths.item_files_dir(student.slug, item.id))
    return _with_jobs(ctx, [(owner, n, info, item.path / n) for n, info in item.files.items()])


def _with_jobs(ctx: BuildContext, found: list[tuple[Owner, str, FileInfo, Path]]
               ) -> list[_Source]:
    out = []
    for owner, name, info, path in found:
        job = _job(ctx, info)
        if job is not None:
            out.append(_Source(owner, name, info, Job(job.key, str(path), job.kind, job.ext,
                                                      job.duration, job.max_pixels,
                                                      sha256=info.sha256 or "")))
    return out


def _sources(ctx: BuildContext) -> list[_Source]:
    out: list[_Source] = []
    for student in ctx.students():
        for item in student.items:
            out += _item_sources(ctx, student, item.id)
        out += _with_jobs(ctx, _text_images(student))
    return out


# Entries never change once made (a new recipe is a new key): each is read once per
# process. One not made yet is asked of the disk again next time.
_ENTRIES: dict[tuple[Path, str], Derived] = {}


def _entry_or_none(cache: Path, key: str) -> Derived | None:
    found = _ENTRIES.get((cache, key))
    if found is None:
        found = load_entry(cache, key)
        if found is not None:
            _ENTRIES[(cache, key)] = found
    return found


def _copies(src: _Source, derived: Derived) -> list[tuple[str, str, str]]:
    """(output path, fingerprint, the cache entry's file) of each web copy of `src`."""
    folder = src.owner[2]
    generics = [v.file for v in derived.variants] + ([derived.copy] if derived.copy else [])
    return [(paths.media_file(folder, src.name, g), f"{src.job.key}/{g}", g)
            for g in generics]


# `_shown` per (owner, name, entry), per process: an item's files are shown by its own
# page, its card on the student's page and each department page that selects it.
_SHOWN: dict[tuple[Owner, str, str], ItemFile] = {}


def _shown(src: _Source, derived: Derived) -> ItemFile:
    """`src` as pages show it: URLs relative to the page beside its files folder."""
    key = (src.owner, src.name, src.job.key)
    found = _SHOWN.get(key)
    if found is None or found.info != src.info:
        found = _SHOWN[key] = _shown_now(src, derived)
    return found


def _shown_now(src: _Source, derived: Derived) -> ItemFile:
    folder = src.owner[2]
    page = f"{posixpath.dirname(folder)}/{paths.INDEX}"
    # Every copy is in `folder`: the way there from the page is worked out once.
    prefix = paths.folder_prefix(page, folder)

    def url(generic: str) -> str:
        name = paths.media_file(folder, src.name, generic).rpartition("/")[2]
        return prefix + quote(name, safe="")

    pictures = tuple((url(v.file), v) for v in derived.variants)
    copy = url(derived.copy) if derived.copy else None
    return ItemFile(src.name, derived.kind, src.info, pictures, copy, derived.problem)


class MediaStep:
    """Plans the web copies it can name (every one, on a warm cache: a picture's copies
    are named once it is derived), then derives what is missing and links each copy
    into place."""

    name = "media"

    def __init__(self) -> None:
        # What plan found, for run (a class's files are thousands of names to work out):
        # the sources, and the copies of each whose entry was made already, by its id.
        self._found: tuple[BuildContext, list[_Source]] | None = None
        self._planned: dict[int, list[tuple[str, str, str]]] = {}

    def _sources(self, ctx: BuildContext) -> list[_Source]:
        if self._found is None or self._found[0] is not ctx:
            self._found = (ctx, _sources(ctx))
        return self._found[1]

    def plan(self, ctx: BuildContext) -> list[Output]:
        out = []
        self._planned = {}
        for src in self._sources(ctx):
            derived = _entry_or_none(ctx.cache_dir, src.job.key)
            if derived is not None:
                copies = self._planned[id(src)] = _copies(src, derived)
                out += [Output(rel, fp, src) for rel, fp, _generic in copies]
        return out

    def run(self, ctx: BuildContext) -> None:
        # The copies planned are this build's only if its plan found these very sources
        # (kept alive since, so their ids are theirs).
        same = self._found is not None and self._found[0] is ctx
        sources = self._sources(ctx)
        planned = self._planned if same else {}
        # A step kept between builds (serve) holds no old build.
        self._found, self._planned = None, {}
        todo = {s.job.key: s.job for s in sources
                if _entry_or_none(ctx.cache_dir, s.job.key) is None}
        if todo and "pdf" in ctx.running:
            todo = _with_print_boxes(ctx, todo, sources)
        if todo:
            ctx.run(text("progress-media", ctx.lang), _derive_task, list(todo.values()),
                    renderer=self.name)
        from generator.render.web_media.derived_files import entry_dir

        for src in sources:
            derived = _entry_or_none(ctx.cache_dir, src.job.key)
            if derived is None:  # the derive task failed and was reported
                continue
            entry = entry_dir(ctx.cache_dir, src.job.key)
            for rel, fingerprint, generic in planned.get(id(src)) or _copies(src, derived):
                if not ctx.fresh(rel, fingerprint):
                    _link(entry / generic, ctx.path(rel))
                    ctx.record(rel, fingerprint, self.name)
        ctx.memo[MEMO] = {}   # every copy is made: item_files may remember its answers


def _print_boxes(ctx: BuildContext, src: _Source) -> set[tuple[float, float]]:
    """The boxes the PDFs print `src` in (render/pdf/print_item.py's choice): inline in
    a text, in an item's gallery, and a picture 文件 on a page of its own."""
    from generator.content.image_refs import markdown_images
    from generator.model.upload_record import upload_record
    from generator.render.pdf.print_images import GALLERY, INLINE, PAGE

    slug, key, _folder = src.owner
    if key.startswith("department:"):
        return {(INLINE.width_mm, INLINE.height_mm)}
    item = ctx.student(slug).item(key)
    if item is None:
        return set()
    inline = {n[2:] if n.startswith("./") else n for n in markdown_images(item.body)}
    boxes = set()
    if src.name in inline:
        boxes.add(INLINE)
    elif src.name in item.images or src.name == item.document:
        boxes.add(GALLERY)
    if src.name == item.document and upload_record(item).mode == "page+document":
        boxes.add(PAGE)
    return {(b.width_mm, b.height_mm) for b in boxes}


def _with_print_boxes(ctx: BuildContext, todo: dict[str, Job],
                      sources: list[_Source]) -> dict[str, Job]:
    """`todo`'s picture jobs with the print copies the PDF step will ask for, at its
    default quality, into its picture cache."""
    from dataclasses import replace

    from generator.render.pdf.pdf_step import settings_for

    settings = settings_for(ctx)
    boxes: dict[str, set[tuple[float, float]]] = {}
    for src in sources:
        if src.job.key in todo and src.job.kind == "image":
            boxes.setdefault(src.job.key, set()).update(_print_boxes(ctx, src))
    return {key: replace(job, print_dir=str(settings.images.folder),
                         print_boxes=tuple(sorted(boxes[key])), print_dpi=settings.quality.dpi,
                         print_quality=settings.quality.jpeg) if boxes.get(key) else job
            for key, job in todo.items()}


MEMO = "item_files"


def item_files(ctx: BuildContext, slug: str, item_id: str) -> dict[str, ItemFile]:
    """The web copies of one item's files (or a department's text images, `item_id`
    being `department_key(code)`), by the name the item gives each: what the media step
    made, read from the cache it made them in. Once that step has run, each item's are
    worked out once (a page of the item, its student's and each department's show them)."""
    known = ctx.memo.get(MEMO)
    if known is None:   # planning: the copies may not all be made yet
        return _item_files(ctx, slug, item_id)
    found = known.get((slug, item_id))
    if found is None:
        found = known[(slug, item_id)] = _item_files(ctx, slug, item_id)
    return found


def _item_files(ctx: BuildContext, slug: str, item_id: str) -> dict[str, ItemFile]:
    student = next((s for s in ctx.students() if s.slug == slug), None)
    if student is None:
        return {}
    if item_id.startswith("department:"):
        sources = [s for s in _with_jobs(ctx, _text_images(student)) if s.owner[1] == item_id]
    else:
        sources = _item_sources(ctx, student, item_id)
    out = {}
    for src in sources:
        derived = _entry_or_none(ctx.cache_dir, src.job.key)
        if derived is not None:
            out[src.name] = _shown(src, derived)
    return out
