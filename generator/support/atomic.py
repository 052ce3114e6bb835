"""Writing output whole or not at all, and only where the tool may write.

Every file the tool writes goes through here. The bytes go to a uniquely named
temporary file beside the target, named with TEMP_PREFIX so that the next command
on the same output recognises and removes what an interrupted one left behind, and
the temporary file is then renamed over the target: a reader (a browser, `serve`,
the school's upload form) never sees half a file, and a failed write leaves nothing.

While a command holds an output folder (see generator.support.ownership) every write and
every removal is first put to that folder's guard: a file the tool did not write is
never overwritten (the write is skipped, and the guard remembers it for the report)
and never removed. Without a guard (a library caller, a test) writes go straight on.

An error that means the output cannot be written at all (disk full, read-only, no
permission) becomes OutputWriteError, which commands turn into one clear line and
exit code 2 instead of a traceback or a misleading "cannot read the content".
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, Protocol

TEMP_PREFIX = ".portfolio-tmp-"

# errno → the catalog key of the reason a person reads.
_REASONS = {
    errno.ENOSPC: "output-reason-disk-full",
    errno.EDQUOT: "output-reason-disk-full",
    errno.EFBIG: "output-reason-disk-full",   # over the file system's (or the rlimit's) size
    errno.EROFS: "output-reason-read-only",
    errno.EACCES: "output-reason-denied",
    errno.EPERM: "output-reason-denied",
    errno.ENOTDIR: "output-reason-in-the-way",
    errno.EEXIST: "output-reason-in-the-way",
}
# Errors that can only mean the disk refuses to take what is written, wherever they
# come from (Pillow saving a thumbnail, a worker writing a page): they stop a build.
FATAL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


class OutputWriteError(Exception):
    """The output cannot be written at all: the command stops with exit code 2."""

    def __init__(self, path: Path | str, error: OSError):
        super().__init__(f"{path}: {error.strerror or error}")
        self.path = str(path)
        self.errno = error.errno
        self.detail = error.strerror or str(error)

    def message(self, lang: str) -> str:
        from generator.i18n import text

        key = _REASONS.get(self.errno or 0)
        reason = text(key, lang) if key else self.detail
        return text("output-write-failed", lang, path=self.path, reason=reason)

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in a forked worker, it crosses back to the build through pickle.
        return (_rebuild, (self.path, self.errno, self.detail))


def _rebuild(path: str, number: int | None, detail: str) -> OutputWriteError:
    return OutputWriteError(path, OSError(number, detail))


def is_fatal(exc: BaseException) -> bool:
    """Whether `exc` says the disk refuses writes (as opposed to a bad input file)."""
    return isinstance(exc, OutputWriteError) or (
        isinstance(exc, OSError) and exc.errno in FATAL_ERRNOS)


def as_write_error(exc: OSError, path: Path | str | None = None) -> OutputWriteError:
    """`exc` as the output's error; `path` (else the file written, else the one read from,
    which for a copy is the second name) is the path the message names."""
    return OutputWriteError(path or exc.filename2 or exc.filename or "?", exc)


class Guard(Protocol):
    """What an output folder held by this process decides (generator.support.ownership)."""

    def admit(self, path: Path) -> bool: ...      # may `path` be (over)written?
    def refuse(self, path: Path) -> None: ...     # something not ours is in the way
    def may_remove(self, path: Path) -> bool: ...
    def removed(self, path: Path) -> None: ...
    def made_dir(self, path: Path) -> None: ...   # about to create this folder
    def may_make_in(self, path: Path) -> bool: ...  # may folders be made under `path`?
    def owns(self, path: Path) -> bool: ...


_guard: Guard | None = None


def set_guard(guard: Guard | None) -> Guard | None:
    """Put `guard` in charge of every write (None: none); the previous one is returned."""
    global _guard
    previous, _guard = _guard, guard
    return previous


def guarded() -> bool:
    """Whether this process holds (or has joined) a claim on an output folder."""
    return _guard is not None


def owned(path: Path) -> bool:
    """Whether the tool wrote `path` (True when no output folder is held)."""
    return _guard is None or _guard.owns(path)


def make_dirs(folder: Path) -> None:
    """`mkdir -p folder`, telling the guard which folders the tool made (only those are
    ever pruned when they become empty)."""
    missing = []
    here = Path(folder)
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    if _guard is not None and not _guard.may_make_in(here):
        # A link in the output (the folder itself, or one on its way): what is written
        # there, or any folder made through it, would be elsewhere.
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(here))
    for made in reversed(missing):
        if _guard is not None:
            _guard.made_dir(made)
        try:
            made.mkdir(exist_ok=True)
        except FileExistsError:
            if not made.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                         str(made)) from None


def _in_the_way(exc: OSError) -> bool:
    return isinstance(exc, FileExistsError | NotADirectoryError)


@contextlib.contextmanager
def replacing(target: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside `target` that becomes `target` only if the block succeeds.

    The block writes the temporary file however it likes (an encoder, a copy). If the
    guard refuses `target` the work is thrown away instead (`owned(target)` afterwards
    tells). The temporary file is gone on any exception.
    """
    with _replacing(Path(target), mode, tidy=True) as (_fd, tmp):
        yield tmp


