"""Many posts to many PDFs: discovery, naming, incremental decisions, the manifest.

`build(paths, outdir)` is what `presskit build` runs. The order of work is chosen so that the
common case, "nothing changed", is cheap: discovery reads front matter only (YAML, no pandoc),
every post's inputs are hashed and compared with the manifest of the previous run, and only
then, if something is left to render, worker processes start (`presskit.workers`), each paying
for WeasyPrint, pandoc and the fonts once. This module itself never imports WeasyPrint.

The manifest is rewritten atomically each time a post finishes, so a build killed at any moment
leaves valid JSON that describes every PDF already on disk, and the next run only renders what
is missing or stale.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from presskit import __version__
from presskit.brand import Config, find_config, load_config
from presskit.errors import PresskitError
from presskit.pdf import write_atomic
from presskit.post import Post, load_post, normalize_lang
from presskit.themes import load_theme

MANIFEST = "manifest.json"
KIT_TEMPLATE = "kit.html.j2"
DEFAULT_TIMEOUT = 120.0
DEFAULT_RUNNER = "presskit.workers:render_post"
STATUSES = ("built", "unchanged", "failed", "skipped")
# `index.md`, `index.zh.md`, `_index.md`, `_index.en.md`: named after their folder, as Hugo does.
_BUNDLE_FILE = re.compile(
    r"(?P<section>_?)index(?P<lang>\.[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)?\.md"
)
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
    reason: str | None = None
    translations: list[dict[str, str | None]] = field(default_factory=list)
    inputs: str | None = None
    depends: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)


@dataclass
class Source:
    """A Markdown file found under one of the PATHs, with the names derived from it."""

    path: Path
    rel: PurePosixPath  # relative to its PATH (for a file PATH: the file's name)
    output: PurePosixPath  # relative to OUTDIR
    explicit: bool  # named on the command line rather than found in a folder
    display: str  # how the manifest and messages name it


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

    def count(self, status: str) -> int:
        return sum(1 for doc in self.documents if doc.status == status)

    @property
    def failed(self) -> list[Document]:
        return [doc for doc in self.documents if doc.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and self.kit_error is None

    def summary(self) -> str:
        parts = [f"built {self.count('built')}", f"unchanged {self.count('unchanged')}"]
        parts.append(f"failed {self.count('failed')}")
        if self.count("skipped"):
            parts.append(f"skipped {self.count('skipped')}")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


class Reporter:
    """Told about progress; the CLI shows a bar or plain lines, the Python API nothing."""

    def start(self, total: int, to_render: int) -> None:
        """`total` documents, of which `to_render` go to the workers."""

    def document(self, doc: Document) -> None:
        """A document reached its final status."""

    def note(self, message: str) -> None:
        """Something about the batch as a whole (the kit)."""

    def finish(self, result: BuildResult) -> None:
        """The batch is over."""


# --------------------------------------------------------------------------- discovery


def output_name(rel: PurePosixPath, folder_name: str) -> PurePosixPath:
    """`a/slug/index.md` → `a/slug.pdf`; `a/post.md` → `a/post.pdf`; `a/_index.md` → `a.pdf`.

    A bundle's file has no name of its own, so the PDF takes the folder's (`folder_name` is the
    folder when `rel` has no parent, i.e. the PATH was the bundle itself). A Hugo language
    suffix is kept (`index.zh.md` → `slug.zh.pdf`) so translations in one folder do not collide.
    """
    match = _BUNDLE_FILE.fullmatch(rel.name)
    if match is None:
        return rel.with_name(rel.name[: -len(".md")] + ".pdf")
    parent = rel.parent
    name = parent.name if parent.name else folder_name
    stem = name + (match.group("lang") or "")
    return (parent.parent if parent.name else parent) / (stem + ".pdf")


def is_section(path: Path) -> bool:
    match = _BUNDLE_FILE.fullmatch(path.name)
    return bool(match and match.group("section"))


def discover(paths: Sequence[str | Path]) -> list[Source]:
    """Every `*.md` under the folders (hidden folders skipped), and the files named directly."""
    found: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            rel = PurePosixPath(path.name)
            name = path.resolve().parent.name
            found.append(Source(path, rel, output_name(rel, name), True, str(path)))
        elif path.is_dir():
            name = path.resolve().name
            for file in sorted(_walk(path)):
                rel = PurePosixPath(file.relative_to(path).as_posix())
                found.append(Source(file, rel, output_name(rel, name), False, rel.as_posix()))
        else:
            raise PresskitError("no such file or folder", path)
    return found


def _walk(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                yield Path(folder) / name


def lang_matches(lang: str | None, wanted: Sequence[str]) -> bool:
    """`--lang zh` takes zh-CN and zh-TW; `--lang zh-TW` only zh-TW."""
    if not wanted:
        return True
    if lang is None:
        return False
    tag = lang.lower()
    for want in wanted:
        want = (normalize_lang(want) or want).lower()
        if tag == want or tag.startswith(want + "-"):
            return True
    return False


def selected(source: Source, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Globs match the source path relative to its PATH; `*` also crosses `/`."""
    text = source.rel.as_posix()
    if include and not any(fnmatch.fnmatchcase(text, pattern) for pattern in include):
        return False
    return not any(fnmatch.fnmatchcase(text, pattern) for pattern in exclude)


