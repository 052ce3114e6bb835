"""What the tool learned about one attached file by opening it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileInfo:
    """One file as its bytes say it is, not as its name says.

    `kind` is the sniffed type (pdf, jpg, png, mp4, mp3, wav, docx, …) or None when
    unknown; `problem` a stable key when the file cannot be used (empty, corrupt,
    truncated, too-many-pixels, encrypted…), with `detail` the tool's own words.
    """

    name: str
    size: int
    sha256: str
    kind: str | None
    problem: str | None = None
    detail: str | None = None
    pages: int | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_location: bool = False
    text: str = field(default="", repr=False)  # searchable text, for personal-data checks
    active: tuple[str, ...] = ()  # active content of a PDF (pdf_cleaning.KINDS)

    def __post_init__(self) -> None:
        # The inspection cache is JSON, which gives lists back: keep the value hashable.
        object.__setattr__(self, "active", tuple(self.active))

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileInfo:
        return cls(**data)
