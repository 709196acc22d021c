"""The press kit: every post of a batch in one file, plus a zip of the posts' files and the brand.

What is the same whatever the kit's format lives here: which posts (`kit_order`: grouped by
language, newest first), the kit's languages, its key (rebuilt only when a post in it, the
brand or the theme changed), each post's section cached by its inputs (`PartCache`, laid out
beside the post when it renders: `section_plan`, `render_post_and_section`), the post's part as
HTML (`post_section`), the zip and the manifest's record. How a section is laid out and how
sections and the kit's own pages become one file is the format's `KitWriter`
(`presskit.output.backends.kit_for`; the PDF's is `presskit.output.pdfkit`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import importlib
import json
import re
import zipfile
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from presskit import __version__, extensions, i18n
from presskit.batch.executors import clock_arg
from presskit.batch.inputs import Inputs
from presskit.batch.manifest import (
    MANIFEST,
    BuildResult,
    Document,
    KitFile,
    Reporter,
    date_text,
    kit_record,
    manifest_bytes,
    write_manifest,
)
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output.backends import kit_spec, no_kit_format, suffix_of
from presskit.output.files import atomic_stream, write_atomic
from presskit.source.post import Post

_SRC = re.compile(r'(<(?:img|source|video|audio)\b[^>]*?\bsrc=")([^"]*)(")')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def kit_order(
    documents: list[Document],
    posts: dict[int, Post],
    statuses: tuple[str, ...] = ("built", "unchanged"),
) -> list[int]:
    """Grouped by language (alphabetical tag), newest first inside a group, undated last."""
    chosen = [i for i, doc in enumerate(documents) if doc.status in statuses and i in posts]

    def key(i: int) -> tuple[str, int, str, str]:
        doc = documents[i]
        date = doc.date or ""
        # newest first: negate the date by sorting on its complement
        newest = "".join(chr(0x10FFFF - ord(c)) for c in date[:10]) if date else "\U0010ffff"
        return (doc.lang or "", 0 if date else 1, newest, doc.title or doc.source)

    return sorted(chosen, key=key)


class KitWriter(ABC):
    """The format's half of a press kit: what only this format knows how to make, named by
    its backend's `kit` ("module:Class", imported when a kit is made).

    This module hands a writer a `KitJob` (the posts in kit order, their language
    groups, the part cache, the executor) and keeps the rest. A kit is made one of two ways:
    joined from sections, each one post laid out alone by `section` ("module:function", run in
    a worker as `render_section` is; its file is cached under the post's inputs, so an edit
    lays out one section again), or, when `whole_reason` gives a reason, as one document by
    `whole`. A writer without sections (`section` empty) always makes the whole document.
    Both write the kit's file atomically and return its page count (None for a format without
    fixed pages), or None with `job.result.kit_error` set.

    `section` is called with the keywords `path`, `out`, `config`, `theme`, `offline`, `langs`
    (the kit's first language part, then the post's), `kit_lang` and, with a clock, `as_of`;
    it writes `out` and returns `{"ok": True, "pages", "title", "date", "lang", …}` (the
    record `join` finds in `job.sections`), or `{"ok": False, "error"}`."""

    section: str = ""

    def whole_reason(self, inputs: Inputs, config: Config) -> str | None:
        """Why this kit cannot be joined from sections (said in the build's output), or None."""
        return None if self.section else "this format's kit is not made of sections"

    def join(self, job: KitJob) -> int | None:
        """The kit from `job.sections` (each laid out by `section`) and the kit's own pages."""
        raise NotImplementedError

    @abstractmethod
    def whole(self, job: KitJob) -> int | None:
        """The kit laid out as one document."""


def kit_for(name: str) -> KitWriter | None:
    """The kit writer of the format called `name`, or None when it makes no kit."""
    spec = kit_spec(name)
    if not spec:
        return None
    if spec not in _writers:
        module, _, attribute = spec.partition(":")
        _writers[spec] = getattr(importlib.import_module(module), attribute)()
    return _writers[spec]


_writers: dict[str, KitWriter] = {}


def make_kit(
    result: BuildResult,
    name: str,
    pool: Any,
    posts: dict[int, Post],
    inputs: Inputs,
    timeout: float,
    report: Reporter,
    previous: dict[str, Any],
    now: dt.datetime | None = None,
    laid_out: set[str] | None = None,
    fmt: str = "pdf",
) -> None:
    """Write OUTDIR/NAME.pdf (the kit in format `fmt`, by its backend's `KitWriter`) and
    OUTDIR/NAME.zip, or record why not in `result.kit_error`.
    `posts`: the rows of that format; `now`: the embargo clock the posts' sections are judged
    by (`build --as-of`); `laid_out`: the sections this build laid out beside their posts
    (see `section_plan`)."""
    order = kit_order(result.documents, posts)
    if not order:
        result.kit_error = "no post was built, so there is no kit"
        return
    writer = kit_for(fmt)
    if writer is None:
        result.kit_error = no_kit_format([fmt])
        return
    result.kit_format = fmt
    out = result.outdir
    pdf, archive = out / f"{name}{suffix_of(fmt)}", out / f"{name}.zip"
    first = posts[order[0]].path
    config_path = inputs.config_path(first)
    digest = kit_digest(result, name, inputs, config_path, order)
    for doc in result.documents:
        # the zip holds every format written (`--formats pdf,docx`): a Word file added to a
        # build, or changed, makes a new zip (a PDF-only kit keeps the key it had)
        if doc.format != fmt and doc.status in ("built", "unchanged") and doc.output:
            digest.update(f"zip {doc.output} {doc.sha256}\n".encode())
    key = digest.hexdigest()
    result.kit_pdf, result.kit_zip = pdf, archive
    same = previous.get("name") == name and previous.get("inputs") == key
    # The files as recorded, not merely present: a build stopped (kill -9) after writing a
    # new PDF, or before its zip, leaves files that the record does not describe.
    recorded = previous.get("pdf_sha256"), previous.get("zip_sha256")
    if same and None not in recorded and recorded == (_sha256(pdf), _sha256(archive)):
        result.kit_inputs, result.kit_pages = key, previous.get("pages")
        result.kit_pdf_sha256, result.kit_zip_sha256 = recorded
        report.note(f"kit {pdf.name} unchanged")
        return

    job = _kit_job(result, name, pdf, pool, posts, inputs, timeout, report, order, now, fmt)
    pages = _write_kit(job, writer, laid_out or set())
    if result.kit_error is not None:
        result.kit_pdf = result.kit_zip = None
        return
    result.kit_pages = pages
    result.kit_inputs = key
    result.kit_pdf_sha256 = _sha256(pdf)
    # The zip first, the manifest's record of it last: killed in between, the next build
    # finds the old record and makes the kit again.
    zipped = manifest_bytes(result.documents, kit_record(result, name))
    write_zip(archive, out, result.documents, job.config, config_path, zipped)
    result.kit_zip_sha256 = _sha256(archive)
    write_manifest(out, result.documents, kit_record(result, name))
    size = f": {pages} pages" if pages is not None else ""  # Word-like files have none
    report.note(f"kit {pdf.name}{size}, {archive.name}")


def make_other_kit(
    result: BuildResult,
    name: str,
    pool: Any,
    posts: dict[int, Post],
    inputs: Inputs,
    timeout: float,
    report: Reporter,
    previous: dict[str, Any],
    now: dt.datetime | None,
    fmt: str,
) -> None:
    """The kit in a further format of --formats (OUTDIR/NAME.docx beside NAME.pdf), from the
    rows of that format: its own key and record (`result.kits[fmt]`, the manifest's
    "formats"), not rewritten while its key and file are the ones recorded. It fails alone:
    its error goes to its record, an older file stays, the first format's kit and the zip
    are `make_kit`'s."""
    record = result.kits.setdefault(fmt, KitFile())
    order = kit_order(result.documents, posts)
    if not order or not kit_spec(fmt):
        record.error = (
            "no post was built, so there is no kit" if not order else no_kit_format([fmt])
        )
        return
    out_file = result.outdir / f"{name}{suffix_of(fmt)}"
    config_path = inputs.config_path(posts[order[0]].path)
    key = kit_digest(result, name, inputs, config_path, order).hexdigest()
    record.path = out_file
    formats = previous.get("formats")
    earlier = formats.get(fmt) if isinstance(formats, dict) else None
    if (
        previous.get("name") == name
        and isinstance(earlier, dict)
        and earlier.get("inputs") == key
        and earlier.get("sha256") is not None
        and earlier.get("sha256") == _sha256(out_file)
    ):
        record.inputs, record.pages, record.sha256 = key, earlier.get("pages"), earlier["sha256"]
        report.note(f"kit {out_file.name} unchanged")
        return
    writer = kit_for(fmt)  # imported only now: an unchanged kit costs its check alone
    assert writer is not None
    job = _kit_job(result, name, out_file, pool, posts, inputs, timeout, report, order, now, fmt)
    # the writer reports a failure in result.kit_error (the first kit's): borrowed, and given back
    first_error, result.kit_error = result.kit_error, None
    try:
        pages = _write_kit(job, writer, set())
    except PresskitError as error:
        result.kit_error = str(error)
    finally:
        record.error, result.kit_error = result.kit_error, first_error
    if record.error is not None:
        return
    record.pages, record.inputs, record.sha256 = pages, key, _sha256(out_file)
    size = f"{pages} pages, " if pages is not None else ""  # Word lays out its pages on opening
    report.note(f"kit {out_file.name}: {size}{count_of(len(order), 'post')}")


def kit_digest(
    result: BuildResult, name: str, inputs: Inputs, config_path: Path | None, order: list[int]
) -> Any:
    """What a kit is made from: its name, the brand, the theme, its posts' files (a sha256
    object: `make_kit` adds the zip's other files)."""
    digest = hashlib.sha256(f"kit {name} {__version__}\n".encode())
    digest.update(inputs.shared_digest(config_path).encode() + b"\n")
    digest.update(inputs.theme_digest(inputs.theme_path(config_path), kit=True).encode())
    for i in order:
        doc = result.documents[i]
        digest.update(f"{doc.output} {doc.inputs} {doc.sha256}\n".encode())
    return digest


def _kit_job(
    result: BuildResult,
    name: str,
    out_file: Path,
    pool: Any,
    posts: dict[int, Post],
    inputs: Inputs,
    timeout: float,
    report: Reporter,
    order: list[int],
    now: dt.datetime | None,
    fmt: str,
) -> KitJob:
    first = posts[order[0]].path
    config_path = inputs.config_path(first)
    cfg = inputs.config(first)
    langs = kit_langs(result.documents, order, cfg.lang)
    return KitJob(
        result,
        name,
        out_file,
        pool,
        posts,
        inputs,
        timeout,
        report,
        order,
        now,
        cfg,
        inputs.config_arg(first),  # what the workers use, without searching again
        PartCache(result.outdir, inputs, config_path, langs, cfg.lang, fmt),
    )


def _write_kit(job: KitJob, writer: KitWriter, laid_out: set[str]) -> int | None:
    """Joined from sections, or laid out as one document (`KitWriter`)."""
    why = single_document_reason(job.inputs, job.config, writer)
    pages: int | None
    if why is None:
        ok = lay_out_sections(job, writer, laid_out)
        pages = writer.join(job) if ok else None
        if pages is not None:
            _prune(job.store.folder, {*job.section_keys.values(), *job.kept})
    else:
        if writer.section:  # a format with sections falls back: say why
            job.report.note(f"kit {job.out.name}: {why}: laid out as one document")
        if job.pool.remote:  # that document reads every post's folder: it renders here
            from presskit.batch.workers import Pool  # the local pool: no Dask needed here

            with Pool(1) as local:
                pages = writer.whole(dataclasses.replace(job, pool=local))
        else:
            pages = writer.whole(job)
    return pages


KIT_CACHE = ".presskit-kit"  # in OUTDIR: the kit's parts, by the digest of their inputs
PART = ".part"  # a part's PDF: not named .pdf, which OUTDIR's readers take for a kit or a post


def single_document_reason(
    inputs: Inputs, config: Config, writer: KitWriter | None = None
) -> str | None:
    """Why this kit cannot be joined from sections (see `KitWriter.whole_reason`), or None."""
    writer = writer or kit_for("pdf")
    assert writer is not None
    return writer.whole_reason(inputs, config)


def kit_langs(documents: list[Document], order: list[int], default: str) -> list[str]:
    """The kit's language parts, in order: what a section knows of the other posts."""
    return list(dict.fromkeys(documents[i].lang or default for i in order))


class PartCache:
    """OUTDIR/.presskit-kit: each part's PDF and its record, named by the digest of what it
    was laid out from. A section's digest is its post's inputs (as the post's PDF is kept),
    the kit template, and of the kit's languages only what its pages show: the kit's own
    language (the document's) and its first part's (the running heads' fonts); nothing else
    of the other posts, so a kit that gains a language keeps its sections. The record is
    written after the PDF and names its hash, so a build killed between the two, or a PDF
    changed since, only costs that part's layout again."""

    def __init__(
        self,
        out: Path,
        inputs: Inputs,
        config_path: Path | None,
        langs: list[str],
        site_lang: str,
        fmt: str = "pdf",
    ) -> None:
        self.folder = out / KIT_CACHE
        self.format = fmt  # the kit's (its writer lays the sections out)
        self.langs = langs
        self.site_lang = site_lang  # a post's without a language of its own
        self.kit_lang = i18n.html_lang(kit_language(langs, site_lang))
        self.shared = (
            f"{__version__}\n{inputs.shared_digest(config_path)}\n"
            f"{inputs.theme_digest(inputs.theme_path(config_path), kit=True)}\n"
            f"offline={inputs.settings.offline}\n"
        )

    def section_args(self, own: str) -> dict[str, Any]:
        """What a section of language `own` is told of the kit (`render_section`)."""
        return {"langs": list(dict.fromkeys([self.langs[0], own])), "kit_lang": self.kit_lang}

    def key(self, kind: str, what: Any) -> str:
        text = f"{kind}\n{self.shared}{json.dumps(what, sort_keys=True, ensure_ascii=False)}"
        return hashlib.sha256(text.encode()).hexdigest()

    def section_key(self, doc: Document, own: str) -> str:
        """A post's section: its inputs, and its place. Two posts of the same text in two
        folders are two sections (their relative links and anchors are their own; one shared
        part was joined twice, and the second post's links led into the first)."""
        return self.key("section", [doc.inputs, doc.source, self.section_args(own)])

    def pdf(self, key: str) -> Path:
        return self.folder / f"{key}{PART}"

    def get(self, key: str) -> dict[str, Any] | None:
        """The record of a part whose PDF is still the one recorded."""
        try:
            record = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or _sha256(self.pdf(key)) != record.get("sha256"):
            return None
        return record

    def put(self, key: str, record: dict[str, Any], data: bytes | None = None) -> dict[str, Any]:
        """Keep a part laid out (its PDF already at `pdf(key)`, or `data`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if data is not None:
            write_atomic(self.pdf(key), data, durable=False)
            record = {**record, "sha256": hashlib.sha256(data).hexdigest()}
        write_atomic(
            self.folder / f"{key}.json", json.dumps(record, ensure_ascii=False), durable=False
        )
        return record


def section_plan(
    documents: list[Document], posts: dict[int, Post], inputs: Inputs, out: Path, fmt: str
) -> PartCache | None:
    """Before the posts render: where their kit sections go, so that a worker rendering a
    post in the kit's format `fmt` lays out its section in the same task (see
    `render_post_and_section`). None when the kit will not be joined from sections."""
    order = kit_order(documents, posts, ("pending", "built", "unchanged"))
    if not order:
        return None
    first = posts[order[0]].path
    try:
        cfg = inputs.config(first)
    except PresskitError:
        return None
    writer = kit_for(fmt)
    if writer is None or single_document_reason(inputs, cfg, writer) is not None:
        return None
    langs = kit_langs(documents, order, cfg.lang)
    return PartCache(out, inputs, inputs.config_path(first), langs, cfg.lang, fmt)


def render_post_and_section(
    path: str,
    out: str,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    section_out: str,
    langs: list[str],
    kit_lang: str | None = None,
    as_of: str | None = None,
    formats: list[str] | None = None,
    pdf_variant: str | None = None,
    kit_format: str = "pdf",
) -> dict[str, Any]:
    """A post's files and, from the same conversion, its section of the kit in `kit_format`
    (whose bytes come back in `section_data`; the parent files it under the post's final
    inputs). A section that fails fails nothing here: the kit lays it out again and says why."""
    from presskit.batch.workers import render_post
    from presskit.pipeline import shared_conversion

    writer = kit_for(kit_format)
    assert writer is not None and writer.section
    module, _, function = writer.section.partition(":")
    lay_out = getattr(importlib.import_module(module), function)
    with shared_conversion():
        made = render_post(path, out, config, theme, offline, as_of, formats, pdf_variant)
        try:
            section = lay_out(
                path=path,
                out=section_out,
                config=config,
                theme=theme,
                offline=offline,
                langs=langs,
                as_of=as_of,
                kit_lang=kit_lang,
            )
        except PresskitError:
            section = {"ok": False}
    scratch = Path(section_out)
    if section.get("ok"):
        made["section_data"] = scratch.read_bytes()
        made["section"] = {k: v for k, v in section.items() if k not in ("ok", "bytes", "sha256")}
    scratch.unlink(missing_ok=True)
    return made


@dataclass
class KitJob:
    """One kit to make, as a `KitWriter` is handed it: the posts in kit order (indexes into
    `result.documents` and `posts`), the first post's config, the executor, and for a kit
    joined from sections, the part cache and each post's section record (what its worker
    returned: pages, title, date, quotes, bookmarks …) under its key."""

    result: BuildResult
    name: str
    out: Path  # the kit's file, OUTDIR/NAME + the format's suffix
    pool: Any
    posts: dict[int, Post]
    inputs: Inputs
    timeout: float
    report: Reporter
    order: list[int]
    now: dt.datetime | None
    config: Config
    config_arg: Any
    store: PartCache
    lang_of: dict[int, str] = field(default_factory=dict)
    section_keys: dict[int, str] = field(default_factory=dict)
    sections: dict[int, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)

    def shared_files(self) -> Any:
        """What a part task that reads no post needs on a remote worker (config, theme)."""
        from presskit.batch.executors import TaskFiles

        config_path = self.inputs.config_path(self.posts[self.order[0]].path)
        return TaskFiles(
            paths=("out", "config", "theme"),
            output="out",
            shared=self.inputs.shared_files(config_path) if self.pool.remote else (),
        )

    def run(self, tasks: list[tuple[str, Any]]) -> dict[str, dict[str, Any]]:
        """Run parts' tasks (key, Task) whose file goes to `store.pdf(key)`: each record is
        kept after its file (a kill in between: the part is laid out again next time); a
        failure goes to `errors`."""
        from presskit.batch.executors import Result, Task

        records: dict[str, dict[str, Any]] = {}
        keys = {task.id: key for key, task in tasks}

        def done(task: Task, outcome: Result) -> None:
            if not outcome.ok:
                self.errors.append(outcome.error or "failed")
                return
            record = {
                **{k: v for k, v in outcome.data.items() if k != "pdf"},
                "pages": outcome.pages,
                "sha256": outcome.sha256,
                "warnings": list(outcome.warnings),
            }
            key = keys[task.id]
            records[key] = self.store.put(key, record)

        if tasks:
            self.pool.run([task for _, task in tasks], done)
        return records

    def keep(self, *keys: str) -> None:
        """Parts of this kit besides its sections, kept in the cache for the next build."""
        self.kept.update(keys)


def lay_out_sections(job: KitJob, writer: KitWriter, laid_out: set[str]) -> bool:
    """Each post's section from the cache, or laid out by the workers (`writer.section`):
    only when its post or the kit's look changed. False with `result.kit_error` set."""
    from presskit.batch.executors import Task, TaskFiles
    from presskit.batch.inputs import post_files
    from presskit.batch.workers import EXTENSIONS_ARG

    result, order, posts, inputs, store = job.result, job.order, job.posts, job.inputs, job.store
    declared = extensions.declared_modules()
    lang_of = job.lang_of
    lang_of.update({i: result.documents[i].lang or job.config.lang for i in order})
    section_keys = job.section_keys
    section_keys.update({i: store.section_key(result.documents[i], lang_of[i]) for i in order})
    sections = job.sections
    todo: list[tuple[str, Task]] = []
    queued: set[str] = set()
    for i in order:
        record = store.get(section_keys[i])
        if record is not None:
            sections[i] = record
            continue
        if section_keys[i] in queued:
            continue  # two posts of the same text share one section (laid out once)
        queued.add(section_keys[i])
        todo.append(
            (
                section_keys[i],
                Task(
                    id=i,
                    func=writer.section,
                    args={
                        "path": str(posts[i].path),
                        "out": str(store.pdf(section_keys[i])),
                        "config": job.config_arg,
                        "theme": inputs.theme_argument(posts[i].path),
                        "offline": inputs.settings.offline,
                        **store.section_args(lang_of[i]),
                        **clock_arg(job.now),
                        EXTENSIONS_ARG: declared,
                    },
                    timeout=job.timeout,
                    files=post_files(posts[i].path, result.documents[i].depends, inputs)
                    if job.pool.remote
                    else TaskFiles(),
                ),
            )
        )
    beside = sum(1 for i in order if section_keys[i] in laid_out and i in sections)
    result.kit_sections_rendered = len(todo) + beside
    result.kit_sections_reused = len(order) - result.kit_sections_rendered
    if todo:
        job.report.note(f"kit {job.out.name}: laying out {count_of(len(todo), 'section')}")
    store.folder.mkdir(parents=True, exist_ok=True)
    fresh = job.run(todo)
    if job.errors:
        result.kit_error = job.errors[0]
        return False
    for i in order:
        sections.setdefault(i, fresh.get(section_keys[i], {}))
        if sections[i].get("lang", "") is None:
            sections[i]["lang"] = ""
    return True