def translation_key(output: PurePosixPath, lang: str | None) -> str:
    """The PDF's path with its language taken out: `zh/blog/x.pdf` and `en/blog/x.pdf` match."""
    parts = list(output.parts)
    primary = (lang or "").split("-")[0].lower()
    for index, part in enumerate(parts[:-1]):
        if normalize_lang(part) and part.split("-")[0].split("_")[0].lower() == primary:
            del parts[index]
            break
    name = parts[-1]
    stem = name[: -len(".pdf")]
    if "." in stem and normalize_lang(stem.rsplit(".", 1)[1]):
        name = stem.rsplit(".", 1)[0] + ".pdf"
    return "/".join([*parts[:-1], name])


# --------------------------------------------------------------------------- inputs


def file_digest(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"unreadable: {error.strerror}"


def tree_digest(folder: Path, *, skip: tuple[str, ...] = ()) -> str:
    """Every file of a theme folder: editing the CSS or the template must rebuild every post."""
    digest = hashlib.sha256()
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name not in skip
    ]
    for file in sorted(files):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(file_digest(file).encode() + b"\0")
    return digest.hexdigest()


def bundle_files(post: Path) -> list[Path]:
    """The files a page bundle may use: everything in its folder that is not another post.

    Listed even when the render never opened them, so a missing image that appears later
    (or a new one) makes the post stale.
    """
    if not _BUNDLE_FILE.fullmatch(post.name):
        return []
    folder = post.parent
    files = []
    for current, dirs, names in os.walk(folder):
        here = Path(current)
        # a nested bundle is another post, with its own inputs
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and not any(_BUNDLE_FILE.fullmatch(n) for n in os.listdir(here / d))
        ]
        files.extend(here / name for name in names if not name.endswith(".md"))
    return sorted(files)


@dataclass(frozen=True)
class Settings:
    """What, besides the post itself, decides the bytes of its PDF."""

    config: Path | None
    theme: str | None
    offline: bool | None


