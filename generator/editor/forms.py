"""The form of an item, built from the rules table, and the way back to front matter.

The fields of a 課程學習成果 and of each 多元表現 category come from
`generator/rules/official.toml` (their labels in both languages are there); the
editor's own labels come from `generator/messages/editor.toml`. A value is written as
the student gave it: a number that is not a number stays text, so `check` can say what
is wrong beside the field, exactly as it would for a hand-written file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator.editor.roundtrip import DELETE, FlowList, Path
from generator.findings import Finding
from generator.i18n import text
from generator.model import Student
from generator.model.item import STATUS_NAMES
from generator.rules import Rules
from generator.support.roc_calendar import Term, academic_year, term_of

# The order of a hand-written index.md (the demo's): where a new key goes.
ORDER = ("type", "title", "summary", "subject", "term", "certified", "status", "form",
         "category", "date", "end", "details", "links", "submitted", "document", "media",
         "images", "media_trim", "code")
PROFILE_ORDER = ("name", "student_id", "school", "enrolled", "profile")
DEPARTMENT_ORDER = ("code", "name", "courses", "performances", "wants", "limits", "uploads",
                    "statement", "reflection", "other")
STATEMENT_KEYS = ("reflection", "motivation", "plan")   # the 自述 parts O, P, Q
STATEMENT_CODES = dict(zip(STATEMENT_KEYS, ("O", "P", "Q"), strict=True))
STATUSES = ("draft", "sent", "certified")   # a course outcome's (generator/model/item.py)
FILE_SLOTS = ("document", "media", "images")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEADING = re.compile(r"^##?[ \t]+(.+?)[ \t]*$", re.M)


@dataclass
class Field:
    """One field of the form as the page shows it."""

    key: str                  # "title", "term", "details.level"…
    kind: str                 # text, textarea, number, date, choice, bool, term, year, lines
    label: str
    value: Any = None
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    hint: str = ""
    limit: int | None = None  # characters, for a counter
    years: list[int] = field(default_factory=list)              # for term and year
    blank: str = ""           # a choice's empty option, when it means more than "choose"
    noblank: bool = False     # a choice that always has a value: no empty option

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "", [], False)
                or k in ("value", "key", "kind", "label")}


def kind_label(rules: Rules, item_type: str, category: str | None, lang: str) -> str:
    if item_type == "course":
        return text("edit-kind-course", lang)
    cat = rules.categories.get(category or "")
    return cat.name(lang) if cat else text("edit-kind-performance", lang)


def school_years(student: Student | None, today: dt.date) -> list[int]:
    """The student's three 學年度 (from `enrolled`), else the three up to this one."""
    if student is not None and student.info is not None:
        first = student.info.enrolled
    else:
        first = academic_year(today) - 2
    return [first, first + 1, first + 2]


