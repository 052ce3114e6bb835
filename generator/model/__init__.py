"""The content model: one portfolio root, its students, their items and records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.model.file_info import FileInfo
from generator.model.item import FrontMatter, Item, sample_digest
from generator.model.receipts import Receipt
from generator.model.site_settings import SiteSettings
from generator.model.student import CadreRecord, CourseRecord, Department, Student, StudentInfo
from generator.rules import Rules

__all__ = ["CadreRecord", "CourseRecord", "Department", "FileInfo", "FrontMatter", "Item",
           "Portfolio", "Receipt", "SiteSettings", "Student", "StudentInfo", "sample_digest"]


@dataclass
class Portfolio:
    """A content root: every student, under one set of rules."""

    root: Path
    rules: Rules
    settings: SiteSettings  # portfolio.toml, as read (the command line is laid over it)
    today: date
    students: list[Student] = field(default_factory=list)
    _tracks: dict[str, Rules] = field(default_factory=dict, repr=False)

    def rules_for(self, student: Student) -> Rules:
        """The rules as they apply to `student`: its track's codes, labels, order and
        limits over the school's rules. Everything that speaks of codes asks this."""
        if student.track not in self._tracks:
            self._tracks[student.track] = self.rules.for_track(student.track)
        return self._tracks[student.track]

    def student(self, slug: str) -> Student:
        """The student whose output folder is `slug` (one the build planned: it exists)."""
        return next(s for s in self.students if s.slug == slug)
