"""The harness of the hostile cases: run the real command in a bounded child process,
and prove that nothing outside the output folder changed.

Each case builds its content in `Arena.root / "content"`, writes its output to
`Arena.root / "output"` (or wherever the case says), and keeps bystander files
(`Arena.root / "victim"`, the parent folder) that the tool must never touch.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builder import ContentBuilder, settle
from tests.mediafactory import MediaFactory
from tests.originals import originals

# Every hostile case must finish within these bounds; the numbers are generous on
# purpose, the failures they catch are not subtle. Time is counted as the CPU time of
# the run's whole process tree (the tool, its workers, ffmpeg): the work a case costs,
# the same on a quiet machine and on a loaded one. A run still going after HANG_LIMIT
# seconds of wall time is a hang and is killed.
TIME_LIMIT = 30.0                       # seconds of CPU, user + system
HANG_LIMIT = 180.0                      # seconds, wall
MEMORY_LIMIT = 1024 * 1024 * 1024       # bytes of resident memory (ru_maxrss)
ADDRESS_LIMIT = 6 * 1024 * 1024 * 1024  # virtual memory: a runaway dies instead of swapping


@dataclass
class Outcome:
    """What one bounded run of `portfolio` did."""

    exit_code: int
    stdout: str
    stderr: str
    max_rss: int  # bytes, the largest process of the run's tree
    cpu: float    # seconds of CPU the run's tree spent, user + system

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


# A fresh interpreter runs the tool as its only child, so RUSAGE_CHILDREN there is this
# run's peak alone (the tool and every worker it forked), not the test process's history.
_LAUNCHER = """
import os, resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_AS, (int(os.environ["HOSTILE_AS"]),) * 2)
if os.environ.get("HOSTILE_FSIZE"):  # a disk that takes no file bigger than this
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(os.environ["HOSTILE_FSIZE"]),) * 2)
code = subprocess.call([sys.executable, "-m", "generator", *sys.argv[1:]])
used = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(os.environ["HOSTILE_RSS"], "w") as fh:
    fh.write(f"{used.ru_maxrss * 1024} {used.ru_utime + used.ru_stime}")
sys.exit(code if code >= 0 else 128 - code)
"""


def run_portfolio(*args: str, cwd: Path | None = None, timeout: float = HANG_LIMIT,
                  env: dict[str, str] | None = None, fsize: int | None = None) -> Outcome:
    """`python -m generator *args` in a child process bounded in time and memory.

    The run is killed after `timeout` seconds of wall time (a hang: the test fails); a
    crash by signal shows as an exit code above 128. `fsize` (bytes) is the largest file the run may
    write (RLIMIT_FSIZE): a full disk, as far as the tool can tell.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        child_env = {k: v for k, v in os.environ.items() if k != "PORTFOLIO_DEBUG"}
        child_env.update(env or {})
        child_env.update(HOSTILE_AS=str(ADDRESS_LIMIT), HOSTILE_RSS=rss.name,
                         HOSTILE_FSIZE=str(fsize or ""))
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, *args], cwd=cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            pytest.fail(f"portfolio {' '.join(args)} hung: still running after {timeout:.0f} s")
        peak, cpu = (Path(rss.name).read_text() or "0 0").split()
    return Outcome(proc.returncode, out.decode("utf-8", "replace"),
                   err.decode("utf-8", "replace"), int(peak), float(cpu))


def assert_bounded(outcome: Outcome) -> None:
    """No traceback, no crash signal, memory and time under the limits."""
    assert "Traceback" not in outcome.output, outcome.output[-3000:]
    assert outcome.exit_code in (0, 1, 2), (outcome.exit_code, outcome.output[-3000:])
    assert outcome.max_rss < MEMORY_LIMIT, f"peak {outcome.max_rss / 2**20:.0f} MiB"
    assert outcome.cpu < TIME_LIMIT, f"{outcome.cpu:.1f} s of CPU"


class Arena:
    """A parent folder holding content, output and bystanders, watched as a whole."""

    def __init__(self, root: Path, media: MediaFactory):
        self.root = root
        self.victim = root / "victim"
        self.victim.mkdir(parents=True)
        (self.victim / "notes.txt").write_text("someone else's file\n", "utf-8")
        (self.victim / "departments").mkdir()
        (self.victim / "departments" / "a.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
        self.content = ContentBuilder(root / "content", media)
        self.output = root / "output"
        self._before: dict[str, str] | None = None
        self._content_before: dict[str, str] | None = None

    def freeze(self) -> None:
        """Remember the whole parent tree (but the output) and the content tree.

        The content is first dated a minute back, as a person's is by the time they
        build: what a build keeps of unchanged folders (the student cache, the build's
        record) then comes into play on every machine, not only on a slow one."""
        settle(self.content.root)
        self._before = originals(self.root, skip=[self.output])
        self._content_before = originals(self.content.root)

    def assert_untouched(self, also_skip: Iterable[Path] = ()) -> None:
        """Nothing outside the output folder changed: not the content (byte for byte: the
        tool keeps its caches in the output), not a bystander."""
        assert self._before is not None, "call freeze() first"
        skip = [self.output, *also_skip]
        before = {k: v for k, v in self._before.items()
                  if not any((self.root / k).absolute() == s.absolute()
                             or (self.root / k).absolute().is_relative_to(s.absolute())
                             for s in skip)}
        after = originals(self.root, skip=skip)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert not changed, f"changed outside the output: {sorted(changed)[:20]}"

    def run(self, *args: str, **kwargs: object) -> Outcome:
        outcome = run_portfolio(*args, cwd=self.root, **kwargs)  # type: ignore[arg-type]
        assert_bounded(outcome)
        return outcome


@pytest.fixture
def arena(tmp_path: Path, media: MediaFactory) -> Arena:
    return Arena(tmp_path / "arena", media)
