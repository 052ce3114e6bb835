"""The whole of `portfolio.toml` as one schema: every option, what it does, its default.

Like MkDocs' configuration, each option is a field with its description, default and
an example; README.md's "portfolio.toml" section lists them and a test holds the two
together (tests/core/test_site_settings.py). Reading the file, with a finding for every
unknown key and bad value, is the content layer's job (generator/content/site_settings.py);
this module only says what is allowed.

The school's overrides of the official rules (`[files]`, `[summary]`, `[limits]`,
`[links]`) are reached through this schema but validated by the rules' own model
(generator/rules), so a limit is defined, typed and sourced in one place.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    AliasGenerator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from generator.model.lenient import term_code
from generator.rules import OVERRIDABLE, Rules
from generator.support.roc_calendar import NotADate, read_date

Language = Literal["zh-TW", "en"]
# The application tracks (generator/rules: TRACKS); a test holds the two lists together.
TrackName = Literal["university", "tech"]
LANGUAGES: tuple[str, ...] = ("zh-TW", "en")
USER_AGENT = "portfolio-link-check/0.1 (+learning-portfolio link permanence)"
ARCHIVE_SAVE_ENDPOINT = "https://web.archive.org/save/"


def _as_date(value: Any) -> Any:
    """A date as TOML gives it (a date, a date-time) or as text (`today = "2026-11-20"`,
    `"2026-9-1"`: read as people write it, generator/support/roc_calendar.py).

    Anything else is left for strict validation to refuse with its own reason."""
    if isinstance(value, dt.date | str):
        try:
            return read_date(value)
        except NotADate:
            return value
    return value


def _as_time(value: Any) -> Any:
    """A time of day as TOML gives it (`08:00:00`) or as text (`"17:00"`)."""
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(unicodedata.normalize("NFKC", value).strip())
        except ValueError:
            return value
    return value


class _Options(BaseModel):
    # strict: `allow_private = "yes"` is refused, not read as true; a number given as
    # text is refused, not guessed at. Every field has a default, so any one bad value
    # can fall back to it while the rest of the file still counts.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LinkCheckSettings(_Options):
    """`[link_check]`: how the links of 多元表現 are checked (generator/links/).

    Numbers outside their range are brought to the nearest end (and said so), so
    `per_host = 0` cannot stall every link and `deadline = 1e9` cannot undo the deadline.
    A key may also be written with "-" for "_" (`per-host`).
    """

    model_config = ConfigDict(alias_generator=AliasGenerator(
        validation_alias=lambda name: AliasChoices(name, name.replace("_", "-"))))

    cache_hours: float = Field(
        24.0, ge=0, le=24 * 366, examples=[2],
        description="`check` and `build` reuse a link's last answer for this many hours "
                    "instead of asking the network again (`portfolio links` always asks).")
    timeout: float = Field(
        10.0, ge=0.1, le=120, examples=[5],
        description="Seconds for each step of one request: connecting, each read.")
    deadline: float = Field(
        30.0, ge=0.5, le=600, examples=[20],
        description="Seconds on the wire for one link, all its redirects and retries "
                    "included; past it the link is reported as timing out.")
    run_deadline: float = Field(
        300.0, ge=1, le=6 * 3600, examples=[120],
        description="Seconds for the whole run; links not done by then are reported as "
                    "unchecked, never as broken.")
    retries: int = Field(
        2, ge=0, le=5, examples=[0],
        description="Extra attempts after a 429, 502, 503, 504 or a dropped connection.")
    backoff: float = Field(
        0.5, ge=0, le=30, examples=[1],
        description="Seconds the first retry waits; each later one waits twice as long.")
    max_retry_after: float = Field(
        30.0, ge=0, le=300, examples=[10],
        description="A server's `Retry-After` longer than this many seconds is not "
                    "waited for: its answer (429, 503) is reported as it is.")
    per_host: int = Field(
        4, ge=1, le=16, examples=[2],
        description="Requests at once to one host.")
    total: int = Field(
        32, ge=1, le=128, examples=[8],
        description="Requests at once in all.")
    max_redirects: int = Field(
        10, ge=0, le=20, examples=[5],
        description="Redirects followed before a link is reported as redirecting too often.")
    max_body: int = Field(
        1_000_000, ge=1024, le=20_000_000, examples=[500_000],
        description="Bytes of a page read to see what it says (a \"not found\" page, a "
                    "sign-in wall) and to keep a snapshot.")
    verify_tls: bool = Field(
        True, examples=[False],
        description="Check HTTPS certificates; off, a site whose certificate is broken "
                    "is not reported for it.")
    allow_private: bool = Field(
        False, examples=[True],
        description="Also connect to private, loopback and link-local addresses (a "
                    "school intranet). Off, no link or redirect can make the checker "
                    "reach into the local network: such a link is `link-at-risk`.")
    trust_env: bool = Field(
        True, examples=[False],
        description="Use the proxy named by HTTP_PROXY / HTTPS_PROXY in the environment.")
    user_agent: str = Field(
        USER_AGENT, examples=["my-school-portfolio-check"],
        description="The User-Agent header sent with every request.")
    archive_endpoint: str = Field(
        ARCHIVE_SAVE_ENDPOINT, examples=["https://web.archive.org/save/"],
        description="Where `portfolio links --archive` asks the web archive to save a "
                    "working page (the page's address is appended).")
    snapshots: bool = Field(
        True, examples=[False],
        description="Keep a small local copy of each working page in the output folder "
                    "(`.portfolio/snapshots/`), as evidence of what it said.")
    snapshot_max_bytes: int = Field(
        512_000, ge=0, le=10_000_000, examples=[100_000],
        description="Bytes of a page kept in a snapshot: its text and markup, not a mirror.")
    snapshot_keep: int = Field(
        3, ge=1, le=100, examples=[5],
        description="Snapshots kept per link, newest first: enough to show what changed.")


class DeadlineWindow(_Options):
    """One window of the school's calendar: `{ start = 2026-12-01, end = 2026-12-20 }`.

    A bare date (`certify = 2026-12-20`) is a window that ends that day. A date-time
    (`start = 2025-10-07T08:00:00`) keeps its time of day for the pages to show; a day
    counts as inside the window as a whole (`--today` is a date)."""

    start: dt.date | None = Field(
        None, examples=[dt.date(2026, 12, 1)],
        description="The first day (YYYY-MM-DD, or a date-time 2025-10-07T08:00:00); "
                    "without it the window is open until its end.")
    end: dt.date = Field(
        examples=[dt.date(2026, 12, 20)],
        description="The last day (YYYY-MM-DD, or a date-time 2025-10-16T17:00:00). "
                    "Required.")
    term: int | None = Field(
        None, examples=[1141],
        description="The term the window is for (1141 = year 114, semester 1; 114-1 is "
                    "read too): a 認證 window for 1141 judges only 1141's course outcomes. "
                    "Without it an upload or 認證 window is for every term of its year "
                    "that had begun when it closed, and a confirmation, correction or "
                    "re-check window is for the term before the one it is in.")
    year: int | None = Field(
        None, ge=1, le=999, examples=[115],
        description="The ROC academic year the window belongs to; by default its "
                    "`term`'s, else the academic year of `end`.")
    start_time: dt.time | None = Field(
        None, examples=[dt.time(8, 0)],
        description="The time of day the window opens, shown on the pages (also given "
                    "by a date-time `start`).")
    end_time: dt.time | None = Field(
        None, examples=[dt.time(17, 0)],
        description="The time of day the window closes, shown on the pages (also given "
                    "by a date-time `end`).")

    @model_validator(mode="before")
    @classmethod
    def _times(cls, data: Any) -> Any:
        # `start = 2025-10-07T08:00:00`: the day is the window's, the time is shown.
        if isinstance(data, dict):
            data = dict(data)
            for day, time in (("start", "start_time"), ("end", "end_time")):
                if isinstance(data.get(day), dt.datetime) and time not in data:
                    data[time] = data[day].time().replace(tzinfo=None)
        return data

    @field_validator("start", "end", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return _as_date(value)

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _as_time(value)

    @field_validator("term", mode="before")
    @classmethod
    def _term(cls, value: Any) -> Any:
        return term_code(value)

    @model_validator(mode="after")
    def _in_order(self) -> DeadlineWindow:
        if self.start is not None and self.start > self.end:
            raise PydanticCustomError("deadline_order", "it starts after it ends")
        return self


def _windows_field(kind: str, aliases: tuple[str, ...], meaning: str) -> Any:
    return Field(default_factory=list, validation_alias=AliasChoices(kind, *aliases),
                 examples=[[{"start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 20)}]],
                 description=meaning + " One window `{ start = …, end = … }` or a list "
                 "of them. Also written " + ", ".join(f"`{a}`" for a in aliases) + ".")


class DeadlineSettings(_Options):
    """`[deadlines]`: the school's windows; the dashboard and each student's page say
    what is late and what is due next (generator/checks/deadlines.py)."""

    upload: list[DeadlineWindow] = _windows_field(
        "upload", ("上傳",), "Uploading 課程學習成果 to the school's system.")
    certify: list[DeadlineWindow] = _windows_field(
        "certify", ("認證", "certification"), "Teachers certifying (認證) course outcomes.")
    tick: list[DeadlineWindow] = _windows_field(
        "tick", ("勾選", "ticking"), "Ticking (勾選) items into the central database.")
    confirm: list[DeadlineWindow] = _windows_field(
        "confirm", ("收訖明細確認", "confirmation"),
        "Confirming the receipt list (收訖明細確認): each part either confirmed or "
        "reported (資料有多 / 有少 / 有誤), as the student records it in `receipts.yaml`; "
        "silence by its end counts as agreement.")
    correct: list[DeadlineWindow] = _windows_field(
        "correct", ("更正", "學校更正", "correction"),
        "The school correcting what students reported after a confirmation.")
    recheck: list[DeadlineWindow] = _windows_field(
        "recheck", ("重新檢核", "複查", "re-check"),
        "Students who reported re-checking the corrected receipt (`rechecked: true` in "
        "`receipts.yaml`).")

    @field_validator("upload", "certify", "tick", "confirm", "correct", "recheck",
                     mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # One window or a list of them; a bare date is a window's end.
        entries = value if isinstance(value, list) else [value]
        return [e if isinstance(e, dict) else {"end": e} for e in entries]

    def kinds(self) -> list[tuple[str, list[DeadlineWindow]]]:
        """(kind, windows) in the order of the school year."""
        return [(kind, getattr(self, kind)) for kind in DEADLINE_KINDS]


DEADLINE_KINDS: tuple[str, ...] = ("upload", "certify", "tick", "confirm", "correct", "recheck")


def _overrides(section: str) -> Any:
    table = Rules.model_fields[section].annotation
    names = table.model_fields if isinstance(table, type) and issubclass(table, BaseModel) else {}
    keys = ", ".join(f"`{k}`" for k in names)
    return Field(default_factory=dict, examples=[_EXAMPLES[section]],
                 description=f"Overrides of `[{section}]` in the official rules "
                             f"(generator/rules/official.toml, which gives each value's "
                             f"source): any of {keys}.")


_EXAMPLES: dict[str, dict[str, Any]] = {
    "files": {"quota_mb": 1000}, "summary": {"max_chars": 100},
    "limits": {"course_per_term": 9},
    "links": {"allowed_categories": ["work", "other", "competition", "certificate"]},
}


class SiteSettings(_Options):
    """The whole of `portfolio.toml`, the content root's settings file."""

    school: str | None = Field(
        None, examples=["臺北市立南湖高中"],
        description="The school's name, shown in the site's header and the counselor's "
                    "dashboard.")
    theme: str = Field(
        "default", examples=["nanhu"],
        description="The site's theme: a folder in `<content>/themes/` or one shipped "
                    "with the tool.")
    language: Language = Field(
        "zh-TW", examples=["en"],
        description="The language of messages, pages and PDFs when `--lang` is not "
                    "given: `zh-TW` or `en`, nothing else.")
    track: TrackName = Field(
        "university", examples=["tech"],
        description="The application track whose 審查資料 codes, order and limits apply: "
                    "`university` (大學個人申請, A–Q) or `tech` (四技二專甄選入學, "
                    "B-1…D-3); a student's `track:` in student.yaml overrides it.")
    today: dt.date | None = Field(
        None, examples=[dt.date(2026, 11, 20)],
        description="The date everything is judged against, when `--today` is not "
                    "given; without either, `SOURCE_DATE_EPOCH`, then the clock.")
    link_check: LinkCheckSettings = Field(
        default_factory=LinkCheckSettings, examples=[{"timeout": 5, "per_host": 2}],
        description="How links are checked: the `[link_check]` table below.")
    deadlines: DeadlineSettings = Field(
        default_factory=DeadlineSettings,
        examples=[{"upload": [{"start": dt.date(2026, 9, 1), "end": dt.date(2026, 11, 30)}]}],
        description="The school's windows: the `[deadlines]` table below.")
    files: dict[str, Any] = _overrides("files")
    summary: dict[str, Any] = _overrides("summary")
    limits: dict[str, Any] = _overrides("limits")
    links: dict[str, Any] = _overrides("links")

    @field_validator("today", mode="before")
    @classmethod
    def _today(cls, value: Any) -> Any:
        return _as_date(value)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> Any:
        # said by the catalog (`reason-language`), naming the two allowed values
        if value not in LANGUAGES:
            raise PydanticCustomError("language", "use zh-TW or en")
        return value

    def rule_overrides(self) -> dict[str, dict[str, Any]]:
        """The tables of the official rules this school overrides, as written."""
        return {section: dict(getattr(self, section)) for section in OVERRIDABLE
                if getattr(self, section)}


