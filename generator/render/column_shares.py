"""Each column's share of a printed table's width, estimated from its text.

WeasyPrint's automatic table layout measures every cell's narrowest width by trying a
line break at each opportunity, and Chinese has one after every character: the
checklists' tables took half a second a PDF that way. The printed tables are laid out
fixed instead, with these shares, which follow the same rule as automatic layout
(CSS 2.1 §17.5.2.2): each column its widest line when they all fit, else its narrowest
plus the rest shared by how much wider it would like to be. Widths are counted in ems:
a wide (CJK) character is one, any other about half.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

PAGE_EMS = 58.0    # an A4 page's text width (about 182 mm) in the checklists' table font (8.9 pt)
PADDING_EMS = 2.0  # a cell's padding and border, both sides, and a little room
SHORT_EMS = 6.0    # a cell this wide or less is not broken
_UNBROKEN = re.compile(r"[^\s\u3000-\u303f\uff00-\uffef\u2e80-\u9fff\uac00-\ud7af]+")


def _char_ems(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def line_ems(text: str) -> float:
    """The width of `text` on one line."""
    return sum(_char_ems(ch) for ch in text)


def narrowest_ems(text: str) -> float:
    """The width of `text` broken at every opportunity: its longest run of letters and
    digits, or one wide character. A short text (a subject, a kind, a date) is kept whole:
    「資訊科技」 broken as 「資訊科/技」 reads badly, and auto layout rarely does it."""
    if line_ems(text) <= SHORT_EMS:
        return line_ems(text)
    runs = [line_ems(run) for run in _UNBROKEN.findall(text)]
    wide = 1.0 if any(_char_ems(ch) == 1.0 for ch in text) else 0.0
    return max([wide, *runs])


def shares(header: Sequence[str], rows: Sequence[Sequence[str]],
           width: float = PAGE_EMS, whole_headings: bool = True) -> list[float]:
    """Each column's percentage of the table's width (they add up to 100). With
    `whole_headings`, a heading stays on one line (`white-space: nowrap`)."""
    widest = [line_ems(h) for h in header]
    narrowest = list(widest) if whole_headings else [narrowest_ems(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row[:len(header)]):
            widest[i] = max(widest[i], line_ems(cell))
            narrowest[i] = max(narrowest[i], narrowest_ems(cell))
    most = [w + PADDING_EMS for w in widest]
    least = [n + PADDING_EMS for n in narrowest]
    if sum(most) <= width:
        ems = most
    elif sum(least) >= width:
        ems = least
    else:
        room, wish = width - sum(least), sum(m - n for m, n in zip(most, least, strict=True))
        ems = [n + room * (m - n) / wish for m, n in zip(most, least, strict=True)]
    total = sum(ems)
    return [round(100 * e / total, 1) for e in ems]
