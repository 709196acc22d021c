"""The Dask executor: a batch's renders on a `dask.distributed` cluster, no shared disk needed.

Each task travels with the files it reads as bytes (the post and its bundle); the files many
tasks share (config, brand files, fonts, a theme folder) travel once per worker, by digest, in
a worker plugin that the scheduler also hands to workers that join later. A worker lays the
files out in a private temporary tree that mirrors the parent's paths (so every relative path,
`../`, a site's `static/`, a config's `theme = "…"`, means what it means on the parent), renders
there with the same pipeline and the same fetch policy, and sends back the PDF's bytes, its page
count, warnings and the files the render asked for. Since every root the policy allows lies in
that tree (or is the worker's installed theme), a post cannot read the worker's own files.

A render that asked for a file which was not shipped (an image in a Hugo site's `static/`) is
run again once with it: the parent ships on demand only what the post may read.

The parent writes every output itself. A post whose worker dies is sent once more (to the
next free worker), then fails alone (with the scheduler's `allowed-failures` at 0, as on the
`LocalCluster` we start, the scheduler itself retries nothing); a task past its time limit
fails and its worker is restarted when a nanny watches it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presskit import __version__
from presskit.batch import workers
from presskit.batch.executors import Done, Executor, Result, Task, TaskFiles
from presskit.errors import PresskitError

CONNECT_TIMEOUT = 20.0  # seconds to reach a scheduler
LOST_AFTER = 10.0  # seconds without a scheduler before the build gives up
POLL = 0.5  # seconds between looks at running tasks (time limits, a lost scheduler)
MAX_ON_DEMAND = 20 * 1024 * 1024  # the fetcher's cap on one file of a post
PLUGIN = "presskit-warm"

# The `LocalCluster` we start (`--executor dask-local`) runs a batch of renders and nothing
# else: no dashboard looks at it and nobody reads its logs. What Dask does by default for
# those, it does in every process for as long as the build lasts, beside the renders on the
# same cores: a sampling profiler that walks the rendering thread's stack every 10 ms,
# event-loop ticks every 20 ms, system and memory monitors, work stealing (moot when the
# scheduler queues tasks: `worker-saturation`), the active memory manager (for replicas we
# never make). Switched off or slowed, the 16 posts of `make bench` on 2 workers took ≈ 1.7 s
# less CPU in the workers (of 9.5, on a busy machine) and 0.5 s less in this process. The
# workers also render in the local pool's environment: no MALLOC_TRIM_THRESHOLD_ (nor
# thread counts for numeric libraries presskit does not use) set before they are spawned.
# A task whose worker dies fails at once (`allowed-failures` 0): `_finish` tries it once
# more, elsewhere.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ": {},
}


# What our LocalCluster's workers import beyond what the local pool's fork server imports
# and warms up (`presskit.batch.workers.hold_fork_server`): forked from it, a worker spends
# none of the 0.45 s of CPU that importing `distributed` takes, nor presskit's warm-up.
FORK_PRELOAD = ("distributed", "presskit.batch.remote")


def _dask_loggers() -> list[logging.Logger]:
    """`distributed` and its modules' loggers (its logging config gives some their own level)."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]
    return [logging.getLogger(n) for n in ["distributed", *names]]


@dataclass
class _Running:
    task: Task
    shipped: dict[str, bytes]
    attempts: int = 1  # renders asked for (a second one ships files asked for on demand)
    deaths: int = 0  # workers that died under it
    started: float | None = None  # when the scheduler first said it was running
    worker: str | None = None
    spared: bool = False  # its worker was restarted by us, for another task's time limit
    future: Any = None


@dataclass
class _Shared:
    """Shared files by digest, and which of them the cluster's workers already hold."""

    digests: dict[Path, str] = field(default_factory=dict)
    registered: set[str] = field(default_factory=set)


