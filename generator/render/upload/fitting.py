"""Upload-ready copies: plan what a file needs, then make it, once.

`plan()` decides without encoding (it is `portfolio fit --dry-run`); `fit()`
carries the plan out into an output folder. Originals are only ever read.
Work is cached by the source's SHA-256 and the settings, so a second run with
nothing changed encodes nothing and rewrites nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.content.file_inspection import file_sha256
from generator.content.media_probe import MediaInfo, probe
from generator.engine.output_paths import upload_slot
from generator.findings import Finding, make
from generator.i18n import has_text, said
from generator.render.upload import audio_fit as audio
from generator.render.upload import image_fit as image
from generator.render.upload import video_fit as video
from generator.render.upload.media_trim import Trim, parse_trim, timecode
from generator.render.upload.provenance import note_source, store_in
from generator.rules import format_size, load_rules
from generator.support.atomic import copy_file, owned, remove, replacing, write_bytes, write_text
from generator.support.ffmpeg import EncodeSettings, FitError, Progress

Slot = Literal["media", "document"]
Action = Literal["copy", "remux", "transcode", "shrink", "clean", "too-long", "skip", "failed"]
MAKES_FILE: frozenset[str] = frozenset({"copy", "remux", "transcode", "shrink", "clean"})
CACHE_VERSION = 1
# The defaults of SizeLimits; a school's own limits come through SizeLimits.from_rules.
_OFFICIAL = load_rules().files


@dataclass(frozen=True)
class SizeLimits:
    """Upload limits in bytes, and the share kept free when aiming below them.

    Decimal megabytes: the system does not say which megabyte it means, and the
    smaller one never gets a file refused. The headroom absorbs what an encoder's
    rate control overshoots.
    """

    document: int = _OFFICIAL.document_max_bytes
    media: int = _OFFICIAL.media_max_bytes
    headroom: float = 0.03
    megabyte: int = _OFFICIAL.megabyte  # how sizes are said

    def limit(self, slot: Slot) -> int:
        return self.media if slot == "media" else self.document

    def budget(self, slot: Slot) -> int:
        return int(self.limit(slot) * (1 - self.headroom))

    @classmethod
    def from_rules(cls, files: Any) -> SizeLimits:
        """From the core's `rules.files` (FileRules): the school may have its own limits."""
        return cls(document=files.document_max_bytes, media=files.media_max_bytes,
                   megabyte=files.megabyte)

    def size(self, size: int, *, unit: bool = False) -> str:
        """`size` bytes as the limits are said (generator.rules.format_size)."""
        return format_size(size, self.megabyte, unit=unit)


@dataclass(frozen=True)
class FitPlan:
    """What will be done with one file, and what it will weigh after (bytes, estimated)."""

    source: Path
    slot: Slot
    kind: str | None  # video, audio, image, pdf
    action: Action
    size: int
    estimate: int | None
    output_name: str | None  # <stem>.mp4, <stem>.mp3, <stem>.jpg… (output_paths.upload_stem)
    detail: str = ""
    trim: Trim | None = None
    findings: tuple[Finding, ...] = ()
    target: video.VideoTarget | audio.AudioTarget | None = field(default=None, repr=False)


@dataclass(frozen=True)
class FitResult:
    plan: FitPlan
    output: Path | None
    size: int | None
    reused: bool  # nothing was encoded or written: the earlier result still stands
    findings: tuple[Finding, ...]


def plan(source: Path, slot: Slot, limits: SizeLimits | None = None,
         trim: str | Trim | None = None, *, student: str | None = None,
         item: str | None = None, name: str | None = None, exact: bool = False,
         stem: str | None = None) -> FitPlan:
    """Decide what `source` needs to fit its slot, without writing anything.

    Without `exact` nothing is encoded either, and a picture's result is an estimate (a
    build plans every picture on every run). With `exact` (`fit --dry-run`) a picture
    over the limit is fitted in memory by the fitter itself, so what is said is what
    `fit` will make: the fitter keeps the full size when a lower JPEG quality is enough,
    which no estimate from the file size alone can tell.

    The copy is called `<stem>.<ext>`: the item's descriptive upload name
    (generator/engine/output_paths.py `upload_stem`), or the slot's name without one."""
    limits = limits or SizeLimits()
    source = Path(source)
    where = {"student": student, "item": item, "file": name or source.name}
    size = source.stat().st_size if source.is_file() else 0
    if slot == "document":
        return _plan_document(source, size, limits, where, stem or slot, exact)
    return _plan_media(source, size, limits, trim, where, stem or slot)


