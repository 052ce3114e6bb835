"""Real media files for tests, made as small and as quickly as each test's point allows."""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
import zlib
from functools import cached_property
from pathlib import Path

from PIL import Image


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


class MediaFactory:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / name

    @cached_property
    def jpg(self) -> Path:
        path = self._path("photo.jpg")
        Image.new("RGB", (64, 48), (30, 120, 200)).save(path, quality=80)
        return path

    @cached_property
    def png(self) -> Path:
        path = self._path("scan.png")
        Image.new("RGB", (64, 48), (250, 250, 240)).save(path)
        return path

    @cached_property
    def gps_jpg(self) -> Path:
        """A photo whose EXIF says where it was taken (Taipei 101)."""
        path = self._path("gps.jpg")
        img = Image.new("RGB", (64, 48), (200, 80, 40))
        exif = Image.Exif()
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (25.0, 2.0, 0.0)
        gps[3], gps[4] = "E", (121.0, 33.0, 0.0)
        img.save(path, exif=exif)
        return path

    @cached_property
    def big_png(self) -> Path:
        """A real PNG over 4 MB: noise does not compress."""
        import os

        path = self._path("big.png")
        Image.frombytes("RGB", (1300, 1100), os.urandom(1300 * 1100 * 3)).save(path)
        return path

    @cached_property
    def bomb_png(self) -> Path:
        """A 20000×20000 PNG made by hand: a tiny file that would decode to 1.2 GB."""
        def chunk(kind: bytes, data: bytes) -> bytes:
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
        ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
        raw = zlib.compress(b"\x00" * 1024)
        path = self._path("bomb.png")
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw)
                         + chunk(b"IEND", b""))
        return path

    def pdf_with_text(self, text: str, pages: int = 2, name: str | None = None) -> Path:
        """A real PDF of `pages` pages saying `text`; each text its own file (the factory
        is shared by the whole session: a fixed name would hand one test another's PDF)."""
        import hashlib

        # WeasyPrint as the build loads it (its fonts subset the build's way): the same
        # bytes whether or not a build has run in this process already.
        from generator.render.pdf.pdf_assembly import load_weasyprint

        HTML = load_weasyprint().HTML

        if name is None:
            name = f"doc-{hashlib.sha256(f'{text}|{pages}'.encode()).hexdigest()[:12]}.pdf"

        body = "".join(f"<section style='page-break-after: always'><h1>第 {n + 1} 頁</h1>"
                       f"<p>{text}</p></section>" for n in range(pages))
        path = self._path(name)
        HTML(string=f"<html lang='zh-Hant-TW'><body style='font-family: \"Noto Sans CJK TC\"'>"
                    f"{body}</body></html>").write_pdf(path)
        return path

    @cached_property
    def pdf(self) -> Path:
        return self.pdf_with_text("光的折射實驗報告，量測水的折射率。", pages=3)

    @cached_property
    def corrupt_pdf(self) -> Path:
        path = self._path("corrupt.pdf")
        path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n" + b"\x00" * 300)
        return path

    @cached_property
    def mp4(self) -> Path:
        path = self._path("clip.mp4")
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=96x64:r=10:d=1",
             "-f", "lavfi", "-i", "sine=d=1", "-c:v", "libx264", "-preset", "ultrafast",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", "-shortest",
             str(path))
        return path

    @cached_property
    def truncated_mp4(self) -> Path:
        """The index (moov) is at the front, so only reading every packet shows the loss."""
        data = self.mp4.read_bytes()
        path = self._path("truncated.mp4")
        path.write_bytes(data[: len(data) * 2 // 3])
        return path

    @cached_property
    def mp3(self) -> Path:
        path = self._path("tone.mp3")
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=1", "-c:a",
             "libmp3lame", "-b:a", "64k", str(path))
        return path

    @cached_property
    def wav(self) -> Path:
        path = self._path("tone.wav")
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=1", str(path))
        return path

    @cached_property
    def big_mp3(self) -> Path:
        """Just over 10 MB of real MP3: 270 s at 320 kb/s of a quiet tone."""
        path = self._path("long.mp3")
        _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=270:sample_rate=44100",
             "-c:a", "libmp3lame", "-b:a", "320k", str(path))
        return path

    @cached_property
    def docx(self) -> Path:
        path = self._path("report.docx")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml", "<w:document/>")
        path.write_bytes(buf.getvalue())
        return path
