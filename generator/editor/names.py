"""Which names may name a student folder, an item folder or a dropped file, and where
a name really leads.

Every path the editor touches is built from a student slug and an item id taken from
a request; both must be plain folder names (no separator, no `..`, nothing hidden), and
the folder they name must really be inside the content root, symbolic links followed.
A request that fails either is refused before anything is read or written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from generator.content.item_paths import real_inside
from generator.content.loader import NOT_STUDENTS
from generator.rules import path_rules

# Letters and digits of any script (學生 may name an item 物理-單擺), then also "-", "_"
# and "." inside. Not starting with "." or "_": the loader skips such folders.
_NAME = re.compile(r"[^\W_][\w.\-]*")
_FILE_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


class Refused(Exception):
    """A request the editor will not carry out: an HTTP status, and the catalog key
    (`[ui]` of generator/messages/editor.toml) of what the person reads."""

    def __init__(self, status: int, key: str, **params: object):
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


def _fits(name: str) -> bool:
    return 0 < len(name.encode("utf-8")) <= path_rules().name_max_bytes


def is_safe_name(name: object) -> bool:
    """A student slug or an item id that can be a folder name as it is."""
    return (isinstance(name, str) and _fits(name) and _NAME.fullmatch(name) is not None
            and ".." not in name and unicodedata.normalize("NFC", name) == name)


def check_name(name: object) -> str:
    if not is_safe_name(name):
        raise Refused(400, "edit-refused-name")
    assert isinstance(name, str)
    return name


def student_dir(root: Path, slug: object, must_exist: bool = True) -> Path:
    """The folder of student `slug`, which is really inside `root`."""
    slug = check_name(slug)
    if slug in NOT_STUDENTS:
        raise Refused(400, "edit-refused-name")
    return _inside(root, root / slug, must_exist)


def item_dir(root: Path, slug: object, item_id: object, must_exist: bool = True) -> Path:
    """The folder of item `item_id` of student `slug`, really inside `root`."""
    folder = student_dir(root, slug)
    return _inside(root, folder / "items" / check_name(item_id), must_exist)


def _inside(root: Path, path: Path, must_exist: bool) -> Path:
    # The folder and every folder on the way must lead where they say: a symbolic link
    # out of the root (items/x -> /etc) is refused, as the loader refuses to read it.
    here = path
    while True:
        if (here.exists() or here.is_symlink()) and real_inside(root, here) is None:
            raise Refused(403, "edit-refused-outside")
        if here == root or here.parent == here:
            break
        here = here.parent
    if must_exist and not path.is_dir():
        raise Refused(404, "edit-refused-missing")
    return path


def file_name(given: object) -> str:
    """A dropped file's name as it may be kept: its own when it is a plain file name.

    A name with a folder in it (`../x.jpg`, `/etc/passwd`, `a\\b.pdf`) is refused, not
    cleaned: a browser sends the bare name, so anything else is not a browser's doing.
    """
    if not isinstance(given, str) or not given.strip():
        raise Refused(400, "edit-refused-name")
    name = unicodedata.normalize("NFC", given.strip())
    if "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise Refused(400, "edit-refused-name")
    name = _FILE_UNSAFE.sub("_", name).lstrip(". ") or "file"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext.lower()
    budget = path_rules().name_max_bytes - len(ext.encode("utf-8")) - 8  # room for "-99"
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(". ") or "file"
    return f"{stem}.{ext}" if ext else stem


def free_name(folder: Path, name: str) -> str:
    """`name`, or `stem-2.ext`, `stem-3.ext`… : the first that is not taken in `folder`."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 1
    candidate = name
    while (folder / candidate).exists() or (folder / candidate).is_symlink():
        n += 1
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
    return candidate
