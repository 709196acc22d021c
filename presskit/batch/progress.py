"""How `presskit build` tells a person what it is doing, on stderr.

On a terminal, one line that redraws itself (a bar, counts, the last post); elsewhere (CI logs,
pipes) or with `--quiet`, plain lines that read well in a log. The summary and the failures,
one `path:line: reason` each, are always printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from presskit.batch.manifest import BuildResult, Document, Reporter
from presskit.errors import printable, warning_count


class LineReporter(Reporter):
    """A line per post rendered or failed; `quiet` leaves only the summary and its failures."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet

    def write(self, text: str) -> None:
        self.stream.write(printable(text, newlines=False) + "\n")
        self.stream.flush()

    def start(
        self, total: int, to_render: int, formats: tuple[str, ...] = ("pdf",), posts: int = 0
    ) -> None:
        if self.quiet:
            return
        if len(formats) > 1:
            count = f"{posts} {'post' if posts == 1 else 'posts'}"
            files = f"{to_render} file{'' if to_render == 1 else 's'}"
            self.write(f"{count} as {' + '.join(formats)}, {files} to render")
        else:
            self.write(f"{total} {'post' if total == 1 else 'posts'}, {to_render} to render")

    def document(self, doc: Document) -> None:
        if doc.status == "failed" and not self.quiet:  # the summary lists it again
            self.write(f"failed    {doc.error}")
        elif not self.quiet and doc.status == "built":
            count = warning_count(doc.warnings)
            extra = f", {count} warning{'s' if count > 1 else ''}" if count else ""
            if doc.pages is None:  # a format without fixed pages (Word): its size instead
                size = f"{doc.bytes or 0} bytes"
                if (doc.bytes or 0) >= 1024:
                    size = f"{(doc.bytes or 0) / 1024:.0f} KiB"
            else:
                size = f"{doc.pages} page{'s' if doc.pages != 1 else ''}"
            note = f"; {doc.reason}" if doc.reason else ""
            self.write(f"built     {doc.output} ({size}{extra}){note}")

    def note(self, message: str) -> None:
        if not self.quiet:
            self.write(message)

    def finish(self, result: BuildResult) -> None:
        summarize(result, self.write)


class BarReporter(Reporter):
    """A redrawn status line: `[#####-----] 31/70  built 29  failed 2  zh/blog/…`."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.counts = {"built": 0, "unchanged": 0, "failed": 0, "skipped": 0}
        self.last_draw = 0.0

    def start(
        self, total: int, to_render: int, formats: tuple[str, ...] = ("pdf",), posts: int = 0
    ) -> None:
        self.total = total

    def document(self, doc: Document) -> None:
        self.counts[doc.status] = self.counts.get(doc.status, 0) + 1
        now = time.monotonic()
        if doc.status == "built" or now - self.last_draw > 0.1:
            self.draw(doc.output or doc.source)
            self.last_draw = now

    def draw(self, current: str) -> None:
        done = sum(self.counts.values())
        width = _terminal_width()
        bar_width = 24
        filled = bar_width * done // max(self.total, 1)
        bar = "#" * filled + "-" * (bar_width - filled)
        counts = f"built {self.counts['built']}  failed {self.counts['failed']}"
        line = printable(f"[{bar}] {done}/{self.total}  {counts}  {current}", newlines=False)
        self.stream.write("\r" + line[: width - 1].ljust(width - 1))
        self.stream.flush()

    def note(self, message: str) -> None:
        self.draw(message)

    def finish(self, result: BuildResult) -> None:
        self.stream.write("\r" + " " * (_terminal_width() - 1) + "\r")
        summarize(result, lambda text: print(printable(text, newlines=False), file=self.stream))


def summarize(result: BuildResult, write: Callable[[str], object]) -> None:
    write(result.summary())
    for doc in result.failed:
        write(f"  {doc.error}")
    if result.kit_error:
        write(f"kit not written: {result.kit_error}")
    elif result.kit_pdf is not None:
        pages = f" ({result.kit_pages} pages)" if result.kit_pages else ""
        write(f"kit: {result.kit_pdf}{pages}, {result.kit_zip}")
    for fmt, kit in result.kits.items():  # the kit in the other formats (Word beside PDF)
        if kit.error:
            write(f"{fmt} kit not written: {kit.error}")
        elif kit.path is not None:
            write(f"kit: {kit.path}")


def reporter_for(stream: TextIO, *, quiet: bool) -> Reporter:
    if not quiet and stream.isatty():
        return BarReporter(stream)
    return LineReporter(stream, quiet=quiet)


def _terminal_width() -> int:
    """shutil's answer, imported only when a progress line is drawn (`--quiet` draws none)."""
    import shutil

    return shutil.get_terminal_size((80, 20)).columns
