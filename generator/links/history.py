"""Every check of every link, kept in the output folder (`.portfolio/links.json`).

A link that works today and is gone by grade 12 costs the student the item, so
one check is not enough: the history says since when a link fails, when it last
worked, and whether the page changed since the student last looked. It also
serves as the cache that keeps a rebuild off the network.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from generator.links.link_check import LinkCheck
from generator.support.atomic import write_text
from generator.support.records import read_record
from generator.support.url_credentials import has_credentials, redact

STATE_DIR = ".portfolio"
HISTORY_FILE = "links.json"
VERSION = 1
MAX_RUNS = 50  # enough to see a pattern over three school years of weekly checks


@dataclass
class LinkRecord:
    url: str
    first_seen: str
    last_checked: str | None = None
    last_success: str | None = None
    consecutive_failures: int = 0
    final_url: str | None = None
    status: int | None = None
    error: str | None = None
    content_hash: str | None = None
    content_changed: bool = False
    changed_since: str | None = None  # when the page was last seen before it changed
    snapshot: str | None = None       # relative to the content root
    archive_url: str | None = None
    archived_at: str | None = None
    last: dict[str, Any] | None = None  # the last LinkCheck, to answer from the cache
    runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool | None:
        """None before any check, then whether the last check worked."""
        if self.last_checked is None:
            return None
        return self.error is None

    def result(self) -> LinkCheck | None:
        return LinkCheck.from_json(self.last) if self.last else None


class History:
    def __init__(self, root: Path | None, records: dict[str, LinkRecord] | None = None) -> None:
        self.root = root
        self.records: dict[str, LinkRecord] = records or {}
        self.scrubbed = False  # passwords found in the file as read: save it without them
        self.forgotten: list[str] = []  # links with a password, dropped with their snapshots

    @property
    def path(self) -> Path | None:
        return None if self.root is None else self.root / STATE_DIR / HISTORY_FILE

    @classmethod
    def load(cls, root: Path | None) -> History:
        """The history of `root`; an absent or unreadable file is an empty history."""
        history = cls(root)
        path = history.path
        if path is None or not path.is_file():
            return history
        try:
            data = json.loads(read_record(path))
            links = data.get("links", {}) if isinstance(data, dict) else {}
            known = set(LinkRecord.__dataclass_fields__)
            for url, raw in links.items():
                if has_credentials(url):
                    # written before links with passwords were refused: forget it
                    history.scrubbed = True
                    history.forgotten.append(url)
                    continue
                if isinstance(raw, dict):
                    history.scrubbed |= _scrub(raw)
                    raw = {k: v for k, v in raw.items() if k in known}
                    raw["url"] = url
                    raw.setdefault("first_seen", "")
                    history.records[url] = LinkRecord(**raw)
        except (OSError, ValueError, TypeError):
            # a damaged history must not stop a build: start afresh, keep the old file aside
            with contextlib.suppress(OSError):
                path.replace(path.with_suffix(".json.bad"))
            history.records = {}
        return history

    def save(self) -> None:
        path = self.path
        if path is None:
            return
        data = {"version": VERSION,
                "links": {url: _without_url(r) for url, r in sorted(self.records.items())}}
        # write then rename, so a build interrupted mid-write leaves the old history whole
        write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        self.forget_snapshots()

    def forget_snapshots(self) -> None:
        """The snapshots of forgotten links name them (url.txt) and show what a password
        opened: removed with the record."""
        from generator.links.archive import snapshot_dir  # archive builds on this module

        if self.root is None:
            return
        for url in self.forgotten:
            folder = snapshot_dir(self.root, url)
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
        self.forgotten = []

    def get(self, url: str) -> LinkRecord | None:
        return self.records.get(url)

    def fresh(self, url: str, max_age: timedelta, now: datetime | None = None
              ) -> LinkCheck | None:
        """The last result for `url` if it is younger than `max_age`: no need to ask again."""
        record = self.records.get(url)
        if record is None or not record.last or not record.last_checked:
            return None
        now = now or datetime.now(UTC)
        if now - parse_time(record.last_checked) > max_age:
            return None
        return record.result()

    def record(self, result: LinkCheck) -> LinkRecord:
        """Add one check to the history and return the link's updated record."""
        at = result.checked_at
        record = self.records.get(result.url)
        if record is None:
            record = self.records[result.url] = LinkRecord(url=result.url, first_seen=at)
        previous_success = record.last_success
        record.last_checked = at
        record.status = result.status
        record.error = result.error
        record.final_url = result.final_url
        record.last = result.to_json()
        changed = False
        if result.ok:
            record.last_success = at
            record.consecutive_failures = 0
            if result.content_hash:
                changed = bool(record.content_hash) and record.content_hash != result.content_hash
                if changed:
                    record.changed_since = previous_success
                record.content_changed = changed
                record.content_hash = result.content_hash
        else:
            record.consecutive_failures += 1
        record.runs.append({"at": at, "status": result.status, "error": result.error,
                            "final_url": result.final_url, "hash": result.content_hash,
                            "changed": changed})
        del record.runs[:-MAX_RUNS]
        return record


def _scrub(raw: dict[str, Any]) -> bool:
    """Remove any user name and password from the addresses a stored record names
    (where a redirect led); whether there was one."""
    places: list[tuple[dict[str, Any], str]] = [(raw, "final_url")]
    places += [(run, "final_url") for run in raw.get("runs") or [] if isinstance(run, dict)]
    last = raw.get("last")
    if isinstance(last, dict):
        places.append((last, "final_url"))
        places += [(hop, "url") for hop in last.get("chain") or [] if isinstance(hop, dict)]
    changed = False
    for holder, key in places:
        value = holder.get(key)
        if isinstance(value, str) and has_credentials(value):
            holder[key] = redact(value)
            changed = True
    return changed


def _without_url(record: LinkRecord) -> dict[str, Any]:
    data = asdict(record)
    data.pop("url")
    return data


def parse_time(stamp: str) -> datetime:
    when = datetime.fromisoformat(stamp)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def day(stamp: str | None) -> str | None:
    """The date part of a stored timestamp, as a student reads it."""
    return stamp[:10] if stamp else None
