"""Small pieces with many cases: counting, ID checksums, sniffing, terms."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.checks.personal import is_national_id, national_ids
from generator.content.sniff import sniff_bytes
from generator.support.characters import count_chars, count_prose_chars
from generator.support.roc_calendar import Term, academic_year, term_of


@pytest.mark.parametrize("text,n", [
    ("光的折射", 4), ("Hello", 5), ("，。！", 3), ("👨‍👩‍👧", 1), ("🇹🇼", 1),
    ("e\u0301", 1), ("  前後空白  ", 4), ("a b", 3),
])
def test_count_chars(text, n):
    assert count_chars(text) == n


def test_prose_count_ignores_images_and_line_breaks():
    assert count_prose_chars("第一行\n第二行\n![圖](a.jpg)") == 6


@pytest.mark.parametrize("value,ok", [
    ("A123456789", True), ("F131104093", True), ("A123456788", False),
    ("a123456789", True), ("A323456789", False), ("A800000014", True),
])
def test_national_id_checksum(value, ok):
    assert is_national_id(value) is ok


def test_national_ids_in_running_text():
    assert national_ids("學號11301234，證號A123456789。編號XA123456789Y") == ["A123456789"]


@pytest.mark.parametrize("head,kind", [
    (b"%PDF-1.7\n", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff\xe0", "jpg"),
    (b"\x00\x00\x00\x20ftypisom", "mp4"), (b"\x00\x00\x00\x14ftypqt  ", "mov"),
    (b"ID3\x04", "mp3"), (b"\xff\xfb\x90\x00", "mp3"), (b"RIFF\x00\x00\x00\x00WAVE", "wav"),
    (b"hello", None),
])
def test_sniff(head, kind):
    assert sniff_bytes(head) == kind


def test_terms():
    assert Term.parse("1131").start() == dt.date(2024, 8, 1)
    assert term_of(dt.date(2025, 1, 31)) == 1131 and term_of(dt.date(2025, 2, 1)) == 1132
    assert academic_year(dt.date(2025, 7, 31)) == 113 and academic_year(dt.date(2025, 8, 1)) == 114
    with pytest.raises(ValueError):
        Term.parse("1133")
