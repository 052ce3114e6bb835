"""A build's inputs in one digest: when none has changed since a build that made
everything it had to, `portfolio build` has nothing to do, and knows it without
loading the content or the renderers.

Loading a realistic student's content and asking every step whether its outputs are
fresh takes about a second, most of it importing the model, the rules and the steps.
The record here is read in a few milliseconds, as make or ninja read their own: the
state of every input file, and what the last build said.

What a build's output depends on, and how it is seen here:

- the content root (its themes and `reviews/` included) and a `--reviews` folder: each
  file's and folder's size, modification and change times and inode. A file edited and
  put back, or copied over with its old time (`cp -p`, `touch -d`), still has a new
  change time, which no one can set back (git's index tells changes the same way);
- the command: the content and output folders, `--lang`, `--today` (or the day, when
  the build would take the clock's), `--offline`, `--skip`, the reviews options;
- the environment: SOURCE_DATE_EPOCH, the proxy variables, and the programs found on
  PATH (ffmpeg, ffprobe, fontconfig's), by where they are and their files' state;
- the tool: its package (code, words, rules tables, themes), Python, the installed
  libraries' folder (a package added, removed or upgraded changes it), fontconfig's
  caches (fonts added or removed);
- the output: the record of what it holds (`state.json`'s outputs, the files the tool
  owns; a page deleted by hand is forgotten when the output is claimed, so it shows
  here) and the link history (`links.json`, which `portfolio links` also writes);
- the network: online, a build asks again about a link whose last check is older
  than `cache_hours`, so the record holds only until the oldest check ages out; a
  link left unchecked (no network, no time left) means no record at all.

The digest of the inputs is taken before the build reads anything, so a file edited
while the build runs makes the next build a real one. A build that failed to make
something leaves no record: the next one tries again. Nor does a build whose content had
a file modified within `RACY_SECONDS` of its digest: on a disk that keeps times to the
second or two (a USB stick's FAT), a second edit of the same size in the same tick
would look like no change (git calls such entries "racily clean").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.findings import SEVERITY_ORDER
from generator.i18n import LANGS
from generator.support import atomic
from generator.support.ownership import STATE_DIR, OutputFolder
from generator.support.records import read_record
from generator.support.tree_state import RACY_SECONDS, code_state, stat_line, tree

STAMP_FILE = "stamp.json"
VERSION = 1
# What the build reads from the environment (engine/cluster.py passes the first on to
# workers; the others say how links are fetched).
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
               "http_proxy", "https_proxy", "no_proxy")
# The programs the build runs, found on PATH: by where they are and their files' state,
# not by PATH itself (an activated virtual environment is the same ffmpeg).
PROGRAMS = ("ffmpeg", "ffprobe", "fc-match", "fc-list")
# fontconfig rewrites a cache here whenever the fonts it knows change.
FONT_CACHES = ("/var/cache/fontconfig", "~/.cache/fontconfig")
LINK_HISTORY = "links.json"


def _tool(h: Any) -> None:
    h.update(f"{VERSION}\n".encode())
    code_state(h)
    for program in PROGRAMS:
        found = shutil.which(program)
        try:
            h.update(stat_line(f"{program}={found}", os.stat(found)) if found
                     else f"{program}\0absent\n".encode())
        except OSError:
            h.update(f"{program}\0unreadable\n".encode())
    for cache in FONT_CACHES:
        tree(h, Path(cache).expanduser())


def inputs(content: Path, output: Path, options: dict[str, Any],
           folders: Sequence[Path] = ()) -> str | None:
    """The digest of everything a build of `content` into `output` with `options` (the
    command line's, JSON-able) reads, but the output's own record (`holds` sees that).
    `folders`: more folders the build reads (a `--reviews` folder). None when a file of
    them was modified too lately for its time to tell a later change (`RACY_SECONDS`)."""
    taken = time.time_ns()
    h = hashlib.sha256()
    where = {"content": os.path.abspath(content), "output": os.path.abspath(output),
             "options": options, "env": {k: os.environ.get(k) for k in ENVIRONMENT}}
    h.update(json.dumps(where, sort_keys=True, default=str).encode() + b"\n")
    _tool(h)
    newest = 0
    for at, folder in enumerate((Path(content), *folders)):
        h.update(f"tree {os.path.abspath(folder)}\n".encode())
        newest = max(newest, tree(h, folder, hidden_top=at == 0).newest)
    if newest >= taken - RACY_SECONDS * 1_000_000_000:
        return None
    return h.hexdigest()


def _output_digest(folder: OutputFolder) -> str:
    """The output's record as the claim read it, and the link history's file."""
    h = hashlib.sha256()
    record = {"outputs": folder.state.get("outputs", {}), "owned": sorted(folder.owned),
              "dirs": sorted(folder.dirs)}
    h.update(json.dumps(record, sort_keys=True).encode())
    history = folder.state_dir / LINK_HISTORY
    try:
        h.update(stat_line(LINK_HISTORY, os.stat(history)))
    except OSError:
        h.update(b"no link history\n")
    return h.hexdigest()


def _path(output: Path) -> Path:
    return Path(output) / STATE_DIR / STAMP_FILE


def matches(output: Path, digest: str) -> bool:
    """Whether the last build's record is of these very inputs (read without claiming
    the output: a build with something to do must first see its content is readable)."""
    try:
        data = json.loads(read_record(_path(output)))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("inputs") == digest


def holds(folder: OutputFolder, digest: str, now: float | None = None) -> dict[str, Any] | None:
    """What the last build said, when its record still holds for `digest` in the claimed
    output `folder`: same inputs, the output as that build left it, and no link due to
    be asked again. None when there is anything to do."""
    try:
        data = json.loads(read_record(_path(Path(folder.root))))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("inputs") != digest \
            or data.get("version") != VERSION:
        return None
    if data.get("output") != _output_digest(folder):
        return None   # something of the output is gone, or another command wrote to it
    until = data.get("until")
    if until is not None and (not isinstance(until, int | float)
                              or (now if now is not None else time.time()) >= until):
        return None
    if not (Path(folder.root) / "report.json").is_file():
        return None
    said = data.get("said")
    return said if _well_formed(said) else None


def _well_formed(said: object) -> bool:
    """Whether `said` is what `record` was given (commands/build.py): a record damaged or
    written by hand is no record, never a traceback."""
    if not isinstance(said, dict) or said.get("lang") not in LANGS \
            or not isinstance(said.get("notes", []), list):
        return False
    shown = said.get("findings")
    if not isinstance(shown, dict) or not isinstance(shown.get("names"), dict) \
            or not isinstance(shown.get("students"), int) \
            or not isinstance(shown.get("items"), int) or shown.get("lang") != said["lang"]:
        return False
    found = shown.get("findings")
    return isinstance(found, list) and all(
        isinstance(f, dict) and f.get("severity") in SEVERITY_ORDER
        and isinstance(f.get("code"), str) and isinstance(f.get("message", ""), str)
        for f in found) and all(isinstance(n, str) for n in said.get("notes", []))


def forget(output: Path) -> None:
    """No record: the build about to run may change anything."""
    atomic.remove(_path(output))


def record(folder: OutputFolder, digest: str, said: dict[str, Any],
           until: float | None = None) -> None:
    """Remember that the output in `folder` is what a build of inputs `digest` makes, and
    what that build said (`said`, for a build with nothing to do to say it again).
    `until`: a time (seconds since the epoch) after which the build would ask the
    network again."""
    data = {"version": VERSION, "inputs": digest, "output": _output_digest(folder),
            "until": until, "said": said}
    atomic.write_text(_path(Path(folder.root)),
                      json.dumps(data, ensure_ascii=False, sort_keys=True))


def note_unchanged(folder: OutputFolder, seconds: float) -> int:
    """Say in `build.json` that this build found nothing to do (as a build that asked
    every step would: nothing rendered, every output kept); the number of outputs."""
    log_path = Path(folder.root) / STATE_DIR / "build.json"
    try:
        last = json.loads(read_record(log_path))
    except (OSError, ValueError):
        last = {}
    kept = len(folder.outputs)
    log = {"rendered": [], "kept": kept, "removed": [], "failures": [], "timings": {},
           "seconds": seconds, "unchanged": True,
           **{k: last.get(k) for k in ("jobs", "lang", "theme")}, "scheduler": None}
    atomic.write_text(log_path, json.dumps(log, ensure_ascii=False, indent=1, sort_keys=True))
    return kept
