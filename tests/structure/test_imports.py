"""Every module of `generator/` imports on its own, in a fresh interpreter: no cycles
hide behind an import order that happens to work."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import generator

ROOT = Path(generator.__file__).parent

# One interpreter forks a clean child per module: the child has imported nothing of
# the project, so the module is imported alone, at the cost of a fork, not a start.
# Every third-party module the project uses is imported once, before the forks: they
# cannot hide a cycle of ours, and each child would otherwise import them again
# (WeasyPrint alone costs each PDF module a second and a half; pydantic's lazily
# loaded parts, Rich, the HTTP stack a few tenths each). Which ones they are, a first
# child finds out by importing every module of the project and sending back, in the
# order they came, the names of the others it ended up with.
_DRIVER = r"""
import importlib, os, sys, traceback
read, write = os.pipe()
if os.fork() == 0:
    os.close(read)
    before = set(sys.modules)
    for name in sys.argv[1:]:
        try:
            importlib.import_module(name)
        except BaseException:
            pass   # said below, by the module's own child
    theirs = [m for m in sys.modules if m not in before
              and m != "generator" and not m.startswith("generator.")]
    with os.fdopen(write, "w") as fh:
        fh.write("\n".join(theirs))
    os._exit(0)
os.close(write)
with os.fdopen(read) as fh:
    theirs = fh.read().split()
os.wait()
for lib in theirs:
    try:
        importlib.import_module(lib)
    except BaseException:
        pass   # a module that imports only inside its package's own import: it comes again
assert not any(m == "generator" or m.startswith("generator.") for m in sys.modules), \
    "a third-party module imported the project"
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        failed.append(name)
print("FAILED:" + ",".join(failed))
"""


def all_modules() -> list[str]:
    names = ["generator"]
    for info in pkgutil.walk_packages([str(ROOT)], prefix="generator."):
        names.append(info.name)
    return sorted(names)


def test_there_are_modules_to_import() -> None:
    names = all_modules()
    assert len(names) > 80 and "generator.cli" in names and "generator.engine.workers" in names


def test_every_module_imports_alone() -> None:
    names = [n for n in all_modules() if n != "generator.__main__"]
    done = subprocess.run([sys.executable, "-c", _DRIVER, *names], capture_output=True,
                          text=True, timeout=300)
    assert done.stdout.strip().endswith("FAILED:"), done.stdout[-500:] + done.stderr[-6000:]


def test_the_layer_contract_holds() -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports")],
                          capture_output=True, text=True, timeout=120,
                          cwd=ROOT.parent)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    # A copy of the package where the model imports a command: lint-imports must refuse.
    import shutil

    copy = tmp_path / "generator"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "themes"))
    shutil.copy(ROOT.parent / "pyproject.toml", tmp_path / "pyproject.toml")
    student = copy / "model" / "student.py"
    student.write_text(student.read_text("utf-8") + "\nimport generator.commands.build\n",
                       "utf-8")
    import os

    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode != 0
    assert "generator.model is not allowed to import generator.commands" in done.stdout
