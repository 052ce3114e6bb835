"""Turning pydantic's validation errors into findings a student can act on."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError

from generator.content.text_readers import ReadError
from generator.findings import Finding, make
from generator.i18n import LANGS, catalog, excerpt, text

# Why a value was refused, by pydantic error type, said for a 16-year-old.
_REASONS: dict[str, dict[str, str]] = {
    "bool_parsing": {"zh-TW": "要寫 true 或 false", "en": "write true or false"},
    "bool_type": {"zh-TW": "要寫 true 或 false", "en": "write true or false"},
    "int_parsing": {"zh-TW": "要是整數", "en": "must be a whole number"},
    "int_type": {"zh-TW": "要是整數", "en": "must be a whole number"},
    "int_from_float": {"zh-TW": "要是整數", "en": "must be a whole number"},
    "float_parsing": {"zh-TW": "要是數字", "en": "must be a number"},
    "float_type": {"zh-TW": "要是數字", "en": "must be a number"},
    "date_parsing": {"zh-TW": "日期要寫成 2024-11-02 這樣", "en": "write dates like 2024-11-02"},
    "date_from_datetime_parsing": {"zh-TW": "日期要寫成 2024-11-02 這樣",
                                   "en": "write dates like 2024-11-02"},
    "date_type": {"zh-TW": "日期要寫成 2024-11-02 這樣", "en": "write dates like 2024-11-02"},
    "string_type": {"zh-TW": "要是一段文字", "en": "must be text"},
    "list_type": {"zh-TW": "要是清單（[a, b] 或每行一個 - a）",
                  "en": "must be a list ([a, b] or one `- a` per line)"},
    "dict_type": {"zh-TW": "要是「名稱: 值」的設定", "en": "must be `name: value` settings"},
    "literal_error": {"zh-TW": "只能是 {expected}", "en": "must be one of {expected}"},
    "missing": {"zh-TW": "必填", "en": "required"},
}


def reason(kind: str, ctx: dict[str, Any] | None, fallback: str) -> dict[str, str]:
    # A validator's own error kind (PydanticCustomError) is said by the catalog:
    # `reason-<kind>` in a [ui] table, with the error's context as its parameters.
    key = "reason-" + kind.replace("_", "-")
    if key in catalog().get("ui", {}):
        return {lang: text(key, lang, **(ctx or {})) for lang in LANGS}
    if kind in ("value_error", "assertion_error") and ctx and "error" in ctx:
        said = str(ctx["error"])
        return {"zh-TW": said, "en": said}
    template = _REASONS.get(kind)
    if template is None:
        return {"zh-TW": fallback, "en": fallback}
    expected = str((ctx or {}).get("expected", ""))
    return {lang: t.format(expected=expected) for lang, t in template.items()}


def field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "?"


def findings_from(exc: ValidationError, known: list[str], *, student: str | None,
                  item: str | None, file: str | None,
                  where: dict[str, Any] | None = None) -> tuple[list[Finding], set[str]]:
    """Findings for every error, and the top-level fields to drop before trying again."""
    findings: list[Finding] = []
    bad: set[str] = set()
    extra = where or {}
    for err in exc.errors():
        loc = err.get("loc", ())
        name = field_name(loc)
        if loc:
            bad.add(str(loc[0]))
        kind = err.get("type", "")
        if kind == "extra_forbidden":
            findings.append(make("field-unknown", student, item, file, field=name,
                                 suggestion=did_you_mean(str(loc[0]), known), **extra))
        elif kind == "missing":
            findings.append(make("field-missing", student, item, file, field=name, **extra))
        else:
            value = err.get("input")
            findings.append(make("field-invalid", student, item, file, field=name,
                                 value=_short(value),
                                 reason=reason(kind, err.get("ctx"), err.get("msg", "")),
                                 **extra))
    return findings, bad


def did_you_mean(name: str, known: list[str], *, aside: bool = False) -> dict[str, str]:
    """"Did you mean …?" with the known name closest to `name`, in every language, or
    nothing when none is close (a typo, not another word). `aside`: as a parenthesis
    inside another sentence rather than a sentence of its own."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        return {lang: "" for lang in LANGS}
    key = "did-you-mean-aside" if aside else "did-you-mean"
    return {lang: text(key, lang, name=close[0]) for lang in LANGS}


def _short(value: Any) -> str:
    # Never str() the value whole: it may be a structure of millions of values.
    return excerpt(value, 40)


# Codes a reader gave before this file had findings of its own: their messages always
# name a line, the first when the reader could not tell.
_LINED = ("syntax-error", "encoding-invalid", "front-matter-missing")


def read_finding(err: ReadError, student: str | None, item: str | None,
                 file: str | None) -> Finding:
    """The finding for a file a reader could not use (or used with a problem)."""
    params: dict[str, Any] = {"detail": err.detail, **err.params}
    if err.line is not None or err.code in _LINED:
        params["line"] = err.line or 1
    if err.code == "yaml-too-complex":
        params["why"] = _said(f"yaml-{err.detail}", err.params)
    return make(err.code, student, item, file, **params)


def read_reason(err: ReadError) -> str | dict[str, str]:
    """Why a file could not be read, as a clause for another message's {detail}."""
    if err.code in ("path-outside", "text-too-large"):
        return _said(f"read-{err.code}", err.params)
    if err.code == "yaml-too-complex":
        return _said(f"yaml-{err.detail}", err.params)
    return err.detail or err.code


def _said(key: str, params: dict[str, Any]) -> dict[str, str]:
    return {lang: text(key, lang, **params) for lang in LANGS}
