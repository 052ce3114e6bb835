"""`portfolio edit`: a form in the browser that writes the content root's files.

The address (with the run's token) is printed on one line and opened in the browser;
the server answers on 127.0.0.1 only, unless `--host` names another address and
`--allow-remote` says so. OUTPUT is claimed like a build's for as long as the editor
runs: previews, upload copies and the editor's scratch files go there, and nowhere else
but the content files the student saves.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
import signal
import sys
import threading
import webbrowser
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from generator.commands.options import (
    CONTENT_ARG,
    Folder,
    IntRange,
    SaidUsage,
    common_options,
)
from generator.commands.printing import fail_unreadable
from generator.commands.said_help import SaidCommand
from generator.content.loader import ContentError, missing_root
from generator.i18n import DEFAULT_LANG, text
from generator.support.atomic import OutputWriteError
from generator.support.listening import PORT_TRIES, first_free
from generator.support.ownership import OutputRefused, holding

if TYPE_CHECKING:
    from generator.editor.routes import Editor
    from generator.editor.server import EditorServer



def default_upload_mb() -> int:
    """The largest file the editor takes: about what `fit` can still bring under the
    影音 limit. The longest clip that fits at the lowest picture (a little over four
    minutes at 360p in 10 MB), filmed on a phone in 4K (~40 Mbit/s): about 1.2 GB."""
    from generator.render.upload.fitting import SizeLimits
    from generator.render.upload.video_fit import max_seconds
    from generator.rules import load_rules

    limits = SizeLimits.from_rules(load_rules().files)
    phone_bytes_per_second = 40_000_000 // 8
    return max(100, max_seconds(limits.budget("media"), True) * phone_bytes_per_second
               // 1_000_000)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command(cls=SaidCommand)
@CONTENT_ARG
@click.option("-o", "--output", type=Folder("output-not-folder"),
              default="output", show_default=True,
              help="help-edit-output")
@common_options
@click.option("--port", "-p", type=IntRange(0, 65535), default=0, metavar="PORT",
              help="help-edit-port")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="help-edit-host")
@click.option("--allow-remote", is_flag=True,
              help="help-edit-allow-remote")
@click.option("--no-browser", is_flag=True, help="help-edit-no-browser")
@click.option("--max-upload-mb", type=IntRange(1, 100_000), default=None, metavar="MB",
              help="help-edit-max-upload-mb")
def edit(content: Path, output: Path, lang: str | None, today: dt.date | None, port: int,
         host: str, allow_remote: bool, no_browser: bool, max_upload_mb: int | None) -> None:
    """Edit CONTENT (default ./content) in a form in the browser, checked as you type."""
    said = lang or DEFAULT_LANG
    if not _loopback(host) and not allow_remote:
        click.echo(f"portfolio: {text('edit-remote-refused', said, host=host)}", err=True)
        sys.exit(2)
    if not content.is_dir():
        fail_unreadable(missing_root(content) if not content.exists() else
                        ContentError("content-not-folder", root=str(content)), content, lang)
    try:
        with holding(output, content):
            _run(content, output, lang, today, port, host, not no_browser,
                 (max_upload_mb or default_upload_mb()) * 1_000_000, remote=not _loopback(host))
    except (OutputRefused, OutputWriteError) as exc:
        fail_unreadable(exc, content, lang)


def _run(content: Path, output: Path, lang: str | None, today: dt.date | None, port: int,
         host: str, open_browser: bool, max_upload: int, remote: bool) -> None:
    from generator.editor.routes import Editor

    editor = Editor(root=content, output=output, language=lang, today=today,
                    token=secrets.token_urlsafe(32), max_upload=max_upload)
    lang = editor.lang
    server = _listen(host, port, editor)
    shown = host if ":" not in host else f"[{host}]"
    url = f"http://{shown}:{editor.port}/?token={editor.token}"
    if remote:
        click.echo(text("edit-remote-warning", lang, host=host), err=True)
    click.echo(url)
    click.echo(text("edit-listening", lang, url=url), err=True)
    sys.stdout.flush()
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        editor.jobs.close()
        server.server_close()
        click.echo(text("edit-stopped", lang), err=True)


def _listen(host: str, port: int, editor: Editor) -> EditorServer:
    from generator.editor.server import EditorServer

    server = first_free(lambda candidate: EditorServer(host, candidate, editor), port)
    if server is None:
        raise SaidUsage("edit-ports-busy", first=port, last=port + PORT_TRIES - 1)
    return server