def item_fields(rules: Rules, item_type: str, category: str | None, raw: dict[str, Any],
                years: list[int], lang: str, subjects: list[str],
                new: bool = False) -> list[Field]:
    """The form's fields for an item of `item_type` (and `category`), filled from `raw`
    (the front matter as the tool reads it); a `new` item gets the defaults the reader
    would assume, an existing one shows only what its file says."""
    def label(key: str) -> str:
        return text(f"edit-field-{key.replace('_', '-')}", lang)

    out = [Field("title", "text", label("title"), _text(raw.get("title")), required=True),
           Field("summary", "textarea", label("summary"), _text(raw.get("summary")),
                 required=True, limit=rules.summary.max_chars,
                 hint=text("edit-hint-summary", lang, limit=rules.summary.max_chars))]
    if item_type == "course":
        out += [
            Field("subject", "text", label("subject"), _text(raw.get("subject")),
                  required=True, choices=[(s, s) for s in subjects]),
            Field("term", "term", label("term"), _text(raw.get("term")), required=True,
                  years=years),
            Field("form", "choice", label("form"),
                  _text(raw.get("form")) or ("report" if new else ""),
                  choices=[(k, f.name(lang)) for k, f in rules.forms.items()]),
            Field("status", "choice", label("status"), status_of(raw),
                  choices=[(s, text(f"edit-status-{s}", lang)) for s in STATUSES],
                  hint=text("edit-hint-status", lang), noblank=True),
        ]
    else:
        out += [Field("date", "date", label("date"), _day(raw.get("date")), required=True),
                Field("end", "date", label("end"), _day(raw.get("end")),
                      hint=text("edit-hint-end", lang))]
        cat = rules.categories.get(category or "")
        written = raw.get("details")
        details: dict[Any, Any] = written if isinstance(written, dict) else {}
        for name, spec in (cat.fields.items() if cat else []):
            value = details.get(name, details.get(spec.zh))
            kind = {"number": "number", "date": "date", "choice": "choice"}.get(spec.kind, "text")
            out.append(Field(f"details.{name}", kind, spec.name(lang),
                             _day(value) if kind == "date" else _text(value),
                             choices=[(c, c) for c in spec.choices]))
        if category in rules.links.allowed_categories or raw.get("links"):
            out.append(Field("links", "lines", label("links"), "\n".join(
                _as_list(raw.get("links"))), hint=text("edit-hint-links", lang)))
    out.append(Field("submitted", "year", label("submitted"), _text(raw.get("submitted")),
                     years=years, hint=text("edit-hint-submitted", lang)))
    out.append(code_field(rules, item_type, category, raw, lang))
    return out


def code_field(rules: Rules, item_type: str, category: str | None, raw: dict[str, Any],
               lang: str) -> Field:
    """The 審查資料 code, in the student's track (`rules`): empty is the default of the
    item's form or category, which the hint names (B-2 for a 技專 course outcome, say)."""
    if item_type == "course":
        form = rules.forms.get(rules.form_key(_text(raw.get("form"))) or "report")
        default = form.code if form else ""
    else:
        cat = rules.categories.get(category or "")
        default = cat.code if cat else ""
    track = rules.track
    return Field("code", "choice", text("edit-field-code", lang), _text(raw.get("code")),
                 choices=[(c, rules.code_name(c, lang)) for c in track.item_codes],
                 blank=text("edit-code-default", lang, code=rules.code_name(default, lang)),
                 hint=text("edit-hint-code", lang, track=track.name(lang)))


def status_of(raw: dict[str, Any]) -> str:
    """A course outcome's status as its file says it: `status` (in any of the names the
    reader takes), else `certified: true`, else a draft. A status no one can read is shown
    as written, so that saving the form leaves it for `check` to name."""
    given = raw.get("status")
    if given is not None:
        return STATUS_NAMES.get(_text(given).strip().lower(), _text(given))
    return "certified" if raw.get("certified") is True else "draft"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else _text(value)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [_text(v) for v in value]
    return [_text(value)]


# ------------------------------------------------------------------ back to front matter


def front_values(fields: list[Field], given: dict[str, Any]) -> dict[str, Any]:
    """Each field's value as it goes into the front matter (None: no such key).

    Only the fields of the form are looked at; anything else a request carries is
    ignored, so a request cannot write keys the form does not have.
    """
    out: dict[str, Any] = {}
    for f in fields:
        if f.key not in given:
            continue
        out[f.key] = typed(f.kind, given[f.key])
    return out


def typed(kind: str, value: Any) -> Any:
    """A value from the page as YAML should hold it, or None for "not given"."""
    if kind == "bool":
        return value is True or value == "true"
    if value is None:
        return None
    if isinstance(value, list):
        items = [str(v).strip() for v in value if str(v).strip()]
        return items or None
    said = str(value)
    if kind not in ("textarea",):
        said = said.strip()
    if not said.strip():
        return None
    if kind == "lines":
        lines = [line.strip() for line in said.split("\n") if line.strip()]
        return lines or None
    if kind in ("number", "term", "year"):
        try:
            return int(said)
        except ValueError:
            try:
                number = float(said)
                return number if number == number and number not in (float("inf"),
                                                                      float("-inf")) else said
            except ValueError:
                return said
    if kind == "date" and _ISO.fullmatch(said):
        try:
            return dt.date.fromisoformat(said)
        except ValueError:
            return said
    if kind == "textarea":
        return said.replace("\r\n", "\n").strip()
    return said