# --- the reference, for README.md and its test ----------------------------------------------

OptionRow = tuple[str, str, str, str]  # (option, meaning, default, example)


def option_rows() -> list[OptionRow]:
    """Every option of portfolio.toml, in the order README.md lists them."""
    rows: list[OptionRow] = []
    for name, info in SiteSettings.model_fields.items():
        if name in OVERRIDABLE:
            rows.append((f"[{name}]", info.description or "", "the official rules",
                         _said((info.examples or [""])[0])))
        elif name in ("link_check", "deadlines"):
            rows += _nested_rows(name, LinkCheckSettings if name == "link_check"
                                 else DeadlineSettings)
        else:
            rows.append((name, info.description or "", _said(info.get_default(
                call_default_factory=True)), _said((info.examples or [""])[0])))
    rows += _nested_rows("deadlines.<kind>", DeadlineWindow)
    return rows


def _nested_rows(table: str, model: type[BaseModel]) -> list[OptionRow]:
    return [(f"[{table}] {name}", info.description or "",
             "required" if info.is_required() else _said(info.get_default(
                 call_default_factory=True)), _said((info.examples or [""])[0]))
            for name, info in model.model_fields.items()]


def _said(value: Any) -> str:
    """A value as portfolio.toml writes it."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_said(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_said(v)}" for k, v in value.items()) + " }"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
