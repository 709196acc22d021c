"""A small pool of warm worker processes that survives its workers dying.

Each worker imports WeasyPrint, pandoc's path and the fonts once, then renders post after post,
so the theme, templates and font caches stay warm. The parent talks to each worker over its
own pipe, so it always knows which post a worker is on: when a worker is killed by a segfault
or `os._exit`, or runs past the per-task time limit (the parent kills it), exactly that post
fails, a fresh worker takes the dead one's place, and the batch goes on. (A
`ProcessPoolExecutor` would instead break as a whole and lose track of the other tasks.)

Workers are never forked from the parent: it may hold threads (or be a test runner), and a
forked copy of a threaded process can deadlock. On Linux they are forked from multiprocessing's
fork server, a fresh single-threaded process that imports and warms up the renderer once
(`presskit.batch.preload`) while the parent examines the posts: a second worker then costs a
fork, not another 0.4 s of imports and warm-up. Elsewhere each worker is started with `spawn`
and warms up itself.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presskit import extensions, weasy
from presskit.batch.executors import EXTENSIONS_ARG, Done, Executor, Result, Task
from presskit.errors import PresskitError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from presskit.brand import Config

STARTUP_TIMEOUT = 120.0


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    started: float = field(default_factory=time.monotonic)
    task: Task | None = None
    deadline: float = 0.0


class Pool(Executor):
    """The local executor: `jobs` workers, started on the first `warm` or `run` and stopped
    on `close`."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.workers: list[_Worker] = []
        self.forks = can_fork()
        self.serving = False  # this pool has asked for the fork server and not closed

    def _serve(self) -> None:
        """Start the fork server if it is not running: it imports and warms up while the
        caller goes on (a worker's start waits for it)."""
        if self.forks and not self.serving:
            self.serving = hold_fork_server()
            self.forks = self.serving

    def _start(self) -> _Worker:
        import multiprocessing  # here, not on a no-change build's path

        self._serve()
        context = (
            multiprocessing.get_context("forkserver")
            if self.forks
            else multiprocessing.get_context("spawn")
        )
        parent, child = context.Pipe()
        # a forked worker has the server's environment: it takes this process's, as a spawned one
        process = context.Process(target=_worker_main, args=(child, dict(os.environ)), daemon=True)
        try:
            process.start()
        except (EOFError, OSError) as error:  # the fork server is gone (killed)
            parent.close()
            child.close()
            raise PresskitError(f"worker process could not start: {error!r}") from None
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def warm(self, posts: int) -> None:
        """Start workers for `posts` posts ahead of `run`: they import WeasyPrint while the
        caller is still deciding what else to render. Forking, the fork server does that,
        once, and `run` forks the workers from it."""
        if self.forks:
            self._serve()
            return
        while len(self.workers) < min(self.jobs, posts):
            self._start()

    def run(self, tasks: Iterable[Task], done: Done) -> None:
        """Run every task; `done` gets each result (a failure is a result, never an exception)."""
        pending = deque(tasks)
        while len(self.workers) < min(self.jobs, len(pending)):
            self._start()
        while pending or any(w.task for w in self.workers):
            for worker in self.workers:
                self._hand_out(worker, pending)
            self._wait(pending, done)

    @staticmethod
    def _hand_out(worker: _Worker, pending: deque[Task]) -> None:
        if worker.ready and worker.task is None and pending:
            task = pending.popleft()
            worker.task, worker.deadline = task, time.monotonic() + task.timeout
            worker.conn.send((task.func, task.args))

    def _wait(self, pending: deque[Task], done: Done) -> None:
        from multiprocessing.connection import wait

        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.task]
        deadlines += [w.started + STARTUP_TIMEOUT for w in self.workers if not w.ready]
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        handles: list[Any] = [w.conn for w in self.workers]
        handles += [w.process.sentinel for w in self.workers]
        ready = set(wait(handles, timeout))
        now = time.monotonic()
        for worker in list(self.workers):
            message = None
            if worker.conn in ready or worker.process.sentinel in ready:
                try:
                    message = worker.conn.recv() if worker.conn.poll() else None
                except (EOFError, OSError):
                    message = None
            if message is not None:
                kind, payload = message
                if kind == "ready":
                    worker.ready = True
                elif kind == "result" and worker.task is not None:
                    task, worker.task = worker.task, None
                    # The next post first: the worker renders it while `done` saves the
                    # manifest (an fsync), instead of waiting for it.
                    self._hand_out(worker, pending)
                    done(task, Result.from_dict(payload))
                elif kind == "broken":
                    self.close()
                    raise PresskitError(f"worker process could not start: {payload}")
                continue
            if worker.process.sentinel in ready or not worker.process.is_alive():
                self._lost(worker, pending, done, _death(worker))
            elif worker.task is not None and now >= worker.deadline:
                self._lost(worker, pending, done, f"timed out after {worker.task.timeout:g} s")
            elif not worker.ready and now >= worker.started + STARTUP_TIMEOUT:
                self.close()
                raise PresskitError("worker process did not start in time")

    def _lost(
        self,
        worker: _Worker,
        pending: deque[Task],
        done: Done,
        reason: str,
    ) -> None:
        """The worker died or hung: its task fails alone, and a fresh worker replaces it."""
        task = worker.task
        was_ready = worker.ready
        self._retire(worker, kill=True)
        if task is None and not was_ready:
            self.close()
            raise PresskitError(f"worker process could not start ({reason})")
        if task is not None:
            done(task, Result.failure(f"{task.args.get('path', 'task')}: {reason}"))
        if pending and len(self.workers) < self.jobs:
            self._start()

    def close(self) -> None:
        for worker in list(self.workers):
            if worker.task is None and worker.process.is_alive():
                with contextlib.suppress(OSError):  # already gone: join below reaps it
                    worker.conn.send(None)
        deadline = time.monotonic() + 2
        for worker in list(self.workers):
            worker.process.join(max(0.0, deadline - time.monotonic()))
            self._retire(worker, kill=True)
        if self.serving:
            self.serving = False
            release_fork_server()


