"""Where a batch's renders run: typed tasks in, typed results out.

`presskit build` decides what to render (discovery, the manifest, the kit) and hands the work
to an `Executor`. The batch never learns how the work is spread: the local pool of warm worker
processes (`batch.workers.Pool`) and a Dask cluster (`batch.cluster.DaskExecutor`) take the
same `Task`s and give back the same `Result`s. A task says what it reads and writes
(`TaskFiles`), so an executor without the parent's filesystem can ship the files as bytes and
bring the output back; the parent stays the only writer of outputs and of the manifest.
"""

from __future__ import annotations

import datetime as dt
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presskit.errors import PresskitError

EXECUTORS = ("local", "dask-local", "dask")
SCHEDULER_VARIABLE = "PRESSKIT_SCHEDULER"
EXTENSIONS_ARG = "_extensions"  # a task's modules to import first (`extensions.declared_modules`)


@dataclass(frozen=True)
class TaskFiles:
    """What a task reads and writes on the parent's disk.

    `paths` names the arguments that hold local paths; `output` the argument naming the file
    the task writes (a remote worker writes it in its own temporary tree and the bytes come
    back). `own` are files only this task reads (a post and its bundle); `shared` are files
    many tasks read (the config, brand files, fonts, a theme folder), sent once per worker.
    `site` are folders a task may also read from when the first render asks for their files
    (a Hugo site's `static/`): they are shipped on demand, not up front.
    """

    paths: tuple[str, ...] = ()
    output: str | None = None
    own: tuple[Path, ...] = ()
    shared: tuple[Path, ...] = ()
    readable: tuple[Path, ...] = ()
    site: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Task:
    """One unit of work: `func` ("module:function") called with `**args` in a worker."""

    id: int
    func: str
    args: dict[str, Any]
    timeout: float
    files: TaskFiles = field(default_factory=TaskFiles)


@dataclass(frozen=True)
class Result:
    """What became of a task. A failure is a result (`ok` false, `error` one line), never an
    exception: one broken post must not stop the batch."""

    ok: bool
    error: str | None = None
    pages: int | None = None
    size: int | None = None
    sha256: str | None = None
    warnings: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # local files the task asked for, found or not
    data: dict[str, Any] = field(default_factory=dict)  # anything else the function returned
    # A task that wrote several outputs (a post as PDF and Word): each format's own result,
    # which may fail while another succeeds. Empty for a task of one output.
    formats: dict[str, Result] = field(default_factory=dict)

    def of(self, fmt: str) -> Result:
        """What became of the `fmt` output: its own result, or the whole task's (a task of one
        output, or one that failed as a whole: a worker crash, a time limit)."""
        if not self.ok or not self.formats:
            return self
        return self.formats.get(fmt) or Result.failure(f"no {fmt} output came back")

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Result:
        known = {"ok", "error", "pages", "bytes", "sha256", "warnings", "files", "formats"}
        return cls(
            ok=bool(payload.get("ok")),
            error=payload.get("error") or (None if payload.get("ok") else "failed"),
            pages=payload.get("pages"),
            size=payload.get("bytes"),
            sha256=payload.get("sha256"),
            warnings=tuple(str(w) for w in payload.get("warnings", ())),
            files=tuple(str(f) for f in payload.get("files", ())),
            data={k: v for k, v in payload.items() if k not in known},
            formats={
                str(fmt): cls.from_dict(each) for fmt, each in payload.get("formats", {}).items()
            },
        )

    @classmethod
    def failure(cls, error: str) -> Result:
        return cls(ok=False, error=error)


Done = Callable[[Task, Result], None]


def clock_arg(now: dt.datetime | None) -> dict[str, str]:
    """A task's `as_of` argument, only when a clock was given: a runner written before the
    clock existed (`runner=`) keeps working for every build that does not set one."""
    return {"as_of": now.isoformat()} if now is not None else {}


class Executor(ABC):
    """Runs tasks; `done` is called in the caller's thread once per task, as each ends."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm(self, tasks: int) -> None:  # noqa: B027 - optional: nothing to warm by default
        """`tasks` tasks are coming: start (and warm) workers for them now, while the caller
        is still deciding what else to run."""

    @abstractmethod
    def run(self, tasks: Iterable[Task], done: Done) -> None:
        """Run every task; `done` gets each result. Raises `PresskitError` only when the
        executor itself is lost (workers that cannot start, a scheduler gone)."""

    @abstractmethod
    def close(self) -> None:
        """Stop what this executor started (never a cluster it only connected to)."""

    @property
    def remote(self) -> bool:
        """True when tasks run without the parent's filesystem."""
        return False


def choose(executor: str | None, scheduler: str | None) -> tuple[str, str | None]:
    """`--executor`/`--scheduler`, with `PRESSKIT_SCHEDULER` as the scheduler's default.

    A scheduler alone means the dask executor; an explicit executor wins over the variable."""
    if executor not in (None, *EXECUTORS):
        raise PresskitError(f"unknown executor {executor!r} (one of {', '.join(EXECUTORS)})")
    if scheduler and executor not in (None, "dask"):
        raise PresskitError(f"--scheduler is for the dask executor, not {executor}")
    if executor not in (None, "dask"):
        return str(executor), None
    scheduler = scheduler or os.environ.get(SCHEDULER_VARIABLE) or None
    if scheduler:
        return "dask", scheduler
    if executor == "dask":
        raise PresskitError(
            f"--executor dask needs --scheduler tcp://HOST:8786 (or {SCHEDULER_VARIABLE})"
        )
    return "local", None
