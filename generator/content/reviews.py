"""Counselor comments: `reviews.yaml` per student, per item and per department.

```yaml
# <student>/reviews.yaml, or <reviews dir>/<student>.yaml (slug or student number)
general: 整體很完整，記得補上簡述。
items:
  light-refraction: 簡述再具體一點：量到的折射率是多少？
  physics-cup:
    - text: 附上獎狀掃描檔
      by: 林老師
      date: 2026-10-01
departments:
  "001012": 這個系要 Q，自述還沒寫未來計畫。
```

Comments live in `Reviews`, apart from the content model: only the counselor's
pages read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.content.error_findings import did_you_mean, read_reason
from generator.content.text_readers import ReadError, TextReader
from generator.findings import Finding, make
from generator.i18n import said
from generator.model import Student
from generator.rules import load_rules

REVIEWS_FILE = "reviews.yaml"
REVIEWS_DIR = "reviews"          # <content>/reviews/: the default reviews folder
FIELDS = ("general", "items", "departments")
# Findings about the comment files: for the counselor, never on a student's own pages.
CODES = ("review-unreadable", "review-field-unknown", "review-target-unknown",
         "review-key-duplicate")


@dataclass(frozen=True)
class Comment:
    text: str
    by: str = ""
    date: str = ""


@dataclass
class Reviews:
    """One student's comments; `problems` are findings about the file itself (it could not
    be read, or names a field, item or department that is not there)."""

    general: list[Comment] = field(default_factory=list)
    items: dict[str, list[Comment]] = field(default_factory=dict)
    departments: dict[str, list[Comment]] = field(default_factory=dict)
    source: str = ""
    problems: list[Finding] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (len(self.general) + sum(map(len, self.items.values()))
                + sum(map(len, self.departments.values())))

    def texts(self) -> list[str]:
        every = [*self.general, *(c for cs in self.items.values() for c in cs),
                 *(c for cs in self.departments.values() for c in cs)]
        return [c.text for c in every]


def _comments(value: Any) -> list[Comment]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out: list[Comment] = []
    for v in values:
        if isinstance(v, dict):
            text = str(v.get("text") or v.get("comment") or "").strip()
            day = v.get("date")
            day_text = day.isoformat() if isinstance(day, dt.date) else str(day or "")
            if text:
                out.append(Comment(text, str(v.get("by") or ""), day_text))
        elif v is not None and str(v).strip():
            out.append(Comment(str(v).strip()))
    return out


def _by_key(value: Any) -> dict[str, list[Comment]]:
    if not isinstance(value, dict):
        return {}
    return {str(k): c for k, v in value.items() if (c := _comments(v))}


def _shown(path: Path, root: Path | None) -> str:
    """The file as a finding names it: relative to the content root when inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def _suggestion(name: str, known: list[str]) -> dict[str, str]:
    return did_you_mean(name, known)


def read_reviews(path: Path, student: Student | None = None, root: Path | None = None,
                 reader: TextReader | None = None) -> Reviews:
    """The comments in `path`; what is wrong with the file becomes `problems`, never an
    exception. With `student`, comments on items or departments they do not have are
    reported too (they would otherwise sit under a name nobody recognises). `reader`
    says where comment files may be read from and how large they may be (default: the
    content root, or the file's own folder, and the official cap)."""
    key = student.key if student else None
    shown = _shown(path, root)
    reviews = Reviews(source=str(path))
    files = load_rules().files
    reader = reader or TextReader(root or path.parent, files.text_max_bytes, files.megabyte)

    def problem(code: str, **params: Any) -> None:
        reviews.problems.append(make(code, key, None, shown, **params))

    try:
        data, duplicates = reader.read_yaml(path)
    except ReadError as err:
        extra = {"line": err.line} if err.line else {}
        problem("review-unreadable", detail=read_reason(err), **extra)
        return reviews
    except OSError as exc:
        problem("review-unreadable", detail=exc.strerror or type(exc).__name__)
        return reviews
    for dup in duplicates:
        problem("review-key-duplicate", line=dup.line, **dup.params)
    if data is None:
        return reviews
    if not isinstance(data, dict):
        problem("review-unreadable", detail=said("review-not-mapping"))
        return reviews
    for name in data:
        if str(name) not in FIELDS:
            problem("review-field-unknown", field=str(name),
                    suggestion=_suggestion(str(name), list(FIELDS)))
    reviews.general = _comments(data.get("general"))
    reviews.items = _by_key(data.get("items"))
    reviews.departments = _by_key(data.get("departments"))
    if student is not None:
        known = {"items": [i.id for i in student.items],
                 "departments": [d.code for d in student.departments]}
        for part, given in (("items", reviews.items), ("departments", reviews.departments)):
            for target in given:
                if target not in known[part]:
                    problem("review-target-unknown", target=target,
                            what=said(f"review-what-{part}"),
                            suggestion=_suggestion(target, known[part]))
    return reviews


def reviews_path(student: Student, reviews_dir: Path | None) -> Path | None:
    """Where a student's comments are: the reviews folder first, then their own folder."""
    candidates: list[Path] = []
    if reviews_dir is not None:
        for name in dict.fromkeys([student.slug, student.key]):
            candidates += [reviews_dir / f"{name}.yaml", reviews_dir / name / REVIEWS_FILE]
    candidates.append(student.path / REVIEWS_FILE)
    return next((p for p in candidates if p.is_file()), None)


def default_reviews_dir(root: Path) -> Path | None:
    folder = root / REVIEWS_DIR
    return folder if folder.is_dir() else None


def load_reviews(students: list[Student], reviews_dir: Path | None,
                 root: Path | None = None, max_bytes: int | None = None
                 ) -> dict[str, Reviews]:
    """Comments by student slug (students without any are left out).

    A comments file is read only from where it belongs: the content root, or the
    `--reviews` folder when that is a folder of its own; a symbolic link out of it is
    reported, not followed.
    """
    files = load_rules().files
    cap = max_bytes or files.text_max_bytes
    readers: dict[Path | None, TextReader] = (
        {None: TextReader(root, cap, files.megabyte)} if root else {})
    if reviews_dir is not None and (root is None or not _under(reviews_dir, root)):
        readers[reviews_dir] = TextReader(reviews_dir, cap, files.megabyte)
    out: dict[str, Reviews] = {}
    for student in students:
        path = reviews_path(student, reviews_dir)
        if path is None:
            continue
        home = (reviews_dir if reviews_dir is not None and reviews_dir in readers
                and _under(path, reviews_dir) else None)
        out[student.slug] = read_reviews(path, student, root, readers.get(home))
    return out


def _under(path: Path, folder: Path) -> bool:
    """Whether `path` is written as a path in `folder` (links not followed)."""
    return path.absolute().is_relative_to(folder.absolute())


def review_findings(reviews: dict[str, Reviews]) -> list[Finding]:
    return [f for r in reviews.values() for f in r.problems]
