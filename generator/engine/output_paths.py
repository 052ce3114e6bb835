"""Every path and URL of the output, decided in one place.

Writers (the site, the media step, the PDFs, the upload copies, the bundles) and every
link between pages ask this module where a thing goes, so a page can never link to one
path while its file is written to another.

Each function returns a relative POSIX path that stays inside the output folder: it is
built from segments that `segment()` made safe, and `checked()` refuses it otherwise
(absolute, `..`, `.`, empty segments, backslashes, control characters). Student slugs,
item ids and file names come from folder and file names the student chose, so they are
kept as they are when they are safe and short (links percent-encode them), and get a
derived name otherwise: a readable prefix within `name_max_bytes` plus a hash of the
whole name. Department codes are never derived: the content loader refuses a code that
does not match the `[paths]` rules (a `field-invalid` finding), and this module raises
if one reaches it anyway.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from generator.model import Item
from generator.rules import load_rules, path_rules
from generator.support.roc_calendar import term_of

ASSETS = "assets"
INDEX = "index.html"
FILES = "files"
# Top-level names the build writes itself: a student folder of that name gets a derived
# name instead of colliding with them.
RESERVED_TOP = frozenset({INDEX, ASSETS, "findings.csv", "summary.csv", "report.json"})
HASH_CHARS = 10      # 40 bits of SHA-256: names only need to differ within one folder
_DERIVED = re.compile(rf"~[0-9a-f]{{{HASH_CHARS}}}(\.[A-Za-z0-9]{{1,8}})?$")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Besides control characters: path separators, and ":" (a drive or stream on Windows,
# where a bundle may be unpacked; a scheme at the start of a URL).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:]")
# What a media variant's name ends with (see media_file): a copy named like one is renamed.
_VARIANT_TAIL = re.compile(r"\.(page1\.|poster\.)?\d+\.[a-z]+$", re.I)
_ROLE_TAILS = (".page1", ".poster")


class UnsafePath(ValueError):
    """A path that could leave the output folder: a bug, never the student's fault."""


# ----------------------------------------------------------------- names and checks

