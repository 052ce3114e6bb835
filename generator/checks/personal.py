"""Personal data that should not reach a reviewer: national ID numbers and locations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex

from generator.findings import Finding, make
from generator.i18n import said
from generator.model import Portfolio

# A letter, then 1/2 (citizens) or 8/9 (resident certificates), then 8 digits.
_ID = regex.compile(r"(?<![A-Za-z0-9])([A-Z])([1289]\d{8})(?![0-9])", regex.I)
# Letters map to two-digit numbers in an order that is not alphabetical (I, O, W, Z moved).
_LETTER_VALUES = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def is_national_id(text: str) -> bool:
    m = _ID.fullmatch(text.strip())
    if not m:
        return False
    n = _LETTER_VALUES[m.group(1).upper()]
    digits = [int(c) for c in m.group(2)]
    total = n // 10 + (n % 10) * 9 + sum(d * w for d, w in zip(digits[:8], range(8, 0, -1),
                                                               strict=True)) + digits[8]
    return total % 10 == 0


def national_ids(text: str) -> list[str]:
    return [m.group(0) for m in _ID.finditer(text) if is_national_id(m.group(0))]


def masked(value: str) -> str:
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


def check(portfolio: Portfolio) -> Iterator[Finding]:
    for student in portfolio.students:
        key = student.key
        if student.info and student.info.profile:
            yield from _ids_in(key, None, "student.yaml", student.info.profile,
                               said("personal-where-profile"))
        for dep in student.departments:
            yield from _ids_in(key, None, "departments.yaml", "\n".join(dep.texts()),
                               said("personal-where-department", name=dep.name))
        for item in student.items:
            fields = [item.title, item.summary or "", item.body,
                      *(str(v) for v in item.details.values())]
            yield from _ids_in(key, item.id, None, "\n".join(fields),
                               said("personal-where-item"))
            for name, info in item.files.items():
                if info.text:
                    yield from _ids_in(key, item.id, name, info.text,
                                       said("personal-where-file"))
                if info.has_location:
                    yield make("personal-data", key, item.id, name, kind="location",
                               what=said("personal-what-location"),
                               where=said("personal-where-metadata"))


def _ids_in(key: str, item: str | None, file: str | None, text: str,
            where: dict[str, str]) -> Iterable[Finding]:
    for value in dict.fromkeys(national_ids(text)):
        yield make("personal-data", key, item, file, kind="national-id",
                   what=said("personal-what-national-id", id=masked(value)), where=where)
