"""Findings: what a check says about the content, and the findings document."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal, cast

from generator.i18n import catalog, message, severity, text

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One problem (or note) about one student, item and file.

    `params` carries the figures a message is built from, so the same finding can
    be told in any language; `message` is filled in for the chosen language.
    """

    code: str
    severity: Severity
    student: str | None = None
    item: str | None = None
    file: str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    message: str = field(default="", compare=False, hash=False)

    def localized(self, lang: str) -> Finding:
        # The item and the file are fields of their own, and also what many messages name:
        # every template may say {item} and {file} without a check passing them twice.
        said = message(self.code, lang, {"item": self.item or "", "file": self.file or "",
                                         **self.params})
        template = str(catalog().get(self.code, {}).get(lang, ""))
        # Where in a file, when the code's own message does not already say it.
        for where in ("line", "entry", "department"):
            if where in self.params and "{" + where + "}" not in template:
                said += text(f"at-{where}", lang, **{where: self.params[where]})
        return Finding(self.code, self.severity, self.student, self.item, self.file,
                       self.params, said)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("params")
        return data


def make(code: str, /, student: str | None = None, item: str | None = None,
         file: str | None = None, **params: Any) -> Finding:
    """A finding whose severity comes from the catalog (`generator/messages/`)."""
    return Finding(code, cast(Severity, severity(code)), student, item, file, params)


def counselor_only(f: Finding) -> bool:
    """Whether the finding is for the counselor's eyes only (`audience = "counselor"` in
    the catalog): it is about their own files, not the student's portfolio."""
    return catalog().get(f.code, {}).get("audience") == "counselor"


def sort_key(f: Finding) -> tuple:
    """Errors first, then warnings, then notes; within each, by student, item and code.

    Every list of findings a person reads (the terminal, report.json, the pages, the
    CSV) is in this order, so what has to be fixed is never below what is only said."""
    return (SEVERITY_ORDER[f.severity], f.student or "", f.item or "", f.code, f.file or "",
            json.dumps(f.params, sort_keys=True, default=str, ensure_ascii=False))


Group = tuple[str | None, list[tuple[str | None, list[Finding]]]]


def grouped(findings: Iterable[Finding]) -> list[Group]:
    """Findings by student, then by item, errors first at every level: the student with
    the worst finding first, in each student the item with the worst finding first, in
    each item its findings by `sort_key`. (Ties keep the names' order.)"""
    by_student: dict[str | None, dict[str | None, list[Finding]]] = {}
    for f in sorted(findings, key=sort_key):
        by_student.setdefault(f.student, {}).setdefault(f.item, []).append(f)

    def worst(found: Iterable[Finding]) -> int:
        return min(SEVERITY_ORDER[f.severity] for f in found)

    out: list[Group] = []
    for student, items in by_student.items():
        ordered = sorted(items.items(), key=lambda kv: (worst(kv[1]), kv[0] or ""))
        out.append((student, ordered))
    out.sort(key=lambda g: (min(worst(fs) for _, fs in g[1]), g[0] or ""))
    return out


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {"error": c["error"], "warning": c["warning"], "info": c["info"]}


def document(findings: list[Finding], students: list[str], today: date, lang: str) -> dict:
    """The findings document of the contract (`check --format json`, `report.json`)."""
    ordered = sorted((f.localized(lang) for f in findings), key=sort_key)
    return {
        "version": 1,
        "today": today.isoformat(),
        "students": students,
        "findings": [f.to_json() for f in ordered],
        "counts": counts(ordered),
    }


def exit_code(findings: Iterable[Finding], strict: bool = False) -> int:
    c = counts(findings)
    if c["error"] or (strict and c["warning"]):
        return 1
    return 0