def count_of(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _prune(cache: Path, keep: set[str]) -> None:
    """Parts no longer in the kit: a kit's cache holds one kit's parts."""
    for file in cache.iterdir():
        stem = file.name.split(".")[0]
        if file.suffix in (PART, ".json") and stem not in keep and file.name != "layout.json":
            file.unlink(missing_ok=True)


def kit_language(langs: list[str], site_lang: str) -> str:
    """The language of the kit's shared parts: the site's when the kit has it, else its
    first part's (see `kit_html`)."""
    from presskit import i18n

    tags = [i18n.html_lang(lang) for lang in langs]
    site = i18n.html_lang(site_lang)
    for lang, tag in zip(langs, tags, strict=True):
        if tag == site:
            return lang
    return langs[0]


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def write_zip(
    archive: Path, out: Path, documents: list[Document], config: Any, path: Any, manifest: bytes
) -> None:
    """The PDFs as laid out in OUTDIR, the manifest, and the brand (config and logo): streamed
    into place, never whole in memory (a 10-copy corpus kit's zip is hundreds of MB), and the
    same bytes for the same files (every entry dated ZIP_DATE, mode 644), as the kit PDF is."""
    pdfs = [
        (doc.output, out / doc.output)
        for doc in documents
        if doc.status in ("built", "unchanged") and doc.output
    ]
    brand = [(f"brand/{Path(path).name}", Path(path))] if path is not None else []
    if config.brand.logo is not None:
        brand.append((f"brand/{config.brand.logo.name}", config.brand.logo))
    with (
        atomic_stream(archive) as stream,
        zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
    ):
        for name, source in pdfs:
            _add(bundle, name, source)
        with bundle.open(_entry(MANIFEST), "w") as entry:
            entry.write(manifest)
        for name, source in brand:
            _add(bundle, name, source)


# The date of every zip entry: the earliest a zip can say (file times would make each build's
# zip differ from the last one's).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _add(bundle: zipfile.ZipFile, name: str, source: Path) -> None:
    import shutil

    with source.open("rb") as data, bundle.open(_entry(name), "w") as entry:
        shutil.copyfileobj(data, entry, 1 << 20)


# --------------------------------------------------------------------------- worker side


def absolute_sources(fragment: str, folder: Path, policy: Any) -> tuple[str, list[str]]:
    """Local image paths as the post's own render would read them, checked by the post's own
    policy (see `pipeline.post_policy`): the file's URL when allowed, else no image. The kit's
    fetcher then reads exactly the files named here (see `render_kit`), so no post reads in the
    kit what its own PDF may not — another post's folder, or the site root beside the logo."""
    from presskit.output.pdf import Refused, local_path

    files: list[str] = []

    def fix(match: re.Match[str]) -> str:
        url = html.unescape(match.group(2))
        scheme = _SCHEME.match(url)
        if not url or url.startswith("#") or (scheme and not url.lower().startswith("file:")):
            return match.group(0)
        asked = Path(unquote(urlsplit(url).path))
        asked = asked if asked.is_absolute() else folder / asked
        policy.read.append(asked)  # found or not: a remote worker is sent it on demand
        try:
            found = local_path(asked, policy)
        except Refused:
            return match.group(1) + match.group(3)
        files.append(str(found))
        return match.group(1) + html.escape(found.as_uri()) + match.group(3)

    return _SRC.sub(fix, fragment), files


def post_section(
    path: str, config: str | Config | None, theme: str | None = None, as_of: str | None = None
) -> dict[str, Any]:
    """One post's part of the kit: its metadata and its body as an HTML fragment; its embargo
    judged as of `as_of` (ISO 8601, from `build --as-of`) or now."""
    from presskit.brand import site_lang
    from presskit.errors import Diagnostic
    from presskit.output.page import paper_body, typographic_front_matter
    from presskit.output.paper import quote_figures, unattributed_quotes, unattributed_warning
    from presskit.output.release import release_for
    from presskit.pipeline import config_warnings, convert_body, post_policy, resolve_config
    from presskit.source.post import load_post
    from presskit.themes import load_theme

    source = Path(path)
    folder = source.resolve().parent
    cfg = resolve_config(source, config)
    # the language Hugo gives the page (content folder, file name) before the folder guess,
    # as the post's own PDF reads it
    post = load_post(source, default_lang=cfg.lang, site_lang=site_lang(cfg, source))
    warnings: list[Diagnostic] = config_warnings(source, cfg) + list(post.warnings)
    body, absent = convert_body(post, cfg, warnings.append)
    post = typographic_front_matter(post)
    release = release_for(post, cfg, now=dt.datetime.fromisoformat(as_of) if as_of else None)
    warnings += [Diagnostic(warning, path) for warning in release.warnings]
    # the quotes as written, before their links get note calls the sheet would print again
    quotes = quote_figures(body) if cfg.quotes_sheet else []
    unattributed = unattributed_quotes(body) if cfg.quotes_sheet else 0
    if unattributed:
        warnings.append(Diagnostic(unattributed_warning(unattributed), path))
    # what the post's own PDF prints: dateline, link URLs and `[^1]` notes at the foot of
    # their page (and no `fn1` ids repeated by every post of the kit)
    # (a URL cited again points at its note by id: ids of their own for each post, from its
    # text, so that the kit is the same wherever the site is checked out)
    text_key = f"{source.parent.name}/{source.name}\0{post.body}".encode()
    note_ids = "link-note-" + hashlib.sha1(text_key).hexdigest()[:10]
    body = paper_body(body, release, link_notes=cfg.link_notes, note_ids=note_ids)
    policy = post_policy(source, cfg, load_theme(theme or cfg.theme, cfg.root), offline=True)
    policy.body, policy.body_line = post.body, post.body_line
    body, files = absolute_sources(body, folder, policy)
    quotes = [absolute_sources(quote, folder, policy)[0] for quote in quotes]
    warnings.extend(dict.fromkeys(policy.refused))
    return {
        "ok": True,
        "path": path,
        "folder": str(folder),
        "files": files,
        "title": post.title,
        "subtitle": post.subtitle,
        "description": post.description,
        "authors": post.authors,
        "lang": post.lang,
        "date": date_text(post),
        "html": body,
        "asked": [str(p) for p in dict.fromkeys([*policy.read, *absent])],
        "quotes": quotes,
        "status": release.status if release.embargoed else "",
        "warnings": [str(w) for w in warnings],
    }


def inline_sources(fragment: str) -> str:
    """Local images (`file:` URLs `absolute_sources` approved) as `data:` URLs."""
    import base64
    import mimetypes
    from urllib.request import url2pathname

    def inline(match: re.Match[str]) -> str:
        url = html.unescape(match.group(2))
        if not url.lower().startswith("file:"):
            return match.group(0)
        file = Path(url2pathname(urlsplit(url).path))
        try:
            data = file.read_bytes()
        except OSError:
            return match.group(1) + match.group(3)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(data).decode("ascii")
        return match.group(1) + f"data:{kind};base64,{encoded}" + match.group(3)

    return _SRC.sub(inline, fragment)


# The cover's kind line; kept here rather than in i18n.LABELS, which single posts never need.
KIT_LABELS = {
    "en": "Press kit",
    "zh-CN": "新闻资料包",
    "zh-TW": "新聞資料包",
    "ja": "プレスキット",
    "ko": "보도 자료집",
    "de": "Pressemappe",
    "fr": "Dossier de presse",
    "es": "Dosier de prensa",
}


def kit_title(name: str, brand_name: str, kind: str) -> str:
    """The cover's title from the kit's file name: `--kit press-kit` is "Istio press kit", not
    the slug; `--kit "Istio 2025"` prints as typed; `--kit media-day` is "Media day"."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split()) or kind
    if words.casefold() in {kind.casefold(), "press kit", "presskit", "kit"}:
        return f"{brand_name} {kind[:1].lower()}{kind[1:]}" if brand_name else kind
    if words != name or words == words.lower():
        return words[:1].upper() + words[1:]
    return name


def kit_label(lang: str) -> str:
    from presskit import i18n

    tag = i18n.html_lang(lang)
    return KIT_LABELS.get(tag) or KIT_LABELS.get(tag.split("-")[0]) or KIT_LABELS["en"]
