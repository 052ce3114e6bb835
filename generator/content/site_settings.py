"""Reading `portfolio.toml` into its one schema (generator/model/site_settings.py).

Nothing wrong in the file stops the rest of it from counting:

- a key the schema does not know, at the top or in any table, is `field-unknown`
  (a warning) naming the table and the key, with a did-you-mean;
- a bad value is `field-invalid` with a reason in both languages, and the option keeps
  its default; a number out of its range is brought to the nearest end and said so;
- a `[deadlines]` window that cannot be read is `deadline-invalid` (the counselor's code:
  the dashboard lists it) and is left out, the other windows still count;
- the rules overrides (`[files]`, `[summary]`, `[limits]`, `[links]`) are validated by
  the rules' own model, key by key: a bad one is reported and the official value kept.

Each finding names the line of its key, found by scanning the text (tomllib gives no
positions: generator/content/toml_text.py).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.content.error_findings import did_you_mean, read_finding, reason
from generator.content.text_readers import ReadError, TextReader, parse_toml
from generator.content.toml_text import KeyLines
from generator.findings import Finding, make
from generator.i18n import LANGS, excerpt, text
from generator.model.site_settings import (
    DeadlineSettings,
    DeadlineWindow,
    LinkCheckSettings,
    SiteSettings,
)
from generator.rules import OVERRIDABLE, Rules, load_rules, official_data

FILE = "portfolio.toml"
DEADLINES = "deadlines"
# Each round fixes every problem pydantic reported; a second round catches what the
# first one's fixes uncover. More is a file built to make us loop: defaults are used.
_ROUNDS = 8
MAX_TOLD = 50  # problems of one code looked into and told; the rest are counted
_DROP = object()  # a fix that removes the key, so the option takes its default

T = TypeVar("T")
Loc = tuple[str | int, ...]
Fix = tuple[Loc, Any]  # (where, new value or _DROP)


def read_site_settings(root: Path) -> tuple[SiteSettings, Rules, list[Finding]]:
    """The settings and rules of the content root `root`, and what is wrong in them."""
    path = root / FILE
    if not path.is_file():
        return SiteSettings(), load_rules(), []
    # The file that may raise the cap is read under the official one.
    official = load_rules().files
    try:
        written = TextReader(root, official.text_max_bytes, official.megabyte).read_text(path)
        data = parse_toml(written)
    except ReadError as err:
        return SiteSettings(), load_rules(), [read_finding(err, None, None, FILE)]
    return settings_from(data, written)


def settings_from(data: dict[str, Any],
                  written: str = "") -> tuple[SiteSettings, Rules, list[Finding]]:
    """The settings and rules from parsed portfolio.toml `data` (`written` is its text,
    for the lines findings name)."""
    lines, told = KeyLines(written), _Told()
    settings = _settle(SiteSettings.model_validate, data,
                       lambda err, now, tell: _judge_setting(err, now, lines, tell), told)
    rules, applied = _settle_rules(settings.rule_overrides(), lines, told)
    settings = settings.model_copy(update={s: applied.get(s, {}) for s in OVERRIDABLE})
    return settings, rules, told.findings()


def read_link_check(table: object) -> tuple[LinkCheckSettings, list[Finding]]:
    """A `[link_check]` table on its own, read as portfolio.toml's would be."""
    data = {} if table is None else {"link_check": table}
    lines, told = KeyLines(""), _Told()
    settings = _settle(SiteSettings.model_validate, data,
                       lambda err, now, tell: _judge_setting(err, now, lines, tell), told)
    return settings.link_check, told.findings()


# --- settling: validate, fix what was reported, validate again ------------------------------

class _Told:
    """The findings about portfolio.toml: each once, and of each code only the first
    `MAX_TOLD` problems are looked into.

    A file of a megabyte can hold 100,000 typos; telling each would cost minutes and
    help no one. The rest of a code are counted (`findings-more`), never told one by one,
    and at least one of every code is told, so the exit code is what it would be."""

    def __init__(self) -> None:
        self._told: dict[tuple[str, str], Finding] = {}
        self._judged: Counter[str] = Counter()
        self._untold: Counter[str] = Counter()

    def wants(self, code: str) -> bool:
        return self._judged[code] < MAX_TOLD

    def add(self, code: str, finding: Finding | None) -> None:
        if finding is None:
            self._untold[code] += 1
            return
        self._judged[code] += 1
        # the same problem met again (a second round, a list of the same mistake): once
        self._told.setdefault((code, json.dumps(finding.params, sort_keys=True, default=str)),
                              finding)

    def findings(self) -> list[Finding]:
        return [*self._told.values(), *(make("findings-more", None, None, FILE, code=code,
                                             count=count)
                                        for code, count in self._untold.items())]


# (error, the data as it stands, whether to tell it) → (finding, how to fix the data)
Judge = Callable[[ErrorDetails, dict[str, Any], bool], tuple["Finding | None", "Fix | None"]]


