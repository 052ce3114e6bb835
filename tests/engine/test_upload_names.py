"""Upload file names (engine/output_paths.py `upload_stem`): `<term>-<subject or
category>-<title>`, distinct within a student, safe on every disk, the same in every
language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.engine import output_paths as paths
from generator.model import Item
from generator.rules import path_rules


def course(item_id: str, **fields: Any) -> Item:
    base = {"title": "光的折射實驗報告", "subject": "物理", "term": 1132}
    return Item(id=item_id, student="ming", path=Path("."), type="course",
                **{**base, **fields})


def performance(item_id: str, **fields: Any) -> Item:
    base = {"title": "臺北市科展佳作", "category": "competition", "date": dt.date(2026, 3, 10)}
    return Item(id=item_id, student="ming", path=Path("."), type="performance",
                **{**base, **fields})


def stems(*items: Item) -> dict[str, str]:
    return {i.id: paths.upload_stem(items, i.id) for i in items}


def test_term_subject_or_category_and_title() -> None:
    got = stems(course("optics"), performance("fair"),
                performance("club", category="group", date=None, submitted=114, title="社團"),
                performance("undated", category="other", date=None, title="其他"))
    assert got == {"optics": "1132-物理-光的折射實驗報告",
                   "fair": "1142-競賽參與-臺北市科展佳作",     # the date's term
                   "club": "114-團體活動-社團",                # only the year it was ticked
                   "undated": "其他表現-其他"}
    assert paths.upload_copy("ming", [course("optics")], "optics", ".pdf") == \
        "ming/upload/optics/1132-物理-光的折射實驗報告.pdf"


def test_a_collision_gets_2_then_3_by_id_whatever_the_order() -> None:
    items = [course("c"), course("a"), course("b", title="光的折射實驗報告".upper()),
             course("d", title="Report"), course("e", title="REPORT")]
    want = {"a": "1132-物理-光的折射實驗報告", "b": "1132-物理-光的折射實驗報告-2",
            "c": "1132-物理-光的折射實驗報告-3", "d": "1132-物理-Report",
            "e": "1132-物理-REPORT-2"}    # case aside: Windows and macOS would merge them
    assert stems(*items) == want
    assert stems(*reversed(items)) == want
    # A title that already ends like a suffix still gives distinct names.
    got = stems(course("x", title="報告-2"), course("y", title="報告"), course("z", title="報告"))
    assert len({s.casefold() for s in got.values()}) == 3


def test_a_long_title_is_cut_within_the_name_limit() -> None:
    long = "很長的標題" * 40
    got = stems(course("one", title=long), course("two", title=long + "之二"))
    limit = path_rules().name_max_bytes
    for stem in got.values():
        name = stem + ".mp4"
        assert len(name.encode("utf-8")) <= limit
        assert paths.segment(name) == name            # kept as it is, not hashed
        assert stem.startswith("1132-物理-很長的標題")
    assert got["one"] != got["two"] and got["two"] == got["one"] + "-2"


def test_unsafe_characters_never_reach_the_disk() -> None:
    nasty = ' ..a/b\\c:d*e?f"g<h>i|j~k\nl\tm. '
    got = stems(course("n", title=nasty, subject="物/理"))["n"]
    assert got == "1132-物_理-a_b_c_d_e_f_g_h_i_j_k l m"
    name = got + ".pdf"
    assert paths.segment(name) == name
    assert paths.upload_file("ming", "n", name) == f"ming/upload/n/{name}"
    # Nothing left but unsafe characters: the item id stands in for the title.
    assert stems(course("lab", title="///"))["lab"] == "1132-物理-___"
    assert stems(course("lab", title=" . "))["lab"] == "1132-物理-lab"
    # A name Windows keeps for a device (a performance with no date, year or category).
    assert stems(performance("p", title="con", category=None, date=None))["p"] == "_con"


def test_the_slot_of_a_file_in_an_upload_folder() -> None:
    assert paths.upload_slot("1132-物理-報告.pdf") == "document"
    assert paths.upload_slot("x.PNG") == "document"
    assert paths.upload_slot("x.mp3") == "media"
    assert paths.upload_slot(".x.mp4") is None
    assert paths.upload_slot("notes.txt") is None
    assert paths.upload_slot("README") is None
