"""Printed tables' column shares, estimated from their text (render/column_shares.py)."""

from __future__ import annotations

import pytest

from generator.render import column_shares as cs


def test_widths_are_counted_as_the_page_draws_them() -> None:
    assert cs.line_ems("物理") == 2.0
    assert cs.line_ems("report.pdf") == pytest.approx(5.5)
    # Chinese breaks after any character; a Latin word only at its end.
    long_cjk = "我把成果整理成簡報向全班說明" * 3
    assert cs.narrowest_ems(long_cjk) == 1.0
    assert cs.narrowest_ems("see https://example.org/a/long/path " + "字" * 10) == \
        pytest.approx(cs.line_ems("https://example.org/a/long/path"))
    # A short cell is kept whole: 「資訊科技」, not 「資訊科/技」.
    assert cs.narrowest_ems("資訊科技") == 4.0


def test_columns_that_fit_get_their_widest_line() -> None:
    shares = cs.shares(["A", "BB"], [["x", "物理"]], width=100)
    most = [cs.line_ems("A") + cs.PADDING_EMS, cs.line_ems("物理") + cs.PADDING_EMS]
    assert shares == [round(100 * m / sum(most), 1) for m in most]


def test_a_long_column_gives_way_and_short_ones_stay_whole() -> None:
    header = ["學期", "科目名稱", "成果類型", "成果名稱", "內容簡述", "檔案", "核對"]
    rows = [["1131", "資訊科技", "書面報告", "物理課程學習成果：主題探究 1", "我" * 100,
             "report.pdf", "☐"]]
    shares = cs.shares(header, rows)
    assert sum(shares) == pytest.approx(100, abs=0.3)
    assert max(shares) == shares[4]          # the 簡述 takes what is left
    page, rounding = cs.PAGE_EMS, 0.05       # shares are rounded to 0.1 %
    for i, cell in ((1, "資訊科技"), (2, "書面報告"), (5, "report.pdf")):
        assert shares[i] / 100 * page >= cs.line_ems(cell) + cs.PADDING_EMS - rounding, cell
    for i, heading in enumerate(header):     # headings print on one line
        assert shares[i] / 100 * page >= cs.line_ems(heading) + cs.PADDING_EMS - rounding


def test_headings_may_wrap_where_the_page_lets_them() -> None:
    header = ["勾選", "勾選進中央資料庫"]
    rows = [["☐", "113 學年度"], ["☐", "114 學年度"]]
    kept = cs.shares(header, rows, width=12)
    wrapped = cs.shares(header, rows, width=12, whole_headings=False)
    assert wrapped[1] < kept[1]


def test_columns_wider_than_the_page_share_it_by_their_narrowest() -> None:
    header = ["一二三四五", "六七八九十"]
    assert cs.shares(header, [], width=4) == [50.0, 50.0]