# A build asks these again and again of the same few thousand names (every link of every
# page): each answer depends on the name alone (and the tool's fixed [paths] rules).
@lru_cache(maxsize=1 << 16)
def checked(rel: str) -> str:
    """`rel` itself, if it is a relative POSIX path that stays inside the output."""
    if (not rel or rel.startswith("/") or "\\" in rel or _CONTROL.search(rel)
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise UnsafePath(f"not a safe output path: {rel!r}")
    return rel


def derived_name(name: str, keep_suffix: bool = True) -> str:
    """A short, safe stand-in for `name`: its readable start, then a hash of all of it.

    `Lab report (final).pdf` stays recognisable as `Lab report (final)~1a2b3c4d5e.pdf`;
    two names that differ only after the first `name_max_bytes` still differ by hash.
    """
    suffix = ""
    match = _SUFFIX.search(name) if keep_suffix else None
    if match and match.start() > 0:
        suffix = match.group(0)
    stem = name[: len(name) - len(suffix)]
    stem = _UNSAFE.sub("_", stem).lstrip(". ")
    budget = path_rules().name_max_bytes
    # Cut at a byte budget without splitting a character.
    stem = stem.encode("utf-8", "ignore")[:budget].decode("utf-8", "ignore").rstrip(". ") or "_"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    return f"{stem}~{digest}{suffix}"


@lru_cache(maxsize=1 << 16)
def segment(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """`name` as one path segment: as it is when safe, else `derived_name(name)`.

    A name that merely looks derived (ends in `~<hash>`) is derived too, so a kept name
    and a derived one can never be the same: no two names share a segment unless their
    hashes do.
    """
    if (not name or name in (".", "..") or name.startswith(".") or _UNSAFE.search(name)
            or len(name.encode("utf-8", "surrogatepass")) > path_rules().name_max_bytes
            or _DERIVED.search(name) or name.casefold() in reserved
            or name != name.encode("utf-8", "ignore").decode("utf-8")):
        return derived_name(name)
    return name


def department_code_ok(code: str) -> bool:
    return path_rules().department_code_ok(code)


def _code(code: str) -> str:
    if not department_code_ok(code):
        raise UnsafePath(f"not a department code: {code!r}")
    return code


# ----------------------------------------------------------------- where things go

def index_page() -> str:
    return INDEX


def asset(name: str) -> str:
    return checked(f"{ASSETS}/{name}")


def student_dir(slug: str) -> str:
    return checked(segment(slug, RESERVED_TOP))


def student_page(slug: str) -> str:
    return f"{student_dir(slug)}/{INDEX}"


def student_pdf(slug: str) -> str:
    return f"{student_dir(slug)}/portfolio.pdf"


def counselor_page(slug: str) -> str:
    return f"{student_dir(slug)}/counselor.html"


def compare_page(slug: str) -> str:
    return f"{student_dir(slug)}/compare.html"


def checklist_page(slug: str, term: int) -> str:
    """One term's 收訖明細 checklist (term 1132: checklist/1132.html)."""
    return f"{student_dir(slug)}/checklist/{int(term)}.html"


def checklist_pdf(slug: str, term: int) -> str:
    return f"{student_dir(slug)}/checklist/{int(term)}.pdf"


def item_dir(slug: str, item_id: str) -> str:
    return f"{student_dir(slug)}/items/{segment(item_id)}"


def item_page(slug: str, item_id: str) -> str:
    return f"{item_dir(slug, item_id)}/{INDEX}"


def item_files_dir(slug: str, item_id: str) -> str:
    """Where the media step puts an item's web copies (beside its page)."""
    return f"{item_dir(slug, item_id)}/{FILES}"


def department_dir(slug: str, code: str) -> str:
    return f"{student_dir(slug)}/departments/{_code(code)}"


def department_page(slug: str, code: str) -> str:
    return f"{department_dir(slug, code)}/{INDEX}"


def department_pdf(slug: str, code: str) -> str:
    return f"{department_dir(slug, code)}/portfolio.pdf"


def department_files_dir(slug: str, code: str) -> str:
    """Where the images of a department's texts go (beside its page)."""
    return f"{department_dir(slug, code)}/{FILES}"


def department_zip(slug: str, code: str) -> str:
    return f"{department_dir(slug, code)}.zip"


# The application kit: what the student uploads to a department on the 甄選會 platform
# besides ticking central-database items (the names the platform's upload slots have),
# and the list of what to tick.
KIT = "kit"
KIT_FILES = {
    "statement": "學習歷程自述.pdf",      # O/P/Q as the department asks
    "reflection": "多元表現綜整心得.pdf",  # N
    "other": "其他.pdf",                  # R
    "ticks": "勾選清單.html",             # the central-database items to tick
    "ticks-pdf": "勾選清單.pdf",
}


def kit_dir(slug: str, code: str) -> str:
    return f"{department_dir(slug, code)}/{KIT}"


def kit_file(slug: str, code: str, kind: str) -> str:
    """One file of a department's kit, by kind (a key of KIT_FILES)."""
    return checked(f"{kit_dir(slug, code)}/{KIT_FILES[kind]}")


def kit_upload(slug: str, code: str, upload_code: str, label: str) -> str:
    """The copy in a department's kit of the PDF it takes for `upload_code` in place of
    items (a department's `uploads`), named as the platform's slot: "B-1 專題實作….pdf"."""
    taken = frozenset(name.casefold() for name in KIT_FILES.values())
    return checked(f"{kit_dir(slug, code)}/{segment(f'{upload_code} {label}.pdf', taken)}")


def uploads_page(slug: str) -> str:
    return f"{student_dir(slug)}/upload/{INDEX}"


def upload_dir(slug: str, item_id: str) -> str:
    # Beside upload/index.html: an item folder named index.html gets a derived name.
    return f"{student_dir(slug)}/upload/{segment(item_id, frozenset({INDEX}))}"


def upload_file(slug: str, item_id: str, name: str) -> str:
    """One upload-ready file of an item, by its name (see `upload_stem`)."""
    return f"{upload_dir(slug, item_id)}/{segment(name)}"


def upload_copy(slug: str, items: Iterable[Item], item_id: str, ext: str) -> str:
    """The upload-ready file of `item_id` ending in `ext` (`.pdf`, `.mp4`…): its
    descriptive name (`upload_stem`) among the student's `items`."""
    return upload_file(slug, item_id, upload_stem(items, item_id) + ext)


# ----------------------------------------------------------------- upload file names

UploadSlot = Literal["document", "media"]
# Besides what `segment` refuses: what Windows and macOS refuse in a downloaded file's
# name, and "~" (a name ending in ~<hash> would look derived and be renamed).
_UPLOAD_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|~]')
_SPACES = re.compile(r"\s+")
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                               *(f"LPT{n}" for n in range(1, 10))})
# Room kept in name_max_bytes for "-99" and ".mp4".
_UPLOAD_TAIL_BYTES = 8


