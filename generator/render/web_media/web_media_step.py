"""The media step of the build: web copies of every file an item shows.

Runs before the pages, so they know each picture's sizes. For every image, PDF,
video and audio file of every item, the cache entry is made once (in parallel,
across cores) and then linked into `<student>/items/<item>/files/`. The pages find
what was made through `item_files(ctx, slug, item_id)`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
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

SHARED_KEY = "media"


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
        texts = list(dep.statement.values()) if isinstance(dep.statement, dict) else [
            dep.statement or ""]
        owner = (student.slug, department_key(dep.code),
                 paths.department_files_dir(student.slug, dep.code))
        for name in dict.fromkeys(n for t in [*texts, dep.reflection or ""]
                                  for n in markdown_images(str(t))):
            path, _problem = resolve_inside(student.path, name)
            if path is None:
                continue
            try:
                info = FileInfo(name, path.stat().st_size, file_sha256(path), sniff(path))
            except OSError:
                continue
            out.append((owner, name, info, path))
    return out


class MediaRenderer:
    name = "media"

    def run(self, ctx: BuildContext) -> None:
        planned: list[tuple[Owner, str, FileInfo, Job]] = []
        todo: dict[str, Job] = {}
        entries: dict[str, Derived | None] = {}
        sources: list[tuple[Owner, str, FileInfo, Path]] = []
        for student in ctx.students():
            for item in student.items:
                owner = (student.slug, item.id, paths.item_files_dir(student.slug, item.id))
                sources += [(owner, n, info, item.path / n) for n, info in item.files.items()]
            sources += _text_images(student)
        for owner, name, info, path in sources:
            job = _job(ctx, info)
            if job is None:
                continue
            job = Job(job.key, str(path), job.kind, job.ext, job.duration, job.max_pixels)
            planned.append((owner, name, info, job))
            if job.key not in entries:
                entries[job.key] = load_entry(ctx.cache_dir, job.key)
                if entries[job.key] is None:
                    todo[job.key] = job
        if todo:
            ctx.run(text("progress-media", ctx.lang), _derive_task, list(todo.values()),
                    renderer=self.name)

        shared: dict[tuple[str, str], dict[str, ItemFile]] = ctx.shared.setdefault(SHARED_KEY,
                                                                                   {})
        for owner, name, info, job in planned:
            derived = entries.get(job.key)
            if derived is None and job.key in todo:
                derived = entries[job.key] = load_entry(ctx.cache_dir, job.key)
            if derived is None:  # the derive task failed and was reported
                continue
            shared.setdefault(owner[:2], {})[name] = self._publish(ctx, owner[2], name, info,
                                                                   job, derived)

    def _publish(self, ctx: BuildContext, folder: str, name: str, info: FileInfo, job: Job,
                 derived: Derived) -> ItemFile:
        from generator.render.web_media.derived_files import entry_dir

        entry = entry_dir(ctx.cache_dir, job.key)
        # URLs are relative to the page beside the files folder (the item's, the
        # department's), as ItemFile says.
        page = f"{posixpath.dirname(folder)}/{paths.INDEX}"

        def publish(generic: str) -> str:
            rel = paths.media_file(folder, name, generic)
            fingerprint = f"{job.key}/{generic}"
            if not ctx.fresh(rel, fingerprint):
                _link(entry / generic, ctx.path(rel))
                ctx.record(rel, fingerprint, self.name)
            return paths.href(page, rel)

        pictures = tuple((publish(v.file), v) for v in derived.variants)
        copy = publish(derived.copy) if derived.copy else None
        return ItemFile(name, derived.kind, info, pictures, copy, derived.problem)


def item_files(ctx: BuildContext, slug: str, item_id: str) -> dict[str, ItemFile]:
    """The web copies of one item's files, by the name the item gives each."""
    return ctx.shared.get(SHARED_KEY, {}).get((slug, item_id), {})