def refused(source: Path, slot: Slot, problem: str) -> FitPlan:
    """No upload copy of a file the inspection found damaged; its finding is the check's."""
    size = source.stat().st_size if source.is_file() else 0
    return FitPlan(source, slot, None, "failed", size, None, None, problem)


def _plan_media(source: Path, size: int, limits: SizeLimits, trim: str | Trim | None,
                where: dict[str, Any], stem: str) -> FitPlan:
    info = probe(source)
    if info.kind not in ("video", "audio") or info.duration <= 0:
        reason = info.problem or ("not-media" if info.kind is None or info.is_image
                                  else "unknown-length")
        return FitPlan(source, "media", info.kind, "failed", size, None, None, reason,
                       findings=(_make("media-fit-failed", where, reason=_reason(reason)),))
    duration = info.duration
    cut: Trim | None = None
    if trim:
        try:
            cut = trim if isinstance(trim, Trim) else parse_trim(trim)
            if cut.start >= duration:
                raise ValueError("starts after the end")
        except ValueError as exc:
            finding = _make("media-trim-invalid", where, value=str(trim),
                           duration=timecode(duration), reason=_trim_reason(str(exc)))
            return FitPlan(source, "media", info.kind, "failed", size, None, None,
                           "bad media_trim", findings=(finding,))
        duration = cut.length(duration)
    limit, budget = limits.limit("media"), limits.budget("media")
    if info.kind == "video":
        wanted = "H.264/AAC MP4"
        codecs_ok = info.video_codec == "h264" and info.audio_codec in (None, "aac")
        if cut is None and size <= limit and codecs_ok:
            clean = info.is_upload_ready and not info.location
            return FitPlan(source, "media", "video", "copy" if clean else "remux", size, size,
                           f"{stem}.mp4", _video_label(info), None)
        target: Any = video.choose(info, duration, budget)
        floor_seconds = video.max_seconds(budget, info.has_audio)
        quality = said("fit-quality-video")
        output_name = f"{stem}.mp4"
    else:
        wanted = "MP3"
        ready = (info.container, info.audio_codec) in (("mp3", "mp3"), ("mp4", "aac"))
        if cut is None and size <= limit and ready:
            ext = ".mp3" if info.container == "mp3" else ".mp4"
            return FitPlan(source, "media", "audio", "copy", size, size, f"{stem}{ext}",
                           f"{info.audio_codec}", None)
        target = audio.choose(info, duration, budget)
        floor_seconds = audio.max_seconds(budget)
        quality = said("fit-quality-audio")
        output_name = f"{stem}.mp3"
    if target is None:
        example = f"{timecode(cut.start if cut else 0)}-" \
                  f"{timecode((cut.start if cut else 0) + min(60, floor_seconds))}"
        finding = _make("media-too-long", where, duration=timecode(duration),
                       seconds=floor_seconds, limit=limits.size(limit), quality=quality,
                       example=example)
        return FitPlan(source, "media", info.kind, "too-long", size, None, None,
                       f"> {timecode(floor_seconds)}", cut, (finding,))
    findings: tuple[Finding, ...] = ()
    if cut is None and size <= limit:
        codec = "/".join(c for c in (info.video_codec, info.audio_codec) if c)
        findings = (_make("media-codec", where, codec=f"{codec} ({info.container})",
                         wanted=wanted, output=output_name),)
    estimate = video.likely_size(info, target) if info.kind == "video" else target.estimate
    return FitPlan(source, "media", info.kind, "transcode", size, estimate,
                   output_name, target.label, cut, findings, target)


def _plan_document(source: Path, size: int, limits: SizeLimits,
                   where: dict[str, Any], stem: str, exact: bool = False) -> FitPlan:
    limit, budget = limits.limit("document"), limits.budget("document")
    if is_pdf(source):
        if size <= limit:
            return FitPlan(source, "document", "pdf", "copy", size, size, f"{stem}.pdf")
        finding = _make("document-not-fitted", where, size=limits.size(size),
                        limit=limits.size(limit))
        return FitPlan(source, "document", "pdf", "skip", size, None, None, "PDF",
                       findings=(finding,))
    pic = image.inspect(source)
    if pic is None:
        finding = _make("media-fit-failed", where, reason=_reason("not-document"))
        return FitPlan(source, "document", None, "failed", size, None, None, "not-document",
                       findings=(finding,))
    name = f"{stem}{pic.ext}"
    if size <= limit and not pic.has_location:
        return FitPlan(source, "document", "image", "copy", size, size, name,
                       f"{pic.width}×{pic.height}")
    if size <= limit:
        return FitPlan(source, "document", "image", "clean", size, size, name,
                       f"{pic.width}×{pic.height}")
    if exact:
        try:
            data, made = image.fit_picture(source, budget)
        except (ValueError, OSError):
            pass  # `fit` will say why it cannot (media-fit-failed); the estimate stands
        else:
            return FitPlan(source, "document", "image", "shrink", size, len(data), name,
                           made.label)
    long_side = image.estimate_long_side(pic, size, budget)
    return FitPlan(source, "document", "image", "shrink", size, budget, name,
                   f"≈ {long_side} px")