def upload_stem(items: Iterable[Item], item_id: str) -> str:
    """The name, without extension, of `item_id`'s upload files among a student's items.

    `<term>-<subject or category>-<title>`, e.g. `1132-物理-光的折射實驗報告`, so that
    fourteen downloads are told apart in a Downloads folder and in the school's system.
    The same in every language (the title is the student's own). Distinct within the
    student, case aside: a second item of the same name gets `-2`, a third `-3`, in the
    order of their ids, so every build names them the same.
    """
    return _upload_stems(tuple(_stem_key(i) for i in items)).get(item_id) or item_id


def upload_slot(name: str) -> UploadSlot | None:
    """Which slot an upload folder's file fills, by its extension (None: not one of ours)."""
    files = load_rules().files
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if name.startswith(".") or not ext:
        return None
    if ext in files.media_types:
        return "media"
    if ext in (*files.document_types, "jpeg"):
        return "document"
    return None


def _stem_key(item: Item) -> tuple[str, str, str, str]:
    """What an item's upload name is made of: (id, term or year, subject or category, title)."""
    # Every upload name looks at all the student's items (names are made distinct):
    # remembered by the fields they come from, a build no longer works them out n² times.
    return _stem_key_of(item.id, item.is_course, item.term, item.date, item.submitted,
                        item.subject, item.category, item.title)


@lru_cache(maxsize=8192)
def _stem_key_of(item_id: str, course: bool, term: int | None, day: date | None,
                 submitted: int | None, subject: str | None, category: str | None,
                 title: str) -> tuple[str, str, str, str]:
    when = ""
    if course and term is not None:
        when = str(term)
    elif not course and day is not None:
        when = str(term_of(day))
    elif not course and submitted is not None:
        when = str(submitted)
    what = subject or ""
    if not course:
        named = load_rules().categories.get(category or "")
        what = named.short if named else ""
    return item_id, when, what, title


@lru_cache(maxsize=64)
def _upload_stems(keys: tuple[tuple[str, str, str, str], ...]) -> dict[str, str]:
    taken: set[str] = set()
    out: dict[str, str] = {}
    budget = path_rules().name_max_bytes - _UPLOAD_TAIL_BYTES
    for item_id, when, what, title in sorted(keys):
        parts = [p for p in (_upload_part(when), _upload_part(what)) if p]
        head = "-".join(parts)
        room = budget - len(head.encode("utf-8")) - (1 if head else 0)
        name = _upload_part(title, max(room, 12)) or _upload_part(item_id, max(room, 12))
        base = "-".join(p for p in (head, name) if p) or "_"
        if base.split(".")[0].upper() in _WINDOWS_DEVICES:
            base = "_" + base      # `CON.pdf` cannot be saved on Windows
        stem, n = base, 1
        while stem.casefold() in taken or segment(stem) != stem:
            n += 1
            stem = f"{base}-{n}"
            if n > 10_000:  # cannot happen with distinct ids; never loop for ever
                stem = derived_name(item_id, keep_suffix=False)
                break
        taken.add(stem.casefold())
        out[item_id] = stem
    return out


