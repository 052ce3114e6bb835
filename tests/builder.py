"""Building content roots for tests, with real files, the way a student would write them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from generator.cli import main

TODAY = "2026-11-20"


@dataclass
class Run:
    exit_code: int
    output: str
    doc: dict[str, Any] | None

    def codes(self) -> list[str]:
        return [f["code"] for f in self.doc["findings"]] if self.doc else []

    def having(self, code: str) -> list[dict[str, Any]]:
        return [f for f in self.doc["findings"] if f["code"] == code] if self.doc else []


def settle(root: Path, seconds: float = 60) -> None:
    """Every file and folder under `root` as if last modified `seconds` ago: content a
    person wrote a while before building, not within the moments a build's record cannot
    tell a later edit apart (engine/build_stamp.py, RACY_SECONDS)."""
    import os
    import time

    now = time.time()
    for path in [root, *root.rglob("*")]:
        # What is already that old is left alone: setting its times again would change
        # its change time, which a build's record also reads.
        if path.lstat().st_mtime > now - 10:
            os.utime(path, (now - seconds, now - seconds), follow_symlinks=False)


def run_cli(*args: str) -> Run:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    doc = None
    if "--format" in args and "json" in args and result.exit_code in (0, 1):
        doc = json.loads(result.stdout)
    return Run(result.exit_code, result.output, doc)


class ContentBuilder:
    """A content root: `student()`, then `item()` and `file()`; `check()` runs the tool."""

    def __init__(self, root: Path, media: Any):
        self.root = root
        self.media = media
        root.mkdir(parents=True, exist_ok=True)
        (root / "portfolio.toml").write_text(f'today = "{TODAY}"\n', "utf-8")

    def settings(self, text: str) -> None:
        (self.root / "portfolio.toml").write_text(f'today = "{TODAY}"\n{text}', "utf-8")

    def student(self, slug: str = "ming", **fields: Any) -> Path:
        info = {"name": "王小明", "student_id": "11301234", "school": "南湖高中",
                "enrolled": 113, **fields}
        folder = self.root / slug
        (folder / "items").mkdir(parents=True, exist_ok=True)
        self.write(folder / "student.yaml", yaml.safe_dump(info, allow_unicode=True))
        return folder

    def item(self, item_id: str, body: str = "這次的心得。", slug: str = "ming",
             **front: Any) -> Path:
        folder = self.root / slug / "items" / item_id
        folder.mkdir(parents=True, exist_ok=True)
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
        self.write(folder / "index.md", text + body + "\n")
        return folder

    def course(self, item_id: str, slug: str = "ming", **front: Any) -> Path:
        base = {"type": "course", "title": f"課程成果 {item_id}",
                "summary": "用實驗量測數據並討論誤差來源。", "subject": "物理", "term": 1131,
                "certified": True, "form": "report"}
        return self.item(item_id, slug=slug, **{**base, **front})

    def performance(self, item_id: str, slug: str = "ming", **front: Any) -> Path:
        base = {"type": "performance", "title": f"多元表現 {item_id}",
                "summary": "參加比賽的過程與收穫。", "category": "competition",
                "date": dt.date(2025, 3, 1)}
        return self.item(item_id, slug=slug, **{**base, **front})

    def file(self, item_id: str, name: str, source: Path | bytes, slug: str = "ming") -> Path:
        dest = self.root / slug / "items" / item_id / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            dest.write_bytes(source)
        else:
            shutil.copyfile(source, dest)
        return dest

    def departments(self, entries: list[dict[str, Any]], slug: str = "ming") -> None:
        self.write(self.root / slug / "departments.yaml",
                   yaml.safe_dump(entries, allow_unicode=True, sort_keys=False))

    @staticmethod
    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    def check(self, *extra: str) -> Run:
        return run_cli("check", str(self.root), "--offline", "--format", "json", *extra)
