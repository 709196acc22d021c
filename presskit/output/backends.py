"""Output backends: one post into one kind of file, behind one small interface.

`presskit render` and `presskit build` do not know how a PDF or a Word file is made; they ask
`get` for a backend and call `render(job)`. A backend is a class with a `name` (what `--to`
and `--formats` say), a file `suffix`, and `render(job) -> RenderResult`. The built-in ones are
named here by "module:Class" and imported only when used (WeasyPrint costs a second to import;
`presskit render --to docx` never pays it); a site adds its own with `register`.

The kit (`presskit build --kit`) splits the same way, as a Sphinx builder or a Pelican writer
does: `presskit.batch.kit` keeps what is the same for every format (which posts, their order
and language groups, each post's section cached by its inputs, the zip, the manifest) and asks
the kit's format for a `presskit.batch.kit.KitWriter`, which lays out one post's section and
joins the sections and the kit's own pages (cover, contents) into one file. A backend makes a
kit when it names its writer in `OutputBackend.kit` (`kit_spec`); the PDF and Word backends do,
and `build --kit` makes one in each such format of `--formats`.

Whatever the backend, a post reads only what the PDF path may read: the post's folder, the
theme, the brand and the site's static folders, through `presskit.output.pdf.fetch_resource`, and
the network only when allowed (see `Job.offline`).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presskit.errors import Diagnostic, PresskitError

if TYPE_CHECKING:
    from presskit.brand import Config
    from presskit.output.page import Options
    from presskit.source.post import Post


@dataclass(frozen=True)
class Job:
    """One post to render: what the caller asked for, before anything is read."""

    post_path: Path
    out: Path
    config: Config | str | Path | None = None
    theme: str | None = None
    offline: bool | None = None
    options: Options | None = None
    strict_fonts: bool | None = None
    durable: bool = True
    pdf_variant: str | None = None


@dataclass(frozen=True)
class RenderResult:
    output: Path
    post: Post
    pages: int | None  # None where the format has no fixed pages (Word lays out on opening)
    size: int
    warnings: tuple[Diagnostic, ...]
    files: tuple[Path, ...] = ()  # local files the render asked for, found or not


class OutputBackend(ABC):
    """One output format. Subclasses set `name` and `suffix` and implement `render`; one
    that can make a press kit names its `KitWriter` in `kit` ("module:Class", imported only
    when a kit is made)."""

    name: str = ""
    suffix: str = ""
    description: str = ""
    kit: str = ""

    @abstractmethod
    def render(self, job: Job) -> RenderResult:
        """Write `job.out` atomically (an existing file survives a failure) and say what was
        read; raise `PresskitError` for anything the post or the config got wrong."""


# Built-in backends: name → (suffix, "module:Class", the kit writer's "module:Class" or ""),
# imported on first use: the batch's parent asks which formats make a kit without importing
# a backend.
BUILTIN: dict[str, tuple[str, str, str]] = {
    "pdf": (".pdf", "presskit.pipeline:PdfBackend", "presskit.output.pdfkit:PdfKit"),
    "docx": (".docx", "presskit.output.docx:DocxBackend", "presskit.output.docxkit:DocxKit"),
}
_loaded: dict[str, OutputBackend] = {}


def register(backend: OutputBackend) -> OutputBackend:
    """Add (or replace) a backend; `presskit render --to NAME` and `--formats` find it."""
    if not backend.name or not backend.suffix.startswith("."):
        raise ValueError("a backend needs a name and a suffix such as '.pdf'")
    _loaded[backend.name] = backend
    return backend


def names() -> tuple[str, ...]:
    return tuple(dict.fromkeys([*BUILTIN, *_loaded]))


def get(name: str) -> OutputBackend:
    """The backend called `name`; a `PresskitError` naming the known ones otherwise."""
    key = name.strip().lower()
    if key in _loaded:
        return _loaded[key]
    if key not in BUILTIN:
        raise PresskitError(f"unknown output format {name!r} (known: {', '.join(names())})")
    backend = _instance(BUILTIN[key][1])
    _loaded[key] = backend
    return backend


def _instance(spec: str) -> Any:
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute)()


def kit_spec(name: str) -> str:
    """The "module:Class" of the format's kit writer, "" when the format makes no kit."""
    key = name.strip().lower()
    if key not in _loaded and key in BUILTIN:
        return BUILTIN[key][2]
    return get(key).kit


def for_output(out: Path, to: str | None = None) -> OutputBackend:
    """`--to` when given, else the output file's suffix (`-o release.docx`), else PDF."""
    if to:
        backend = get(to)
        if out.suffix and out.suffix.lower() != backend.suffix and by_suffix(out.suffix):
            raise PresskitError(
                f"--to {backend.name} writes a {backend.suffix} file, not {out.suffix}", out
            )
        return backend
    return by_suffix(out.suffix) or get("pdf")


def suffix_of(name: str) -> str:
    """The file suffix of a backend, without importing a built-in one (the batch's parent
    process names outputs before any worker renders)."""
    key = name.strip().lower()
    if key in _loaded:
        return _loaded[key].suffix
    if key in BUILTIN:
        return BUILTIN[key][0]
    return get(key).suffix


def output_paths(out: str | Path, formats: Iterable[str]) -> dict[str, Path]:
    """Where each format of one post goes: beside `out`, with the format's suffix
    (`launch.pdf`, `launch.docx`). The batch names its manifest rows, the worker writes and a
    Dask worker sends back by this one rule."""
    return {fmt: Path(out).with_suffix(suffix_of(fmt)) for fmt in formats}


def kit_format(formats: Iterable[str]) -> str | None:
    """The kit's first format: PDF when it is asked for, else the first of `formats` whose
    backend makes a kit. Its kit has the manifest's "pdf" key (the name it had when the kit
    was a PDF alone), the zip, and the sections laid out beside their posts; the kits in the
    other formats are made beside it (`--formats docx,pdf` makes the same two kits as
    `pdf,docx`).

    A backend without a kit writer adds its files to the kit's zip and nothing else; a kit
    asked of such formats alone is an error naming the one to add, rather than a build that
    quietly makes no kit, or one in a format nobody asked for."""
    makers = [fmt for fmt in formats if kit_spec(fmt)]
    return "pdf" if "pdf" in makers else next(iter(makers), None)


def no_kit_format(formats: Iterable[str]) -> str:
    """The one-line error of `--kit` with formats none of which makes a kit."""
    makers = [name for name in names() if kit_spec(name)]
    asked = ",".join(formats)
    return (
        f"no format of --formats {asked} makes a kit: add {makers[0]} to --formats "
        f"(for example {makers[0]},{asked})"
    )


def by_suffix(suffix: str) -> OutputBackend | None:
    wanted = suffix.lower()
    for name in names():
        known = _loaded[name].suffix if name in _loaded else BUILTIN[name][0]
        if known == wanted:
            return get(name)
    return None


def known(name: str) -> bool:
    """Whether `name` is a backend this process knows (built in, or registered already)."""
    key = name.strip().lower()
    return key in BUILTIN or key in _loaded


def known_suffix(suffix: str) -> bool:
    wanted = suffix.lower()
    return any(
        (_loaded[name].suffix if name in _loaded else BUILTIN[name][0]) == wanted
        for name in names()
    )


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """`"pdf,docx"` (or a list) as known backend names, in order, once each."""
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = [item.strip().lower() for item in items if item.strip()]
    if not chosen:
        raise PresskitError("no output format given (for example --formats pdf,docx)")
    for name in chosen:
        if name not in BUILTIN:
            get(name)  # unknown names fail here, naming the known ones
    return tuple(dict.fromkeys(chosen))