class DaskExecutor(Executor):
    """Renders on the Dask scheduler at `scheduler`, or on a `LocalCluster` of `jobs` worker
    processes when `scheduler` is None."""

    def __init__(self, jobs: int, scheduler: str | None) -> None:
        self.jobs = max(1, jobs)
        self.scheduler = scheduler
        self.cluster: Any = None
        self.client: Any = None
        self.shared = _Shared()
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._log_levels: dict[logging.Logger, int] = {}
        self._forking = False  # holding the fork server our LocalCluster's workers fork from
        self._refusing: set[str] = set()  # workers of another presskit version

    @property
    def remote(self) -> bool:
        return True

    @property
    def where(self) -> str:
        return self.scheduler or "the local Dask cluster"

    # ------------------------------------------------------------------ starting

    def warm(self, tasks: int) -> None:
        """Connect (or start the local cluster) and warm the workers on a thread, while the
        batch examines the remaining posts."""
        if self._starting is None and self.client is None:
            self._starting = threading.Thread(target=self._start_quietly, daemon=True)
            self._starting.start()

    def _start_quietly(self) -> None:
        try:
            self._start()
        except BaseException as error:  # noqa: BLE001 - raised again by `_ready`
            self._start_error = error

    def _ready(self) -> Any:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        elif self.client is None and self._start_error is None:
            self._start_quietly()
        if self._start_error is not None:
            error, self._start_error = self._start_error, None
            if isinstance(error, PresskitError):
                raise error
            raise PresskitError(f"cannot start Dask: {type(error).__name__}: {error}")
        return self.client

    def _start(self) -> None:
        if self.scheduler is None and workers.can_fork():
            # First: the server imports while this process imports Dask. Each worker is a fork
            # of it (a single-threaded process: this one's threads are not copied), warm.
            self._forking = workers.hold_fork_server(FORK_PRELOAD)
        import dask
        from distributed import Client, LocalCluster

        # Dask's own log lines (a worker lost, keys it could not gather) are not for the
        # person running the build: what became of each post is reported as for local runs.
        for logger in _dask_loggers():
            self._log_levels.setdefault(logger, logger.level)
            logger.setLevel(logging.CRITICAL)

        from presskit.batch.remote import WarmUp

        if self.scheduler is None:
            # One render at a time per worker process (WeasyPrint is not thread-safe). Each
            # worker warms up as it starts, before it joins the scheduler (`plugins`), not
            # after the client has connected and sent the plugin: the cluster is up when its
            # workers can render, and a worker the nanny restarts warms up again the same way.
            method = "forkserver" if self._forking else "spawn"
            with (
                warnings.catch_warnings(),
                dask.config.set(LOCAL_CLUSTER_CONFIG),
                dask.config.set({"distributed.worker.multiprocessing-method": method}),
            ):
                # (its HTTP server says so when port 8787 is taken: it takes another)
                warnings.simplefilter("ignore")
                self.cluster = LocalCluster(
                    n_workers=self.jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    worker_dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                    plugins={WarmUp(__version__)},
                )
            self.client = Client(self.cluster)
            return
        try:
            self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise PresskitError(
                f"cannot reach the Dask scheduler at {self.scheduler}: {reason}"
            ) from None
        # Workers that join later get it from the scheduler.
        self.client.register_plugin(WarmUp(__version__), name=PLUGIN)

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        with contextlib.suppress(Exception):  # a scheduler already gone: nothing to undo
            if self.client is not None and self.scheduler is not None:
                for name in self.shared.registered:
                    self.client.unregister_worker_plugin(f"presskit-files-{name}")
                self.client.unregister_worker_plugin(PLUGIN)  # (the workers stay warm)
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)
            self.client = None
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)
            self.cluster = None
        if self._forking:  # after the cluster: the server ends once its workers have
            self._forking = False
            workers.release_fork_server()
        for logger, level in self._log_levels.items():
            logger.setLevel(level)
        self._log_levels.clear()

    # ------------------------------------------------------------------ running

    def run(self, tasks: Iterable[Task], done: Done) -> None:
        from distributed import wait

        client = self._ready()
        pending = list(tasks)
        if not pending:
            return
        self._share(pending)
        running: dict[str, _Running] = {}
        for task in pending:
            item = _Running(task, _read_own(task.files))
            self._submit(client, item, running)
        lost_since: float | None = None
        alone_since: float | None = None  # since when the scheduler has had no worker
        while running:
            futures = [item.future for item in running.values()]
            broken = False
            try:
                finished = wait(futures, timeout=POLL, return_when="FIRST_COMPLETED").done
            except TimeoutError:  # nothing ended in this round
                finished = set()
            except Exception:  # noqa: BLE001 - the connection broke: decided below
                finished, broken = set(), True
            for future in finished:
                if future.status == "cancelled":  # not by us: the scheduler went away
                    broken = True
                    continue
                item = running.pop(future.key)
                self._finish(client, item, future, running, done)
            if broken or client.status != "running":
                lost_since = lost_since or time.monotonic()
                if time.monotonic() - lost_since >= LOST_AFTER or client.status == "closed":
                    count = len(running)
                    raise PresskitError(
                        f"lost the Dask scheduler at {self.where}; "
                        f"{count} post{'' if count == 1 else 's'} not rendered "
                        "(the manifest lists what finished)"
                    )
                time.sleep(POLL)
                continue
            lost_since = None
            if self._check_time_limits(client, running, done) != 0 or not running:
                alone_since = None
                continue
            # No worker to render what is left (the last one died, or none ever came): as
            # long as a post may take on a worker (and never less than a nanny may take to
            # restart one), then the build ends, as for a lost scheduler.
            alone_since = alone_since or time.monotonic()
            limit = max(LOST_AFTER, *(item.task.timeout for item in running.values()))
            if time.monotonic() - alone_since >= limit:
                count = len(running)
                raise PresskitError(
                    f"the Dask scheduler at {self.where} has had no worker for {limit:g} s; "
                    f"{count} post{'' if count == 1 else 's'} not rendered "
                    "(the manifest lists what finished)"
                )

    def _share(self, tasks: list[Task]) -> None:
        """Send the shared files the workers do not hold yet, in one plugin per new set."""
        new: dict[str, bytes] = {}
        for task in tasks:
            for path in task.files.shared:
                if path not in self.shared.digests:
                    data = path.read_bytes()
                    digest = hashlib.sha256(data).hexdigest()
                    self.shared.digests[path] = digest
                    new[digest] = data
        new = {d: b for d, b in new.items() if d not in self.shared.registered}
        if not new:
            return
        name = hashlib.sha256("".join(sorted(new)).encode()).hexdigest()[:16]
        from presskit.batch.remote import SharedFiles

        self.client.register_plugin(SharedFiles(new), name=f"presskit-files-{name}")
        self.shared.registered.add(name)

    def _submit(self, client: Any, item: _Running, running: dict[str, _Running]) -> None:
        task = item.task
        args = dict(task.args)
        originals: dict[str, str] = {}
        for name in task.files.paths:  # absolute, as the worker's tree mirrors them
            value = args.get(name)
            if isinstance(value, str) and ("/" in value or name in ("path", "out", "config")):
                args[name] = str(Path(value).resolve())
                originals[args[name]] = value
        payload = {
            "func": task.func,
            "args": args,
            "originals": originals,
            "paths": task.files.paths,
            "output": task.files.output,
            "own": item.shipped,
            "shared": {str(p): self.shared.digests[p] for p in task.files.shared},
            "version": __version__,
        }
        from presskit.batch.remote import remote_call

        key = f"presskit-{task.id}-{uuid.uuid4().hex[:8]}"
        # Never pinned to a worker: a pinned task skips the scheduler's queue and would wait
        # on a busy worker, and die with it, beside the post that kills it. Only once a worker
        # of another presskit version has refused a post are tasks kept to the others: it
        # refuses at once, so it would be free first and take post after post.
        others = self._others(client) if self._refusing else None
        item.future = client.submit(remote_call, payload, key=key, pure=False, workers=others)
        item.started = item.worker = None
        running[key] = item

    def _finish(
        self,
        client: Any,
        item: _Running,
        future: Any,
        running: dict[str, _Running],
        done: Done,
    ) -> None:
        task = item.task
        where = task.args.get("path", "task")
        if future.status == "lost":  # rendered, but its worker died before we had the result
            self._submit(client, item, running)
            return
        if future.status == "error":
            error = future.exception()
            name = type(error).__name__
            if name == "KilledWorker":
                # Tried once more, elsewhere; a worker we restarted (another post's time
                # limit) is no fault of this post's.
                if item.spared:
                    item.spared = False
                else:
                    item.deaths += 1
                if item.deaths < 2:
                    self._submit(client, item, running)
                    return
                message = f"{where}: its worker died while rendering it (tried twice)"
            else:
                message = f"{where}: failed on a Dask worker: {name}: {error}"
            done(task, Result.failure(message))
            return
        payload = future.result()
        refused = payload.pop("refused_by", None)
        if refused is not None:  # a worker of another presskit version: not this post's fault
            self._refusing.add(refused)
            if self._others(client):
                self._submit(client, item, running)
                return
        extra = self._on_demand(task.files, payload.get("files", ()), item.shipped)
        if extra and item.attempts < 2:
            item.shipped = {**item.shipped, **extra}
            item.attempts += 1
            self._submit(client, item, running)
            return
        output = task.files.output
        formats = task.args.get("formats")
        if payload.get("ok") and output and formats and isinstance(payload.get("formats"), dict):
            from presskit.output.backends import output_paths

            # each format to the path this process chose for it, never one the worker named
            for fmt, target in output_paths(task.args[output], formats).items():
                if fmt in payload["formats"]:
                    payload["formats"][fmt] = _written(payload["formats"][fmt], target)
        elif output:
            payload = _written(payload, Path(task.args[output]))
        done(task, Result.from_dict(payload))

    def _others(self, client: Any) -> list[str]:
        """The workers that have not refused a post for their presskit version."""
        try:
            workers = client.scheduler_info()["workers"]
        except Exception:  # noqa: BLE001 - a scheduler going away: `run` says so next round
            workers = {}
        return [w for w in workers if w not in self._refusing]

    @staticmethod
    def _on_demand(files: TaskFiles, asked: Iterable[str], shipped: dict[str, bytes]) -> dict:
        """Files the render asked for that were not shipped but that it may read here."""
        extra: dict[str, bytes] = {}
        roots = files.readable
        for name in asked:
            candidates = [Path(name)]
            candidates += [site / name.lstrip("/") for site in files.site]
            for candidate in candidates:
                try:
                    path = candidate.resolve()
                    if not any(path.is_relative_to(root) for root in roots):
                        continue
                    if str(path) in shipped or not path.is_file():
                        continue
                    if path.stat().st_size > MAX_ON_DEMAND:
                        continue
                    extra[str(path)] = path.read_bytes()
                except OSError:
                    continue
                break
        return extra

    def _check_time_limits(
        self, client: Any, running: dict[str, _Running], done: Done
    ) -> int | None:
        """Fail the posts past their time limit; how many workers the scheduler has (None:
        it did not answer)."""
        now = time.monotonic()
        try:
            processing = client.processing()  # every worker, idle ones too
        except Exception:  # noqa: BLE001 - a scheduler going away: `run` notices next round
            return None
        where = {str(key): worker for worker, keys in processing.items() for key in keys}
        for key, item in running.items():
            worker = where.get(key)
            if worker is None:  # queued, or back in the queue after its worker died
                item.started = item.worker = None
            elif item.started is None or item.worker != worker:  # the clock starts on a worker
                item.started, item.worker = now, worker
        for key, item in list(running.items()):
            if item.started is None or now - item.started < item.task.timeout:
                continue
            del running[key]
            if item.worker is not None:  # only a worker under a nanny comes back
                for other in running.values():
                    other.spared = other.spared or other.worker == item.worker
                # before the cancel: a cancelled task frees its worker's slot for the next
                # post, which would then wait behind the stuck one and die in the restart
                with contextlib.suppress(Exception):
                    client.restart_workers([item.worker], raise_for_error=False)
            item.future.cancel()
            where = item.task.args.get("path", "task")
            done(item.task, Result.failure(f"{where}: timed out after {item.task.timeout:g} s"))
        return len(processing)


def _read_own(files: TaskFiles) -> dict[str, bytes]:
    own: dict[str, bytes] = {}
    for path in files.own:
        with contextlib.suppress(OSError):  # gone since it was listed: the render says so
            own[str(path)] = path.read_bytes()
    return own


def _written(payload: dict[str, Any], target: Path) -> dict[str, Any]:
    """Write an output a worker sent back as bytes; what the manifest records about it, or
    the failure to write it."""
    data = payload.pop("data", None)
    if not payload.get("ok") or data is None:
        return payload
    from presskit.output.files import write_atomic

    try:
        # Not synced (as the local workers do): the manifest, synced after each post,
        # records sizes, and a torn file is rebuilt next time.
        write_atomic(target, data, durable=False)
    except PresskitError as error:
        return {"ok": False, "error": str(error)}
    return payload
