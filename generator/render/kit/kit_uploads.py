"""The PDFs a department takes in place of items for a code (its `uploads`), as the
kit copies them and the department's page links to them.

Apart from kit_documents, which makes PDFs: the site's department page needs only this
list, and a build of the site alone should not load WeasyPrint and pypdf for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.content.item_paths import resolve_inside
from generator.content.sniff import sniff
from generator.engine.output_paths import kit_upload
from generator.model import Department, Student
from generator.rules import Rules


@dataclass(frozen=True)
class UploadedPdf:
    """A PDF a department takes in place of items for one code (its `uploads`)."""

    code: str
    path: Path       # the student's file
    rel: str         # its copy in the kit (an output path)


def uploaded_pdfs(student: Student, dep: Department, rules: Rules) -> list[UploadedPdf]:
    """The department's uploads that are PDFs inside the student's folder, in the order
    of the track's codes (a missing file, one that is no PDF or one over the track's
    `upload_max_mb` is check's finding, and not copied: the kit holds only what the
    platform would take, and a file of gigabytes is never read)."""
    order = {code: n for n, code in enumerate(rules.codes)}
    cap = rules.track.upload_max_mb
    most = int(cap * rules.files.megabyte) if cap is not None else rules.files.kit_max_bytes
    out = []
    for code, name in sorted(dep.uploads.items(), key=lambda kv: order.get(kv[0], 99)):
        real, _why = resolve_inside(student.path, name)
        named = rules.codes.get(code)
        if real is None or named is None or sniff(real) != "pdf" \
                or real.stat().st_size > most:
            continue
        out.append(UploadedPdf(code, real, kit_upload(student.slug, dep.code, code, named.zh)))
    return out
