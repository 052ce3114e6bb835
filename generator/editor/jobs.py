"""Work that takes seconds (fitting a video, a preview build) done in the background,
one job at a time, with a progress the page polls.

One worker: the output folder is written by one job at a time, and two encodes side by
side on a student's laptop would only make both slower.
"""

from __future__ import annotations

import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KEEP = 50  # finished jobs remembered for the page to collect

Work = Callable[[Callable[[float], None]], dict[str, Any]]


@dataclass
class EditorJob:
    id: str
    kind: str
    state: str = "queued"          # queued, running, done, failed
    progress: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state,
                "progress": round(self.progress, 3), "result": self.result}


class Jobs:
    def __init__(self, on_error: Callable[[BaseException], dict[str, Any]]):
        self._jobs: dict[str, EditorJob] = {}
        self._queue: queue.Queue[tuple[EditorJob, Work] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._on_error = on_error
        self._thread = threading.Thread(target=self._run, name="editor-jobs", daemon=True)
        self._thread.start()

    def submit(self, kind: str, work: Work) -> EditorJob:
        job = EditorJob(secrets.token_hex(8), kind)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.state in ("done", "failed")]
            for old in finished[:-KEEP]:
                self._jobs.pop(old.id, None)
        self._queue.put((job, work))
        return job

    def get(self, job_id: str) -> EditorJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def close(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                return
            job, work = entry
            job.state = "running"

            def progress(fraction: float, job: EditorJob = job) -> None:
                job.progress = max(job.progress, min(1.0, fraction))

            try:
                job.result = work(progress)
                job.progress = 1.0
                job.state = "done"
            except BaseException as exc:  # a failed job says so on the page; the server lives
                job.result = self._on_error(exc)
                job.state = "failed"
