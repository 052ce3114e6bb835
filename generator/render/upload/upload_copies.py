"""Upload-ready copies per item: `output/<student>/upload/<item>/<name>.<ext>`.

The name is the item's descriptive upload name (`1132-物理-光的折射實驗報告`), decided by
generator/engine/output_paths.py `upload_stem`; the 文件 and the 影音 differ by extension.

This is the seam `portfolio fit` and `portfolio build` share: plan an item's
files, then fit them, with findings keyed to the student and item like every
other check.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from generator.content.item_paths import resolve_inside
from generator.engine import output_paths as paths
from generator.findings import Finding, make
from generator.model import Item
from generator.model.upload_record import upload_record
from generator.render.upload.fitting import (
    FitPlan,
    FitResult,
    SizeLimits,
    Slot,
    drop_copies,
    fit,
    is_pdf,
    plan,
    refused,
)
from generator.render.upload.provenance import made_from, store_in
from generator.support.atomic import owned
from generator.support.ffmpeg import EncodeSettings, default_threads

# Per-item progress: (slot, fraction of that file done).
ItemProgress = Callable[[str, float], None]


class UploadItem(Protocol):
    """What fitting needs of an item (generator.model.Item has it all)."""

    id: str
    student: str  # the student's folder name
    path: Path
    document: str | None
    media: str | None
    media_trim: str | None


@dataclass(frozen=True)
class FitOutcome:
    """One item's upload copies: what each file became, and what the student should know."""

    student: str
    item: str
    results: tuple[FitResult, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.results for f in r.findings)

    @property
    def outputs(self) -> dict[str, Path]:
        """Slot → upload-ready file, for the files that have one."""
        return {r.plan.slot: r.output for r in self.results if r.output is not None}

    @property
    def made(self) -> int:
        return sum(1 for r in self.results if r.output is not None and not r.reused)

    @property
    def reused(self) -> int:
        return sum(1 for r in self.results if r.output is not None and r.reused)


def upload_dir(output: Path, student_slug: str, item_id: str) -> Path:
    return paths.output_path(output, paths.upload_dir(student_slug, item_id))


def default_cache_dir(output: Path) -> Path:
    """In the output's own `.portfolio/cache`, beside the other caches: the content root
    is only ever read. `fit` and `build` into one output share the work."""
    from generator.support.ownership import cache_dir

    return cache_dir(output) / "media"


def made_copies(output: Path, student_slug: str, items: Iterable[Item],
                item_id: str) -> dict[Slot, Path]:
    """The upload copies of an item's 文件 and 影音 in `output` that the tool made, under
    today's name (output_paths.upload_stem; a copy under an earlier name is stale: the
    build removes it): the one place that finds upload copies (the upload page, `check`
    and the editor find them here). Never a file someone else put there."""
    folder = upload_dir(output, student_slug, item_id)
    if not folder.is_dir():
        return {}
    stem = paths.upload_stem(items, item_id)
    out: dict[Slot, Path] = {}
    for path in sorted(folder.iterdir()):
        slot = paths.upload_slot(path.name)
        if slot is None or path.stem != stem or not path.is_file() or not owned(path):
            continue
        out.setdefault(slot, path)
    return out


def fitted_findings(portfolio: Any, findings: list[Finding], output: Path) -> list[Finding]:
    """`findings` with each `file-too-large` whose upload copy in `output` fits, and was made
    from this very original, turned into `file-fitted` (an info naming the copy): the
    student has followed the advice, and the copy is what to upload. The copy's own note
    (`upload-copy-made`, `document-pdf-shrunk`) is then left out: one word per file.

    `check`, `build` and the upload page all say it through this, so they agree."""
    rules = portfolio.rules.files
    store = store_in(default_cache_dir(output))
    students = {s.key: s for s in portfolio.students}
    out: list[Finding] = []
    fitted: set[tuple[str | None, str | None, str | None]] = set()
    for f in findings:
        student = students.get(f.student or "")
        item = student.item(f.item) if student is not None and f.item else None
        slot: Slot | None = None
        if item is not None and f.code == "file-too-large":
            slot = "document" if f.file == item.document else \
                "media" if f.file == item.media else None
        info = item.files.get(f.file or "") if item is not None else None
        copy = made_copies(output, student.slug, student.items, item.id).get(slot) \
            if student is not None and item is not None and slot is not None else None
        limit = rules.document_max_bytes if slot == "document" else rules.media_max_bytes
        if copy is None or info is None or copy.stat().st_size > limit \
                or info.sha256 not in made_from(copy, store):
            out.append(f)
            continue
        assert student is not None and item is not None
        rel = paths.upload_file(student.slug, item.id, copy.name)
        out.append(make("file-fitted", f.student, f.item, f.file,
                        slot=f.params.get("slot", ""), size=f.params.get("size", ""),
                        limit=f.params.get("limit", ""), upload=rel,
                        after=rules.format_size(copy.stat().st_size)))
        fitted.add((f.student, f.item, f.file))
    return [f for f in out if f.code not in _SAID_BY_FITTED
            or (f.student, f.item, f.file) not in fitted]