@contextlib.contextmanager
def _replacing(target: Path, mode: int | None, tidy: bool = False
               ) -> Iterator[tuple[int, Path]]:
    """`replacing`, giving the block the temporary file's descriptor too, which stays
    open until the block is done (the block must not close it): `write_bytes` writes
    through it instead of opening the file a second time. `tidy`: the block may have
    put a link in the temporary file's place (see below)."""
    allowed = _prepare(target)
    try:
        fd, tmp = _temp_beside(target)
    except OSError as exc:
        _reraise(exc, target)
    closed = replaced = False
    try:
        try:
            yield fd, tmp
        except OSError as exc:
            # The block's own errors (reading a source…) are its business, unless they
            # can only mean that the disk takes nothing more.
            if exc.errno in FATAL_ERRNOS:
                raise as_write_error(exc, target) from exc
            raise
        closed = True
        os.close(fd)
        if allowed:
            try:
                if mode is not None:
                    os.chmod(tmp, mode)
                os.replace(tmp, target)
                replaced = True
            except OSError as exc:
                _reraise(exc, target)
    finally:
        if not closed:
            os.close(fd)
        # Also after a replace when `tidy`: renaming a hard link over another link to
        # the same file (copy_file's, when the target already links the same cache
        # entry) does nothing and leaves the temporary name in place.
        if not replaced or tidy:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _temp_beside(target: Path) -> tuple[int, Path]:
    """A new file beside `target` named with TEMP_PREFIX, made as any file the tool
    writes is (0666 less the umask, which the system applies): mkstemp's are private, and
    making them readable took a chmod and two calls to swap the umask, per file."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}{target.suffix}"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no temporary name left", str(target.parent))


def _reraise(exc: OSError, target: Path) -> NoReturn:
    """`exc` as an OutputWriteError when it says the output cannot be written; a file in
    the way is the guard's business (skipped and reported), not the disk's."""
    if exc.errno in _REASONS and not _in_the_way(exc):
        raise as_write_error(exc, target) from exc
    raise exc


def _prepare(target: Path) -> bool:
    """Make `target`'s folder and ask the guard; False when something else is in the way."""
    try:
        make_dirs(target.parent)
    except OSError as exc:
        if _in_the_way(exc):
            if _guard is None:
                raise
            _guard.refuse(_blocker(target))
            raise _Skipped from None
        _reraise(exc, target.parent)
    return _guard is None or _guard.admit(target)


def _blocker(target: Path) -> Path:
    """The file (or link) standing where one of `target`'s folders should be."""
    here = target.parent
    while here != here.parent:
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            return here
        here = here.parent
    return target


class _Skipped(Exception):
    """The target's folder is blocked by a file the tool did not write."""


def write_bytes(target: Path, data: bytes) -> bool:
    """Write `data` to `target` atomically; False when the guard refused `target`."""
    target = Path(target)
    try:
        with _replacing(target, None) as (fd, _tmp), open(fd, "wb", closefd=False) as fh:
            fh.write(data)
    except _Skipped:
        return False
    return _done(target)


def write_text(target: Path, text: str) -> bool:
    return write_bytes(target, text.encode("utf-8"))


def copy_file(source: Path, target: Path, link: bool = False) -> bool:
    """`target` becomes a copy of `source` (a hard link when `link` and possible)."""
    target = Path(target)
    try:
        with replacing(target) as tmp:
            if link:
                tmp.unlink()
                try:
                    os.link(source, tmp)
                    return _done(target)
                except OSError:
                    pass
            shutil.copyfile(source, tmp)
    except _Skipped:
        return False
    return _done(target)


def _done(target: Path) -> bool:
    return _guard is None or _guard.owns(target)


def remove(path: Path) -> bool:
    """Delete `path` if the tool wrote it; True when it is gone (or was never there)."""
    path = Path(path)
    if _guard is not None and not _guard.may_remove(path):
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno in FATAL_ERRNOS:
            raise as_write_error(exc, path) from exc
        return False
    if _guard is not None:
        _guard.removed(path)
    return True


@contextlib.contextmanager
def replacing_dir(target: Path) -> Iterator[Path]:
    """A fresh folder beside `target` that becomes `target` only if the block succeeds.

    For cache entries keyed by their content: when `target` is already there (another
    build made it first) the new folder is dropped, since theirs is as good. The folder
    goes on any exception, and one a killed run left is swept by the next (TEMP_PREFIX).
    """
    target = Path(target)
    make_dirs(target.parent)
    work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=target.parent))
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        os.replace(work, target)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)


def sweep(folder: Path, found: tuple[set[str], set[str]] | None = None,
          unlink: str | None = None) -> int:
    """Remove what interrupted runs left under `folder`: files and folders named with
    TEMP_PREFIX (no one else names files so). The number removed.

    `found`, two sets: filled with what is left under `folder`, as POSIX paths relative
    to it: its regular files, and its folders (a link is neither). A claim takes its
    record's measure from this one walk instead of a look at each file it records.
    `unlink`, a folder of `folder`'s that only the tool writes in (`.portfolio`): every
    symbolic link in it goes too (the link, never what it leads to), since the tool
    makes none and one there would take its reads and writes elsewhere."""
    count = 0
    files, dirs = found if found is not None else (None, None)
    stack = [("", os.fspath(folder))]
    while stack:
        rel, path = stack.pop()
        try:
            listing = os.scandir(path)
        except OSError:
            continue
        mine = unlink is not None and (rel == unlink + "/" or rel.startswith(unlink + "/"))
        with listing:
            for entry in listing:
                if mine and entry.is_symlink():
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        count += 1
                    continue
                if entry.name.startswith(TEMP_PREFIX):
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=False):
                            shutil.rmtree(entry.path, ignore_errors=True)
                        else:
                            os.unlink(entry.path)
                        count += 1
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{rel}{entry.name}/", entry.path))
                    if dirs is not None:
                        dirs.add(rel + entry.name)
                elif files is not None and entry.is_file(follow_symlinks=False):
                    files.add(rel + entry.name)
    return count