def same(old: Any, new: Any) -> bool:
    """Whether a value the form sends back says what the file already says (then the
    file is not touched: `term: "1131"` is not rewritten as `term: 1131`)."""
    if old is None or old == "" or old == []:
        return new is None or new == "" or new == []
    if new is None:
        return False
    if isinstance(old, list) or isinstance(new, list):
        return _as_list(old) == _as_list(new)
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    # A block text read back ends with a newline the form does not keep.
    return _text(old).strip() == _text(new).strip()


def item_changes(fields: list[Field], values: dict[str, Any], raw: dict[str, Any],
                 files: dict[str, Any]) -> dict[Path, Any]:
    """Path → new value for what differs from `raw`: the form's fields, then the files
    (`document`, `media`, `images`)."""
    changes: dict[Path, Any] = {}
    details = raw.get("details") if isinstance(raw.get("details"), dict) else None
    for key, new in values.items():
        if key.startswith("details."):
            name = key.split(".", 1)[1]
            spec_key = _details_key(details, name, fields, key)
            old = details.get(spec_key) if details else None
            if same(old, new):
                continue
            if details is None:
                changes.setdefault(("details",), {})
                if new is not None:
                    changes[("details",)][name] = new
                continue
            changes[("details", spec_key)] = DELETE if new is None else new
            continue
        if key == "status":
            changes.update(_status_changes(raw, new or "draft"))
            continue
        if same(raw.get(key), new):
            continue
        if isinstance(new, list) and key != "links":
            new = FlowList(new)
        changes[(key,)] = DELETE if new is None else new
    if ("details",) in changes and not changes[("details",)]:
        del changes[("details",)]
    for slot in FILE_SLOTS:
        if slot not in files:
            continue
        new = files[slot] or None
        if slot == "images" and new:
            new = FlowList(new)
        if not same(raw.get(slot), new):
            changes[(slot,)] = DELETE if new is None else new
    return changes


def _status_changes(raw: dict[str, Any], new: str) -> dict[Path, Any]:
    """The status written the way the file already writes it: a file with `status` (or a
    new `sent`, which only `status` can say) gets `status`, and a `certified:` it also has
    is kept in agreement; a file of the older way keeps `certified: true` or none."""
    if new == status_of(raw):
        return {}
    changes: dict[Path, Any] = {}
    if "status" in raw or new not in ("draft", "certified"):
        changes[("status",)] = new
        if "certified" in raw and (raw.get("certified") is True) != (new == "certified"):
            changes[("certified",)] = new == "certified"
        return changes
    certified = new == "certified"
    changes[("certified",)] = True if certified else (False if "certified" in raw else DELETE)
    return changes


def _details_key(details: dict[str, Any] | None, name: str, fields: list[Field],
                 key: str) -> str:
    """The key a detail is written under: its own name, or the Chinese label the student
    used by hand (both are read)."""
    if details is None or name in details:
        return name
    label = next((f.label for f in fields if f.key == key), None)
    for written in details:
        if str(written) == label:
            return str(written)
    return name


def apply(raw: dict[str, Any], changes: dict[Path, Any]) -> dict[str, Any]:
    """`raw` as `changes` leave it: what the file must read back as."""
    out: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in raw.items()}
    for path, value in changes.items():
        target = out
        for part in path[:-1]:
            target = target.setdefault(str(part), {})
        if value is DELETE:
            target.pop(str(path[-1]), None)
        else:
            target[str(path[-1])] = list(value) if isinstance(value, FlowList) else value
    return out


