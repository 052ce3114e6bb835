"""Files: allowed types by their bytes, sizes, readability, and the storage quota."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, make
from generator.i18n import has_text, said, verbatim
from generator.model import FileInfo, Portfolio
from generator.rules import FileRules

# Names that mean the same type.
_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "m4v": "mp4", "mpeg4": "mp4"}


def _ext(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _ALIASES.get(ext, ext)


def _allowed(slot: str, rules: FileRules) -> tuple[str, ...]:
    return {"document": rules.document_types, "media": rules.media_types,
            "image": rules.image_types}[slot]


def check(portfolio: Portfolio) -> Iterator[Finding]:
    rules = portfolio.rules.files
    for student in portfolio.students:
        total = 0
        for item in student.items:
            for slot, name in item.attachments:
                info = item.files.get(name)
                if info is None:
                    continue  # attachment-missing was reported when loading
                total += info.size
                yield from _check_file(student.key, item.id, slot, name, info, rules)
        if total > rules.quota_bytes:
            yield make("quota-exceeded", student.key, None, None,
                       used=round(total / rules.megabyte), quota=round(rules.quota_mb))


def _check_file(student: str, item: str, slot: str, name: str, info: FileInfo,
                rules: FileRules) -> Iterator[Finding]:
    allowed = _allowed(slot, rules)
    ext = _ext(name)
    real = _ALIASES.get(info.kind or "", info.kind)
    slot_name = said(f"slot-{slot}")
    types = "/".join(allowed)
    if info.problem == "empty":
        yield make("file-unreadable", student, item, name, why=said("file-why-empty"))
        return
    if ext not in allowed:
        yield make("file-type-not-allowed", student, item, name, slot=slot_name, ext=ext or "?",
                   allowed=types)
        return
    if real != ext and not (real == "mp4-like" and ext == "mp4"):
        yield make("file-type-mismatch", student, item, name, ext=ext,
                   real=real or said("format-unknown"),
                   allowed=types)
        return
    if info.problem:
        key = f"file-why-{info.problem}"
        why = said(key) if has_text(key) else verbatim(info.problem)
        yield make("file-unreadable", student, item, name, why=why)
        return
    limit = rules.document_max_bytes if slot in ("document", "image") else rules.media_max_bytes
    if slot != "image" and info.size > limit:
        yield make("file-too-large", student, item, name, slot=slot_name,
                   size=rules.format_size(info.size), limit=f"{limit / rules.megabyte:g}")
    if info.active:  # every output copy is stripped of it (generator/support/pdf_cleaning.py)
        from generator.support.pdf_cleaning import (
            described,  # pypdf: only when there is something to say
        )

        yield make("pdf-active-content", student, item, name, what=described(info.active))

