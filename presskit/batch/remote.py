"""The Dask worker's side of `presskit.batch.cluster`: its plugins and the call that runs a task.

Separate from the parent's side so that a build which renders nothing never imports
`distributed`; workers import it by name when they unpickle a task or a plugin.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from presskit import __version__


class WarmUp(WorkerPlugin):
    """Pays once per worker for what every render needs (as the local pool's workers do)."""

    idempotent = True

    def __init__(self, version: str) -> None:
        self.version = version

    def setup(self, worker: Any) -> None:
        if self.version != __version__:
            # Nothing to warm: it refuses each task (`remote_call`) and the build sends the
            # post to another worker. Raising here failed the whole build when this worker
            # was there before it, and did nothing when it joined later.
            return
        from presskit.batch.workers import warm_up

        warm_up()


class SharedFiles(WorkerPlugin):
    """Files many tasks read, kept on each worker's disk by digest."""

    idempotent = True

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def setup(self, worker: Any) -> None:
        folder = _cache_folder(worker)
        for digest, data in self.files.items():
            target = folder / digest
            if not target.is_file():
                temp = folder / f".{digest}.{uuid.uuid4().hex[:8]}"
                temp.write_bytes(data)
                temp.replace(target)


def _cache_folder(worker: Any) -> Path:
    folder = Path(worker.local_directory) / "presskit-files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_RENDER_LOCK = threading.Lock()  # a worker with several threads still renders one at a time


def remote_call(payload: dict[str, Any]) -> dict[str, Any]:
    """Run one task from shipped bytes in a private temporary tree; the output comes back
    as bytes and every path in what is said about it is the parent's again."""
    from distributed import get_worker

    from presskit.batch.workers import _call

    if payload["version"] != __version__:
        where = payload["args"].get("path", "task")
        where = payload.get("originals", {}).get(where, where)  # (a build of any version)
        return {
            "ok": False,
            "error": f"{where}: the Dask worker runs presskit {__version__}, "
            f"the build {payload['version']}",
            "refused_by": get_worker().address,  # for the build: send it elsewhere
        }
    cache = _cache_folder(get_worker())
    with _RENDER_LOCK:
        root = Path(tempfile.mkdtemp(prefix="presskit-task-"))
        try:
            return _run_in(root, payload, cache, _call)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _mirror(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def _run_in(root: Path, payload: dict[str, Any], cache: Path, call: Any) -> dict[str, Any]:
    for name, data in payload["own"].items():
        target = _mirror(root, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name, digest in payload["shared"].items():
        target = _mirror(root, name)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = cache / digest
        if not source.is_file():
            where = payload["args"].get("path", "task")
            return {"ok": False, "error": f"{where}: a shared file never reached the worker"}
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    args = dict(payload["args"])
    back: list[tuple[str, str]] = []
    for name in payload["paths"]:
        value = args.get(name)
        if isinstance(value, str) and value.startswith("/"):
            args[name] = str(_mirror(root, value))
            back.append((args[name], payload["originals"].get(value, value)))
    from presskit.output.pdf import MIRROR

    token = MIRROR.set(root)
    try:
        result = call(payload["func"], args)
    finally:
        MIRROR.reset(token)
    output = payload["output"]
    if result.get("ok") and output:
        formats = args.get("formats")
        if formats and isinstance(result.get("formats"), dict):
            from presskit.output.backends import output_paths

            # each format written comes back as bytes, each failure as it was said
            for fmt, target in output_paths(args[output], formats).items():
                each = result["formats"].get(fmt)
                if isinstance(each, dict) and each.get("ok"):
                    result["formats"][fmt] = _with_bytes(each, target, fmt)
        else:
            result = _with_bytes(result, Path(args[output]), payload["args"][output])
    return _unmirrored(result, root, back)


def _with_bytes(result: dict[str, Any], target: Path, name: str) -> dict[str, Any]:
    try:
        return {**result, "data": target.read_bytes()}
    except OSError as error:
        return {"ok": False, "error": f"{name}: {error.strerror}"}


def _unmirrored(value: Any, root: Path, back: list[tuple[str, str]]) -> Any:
    """The temporary tree's paths, in what the task returned, as the parent's paths."""
    if isinstance(value, str):
        for mirrored, original in back:
            value = value.replace(mirrored, original)
        return value.replace(str(root), "")
    if isinstance(value, list | tuple):
        return type(value)(_unmirrored(v, root, back) for v in value)
    if isinstance(value, dict):
        return {k: _unmirrored(v, root, back) for k, v in value.items()}
    return value
