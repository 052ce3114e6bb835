"""A student's folder read again only when something in it changed.

Reading a class of 40 (1,200 items: front matter parsed and validated, records, the
departments) takes about 0.3 s of every build, and most of a build that only makes
pages again. So what `load_student` made of a folder is kept, one JSON file per folder
in the output's cache (`.portfolio/cache/students/`), keyed by:

- the state of every entry of the folder (support/tree_state.py: size, times, inode,
  as the build's own record tells an unchanged input, engine/build_stamp.py);
- the tool's code, words and tables, Python and the installed libraries;
- what the reading is given: the content root and folder, the school's rules as
  loaded from portfolio.toml, its track, the reader's limits.

Never kept, so always read: a folder with a symbolic link anywhere in it (what a link
leads to can change without the folder's entries changing), a folder modified within
`RACY_SECONDS` (a disk that keeps times to the second could hide a second edit), a
reading that would not come back the same from JSON (a finding whose figures JSON
cannot hold as they are), and a reading with a user name or password in an address
(support/url_credentials.py: the tool writes none anywhere). A kept file that is
damaged, too large, of another version or of other inputs is no entry: the folder is
read.

Only a command that holds the output (a build, support/ownership.py) keeps readings;
`check -o` reads them. Only the reading of the folder is kept: resolving and inspecting
the items' files (loader.attach_files, by content hash) and what leads out of the
folder are worked out again each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from generator.findings import SEVERITY_ORDER, Finding, Severity
from generator.model import Student
from generator.rules import Rules
from generator.support.atomic import OutputWriteError, guarded, remove, write_text
from generator.support.records import read_record_bytes
from generator.support.tree_state import RACY_SECONDS, code_state, tree
from generator.support.url_credentials import mentions_credentials

VERSION = 1
FOLDER = "students"
MAX_ENTRY_BYTES = 32 * 2**20   # a student of hundreds of items is a few hundred KB


@dataclass
class StudentCache:
    """One loading's view of the kept readings in `folder` (None: nothing is kept)."""

    folder: Path | None
    given: str        # the digest of what every folder's reading is given
    keys: dict[Path, str | None] = field(default_factory=dict)   # None: not to be kept

    @classmethod
    def open(cls, cache: Path | None, root: Path, rules: Rules, track: str,
             reader_limits: tuple[int, int]) -> StudentCache:
        if cache is None:
            return cls(None, "")
        h = hashlib.sha256(f"{VERSION}\n".encode())
        code_state(h)
        h.update(json.dumps([os.path.abspath(root), track, list(reader_limits)]).encode())
        h.update(rules.model_dump_json(by_alias=True).encode())
        return cls(cache / FOLDER, h.hexdigest())

    def _entry(self, folder: Path) -> Path:
        assert self.folder is not None
        return self.folder / _entry_name(folder)

    def _key(self, folder: Path) -> str | None:
        """The digest of `folder`'s reading, None when it may not be kept."""
        h = hashlib.sha256(f"{self.given}\0{os.path.abspath(folder)}\n".encode())
        seen = tree(h, folder)
        if seen.links or seen.newest >= time.time_ns() - RACY_SECONDS * 1_000_000_000:
            return None
        return h.hexdigest()

    def get(self, folder: Path) -> tuple[Student, list[Finding]] | None:
        """The kept reading of `folder`, when its every input is as it was."""
        if self.folder is None:
            return None
        key = self.keys[folder] = self._key(folder)
        if key is None:
            return None
        entry = self._entry(folder)
        try:
            if entry.is_symlink():
                return None
            data = json.loads(read_record_bytes(entry, MAX_ENTRY_BYTES))
            if not isinstance(data, dict) or data.get("version") != VERSION \
                    or data.get("key") != key:
                return None
            return Student.model_validate(data["student"]), _findings(data["findings"])
        except Exception:   # no entry, or not one this tool wrote: read the folder
            return None

    def put(self, folder: Path, student: Student, found: list[Finding]) -> None:
        """Keep the reading of `folder` (made just now, before anything else changed it)."""
        key = self.keys.get(folder)
        if self.folder is None or key is None or not guarded():
            return
        data = {"version": VERSION, "key": key, "student": student.model_dump(mode="json"),
                "findings": [[f.code, f.severity, f.student, f.item, f.file, f.params]
                             for f in found]}
        try:
            text = json.dumps(data, ensure_ascii=False)
            if _has_credentials(text):
                # A password pasted into a link is in the student's own file and nowhere
                # the tool writes (support/url_credentials.py): such a folder is read
                # each time.
                return
            back = json.loads(text)
            if Student.model_validate(back["student"]) != student \
                    or _findings(back["findings"]) != found:
                return
        except (TypeError, ValueError):
            return
        with contextlib.suppress(OSError, OutputWriteError):
            write_text(self._entry(folder), text)

    def prune(self) -> None:
        """Remove the kept readings of folders this loading did not meet (a student
        renamed or gone)."""
        if self.folder is None or not guarded():
            return
        used = {_entry_name(folder) for folder, key in self.keys.items() if key is not None}
        with contextlib.suppress(OSError, OutputWriteError):
            for entry in os.scandir(self.folder):
                if entry.name not in used and entry.name.endswith(".json"):
                    remove(Path(entry.path))


def _entry_name(folder: Path) -> str:
    return hashlib.sha256(os.path.abspath(folder).encode()).hexdigest()[:24] + ".json"


# A string of JSON text, as json.dumps writes one.
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _has_credentials(text: str) -> bool:
    """Whether any string of the JSON `text` holds an address with a user name or
    password. Every such address has an "@": most readings have none at all."""
    if "@" not in text:
        return False
    return any(mentions_credentials(json.loads(f'"{m[1]}"'))
               for m in _JSON_STRING.finditer(text) if "@" in m[1])


def _findings(rows: Any) -> list[Finding]:
    out = []
    for code, sev, student, item, file, params in rows:
        if not (isinstance(code, str) and sev in SEVERITY_ORDER and isinstance(params, dict)
                and all(v is None or isinstance(v, str) for v in (student, item, file))):
            raise ValueError("not a finding")
        out.append(Finding(code, cast(Severity, sev), student, item, file, params))
    return out
