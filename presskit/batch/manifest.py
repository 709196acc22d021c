"""The batch's records: a `Document` per post (a row of `manifest.json`), the run's result, and
the manifest itself, read back at the next run and rewritten atomically as each post finishes.

Shared by the builder, the kit and the progress display, so none of them imports another.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presskit import __version__
from presskit.output.files import write_atomic

if TYPE_CHECKING:
    from presskit.source.post import Post

MANIFEST = "manifest.json"
STATUSES = ("built", "unchanged", "failed", "skipped")
_TEMP_FILE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


# --------------------------------------------------------------------------- records


@dataclass
class Document:
    """One post of the batch and what became of it: a row of `manifest.json`."""

    source: str
    output: str | None
    status: str = "failed"
    title: str | None = None
    lang: str | None = None
    date: str | None = None
    pages: int | None = None
    bytes: int | None = None
    sha256: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    reason: str | None = None  # why skipped, or why built although Hugo would not publish it
    hugo: str | None = None  # Hugo's verdict (presskit.source.verdict.VERDICTS)
    url: str | None = None  # the canonical URL: Hugo's permalink in a Hugo site
    translations: list[dict[str, str | None]] = field(default_factory=list)
    inputs: str | None = None
    depends: list[str] = field(default_factory=list)
    format: str = "pdf"  # the output backend (`presskit.output.backends`) that wrote `output`

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)


@dataclass
class KitFile:
    """The kit in a further format of `--formats` (`pdf,docx --kit`: the Word kit beside the
    PDF one, whose record is `BuildResult.kit_pdf` and the fields after it)."""

    path: Path | None = None
    pages: int | None = None
    error: str | None = None
    inputs: str | None = None
    sha256: str | None = None


@dataclass
class BuildResult:
    documents: list[Document]
    outdir: Path
    seconds: float
    kit_pdf: Path | None = None
    kit_zip: Path | None = None
    kit_error: str | None = None
    kit_pages: int | None = None
    kit_inputs: str | None = None
    # what the kit's files were when written: a kit is "unchanged" only if they still are
    kit_pdf_sha256: str | None = None
    kit_zip_sha256: str | None = None
    # the first embargo still in force at the build's moment: a post's PDF is stale after it
    next_lift: dt.datetime | None = None
    # an assembled kit's sections: laid out by this build, and taken from its cache
    kit_sections_rendered: int = 0
    kit_sections_reused: int = 0
    # the format of the kit above (the first of --formats that makes one), and the kits in
    # the other formats that make one, each failing alone
    kit_format: str | None = None
    kits: dict[str, KitFile] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for doc in self.documents if doc.status == status)

    @property
    def failed(self) -> list[Document]:
        return [doc for doc in self.documents if doc.status == "failed"]

    @property
    def ok(self) -> bool:
        kits_ok = all(kit.error is None for kit in self.kits.values())
        return not self.failed and self.kit_error is None and kits_ok

    def summary(self) -> str:
        """`built 4, unchanged 2, failed 0 in 1.2 s`; with several formats, each count says
        what it is made of: `built 4 (2 pdf, 2 docx)`."""
        formats = list(dict.fromkeys(d.format for d in self.documents if d.status != "skipped"))

        def counted(status: str) -> str:
            total = self.count(status)
            if len(formats) < 2 or not total:
                return f"{status} {total}"
            each = [
                f"{sum(d.status == status and d.format == f for d in self.documents)} {f}"
                for f in formats
            ]
            return f"{status} {total} ({', '.join(each)})"

        parts = [counted("built"), counted("unchanged"), counted("failed")]
        if self.count("skipped"):
            parts.append(f"skipped {self.count('skipped')}")
        future = len(  # posts, not files: a post's PDF and Word file are one page on the site
            {
                d.source
                for d in self.documents
                if d.hugo == "future" and d.status in ("built", "unchanged")
            }
        )
        if future:
            bare = len(  # built with no embargo: their pages say "For immediate release"
                {
                    d.source
                    for d in self.documents
                    if d.hugo == "future"
                    and d.status in ("built", "unchanged")
                    and "with no embargo" in (d.reason or "")
                }
            )
            held = "under embargo" if not bare else f"{bare} of them with no embargo"
            parts.append(f"{future} not yet published by Hugo (future: {held})")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


class Reporter:
    """Told about progress; the CLI shows a bar or plain lines, the Python API nothing."""

    def start(
        self, total: int, to_render: int, formats: tuple[str, ...] = ("pdf",), posts: int = 0
    ) -> None:
        """`total` documents (a row per post and format; one for a skipped or unreadable post)
        of `posts` posts, of which `to_render` are rendered."""

    def document(self, doc: Document) -> None:
        """A document reached its final status."""

    def note(self, message: str) -> None:
        """Something about the batch as a whole (the kit)."""

    def finish(self, result: BuildResult) -> None:
        """The batch is over."""


# --------------------------------------------------------------------------- manifest


def read_manifest(outdir: Path) -> tuple[dict[str, Document], dict[str, Any]]:
    """The previous run's documents by output path, and its kit record.

    An unreadable manifest (or one from another tool) just means everything is rebuilt.
    """
    try:
        data = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
        documents = {
            doc["output"]: Document.from_json(doc)
            for doc in data["documents"]
            if isinstance(doc, dict) and isinstance(doc.get("output"), str)
        }
        kit = data.get("kit")
        return documents, kit if isinstance(kit, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}


def manifest_bytes(documents: Iterable[Document], kit: dict[str, Any] | None) -> bytes:
    """The manifest as UTF-8. A file name that is not UTF-8 (a lone surrogate once decoded)
    is kept as a JSON `\\udcxx` escape, which reads back as the same name, instead of ending
    the batch with every other post's row lost."""
    data: dict[str, Any] = {
        "presskit": __version__,
        "documents": [doc.to_json() for doc in documents],
    }
    if kit:
        data["kit"] = kit
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8", "backslashreplace")


