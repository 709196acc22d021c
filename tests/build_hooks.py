"""Stand-in renderers for `presskit.build(runner=…)`: a post's file name says how it behaves.

They run inside the build's worker processes, so they must live in an importable module.
`crash` kills its worker the hard way, `hang` never returns, `slow` takes a moment (to kill
a build midway), anything else writes a small fake PDF at once: the build's bookkeeping is
tested without paying for WeasyPrint on every post.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

from presskit.output.backends import output_paths
from presskit.output.pdf import write_atomic


def fake_render(
    path: str,
    out: str,
    config: str | None,
    theme: str | None,
    offline: bool | None,
    as_of: str | None = None,
    formats: list[str] | None = None,
) -> dict:
    """As `presskit.batch.workers.render_post`: one PDF, or with `formats` one file per format
    said apart (with `BUILD_HOOKS_NO_DOCX` set, Word files fail and PDFs do not)."""
    source = Path(path)
    name = source.parent.name if source.name == "index.md" else source.stem
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "exit" in name:
        os._exit(3)
    if "hang" in name:
        time.sleep(3600)
    if "slow" in name:
        time.sleep(0.6)
    if formats is None:
        return _fake_one(source, Path(out), "pdf")
    each = {}
    for fmt, target in output_paths(out, formats).items():
        if fmt == "docx" and os.environ.get("BUILD_HOOKS_NO_DOCX"):
            each[fmt] = {"ok": False, "error": f"{path}: no Word file for this one"}
        else:
            each[fmt] = _fake_one(source, target, fmt)
    return {"ok": True, "formats": each, "files": []}


def _fake_one(source: Path, out: Path, fmt: str) -> dict:
    head = b"%PDF-1.7 fake " if fmt == "pdf" else f"{fmt} fake ".encode()
    data = head + hashlib.sha256(source.read_bytes()).hexdigest().encode()
    write_atomic(out, data)
    log = os.environ.get("BUILD_HOOKS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(f"{source}\t{os.getpid()}\t{fmt}\t{os.getppid()}\n")
    return {
        "ok": True,
        "pages": 1 if fmt == "pdf" else None,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "warnings": [],
        "files": [],
    }


def imported(module: str) -> bool:
    """Whether this worker process has imported `module` (for `Client.run`)."""
    import sys

    return module in sys.modules
