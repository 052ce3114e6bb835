"""`portfolio new DIR`: a content root to start from, with one student, two sample items
and a guide to adding an item beside them.

The sample items carry a `sample:` marker with the digest of the text written here
(generator.model.item.sample_digest): `check` warns about them (`sample-content`) until
the student has made them their own or deleted them. The guide's lists of fields are
made from the rules table (generator/rules/reference.py), so they cannot drift from it.

`--track tech` starts a 技專 (四技二專甄選入學) class: `track = "tech"` in portfolio.toml
and a 專題實作 outcome marked B-1, the item that track's departments count.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
import yaml
from PIL import Image, ImageDraw

from generator.commands.options import Choice, Folder, common_options
from generator.commands.said_help import SaidCommand
from generator.i18n import listed, text
from generator.model import sample_digest
from generator.rules import DEFAULT_TRACK, TRACKS, Rules, load_rules
from generator.rules.reference import categories_reference, forms_table
from generator.support.roc_calendar import academic_year, resolve_today

STUDENT = "my-portfolio"
# Not 王小明, the demo's student: a copy of the demo and a new root must not be confused.
# 李小華 is the textbook's other everyman, plainly a name to replace.
STUDENT_NAME = "李小華"


@click.command(cls=SaidCommand)
@click.argument("directory", type=Folder())
@click.option("--track", type=Choice(list(TRACKS)), default=DEFAULT_TRACK,
              show_default=True,
              help="help-new-track")
@common_options
def new(directory: Path, track: str, lang: str | None, today: dt.date | None) -> None:
    """Create DIRECTORY with one student, two sample items and a guide to adding items."""
    lang = lang or "zh-TW"
    if directory.exists() and any(directory.iterdir()):
        click.echo(text("new-not-empty", lang, path=str(directory)), err=True)
        sys.exit(2)
    day = resolve_today(today)
    guide_file = scaffold(directory, day, lang, track)
    click.echo(text("new-done", lang, path=str(directory), guide=str(guide_file)))


def scaffold(root: Path, today: dt.date, lang: str = "zh-TW",
             track: str = DEFAULT_TRACK) -> Path:
    """Write the content root; returns where the guide to adding an item is."""
    rules = load_rules()
    # A student now in grade 11: one full year of items behind them.
    enrolled = academic_year(today) - 1
    start = dt.date(enrolled + 1911, 8, 1)
    student = root / STUDENT
    items = student / "items"
    course = items / "sample-course"
    performance = items / "sample-performance"
    for folder in (course, performance):
        folder.mkdir(parents=True, exist_ok=True)
    tech = track == "tech"
    (root / "portfolio.toml").write_text(
        f'# {text("new-toml-comment", lang)}\n'
        'school = "我的高中"\nlanguage = "zh-TW"\n'
        + ('# 四技二專甄選入學：審查資料代碼是 A、B-1、B-2、C-1…C-8、D-1…D-3\ntrack = "tech"\n'
           if tech else '') +
        '\n[limits]\n# course_per_term = 10\n',
        "utf-8")
    (student / "student.yaml").write_text(
        f'# {text("new-student-comment", lang)}\n'
        f'name: {STUDENT_NAME}\nstudent_id: "{enrolled}00001"\nschool: 我的高中\n'
        f'enrolled: {enrolled}\n'
        'profile: |\n  喜歡動手做實驗，也喜歡把學到的東西寫成程式。\n', "utf-8")
    (student / "courses.csv").write_text(
        "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
        f"{enrolled}1,物理,1,2,,true,,,true\n{enrolled}1,數學,1,4,,true,,,true\n"
        + (f"{enrolled}1,專題實作,1,3,,true,,,true\n" if tech else ""), "utf-8")
    course_front: dict[str, object] = {
        "type": "course", "title": "專題實作：自動澆花控制器",
        "summary": "用微控制器與土壤濕度感測器做出自動澆花控制器，從電路設計、焊接到程式，"
                   "記錄每一次失敗與改進。",
        "subject": "專題實作", "term": enrolled * 10 + 1, "certified": True,
        "form": "practical", "code": "B-1",
    } if tech else {
        "type": "course", "title": "單擺週期實驗報告",
        "summary": "用手機慢動作錄影量測單擺週期，比較不同擺長的結果，並討論誤差來源與改進方法。",
        "subject": "物理", "term": enrolled * 10 + 1, "certified": True, "form": "science",
    }
    _sample_item(course / "index.md", lang, {
        **course_front, "submitted": enrolled, "images": ["setup.png"],
    }, "這是心得（省思）：寫下你做了什麼、遇到什麼困難、學到什麼，以及下次會怎麼做。\n\n"
       "![實驗裝置](setup.png)\n")
    _sample_image(course / "setup.png")
    when = min(start + dt.timedelta(days=100), today)
    _sample_item(performance / "index.md", lang, {
        "type": "performance", "category": "competition", "title": "校內科展",
        "summary": "和同學一起研究校園裡的水質，從採樣、檢測到上台報告，學會團隊分工與簡報。",
        "date": when,
        "details": {"name": "校內科學展覽", "level": "校級", "award": "佳作", "team": "團體"},
        "submitted": enrolled,
    }, "這是心得：比賽前後的準備、合作與收穫。\n")
    guide_file = items / text("new-guide-file", lang)
    guide_file.write_text(guide(rules, lang, content=str(root), items=f"{STUDENT}/items",
                                enrolled=enrolled), "utf-8")
    return guide_file


def guide(rules: Rules, lang: str, *, content: str, items: str, enrolled: int) -> str:
    """The guide to adding an item, in `lang`, with the fields of the rules table. Its
    examples are dated in the year the student entered, so that copied as they are, they
    pass `check`."""
    files = rules.files
    day = dt.date(enrolled + 1911, 9, 10)
    said = text("new-guide", lang, content=content, items=items, year=enrolled,
                term=enrolled * 10 + 1, date=day.isoformat(),
                end=(day + dt.timedelta(days=2)).isoformat(),
                new_item=text("edit-new-item", lang),
                document_types=_types(files.document_types, lang),
                document_mb=f"{files.document_max_mb:g}",
                media_types=_types(files.media_types, lang), media_mb=f"{files.media_max_mb:g}",
                image_types=_types(files.image_types, lang),
                summary_max=rules.summary.max_chars,
                link_categories=listed(rules.categories[c].name(lang)
                                       for c in rules.links.allowed_categories)[lang],
                forms=forms_table(rules, lang), categories=categories_reference(rules, lang, 4))
    return said.strip() + "\n"


def _types(types: tuple[str, ...], lang: str) -> str:
    return listed(types)[lang]


def _sample_item(path: Path, lang: str, front: dict[str, object], body: str) -> None:
    """A sample index.md, marked with the digest of its texts (see generator/checks/samples.py)."""
    marker = sample_digest(str(front["title"]), str(front["summary"]), body)
    settings = yaml.safe_dump({**front, "sample": marker}, allow_unicode=True, sort_keys=False,
                              width=1000)
    path.write_text(f"---\n# {text('new-sample-comment', lang)}\n{settings}---\n{body}", "utf-8")


def _sample_image(path: Path) -> None:
    img = Image.new("RGB", (480, 320), (236, 244, 250))
    draw = ImageDraw.Draw(img)
    draw.line((240, 30, 180, 250), fill=(60, 60, 60), width=3)
    draw.ellipse((160, 235, 200, 275), fill=(200, 80, 60))
    draw.rectangle((100, 20, 380, 30), fill=(120, 120, 120))
    img.save(path, optimize=True)
