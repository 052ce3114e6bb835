"""portfolio.toml has one schema (issue 13): every option known, typed and documented.

An unknown key anywhere is `field-unknown` with a did-you-mean and its line; a bad value
is `field-invalid` with a reason in both languages and the option keeps its default; a
bad `[deadlines]` window is `deadline-invalid`; the rest of the file still counts.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.checks.deadlines import windows
from generator.content.loader import load_portfolio
from generator.links.service import LinkSettings, settings_for
from generator.model.site_settings import SiteSettings, option_rows
from tests.builder import TODAY, ContentBuilder

README = Path(__file__).resolve().parents[2] / "README.md"


def _write(content: ContentBuilder, text: str) -> None:
    """portfolio.toml exactly as given (the builder's own adds a `today` line first)."""
    content.write(content.root / "portfolio.toml", text)


def _message(f: dict) -> str:
    return str(f["message"])


def test_typos_are_unknown_fields_with_a_suggestion_and_their_line(
        content: ContentBuilder) -> None:
    content.student()
    content.settings('languge = "en"\n[link_check]\ntimout = 5\n')
    run = content.check("--lang", "en")
    assert run.exit_code == 0, run.output          # warnings only
    unknown = {re.search(r"Unknown field (\S+):", _message(f)).group(1): _message(f)
               for f in run.having("field-unknown")}
    assert set(unknown) == {"languge", "link_check.timout"}
    assert "Did you mean language?" in unknown["languge"] and "(line 2)" in unknown["languge"]
    said = unknown["link_check.timout"]
    assert "Did you mean timeout?" in said and "(line 4)" in said
    assert all(f["file"] == "portfolio.toml" and f["severity"] == "warning"
               for f in run.having("field-unknown"))
    zh = content.check().having("field-unknown")
    assert any("是不是要寫 timeout？" in _message(f) and "第 4 行" in _message(f) for f in zh)


def test_language_is_zh_tw_or_en_and_the_rest_still_counts(content: ContentBuilder) -> None:
    content.student()
    content.course("c1", subject="物理")
    content.course("c2", subject="化學")
    content.settings('language = "en-US"\nschool = "南湖高中"\n[limits]\ncourse_per_term = 1\n')
    run = content.check("--lang", "en")
    (f,) = run.having("field-invalid")
    assert "en-US" in _message(f) and "zh-TW" in _message(f) and "en (English)" in _message(f)
    assert "(line 2)" in _message(f)
    assert run.having("term-limit")                # [limits] below it still applies
    assert run.exit_code == 1
    portfolio, _ = load_portfolio(content.root)
    assert portfolio.settings.language == "zh-TW"  # the default, until it is fixed
    assert portfolio.settings.school == "南湖高中"
    zh = content.check().having("field-invalid")
    assert "只能寫 zh-TW（中文）或 en（English）" in _message(zh[0])


def test_a_bad_link_check_value_keeps_its_default(content: ContentBuilder) -> None:
    content.student()
    content.settings('[link_check]\ndeadline = "soon"\nper_host = 0\nper-host = 3\n'
                     'allow_private = "yes"\ntimeout = 5\n')
    run = content.check("--lang", "en")
    invalid = {re.search(r"of (\S+) is not", _message(f)).group(1): _message(f)
               for f in run.having("field-invalid")}
    assert set(invalid) == {"link_check.deadline", "link_check.per_host",
                            "link_check.allow_private"}
    assert "must be a number" in invalid["link_check.deadline"]
    assert "(line 3)" in invalid["link_check.deadline"]
    assert "at least 1" in invalid["link_check.per_host"]
    assert "write true or false" in invalid["link_check.allow_private"]
    # `per-host` is `per_host` written another way: given twice, the second is unknown
    assert [f for f in run.having("field-unknown") if "per-host" in _message(f)]
    portfolio, _ = load_portfolio(content.root)
    checker = settings_for(portfolio).checker
    assert checker.deadline == 30.0            # the default
    assert checker.per_host == 1               # brought within its range
    assert checker.allow_private is False      # "yes" is not true
    assert checker.timeout == 5.0              # the rest of the table counts


def test_a_date_that_is_not_a_day_is_its_windows_problem_not_the_files(
        content: ContentBuilder) -> None:
    content.student()
    content.settings('school = "南湖高中"\n[deadlines]\nupload = {start = 2026-13-01}\n'
                     'certify = { start = 2026-11-01, end = 2026-11-10 }\n')
    run = content.check("--lang", "en")
    assert not run.having("syntax-error"), run.output
    (f,) = run.having("deadline-invalid")
    assert "“upload”" in _message(f) and "(line 4)" in _message(f)
    assert run.exit_code == 0
    portfolio, _ = load_portfolio(content.root)
    assert portfolio.settings.school == "南湖高中"
    assert [(w.kind, w.end) for w in windows(portfolio.settings.deadlines)] == [
        ("certify", dt.date(2026, 11, 10))]


def test_every_table_knows_its_keys(content: ContentBuilder) -> None:
    content.student()
    content.settings('[paths]\nname_max_bytes = 20\n[limits]\ncourse_per_terms = 9\n'
                     '[deadlines]\nuplaod = 2026-11-30\n'
                     'tick = [{ end = 2027-01-15 }, { end = 2027-01-30, strat = 2027-01-20 }]\n'
                     '[link_check.nested]\na = 1\n')
    run = content.check("--lang", "en")
    unknown = " ".join(_message(f) for f in run.having("field-unknown"))
    assert "field paths:" in unknown                       # not a school's to override
    assert "limits.course_per_terms" in unknown and "Did you mean course_per_term?" in unknown
    assert "link_check.nested" in unknown
    bad = {f["message"].split("”")[0].lstrip("“"): _message(f)
           for f in run.having("deadline-invalid")}
    assert set(bad) == {"uplaod", "tick"}
    assert "did you mean upload?" in bad["uplaod"] and "(line 7)" in bad["uplaod"]
    assert "strat" in bad["tick"] and "did you mean start?" in bad["tick"]
    assert run.exit_code == 0
    portfolio, _ = load_portfolio(content.root)
    assert portfolio.rules.limits.course_per_term == 10    # the official value
    assert [w.end for w in windows(portfolio.settings.deadlines)] == [dt.date(2027, 1, 15)]


def test_today_is_a_date(content: ContentBuilder) -> None:
    content.student()
    _write(content, 'today = "next monday"\n')
    run = content.check("--lang", "en", "--today", TODAY)
    (f,) = run.having("field-invalid")
    assert "today" in _message(f) and "write dates like" in _message(f)
    assert "(line 1)" in _message(f)
    _write(content, "today = 2026-11-20T08:00:00\n")
    portfolio, found = load_portfolio(content.root)
    assert portfolio.settings.today == dt.date(2026, 11, 20) and found == []


@pytest.mark.parametrize("written", ['school = "x"\nlink_check = { timeout = 5, retires = 1 }\n',
                                     'school = "x"\n\n"link_check" . retires = 1\n',
                                     '# retires = 1\nschool = "x"\n[link_check]\nretires = 1\n'])
def test_the_line_is_found_however_the_key_is_written(content: ContentBuilder,
                                                      written: str) -> None:
    content.student()
    _write(content, written)
    run = content.check("--lang", "en", "--today", TODAY)
    (f,) = run.having("field-unknown")
    line = written.split("\n").index(next(x for x in written.split("\n")
                                          if "retires" in x and not x.startswith("#"))) + 1
    assert "Did you mean retries?" in _message(f) and f"(line {line})" in _message(f)


def test_a_real_syntax_error_is_still_one_with_its_line(content: ContentBuilder) -> None:
    content.student()
    _write(content, 'school = "x"\n[deadlines\nupload = 2026-13-01\n')
    run = content.check("--lang", "en")
    (f,) = run.having("syntax-error")
    assert "line 2" in _message(f)


def test_windows_keep_todays_shapes(content: ContentBuilder) -> None:
    content.student()
    content.settings('[deadlines]\nupload = [{ start = 2026-09-01, end = 2026-10-31 },\n'
                     '          { end = 2027-03-31 }]\n"認證" = { end = "2026-11-10" }\n'
                     'ticking = 2027-01-15\n[[deadlines.confirm]]\nend = 2027-03-03\n'
                     'year = 115\n')
    portfolio, found = load_portfolio(content.root)
    assert found == []
    assert [(w.kind, w.start, w.end, w.year) for w in windows(portfolio.settings.deadlines)] == [
        ("upload", dt.date(2026, 9, 1), dt.date(2026, 10, 31), 115),
        ("certify", None, dt.date(2026, 11, 10), 115),
        ("tick", None, dt.date(2027, 1, 15), 115),
        ("confirm", None, dt.date(2027, 3, 3), 115),
        ("upload", None, dt.date(2027, 3, 31), 115)]


def test_link_settings_come_from_the_schema() -> None:
    # The checker's defaults are the schema's: one place says them.
    assert LinkSettings.from_options(SiteSettings().link_check) == LinkSettings()
    assert LinkSettings.from_table({"per-host": 2}).checker.per_host == 2


# --- the documentation cannot drift from the schema -----------------------------------------

def _readme_rows() -> dict[str, str]:
    text = README.read_text("utf-8")
    section = text.split("\n## portfolio.toml\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^\| `([^`]+)` \| `([^`]*)` \|", section, re.MULTILINE)}


@pytest.mark.parametrize(("option", "default"), [(o, d) for o, _, d, _ in option_rows()])
def test_every_option_is_in_the_readme_with_its_default(option: str, default: str) -> None:
    assert _readme_rows().get(option) == default


def test_the_readme_lists_no_option_the_schema_lacks() -> None:
    assert set(_readme_rows()) == {o for o, _, _, _ in option_rows()}


def test_every_field_of_the_schema_has_a_row_and_a_description() -> None:
    listed = " ".join(o for o, _, _, _ in option_rows())
    for name in SiteSettings.model_fields:
        assert re.search(rf"(^|\[|\s){name}(\]|\s|$)", listed), name
    assert all(meaning for _, meaning, _, _ in option_rows())
