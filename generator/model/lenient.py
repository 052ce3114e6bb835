"""Validators that read terms and dates the way people write them (lenient reading), and
refuse anything else with an error kind the catalog says in the reader's language
(strict meaning): `reason-term` and `reason-date` show the expected form.

The forms themselves are generator/support/roc_calendar.py's (`Term.parse`, `read_date`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic_core import PydanticCustomError

from generator.support.roc_calendar import NotADate, NotATerm, Term, read_date


def term_code(value: Any) -> Any:
    """A term as its code (1131); None stays None."""
    if value is None:
        return None
    try:
        return Term.parse(value).code
    except NotATerm:
        raise PydanticCustomError("term", "not a term") from None


def loose_date(value: Any) -> dt.date | None:
    """A date from TOML, YAML or a person (2025-9-20, 2025/9/20, 114/9/20); None stays None."""
    if value is None:
        return None
    try:
        return read_date(value)
    except NotADate:
        raise PydanticCustomError("date", "not a date") from None
