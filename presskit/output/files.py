"""Writing an output file so that a reader never sees half of it.

Its own module, with nothing heavy around it: the batch writes its manifest with it on a build
that renders nothing, which must not import the PDF stage (sockets, TLS, logging) for it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from presskit.errors import PresskitError


def write_atomic(out: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Write next to the target and rename over it: readers see the old file or the new one.

    `durable` also syncs the data to disk before the rename, so a crash can't leave an empty
    file under the target's name; it costs tens of milliseconds on a busy disk."""
    with atomic_stream(out, durable=durable) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def atomic_stream(out: Path, *, durable: bool = True) -> Iterator[BinaryIO]:
    """A file to write `out` into piece by piece, put in its place once whole (see
    `write_atomic`): a kit of thousands of pages, or its zip, is never held in memory, and a
    writer that fails leaves the file there was."""
    import tempfile  # with shutil, bz2, lzma: 3 ms a no-change build (which writes nothing) spares

    folder = out.parent if str(out.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PresskitError(f"cannot write output: {error.strerror}", out) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, out)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise PresskitError(f"cannot write output: {error.strerror}", out) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
