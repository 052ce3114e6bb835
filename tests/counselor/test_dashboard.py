"""The class dashboard and the CSV files, read back the way a counselor's tools read them."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

from generator.counselor.counselor_csvs import FINDINGS_COLUMNS, SUMMARY_COLUMNS, header
from tests.counselor.conftest import ITEM_COMMENT, Built


class Rows(HTMLParser):
    """The dashboard's rows: their data- attributes and the text of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.cells: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append({k: v or "" for k, v in attrs})
            self.cells.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.cells[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def dashboard(output: Path) -> Rows:
    parser = Rows()
    parser.feed((output / "index.html").read_text("utf-8"))
    return parser


def read_csv(path: Path, lang: str = "zh-TW") -> list[dict[str, str]]:
    """The rows of findings.csv or summary.csv by column identifier, once the header row
    is found to name the columns in `lang`."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")          # the BOM Excel needs for Chinese
    head, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    columns = FINDINGS_COLUMNS if path.name == "findings.csv" else SUMMARY_COLUMNS
    assert head == header(columns, lang)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_one_row_per_student_with_their_state(klass: Built) -> None:
    page = dashboard(klass.output)
    by_slug = {r["data-slug"]: (r, cells) for r, cells in zip(page.rows, page.cells,
                                                               strict=True)}
    assert sorted(by_slug) == ["hua", "lin", "ming"]
    ming, hua, lin = by_slug["ming"], by_slug["hua"], by_slug["lin"]
    assert hua[0]["data-state"] == "error"
    # Kinds of findings by their labels; the codes stay in data-code.
    assert "簡述太長 1" in hua[1][2] and "超過每學年勾選件數" in hua[1][2]
    assert ming[0]["data-state"] == "warning" and ming[0]["data-comments"] == "3"
    assert "沒有簡述 1" in ming[1][3]
    assert ming[1][4] == "1" and ming[1][5] == "1"     # a link at risk, a missing summary
    assert "某大學 物理學系" in ming[1][7]
    # lin missed the 認證 window with an uncertified course outcome; 勾選 is next.
    assert lin[0]["data-late"] == "1" and ming[0]["data-late"] == "0"
    assert "認證 2026-11-10" in lin[1][8] and "勾選 2027-01-15" in lin[1][8]
    assert "113 學年 課程 7/6" in hua[1][6]
    html = (klass.output / "index.html").read_text("utf-8")
    assert 'src="assets/dashboard.js"' in html and (klass.output / "assets/dashboard.js").exists()


def test_findings_csv_has_every_finding(klass: Built) -> None:
    rows = read_csv(klass.output / "findings.csv")
    assert rows and list(rows[0]) == list(FINDINGS_COLUMNS)
    report = klass.result.check.findings
    assert len(rows) == len(report)
    codes = {(r["folder"], r["code"]) for r in rows}
    assert {("hua", "summary-too-long"), ("hua", "year-limit"), ("ming", "summary-missing"),
            ("ming", "link-at-risk")} <= codes
    long = next(r for r in rows if r["code"] == "summary-too-long")
    assert long["name"] == "李小華" and long["student_id"] == "11300002"
    assert long["severity"] == "錯誤" and long["kind"] == "簡述太長"
    assert "100" in long["message"]


def test_summary_csv_one_row_per_student(klass: Built) -> None:
    rows = {r["folder"]: r for r in read_csv(klass.output / "summary.csv")}
    assert sorted(rows) == ["hua", "lin", "ming"]
    assert list(rows["ming"]) == list(SUMMARY_COLUMNS)
    assert rows["hua"]["state"] == "有錯誤" and rows["hua"]["g10_courses_ticked"] == "7"
    assert rows["hua"]["over_limit"] == "是" and "year-limit:" in rows["hua"]["error_codes"]
    assert rows["ming"]["links_at_risk"] == "1" and rows["ming"]["missing_summaries"] == "1"
    assert rows["ming"]["departments"] == "001012:待注意" and rows["ming"]["comments"] == "3"
    # lin's draft missed both: it was never sent before upload closed, nor certified.
    assert rows["lin"]["late"] == "上傳 2026-10-31;認證 2026-11-10"
    assert "window-closed:1" in rows["lin"]["error_codes"]
    assert rows["lin"]["next_deadline"] == "勾選 2027-01-15"
    assert rows["lin"]["g12_performances_ticked"] == "1"
    assert all(r["last_built"] for r in rows.values())


def test_counselor_page_shows_comments_and_deadlines(klass: Built) -> None:
    html = (klass.output / "ming" / "counselor.html").read_text("utf-8")
    assert ITEM_COMMENT in html and "林老師" in html
    lin = (klass.output / "lin" / "counselor.html").read_text("utf-8")
    assert 'class="due-late"' in lin and 'class="due-upcoming"' in lin


def test_an_unchanged_build_rewrites_nothing(klass: Built, tmp_path: Path) -> None:
    from generator.pipeline.building import build
    from tests.counselor.conftest import counselor_renderers

    out = tmp_path / "out"
    build(klass.content.root, out, offline=True, jobs=1, renderers=counselor_renderers())
    again = build(klass.content.root, out, offline=True, jobs=1,
                  renderers=counselor_renderers())
    assert again.rendered == []
    assert "ZEBRA" in (out / "ming" / "counselor.html").read_text("utf-8")


def test_student_page_shows_what_is_late_and_due_next(klass: Built) -> None:
    lin = (klass.output / "lin" / "index.html").read_text("utf-8")
    assert "逾期：認證 2026-11-10" in lin
    assert "下一個：勾選 2027-01-15" in lin
    ming = (klass.output / "ming" / "index.html").read_text("utf-8")
    assert "逾期" not in ming and "下一個：勾選 2027-01-15" in ming
