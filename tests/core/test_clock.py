"""support.clock: the one reading of SOURCE_DATE_EPOCH that PDFs, zips, the counselor's
pages and the default --today share."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from generator.export.bundle import zip_time
from generator.render.pdf.pdf_assembly import timestamp
from generator.support.clock import fixed_moment, source_date_epoch
from generator.support.roc_calendar import resolve_today

DAY = date(2025, 3, 14)


def test_the_epoch_fixes_every_stamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1700000000 ")
    moment = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert source_date_epoch() == moment == fixed_moment(DAY)
    assert timestamp(DAY) == "2023-11-14T22:13:20Z"
    assert zip_time(DAY) == (2023, 11, 14, 22, 13, 20)
    assert resolve_today(None) == date(2023, 11, 14)
    assert resolve_today(DAY) == DAY


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "99999999999999999999"])
def test_without_a_usable_epoch_the_day_is_used(value: str | None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date_epoch() is None
    assert fixed_moment(DAY) == datetime(2025, 3, 14, tzinfo=UTC)
    assert timestamp(DAY) == "2025-03-14T00:00:00Z"
    assert zip_time(date(1970, 1, 2)) == (1980, 1, 1, 0, 0, 0)  # zip cannot go earlier
