"""What the last build wrote, and from which inputs: the memory behind incremental builds.

Every output file is recorded with a fingerprint of everything it was made from
(the content it shows, the theme, the language, the tool's version). A renderer asks
`fresh(path, fingerprint)` before doing any work: when the file is still there and
was made from the same inputs, it is kept as it is. Files the last build wrote and
this one did not (a removed item, a renamed department) are deleted at the end.

The state file is also the output's record of ownership (generator.support.ownership): a
build only ever overwrites or deletes what the record says the tool wrote.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from generator.engine import output_paths as paths
from generator.support import atomic
from generator.support.ownership import STATE_DIR, STATE_VERSION, TOOL, OutputFolder
from generator.support.records import read_record

__all__ = ["STATE_DIR", "STATE_VERSION", "BuildState"]


class BuildState:
    def __init__(self, output: Path, folder: OutputFolder | None = None):
        self.output = output
        self.folder = folder
        self.path = output / STATE_DIR / "state.json"
        self._root = os.path.join(os.fspath(output), "")   # a string to join: asked per output
        self.previous: dict[str, dict[str, str]] = {}
        self.current: dict[str, dict[str, str]] = {}
        self.rendered: list[str] = []   # written this run, in order
        self.kept: list[str] = []       # up to date, left alone
        self._lock = threading.Lock()
        if folder is not None:
            self.previous = dict(folder.outputs)
            return
        try:
            data = json.loads(read_record(self.path))
            if data.get("version") == STATE_VERSION:
                self.previous = data.get("outputs", {})
        except (OSError, ValueError, AttributeError):
            pass

    def unchanged(self, rel: str, fingerprint: str) -> bool:
        """Whether `rel` exists and was made from the same inputs (nothing noted)."""
        entry = self.previous.get(rel)
        return entry is not None and entry.get("fp") == fingerprint \
            and os.path.exists(self._root + rel)

    def fresh(self, rel: str, fingerprint: str) -> bool:
        """True (and the file is kept) when `rel` exists and was made from the same inputs."""
        if not self.unchanged(rel, fingerprint):
            return False
        entry = self.previous[rel]
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
        """Delete the stale outputs (those the tool wrote: see `atomic.remove`) and the
        folders they leave empty (those the tool made)."""
        removed = []
        for rel in self.stale():
            try:
                paths.checked(rel)   # a record from an older, unsafe build must not lead out
            except paths.UnsafePath:
                continue
            target = self.output / rel
            if not atomic.remove(target):
                continue
            removed.append(rel)
            if self.folder is not None:
                self.folder.prune(target.parent)
            else:
                _prune_empty_dirs(target.parent, self.output)
        return removed

    def forget(self, rels: set[str]) -> None:
        """`rels` were not written after all (something not ours was there): not outputs."""
        with self._lock:
            for rel in rels:
                self.current.pop(rel, None)
            self.rendered = [r for r in self.rendered if r not in rels]

    def save(self, log: dict[str, Any]) -> None:
        folder = self.path.parent
        atomic.make_dirs(folder)
        if self.folder is not None:
            self.folder.save(self.current)
        else:
            _write_json(self.path, {"version": STATE_VERSION, "tool": TOOL,
                                    "outputs": self.current})
        _write_json(folder / "build.json", log)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic.write_text(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


class DetachedState(BuildState):
    """The record as a task on a cluster's worker sees it: not at all. A task makes its
    output; whether it was fresh, and recording it, is its step's business, in the build."""

    def __init__(self, output: Path):
        self.output = output
        self.folder = None
        self.path = output / STATE_DIR / "state.json"
        self._root = os.path.join(os.fspath(output), "")   # a string to join: asked per output
        self.previous, self.current = {}, {}
        self.rendered, self.kept = [], []
        self._lock = threading.Lock()

    def fresh(self, rel: str, fingerprint: str) -> bool:
        raise RuntimeError("a task does not ask the record; its step does")

    def record(self, rel: str, fingerprint: str, renderer: str) -> None:
        raise RuntimeError("a task does not record; its step does")