def _settle(validate: Callable[[dict[str, Any]], T], data: dict[str, Any], judge: Judge,
            told: _Told) -> T:
    """`validate(data)`, with each problem it reports told and fixed (left out, or brought
    within range) until the rest is valid; on a file built to never settle, `validate({})`."""
    for _ in range(_ROUNDS):
        try:
            return validate(data)
        except ValidationError as exc:
            fixes: list[Fix] = []
            for err in exc.errors(include_url=False):
                code = _code_of(err)
                finding, fix = judge(err, data, told.wants(code))
                told.add(code, finding)
                if fix is not None:
                    fixes.append(fix)
            if not fixes:
                break
            data = _apply(data, fixes)
    return validate({})


def _settle_rules(overrides: dict[str, dict[str, Any]], lines: KeyLines,
                  told: _Told) -> tuple[Rules, dict[str, dict[str, Any]]]:
    """The official rules with what is right of the overrides laid over them, and the
    overrides applied; what is wrong with the others is told (their official value holds)."""
    applied: dict[str, dict[str, Any]] = {}

    def judge(err: ErrorDetails, now: dict[str, Any],
              tell: bool) -> tuple[Finding | None, Fix | None]:
        loc = tuple(err["loc"])
        finding, fix = _judge(err, lines, _rules_known, _rules_default, tell)
        if len(loc) < 2 or loc[0] not in now:
            return finding, None  # not an override's doing: cannot be fixed here
        # A key whose value is wrong somewhere inside goes whole: the official value holds.
        return finding, (loc[:2], fix[1] if fix and len(loc) == 2 else _DROP)

    def validate(now: dict[str, Any]) -> Rules:
        rules = load_rules(now)
        applied.update(now)
        return rules

    return _settle(validate, overrides, judge, told), applied


def _code_of(err: ErrorDetails) -> str:
    """The code the error will be told with (known before the work of telling it)."""
    loc = err["loc"]
    if loc and loc[0] == DEADLINES:
        return "deadline-invalid"
    return "field-unknown" if err["type"] == "extra_forbidden" else "field-invalid"


def _judge_setting(err: ErrorDetails, data: dict[str, Any], lines: KeyLines,
                   tell: bool) -> tuple[Finding | None, Fix | None]:
    loc: Loc = tuple(err["loc"])
    if loc and loc[0] == DEADLINES:
        return _deadline_problem(err, loc, data, lines, tell)
    return _judge(err, lines, _schema_known, _schema_default, tell)


def _judge(err: ErrorDetails, lines: KeyLines, known: Callable[[Loc], list[str]],
           default: Callable[[Loc], Any], tell: bool) -> tuple[Finding | None, Fix | None]:
    """The finding for one validation error (when `tell`), and how to fix the data so the
    rest counts."""
    loc: Loc = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    bound = None if kind == "extra_forbidden" else _bound(kind, err.get("ctx"), value)
    fix: Fix | None = (loc, bound[0] if bound else _DROP) if loc else None
    if not tell:
        return None, fix
    where = _where(lines, loc)
    name = ".".join(str(part) for part in loc) or "?"
    if kind == "extra_forbidden":
        return make("field-unknown", None, None, FILE, field=name,
                    suggestion=did_you_mean(str(loc[-1]), known(loc[:-1])), **where), fix
    if bound is not None:
        limit, key = bound
        why = {lang: text(key, lang, limit=_number(limit)) for lang in LANGS}
    elif kind in ("model_type", "dict_type"):
        why = {lang: text("reason-toml-table", lang, table=name) for lang in LANGS}
    elif isinstance(value, float) and math.isnan(value):
        why = reason("float_type", None, "")
    else:
        why = reason(kind, err.get("ctx"), err.get("msg", ""))
    fallback = default(loc) if loc and bound is None else None
    if fallback is not None and not isinstance(fallback, dict | list | tuple | BaseModel):
        why = {lang: why[lang] + text("reason-default-used", lang, default=_number(fallback))
               for lang in LANGS}
    return make("field-invalid", None, None, FILE, field=name, value=excerpt(value, 40),
                reason=why, **where), fix


def _bound(kind: str, ctx: dict[str, Any] | None, value: Any) -> tuple[Any, str] | None:
    """(the nearest end, its reason) for a number out of its range; None otherwise (NaN
    has no nearest end: it takes the default)."""
    if not ctx or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind == "greater_than_equal":
        return ctx["ge"], "reason-at-least"
    if kind == "less_than_equal":
        return ctx["le"], "reason-at-most"
    return None