def fit(source: Path, slot: Slot, out_dir: Path, cache_dir: Path,
        limits: SizeLimits | None = None, settings: EncodeSettings | None = None,
        trim: str | Trim | None = None, *, student: str | None = None,
        item: str | None = None, name: str | None = None,
        progress: Progress | None = None, planned: FitPlan | None = None,
        stem: str | None = None) -> FitResult:
    """Write the upload-ready copy of `source` to `out_dir/<stem>.<ext>` (see `plan`).

    Never raises for a bad file: failures come back as findings. `planned` saves
    probing again when the caller already has the plan.
    """
    limits = limits or SizeLimits()
    settings = settings or EncodeSettings()
    p = planned or plan(source, slot, limits, trim, student=student, item=item, name=name,
                        stem=stem)
    where = {"student": student, "item": item, "file": name or Path(source).name}
    if p.action not in MAKES_FILE or p.output_name is None:
        if p.action in ("failed", "too-long"):
            drop_copies(Path(out_dir), p.slot)
        return FitResult(p, None, None, True, p.findings)
    dst = Path(out_dir) / p.output_name
    detail = p.detail
    try:
        digest = file_sha256(p.source)
        if p.action == "copy" and p.kind == "pdf":
            made = _publish_pdf(p.source, dst)
        elif p.action == "copy":
            made = _publish(p.source, dst, digest)
        else:
            cached, made, detail = _cached_product(p, digest, Path(cache_dir), limits,
                                                   settings, progress)
            made = _publish(cached, dst, None) or made
    except (FitError, ValueError, OSError) as exc:
        key = exc.key if isinstance(exc, FitError) else None
        finding = _make("media-fit-failed", where, reason=_reason(key) if key else str(exc)[:200])
        return FitResult(p, None, None, False, (*p.findings, finding))
    if not owned(dst):  # a file the tool did not write is there: left alone, reported
        return FitResult(p, None, None, False, p.findings)
    _drop_stale(dst)
    if p.size > limits.limit(p.slot):
        # The copy stands in for an original over the limit: `check` trusts it as long as
        # it is a copy of this original (generator/render/upload/provenance.py).
        note_source(dst, digest, store_in(cache_dir))
    size = dst.stat().st_size
    findings = p.findings
    if p.action != "copy" and not any(f.code == "media-codec" for f in findings):
        detail = detail if p.trim is None else f"{detail}, {p.trim}"
        findings = (*findings, _make("upload-copy-made", where, before=limits.size(p.size),
                                    after=limits.size(size), output=p.output_name, detail=detail))
    return FitResult(p, dst, size, not made, findings)


def _cached_product(p: FitPlan, digest: str, cache_dir: Path, limits: SizeLimits,
                    settings: EncodeSettings, progress: Progress | None) -> tuple[Path, bool, str]:
    """The encoded file in the cache, made only if it is not there yet, and what it is."""
    key_data = {"v": CACHE_VERSION, "sha256": digest, "slot": p.slot, "action": p.action,
                "limit": limits.limit(p.slot), "budget": limits.budget(p.slot),
                "trim": str(p.trim) if p.trim else None, "settings": settings.key()}
    key = hashlib.sha256(json.dumps(key_data, sort_keys=True).encode()).hexdigest()
    assert p.output_name is not None
    cached = cache_dir / key[:2] / f"{key}{Path(p.output_name).suffix}"
    meta = cached.with_suffix(".json")
    if cached.is_file():
        try:
            detail = str(json.loads(meta.read_text("utf-8"))["detail"])
        except (OSError, ValueError, KeyError):
            detail = p.detail
        return cached, False, detail
    with replacing(cached) as tmp:
        detail = _produce(p, tmp, limits, settings, progress)
    # The description is a nicety: losing it must not cost a re-encode.
    with contextlib.suppress(OSError):
        write_text(meta, json.dumps({"detail": detail, "source": str(p.source)},
                                    ensure_ascii=False))
    return cached, True, detail