def write_manifest(outdir: Path, documents: Iterable[Document], kit: dict[str, Any] | None) -> bool:
    """Write (and sync) the manifest unless the file already says exactly this; whether it
    wrote. A build records its state before rendering, after each post and at the end: for a
    one-post rebuild (a preview's save) the first says what the file says and the last what
    the second wrote, so one write of the three reaches the disk."""
    path = outdir / MANIFEST
    data = manifest_bytes(documents, kit)
    try:
        same = path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        same = False
    if not same:
        write_atomic(path, data)
    return not same


def remove_stale_temp_files(outdir: Path) -> None:
    """A build killed mid-write leaves `.name.pdf.XXXXXXXX.tmp` files (never a partial PDF)."""
    for folder, _dirs, files in os.walk(outdir):
        for name in files:
            if _TEMP_FILE.fullmatch(name):
                (Path(folder) / name).unlink(missing_ok=True)


def date_text(post: Post) -> str | None:
    return post.date.isoformat() if post.date is not None else None


# --------------------------------------------------------------------------- the kit


def kit_record(result: BuildResult, kit: str | None) -> dict[str, Any] | None:
    """The manifest's "kit": the first kit format's file under "pdf" (the key it had when
    the kit was a PDF alone, whatever the format), and every format's record under "formats"."""
    if not kit:
        return None
    record: dict[str, Any] = {
        "name": kit,
        "pdf": result.kit_pdf.name if result.kit_pdf else None,
        "zip": result.kit_zip.name if result.kit_zip else None,
        "pages": result.kit_pages,
        "error": result.kit_error,
        "inputs": result.kit_inputs,
        "pdf_sha256": result.kit_pdf_sha256,
        "zip_sha256": result.kit_zip_sha256,
    }
    if result.kit_format is not None:
        first = KitFile(
            result.kit_pdf,
            result.kit_pages,
            result.kit_error,
            result.kit_inputs,
            result.kit_pdf_sha256,
        )
        kits = {result.kit_format: first, **result.kits}
        record["formats"] = {
            fmt: {
                "file": one.path.name if one.path else None,
                "pages": one.pages,
                "error": one.error,
                "inputs": one.inputs,
                "sha256": one.sha256,
            }
            for fmt, one in kits.items()
        }
    return record
