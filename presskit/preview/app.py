"""`presskit preview` and `presskit build --watch`: the long-running commands.

Both stop on Ctrl-C (or SIGTERM) the same way: stop watching, let the workers go, remove the
temporary files, exit 0. Nothing they start outlives them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from presskit.errors import printable
from presskit.preview.server import serve
from presskit.preview.session import Session, warm_pool
from presskit.preview.watch import watch, watch_roots


@contextlib.contextmanager
def interrupt_on_term() -> Iterator[None]:
    """SIGTERM ends the command as Ctrl-C does (a test, a service manager, `kill`)."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_preview(
    paths: Sequence[Path],
    *,
    host: str,
    port: int,
    open_browser: bool,
    out: TextIO,
    **options: Any,
) -> None:
    """Serve the preview until Ctrl-C; the first render starts at once, in the background."""
    with interrupt_on_term():  # from the start: a SIGTERM at any moment still cleans up
        session = Session(paths, **options)
        try:
            try:
                server = serve(session, host, port)
            except OSError as error:
                raise OSError(f"cannot listen on {host}:{port}: {error.strerror}") from None
            session.log = lambda line: print(printable(line), file=out, flush=True)
            _serve_until_stopped(session, server, paths, open_browser, out)
        finally:
            session.close()
    print("stopped", file=out, flush=True)  # the workers ended, the temporary files gone


def _serve_until_stopped(
    session: Session, server: Any, paths: Sequence[Path], open_browser: bool, out: TextIO
) -> None:
    posts = "1 post" if session.single else ", ".join(str(p) for p in paths)
    try:
        shown = printable(f"previewing {posts} at {server.url}  (Ctrl-C stops)", newlines=False)
        print(shown, file=out, flush=True)
        session.start()
        if open_browser:
            open_in_browser(server.url, out)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        session.stop.set()  # event streams end before the server waits for them
        server.server_close()


# What Python's webbrowser falls back to in a terminal: each would take over the terminal the
# preview prints to (and reads Ctrl-C from). Used only when $BROWSER names them.
TERMINAL_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m"})


def open_in_browser(url: str, out: TextIO) -> threading.Thread | None:
    """`--open`: the URL in the writer's browser ($BROWSER first, as Python's webbrowser reads
    it), on a thread of its own, so a browser that is slow to start, or that waits, delays
    nothing. Where there is none, or only a terminal browser nobody asked for, the preview says
    so and goes on serving."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        browser = None
    name = Path(str(getattr(browser, "name", ""))).name
    if browser is None or (name in TERMINAL_BROWSERS and not os.environ.get("BROWSER")):
        print(f"no browser to open here: open {url} in yours", file=out, flush=True)
        return None

    def launch() -> None:
        try:
            opened = browser.open(url)
        except OSError as error:
            opened, why = False, f" ({error.strerror or error})"
        else:
            why = ""
        if not opened:
            print(f"could not open a browser{why}: open {url} in yours", file=out, flush=True)

    thread = threading.Thread(target=launch, name="presskit-preview-browser", daemon=True)
    thread.start()
    return thread


def watch_build(
    paths: Sequence[Path],
    build: Callable[[Any], Any],
    *,
    jobs: int,
    config: Path | None,
    theme: str | None,
    outdir: Path,
    out: TextIO = sys.stderr,
) -> Any:
    """Build now, then again after each save, with the same workers, until Ctrl-C.

    `build(pool)` runs one build and returns its result; the caller prints as a build does.
    """
    stop = threading.Event()
    saved = threading.Event()
    result = None
    with interrupt_on_term(), warm_pool(jobs) as pool:
        watcher = threading.Thread(
            target=watch,
            args=(lambda: watch_roots(paths, config, theme), lambda _paths: saved.set(), stop),
            kwargs={"ignore": outdir.resolve()},  # its own PDFs must not start another build
            daemon=True,
        )
        try:
            watcher.start()
            while True:
                saved.clear()
                result = build(pool)
                print("watching for changes (Ctrl-C stops)", file=out, flush=True)
                lift = getattr(result, "next_lift", None)
                while not saved.wait(0.2):
                    if lift is not None and dt.datetime.now(dt.UTC) >= lift:
                        # a PDF printed "Embargoed until …": the build counts the lift
                        print("an embargo lifted", file=out, flush=True)
                        break
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            watcher.join(10)
    print("stopped", file=out, flush=True)
    return result
