"""Reading a student's `receipts.yaml`: what they did at each 收訖明細確認.

The format is generator/model/receipts.py's. Lenient reading, strict meaning: a key
names its part and its term or year in any order and the usual ways of writing them
(`1132 修課紀錄`, `修課紀錄 113-2`, `113學年度 多元表現`, `1132年度 學習成果`); a
confirmation is `confirmed` (or 確認, 資料正確無誤, true) or a mapping with `extra`,
`missing`, `wrong` (資料有多 / 資料有少 / 資料有誤) and `rechecked`. Anything else is a
finding that shows the expected form, and that entry is left out; the rest still count.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.content.error_findings import did_you_mean, read_finding, reason
from generator.content.text_readers import ReadError, TextReader
from generator.findings import Finding, make
from generator.i18n import excerpt, listed, said
from generator.model.receipts import CONFIRMED_WORDS, Receipt, ReceiptReport
from generator.rules import Rules
from generator.support.roc_calendar import NotATerm, Term

FILE = "receipts.yaml"
_YEAR = re.compile(r"\d{2,3}")
_YEAR_WORDS = re.compile(r"(學年度|學年|年度)$")
_REPORT_FIELDS = ["extra", "missing", "wrong", "confirmed", "rechecked"]


def read_receipts(reader: TextReader, folder: Path, key: str,
                  rules: Rules) -> tuple[list[Receipt], list[Finding], bool]:
    """The confirmations in `folder`/receipts.yaml, the findings about it, and whether
    the file is there at all."""
    path = folder / FILE
    if not path.is_file():
        return [], [], False
    try:
        raw, problems = reader.read_yaml(path)
    except ReadError as err:
        return [], [read_finding(err, key, None, FILE)], True
    found = [read_finding(p, key, None, FILE) for p in problems]
    if raw is None:
        return [], found, True
    if not isinstance(raw, dict):
        return [], [*found, make("syntax-error", key, None, FILE, line=1,
                                 detail=said("receipts-not-mapping"))], True
    out: list[Receipt] = []
    seen: set[tuple[str, int]] = set()
    for written, value in raw.items():
        receipt, said_about = _entry(str(written), value, key, rules)
        found += said_about
        if receipt is None:
            continue
        if (receipt.part, receipt.period) in seen:
            found.append(make("field-invalid", key, None, FILE, field=str(written),
                              value=excerpt(written), reason=said("reason-receipt-twice")))
            continue
        seen.add((receipt.part, receipt.period))
        out.append(receipt)
    return out, found, True


def confirmation_of(written: str, rules: Rules) -> tuple[str, int] | str:
    """(part, term or year) a receipts.yaml key names, or the catalog key of why not."""
    plain = unicodedata.normalize("NFKC", written).strip()
    folded = plain.casefold()
    names = sorted(((name.casefold(), part) for part, spec in rules.receipts.parts.items()
                    for name in (part, spec.zh, spec.en)), key=lambda n: -len(n[0]))
    found = next(((name, part) for name, part in names if name in folded), None)
    if found is None:
        return "reason-receipt-part"
    name, part = found
    at = folded.find(name)
    rest = (plain[:at] + " " + plain[at + len(name):]).strip(" :：-–—_/　")
    rest = _YEAR_WORDS.sub("", rest).strip()
    per = rules.receipts.parts[part].per
    # Three digits alone are a year (113), never a term of year 11.
    if _YEAR.fullmatch(rest):
        return (part, int(rest)) if per == "year" else "reason-receipt-term-needed"
    try:
        term = Term.parse(rest)
    except NotATerm:
        return "reason-receipt-period"
    return part, term.code if per == "term" else term.year


def _entry(written: str, value: Any, key: str,
           rules: Rules) -> tuple[Receipt | None, list[Finding]]:
    named = confirmation_of(written, rules)
    if isinstance(named, str):
        parts = listed(spec.zh for spec in rules.receipts.parts.values())
        return None, [make("field-invalid", key, None, FILE, field=written,
                           value=excerpt(written), reason=said(named, parts=parts))]
    part, period = named
    base = {"part": part, "period": period, "key": written}
    if value is True or (isinstance(value, str) and _word(value) in CONFIRMED_WORDS):
        return Receipt(verdict="confirmed", **base), []
    if not isinstance(value, dict):
        return None, [_invalid(key, written, value, "reason-receipt-value")]
    try:
        report = ReceiptReport.model_validate({str(k): v for k, v in value.items()})
    except ValidationError as exc:
        return None, list(_report_problems(exc, key, written))
    if report.reported and report.confirmed:
        return None, [_invalid(key, written, value, "reason-receipt-both")]
    if not report.reported and not report.confirmed:
        return None, [_invalid(key, written, value, "reason-receipt-value")]
    if report.confirmed:
        return Receipt(verdict="confirmed", **base), []
    return Receipt(verdict="reported", extra=report.extra, missing=report.missing,
                   wrong=report.wrong, rechecked=report.rechecked, **base), []


def _word(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def _invalid(key: str, written: str, value: Any, why: str) -> Finding:
    return make("field-invalid", key, None, FILE, field=written, value=excerpt(value, 40),
                reason=said(why))


def _report_problems(exc: ValidationError, key: str, written: str) -> list[Finding]:
    out: list[Finding] = []
    for err in exc.errors():
        loc = err.get("loc", ())
        name = f"{written}.{loc[0]}" if loc else written
        if err["type"] == "extra_forbidden":
            out.append(make("field-unknown", key, None, FILE, field=name,
                            suggestion=did_you_mean(str(loc[0]) if loc else "",
                                                    _REPORT_FIELDS)))
        else:
            out.append(make("field-invalid", key, None, FILE, field=name,
                            value=excerpt(err.get("input"), 40),
                            reason=reason(err["type"], err.get("ctx"), err.get("msg", ""))))
    return out
