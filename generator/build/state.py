"""What the last build wrote, and from which inputs: the memory behind incremental builds.

Every output file is recorded with a fingerprint of everything it was made from
(the content it shows, the theme, the language, the tool's version). A renderer asks
`fresh(path, fingerprint)` before doing any work: when the file is still there and
was made from the same inputs, it is kept as it is. Files the last build wrote and
this one did not (a removed item, a renamed department) are deleted at the end.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

STATE_VERSION = 1
STATE_DIR = ".portfolio"


class BuildState:
    def __init__(self, output: Path):
        self.output = output
        self.path = output / STATE_DIR / "state.json"
        self.previous: dict[str, dict[str, str]] = {}
        self.current: dict[str, dict[str, str]] = {}
        self.rendered: list[str] = []   # written this run, in order
        self.kept: list[str] = []       # up to date, left alone
        self._lock = threading.Lock()
        try:
            data = json.loads(self.path.read_text("utf-8"))
            if data.get("version") == STATE_VERSION:
                self.previous = data.get("outputs", {})
        except (OSError, ValueError, AttributeError):
            pass

    def fresh(self, rel: str, fingerprint: str) -> bool:
        """True (and the file is kept) when `rel` exists and was made from the same inputs."""
        entry = self.previous.get(rel)
        if entry is None or entry.get("fp") != fingerprint or not (self.output / rel).exists():
            return False
        with self._lock:
            self.current[rel] = entry
            self.kept.append(rel)
        return True

    def record(self, rel: str, fingerprint: str, renderer: str) -> None:
        """`rel` was written this run from inputs with `fingerprint`."""
        with self._lock:
            self.current[rel] = {"fp": fingerprint, "by": renderer}
            self.rendered.append(rel)

    def carry(self, renderers: set[str]) -> None:
        """Keep what `renderers` wrote last time: they were skipped or broke off this time,
        and their earlier output is better than none."""
        with self._lock:
            for rel, entry in self.previous.items():
                if entry.get("by") in renderers and rel not in self.current:
                    self.current[rel] = entry

    def stale(self) -> list[str]:
        """Outputs of the last build that this build did not produce again."""
        return sorted(set(self.previous) - set(self.current))

    def remove_stale(self) -> list[str]:
        removed = []
        for rel in self.stale():
            target = self.output / rel
            try:
                target.unlink()
                removed.append(rel)
            except FileNotFoundError:
                removed.append(rel)
            except OSError:
                continue
            _prune_empty_dirs(target.parent, self.output)
        return removed

    def save(self, log: dict[str, Any]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(self.path, {"version": STATE_VERSION, "outputs": self.current})
        _write_json(folder / "build.json", log)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