def _number(value: Any) -> Any:
    """A value as a message says it: 1.0 as 1, true as true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _where(lines: KeyLines, loc: Sequence[str | int]) -> dict[str, Any]:
    line = lines.line(loc) if loc else None
    return {"line": line} if line else {}


# --- [deadlines] ----------------------------------------------------------------------------

_WINDOW_FIELDS = list(DeadlineWindow.model_fields)


def _deadline_names() -> dict[str, str]:
    """Every name a kind of window may be written as, with its kind."""
    names: dict[str, str] = {}
    for kind, info in DeadlineSettings.model_fields.items():
        alias = info.validation_alias
        for name in getattr(alias, "choices", None) or [kind]:
            names[str(name)] = kind
    return names


def _deadline_problem(err: ErrorDetails, loc: Loc, data: dict[str, Any], lines: KeyLines,
                      tell: bool) -> tuple[Finding | None, Fix]:
    key = str(loc[1]) if len(loc) > 1 else DEADLINES
    if len(loc) <= 2:  # `deadlines = …` that is not a table, or a kind that is not one
        fix: Fix = (loc, _DROP)
    else:
        # The whole window goes: one with a typo in `start` would otherwise be open forever.
        table = data.get(DEADLINES)
        windows = table.get(key) if isinstance(table, dict) else None
        fix = (loc[:3] if isinstance(windows, list) else loc[:2], _DROP)
    if not tell:
        return None, fix
    if len(loc) == 1:
        return _deadline_invalid(DEADLINES, "reason-deadline-table", lines, loc), fix
    if len(loc) == 2:
        names = _deadline_names()
        if key in names:  # e.g. both `certify` and `認證`: pydantic takes one
            return _deadline_invalid(key, "reason-deadline-twice", lines, loc), fix
        hint = did_you_mean(key, list(names), aside=True)
        return _deadline_invalid(key, "reason-deadline-kind", lines, loc, suggestion=hint), fix
    kind, field = err["type"], (str(loc[3]) if len(loc) > 3 else None)
    params: dict[str, Any] = {}
    if kind == "deadline_order":
        why = "reason-deadline-order"
    elif kind == "extra_forbidden" and field is not None:
        why = "reason-deadline-field"
        params = {"field": field,
                  "suggestion": did_you_mean(field, _WINDOW_FIELDS, aside=True)}
    elif field == "year":
        why = "reason-deadline-year"
    elif field == "term":
        why = "reason-deadline-term"
    elif field in ("start_time", "end_time"):
        why = "reason-deadline-time"
    else:
        why = "reason-deadline-date"
    return _deadline_invalid(key, why, lines, loc[:3], **params), fix


def _deadline_invalid(key: str, why: str, lines: KeyLines, loc: Loc,
                      **params: Any) -> Finding:
    said = {lang: text(why, lang, **{k: (v[lang] if isinstance(v, dict) else v)
                                     for k, v in params.items()}) for lang in LANGS}
    return make("deadline-invalid", None, None, FILE, key=key, reason=said,
                **_where(lines, loc))


# --- what each table knows, and its defaults ------------------------------------------------

def _model_at(model: type[BaseModel], path: Loc) -> type[BaseModel] | None:
    """The model of the table at `path` inside `model` (None past the schema's tables)."""
    for part in path:
        info = model.model_fields.get(str(part))
        if info is None:
            # a key written under another accepted name (`per-host`, `認證`)
            info = next((i for i in model.model_fields.values()
                         if str(part) in getattr(i.validation_alias, "choices", ())), None)
        annotation = getattr(info, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _schema_known(table: Loc) -> list[str]:
    model = _model_at(SiteSettings, table)
    return list(model.model_fields) if model else []


def _schema_default(loc: Loc) -> Any:
    model = _model_at(SiteSettings, loc[:-1])
    info = model.model_fields.get(str(loc[-1])) if model else None
    if info is None and model is not None:
        info = next((i for i in model.model_fields.values()
                     if str(loc[-1]) in getattr(i.validation_alias, "choices", ())), None)
    return None if info is None or info.is_required() else info.get_default(
        call_default_factory=True)


def _rules_known(table: Loc) -> list[str]:
    model = _model_at(Rules, table)
    return list(model.model_fields) if model else []


def _rules_default(loc: Loc) -> Any:
    if len(loc) != 2:
        return None
    return official_data().get(str(loc[0]), {}).get(str(loc[1]))


# --- fixing the data, copying only what changes ---------------------------------------------

def _apply(node: Any, fixes: list[Fix]) -> Any:
    """`node` with every fix made: each (path, value) sets the value there, or removes the
    key or list entry for `_DROP`. Only the containers on a fix's path are copied."""
    here: dict[str | int, list[Fix]] = {}
    for path, value in fixes:
        if path:
            here.setdefault(path[0], []).append((path[1:], value))
    if isinstance(node, dict):
        out = dict(node)
        for head, subs in here.items():
            if head not in out:
                continue
            ending = [value for rest, value in subs if not rest]
            if ending and ending[0] is _DROP:
                del out[head]
            elif ending:
                out[head] = ending[0]
            else:
                out[head] = _apply(out[head], subs)
        return out
    if isinstance(node, list):
        items = list(node)
        gone: set[int] = set()
        for head, subs in here.items():
            if not isinstance(head, int) or not 0 <= head < len(items):
                continue
            ending = [value for rest, value in subs if not rest]
            if ending and ending[0] is _DROP:
                gone.add(head)
            elif ending:
                items[head] = ending[0]
            else:
                items[head] = _apply(items[head], subs)
        return [v for i, v in enumerate(items) if i not in gone]
    return node
