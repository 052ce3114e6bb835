"""The real type of a file, from its first bytes rather than its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

# ISO base media brands: which `ftyp` brands are MP4 video, which are something else.
_MP4_BRANDS = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "mmp4",
               "MSNV", "XAVC", "3gp4", "3gp5", "3g2a", "f4v "}
_OTHER_BRANDS = {"qt  ": "mov", "M4A ": "m4a", "M4B ": "m4a", "M4V ": "m4v", "heic": "heic",
                 "heix": "heic", "mif1": "heif", "msf1": "heif", "avif": "avif", "crx ": "cr3"}


def sniff_bytes(head: bytes) -> str | None:
    """A short type name (pdf, jpg, png, mp4, mp3, wav, zip, …) or None if not recognised."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head[4:8] == b"ftyp":
        brand = head[8:12].decode("latin-1")
        if brand in _OTHER_BRANDS:
            return _OTHER_BRANDS[brand]
        return "mp4" if brand in _MP4_BRANDS or brand.startswith(("iso", "mp4")) else "mp4-like"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        # MPEG audio frame sync with a layer set; AAC ADTS has layer bits 00.
        return "mp3" if head[1] & 0x06 != 0 else "aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "webm"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    return None


def sniff(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(64)
    kind = sniff_bytes(head)
    if kind == "zip":
        kind = _office_kind(path)
    return kind


def _office_kind(path: Path) -> str:
    """Office documents are zip files: tell a .docx from a .pptx from a plain zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return "zip"
    for prefix, kind in (("word/", "docx"), ("ppt/", "pptx"), ("xl/", "xlsx")):
        if any(n.startswith(prefix) for n in names):
            return kind
    return "zip"
