"""`portfolio serve`: build, serve on 127.0.0.1, rebuild and reload the browser on change."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import click
from rich.console import Console

from generator.commands.build import chosen_renderers
from generator.commands.options import (
    CONTENT_ARG,
    JOBS_OPTION,
    OUTPUT_OPTION,
    SKIP_OPTION,
    IntRange,
    SaidUsage,
    common_options,
)
from generator.commands.printing import fail_unreadable, print_findings, print_traces
from generator.commands.said_help import SaidCommand
from generator.content.loader import ContentError, require_root
from generator.engine.progress import Reporter
from generator.engine.themes import BUILTIN
from generator.i18n import text
from generator.pipeline.building import BuildResult
from generator.pipeline.building import build as run_build
from generator.pipeline.preview_server import Reloads, ignore_filter, make_server, watch_paths
from generator.support.atomic import OutputWriteError
from generator.support.listening import PORT_TRIES, first_free
from generator.support.ownership import OutputRefused, holding


def _listen(output: Path, port: int, reloads: Reloads, lang: str) -> ThreadingHTTPServer:
    """The server on `port`, or on the next free one when it is taken (0: any free port)."""
    server = first_free(lambda candidate: make_server(output, candidate, reloads, lang), port)
    if server is None:
        raise SaidUsage("usage-ports-busy", first=port, last=port + PORT_TRIES - 1)
    return server


def _summary(result: BuildResult, err: Console) -> None:
    lang = result.check.lang
    pages = sum(1 for rel in result.rendered if rel.endswith(".html"))
    c = result.check.document()["counts"]
    err.print(text("serve-rebuilt", lang, written=len(result.rendered), pages=pages,
                   seconds=f"{result.seconds:.1f}", error=c["error"], warning=c["warning"]))
    for failure in result.failures:
        err.print(text("build-failed", lang, what=failure.what, error=failure.error),
                  style="red")
    print_traces(result.failures, err)


@click.command(cls=SaidCommand)
@CONTENT_ARG
@OUTPUT_OPTION
@common_options
@click.option("--port", "-p", type=IntRange(0, 65535), default=8000, show_default=True,
              metavar="PORT", help="help-serve-port")
@click.option("--online", is_flag=True,
              help="help-serve-online")
@JOBS_OPTION
@SKIP_OPTION
def serve(content: Path, output: Path, lang: str | None, today: dt.date | None, port: int,
          online: bool, jobs: int | None, skip: tuple[str, ...]) -> None:
    """Build CONTENT, serve it on http://127.0.0.1, and rebuild and reload on every change."""
    err = Console(stderr=True, highlight=False)
    renderers = chosen_renderers(skip)

    def rebuild() -> BuildResult:
        return run_build(content, output, lang=lang, today=today, offline=not online,
                         jobs=jobs, renderers=renderers, reporter=Reporter(err))

    try:
        require_root(content)  # before the output is claimed: nothing made for nothing
        # Held for as long as serve runs: no other command writes there meanwhile.
        with holding(output, content):
            _serve(content, output, port, rebuild, err)
    except (ContentError, OutputRefused, OutputWriteError) as exc:
        fail_unreadable(exc, content, lang)


def _serve(content: Path, output: Path, port: int, rebuild: Callable[[], BuildResult],
           err: Console) -> None:
    try:
        result = rebuild()
    except (OutputRefused, OutputWriteError):
        raise
    except Exception as exc:
        fail_unreadable(exc, content)
    print_findings(result.check)
    _summary(result, err)

    # Imported before the address is shown: Ctrl+C then finds the watcher, not an import
    # of its native module half done (the suite's Ctrl+C test hung there under load).
    import watchfiles

    reloads = Reloads()
    server = _listen(output, port, reloads, result.check.lang)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    stop = threading.Event()
    lang = result.check.lang
    try:
        # Ctrl+C is ours to say from the moment the address is shown (watchfiles would
        # log its own English line, click its "Aborted!").
        click.echo(text("serve-listening", lang, url=url), err=False)
        sys.stdout.flush()
        for _changes in watchfiles.watch(*watch_paths(content, [BUILTIN]),
                                         watch_filter=ignore_filter(output), stop_event=stop,
                                         debounce=200, raise_interrupt=True):
            try:
                result = rebuild()
            except ContentError as exc:  # e.g. the last student folder was just removed
                err.print(f"portfolio: {exc.message(lang)}", style="red")
                continue
            except OutputWriteError as exc:  # e.g. the disk filled up: it may be freed
                err.print(f"portfolio: {exc.message(lang)}", style="red")
                continue
            lang = result.check.lang
            _summary(result, err)
            reloads.bump()
    except KeyboardInterrupt:
        err.print(text("serve-stopped", lang))
    finally:
        reloads.close()
        server.shutdown()
        server.server_close()