class Inputs:
    """Hashes of the shared inputs (config, logo, theme), each computed once per batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._configs: dict[Path | None, Config] = {}
        self._found: dict[Path, Path | None] = {}
        self._trees: dict[tuple[Path, bool], str] = {}

    def config_path(self, post: Path) -> Path | None:
        if self.settings.config is not None:
            return self.settings.config
        folder = post.parent
        if folder not in self._found:
            self._found[folder] = find_config(folder)
        return self._found[folder]

    def config(self, post: Path) -> Config:
        path = self.config_path(post)
        if path is not None and path not in self._configs and not path.is_file():
            raise PresskitError("config file not found", path)
        return self._loaded(path)

    @cache  # noqa: B019 - one Inputs per batch
    def shared_digest(self, config_path: Path | None) -> str:
        config = self._loaded(config_path)
        parts = [
            f"presskit {__version__}",
            f"offline={self.settings.offline} theme={self.settings.theme}",
            "config " + (file_digest(config_path) if config_path else "none"),
            "logo " + (file_digest(config.brand.logo) if config.brand.logo else "none"),
            *("font " + file_digest(face.path) for face in config.brand.font_files),
            "theme " + self.theme_digest(self.theme_path(config_path)),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def theme_digest(self, folder: Path, *, kit: bool = False) -> str:
        """The kit's template counts for the kit only: editing it re-renders no post."""
        if (folder, kit) not in self._trees:
            self._trees[folder, kit] = tree_digest(folder, skip=() if kit else (KIT_TEMPLATE,))
        return self._trees[folder, kit]

    def theme_path(self, config_path: Path | None) -> Path:
        config = self._loaded(config_path)
        return load_theme(self.settings.theme or config.theme, config.root).path

    def _loaded(self, config_path: Path | None) -> Config:
        """The config at `config_path` (None: the defaults), loaded once per batch."""
        if config_path not in self._configs:
            self._configs[config_path] = load_config(config_path)
        return self._configs[config_path]

    def key(self, post: Path, depends: Iterable[str]) -> tuple[str, list[str]]:
        """The post's input hash, and the dependency list it covers (relative to the post)."""
        folder = post.parent
        names = set(depends)
        names.update(os.path.relpath(file, folder) for file in bundle_files(post))
        ordered = sorted(names)
        digest = hashlib.sha256()
        digest.update(self.shared_digest(self.config_path(post)).encode() + b"\n")
        digest.update(b"source " + file_digest(post).encode() + b"\n")
        for name in ordered:
            digest.update(f"{name} {file_digest(folder / name)}\n".encode())
        return digest.hexdigest(), ordered


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


