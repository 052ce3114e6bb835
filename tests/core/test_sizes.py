"""generator.rules.format_size: every size a person reads, in the rules' megabyte."""

from __future__ import annotations

import pytest

from generator.rules import format_size, load_rules

MB = load_rules().files.megabyte


@pytest.mark.parametrize(("size", "bare", "trimmed", "shown"), [
    (0, "0.0", "0", "1 KB"),
    (999, "0.0", "0", "1 KB"),
    (99_999, "0.1", "0.1", "99 KB"),
    (100_000, "0.1", "0.1", "0.1 MB"),
    (1_000_000, "1.0", "1", "1.0 MB"),
    (4_000_000, "4.0", "4", "4.0 MB"),
    (52_428_800, "52.4", "52.4", "52.4 MB"),
])
def test_sizes_as_the_rules_count_them(size: int, bare: str, trimmed: str, shown: str) -> None:
    assert MB == 1_000_000  # official.toml: the smaller megabyte, never refused upstream
    assert format_size(size, MB) == bare == load_rules().files.format_size(size)
    assert format_size(size, MB, trim=True) == trimmed
    assert format_size(size, MB, unit=True) == shown


def test_a_school_megabyte_is_used_everywhere() -> None:
    files = load_rules({"files": {"megabyte": 1_048_576}}).files
    assert files.format_size(4 * 1_048_576) == "4.0"
    assert files.format_size(52_429, unit=True) == "50 KB"
