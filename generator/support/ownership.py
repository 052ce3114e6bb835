"""The output folder: the only place the tool writes, and in it only the files it wrote.

A command that writes (build, serve, export, fit, links) first claims its output:

- it is refused (exit 2) when it is, is inside, or contains the content root: the
  tool never writes among a student's own files;
- it is refused when it is a non-empty folder that is not an earlier output of this
  tool (no `.portfolio/state.json` of ours): an unrelated folder is never written in;
- it is locked (flock on `.portfolio/lock`), so a second command on the same output
  stops with exit 2 instead of interleaving its files with the first one's;
- temporary files an interrupted command left there are removed, in one walk of the
  output that also tells which of the record's files and folders are still there;
- the tool's own `.portfolio/` must be a folder (a link or a file there refuses the
  output), and the walk removes every symbolic link in it: the tool makes none, and one
  would take its record, lock and caches somewhere else. Writes in `.portfolio/` go
  through no link either, like every write in the output.

`state.json` records every file ("owned") and folder ("dirs") the tool made in the
output; one no longer there, or now a link, is forgotten: whatever is put in its place
is someone else's. While the claim is held it is the guard of generator.support.atomic: a write to a
path that holds something not in the record is skipped and reported, and removals
and pruning touch recorded paths only. Each new path is appended to
`.portfolio/journal` before the file is put in place, so the record stays complete
when forked workers write, and when a command is killed midway: the next claim
folds the journal into the record. A worker on another machine (a Dask cluster,
`build --scheduler`) joins the claim instead of taking it (`join`): it keeps its own
`.portfolio/journal.<host>.<pid>`, since appends from several machines to one file on a
shared filesystem can interleave, and the claim reads every journal.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.i18n import DEFAULT_LANG, text
from generator.support import atomic
from generator.support.records import read_record

STATE_DIR = ".portfolio"
STATE_FILE = "state.json"
STATE_VERSION = 1
TOOL = "portfolio"
JOURNAL = "journal"
LOCK = "lock"
CACHE = "cache"

# Threads (fit's items run side by side) read the journal too; a fork must not inherit
# the lock held by a thread that does not exist in the child.
_journal_lock = threading.Lock()


def _fresh_lock() -> None:
    global _journal_lock
    _journal_lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_lock)


class OutputRefused(Exception):
    """The output folder may not be used at all (exit 2); nothing was written."""

    def __init__(self, key: str, **params: str):
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return text(self.key, lang or DEFAULT_LANG, **self.params)


def state_path(output: Path) -> Path:
    return Path(output) / STATE_DIR / STATE_FILE


def cache_dir(output: Path) -> Path:
    """Where every cache lives: the inspection of files, media and derived files."""
    return Path(output) / STATE_DIR / CACHE


def derived_dir(output: Path) -> Path:
    """The build's derived files (thumbnails, copies, print pictures, laid-out PDF
    parts), in the output's cache: the content root is only ever read."""
    return cache_dir(output) / "derived"


def read_state(output: Path) -> dict[str, Any] | None:
    """The state file of an earlier output of this tool, or None."""
    try:
        data = json.loads(read_record(state_path(output)))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    # Before the record of owned files, the state file held only "outputs".
    if data.get("tool") == TOOL or (isinstance(data.get("outputs"), dict)
                                    and "version" in data):
        return data
    return None


def is_ours(output: Path) -> bool:
    """Whether `output` is a folder an earlier command of this tool wrote."""
    return read_state(output) is not None


def overlaps(output: Path, content: Path) -> bool:
    out, root = Path(output).resolve(), Path(content).resolve()
    return out == root or out.is_relative_to(root) or root.is_relative_to(out)


def check_place(output: Path, content: Path | None) -> None:
    """Raise OutputRefused unless `output` may be written: see the module's docstring."""
    output = Path(output)
    if content is not None and overlaps(output, content):
        raise OutputRefused("output-overlaps-content", output=str(output),
                            content=str(content))
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputRefused("output-not-folder", output=str(output))
    with os.scandir(output) as entries:
        empty = next(entries, None) is None
    if not empty and not is_ours(output):
        raise OutputRefused("output-not-ours", output=str(output))
    if not _state_in_place(output):
        raise OutputRefused("output-state-not-folder", output=str(output))


def _state_in_place(output: Path) -> bool:
    """Whether the output's `.portfolio` is absent or a folder of its own: a link there
    would take the record, the lock and every cache somewhere else."""
    state = Path(output) / STATE_DIR
    return not state.is_symlink() and (state.is_dir() or not os.path.lexists(state))


def usable_cache(output: Path | None, content: Path) -> Path | None:
    """The cache folder `check` may use: only that of an existing output of ours."""
    if output is None or overlaps(output, content) or not is_ours(output) \
            or not _state_in_place(output):
        return None
    return Path(output)


