"""Turning pydantic's validation errors into findings a student can act on."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError

from generator.content.text_readers import ReadError
from generator.findings import Finding, make
from generator.i18n import excerpt, has_text, said, verbatim

# Why a value was refused, by pydantic error type, said for a 16-year-old (the words are
# the catalog's `value-*` texts).
_REASONS: dict[str, str] = {
    "bool_parsing": "value-bool", "bool_type": "value-bool",
    "int_parsing": "value-int", "int_type": "value-int", "int_from_float": "value-int",
    "float_parsing": "value-float", "float_type": "value-float",
    "date_parsing": "value-date", "date_from_datetime_parsing": "value-date",
    "date_type": "value-date",
    "string_type": "value-text",
    "list_type": "value-list",
    "dict_type": "value-mapping",
    "literal_error": "value-one-of",
    "missing": "value-required",
}


def reason(kind: str, ctx: dict[str, Any] | None, fallback: str) -> dict[str, str]:
    # A validator's own error kind (PydanticCustomError) is said by the catalog:
    # `reason-<kind>` in a [ui] table, with the error's context as its parameters.
    key = "reason-" + kind.replace("_", "-")
    if has_text(key):
        return said(key, **(ctx or {}))
    if kind in ("value_error", "assertion_error") and ctx and "error" in ctx:
        return verbatim(str(ctx["error"]))
    if kind not in _REASONS:
        return verbatim(fallback)
    return said(_REASONS[kind], expected=str((ctx or {}).get("expected", "")))


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
        return verbatim("")
    return said("did-you-mean-aside" if aside else "did-you-mean", name=close[0])


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
        params["why"] = said(f"yaml-{err.detail}", **err.params)
    return make(err.code, student, item, file, **params)


def read_reason(err: ReadError) -> str | dict[str, str]:
    """Why a file could not be read, as a clause for another message's {detail}."""
    if err.code in ("path-outside", "text-too-large"):
        return said(f"read-{err.code}", **err.params)
    if err.code == "yaml-too-complex":
        return said(f"yaml-{err.detail}", **err.params)
    return err.detail or err.code

