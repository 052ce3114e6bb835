"""The state of a folder tree, and of the tool itself, as one hash: how a build tells an
input unchanged without reading it (engine/build_stamp.py for the whole build,
content/student_cache.py for one student's folder), as make, ninja and git's index do.

Each entry counts by its size, modification and change times, inode and mode. A file
edited and put back, or copied over with its old time (`cp -p`, `touch -d`), still has
a new change time, which no one can set back.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1]
# A tree modified this recently may not be trusted to tell a later change by its state:
# FAT keeps modification times to two seconds (a second edit of the same size in the
# same tick would look like none; git calls such entries "racily clean"). With a margin.
RACY_SECONDS = 3


def stat_line(rel: str, st: os.stat_result) -> bytes:
    return f"{rel}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0" \
           f"{st.st_ino}\n".encode()


@dataclass
class TreeSeen:
    newest: int = 0   # the newest modification time seen (ns)
    links: int = 0    # symbolic links met


def tree(h: Any, root: Path, skip_dirs: frozenset[str] = frozenset(),
         hidden_top: bool = False) -> TreeSeen:
    """Every entry under `root`, in a fixed order, by its stat (a symlink by its own and
    its target's: what a reader would read through it). `hidden_top`: leave out the
    folders directly in `root` whose names start with a dot, which the loader never
    reads (content/loader.py: `student_folders`): a content folder kept in git has its
    `.git` there, and git's own writes are no change of the content."""
    seen = TreeSeen()
    try:
        st = os.stat(root)
    except OSError:
        h.update(b"absent\n")
        return seen
    h.update(stat_line(".", st))
    seen.newest = st.st_mtime_ns
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as exc:
            h.update(f"{prefix}\0unreadable {exc.errno}\n".encode())
            continue
        for entry in entries:
            rel = prefix + entry.name
            if hidden_top and not prefix and entry.name.startswith(".") \
                    and entry.is_dir(follow_symlinks=False):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                h.update(stat_line(rel, st))
                seen.newest = max(seen.newest, st.st_mtime_ns)
                if entry.is_symlink():
                    seen.links += 1
                    target = os.stat(entry.path)
                    h.update(stat_line(rel + "\0->", target))
                    seen.newest = max(seen.newest, target.st_mtime_ns)
            except OSError:
                h.update(f"{rel}\0gone\n".encode())
                continue
            if entry.is_dir(follow_symlinks=False) and entry.name not in skip_dirs:
                stack.append((Path(entry.path), rel + "/"))
    return seen


def code_state(h: Any) -> None:
    """The tool's code, words and tables, the Python running it, and the installed
    libraries' folders (a package added, removed or upgraded changes them)."""
    h.update(f"{sys.version}\0{sys.executable}\n".encode())
    tree(h, PACKAGE, frozenset({"__pycache__"}))
    for name in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        try:
            h.update(stat_line(name, os.stat(name)))
        except OSError:
            h.update(f"{name}\0absent\n".encode())
