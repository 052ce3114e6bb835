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

import yaml

from generator.model import Student

REVIEWS_FILE = "reviews.yaml"


@dataclass(frozen=True)
class Comment:
    text: str
    by: str = ""
    date: str = ""


@dataclass
class Reviews:
    """One student's comments; `problems` are what could not be read (shown, not fatal)."""

    general: list[Comment] = field(default_factory=list)
    items: dict[str, list[Comment]] = field(default_factory=dict)
    departments: dict[str, list[Comment]] = field(default_factory=dict)
    source: str = ""
    problems: list[str] = field(default_factory=list)

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


def read_reviews(path: Path) -> Reviews:
    reviews = Reviews(source=str(path))
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reviews.problems.append(f"{path.name}: {type(exc).__name__}")
        return reviews
    if data is None:
        return reviews
    if not isinstance(data, dict):
        reviews.problems.append(f"{path.name}: not a mapping")
        return reviews
    reviews.general = _comments(data.get("general"))
    reviews.items = _by_key(data.get("items"))
    reviews.departments = _by_key(data.get("departments"))
    return reviews


def reviews_path(student: Student, reviews_dir: Path | None) -> Path | None:
    """Where a student's comments are: the reviews folder first, then their own folder."""
    candidates: list[Path] = []
    if reviews_dir is not None:
        for name in dict.fromkeys([student.slug, student.key]):
            candidates += [reviews_dir / f"{name}.yaml", reviews_dir / name / REVIEWS_FILE]
    candidates.append(student.path / REVIEWS_FILE)
    return next((p for p in candidates if p.is_file()), None)


def load_reviews(students: list[Student], reviews_dir: Path | None) -> dict[str, Reviews]:
    """Comments by student slug (students without any are left out)."""
    out: dict[str, Reviews] = {}
    for student in students:
        path = reviews_path(student, reviews_dir)
        if path is not None:
            out[student.slug] = read_reviews(path)
    return out
