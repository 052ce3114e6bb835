"""What each address of the editor does. The server (server.py) has already checked
the token, the Host and the Origin; here every student slug and item id is checked as
a safe folder name inside the content root (names.py) before any file is opened.

GET  /                       the page (all of it is drawn by static/editor.js)
GET  /api/students           the students, with their counts
GET  /api/student?s=         one student's items by term and category, with their state
GET  /api/item?s=&i=         an item's form; /api/new?s=&kind= a new one's
GET  /api/departments?s=     the department selections; /api/profile?s= student.yaml
GET  /api/file?s=&i=&name=   a picture of the item (for thumbnails and the preview)
GET  /api/job?id=            the progress of a background job
POST /api/item/draft|save    check a form as typed | write it and check
POST /api/markdown           the reflection rendered by the site's sanitiser
POST /api/upload?s=&i=&slot=&name=&base=   a dropped file (the body is the file)
POST /api/fit, /api/preview  background jobs: upload copies, a preview build
POST /api/departments/draft|save, /api/profile/save, /api/student/new
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from generator.checks.content_check import CheckedContent
from generator.content.item_paths import resolve_inside
from generator.content.loader import ContentError, load_settings
from generator.content.sniff import sniff
from generator.content.student_files import read_student_info
from generator.editor import bridge, forms
from generator.editor.evaluate import (
    Evaluator,
    department_state,
    for_student,
    summary_state,
)
from generator.editor.jobs import Jobs
from generator.editor.names import (
    Refused,
    check_name,
    is_safe_name,
    item_dir,
    student_dir,
)
from generator.editor.roundtrip import (
    DELETE,
    FlowList,
    FrontMatterText,
    NotEditable,
    edit_yaml,
    keeping_layout,
    new_index,
)
from generator.editor.store import Loaded, Readable, Store
from generator.engine.output_paths import upload_slot
from generator.findings import SEVERITY_ORDER, Finding
from generator.i18n import catalog, text
from generator.model import Department, Item, Student
from generator.model.item import TYPE_NAMES
from generator.rules import Rules

TEMPLATE = Path(__file__).parent / "templates" / "app.html"
PICTURES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
SLOTS = ("document", "media", "images")
UI_PREFIX = "edit-"


@dataclass
class Response:
    status: int
    body: bytes
    ctype: str
    csp: str | None = None
    headers: dict[str, str] | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        return cls(status, body, "application/json; charset=utf-8")


@dataclass
class Editor:
    """The editor of one content root, for one run (one token)."""

    root: Path
    output: Path
    language: str | None          # --lang, if given
    today: dt.date | None
    token: str
    max_upload: int
    port: int = 0
    lang: str = field(init=False)
    rules: Rules = field(init=False)
    track: str = field(init=False)
    store: Store = field(init=False)
    evaluator: Evaluator = field(init=False)
    jobs: Jobs = field(init=False)

    def __post_init__(self) -> None:
        settings, rules, _found = load_settings(self.root)
        # The class's track (portfolio.toml); each student's own, student.yaml's `track`,
        # decides the codes, labels and limits of their forms (`rules_for`).
        self.track = settings.track
        self.rules = rules.for_track(settings.track)
        # As `check`: --lang, else the content's own `language`.
        self.lang = self.language or settings.language
        self.store = Store(self.root, self.output, self.rules)
        self.evaluator = Evaluator(self.root, self.output, self.today, self.lang)
        self.jobs = Jobs(self._job_failed)

    def t(self, key: str, **params: Any) -> str:
        return text(key, self.lang, **params)

    def rules_for(self, student: Student | None) -> Rules:
        """A student's rules: their track's codes, labels and limits (the class's for
        none), as `check` resolves them (Portfolio.rules_for)."""
        return self.rules.for_track(student.track) if student is not None else self.rules

    def rules_of(self, slug: str) -> Rules:
        """The rules of the student in folder `slug`, from their student.yaml alone (a
        form being written or saved need not check the whole content first)."""
        info, _found = read_student_info(self.store.reader, self.root / slug, slug)
        track = info.track if info is not None and info.track else self.track
        return self.rules.for_track(track)

    # ------------------------------------------------------------------ dispatch
    def get(self, path: str, query: dict[str, str]) -> Response:
        routes = {
            "/": lambda: self.page(),
            "/api/students": lambda: self.students(),
            "/api/student": lambda: self.student(query.get("s")),
            "/api/item": lambda: self.item(query.get("s"), query.get("i")),
            "/api/new": lambda: self.new_item(query.get("s"), query.get("kind")),
            "/api/departments": lambda: self.departments(query.get("s")),
            "/api/profile": lambda: self.profile(query.get("s")),
            "/api/file": lambda: self.picture(query.get("s"), query.get("i"),
                                              query.get("name")),
            "/api/job": lambda: self.job(query.get("id")),
            "/favicon.ico": lambda: Response(204, b"", "image/x-icon"),
        }
        route = routes.get(path)
        if route is None:
            raise Refused(404, "edit-refused-missing")
        out = route()
        return out if isinstance(out, Response) else Response.json(out)

    def post(self, path: str, data: dict[str, Any]) -> Response:
        routes = {
            "/api/item/draft": self.draft_item,
            "/api/item/save": self.save_item,
            "/api/markdown": self.markdown,
            "/api/fit": self.fit,
            "/api/preview": self.preview,
            "/api/departments/draft": self.draft_departments,
            "/api/departments/save": self.save_departments,
            "/api/profile/save": self.save_profile,
            "/api/student/new": self.new_student,
        }
        route = routes.get(path)
        if route is None:
            raise Refused(404, "edit-refused-missing")
        return Response.json(route(data))

    # ------------------------------------------------------------------ the page
    def page(self) -> Response:
        strings = {k[len(UI_PREFIX):]: v.get(self.lang) or v.get("zh-TW", "")
                   for k, v in catalog().get("ui", {}).items() if k.startswith(UI_PREFIX)}
        boot = {"lang": self.lang, "token": self.token, "strings": strings,
                "schema": self.schema()}
        data = json.dumps(boot, ensure_ascii=False).replace("<", "\\u003c")
        page = _template().format(lang=html.escape(self.lang), title=html.escape(
            self.t("edit-title")), boot=data, noscript=html.escape(self.t("edit-noscript")))
        return Response(200, page.encode("utf-8"), "text/html; charset=utf-8")

    def refusal_page(self, said: str) -> str:
        return (f'<!doctype html><html lang="{html.escape(self.lang)}"><meta charset="utf-8">'
                f"<title>{html.escape(self.t('edit-title'))}</title><p>{html.escape(said)}</p>")

    def schema(self, rules: Rules | None = None) -> dict[str, Any]:
        """What the page draws forms from: a track's kinds of item with their codes, its
        codes and its limits (none where the track sets none: 技專's per-department counts
        and 綜整心得 length), the file types. The page's own is the class's track; each
        student's forms come with their own."""
        rules = rules or self.rules
        track = rules.track
        kinds = [{"kind": "course", "label": self.t("edit-kind-course"), "code": ""}]
        kinds += [{"kind": key, "label": cat.name(self.lang), "code": cat.code}
                  for key, cat in rules.categories.items()]
        return {
            "track": track.key,
            "kinds": kinds,
            "codes": [{"code": c, "name": n.name(self.lang)} for c, n in rules.codes.items()],
            # 學習歷程自述's parts and the code each gives (大學 O/P/Q; 技專 all D-2)
            "parts": [{"key": k, "code": p.code, "name": p.name(self.lang)}
                      for k, p in track.statement.items()],
            "reflection_code": track.reflection, "other_code": track.other,
            "limits": {"summary": rules.summary.max_chars,
                       "courses": rules.limits.department_courses if track.kind_limits
                       else None,
                       "performances": rules.limits.department_performances
                       if track.kind_limits else None,
                       "reflection": rules.limits.reflection_max_chars
                       if track.reflection_limits else None,
                       "reflection_images": rules.limits.reflection_max_images
                       if track.reflection_limits else None,
                       "document_mb": rules.files.document_max_mb,
                       "media_mb": rules.files.media_max_mb,
                       "upload_mb": self.max_upload / 1_000_000},
            "types": {"document": list(rules.files.document_types),
                      "media": list(rules.files.media_types),
                      "images": list(rules.files.image_types)},
        }

    # ------------------------------------------------------------------ students
    def _checked(self) -> CheckedContent:
        return self.evaluator.saved()

    def _student_of(self, result: CheckedContent, slug: Any) -> Student:
        student_dir(self.root, slug)
        for student in result.portfolio.students:
            if student.slug == slug:
                return student
        raise Refused(404, "edit-refused-missing")

    def students(self) -> dict[str, Any]:
        try:
            result = self._checked()
        except ContentError:  # no student yet (an empty root): the page offers to add one
            return {"students": []}
        out = []
        for s in result.portfolio.students:
            mine = for_student(result.findings, s)
            out.append({"slug": s.slug, "name": s.name, "student_id": s.key,
                        "items": len(s.items), **_counts(mine)})
        return {"students": out}

    def student(self, slug: Any) -> dict[str, Any]:
        result = self._checked()
        student = self._student_of(result, slug)
        found = for_student(result.findings, student)
        limit = self.rules.summary.max_chars
        selected = _selections(student)
        entries: list[dict[str, Any]] = []
        for item in student.items:
            mine = [f for f in found if f.item == item.id]
            term = forms.item_term(item.term, item.date)
            entries.append({
                "id": item.id, "title": item.title, "type": item.type,
                "category": item.category or "course",
                "kind": forms.kind_label(self.rules, item.type, item.category, self.lang),
                "term": term, "term_label": forms.term_label(term, self.lang),
                "date": item.date.isoformat() if item.date else "",
                "summary": summary_state(item, limit), "files": len(item.attachments),
                "ticked": item.submitted, "certified": item.certified,
                "departments": selected.get(item.id, []), **_counts(mine)})
        known = {i.id for i in student.items}
        broken = sorted({f.item for f in found if f.item and f.item not in known
                         and (student.path / "items" / f.item).is_dir()})
        for item_id in broken:
            mine = [f for f in found if f.item == item_id]
            entries.append({"id": item_id, "title": item_id, "type": "", "category": "",
                            "kind": "", "term": None, "term_label": "", "date": "",
                            "summary": {"chars": 0, "limit": limit}, "files": 0,
                            "ticked": None, "certified": False, "departments": [],
                            "broken": True, **_counts(mine)})
        entries.sort(key=lambda e: (e["term"] is None, e["term"] or 0,
                                    _kind_rank(self.rules, e["category"]), e["date"], e["id"]))
        general = [self._finding(f, "general") for f in found if f.item is None]
        return {"slug": student.slug, "name": student.name, "student_id": student.key,
                "schema": self.schema(self.rules_for(student)),
                "items": entries, "findings": general,
                "departments": [{"code": d.code, "name": d.name} for d in student.departments],
                **_counts(found)}

    # ------------------------------------------------------------------ an item's form
    def _years(self, student: Student | None, result: CheckedContent | None) -> list[int]:
        today = result.portfolio.today if result else (self.today or dt.date.today())
        return forms.school_years(student, today)

    def _fields(self, student: Student | None, item_type: str, category: str | None,
                raw: dict[str, Any], result: CheckedContent | None,
                new: bool = False, rules: Rules | None = None) -> list[forms.Field]:
        subjects = sorted({c.subject for c in student.courses}) if student else []
        return forms.item_fields(rules or self.rules_for(student), item_type, category, raw,
                                 self._years(student, result), self.lang, subjects, new)

    def _kind_of(self, loaded: Loaded, item: Item | None) -> tuple[str | None, str | None]:
        if item is not None:
            return item.type, item.category
        raw = loaded.data if isinstance(loaded.data, dict) else {}
        given = raw.get("type")
        item_type = TYPE_NAMES.get(given, given) if isinstance(given, str) else None
        category = raw.get("category")
        key = self.rules.category_key(category) if isinstance(category, str) else None
        return (item_type if item_type in ("course", "performance") else None), key

    def item(self, slug: Any, item_id: Any, result: CheckedContent | None = None
             ) -> dict[str, Any]:
        folder = item_dir(self.root, slug, item_id)
        result = result or self._checked()
        student = self._student_of(result, slug)
        loaded = self.store.load_front(folder / "index.md", student.key, str(item_id))
        item = student.item(str(item_id))
        item_type, category = self._kind_of(loaded, item)
        raw = loaded.data if isinstance(loaded.data, dict) else {}
        found = [f for f in for_student(result.findings, student) if f.item == item_id]
        problem = loaded.problem
        if problem is None and (loaded.raw is None or item_type is None):
            problem = next((f for f in found if f.severity == "error"), None)
        fields = self._fields(student, item_type or "course", category, raw, result) \
            if item_type else []
        files = {"document": _text(raw.get("document")), "media": _text(raw.get("media")),
                 "images": [_text(n) for n in _as_list(raw.get("images"))]}
        return {
            "student": student.slug, "student_name": student.name, "id": item_id,
            "new": False, "type": item_type, "category": category,
            "kind": forms.kind_label(self.rules, item_type or "", category, self.lang)
            if item_type else "",
            "hash": loaded.hash, "editable": problem is None and item_type is not None,
            "problem": self._finding(problem, "general") if problem else None,
            "fields": [f.to_json() for f in fields], "body": loaded.body,
            "files": files, "folder": self._folder_files(folder, item),
            "uploads": self._uploads(student.slug, str(item_id)),
            "findings": self._placed(found, fields, item),
            "summary": summary_state(item, self.rules.summary.max_chars),
            "departments": _selections(student).get(str(item_id), []),
            "schema": self.schema(self.rules_for(student)),
        }

    def new_item(self, slug: Any, kind: Any) -> dict[str, Any]:
        result = self._checked()
        student = self._student_of(result, slug)
        item_type, category = self._new_kind(kind)
        fields = self._fields(student, item_type, category, {}, result, new=True)
        return {
            "student": student.slug, "student_name": student.name, "id": None, "new": True,
            "suggested_id": self._suggest_id(student, category or "course"),
            "type": item_type, "category": category,
            "kind": forms.kind_label(self.rules, item_type, category, self.lang),
            "hash": None, "editable": True, "problem": None,
            "fields": [f.to_json() for f in fields], "body": "",
            "files": {"document": "", "media": "", "images": []}, "folder": [],
            "uploads": [], "findings": [],
            "summary": {"chars": 0, "limit": self.rules.summary.max_chars}, "departments": [],
            "schema": self.schema(self.rules_for(student)),
        }

    def _new_kind(self, kind: Any) -> tuple[str, str | None]:
        if kind == "course":
            return "course", None
        if isinstance(kind, str) and kind in self.rules.categories:
            return "performance", kind
        raise Refused(400, "edit-refused-kind")

    def _suggest_id(self, student: Student, base: str) -> str:
        items = student.path / "items"
        n = 1
        while (items / f"{base}-{n}").exists():
            n += 1
        return f"{base}-{n}"

    def _folder_files(self, folder: Path, item: Item | None) -> list[dict[str, Any]]:
        known = item.files if item is not None else {}
        out = []
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return []
        for path in entries:
            if path.name == "index.md" or path.name.startswith(".") or not path.is_file():
                continue
            if resolve_inside(folder, path.name)[0] is None:
                continue  # a link out of the folder: not the item's file
            info = known.get(path.name)
            out.append({"name": path.name, "size": path.stat().st_size,
                        "kind": info.kind if info else None,
                        "problem": info.problem if info else None,
                        "location": bool(info and info.has_location),
                        "duration": info.duration if info else None,
                        "picture": (info.kind if info else sniff(path)) in PICTURES})
        return out

    def _uploads(self, slug: str, item_id: str) -> list[dict[str, Any]]:
        folder = bridge.upload_folder(self.output, slug, item_id)
        out = []
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                slot = upload_slot(path.name)
                if path.is_file() and slot is not None:
                    out.append({"slot": slot, "name": path.name,
                                "size": path.stat().st_size,
                                "url": "/preview/" + (bridge.output_url(self.output, path)
                                                      or "")})
        return out

    def _placed(self, found: list[Finding], fields: list[forms.Field],
                item: Item | None) -> list[dict[str, Any]]:
        keys = {f.key for f in fields}
        names = {n for _slot, n in item.attachments} if item is not None else set()
        ordered = sorted(found, key=lambda f: (SEVERITY_ORDER[f.severity], f.code))
        return [self._finding(f, forms.place(f, keys, names)) for f in ordered]

    def _finding(self, f: Finding, place: str) -> dict[str, Any]:
        said = f.localized(self.lang)
        return {"code": f.code, "severity": f.severity, "message": said.message,
                "place": place, "item": f.item, "file": f.file,
                "severity_label": self.t(f.severity)}

    # ------------------------------------------------------------------ composing index.md
    def _compose(self, slug: str, item_id: str, data: dict[str, Any], current: Loaded | None,
                 student: Student | None) -> str:
        """The index.md the form makes: the file as it is with only what changed
        rewritten, or a new one written as a person would."""
        values = _mapping(data.get("values"))
        body = data.get("body") if isinstance(data.get("body"), str) else None
        files = _mapping(data.get("files"))
        folder = self.root / slug / "items" / item_id
        rules = self.rules_for(student) if student is not None else self.rules_of(slug)
        if current is None or current.raw is None:
            new_type, new_category = self._new_kind(data.get("kind"))
            fields = self._fields(student, new_type, new_category, {}, None, new=True,
                                  rules=rules)
            clean = self._files(folder, files, {})
            front = forms.new_front(new_type, new_category,
                                    forms.front_values(fields, values), clean)
            return new_index(front, body or "")
        raw = current.data if isinstance(current.data, dict) else {}
        item_type, category = self._kind_of(current, None)
        if item_type is None:
            raise Refused(409, "edit-not-editable")
        fields = self._fields(student, item_type, category, raw, None, rules=rules)
        changes = forms.item_changes(fields, forms.front_values(fields, values), raw,
                                     self._files(folder, files, raw))
        doc = FrontMatterText.parse(current.text)
        doc.yaml = edit_yaml(doc.yaml, changes, forms.apply(raw, changes), forms.ORDER)
        if body is not None and _normal(body) != _normal(current.body):
            doc.with_body(body)
        return doc.text()

    def _files(self, folder: Path, given: dict[str, Any], raw: dict[str, Any]
               ) -> dict[str, Any]:
        """The file slots the form sends, each a file of the item's own folder (or what
        the file already says): a name cannot point anywhere else."""
        out: dict[str, Any] = {}
        for slot in SLOTS:
            if slot not in given:
                continue
            value = given[slot]
            names = value if isinstance(value, list) else [value]
            names = [n for n in names if isinstance(n, str) and n.strip()]
            was = [_text(n) for n in _as_list(raw.get(slot))]
            for name in names:
                if name not in was and resolve_inside(folder, name)[0] is None:
                    raise Refused(400, "edit-refused-file")
            out[slot] = names if slot == "images" else (names[0] if names else None)
        return out

    def draft_item(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = check_name(data.get("s"))
        given = data.get("i")
        new = not given
        item_id = check_name(data.get("new_id") if new else given)
        folder = item_dir(self.root, slug, item_id, must_exist=not new)
        student_path = student_dir(self.root, slug)
        loaded = None if new else self.store.load_front(folder / "index.md", slug, item_id)
        if loaded is not None and loaded.problem is not None:
            raise Refused(409, "edit-not-editable")
        try:
            index = self._compose(slug, item_id, data, loaded, None)
        except NotEditable:
            raise Refused(409, "edit-not-editable") from None
        draft = self.evaluator.draft(student_path.name, item_id, index)
        item = draft.item
        found = [f for f in draft.findings if f.item == item_id]
        item_type = item.type if item else None
        fields = self._fields(draft.student, item_type or "course", item.category if item
                              else None, {}, None) if item_type else []
        return {"findings": self._placed(found, fields, item),
                "summary": summary_state(item, self.rules.summary.max_chars)}

    def save_item(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = check_name(data.get("s"))
        student_path = student_dir(self.root, slug)
        given = data.get("i")
        base = data.get("base") if isinstance(data.get("base"), str) else None
        if given:
            item_id = check_name(given)
            folder = item_dir(self.root, slug, item_id)
        else:
            item_id = check_name(data.get("new_id"))
            self._new_kind(data.get("kind"))
            items = student_path / "items"
            if not items.exists():
                self.store.make_folder(items)
            folder = item_dir(self.root, slug, item_id, must_exist=False)
            if folder.exists() or folder.is_symlink():
                raise Refused(409, "edit-exists")
            self.store.make_folder(folder)
            base = None
        index = folder / "index.md"
        try:
            self.store.write(index, base,
                             lambda current: self._compose(slug, item_id, data, current, None),
                             lambda: self.store.load_front(index, slug, item_id))
        except Refused:
            if not given:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # the new, still empty folder this request made
            raise
        return self.item(slug, item_id)

    # ------------------------------------------------------------------ files
    def upload(self, query: dict[str, str], stream: Readable, length: int) -> Response:
        slug = check_name(query.get("s"))
        item_id = check_name(query.get("i"))
        slot = query.get("slot")
        if slot not in SLOTS:
            raise Refused(400, "edit-refused-file")
        folder = item_dir(self.root, slug, item_id)
        index = folder / "index.md"
        base = query.get("base")
        if self.store.load_front(index, slug, item_id).hash != base:
            raise Refused(409, "edit-conflict")  # before a byte of the file is taken
        name = self.store.receive(stream, length, folder, query.get("name") or "")

        def attach(current: Loaded) -> str:
            raw = current.data if isinstance(current.data, dict) else {}
            files: dict[str, Any] = {}
            if slot == "images":
                files["images"] = [*(_text(n) for n in _as_list(raw.get("images"))), name]
            else:
                files[slot] = name
            return self._compose(slug, item_id, {"files": files}, current, None)

        self.store.write(index, base, attach,
                         lambda: self.store.load_front(index, slug, item_id))
        out = self.item(slug, item_id)
        out["received"] = name
        return Response.json(out)

    def picture(self, slug: Any, item_id: Any, name: Any) -> Response:
        folder = item_dir(self.root, slug, item_id)
        if not isinstance(name, str):
            raise Refused(404, "edit-refused-missing")
        real, _why = resolve_inside(folder, name)
        if real is None:
            raise Refused(404, "edit-refused-missing")
        kind = sniff(real)
        if kind not in PICTURES:
            raise Refused(404, "edit-refused-missing")  # only pictures are shown
        return Response(200, real.read_bytes(), PICTURES[kind])

    def markdown(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = check_name(data.get("s"))
        item_id = data.get("i")
        given = data.get("text")
        body = given if isinstance(given, str) else ""
        folder = item_dir(self.root, slug, item_id) if item_id else None

        def image(src: str, alt: str) -> dict[str, str] | None:
            if folder is None or resolve_inside(folder, src)[0] is None:
                return None
            return {"src": f"/api/file?s={quote(slug)}&i={quote(str(item_id))}"
                           f"&name={quote(src)}"}

        return {"html": bridge.markdown_html(body, image)}

    # ------------------------------------------------------------------ jobs
    def fit(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = check_name(data.get("s"))
        item_id = check_name(data.get("i"))
        item_dir(self.root, slug, item_id)

        def work(progress: Any) -> dict[str, Any]:
            result = self._checked()
            student = self._student_of(result, slug)
            done = bridge.fit(result.portfolio, student, item_id, self.output, progress)
            return {"files": [{
                "slot": d.slot, "action": d.action,
                "url": "/preview/" + (bridge.output_url(self.output, d.output) or "")
                if d.output else None, "size": d.size,
                "findings": [self._finding(f, "files") for f in d.findings]} for d in done],
                "item": self.item(slug, item_id)}

        return self.jobs.submit("fit", work).to_json()

    def preview(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = check_name(data.get("s"))
        item_id = check_name(data.get("i"))
        item_dir(self.root, slug, item_id)

        def work(_progress: Any) -> dict[str, Any]:
            failures = bridge.preview(self.root, self.output, self.lang, self.today)
            return {"url": "/preview/" + bridge.item_page(slug, item_id),
                    "failures": failures}

        return self.jobs.submit("preview", work).to_json()

    def job(self, job_id: Any) -> dict[str, Any]:
        job = self.jobs.get(job_id) if isinstance(job_id, str) else None
        if job is None:
            raise Refused(404, "edit-refused-missing")
        return job.to_json()

    def _job_failed(self, exc: BaseException) -> dict[str, Any]:
        if isinstance(exc, Refused):
            return {"message": self.t(exc.key, **exc.params)}
        if os.environ.get("PORTFOLIO_DEBUG"):
            import traceback

            traceback.print_exception(exc)
        return {"message": self.t("edit-job-failed", error=f"{type(exc).__name__}")}

    # ------------------------------------------------------------------ departments
    def _departments_file(self, slug: Any) -> tuple[Path, Loaded]:
        folder = student_dir(self.root, slug)
        path = folder / "departments.yaml"
        return path, self.store.load_yaml(path, str(slug), list)

    def departments(self, slug: Any) -> dict[str, Any]:
        result = self._checked()
        student = self._student_of(result, slug)
        _path, loaded = self._departments_file(slug)
        entries = loaded.data if isinstance(loaded.data, list) else []
        found = for_student(result.findings, student)
        items = [{"id": i.id, "title": i.title, "type": i.type, "code": i.code or "",
                  "submitted": i.submitted, "certified": i.certified,
                  "kind": forms.kind_label(self.rules, i.type, i.category, self.lang),
                  "selectable": i.submitted is not None and (i.type != "course"
                                                             or i.certified)}
                 for i in student.items]
        deps = []
        for n, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            parts, whole = forms.statement_parts(entry.get("statement"), self.rules)
            deps.append({"index": n, "code": _text(entry.get("code")),
                         "name": _text(entry.get("name")),
                         "courses": [_text(x) for x in _as_list(entry.get("courses"))],
                         "performances": [_text(x) for x in
                                          _as_list(entry.get("performances"))],
                         "wants": [_text(x).upper() for x in _as_list(entry.get("wants"))],
                         "parts": parts, "statement": whole if parts is None else "",
                         "reflection": _text(entry.get("reflection")),
                         "other": _text(entry.get("other")),
                         # not edited on the page, but counted in its live tally
                         "limits": _mapping(entry.get("limits")),
                         "uploads": _mapping(entry.get("uploads"))})
        states, shown = self._dep_states(student, deps)
        return {"student": student.slug, "student_name": student.name, "hash": loaded.hash,
                "editable": loaded.problem is None,
                "problem": self._finding(loaded.problem, "general") if loaded.problem
                else None, "schema": self.schema(self.rules_for(student)),
                "items": items, "departments": deps, "states": states,
                # What the department cards do not show already (a code that cannot be
                # a folder name, a picture on the web, personal data…), at the top.
                "findings": [self._finding(f, "general") for f in found
                             if f.file == "departments.yaml" and f not in shown]}

    def _dep_model(self, entry: dict[str, Any]) -> Department:
        statement: Any = entry.get("statement") or None
        if isinstance(entry.get("parts"), dict):
            statement = {k: v for k, v in entry["parts"].items() if isinstance(v, str)
                         and v.strip()} or None
        data = {"code": _text(entry.get("code")), "name": _text(entry.get("name")),
                "courses": _strings(entry.get("courses")),
                "performances": _strings(entry.get("performances")),
                "wants": _strings(entry.get("wants")), "statement": statement,
                "reflection": entry.get("reflection") or None,
                "other": entry.get("other") or None,
                "limits": {str(k): v for k, v in _mapping(entry.get("limits")).items()
                           if isinstance(v, int) and not isinstance(v, bool)},
                "uploads": {str(k): str(v) for k, v in _mapping(entry.get("uploads")).items()
                            if isinstance(v, str)}}
        try:
            return Department.model_validate(data)
        except ValidationError:
            # A code or a want the checks refuse: the counts are still worth showing.
            return Department.model_construct(**data)

    def _dep_states(self, student: Student, deps: list[dict[str, Any]]
                    ) -> tuple[list[dict[str, Any]], set[Finding]]:
        out = []
        shown: set[Finding] = set()
        for entry in deps:
            dep = self._dep_model(entry)
            state = department_state(student, dep, self.rules_for(student))
            shown.update(state.findings)
            spent = bridge.review_time(student, dep)
            out.append({"courses": state.courses, "performances": state.performances,
                        "wants": [{"code": c, "ok": ok} for c, ok in state.wants],
                        "reflection": state.reflection_chars,
                        "pages": spent[0] if spent else None,
                        "minutes": spent[1] if spent else None,
                        "findings": [self._finding(f, "departments") for f in state.findings]})
        return out, shown

    def draft_departments(self, data: dict[str, Any]) -> dict[str, Any]:
        result = self._checked()
        student = self._student_of(result, data.get("s"))
        deps = [d for d in data.get("departments") or [] if isinstance(d, dict)]
        return {"states": self._dep_states(student, deps)[0]}

    def save_departments(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = data.get("s")
        path, _loaded = self._departments_file(slug)
        given = [d for d in data.get("departments") or [] if isinstance(d, dict)]
        base = data.get("base") if isinstance(data.get("base"), str) else None

        def make(current: Loaded) -> str:
            entries = current.data if isinstance(current.data, list) else []
            changes: dict[tuple[str | int, ...], Any] = {}
            expected = [dict(e) if isinstance(e, dict) else e for e in entries]
            kept = {d.get("index") for d in given if isinstance(d.get("index"), int)}
            for n in range(len(entries)):
                if n not in kept:
                    changes[(n,)] = DELETE
            added = len(entries)
            for entry in given:
                index = entry.get("index")
                if isinstance(index, int) and 0 <= index < len(entries) and isinstance(
                        entries[index], dict):
                    for key, value in self._dep_changes(entries[index], entry).items():
                        changes[(index, key)] = value
                        if value is DELETE:
                            expected[index].pop(key, None)
                        else:
                            expected[index][key] = _plain(value)
                elif index is None:
                    fresh = self._dep_new(entry)
                    changes[(added,)] = fresh
                    expected.append(_plain(fresh))
                    added += 1
            expected = [e for n, e in enumerate(expected) if (n,) not in changes
                        or changes[(n,)] is not DELETE]
            return keeping_layout(current.text, lambda text: edit_yaml(
                text, changes, expected, forms.DEPARTMENT_ORDER))

        self.store.write(path, base, make, lambda: self._departments_file(slug)[1])
        return self.departments(slug)

    def _dep_values(self, entry: dict[str, Any], original: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": _text(entry.get("code")).strip() or None,
            "name": _text(entry.get("name")).strip() or None,
            "courses": FlowList(_strings(entry.get("courses"))) or None,
            "performances": _strings(entry.get("performances")) or None,
            "wants": FlowList(_strings(entry.get("wants"))) or None,
            "reflection": _block(entry.get("reflection")),
        }
        if "other" in entry:   # a page that does not send it leaves it as it is
            out["other"] = _block(entry.get("other"))
        parts = entry.get("parts")
        if isinstance(parts, dict):
            clean = {k: (_block(parts.get(k)) or "") for k in forms.STATEMENT_KEYS}
            if isinstance(original, str) and original.strip():
                out["statement"] = _block(forms.join_statement(clean, original) + "\n")
            else:
                out["statement"] = {k: v for k, v in clean.items() if v} or None
        else:
            out["statement"] = _block(entry.get("statement"))
        return out

    def _dep_changes(self, old: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
        new = self._dep_values(entry, old.get("statement"))
        changes: dict[str, Any] = {}
        for key, value in new.items():
            before = old.get(key)
            if isinstance(value, dict) or isinstance(before, dict):
                if not _same_parts(before, value):
                    changes[key] = DELETE if value is None else _as_written(before, value)
                continue
            if key == "statement" and isinstance(before, str) and isinstance(value, str) \
                    and before.strip("\n") == value.strip("\n"):
                continue
            if not forms.same(before, value):
                changes[key] = DELETE if value is None else value
        return changes

    def _dep_new(self, entry: dict[str, Any]) -> dict[str, Any]:
        values = self._dep_values(entry, None)
        return {k: values[k] for k in forms.DEPARTMENT_ORDER if values.get(k) is not None}

    # ------------------------------------------------------------------ student.yaml
    def profile(self, slug: Any) -> dict[str, Any]:
        folder = student_dir(self.root, slug)
        loaded = self.store.load_yaml(folder / "student.yaml", str(slug), dict)
        raw = loaded.data if isinstance(loaded.data, dict) else {}
        result = self._checked()
        student = self._student_of(result, slug)
        found = [f for f in for_student(result.findings, student)
                 if f.file == "student.yaml"]
        fields = self._profile_fields(raw)
        keys = {f.key for f in fields}
        return {"student": student.slug, "student_name": student.name, "hash": loaded.hash,
                "editable": loaded.problem is None,
                "problem": self._finding(loaded.problem, "general") if loaded.problem
                else None,
                "fields": [f.to_json() for f in fields],
                "findings": [self._finding(f, forms.place(f, keys, set())) for f in found]}

    def _profile_fields(self, raw: dict[str, Any]) -> list[forms.Field]:
        def label(key: str) -> str:
            return self.t(f"edit-field-{key.replace('_', '-')}")

        return [forms.Field("name", "text", label("name"), _text(raw.get("name")), True),
                forms.Field("student_id", "text", label("student_id"),
                            _text(raw.get("student_id")), True),
                forms.Field("school", "text", label("school"), _text(raw.get("school"))),
                forms.Field("enrolled", "number", label("enrolled"),
                            _text(raw.get("enrolled")), True,
                            hint=self.t("edit-hint-enrolled")),
                forms.Field("profile", "textarea", label("profile"),
                            _text(raw.get("profile")))]

    def save_profile(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = data.get("s")
        folder = student_dir(self.root, slug)
        path = folder / "student.yaml"
        values = _mapping(data.get("values"))
        base = data.get("base") if isinstance(data.get("base"), str) else None

        def make(current: Loaded) -> str:
            raw = current.data if isinstance(current.data, dict) else {}
            fields = self._profile_fields(raw)
            new = forms.front_values(fields, values)
            # A student number is text: 001 must stay 001, and so it is written quoted.
            changes: dict[tuple[str | int, ...], Any] = {
                (k,): (DELETE if v is None else _block(v) if k == "profile" else
                       str(v) if k == "student_id" else v)
                for k, v in new.items() if not forms.same(raw.get(k), v)}
            return keeping_layout(current.text, lambda text: edit_yaml(
                text, changes, forms.apply(raw, changes), forms.PROFILE_ORDER))

        self.store.write(path, base, make,
                         lambda: self.store.load_yaml(path, str(slug), dict))
        return self.profile(slug)

    def new_student(self, data: dict[str, Any]) -> dict[str, Any]:
        slug = data.get("slug")
        if not is_safe_name(slug):
            raise Refused(400, "edit-refused-name")
        folder = student_dir(self.root, slug, must_exist=False)
        values = _mapping(data.get("values"))
        fields = self._profile_fields({})
        info = {k: v for k, v in forms.front_values(fields, values).items() if v is not None}
        if "profile" in info:
            info["profile"] = _block(info["profile"])
        self.store.make_folder(folder)
        self.store.make_folder(folder / "items")
        path = folder / "student.yaml"
        self.store.write(path, None, lambda _c: edit_yaml("", {(k,): v for k, v in info.items()},
                                                          info, forms.PROFILE_ORDER),
                         lambda: self.store.load_yaml(path, str(slug), dict))
        return {"slug": slug}


# ------------------------------------------------------------------ helpers


@cache
def _template() -> str:
    return TEMPLATE.read_text("utf-8")


def _counts(found: list[Finding]) -> dict[str, int]:
    return {"errors": sum(f.severity == "error" for f in found),
            "warnings": sum(f.severity == "warning" for f in found)}


def _selections(student: Student) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for dep in student.departments:
        for item_id in [*dep.courses, *dep.performances]:
            out.setdefault(item_id, []).append(dep.code)
    return out


def _kind_rank(rules: Rules, category: str) -> int:
    order = ["course", *rules.categories]
    return order.index(category) if category in order else len(order)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [str(v).strip() for v in _as_list(value) if str(v).strip()]


def _normal(body: str) -> str:
    return body.replace("\r\n", "\n").strip("\n")


def _block(value: Any) -> str | None:
    """A long text as YAML should keep it: its own lines, ending with one newline."""
    if not isinstance(value, str) or not value.strip():
        return None
    # Spaces at the ends of lines would make YAML quote the whole text on one line.
    said = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n"))
    said = said.strip("\n")
    return said + "\n" if "\n" in said else said


def _same_parts(before: Any, value: Any) -> bool:
    """Whether 自述 parts as the form sends them say what the file says: a block text
    read back ends with a newline the form does not keep, and an empty part is none."""
    if not (isinstance(before, dict) and isinstance(value, dict)):
        return before == value
    old = {str(k): v for k, v in before.items() if forms.typed("textarea", v) is not None}
    return set(old) == set(value) and all(forms.same(old[k], value[k]) for k in value)


def _as_written(before: Any, value: Any) -> Any:
    """Changed parts keep the block style (`|`) the file gave each part."""
    if not (isinstance(before, dict) and isinstance(value, dict)):
        return value
    return {k: v + "\n" if isinstance(v, str) and not v.endswith("\n")
            and isinstance(before.get(k), str) and before[k].endswith("\n") else v
            for k, v in value.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

