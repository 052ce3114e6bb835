"""Reading a student's own files: student.yaml, courses.csv, cadres.yaml, departments.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.content.error_findings import findings_from, read_finding
from generator.content.item_reader import code_choices
from generator.content.text_readers import ReadError, TextReader
from generator.findings import Finding, make
from generator.i18n import listed, said
from generator.model import CadreRecord, CourseRecord, Department, StudentInfo
from generator.rules import Rules

M = TypeVar("M", bound=BaseModel)
COURSE_COLUMNS = ("term", "subject", "grade", "credits", "score", "passed", "makeup_score",
                  "makeup_passed", "counted")
# The headers of the official 修課紀錄 screen, accepted as well as the English ones.
COURSE_COLUMNS_ZH = {"學期": "term", "學年度學期": "term", "科目名稱": "subject",
                     "開課年級": "grade", "修課學分": "credits", "學分": "credits",
                     "學期學業成績": "score", "成績及格": "passed", "補考成績": "makeup_score",
                     "補考及格": "makeup_passed", "是否採計學分": "counted"}


def read_student_info(reader: TextReader, folder: Path,
                      key: str) -> tuple[StudentInfo | None, list[Finding]]:
    path = folder / "student.yaml"
    if not path.is_file():
        return None, [make("file-missing", key, None, "student.yaml")]
    try:
        raw, problems = reader.read_yaml(path)
    except ReadError as err:
        return None, [read_finding(err, key, None, "student.yaml")]
    found = [read_finding(p, key, None, "student.yaml") for p in problems]
    if not isinstance(raw, dict):
        return None, [*found, make("syntax-error", key, None, "student.yaml", line=1,
                                   detail="not a set of `key: value` lines")]
    try:
        return StudentInfo.model_validate(raw), found
    except ValidationError as exc:
        invalid, _ = findings_from(exc, list(StudentInfo.model_fields), student=key,
                                   item=None, file="student.yaml")
        return None, found + invalid


def _records(rows: list[Any], model: type[M], key: str, file: str,
             first_line: int, label: str) -> tuple[list[M], list[Finding]]:
    out: list[M] = []
    findings: list[Finding] = []
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            findings.append(make("syntax-error", key, None, file, line=first_line + n,
                                 detail="not a set of `key: value` fields"))
            continue
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            found, _ = findings_from(exc, list(model.model_fields), student=key, item=None,
                                     file=file, where={label: first_line + n})
            findings.extend(found)
    return out, findings


def read_courses(reader: TextReader, folder: Path,
                 key: str) -> tuple[list[CourseRecord], list[Finding], bool]:
    path = folder / "courses.csv"
    if not path.is_file():
        return [], [], False
    try:
        rows = reader.read_csv(path)
    except ReadError as err:
        return [], [read_finding(err, key, None, "courses.csv")], True
    cleaned = []
    for row in rows:
        clean: dict[str, Any] = {}
        for col, value in row.items():
            if col is None:  # more cells than headers
                continue
            name = COURSE_COLUMNS_ZH.get(col.strip(), col.strip())
            if value is not None and (value.strip() or name in COURSE_COLUMNS):
                clean[name] = value.strip() if value.strip() else None
        cleaned.append({k: v for k, v in clean.items() if v is not None})
    # Line 1 is the header, so the first record is on line 2.
    records, findings = _records(cleaned, CourseRecord, key, "courses.csv", 2, "line")
    return records, findings, True


def read_cadres(reader: TextReader, folder: Path,
                key: str) -> tuple[list[CadreRecord], list[Finding]]:
    return _read_list(reader, folder / "cadres.yaml", CadreRecord, key)


def read_departments(reader: TextReader, folder: Path, key: str,
                     rules: Rules) -> tuple[list[Department], list[Finding]]:
    """The departments of departments.yaml; one whose code is not a safe name (see
    Department) or repeats an earlier one is left out, with a finding: two entries
    with one code would write the same folder, and a case-insensitive disk (Windows,
    macOS, where bundles are unpacked) cannot tell `abc` from `ABC`."""
    departments, findings = _read_list(reader, folder / "departments.yaml", Department, key)
    seen: set[str] = set()
    kept: list[Department] = []
    for dep in departments:
        if dep.code.casefold() in seen:
            findings.append(make("field-invalid", key, None, "departments.yaml", field="code",
                                 value=dep.code,
                                 reason=said("reason-department-code-twice")))
            continue
        seen.add(dep.code.casefold())
        # `wants` names codes of the student's track (`rules`); an unknown one is told
        # with the track's list and left out, the rest still count.
        bad = [c for c in dep.wants if c not in rules.codes]
        if bad:
            findings.append(make("field-invalid", key, None, "departments.yaml", field="wants",
                                 value=", ".join(bad), department=dep.code, name=dep.name,
                                 reason=code_choices(rules, list(rules.codes))))
            dep.wants = [c for c in dep.wants if c in rules.codes]
        findings += _department_codes(dep, key, rules)
        kept.append(dep)
    return kept, findings


def _department_codes(dep: Department, key: str, rules: Rules) -> list[Finding]:
    """A department's own caps and uploaded PDFs, in the codes of the student's track: a
    cap of a code that is not an item's, or above the track's (a department's 簡章 may
    only set fewer), and an upload of a code the track takes no PDF for, are told and
    left out (the track's cap and the items count instead)."""
    track = rules.track
    where = {"department": dep.code, "name": dep.name}
    found: list[Finding] = []
    for code, most in list(dep.limits.items()):
        cap = track.department_limits.get(code)
        if code not in track.item_codes:
            reason: dict[str, str] = code_choices(rules, list(track.item_codes))
        elif cap is not None and most > cap:
            reason = said("reason-department-cap-above", code=code, limit=cap,
                          track=track.names())
        else:
            continue
        found.append(make("field-invalid", key, None, "departments.yaml",
                          field=f"limits.{code}", value=str(most), reason=reason, **where))
        del dep.limits[code]
    for code, name in list(dep.uploads.items()):
        if code in track.upload_codes:
            continue
        reason = said("reason-department-upload-code", track=track.names(),
                      codes=listed(track.upload_codes)) if track.upload_codes \
            else said("reason-department-upload-none", track=track.names())
        found.append(make("field-invalid", key, None, "departments.yaml",
                          field=f"uploads.{code}", value=name, reason=reason, **where))
        del dep.uploads[code]
    return found


def _read_list(reader: TextReader, path: Path, model: type[M],
               key: str) -> tuple[list[M], list[Finding]]:
    if not path.is_file():
        return [], []
    try:
        raw, problems = reader.read_yaml(path)
    except ReadError as err:
        return [], [read_finding(err, key, None, path.name)]
    found = [read_finding(p, key, None, path.name) for p in problems]
    if raw is None:
        return [], found
    if not isinstance(raw, list):
        return [], [*found, make("syntax-error", key, None, path.name, line=1,
                                 detail="a list of entries, each starting with `- `")]
    records, invalid = _records(raw, model, key, path.name, 1, "entry")
    return records, found + invalid