def _produce(p: FitPlan, tmp: Path, limits: SizeLimits, settings: EncodeSettings,
             progress: Progress | None) -> str:
    """Encode into `tmp`; what was made, for the student (e.g. '720p H.264, ≤ 1500 kbps')."""
    budget, limit = limits.budget(p.slot), limits.limit(p.slot)
    start = p.trim.start if p.trim else 0.0
    if p.slot == "document":
        data, result = image.fit_picture(p.source, budget)
        tmp.write_bytes(data)
        return result.label
    detail = p.detail
    if p.action == "remux":
        video.remux(p.source, tmp, settings)
    elif isinstance(p.target, audio.AudioTarget):
        audio.encode(p.source, tmp, p.target, settings, start, progress)
    elif isinstance(p.target, video.VideoTarget):
        kbps = p.target.video_kbps
        for _attempt in range(3):
            video.encode(p.source, tmp, p.target, settings, start, progress, kbps)
            got = tmp.stat().st_size
            if got <= budget:
                break
            # The rate control overshot (it happens on noise-like footage): aim lower.
            kbps = max(50, int(kbps * budget / got * 0.95))
            detail = f"{p.target.rung}p H.264, ≤ {kbps} kbps"
        if tmp.stat().st_size > limit:
            raise FitError(f"still {limits.size(tmp.stat().st_size)} MB after three attempts")
    out = probe(tmp)
    if out.problem or not (out.is_upload_ready or p.action == "remux"):
        raise FitError(f"the converted file does not play ({out.problem or out.container})")
    wanted = p.target.duration if p.target is not None else out.duration
    if out.duration < wanted - 1.0 - 0.02 * wanted:
        # ffmpeg stops quietly where a cut-off source ends: do not pass off half a video.
        raise FitError(f"only {out.duration:.0f} s of {wanted:.0f} s could be read; "
                       "the file is incomplete", key="truncated")
    return detail


def _publish(src: Path, dst: Path, digest: str | None) -> bool:
    """Copy `src` to `dst` unless `dst` already holds the same bytes; True when written."""
    if owned(dst) and dst.is_file() and dst.stat().st_size == src.stat().st_size and \
            file_sha256(dst) == (digest or file_sha256(src)):
        return False
    return copy_file(src, dst)


def _publish_pdf(src: Path, dst: Path) -> bool:
    """The upload copy of a PDF carries no script, launch action or attachment
    (generator/support/pdf_cleaning.py; `check` says what was removed): the same bytes otherwise."""
    from generator.support.pdf_cleaning import clean_pdf

    try:
        data, _removed = clean_pdf(src)
    except Exception:
        # pypdf cannot take it apart. Over a content root this does not happen: inspection
        # has refused such a file (file-unreadable) before any copy is planned.
        return _publish(src, dst, None)
    if dst.is_file() and dst.read_bytes() == data:
        return False
    write_bytes(dst, data)
    return True


def _drop_stale(dst: Path) -> None:
    """An earlier run's copy for the same slot (a .mp3 beside today's .mp4, or the name
    the item had before its title changed) must not sit beside today's."""
    slot = upload_slot(dst.name)
    for other in _copies(dst.parent, slot):
        if other != dst:
            remove(other)  # only ever a copy the tool made


def drop_copies(out_dir: Path, slot: Slot) -> None:
    """When no copy can be made now, an earlier run's (of a file since replaced) must not
    stay behind looking ready. A PDF 文件 is left alone: the PDF renderer owns it."""
    for old in _copies(out_dir, slot):
        if not old.name.lower().endswith(".pdf"):
            remove(old)  # only ever a copy the tool made


def _copies(out_dir: Path, slot: str | None) -> list[Path]:
    """The tool's own copies in an upload folder that fill `slot`."""
    if slot is None or not out_dir.is_dir():
        return []
    return [p for p in out_dir.iterdir() if p.is_file() and upload_slot(p.name) == slot
            and owned(p)]


def is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return b"%PDF-" in fh.read(1024)
    except OSError:
        return False


def _video_label(info: MediaInfo) -> str:
    shown = info.display_size
    return f"{min(shown)}p H.264/AAC" if shown else "H.264/AAC"


def _make(code: str, where: dict[str, Any], **params: Any) -> Finding:
    # The file's name is a message parameter too: templates say which file they mean.
    return make(code, where["student"], where["item"], where["file"], name=where["file"],
                **params)




def _reason(key: str) -> dict[str, str] | str:
    return said(f"fit-why-{key}") if has_text(f"fit-why-{key}") else key


def _trim_reason(detail: str) -> dict[str, str]:
    if "after the end" in detail:
        return said("trim-why-after-end")
    if "before the start" in detail:
        return said("trim-why-before-start")
    return said("trim-why-unreadable")