def _upload_part(text: str, max_bytes: int | None = None) -> str:
    """`text` as part of a file name: one line, no character a file system refuses, cut
    at a character boundary within `max_bytes`, no dot or space at either end."""
    text = unicodedata.normalize("NFC", text)
    text = text.encode("utf-8", "ignore").decode("utf-8")
    # Line breaks and tabs are spaces first: a title on two lines reads as one.
    text = _UPLOAD_UNSAFE.sub("_", _SPACES.sub(" ", text)).strip(" .")
    if max_bytes is not None:
        text = text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore").strip(" .")
    return text


def media_file(folder: str, name: str, generic: str) -> str:
    """A web copy of the file `name` in `folder` (an item's or a department's `files`).

    `generic` is the cache entry's name: `copy.pdf` keeps the file's own (safe) name,
    `w.480.webp` becomes `<name>.480.webp`, `p.…` `<name>.page1.…`, `poster.…`
    `<name>.poster.…`. A copy whose name ends like a variant (`a.jpg.480.webp`) is
    renamed, so a copy and another file's variant never share a name.
    """
    safe = segment(name)
    if generic.startswith("copy."):
        if _VARIANT_TAIL.search(safe):
            safe = derived_name(name)
        return checked(f"{checked(folder)}/{safe}")
    if safe.lower().endswith(_ROLE_TAILS):
        # `a.pdf.page1` + `.480.webp` would be `a.pdf`'s page-1 picture.
        safe = derived_name(name, keep_suffix=False)
    role, _, rest = generic.partition(".")
    role = {"w": "", "p": "page1.", "poster": "poster."}.get(role, role + ".")
    return checked(f"{checked(folder)}/{safe}.{role}{rest}")


# ----------------------------------------------------------------- links and zips

def href(from_rel: str, to_rel: str, fragment: str | None = None) -> str:
    """The URL of the output file `to_rel` as seen from the page at `from_rel`.

    Relative (the site works from file:// and any sub-path of a server) and
    percent-encoded, so `#`, `?`, `%` and spaces in a name are part of the path, not a
    fragment or a query.
    """
    rel = _relative(checked(to_rel), checked(from_rel).rpartition("/")[0])
    # What quote would leave as it is, as it is: a page shows dozens of links.
    url = rel if _URL_PLAIN.fullmatch(rel) else quote(rel, safe="/")
    return url + (anchor(fragment) if fragment else "")


# The characters urllib's quote never encodes (letters, digits, "_.-~"), and "/".
_URL_PLAIN = re.compile(r"[A-Za-z0-9_.\-~/]*")


def folder_prefix(from_rel: str, folder: str) -> str:
    """What to put before `name` URLs of files in `folder`, seen from `from_rel`
    ("" when the page is in that folder, else a percent-encoded path ending in /)."""
    rel = _relative(checked(folder), posixpath.dirname(checked(from_rel)))
    return "" if rel == "." else quote(rel, safe="/") + "/"


def _relative(target: str, start: str) -> str:
    """posixpath.relpath for two `checked` paths (no empty, `.` or `..` part), without
    its two calls to os.getcwd: a page of a student asks it for every link it shows."""
    to = target.split("/")
    at = start.split("/") if start else []
    n = 0
    while n < len(at) and n < len(to) and at[n] == to[n]:
        n += 1
    return "/".join([".."] * (len(at) - n) + to[n:]) or "."


def anchor(fragment: str) -> str:
    """`#fragment`, percent-encoded (a browser decodes it to find the element's id)."""
    return "#" + quote(fragment, safe="")


def zip_entry(name: str) -> str:
    """`name` if it may be an entry of a bundle: what unpacks it stays in its folder."""
    if ":" in name:   # a drive letter or a stream where Windows unpacks it
        raise UnsafePath(f"not a safe zip entry: {name!r}")
    return checked(name)


def output_path(output: Path, rel: str) -> Path:
    """The file of `rel` under `output`."""
    return Path(output) / checked(rel)