def _private(rel: str) -> bool:
    """Whether the output-relative `rel` is in the tool's own `.portfolio/`."""
    return rel == STATE_DIR or rel.startswith(STATE_DIR + "/")


class OutputFolder:
    """An output folder claimed by this process, and the guard of every write in it."""

    def __init__(self, output: Path):
        self.path = Path(output)
        self.root = os.path.abspath(output)
        self.state_dir = Path(self.root) / STATE_DIR
        self.journal = self.state_dir / JOURNAL
        self.state: dict[str, Any] = {}
        self.owned: set[str] = set()
        self.dirs: set[str] = set()
        self.refused: dict[str, None] = {}
        self.swept = 0
        self._lock_fd: int | None = None
        # The journal kept open by the process that opened it (a forked worker opens its
        # own): a build that writes thousands of new files notes each one.
        self._journal_fd: tuple[int, int] | None = None   # (pid, fd)
        self._placed: set[str] = set()   # folders (relative) found to be where they seem
        # Whether the record was measured against the output (the claim's walk) since it
        # was last written.
        self._measured = False
        self._read_to: dict[str, int] = {}
        # Whether the record in memory differs from state.json: a build writes it once,
        # at its end, unless the claim itself had something to keep at once.
        self._dirty = False
        self._previous_guard: atomic.Guard | None = None

    # ------------------------------------------------------------------ claiming
    def _open(self) -> None:
        try:
            atomic.make_dirs(self.state_dir)
            fd = self._open_lock()
        except OSError as exc:
            raise atomic.as_write_error(exc, self.path) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputRefused("output-busy", output=str(self.path)) from None
        self._lock_fd = fd
        try:
            found: tuple[set[str], set[str]] = (set(), set())
            self.swept = atomic.sweep(Path(self.root), found, unlink=STATE_DIR)
            self._load(found)
        except BaseException:
            self.release()
            raise
        self._previous_guard = atomic.set_guard(self)

    def _open_lock(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
        lock = self.state_dir / LOCK
        try:
            return os.open(lock, flags, 0o644)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
        # A link where the lock goes is no lock of ours: only the link goes.
        lock.unlink()
        return os.open(lock, flags, 0o644)

    def _load(self, found: tuple[set[str], set[str]] | None = None) -> None:
        """The record, and a killed command's journal folded in; `found`: what is in
        the output now (atomic.sweep), for what the record must forget."""
        data = read_state(Path(self.root))
        recorded = data is not None and "owned" in data
        if data is None:
            data = {"tool": TOOL, "version": STATE_VERSION, "outputs": {}}
            data["owned"], data["dirs"] = [], []
        elif "owned" not in data:
            # An output of the tool from before it kept this record: all of it was ours.
            data["owned"], data["dirs"] = self._everything()
        self.state = data
        self.owned = set(data.get("owned") or [])
        self.dirs = set(data.get("dirs") or [])
        left = self._read_journal()  # a killed command's: what it wrote is the tool's
        self.refused.clear()  # what a killed command skipped is for this one to find again
        self._forget_missing(found)
        self._measured = found is not None
        # A new output is marked as ours at once (a command killed before its first save
        # must not leave a folder the next one refuses), and so are the adoption of an old
        # one and a killed command's journal. Otherwise the command's save writes the
        # record: files gone since (pages deleted by hand) are forgotten again by the next
        # claim should this command be killed before it.
        if not recorded or left:
            self._write_state()
            self._drop_journals()
            self._measured = found is not None

    def _everything(self) -> tuple[list[str], list[str]]:
        files, dirs = [], []
        for dirpath, dirnames, filenames in os.walk(self.root):
            if dirpath == self.root:
                dirnames[:] = [d for d in dirnames if d != STATE_DIR]
            rel = os.path.relpath(dirpath, self.root)
            base = "" if rel == "." else rel + "/"
            files += [base + f for f in filenames]
            dirs += [base + d for d in dirnames]
        return sorted(files), sorted(dirs)

    def release(self) -> None:
        if atomic._guard is self:
            atomic.set_guard(self._previous_guard)
        self._close_journal()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # ------------------------------------------------------------------ the record
    @property
    def outputs(self) -> dict[str, dict[str, str]]:
        """What the last build recorded of each output (its fingerprint and renderer)."""
        outputs = self.state.get("outputs")
        return outputs if self.state.get("version") == STATE_VERSION and isinstance(
            outputs, dict) else {}

    def save(self, outputs: dict[str, dict[str, str]] | None = None) -> None:
        """Write the record: what is there now of everything the tool made (unless
        state.json says that already: nothing was written or removed since it was)."""
        self._read_journal()
        if outputs is not None:
            self.state["outputs"] = outputs
            self.state["version"] = STATE_VERSION
            self._dirty = True
        if self._dirty:
            self._write_state()
        self._drop_journals()   # every line of them is in state.json now

    def _journals(self) -> list[Path]:
        """This process's journal and every worker's (`journal.<host>.<pid>`)."""
        try:
            others = sorted(p for p in self.state_dir.glob(JOURNAL + ".*"))
        except OSError:
            others = []
        return [self.state_dir / JOURNAL, *others]

    def _drop_journals(self) -> None:
        """The record has taken them in: they are done with."""
        self._close_journal()
        for path in self._journals():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._read_to = {}

    def _forget_missing(self, found: tuple[set[str], set[str]] | None = None) -> None:
        """Files and folders of the record that are no longer there are not the tool's:
        whatever is put in their place later is someone else's. `found`: what is there
        (atomic.sweep), else each is looked at."""
        if found is not None:
            owned, dirs = self.owned & found[0], self.dirs & found[1]
        else:
            base = self.root + os.sep
            owned = {r for r in self.owned if os.path.isfile(base + r)}
            dirs = {d for d in self.dirs if os.path.isdir(base + d)}
        if owned != self.owned or dirs != self.dirs:
            self.owned, self.dirs = owned, dirs
            self._dirty = True

    def _write_state(self) -> None:
        if not self._measured:
            self._forget_missing()
        # The first record written after the claim's walk needs no look of its own: what
        # this command removed it forgot as it went, and anything else gone since is
        # forgotten by the next claim's walk. A claim held on (`serve`) looks again.
        self._measured = False
        self.state.update(tool=TOOL, owned=sorted(self.owned), dirs=sorted(self.dirs))
        self.state.setdefault("version", STATE_VERSION)
        self.state.setdefault("outputs", {})
        # Compact: read by programs (read_state, output_record), thousands of lines long.
        atomic.write_text(self.state_dir / STATE_FILE,
                          json.dumps(self.state, ensure_ascii=False, separators=(",", ":"),
                                     sort_keys=True))
        self._dirty = False

    def refusals(self) -> list[str]:
        """Paths (relative to the output) left alone because something not ours was
        there, by this process and its workers alike."""
        self._read_journal()
        return list(self.refused)

    def _inside(self, path: Path) -> str | None:
        """`path` relative to the output (POSIX), `.portfolio/` included; None outside."""
        full = os.path.abspath(path)   # normalised: no `..` left to climb out with
        inside = self.root.rstrip(os.sep) + os.sep
        if not full.startswith(inside):
            return None
        return full[len(inside):].replace(os.sep, "/")

    def _rel(self, path: Path) -> str | None:
        """`path` relative to the output, or None when it is not the record's business
        (outside the output, or in the tool's own `.portfolio/`, whose files the record
        does not list: only the tool ever writes there)."""
        rel = self._inside(path)
        return None if rel is None or _private(rel) else rel

    def _note(self, kind: str, rel: str) -> None:
        line = f"{kind} {rel}\n".encode()
        try:
            os.write(self._journal(), line)
        except OSError as exc:
            self._close_journal()
            raise atomic.as_write_error(exc, self.journal) from exc

    def _journal(self) -> int:
        """This process's descriptor of the journal, opened again when the file it was
        opened on is gone (the record took it in and removed it)."""
        pid = os.getpid()
        if self._journal_fd is not None and self._journal_fd[0] == pid:
            try:
                if os.fstat(self._journal_fd[1]).st_nlink > 0:
                    return self._journal_fd[1]
            except OSError:
                pass
            self._close_journal()
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        self._journal_fd = (pid, fd)
        return fd

    def _close_journal(self) -> None:
        if self._journal_fd is not None and self._journal_fd[0] == os.getpid():
            with contextlib.suppress(OSError):
                os.close(self._journal_fd[1])
        self._journal_fd = None

    def _read_journal(self) -> bool:
        """Take in what workers (or a killed command) wrote since the last reading."""
        with _journal_lock:
            return self._read_journal_locked()

    def _read_journal_locked(self) -> bool:
        read = False
        for path in self._journals():
            read = self._read_one(path) or read
        return read

    def _read_one(self, path: Path) -> bool:
        key = path.name
        try:
            with path.open("rb") as fh:
                fh.seek(self._read_to.get(key, 0))
                data = fh.read()
        except FileNotFoundError:
            return False
        end = data.rfind(b"\n") + 1
        self._read_to[key] = self._read_to.get(key, 0) + end
        for line in data[:end].decode("utf-8", "replace").splitlines():
            kind, _, rel = line.partition(" ")
            if kind == "f":
                self.owned.add(rel)
            elif kind == "d":
                self.dirs.add(rel)
            elif kind == "x":
                self.refused.setdefault(rel)
        if end > 0:
            self._dirty = True
        return end > 0

    # ------------------------------------------------------------------ the guard
    def owns(self, path: Path) -> bool:
        rel = self._rel(path)
        if rel is None or rel in self.owned:
            return True
        self._read_journal()
        return rel in self.owned

    def admit(self, path: Path) -> bool:
        rel = self._inside(path)
        if rel is None:
            return True
        # No link on the way, in `.portfolio/` too (a cache folder swapped for a link
        # would take writes elsewhere); the record lists none of the tool's own files.
        if not self._in_place(rel):
            self.refuse(path)
            return False
        if _private(rel) or rel in self.owned:
            return True
        if not os.path.lexists(path):
            self.owned.add(rel)
            self._dirty = True
            self._note("f", rel)
            return True
        if self.owns(path):
            return True
        self.refuse(path)
        return False

    def _in_place(self, rel: str) -> bool:
        """No folder on the way is a link (out of the output, or to another folder in it).

        A folder is in place when its parent is and it is no link itself; one found in
        place stays so for this claim: while it is held nothing else writes in the
        output, and the tool makes no links. So a build's thousands of files, most in
        folders of their own, cost one look at each new folder, not at every folder on
        the way."""
        return self._folder_in_place(os.path.dirname(rel))

    def may_make_in(self, path: Path) -> bool:
        """Whether folders made under the existing folder `path` are made in the output
        (no link on the way), or `path` is none of the output's business."""
        rel = self._inside(path)
        return rel is None or self._folder_in_place(rel)

    def _folder_in_place(self, folder: str) -> bool:
        if folder == "" or folder in self._placed:
            return True
        placed = self._folder_in_place(os.path.dirname(folder)) \
            and not os.path.islink(os.path.join(self.root, folder))
        if placed:
            self._placed.add(folder)
        return placed

    def refuse(self, path: Path) -> None:
        rel = self._inside(path) or str(path)
        if rel not in self.refused:
            self.refused[rel] = None
            self._note("x", rel)

    def may_remove(self, path: Path) -> bool:
        rel = self._inside(path)
        if rel is None:
            return True
        return self._in_place(rel) and (_private(rel) or self.owns(path))

    def removed(self, path: Path) -> None:
        rel = self._rel(path)
        if rel is not None and rel in self.owned:
            self.owned.discard(rel)
            self._dirty = True

    def made_dir(self, path: Path) -> None:
        rel = self._rel(path)
        if rel is not None and rel not in self.dirs:
            self.dirs.add(rel)
            self._dirty = True
            self._note("d", rel)

    def prune(self, folder: Path) -> None:
        """Remove `folder` and its parents while they are empty folders the tool made."""
        folder = Path(folder)
        while True:
            rel = self._rel(folder)
            if rel is None or rel not in self.dirs:
                return
            try:
                folder.rmdir()
            except OSError:
                return
            self.dirs.discard(rel)
            self._dirty = True
            folder = folder.parent


def join(output: Path) -> OutputFolder:
    """The claim another process holds on `output`, as a worker of its build sees it:
    the guard of this worker's writes, recording them in its own journal. Nothing is
    locked, swept or rewritten: the claim's holder does all of that."""
    folder = OutputFolder(output)
    folder.journal = folder.state_dir / f"{JOURNAL}.{socket.gethostname()}.{os.getpid()}"
    data = read_state(Path(folder.root)) or {}
    folder.state = data
    folder.owned = set(data.get("owned") or [])
    folder.dirs = set(data.get("dirs") or [])
    folder._read_journal()
    return folder


_held: list[OutputFolder] = []


def claim(output: Path, content: Path | None = None) -> OutputFolder:
    """Check, lock and sweep `output` for this process (see the module docstring).

    Raises OutputRefused or atomic.OutputWriteError (both: exit 2).
    """
    check_place(output, content)
    folder = OutputFolder(output)
    folder._open()
    return folder


def held(output: Path) -> OutputFolder | None:
    """The claim this process already holds on `output`, if any."""
    root = os.path.abspath(output)
    return next((f for f in reversed(_held) if f.root == root and f._lock_fd is not None), None)


@contextlib.contextmanager
def holding(output: Path, content: Path | None = None) -> Iterator[OutputFolder]:
    """The claim on `output`: the one already held (serve, export), else a new one
    released at the end of the block."""
    already = held(output)
    if already is not None:
        if content is not None and overlaps(output, content):
            raise OutputRefused("output-overlaps-content", output=str(output),
                                content=str(content))
        # A claim held across commands (serve's rebuilds) looks at its folders anew.
        already._placed.clear()
        yield already
        return
    folder = claim(output, content)
    _held.append(folder)
    try:
        yield folder
    finally:
        # The record of what was written, whatever the command did after its last save;
        # when even that fails, the journal stays and the next claim folds it in.
        with contextlib.suppress(OSError, atomic.OutputWriteError):
            folder.save()
        folder.release()
        with contextlib.suppress(ValueError):
            _held.remove(folder)
