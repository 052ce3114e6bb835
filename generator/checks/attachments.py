"""Files: allowed types by their bytes, sizes, readability, and the storage quota."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, make
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
    slot_name = {"document": {"zh-TW": "文件", "en": "document"},
                 "media": {"zh-TW": "影音", "en": "audio/video"},
                 "image": {"zh-TW": "圖片", "en": "image"}}[slot]
    types = "/".join(allowed)
    if info.problem == "empty":
        yield make("file-unreadable", student, item, name, why=_WHY["empty"])
        return
    if ext not in allowed:
        yield make("file-type-not-allowed", student, item, name, slot=slot_name, ext=ext or "?",
                   allowed=types)
        return
    if real != ext and not (real == "mp4-like" and ext == "mp4"):
        yield make("file-type-mismatch", student, item, name, ext=ext,
                   real=real or {"zh-TW": "無法辨識的格式", "en": "an unknown format"},
                   allowed=types)
        return
    if info.problem:
        why = _WHY.get(info.problem, {"zh-TW": info.problem, "en": info.problem})
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


# Why a file cannot be used, said so a student knows what to do.
_WHY: dict[str, dict[str, str]] = {
    "empty": {"zh-TW": "檔案是空的（0 位元組），可能沒有存好或下載失敗",
              "en": "the file is empty (0 bytes); it was probably not saved or downloaded"},
    "corrupt": {"zh-TW": "檔案壞掉了，打不開；請從原本的程式重新匯出一次",
                "en": "the file is damaged and cannot be opened; export it again from the "
                      "program that made it"},
    "too-many-pixels": {"zh-TW": "圖片像素多到不合理，可能是壞檔或惡意檔；請重新存一張一般大小的圖",
                        "en": "the image has an absurd number of pixels (a damaged or hostile "
                              "file); save it again at a normal size"},
    "encrypted": {"zh-TW": "PDF 有密碼保護，審查教授打不開；請存一份沒有密碼的",
                  "en": "the PDF is password-protected and reviewers cannot open it; save a copy "
                        "without a password"},
    "truncated": {"zh-TW": "影音檔不完整（被截斷了），後面的內容播不出來；請重新匯出或重新下載",
                  "en": "the media file is cut short and will not play to the end; export or "
                        "download it again"},
    "unreadable": {"zh-TW": "影音檔讀不出來，可能壞掉了；請重新匯出",
                   "en": "the media file cannot be read and may be damaged; export it again"},
    "timeout": {"zh-TW": "檔案讀太久讀不完，可能壞掉了；請重新匯出",
                "en": "reading the file took too long; it may be damaged, export it again"},
    "tool-missing": {"zh-TW": "這台電腦沒有安裝 ffmpeg，無法檢查影音檔（請執行 README 的安裝指令）",
                     "en": "ffmpeg is not installed, so media cannot be checked (run the README's "
                           "setup command)"},
    "no-streams": {"zh-TW": "檔案裡沒有可以播放的影像或聲音",
                   "en": "the file has no picture or sound to play"},
}
