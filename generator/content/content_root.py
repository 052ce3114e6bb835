"""Whether a content root is there to work on, and what to say when it is not.

Light on purpose: a command checks this before it claims its output, and before it
imports the model, the rules or the loader.
"""

from __future__ import annotations

from pathlib import Path

from generator.i18n import SaidError


class ContentError(SaidError):
    """The content root cannot be worked on at all (exit code 2), said by the catalog."""


def require_root(root: Path) -> None:
    """ContentError (exit 2) unless `root` is a folder: checked before a command claims
    its output, so that nothing is made for content that is not there."""
    if not root.exists():
        raise missing_root(root)
    if not root.is_dir():
        raise ContentError("content-not-folder", root=str(root))


def looks_like_student(folder: Path) -> bool:
    """Whether `folder` is one student's folder rather than a content root."""
    return (folder / "student.yaml").is_file() or (folder / "items").is_dir()


def missing_root(root: Path) -> ContentError:
    """A content folder that is not there, with the likely reason: the command was run
    inside a student's folder (the content root is one level up) or inside the content
    root itself (it is `.`)."""
    here = Path.cwd()
    if not root.is_absolute() and looks_like_student(here):
        return ContentError("content-missing-in-student", root=str(root))
    if not root.is_absolute() and any(looks_like_student(p) for p in _folders(here)):
        return ContentError("content-missing-in-root", root=str(root))
    return ContentError("content-missing", root=str(root))


def _folders(root: Path) -> list[Path]:
    try:
        return [p for p in root.iterdir() if p.is_dir()][:200]
    except OSError:
        return []


def no_students(root: Path) -> ContentError:
    """A content folder without a student, or a student's folder given as the content."""
    if looks_like_student(root):
        parent = root.parent if root.name not in ("", ".", "..") else root / ".."
        return ContentError("content-is-student", root=str(root), parent=str(parent))
    return ContentError("content-no-students", root=str(root))