def new_front(item_type: str, category: str | None, values: dict[str, Any],
              files: dict[str, Any]) -> dict[str, Any]:
    """A new item's front matter, in the order people write it."""
    front: dict[str, Any] = {"type": item_type}
    if category:
        front["category"] = category
    details = {k.split(".", 1)[1]: v for k, v in values.items()
               if k.startswith("details.") and v is not None}
    merged = {**{k: v for k, v in values.items() if not k.startswith("details.")},
              "details": details or None, **files}
    if merged.get("status") == "draft":
        merged["status"] = None   # what an item without a status is
    if merged.get("images"):
        merged["images"] = FlowList(merged["images"])
    for key in ORDER:
        if key in ("type", "category"):
            continue
        value = merged.get(key)
        if value not in (None, "", [], {}):
            front[key] = value
    ordered = {k: front[k] for k in ORDER if k in front}
    return ordered


# ------------------------------------------------------------------ findings beside fields

_CODE_FIELD = {
    "summary-missing": "summary", "summary-too-long": "summary", "summary-required": "summary",
    "date-before-enrollment": "date", "not-certified": "status",
    "window-closed": "term", "course-not-in-record": "subject",
    "link-not-allowed": "links", "link-at-risk": "links", "link-credentials": "links",
}


def place(finding: Finding, field_keys: set[str], file_names: set[str]) -> str:
    """Where on the item's form a finding is shown: a field key, `file:<name>`,
    `departments`, or `general` (the top of the form)."""
    if finding.code.startswith("link-"):
        return "links" if "links" in field_keys else "general"
    if finding.code.startswith("department-") or finding.file == "departments.yaml":
        return "departments"
    named = finding.params.get("field")
    if isinstance(named, str):
        if named in field_keys:
            return named
        if named in FILE_SLOTS:
            return "files"
    if finding.code in _CODE_FIELD and _CODE_FIELD[finding.code] in field_keys:
        return _CODE_FIELD[finding.code]
    if finding.file and finding.file in file_names:
        return f"file:{finding.file}"
    return "general"


# ------------------------------------------------------------------ statements


def statement_parts(statement: Any, rules: Rules) -> tuple[dict[str, str] | None, str]:
    """The 自述 as three parts (reflection, motivation, plan) when it can be shown so
    without changing a word of it; else None and the whole text."""
    from generator.checks.departments import statement_parts as covered

    if statement is None or statement == "":
        return {k: "" for k in STATEMENT_KEYS}, ""
    if isinstance(statement, dict):
        parts = {str(k).lower(): str(v or "") for k, v in statement.items()}
        by_code = {c: k for k, c in STATEMENT_CODES.items()}
        parts = {by_code.get(k.upper(), k): v for k, v in parts.items()}
        if set(parts) <= set(STATEMENT_KEYS):
            return {k: parts.get(k, "").strip("\n") for k in STATEMENT_KEYS}, ""
        return None, ""
    said = str(statement)
    headings = list(_HEADING.finditer(said))
    if len(headings) == 3 and not said[:headings[0].start()].strip():
        codes = [covered(h.group(0)) for h in headings]
        if [sorted(c) for c in codes] == [["O"], ["P"], ["Q"]]:
            parts = {}
            for n, key in enumerate(STATEMENT_KEYS):
                end = headings[n + 1].start() if n + 1 < 3 else len(said)
                parts[key] = said[headings[n].end():end].strip("\n")
            if join_statement(parts, said) == said.strip("\n"):
                return parts, said
    return None, said


def join_statement(parts: dict[str, str], original: str | None) -> str:
    """Parts back into one Markdown text under the headings `original` used."""
    headings = [h.group(0) for h in _HEADING.finditer(original or "")]
    out = []
    for n, key in enumerate(STATEMENT_KEYS):
        out.append(headings[n] + "\n\n" + parts.get(key, "").strip("\n"))
    return "\n\n".join(out).strip("\n")


def term_label(value: int | None, lang: str) -> str:
    if value is None:
        return ""
    try:
        return Term.parse(value).label(lang)
    except ValueError:
        return str(value)


def item_term(term: int | None, day: dt.date | None) -> int | None:
    """The term an item belongs to: its own, or its date's."""
    if term is not None:
        return term
    return term_of(day) if day is not None else None
