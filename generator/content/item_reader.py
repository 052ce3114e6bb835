"""Reading one item folder into an `Item`, reporting every problem on the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.content.error_findings import findings_from, read_finding, reason
from generator.content.image_refs import markdown_images
from generator.content.text_readers import ReadError, TextReader
from generator.findings import Finding, make
from generator.i18n import LANGS, excerpt, listed, said, text
from generator.model import FrontMatter, Item
from generator.rules import FieldSpec, Rules
from generator.support.roc_calendar import NotADate, read_date
from generator.support.url_credentials import redact

COURSE_ONLY = ("subject", "term", "certified", "status", "form")
PERFORMANCE_ONLY = ("category", "date", "end", "details")
REQUIRED = {"course": ("title", "subject", "term"), "performance": ("title", "category", "date")}
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_MAX_ATTEMPTS = 30


def read_item(reader: TextReader, folder: Path, student: str, key: str,
              rules: Rules) -> tuple[Item | None, list[Finding]]:
    """The item in `folder` (None when it cannot be used at all) and its findings.

    `student` is the slug the item belongs to, `key` how findings name the student.
    """
    item_id = folder.name
    out: list[Finding] = []
    index = folder / "index.md"
    if not index.is_file():
        return None, [make("file-missing", key, item_id, "index.md")]
    try:
        raw, body, unreadable = reader.read_front_matter(index)
    except ReadError as err:
        return None, [read_finding(err, key, item_id, "index.md")]
    out.extend(read_finding(p, key, item_id, "index.md") for p in unreadable)

    front, problems = _validate(raw, key, item_id)
    out.extend(problems)
    if front.type is None:
        if "type" not in raw:
            out.append(make("field-missing", key, item_id, "index.md", field="type"))
        return None, out

    present = set(raw) - {k for k in raw if raw[k] is None}
    wrong_side = PERFORMANCE_ONLY if front.type == "course" else COURSE_ONLY
    for name in sorted(present & set(wrong_side)):
        out.append(make("field-unknown", key, item_id, "index.md", field=name,
                        suggestion=_other_type_hint(front.type)))
    for name in REQUIRED[front.type]:
        if getattr(front, name) in (None, "") and raw.get(name) not in (None, ""):
            continue  # already reported as invalid
        if getattr(front, name) in (None, ""):
            out.append(make("field-missing", key, item_id, "index.md", field=name))
    if not front.title:
        front.title = item_id

    form = category = None
    if front.type == "course":
        form = rules.form_key(front.form) if front.form else "report"
        if front.form and form is None:
            out.append(make("field-invalid", key, item_id, "index.md", field="form",
                            value=front.form, reason=_choices(list(rules.forms))))
    elif front.category:
        category = rules.category_key(front.category)
        if category is None:
            out.append(make("field-invalid", key, item_id, "index.md", field="category",
                            value=front.category, reason=_choices(list(rules.categories))))

    details: dict[str, Any] = {}
    if category:
        details, problems = _details(front.details, rules.categories[category].fields,
                                     key, item_id)
        out.extend(problems)
    if front.end and front.date and front.end < front.date:
        out.append(make("field-invalid", key, item_id, "index.md", field="end",
                        value=front.end.isoformat(),
                        reason=said("end-before-start")))

    images = list(dict.fromkeys(front.images))
    for target in markdown_images(body):
        if _REMOTE.match(target) or target.startswith("//"):
            out.append(make("image-external", key, item_id, "index.md", url=redact(target)))
        elif target not in images:
            images.append(target)

    status = front.status or ("certified" if front.certified else "draft")
    if front.type == "course" and front.certified and status != "certified":
        # `certified: true` with `status: sent` (or draft): the older field says the
        # teacher certified it, the newer one that it is not yet. Say so; take the status.
        out.append(make("field-invalid", key, item_id, "index.md", field="status",
                        value=status, reason=said("reason-status-certified")))

    if front.code and front.code not in rules.track.item_codes:
        out.append(make("field-invalid", key, item_id, "index.md", field="code",
                        value=front.code, reason=code_choices(rules, rules.track.item_codes)))
        front.code = None
    if front.type == "course":
        code = front.code or (rules.forms[form].code if form else None)
    else:
        code = front.code or (rules.categories[category].code if category else None)

    item = Item(
        id=item_id, student=student, path=folder, type=front.type, title=front.title,
        summary=front.summary, body=body, subject=front.subject, term=front.term,
        certified=status == "certified", status=status, form=form, category=category,
        date=front.date,
        end=front.end, details=details, links=front.links, submitted=front.submitted,
        # A web address is never a file of the item; a password in one is never shown.
        document=front.document and redact(front.document),
        media=front.media and redact(front.media), images=images, code=code,
        media_trim=front.media_trim, sample=front.sample,
        upload_reflection=front.upload_reflection,
    )
    return item, out


def code_choices(rules: Rules, codes: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Why a 審查資料 code is refused, in every language: the track and its codes (the
    codes alone: with their labels the list would not fit in a finding)."""
    return {lang: text("reason-code-choices", lang, track=rules.track.name(lang),
                       codes=("、" if lang == "zh-TW" else ", ").join(codes))
            for lang in LANGS}


def _validate(raw: dict[str, Any], key: str, item_id: str) -> tuple[FrontMatter, list[Finding]]:
    """Validate field by field: a bad field is reported and left out, the rest still count."""
    data = {str(k): v for k, v in raw.items()}
    out: list[Finding] = []
    known = list(FrontMatter.model_fields)
    for _ in range(_MAX_ATTEMPTS):
        try:
            return FrontMatter.model_validate(data), out
        except ValidationError as exc:
            problems, bad = findings_from(exc, known, student=key, item=item_id,
                                          file="index.md")
            out.extend(problems)
            if not bad:
                break
            for name in bad:
                data.pop(name, None)
    return FrontMatter(), out


def _details(raw: dict[str, Any], spec: dict[str, FieldSpec], key: str,
             item_id: str) -> tuple[dict[str, Any], list[Finding]]:
    """Category fields, accepted under their key or their Chinese label."""
    by_label = {f.zh: name for name, f in spec.items()}
    out: list[Finding] = []
    details: dict[str, Any] = {}
    for given, value in raw.items():
        name = given if given in spec else by_label.get(str(given))
        if name is None:
            out.append(make("field-unknown", key, item_id, "index.md", field=f"details.{given}",
                            suggestion=said("details-fields", fields=listed(spec))))
            continue
        if value is None or value == "":
            continue
        ok, normal, why = _field_value(spec[name], value)
        if ok:
            details[name] = normal
        else:
            out.append(make("field-invalid", key, item_id, "index.md", field=f"details.{name}",
                            value=excerpt(value), reason=why))
    return details, out


def _field_value(spec: FieldSpec, value: Any) -> tuple[bool, Any, dict[str, str]]:
    if spec.kind == "number":
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number < 0:
            return False, None, reason("float_parsing", None, "")
        return True, int(number) if number.is_integer() else number, {}
    if spec.kind == "date":
        try:
            return True, read_date(value), {}
        except NotADate:
            return False, None, reason("date", None, "")
    if spec.kind == "choice":
        if str(value) in spec.choices:
            return True, str(value), {}
        return False, None, _choices(list(spec.choices))
    return True, str(value), {}


def _choices(options: list[str]) -> dict[str, str]:
    return said("value-one-of-list", options=listed(options))


def _other_type_hint(item_type: str) -> dict[str, str]:
    return said("field-for-performances" if item_type == "course" else "field-for-courses")