# What a copy's maker says of it, which `file-fitted` says instead.
_SAID_BY_FITTED = frozenset({"upload-copy-made", "document-pdf-shrunk"})


def plan_item(item: UploadItem, limits: SizeLimits | None = None,
              student_key: str | None = None, pdf: bool = True,
              exact: bool = False, stem: str | None = None) -> list[FitPlan]:
    """What fitting `item` would do, file by file, without writing anything.

    `pdf=False` leaves a PDF given as 文件 alone: in `build` the PDF renderer owns the
    .pdf (it also shrinks PDFs over the limit), and so a picture that follows the item's
    page in its 文件 (generator/model/upload_record.py). `exact` (for --dry-run): a
    picture over the limit is fitted in memory, so the plan says what `fit` will make.
    `stem` names the copies (output_paths.upload_stem); without it they are `document.*`
    and `media.*`.
    """
    plans = []
    for slot, name in _files(item):
        source, _why = resolve_inside(item.path, name)
        if source is None:
            continue  # `check` reports a missing file (attachment-missing); nothing to fit
        if slot == "document" and _rendered(item, source, pdf):
            continue
        known = getattr(item, "files", {}).get(name)
        if known is not None and known.problem:
            # Damaged (truncated, corrupt, a decompression bomb…): `check` has said so
            # (file-unreadable). A copy of it would look ready to upload and is not.
            plans.append(refused(source, slot, known.problem))
            continue
        trim = item.media_trim if slot == "media" else None
        plans.append(plan(source, slot, limits, trim, student=student_key or item.student,
                          item=item.id, name=name, exact=exact, stem=stem))
    return plans


def _rendered(item: UploadItem, source: Path, pdf: bool) -> bool:
    """Whether the 文件 made of this document is the PDF renderer's, not a fitted copy:
    a PDF when the PDF renderer runs (`pdf=False`: the build's), and a picture that
    follows the item's page (an upload record page+document: the renderer places it on
    a page after the item's), for `fit` too, where a copy of it alone would go unused."""
    if is_pdf(source):
        return not pdf
    return isinstance(item, Item) and upload_record(item).page


def fit_item(item: UploadItem, out_dir: Path, cache_dir: Path,
             limits: SizeLimits | None = None, settings: EncodeSettings | None = None, *,
             student_key: str | None = None, progress: ItemProgress | None = None,
             plans: list[FitPlan] | None = None, pdf: bool = True,
             stem: str | None = None) -> FitOutcome:
    """Write `item`'s upload-ready copies into `out_dir` (its upload/<item> folder).

    Never raises for bad media: problems are findings on the outcome. Originals
    are only read. Work is cached in `cache_dir` by content hash and settings.
    """
    settings = settings or EncodeSettings(threads=default_threads(1))
    plans = plans if plans is not None else plan_item(item, limits, student_key, pdf, stem=stem)
    results = []
    for p in plans:
        report = (lambda done, slot=p.slot: progress(slot, done)) if progress else None
        results.append(fit(p.source, p.slot, out_dir, cache_dir, limits, settings,
                           p.trim, student=student_key or item.student, item=item.id,
                           name=_name_of(p, item), progress=report, planned=p))
    if not item.media:
        drop_copies(Path(out_dir), "media")  # the item dropped its video: so does its folder
    return FitOutcome(item.student, item.id, tuple(results))


def work_weight(p: FitPlan) -> float:
    """Roughly how long a plan takes, in 'seconds of 720p video', for a fair progress bar."""
    if p.action == "transcode" and p.target is not None:
        pixels = getattr(p.target, "width", 0) * getattr(p.target, "height", 0)
        scale = max(0.05, pixels / (1280 * 720)) if pixels else 0.05  # audio: cheap
        return max(0.5, p.target.duration * scale)
    if p.action in ("shrink", "clean"):
        return 2.0
    if p.action in ("copy", "remux"):
        return 0.1
    return 0.0


def jobs_and_threads(pending: int, cores: int | None = None) -> tuple[int, int]:
    """Items in parallel and ffmpeg threads each, so together they match the cores."""
    cores = cores or os.cpu_count() or 1
    jobs = max(1, min(cores, pending))
    return jobs, max(1, cores // jobs)


def _files(item: UploadItem) -> list[tuple[Slot, str]]:
    out: list[tuple[Slot, str]] = []
    if item.document:
        out.append(("document", item.document))
    if item.media:
        out.append(("media", item.media))
    return out


def _name_of(p: FitPlan, item: UploadItem) -> str:
    name = item.document if p.slot == "document" else item.media
    return name or p.source.name


def describe(outcome: FitOutcome) -> dict[str, Any]:
    """A JSON-friendly account of an outcome, for build reports."""
    return {"student": outcome.student, "item": outcome.item,
            "files": [{"slot": r.plan.slot, "action": r.plan.action,
                       "output": str(r.output) if r.output else None, "size": r.size,
                       "reused": r.reused} for r in outcome.results]}
