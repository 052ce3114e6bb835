"""The content root as the editor's only store: reading files with the hash the form
carries, and writing them back only when nobody changed them meanwhile.

Every write goes through one lock (two tabs saving at once are put in a row), checks
the hash the form was opened with (a file changed on disk since is not overwritten:
409, and the page offers to reload), and replaces the file atomically with its own
permissions. Nothing but the file being saved is touched; dropped files are created
under a name that is free, never over an existing one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from generator.content.error_findings import read_finding
from generator.content.item_paths import real_inside
from generator.content.loader import reader_for
from generator.content.text_readers import ReadError, TextReader
from generator.editor.names import Refused, file_name, free_name
from generator.editor.roundtrip import NotEditable
from generator.findings import Finding
from generator.rules import Rules
from generator.support import atomic
from generator.support.ownership import STATE_DIR

CHUNK = 1 << 20


class Readable(Protocol):
    """A request's body: read up to n bytes at a time."""

    def read(self, n: int = -1, /) -> bytes: ...


def digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


@dataclass
class Loaded:
    """A text file of the content root as the form sees it."""

    path: Path
    raw: bytes | None          # None: there is no such file yet
    data: Any                  # what the tool's reader makes of it
    body: str                  # an index.md's text after the settings block
    problem: Finding | None    # why it cannot be edited in the form (it is unreadable)

    @property
    def hash(self) -> str | None:
        return digest(self.raw)

    @property
    def text(self) -> str:
        """The file as written, a byte-order mark included (the writer keeps it)."""
        return self.raw.decode("utf-8") if self.raw is not None else ""


class Store:
    """Reads and writes the content root `root`; scratch space is `output`'s own."""

    def __init__(self, root: Path, output: Path, rules: Rules):
        self.root = root
        self.output = output
        self.rules = rules
        self.lock = threading.RLock()

    @property
    def reader(self) -> TextReader:
        return reader_for(self.root, self.rules)

    @property
    def scratch(self) -> Path:
        """Where uploads and drafts are put together: the output's `.portfolio/editor`,
        never the content root."""
        return self.output / STATE_DIR / "editor"

    # ------------------------------------------------------------------ reading
    def _raw(self, path: Path) -> bytes | None:
        if not path.exists():
            return None
        if real_inside(self.root, path) is None:
            raise Refused(403, "edit-refused-outside")
        with path.open("rb") as fh:
            return fh.read(self.reader.max_bytes + 1)

    def load_front(self, path: Path, student: str, item: str | None) -> Loaded:
        raw = self._raw(path)
        if raw is None:
            return Loaded(path, None, {}, "", None)
        try:
            data, body, problems = self.reader.read_front_matter(path)
        except ReadError as err:
            return Loaded(path, raw, {}, "", read_finding(err, student, item, path.name))
        if problems:
            return Loaded(path, raw, data, body, read_finding(problems[0], student, item,
                                                              path.name))
        return Loaded(path, raw, data, body, None)

    def load_yaml(self, path: Path, student: str, shape: type) -> Loaded:
        raw = self._raw(path)
        if raw is None:
            return Loaded(path, None, None, "", None)
        try:
            data, problems = self.reader.read_yaml(path)
        except ReadError as err:
            return Loaded(path, raw, None, "", read_finding(err, student, None, path.name))
        if problems:
            return Loaded(path, raw, data, "", read_finding(problems[0], student, None,
                                                            path.name))
        if data is not None and not isinstance(data, shape):
            return Loaded(path, raw, None, "", read_finding(
                ReadError("syntax-error", 1, "not the expected shape"), student, None,
                path.name))
        return Loaded(path, raw, data, "", None)

    # ------------------------------------------------------------------ writing
    def write(self, path: Path, base: str | None, make: Callable[[Loaded], str],
              load: Callable[[], Loaded]) -> str:
        """Write what `make` makes of the file as it is now, unless it changed since the
        form read it (`base`, its hash then). The new hash."""
        with self.lock:
            current = load()
            if current.hash != base:
                raise Refused(409, "edit-conflict")
            if current.problem is not None:
                raise Refused(409, "edit-not-editable")
            try:
                new = make(current).encode("utf-8")
            except NotEditable:
                raise Refused(409, "edit-not-editable") from None
            if current.raw is not None and new == current.raw:
                return current.hash or ""
            if current.raw is None and not new:
                return ""  # nothing to say: no empty file is made
            self._replace(path, new)
            return digest(new) or ""

    def _replace(self, path: Path, data: bytes) -> None:
        if real_inside(self.root, path.parent) is None:
            raise Refused(403, "edit-refused-outside")
        mode = None
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode & 0o777
        try:
            with atomic.replacing(path, mode) as tmp:
                tmp.write_bytes(data)
        except (OSError, atomic.OutputWriteError):
            raise Refused(500, "edit-write-failed") from None

    def make_folder(self, folder: Path) -> None:
        """A new item or student folder (refused when it exists: never two forms on one)."""
        with self.lock:
            if real_inside(self.root, folder.parent) is None:
                raise Refused(403, "edit-refused-outside")
            try:
                folder.mkdir(parents=False)
            except FileExistsError:
                raise Refused(409, "edit-exists") from None
            except OSError:
                raise Refused(500, "edit-write-failed") from None

    # ------------------------------------------------------------------ dropped files
    def receive(self, stream: Readable, length: int, folder: Path, given: str) -> str:
        """Copy `length` bytes of `stream` into `folder` under a safe, free name (never
        over a file that is there); the name it got."""
        name = file_name(given)
        self.scratch.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=atomic.TEMP_PREFIX, dir=self.scratch)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                left = length
                while left > 0:
                    chunk = stream.read(min(CHUNK, left))
                    if not chunk:
                        raise Refused(400, "edit-upload-incomplete")
                    out.write(chunk)
                    left -= len(chunk)
            with self.lock:
                if real_inside(self.root, folder) is None:
                    raise Refused(403, "edit-refused-outside")
                return _place(tmp, folder, name)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _place(tmp: Path, folder: Path, name: str) -> str:
    """Put `tmp` into `folder` as `name` or the next free variant, atomically and
    without ever replacing a file (a hard link, else an exclusive create)."""
    for _attempt in range(1000):
        name = free_name(folder, name)
        target = folder / name
        try:
            os.link(tmp, target)
            os.chmod(target, 0o666 & ~_umask())
            return name
        except FileExistsError:
            continue  # taken between the look and the link: the next free name
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise Refused(500, "edit-write-failed") from None
        try:
            dst = open(target, "xb")  # noqa: SIM115 - closed below, removed if incomplete
        except FileExistsError:
            continue
        except OSError:
            raise Refused(500, "edit-write-failed") from None
        try:
            with tmp.open("rb") as src, dst:
                shutil.copyfileobj(src, dst, CHUNK)
            return name
        except OSError:
            with contextlib.suppress(OSError):
                target.unlink()  # the half copy this made, and only that
            raise Refused(500, "edit-write-failed") from None
    raise Refused(500, "edit-write-failed")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