# --------------------------------------------------------------------------- the fork server

PRELOAD = "presskit.batch.preload"  # what the fork server imports: the renderer, warmed up
_server_lock = threading.Lock()
_serving_pools = 0  # open pools that asked for the fork server: the last to close stops it
_started_server = False  # we started it (one someone else started is theirs to stop)


def can_fork() -> bool:
    """Linux only (where multiprocessing always has its fork server): elsewhere (macOS)
    system libraries may hold threads that a fork would copy."""
    return sys.platform == "linux"


def hold_fork_server(preload: Sequence[str] = ()) -> bool:
    """Start the fork server unless it runs: it imports and warms up while the caller goes on
    (starting a worker waits for it). `preload`: modules it imports first (the Dask executor's
    workers also need `distributed`); a server already running keeps what it has. False when
    it cannot start: its socket lives under TMPDIR, and a long TMPDIR makes a path longer than
    a Unix socket's 107 bytes (`AF_UNIX path too long`); the caller spawns its workers then."""
    global _serving_pools, _started_server
    from multiprocessing import forkserver

    with _server_lock:
        server = getattr(forkserver, "_forkserver", None)
        if _serving_pools == 0:
            _started_server = getattr(server, "_forkserver_pid", None) is None
        forkserver.set_forkserver_preload([*preload, PRELOAD])
        try:
            forkserver.ensure_running()
        except OSError:
            return False
        _serving_pools += 1
        return True


@contextlib.contextmanager
def fork_server_ahead(preload: Sequence[str] = ()) -> Iterator[None]:
    """Start the fork server now, before a batch that will render is even examined (`build
    --force`, or no manifest yet: every post renders), and stop it after the batch. Its
    imports and warm-up (0.35 s of CPU) are what the first render waits for: started ahead
    of the batch's own imports and discovery, the first post renders sooner. The batch's
    pool finds it running and forks its workers from it. A batch that fails stops it at
    once, without waiting for its warm-up to end. `preload`: as for `hold_fork_server` (a
    `dask-local` cluster's workers also import `distributed`)."""
    held = can_fork() and hold_fork_server(preload)
    try:
        yield
    except BaseException:
        if held:
            held = False
            release_fork_server(abandon=True)
        raise
    finally:
        if held:
            release_fork_server()


def release_fork_server(*, abandon: bool = False) -> None:
    """Stop the fork server with the last pool using it, if we started it. It ends once every
    worker it forked has ended, and waiting for it here counts those workers' CPU time among
    this process's children, as a spawned worker's is (what `time` or a benchmark reports);
    otherwise the server would linger until this process exits. multiprocessing has no
    public way to stop it: `_stop` (3.8 onwards) is what its own tests use, and without it
    the server lives on. `abandon`: kill it first (nothing it forked is left to count)."""
    global _serving_pools
    from multiprocessing import forkserver

    with _server_lock:
        _serving_pools -= 1
        if _serving_pools > 0 or not _started_server:
            return
        server = getattr(forkserver, "_forkserver", None)
        stop = getattr(server, "_stop", None)
        if stop is None:
            return
        pid = getattr(server, "_forkserver_pid", None)
        if abandon and pid is not None:  # it may still be importing: no reason to wait
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        stop()


def _death(worker: _Worker) -> str:
    worker.process.join(1)
    code = worker.process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"worker crashed ({name})"
    return f"worker exited unexpectedly (status {code})"


# --------------------------------------------------------------------------- worker side


_warm = False


