"""Every word in the reader's language: every page of the demo and every command's output,
under --lang zh-TW and --lang en.

What the tool says is told from what the student wrote by taking every content string
out (tests/languagekit.py); what is left is the interface. Under English it holds no Han
character and no full-width punctuation; under zh-TW no sentence of English words.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from rich.cells import cell_len

from generator.cli import main
from generator.commands.said_help import SaidCommand, wrap
from generator.i18n import has_text, text
from tests.builder import Run, run_cli
from tests.languagekit import Content, foreign_in_english, latin_sentences
from tests.site.sitekit import copy_demo

LANGUAGES = ("zh-TW", "en")
# Wide enough that rich never wraps a table cell in the middle of a student's title.
WIDE = {"COLUMNS": "400", "LINES": "200"}
# One of each kind of mistake a student makes, for the validator's own messages.
MISTAKES = {
    "items/light-refraction/index.md": ("term: 1132", "term: 1133"),
    "items/vitamin-c-titration/index.md": ("summary: ", "summary: " + "很長的簡述" * 30),
    "items/ee-camp/index.md": ("type: performance",
                               "type: performance\ndocument: reprot.pdf\nlevel: 世界級"),
    "student.yaml": ("enrolled: 113", "enrolled: 5"),
    "departments.yaml": ("wants: [", "wants: [Z, "),
}


@dataclass
class Said:
    """What one run of a command printed, and what it was run on."""

    command: str
    lang: str
    output: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("language")
    content = copy_demo(base / "content")
    bad = copy_demo(base / "bad")
    for rel, (old, new) in MISTAKES.items():
        path = bad / "wang-xiaoming" / rel
        said = path.read_text("utf-8")
        assert old in said, rel
        path.write_text(said.replace(old, new, 1), "utf-8")
    return {"base": base, "content": content, "bad": bad}


@pytest.fixture(scope="module")
def built(world: dict[str, Path]) -> dict[str, tuple[Path, str]]:
    """The demo built in each language (the pages of every step but the PDFs), with what
    the build printed. The English build starts from the Chinese one: its media are
    fresh, its pages and texts are made again."""
    out: dict[str, tuple[Path, str]] = {}
    for lang in LANGUAGES:
        output = world["base"] / f"out-{lang}"
        if out:
            shutil.copytree(next(iter(out.values()))[0], output)
        run = _cli("build", str(world["content"]), "-o", str(output), "--lang", lang,
                   "--offline", "--skip", "pdf")
        assert run.exit_code == 0, run.output
        out[lang] = (output, run.output)
    return out


def _cli(*args: str) -> Run:
    old = {k: os.environ.get(k) for k in WIDE}
    os.environ.update(WIDE)
    try:
        return run_cli(*args)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _offenders(lang: str, residue: list[str]) -> list[str]:
    return foreign_in_english(residue) if lang == "en" else latin_sentences(residue)


PAGE_KINDS = ("index.html", "wang-xiaoming/index.html", "wang-xiaoming/items/",
              "wang-xiaoming/departments/", "wang-xiaoming/compare.html",
              "wang-xiaoming/checklist/", "wang-xiaoming/counselor.html",
              "wang-xiaoming/upload/index.html")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_speaks_one_language(world: dict[str, Path],
                                        built: dict[str, tuple[Path, str]], lang: str) -> None:
    output, _ = built[lang]
    content = Content(world["content"])
    pages = sorted(p for p in output.rglob("*.html") if ".portfolio" not in p.parts)
    rels = [p.relative_to(output).as_posix() for p in pages]
    for kind in PAGE_KINDS:  # every page type is there to be read
        assert any(r == kind or r.startswith(kind) for r in rels), kind
    wrong = {}
    for page in pages:
        html = page.read_text("utf-8")
        assert f'lang="{"zh-Hant-TW" if lang == "zh-TW" else "en"}"' in html, page
        bad = _offenders(lang, content.page_residue(html))
        if bad:
            wrong[page.relative_to(output).as_posix()] = sorted(set(bad))
    assert wrong == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_spreadsheets_speak_it_too(world: dict[str, Path],
                                       built: dict[str, tuple[Path, str]], lang: str) -> None:
    output, _ = built[lang]
    content = Content(world["content"])
    for name in ("findings.csv", "summary.csv"):
        text = (output / name).read_text("utf-8-sig")
        # The codes are identifiers in their own columns; the rest is read by people.
        residue = content.output_residue(text.replace(",", "\n"))
        assert _offenders(lang, residue) == [], name


def _commands(world: dict[str, Path], built: dict[str, tuple[Path, str]],
              lang: str) -> list[Said]:
    content, bad, base = str(world["content"]), str(world["bad"]), world["base"]
    output = str(built[lang][0])
    said = [Said("build", lang, built[lang][1])]
    runs: dict[str, tuple[str, ...]] = {
        "check": ("check", content, "--offline"),
        "check (mistakes)": ("check", bad, "--offline"),
        "check --format json": ("check", bad, "--offline", "--format", "json"),
        "fit --dry-run": ("fit", content, "-o", output, "--dry-run"),
        "fit --dry-run (mistakes)": ("fit", bad, "-o", output, "--dry-run"),
        "links --offline": ("links", content, "--offline", "-o", output),
        "export": ("export", content, "-o", output, "--department", "001012", "--offline"),
        "new": ("new", str(base / f"new-{lang}")),
        # Each way a command refuses to start (exit 2).
        "no such folder": ("check", str(base / "nowhere")),
        "a file": ("check", str(world["content"] / "portfolio.toml")),
        "a student's folder": ("check", str(world["content"] / "wang-xiaoming")),
        "no students": ("check", str(base / f"empty-{lang}")),
        "bad --today": ("check", content, "--today", "yesterday"),
        "bad option": ("check", content, "--ofline"),
        "bad --jobs": ("build", content, "-o", output, "--jobs", "0"),
        "bad --format": ("check", content, "--format", "xml"),
        "bad --skip": ("build", content, "-o", output, "--skip", "pfd"),
        "bad --track": ("new", str(base / f"never-{lang}"), "--track", "uni"),
        "no such command": ("chek", content),
        "export of nothing": ("export", content, "-o", output),
        "export of an unknown department": ("export", content, "-o", output,
                                            "--department", "999999", "--offline"),
        "output is the content": ("build", content, "-o", content),
        "new over something": ("new", content),
    }
    (base / f"empty-{lang}").mkdir(exist_ok=True)
    for name, args in runs.items():
        run = _cli(*args, "--lang", lang)
        assert run.exit_code in (0, 1, 2), (name, run.output)
        if run.doc is not None:  # scripts read the codes; people read the messages in it
            said.append(Said(name, lang, "\n".join(f["message"] for f in run.doc["findings"])))
        else:
            said.append(Said(name, lang, run.output))
    return said


def _interruptible() -> None:
    # As in a terminal, Ctrl+C interrupts: an ignored SIGINT stays ignored in a child, and
    # the suite's worker process may have been left ignoring it (then serve, rightly, never
    # hears the Ctrl+C this test sends).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serve(world: dict[str, Path], output: Path, lang: str) -> Said:
    """`serve`'s first lines, and its last on Ctrl+C."""
    env = {**os.environ, **WIDE, "PYTHONUNBUFFERED": "1"}
    env.pop("PORTFOLIO_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(world["content"]), "-o", str(output),
         "--port", "0", "--lang", lang, "--skip", "pdf", "--skip", "media"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        preexec_fn=_interruptible)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if re.search(r"http://127\.0\.0\.1:\d+", line):
                break
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:   # say what it had said, not only that it hung
            proc.kill()
            rest, _ = proc.communicate()
            raise AssertionError("serve did not stop on Ctrl+C:\n" + "".join(lines)
                                 + (rest or "")) from None
        lines.append(rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    said = "".join(lines)
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
    return Said("serve", lang, said)


def _judge(world: dict[str, Path], runs: list[Said]) -> dict[str, list[str]]:
    content = Content(world["bad"], world["content"].name)
    wrong = {}
    for run in runs:
        assert "Traceback" not in run.output, (run.command, run.output)
        bad = _offenders(run.lang, content.output_residue(run.output))
        if bad:
            wrong[run.command] = bad
    return wrong


@pytest.mark.timeout(900)  # some twenty commands, a build and an export among them
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_speaks_one_language(world: dict[str, Path],
                                           built: dict[str, tuple[Path, str]],
                                           lang: str) -> None:
    assert _judge(world, _commands(world, built, lang)) == {}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_serve_speaks_one_language(world: dict[str, Path], built: dict[str, tuple[Path, str]],
                                   lang: str) -> None:
    run = _serve(world, built[lang][0], lang)
    assert "Ctrl+C" in run.output
    assert text("serve-stopped", lang) in run.output  # Ctrl+C said in the reader's words
    assert _judge(world, [run]) == {}


def test_run_inside_a_students_folder_says_to_go_up(world: dict[str, Path]) -> None:
    here = Path.cwd()
    os.chdir(world["content"] / "wang-xiaoming")
    try:
        for lang, up in (("zh-TW", "上一層"), ("en", "one level up")):
            run = _cli("check", "--lang", lang)
            assert run.exit_code == 2
            assert up in run.output and "cd .." in run.output, run.output
    finally:
        os.chdir(here)


# Every command's --help, and the group's: click's layout, the catalog's words.
HELPS = [(), *((name,) for name in sorted(main.commands))]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_help_speaks_one_language(lang: str) -> None:
    assert {"check", "build", "serve", "export", "links", "fit", "new", "edit"} <= set(
        main.commands)
    content = Content(Path(__file__).parent)  # no content in a help: nothing to take out
    wrong = {}
    for command in HELPS:
        run = _cli(*command, "--help", "--lang", lang)
        assert run.exit_code == 0, (command, run.output)
        for title in ("help-usage", "help-options"):
            assert text(title, lang) in run.output, (command, title)
        name = command[0] if command else "portfolio"
        # However it is wrapped: Chinese lines break between any two characters.
        assert "".join(text(f"help-cmd-{name}", lang).split()) in "".join(
            run.output.split()), command
        bad = _offenders(lang, content.output_residue(run.output))
        if bad:
            wrong[" ".join(command) or "portfolio"] = bad
    assert wrong == {}


def test_help_is_in_chinese_by_default_and_lang_goes_anywhere_on_the_line() -> None:
    zh = _cli("build", "--help")
    assert zh.output.startswith(text("help-usage", "zh-TW"))
    assert text("help-opt-offline", "zh-TW") in zh.output
    assert "Options:" not in zh.output and "Show this message" not in zh.output
    # --lang before --help, after it, and before the command's name: the same English.
    after = _cli("build", "--help", "--lang", "en").output
    assert _cli("build", "--lang=en", "--help").output == after
    assert _cli("--lang", "en", "build", "--help").output == after
    assert after.startswith("Usage: portfolio build [OPTIONS] [CONTENT]")
    assert text("help-opt-offline", "en") in after and zh.output != after
    assert "Show this message and exit." in after
    group = _cli("--help", "--lang", "en").output
    assert "Commands:" in group and text("help-cmd-check", "en") in group
    assert text("help-commands", "zh-TW") in _cli("--help").output
    assert _cli("--version", "--lang", "en").output.startswith("portfolio, version ")
    assert _cli("--version").output.startswith("portfolio 版本 ")
    # The group's --lang reaches the command: its messages come in English too.
    run = _cli("--lang", "en", "check", "/nowhere/at/all")
    assert run.exit_code == 2 and "is not there" in run.output


@pytest.mark.parametrize(("args", "key"), [
    (("chek",), "usage-no-such-command"),
    (("check", "--ofline"), "usage-no-such-option"),
    (("--ofline",), "usage-no-such-option"),
    ((), "usage-missing-command"),  # `portfolio --lang en`: options, no command
])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_clicks_own_refusals_in_the_readers_words(args: tuple[str, ...], key: str,
                                                  lang: str) -> None:
    run = _cli(*args, "--lang", lang)
    assert run.exit_code == 2
    said = text(key, lang).split("{")[0]
    assert run.output.startswith(f"portfolio: {said}"), run.output
    assert "Error:" not in run.output and "Try " not in run.output
    assert _offenders(lang, [run.output]) == []


def test_a_chinese_help_line_never_starts_with_a_closing_mark() -> None:
    lines = wrap("用來判斷期限的日期（預設依序為 portfolio.toml 的 today、今天）。" * 3, 20)
    assert all(not line.startswith(tuple("，。、）」；：")) for line in lines), lines
    assert all(not line.endswith(tuple("（「[")) for line in lines), lines
    # A closing mark may hang past the width (click leaves two columns for it).
    assert all(cell_len(line) <= 22 for line in lines), lines


def test_every_help_comes_from_the_catalog() -> None:
    for command in (main, *main.commands.values()):
        assert isinstance(command, SaidCommand), command.name
        assert has_text(f"help-cmd-{command.name}"), command.name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and has_text(param.help), (command.name, param.name)
