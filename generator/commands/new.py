"""`portfolio new DIR`: a content root to start from, with one student and sample items."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from PIL import Image, ImageDraw

from generator.commands.options import Folder, common_options
from generator.i18n import text
from generator.support.roc_calendar import academic_year, resolve_today


@click.command()
@click.argument("directory", type=Folder())
@common_options
def new(directory: Path, lang: str | None, today: dt.date | None) -> None:
    """Create DIRECTORY with one student and two sample items."""
    lang = lang or "zh-TW"
    if directory.exists() and any(directory.iterdir()):
        click.echo(text("new-not-empty", lang, path=str(directory)), err=True)
        sys.exit(2)
    day = resolve_today(today)
    scaffold(directory, day)
    click.echo(text("new-done", lang, path=str(directory)))


def scaffold(root: Path, today: dt.date) -> None:
    # A student now in grade 11: one full year of items behind them.
    enrolled = academic_year(today) - 1
    start = dt.date(enrolled + 1911, 8, 1)
    student = root / "my-portfolio"
    course = student / "items" / "sample-course"
    performance = student / "items" / "sample-performance"
    for folder in (course, performance):
        folder.mkdir(parents=True, exist_ok=True)
    (root / "portfolio.toml").write_text(
        '# 網站設定；學校可以在 [limits] 改每學期件數等上限。\n'
        'school = "我的高中"\nlanguage = "zh-TW"\n\n[limits]\n# course_per_term = 10\n',
        "utf-8")
    (student / "student.yaml").write_text(
        f'name: 王小明\nstudent_id: "{enrolled}00001"\nschool: 我的高中\nenrolled: {enrolled}\n'
        'profile: |\n  喜歡動手做實驗，也喜歡把學到的東西寫成程式。\n', "utf-8")
    (student / "courses.csv").write_text(
        "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
        f"{enrolled}1,物理,1,2,,true,,,true\n{enrolled}1,數學,1,4,,true,,,true\n", "utf-8")
    (course / "index.md").write_text(
        "---\ntype: course\ntitle: 單擺週期實驗報告\n"
        "summary: 用手機慢動作錄影量測單擺週期，比較不同擺長的結果，並討論誤差來源與改進方法。\n"
        f"subject: 物理\nterm: {enrolled}1\ncertified: true\nform: science\n"
        f"submitted: {enrolled}\nimages: [setup.png]\n---\n"
        "這是心得（省思）：寫下你做了什麼、遇到什麼困難、學到什麼，以及下次會怎麼做。\n\n"
        "![實驗裝置](setup.png)\n", "utf-8")
    _sample_image(course / "setup.png")
    when = min(start + dt.timedelta(days=100), today)
    (performance / "index.md").write_text(
        "---\ntype: performance\ncategory: competition\ntitle: 校內科展\n"
        "summary: 和同學一起研究校園裡的水質，從採樣、檢測到上台報告，學會團隊分工與簡報。\n"
        f"date: {when.isoformat()}\n"
        "details:\n  name: 校內科學展覽\n  level: 校級\n  award: 佳作\n  team: 團體\n"
        f"submitted: {enrolled}\n---\n"
        "這是心得：比賽前後的準備、合作與收穫。\n", "utf-8")


def _sample_image(path: Path) -> None:
    img = Image.new("RGB", (480, 320), (236, 244, 250))
    draw = ImageDraw.Draw(img)
    draw.line((240, 30, 180, 250), fill=(60, 60, 60), width=3)
    draw.ellipse((160, 235, 200, 275), fill=(200, 80, 60))
    draw.rectangle((100, 20, 380, 30), fill=(120, 120, 120))
    img.save(path, optimize=True)