def warm_up() -> None:
    """Pay once per worker for what every render needs: imports, pandoc, fontconfig."""
    global _warm
    if _warm:
        return
    import datetime as dt

    from presskit import i18n, pipeline  # noqa: F401 - pipeline: imported for its side effects
    from presskit.output import convert
    from presskit.source import frontyaml  # noqa: F401 - a post's front matter needs it
    from presskit.weasy.engine import HTML, font_configuration

    convert.pandoc_path()
    # No @font-face: warms the font configuration posts share. What the first post would
    # otherwise pay for alone in each worker (0.15–0.3 s of its render) is paid here once,
    # in the fork server, for all of them: English hyphenation's dictionary (pyphen), the
    # C types of font subsetting (cffi parses each on first use), the modules a fetched
    # image brings in (WeasyPrint keeps its headers in an `email` message), CLDR's tables.
    image = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"
    page = (
        f'<p lang="en" style="hyphens: auto; width: 3em">warm considerations<img src="{image}">'
        "</p><p>暖</p>"
    )
    HTML(string=page).render(font_config=font_configuration(page)).write_pdf()
    i18n.format_date(dt.date(2020, 1, 1), "en")
    # What is alive now (modules, WeasyPrint's and fontconfig's tables) lives as long as the
    # worker: out of the collector's sight, each full collection no longer walks it again
    # (the collector's share of a corpus post, 17 → 10 ms).
    gc.collect()
    gc.freeze()
    _warm = True


def _call(func: str, args: dict[str, Any]) -> dict[str, Any]:
    module, _, name = func.partition(":")
    target = getattr(importlib.import_module(module), name)
    args = dict(args)
    declared = args.pop(EXTENSIONS_ARG, ())
    try:
        # The modules whose shortcodes the parent declared (a script calling presskit.build):
        # this process is fresh, and knows only what it imports.
        extensions.load(declared, source="the parent process's shortcode declarations")
        return target(**args)
    except PresskitError as error:
        return {"ok": False, "error": str(error.located(args.get("path")))}
    except Exception as error:  # a bug must fail one post, not the batch  # noqa: BLE001
        where = args.get("path", func)
        last = traceback.extract_tb(error.__traceback__)[-1]
        return {
            "ok": False,
            "error": f"{where}: internal error: {type(error).__name__}: {error} "
            f"(at {last.filename}:{last.lineno}; please report)",
        }


def _worker_main(conn: Connection, environ: dict[str, str] | None = None) -> None:
    if environ is not None and environ != os.environ:
        os.environ.clear()
        os.environ.update(environ)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # An untested WeasyPrint is announced once, by the parent, not once per worker.
    warnings.simplefilter("ignore", weasy.UntestedWeasyPrint)
    try:
        warm_up()
    except Exception as error:  # noqa: BLE001 - reported to the parent, which stops the batch
        conn.send(("broken", f"{type(error).__name__}: {error}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        func, args = message
        result = _call(func, args)
        try:
            conn.send(("result", result))
        except (BrokenPipeError, OSError):
            return


def render_post(
    path: str,
    out: str,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    as_of: str | None = None,
    formats: list[str] | None = None,
    pdf_variant: str | None = None,
) -> dict[str, Any]:
    """The default runner: one post to one PDF, with what the manifest records about it;
    its embargo judged as of `as_of` (ISO 8601, from `build --as-of`) or now. With `formats`,
    one file per format beside `out` (`output_paths`), each said apart under "formats" (one
    may fail while another is written). `pdf_variant`: the PDF's (`build --pdf-variant`)."""
    if formats is None:
        return _render_one(path, Path(out), config, theme, offline, as_of, "pdf", pdf_variant)
    from presskit.output.backends import known, output_paths

    if not all(known(fmt) for fmt in formats):
        from presskit.pipeline import resolve_config

        resolve_config(Path(path), config)  # loads the extensions that register the others
    each: dict[str, dict[str, Any]] = {}
    for fmt, target in output_paths(out, formats).items():
        try:
            each[fmt] = _render_one(path, target, config, theme, offline, as_of, fmt, pdf_variant)
        except PresskitError as error:  # this format fails; the others are still written
            each[fmt] = {"ok": False, "error": str(error.located(path))}
    read = [name for result in each.values() for name in result.get("files", ())]
    # the files every format asked for: what a remote worker must be shipped on a retry
    return {"ok": True, "formats": each, "files": list(dict.fromkeys(read))}


def _render_one(
    path: str,
    out: Path,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    as_of: str | None,
    fmt: str,
    pdf_variant: str | None = None,
) -> dict[str, Any]:
    import datetime as dt
    import hashlib

    from presskit.output.page import Options
    from presskit.pipeline import render

    options = Options(now=dt.datetime.fromisoformat(as_of)) if as_of else None

    # No fsync per output: a batch's outputs are checked against the manifest's sizes, which
    # the batch writes durably after each post, so a file a crash tore is rebuilt next time.
    result = render(
        path,
        out,
        config,
        to=fmt,
        theme=theme,
        offline=offline,
        options=options,
        timeout=None,
        durable=False,
        pdf_variant=pdf_variant if fmt == "pdf" else None,
    )
    data = out.read_bytes()
    return {
        "ok": True,
        "pages": result.pages,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "warnings": [str(w) for w in result.warnings],
        "files": [str(f) for f in result.files],
    }