def write_manifest(outdir: Path, documents: Iterable[Document], kit: dict[str, Any] | None) -> None:
    data: dict[str, Any] = {
        "presskit": __version__,
        "documents": [doc.to_json() for doc in documents],
    }
    if kit:
        data["kit"] = kit
    write_atomic(outdir / MANIFEST, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def remove_stale_temp_files(outdir: Path) -> None:
    """A build killed mid-write leaves `.name.pdf.XXXXXXXX.tmp` files (never a partial PDF)."""
    for folder, _dirs, files in os.walk(outdir):
        for name in files:
            if _TEMP_FILE.fullmatch(name):
                (Path(folder) / name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- the batch


def date_text(post: Post) -> str | None:
    return post.date.isoformat() if post.date is not None else None


def build(
    paths: Sequence[str | Path],
    outdir: str | Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    offline: bool | None = None,
    config: str | Path | None = None,
    theme: str | None = None,
    langs: Sequence[str] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    drafts: bool = False,
    sections: bool = False,
    kit: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    reporter: Reporter | None = None,
    runner: str = DEFAULT_RUNNER,
) -> BuildResult:
    """Render every post under `paths` into `outdir`, skipping posts whose inputs are unchanged.

    Folders are searched for `*.md`; a page bundle's PDF is named after its folder and the
    output tree mirrors the source tree. Section pages (`_index.md`) and drafts are skipped
    unless `sections`/`drafts` (or the file is named directly). `langs`, `include` and `exclude`
    narrow the batch. `jobs` worker processes (default: CPU count) render in parallel; a post
    that crashes its worker or runs past `timeout` seconds fails alone. With `kit`, also writes
    `outdir/KIT.pdf` (all posts in one document) and `outdir/KIT.zip`.

    Never raises for a broken post: its `Document` has status "failed" and an `error` line.
    Raises `PresskitError` only for problems with the batch itself (a PATH that does not
    exist, an unreadable `--config`, an output folder that cannot be written).
    `runner` ("module:function") renders one post in a worker; tests swap it.
    """
    started = time.monotonic()
    report = reporter or Reporter()
    out = Path(outdir)
    settings = Settings(
        config=Path(config) if config is not None else None, theme=theme, offline=offline
    )
    inputs = Inputs(settings)
    if settings.config is not None:
        inputs.config(settings.config)  # a bad --config fails the batch, once
    sources = discover(paths)
    if not sources:
        raise PresskitError("no Markdown files found", ", ".join(str(p) for p in paths))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PresskitError(f"cannot create output folder: {error.strerror}", out) from None
    remove_stale_temp_files(out)
    previous, previous_kit = ({}, {}) if force else read_manifest(out)

    from presskit.workers import Pool, Task

    # Workers start only if there is work, as soon as there is: they import while the
    # remaining posts are examined.
    with Pool(jobs or cpu_count()) as pool:
        documents: list[Document] = []
        posts: dict[int, Post] = {}
        todo: list[int] = []
        claimed: dict[str, str] = {}
        for source in sources:
            doc, post = _examine(source, inputs, langs, include, exclude, drafts, sections)
            if doc is None:
                continue
            if doc.output is not None and doc.status != "skipped":
                other = claimed.get(doc.output)
                if other is not None:
                    doc.status = "failed"
                    doc.error = f"{source.display}: writes the same PDF as {other}; rename one"
                    doc.output = None
                else:
                    claimed[doc.output] = source.display
            index = len(documents)
            documents.append(doc)
            if post is not None:
                posts[index] = post
            if doc.status == "pending":
                prior = previous.get(doc.output or "")
                usable = prior is not None and prior.status in ("built", "unchanged")
                try:
                    # hashed before rendering: an edit made during a render rebuilds next run
                    doc.inputs, doc.depends = inputs.key(
                        source.path, prior.depends if prior else []
                    )
                except PresskitError as error:  # e.g. its presskit.toml names a missing theme
                    doc.status, doc.error, doc.output = (
                        "failed",
                        str(error.located(source.path)),
                        None,
                    )
                    continue
                if usable and _still_valid(prior, doc, out):
                    _carry_over(prior, doc)
                    continue
                todo.append(index)
                pool.warm(len(todo))  # the first posts' workers import while the rest is examined
        _link_translations(documents, posts)

        finished: set[int] = {i for i, doc in enumerate(documents) if doc.status != "pending"}

        def save() -> None:
            rows = []
            for i, doc in enumerate(documents):
                if i in finished:
                    rows.append(doc)
                elif doc.output in previous:
                    rows.append(previous[doc.output])
            write_manifest(out, rows, previous_kit or None)

        report.start(len(documents), len(todo))
        for i in sorted(finished):
            report.document(documents[i])
        save()

        # Longest posts first: the last post to finish then is a short one, and no worker waits
        # long for another to end the batch (the source's length stands for its render time).
        todo.sort(key=lambda i: len(posts[i].body), reverse=True)
        tasks = [
            Task(
                id=i,
                func=runner,
                args={
                    "path": str(posts[i].path),
                    "out": str(out / (documents[i].output or "")),
                    "config": _str_or_none(inputs.config_path(posts[i].path)),
                    "theme": theme,
                    "offline": offline,
                },
                timeout=timeout,
            )
            for i in todo
        ]

        def done(task: Task, outcome: dict[str, Any]) -> None:
            doc = documents[task.id]
            _apply(doc, outcome, posts[task.id].path, inputs)
            finished.add(task.id)
            save()
            report.document(doc)

        result = BuildResult(documents, out, 0.0)
        if todo:
            pool.run(tasks, done)
        if kit:
            from presskit.kit import make_kit

            make_kit(result, kit, pool, posts, inputs, timeout, report, previous_kit)

    write_manifest(out, documents, kit_record(result, kit))
    result.seconds = time.monotonic() - started
    report.finish(result)
    return result


def cpu_count() -> int:
    """The CPUs this process may use (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _str_or_none(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def _examine(
    source: Source,
    inputs: Inputs,
    langs: Sequence[str],
    include: Sequence[str],
    exclude: Sequence[str],
    drafts: bool,
    sections: bool,
) -> tuple[Document | None, Post | None]:
    """Read the front matter and decide: out of the batch (None), skipped, failed, or pending."""
    if not source.explicit and not selected(source, include, exclude):
        return None, None
    doc = Document(source=source.display, output=source.output.as_posix(), status="pending")
    try:
        cfg = inputs.config(source.path)
        post = load_post(source.path, default_lang=cfg.lang)
    except PresskitError as error:
        if langs:
            return None, None  # language unknown: a post we cannot read is not asked for
        doc.status, doc.error, doc.output = "failed", str(error.located(source.path)), None
        return doc, None
    if not source.explicit and not lang_matches(post.lang, langs):
        return None, None
    doc.title = post.title or None
    doc.lang = post.lang
    doc.date = date_text(post)
    if not source.explicit:
        if post.front_matter_format is None:
            doc.status, doc.reason = "skipped", "no front matter: not a Hugo post"
        elif is_section(source.path) and not sections:
            doc.status, doc.reason = "skipped", "section page (_index.md); use --sections"
        elif post.draft and not drafts:
            doc.status, doc.reason = "skipped", "draft; use --drafts"
    if doc.status == "skipped":
        doc.output = None
    return doc, post


def _still_valid(prior: Document, doc: Document, out: Path) -> bool:
    if prior.inputs != doc.inputs or not doc.output:
        return False
    try:
        return (out / doc.output).stat().st_size == prior.bytes
    except OSError:
        return False


def _carry_over(prior: Document, doc: Document) -> None:
    doc.status = "unchanged"
    doc.pages, doc.bytes, doc.sha256 = prior.pages, prior.bytes, prior.sha256
    doc.warnings = list(prior.warnings)


def _apply(doc: Document, result: dict[str, Any], path: Path, inputs: Inputs) -> None:
    if result.get("ok"):
        doc.status = "built"
        doc.pages, doc.bytes, doc.sha256 = result["pages"], result["bytes"], result["sha256"]
        doc.warnings = list(result.get("warnings", []))
        folder = path.parent.resolve()
        read = []
        for name in result.get("files", []):
            file = Path(name)
            if file.is_relative_to(folder):
                read.append(os.path.relpath(file, folder))
        if not set(read) <= set(doc.depends):
            # files outside the bundle (`../shared.png`) are known only after the first render
            doc.inputs, doc.depends = inputs.key(path, [*doc.depends, *read])
    else:
        doc.status = "failed"
        doc.error = result.get("error") or "failed"
        doc.warnings = list(result.get("warnings", []))
        doc.output = doc.inputs = None  # an older PDF may still be there, but it is not this one


def _link_translations(documents: list[Document], posts: dict[int, Post]) -> None:
    groups: dict[str, list[int]] = {}
    for i, doc in enumerate(documents):
        if i in posts and doc.status != "skipped" and doc.output:
            key = translation_key(PurePosixPath(doc.output), doc.lang)
            groups.setdefault(key, []).append(i)
    for members in groups.values():
        langs = {documents[i].lang for i in members}
        if len(members) < 2 or len(langs) < 2:
            continue
        for i in members:
            documents[i].translations = [
                {"lang": documents[j].lang, "output": documents[j].output}
                for j in members
                if j != i
            ]


# --------------------------------------------------------------------------- the kit


def kit_record(result: BuildResult, kit: str | None) -> dict[str, Any] | None:
    if not kit:
        return None
    return {
        "name": kit,
        "pdf": result.kit_pdf.name if result.kit_pdf else None,
        "zip": result.kit_zip.name if result.kit_zip else None,
        "pages": result.kit_pages,
        "error": result.kit_error,
        "inputs": result.kit_inputs,
    }
