"""Many posts to many PDFs: the batch, from discovery to the manifest and the kit.

`build(paths, outdir)` is what `presskit build` runs. The order of work is chosen so that the
common case, "nothing changed", is cheap: discovery reads front matter only (YAML, no pandoc),
every post's inputs are hashed and compared with the manifest of the previous run, and only
then, if something is left to render, worker processes start (`presskit.batch.workers`), each paying
for WeasyPrint, pandoc and the fonts once. This module itself never imports WeasyPrint.

The manifest is rewritten atomically each time a post finishes (when that changes what it says),
so a build killed at any moment leaves valid JSON that describes every PDF already on disk, and
the next run only renders what is missing or stale.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from presskit import extensions, weasy
from presskit.batch.discover import (
    BUNDLE_FILE,
    Source,
    discover,
    is_section,
    lang_matches,
    selected,
    translation_key,
)
from presskit.batch.executors import (
    EXTENSIONS_ARG,
    Executor,
    Result,
    Task,
    TaskFiles,
    choose,
    clock_arg,
)
from presskit.batch.inputs import Inputs, Settings, post_files
from presskit.batch.manifest import (
    BuildResult,
    Document,
    Reporter,
    date_text,
    kit_record,
    read_manifest,
    remove_stale_temp_files,
    write_manifest,
)
from presskit.brand import site_lang
from presskit.errors import PresskitError
from presskit.output.backends import (
    kit_format,
    kit_spec,
    known,
    no_kit_format,
    output_paths,
    parse_formats,
    suffix_of,
)
from presskit.output.release import canonical_url, embargo_moment
from presskit.source.post import FrontMatterMemo, Post, load_post, remembering
from presskit.source.site import one_listing
from presskit.source.verdict import effective_front_matter, hugo_verdict

DEFAULT_TIMEOUT = 120.0
KIT_NAME = re.compile(r"[\w][\w.-]*")


class Outputs:
    """The output paths a batch has given out. Two posts may not write one PDF, nor one
    write a PDF where another needs a folder (`a.pdf` and `a.pdf/b.pdf`), nor a post write
    the kit's files: each would overwrite the other while the manifest named one."""

    def __init__(self, kit: str | None, suffixes: Sequence[str] = ()) -> None:
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        if kit:
            for suffix in dict.fromkeys((".pdf", ".zip", *suffixes)):
                self.files[kit + suffix] = f"the kit (--kit {kit})"

    def claim(self, output: str, source: str) -> str | None:
        """None when `output` is free (and now taken), else what it collides with."""
        other = self.files.get(output)
        if other is not None:
            return f"writes the same file {output} as {other}"
        other = self.folders.get(output)
        if other is not None:
            return f"writes the file {output} where {other} needs a folder"
        parents = [str(p) for p in PurePosixPath(output).parents if str(p) != "."]
        for parent in parents:
            other = self.files.get(parent)
            if other is not None:
                return f"needs a folder {parent} where {other} writes a file"
        self.files[output] = source
        for parent in parents:
            self.folders.setdefault(parent, source)
        return None


DEFAULT_RUNNER = "presskit.batch.workers:render_post"
SECTION_RUNNER = "presskit.batch.kit:render_post_and_section"


# --------------------------------------------------------------------------- the batch


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
    expired: bool = False,
    kit: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    reporter: Reporter | None = None,
    runner: str = DEFAULT_RUNNER,
    pool: Executor | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
    now: dt.datetime | None = None,
    formats: str | Sequence[str] = ("pdf",),
    pdf_variant: str | None = None,
) -> BuildResult:
    """Render every post under `paths` into `outdir`, skipping posts whose inputs are unchanged.

    Folders are searched for `*.md`; a page bundle's PDF is named after its folder and the
    output tree mirrors the source tree. A section page (`_index.md`) with a body is a page
    like any other (Istio's release announcements are); an empty one is skipped. Each
    document records Hugo's verdict on the page (`presskit.source.verdict`): future posts are
    built (a kit carries them under embargo) and say so; drafts and expired posts are skipped
    unless `drafts`/`expired` (Hugo's `--buildDrafts`/`--buildExpired`), headless bundles
    and `build.render: never|link` pages always, unless the file is named directly.
    `langs`, `include` and `exclude` narrow the batch. `jobs` worker processes (default: CPU
    count) render in parallel; a post that crashes its worker or runs past `timeout` seconds
    fails alone. With `kit`, also writes `outdir/KIT.pdf` (all posts in one document) and
    `outdir/KIT.zip`.

    Never raises for a broken post: its `Document` has status "failed" and an `error` line.
    Raises `PresskitError` only for problems with the batch itself (a PATH that does not
    exist, an unreadable `--config`, an output folder that cannot be written).
    `executor` says where posts render: "local" (the default: a pool of `jobs` worker
    processes), "dask-local" (a Dask `LocalCluster` of `jobs` workers) or "dask" (the Dask
    scheduler at `scheduler`, default `$PRESSKIT_SCHEDULER`; naming a scheduler alone means
    "dask"). The outputs and the manifest are written by this process whichever it is.
    `runner` ("module:function") renders one post in a worker; tests swap it. `pool`: an
    open executor (`presskit.batch.workers.Pool`) to render with and leave open, so a caller
    that builds again and again (`presskit preview`, `build --watch`) keeps its workers warm
    between builds. `now` is the embargo clock (`--as-of`): every post and the kit judge
    their embargo as of that moment instead of the moment each one renders. Which side of its
    embargo a post is on counts as one of its inputs: a PDF that printed "Embargoed until …"
    is stale once it lifts.
    `formats` ("pdf,docx", or a list of backend names) writes each post once per format,
    `slug.pdf` beside `slug.docx`, each with its own manifest row and incremental key: a
    format is rendered again only when its own inputs changed or its file is gone. One task
    per post renders the formats it needs, in the same worker; the kit is laid out from the
    PDFs.
    """
    started = time.monotonic()
    kind, scheduler = choose(executor, scheduler)
    if kit is not None and not KIT_NAME.fullmatch(kit):
        raise PresskitError(f"kit name {kit!r} must be a file name without folders")
    if pdf_variant is not None:
        from presskit.output.pdf import PDF_VARIANTS  # the PDF stage: only when it is asked of

        if pdf_variant not in PDF_VARIANTS:
            raise PresskitError(f"unknown PDF variant {pdf_variant!r} ({', '.join(PDF_VARIANTS)})")
    report = reporter or Reporter()
    out = Path(outdir)
    settings = Settings(
        config=Path(config) if config is not None else None,
        theme=theme,
        offline=offline,
        trees=tuple(Path(p) for p in paths if Path(p).is_dir()),
        now=now,
        pdf_variant=pdf_variant,
    )
    inputs = Inputs(settings)
    if settings.config is not None:
        inputs.config(settings.config)  # a bad --config fails the batch, once
    sources = discover(paths)
    if not sources:
        raise PresskitError("no Markdown files found", ", ".join(str(p) for p in paths))
    wanted = _formats(formats, sources, inputs)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PresskitError(f"cannot create output folder: {error.strerror}", out) from None
    remove_stale_temp_files(out)
    previous, previous_kit = ({}, {}) if force else read_manifest(out)
    memo = FrontMatterMemo() if force else FrontMatterMemo.load(out)

    # Shortcodes this process declared (a script calling build) reach the workers by module.
    declared = extensions.declared_modules()

    # each folder listed once to tell content from the folders above it, not once per post
    with contextlib.ExitStack() as closing, one_listing():
        # The executor is made when the batch first needs it (a build that renders nothing
        # does not import it), and its workers start as soon as there is work: they import
        # while the remaining posts are examined. A pool the caller opened stays open (it is
        # the caller's to close).
        chosen: Executor | None = pool

        def renderers() -> Executor:
            nonlocal chosen
            if chosen is None:
                made = make_executor(kind, jobs or cpu_count(), scheduler)
                chosen = closing.enter_context(made)
            return chosen

        documents: list[Document] = []
        posts: dict[int, Post] = {}
        # a post to render: the index of its first row → the rows (formats) it must write
        todo: dict[int, list[int]] = {}
        kit_formats = [fmt for fmt in wanted if kit_spec(fmt)] if kit else []
        outputs = Outputs(kit, [suffix_of(fmt) for fmt in kit_formats])
        # Rows of posts this batch leaves out (`--include`, `--exclude`, `--lang`) stay on
        # record: a narrowed build is not a statement that the other posts are gone, and the
        # next full build still finds them unchanged.
        by_source: dict[str, list[Document]] = {}
        for row in previous.values():
            by_source.setdefault(row.source, []).append(row)
        kept: list[Document] = []
        for source in sources:
            with remembering(memo):  # front matter parsed by the previous build, by its text
                first, post = _examine(
                    source, inputs, langs, include, exclude, drafts, expired, now
                )
            if first is None:
                kept += by_source.get(source.display, [])
                continue
            # a row per format; a post skipped or failed before rendering, one row
            rows = (
                [_in_format(first, fmt) for fmt in wanted] if first.status == "pending" else [first]
            )
            head = len(documents)
            for doc in rows:
                index = len(documents)
                documents.append(doc)
                if post is not None:
                    posts[index] = post
                if _pending(doc, source, outputs, inputs, previous, out):
                    todo.setdefault(head, []).append(index)
            if head in todo:
                renderers().warm(len(todo))  # its workers import while the rest is examined
        memo.save(out)
        _link_translations(documents, posts)

        finished: set[int] = {i for i, doc in enumerate(documents) if doc.status != "pending"}

        def save() -> None:
            rows = []
            for i, doc in enumerate(documents):
                if i in finished:
                    rows.append(doc)
                elif doc.output in previous:
                    rows.append(previous[doc.output])
            write_manifest(out, rows + kept, previous_kit or None)

        report.start(
            len(documents),
            sum(map(len, todo.values())),
            wanted,
            posts=len({doc.source for doc in documents}),
        )
        # read from WeasyPrint's package metadata: asked only when something renders
        untested = weasy.range_warning() if todo else None
        if untested:
            report.note(f"warning: {untested}")
        for name in extensions.undeclarable():
            report.note(
                f'warning: shortcode "{name}" was declared in __main__, which the workers '
                "cannot import; declare it in a module (see README, Writing a shortcode)"
            )
        for warning in inputs.file_warnings():
            report.note(f"warning: {warning}")
        for i in sorted(finished):
            report.document(documents[i])
        save()

        # Longest posts first: the last post to finish then is a short one, and no worker waits
        # long for another to end the batch (the source's length stands for its render time).
        order = sorted(todo, key=lambda i: len(posts[i].body), reverse=True)
        # With an assembled kit, the worker rendering a post's PDF also lays out its section.
        kit_parts = None
        laid_out: set[str] = set()  # sections laid out beside their posts
        kit_fmt = kit_format(wanted) if kit else None  # PDF, else the first that makes one
        if kit_fmt and todo and runner == DEFAULT_RUNNER:
            from presskit.batch.kit import section_plan

            kit_rows = {i: p for i, p in posts.items() if documents[i].format == kit_fmt}
            kit_parts = section_plan(documents, kit_rows, inputs, out, kit_fmt)
            if kit_parts is not None:
                kit_parts.folder.mkdir(parents=True, exist_ok=True)

        def section_args(i: int) -> dict[str, Any]:
            if kit_parts is None or all(documents[row].format != kit_fmt for row in todo[i]):
                return {}
            own = documents[i].lang or kit_parts.site_lang
            return {
                "section_out": str(kit_parts.folder / f".post-{i}.part"),
                **kit_parts.section_args(own),
                **({"kit_format": kit_fmt} if kit_fmt != "pdf" else {}),
            }

        tasks = [
            Task(
                id=i,
                func=SECTION_RUNNER if section_args(i) else runner,
                args={
                    "path": str(posts[i].path),
                    # the first format's file; the others beside it (`output_paths`)
                    "out": str(out / (documents[todo[i][0]].output or "")),
                    "config": inputs.config_arg(posts[i].path),
                    "theme": inputs.theme_argument(posts[i].path),
                    "offline": offline,
                    **clock_arg(now),
                    EXTENSIONS_ARG: declared,
                    # PDF alone is not named: a runner written before formats keeps working
                    **_formats_arg([documents[row].format for row in todo[i]]),
                    **({"pdf_variant": pdf_variant} if pdf_variant else {}),
                    **section_args(i),
                },
                timeout=timeout * len(todo[i]),  # each format is one render
                files=_with_section(
                    post_files(posts[i].path, _depends(documents, todo[i]), inputs),
                    bool(section_args(i)),
                )
                if renderers().remote
                else TaskFiles(),
            )
            for i in order
        ]

        def done(task: Task, outcome: Result) -> None:
            rows = todo[task.id]
            if len(rows) > 1 and outcome.ok and not outcome.formats:
                outcome = Result.failure(f"{task.func} returned one output for {len(rows)} formats")
            for row in rows:
                doc = documents[row]
                _apply(doc, outcome.of(doc.format), posts[row].path, inputs)
                finished.add(row)
                section = outcome.data.get("section")
                data = outcome.data.get("section_data")
                kit_row = doc.format == kit_fmt and doc.status == "built"
                if kit_parts is not None and kit_row and section and data:
                    # filed under the post's inputs as the manifest records them
                    own = doc.lang or kit_parts.site_lang
                    key = kit_parts.section_key(doc, own)
                    kit_parts.put(key, section, data)
                    laid_out.add(key)
            save()
            for row in rows:
                report.document(documents[row])

        # judged by the clock, the batch's PDFs go stale when the next embargo lifts
        lift = inputs.next_lift() if now is None else None
        result = BuildResult(documents, out, 0.0, next_lift=lift)
        if todo:
            try:
                renderers().run(tasks, done)
            except PresskitError:
                save()  # what finished is on record before the one line goes out
                raise
        if kit and kit_fmt is None:
            result.kit_error = no_kit_format(wanted)
        elif kit and kit_fmt:
            from presskit.batch.kit import make_kit, make_other_kit

            # The kit is laid out from the posts' rows of its format (one section per post),
            # where the posts rendered (a kit laid out as one document renders here: it reads
            # every post's folder).
            kit_posts = {i: p for i, p in posts.items() if documents[i].format == kit_fmt}
            make_kit(
                result,
                kit,
                renderers(),
                kit_posts,
                inputs,
                timeout,
                report,
                previous_kit,
                now,
                laid_out,
                kit_fmt,
            )
            # and in every other format that makes one (Word beside PDF), each failing alone
            for other in kit_formats:
                if other != kit_fmt:
                    mine = {i: p for i, p in posts.items() if documents[i].format == other}
                    make_other_kit(
                        result,
                        kit,
                        renderers(),
                        mine,
                        inputs,
                        timeout,
                        report,
                        previous_kit,
                        now,
                        other,
                    )

    write_manifest(out, documents + kept, kit_record(result, kit))
    result.seconds = time.monotonic() - started
    report.finish(result)
    return result


def _with_section(files: TaskFiles, section: bool) -> TaskFiles:
    """A post's files; with its kit section, the section's scratch path mirrored too."""
    return dataclasses.replace(files, paths=(*files.paths, "section_out")) if section else files


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    """The executor `choose` named; each imported only when chosen (Dask is an extra)."""
    if kind == "local":
        from presskit.batch.workers import Pool

        return Pool(jobs)
    from importlib.util import find_spec

    from presskit.batch.cluster import DaskExecutor

    # Found, not imported: importing `distributed` (0.45 s) is the executor's to do on its
    # start-up thread, beside the fork server's imports and this thread's examining posts.
    if find_spec("distributed") is None:  # pragma: no cover - the extra is not installed
        raise PresskitError(f"--executor {kind} needs Dask: pip install 'presskit[dask]'")
    return DaskExecutor(jobs, scheduler)


def _formats(
    formats: str | Sequence[str], sources: Sequence[Source], inputs: Inputs
) -> tuple[str, ...]:
    """The formats asked for, once each. A name that is not built in may be a backend an
    extension of the batch's configs registers: those are imported here too (the workers
    import them anyway), so the batch can name its outputs."""
    names = formats.split(",") if isinstance(formats, str) else list(formats)
    if not all(known(name) for name in names if name.strip()):
        seen: set[tuple[str, ...]] = set()
        for source in sources:
            with contextlib.suppress(PresskitError):  # a broken config fails its posts later
                modules = inputs.extensions(source.path)  # none from a loose post's found config
                if modules not in seen:
                    seen.add(modules)
                    extensions.load(modules, source=inputs.config_path(source.path))
    return parse_formats(formats)


def _in_format(doc: Document, fmt: str) -> Document:
    """The row of one output format of an examined post: `x.pdf` becomes `x.docx`."""
    output = doc.output
    if output is not None:
        output = PurePosixPath(output_paths(output, [fmt])[fmt]).as_posix()
    return replace(
        doc, output=output, format=fmt, warnings=list(doc.warnings), depends=list(doc.depends)
    )


def _pending(
    doc: Document,
    source: Source,
    outputs: Outputs,
    inputs: Inputs,
    previous: dict[str, Document],
    out: Path,
) -> bool:
    """Claim the row's output and decide whether it must be rendered (else it is failed,
    skipped, or unchanged since the previous run and carried over)."""
    if doc.output is not None and doc.status != "skipped":
        clash = outputs.claim(doc.output, source.display)
        if clash is not None:
            doc.status = "failed"
            doc.error = f"{source.display}: {clash}; rename one"
            doc.output = None
    if doc.status != "pending":
        return False
    prior = previous.get(doc.output or "")
    usable = prior is not None and prior.status in ("built", "unchanged")
    try:
        # hashed before rendering: an edit made during a render rebuilds next run
        doc.inputs, doc.depends = inputs.key(
            source.path, prior.depends if prior else [], doc.format
        )
    except PresskitError as error:  # e.g. its presskit.toml names a missing theme
        doc.status, doc.error, doc.output = "failed", str(error.located(source.path)), None
        return False
    if usable and prior is not None and _still_valid(prior, doc, out):
        _carry_over(prior, doc)
        return False
    return True


def _formats_arg(formats: list[str]) -> dict[str, list[str]]:
    return {} if formats == ["pdf"] else {"formats": formats}


def _depends(documents: list[Document], rows: list[int]) -> list[str]:
    """The files the formats of one post read last time, for shipping to a remote worker."""
    return list(dict.fromkeys(name for row in rows for name in documents[row].depends))


def cpu_count() -> int:
    """The CPUs this process may use (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _examine(
    source: Source,
    inputs: Inputs,
    langs: Sequence[str],
    include: Sequence[str],
    exclude: Sequence[str],
    drafts: bool,
    expired: bool,
    now: dt.datetime | None = None,
) -> tuple[Document | None, Post | None]:
    """Read the front matter and decide: out of the batch (None), skipped, failed, or pending."""
    if not source.explicit and not selected(source, include, exclude):
        return None, None
    doc = Document(source=source.display, output=source.output.as_posix(), status="pending")
    try:
        cfg = inputs.config(source.path)
        post = load_post(source.path, default_lang=cfg.lang, site_lang=site_lang(cfg, source.path))
    except PresskitError as error:
        if langs:
            return None, None  # language unknown: a post we cannot read is not asked for
        doc.status, doc.error, doc.output = "failed", str(error.located(source.path)), None
        return doc, None
    if not source.explicit and not lang_matches(post.lang, langs):
        return None, None
    with contextlib.suppress(PresskitError):  # a bad embargo fails the render, with its line
        inputs.embargo(source.path, embargo_moment(post))
    doc.title = post.title or None
    doc.lang = post.lang
    doc.date = date_text(post)
    site = cfg.site
    # judged by the build's clock (`--as-of`), as the embargo is
    meta = post.meta if site is None else effective_front_matter(site, source.path, post.meta)
    verdict = hugo_verdict(meta, timezone=site.timezone if site is not None else None, now=now)
    doc.hugo = verdict.state
    bundle = leaf_bundle_of(source)
    if bundle is not None:
        doc.hugo = None  # a bundle's resource is no page: Hugo has no verdict on it, nor a URL
    # Hugo gives a headless or never-rendered page no permalink either
    elif (
        post.front_matter_format is not None
        and verdict.detail != "build.render: never"
        and (verdict.state != "headless")
    ):
        try:
            doc.url = canonical_url(post, cfg)
        except PresskitError as error:  # a permalink pattern presskit does not know
            doc.warnings.append(str(error))
    skip = None
    if bundle is not None:
        skip = f"a resource of the leaf bundle {bundle}: Hugo makes no page of it"
    elif post.front_matter_format is None:
        skip = "no front matter: not a Hugo post"
    elif is_section(source.path) and not post.body.strip():
        skip = "empty list page (_index.md without a body): nothing to print"
    elif verdict.state == "draft" and not drafts:
        skip = "draft: Hugo does not publish it; use --drafts"
    elif verdict.state == "expired" and not expired:
        skip = f"expired ({verdict.detail}): Hugo no longer publishes it; use --expired"
    elif verdict.state in ("headless", "not-rendered"):
        kind = "a headless bundle" if verdict.state == "headless" else "not rendered"
        skip = f"{kind} ({verdict.detail}): Hugo makes no page of it; name the file to build it"
    if skip is not None and not source.explicit:
        doc.status, doc.reason = "skipped", skip
    elif verdict.state == "future" and verdict.when is not None:
        doc.reason = (
            f"future: Hugo publishes it from {verdict.when.isoformat()} "
            f"({verdict.detail.split()[0]}); built under embargo"
        )
        lifts = None
        with contextlib.suppress(PresskitError):  # a bad embargo fails the render, with its line
            lifts = embargo_moment(post)
        if lifts is None or lifts <= (now or inputs.now):
            # its pages say "For immediate release": a kit would hand it out as public
            doc.reason = doc.reason.replace("built under embargo", NO_EMBARGO)
    elif verdict.state != "published":
        doc.reason = f"{verdict.state} ({verdict.detail}): built because it was asked for"
    if doc.status == "skipped":
        doc.output = None
    return doc, post


NO_EMBARGO = (
    "built with no embargo: its pages say it is for immediate release "
    "(an `embargo:` in its front matter holds it)"
)


def leaf_bundle_of(source: Source) -> str | None:
    """The leaf bundle (`index.md`) a Markdown file lies in, below the PATH it was found in:
    such a file is the bundle's resource (Istio's boilerplates), never a page."""
    if BUNDLE_FILE.fullmatch(source.path.name) or source.explicit:
        return None
    rel = source.rel
    for depth in range(len(rel.parts) - 1, 0, -1):
        folder = source.path.parents[len(rel.parts) - 1 - depth]
        for name in _leaf_index_names(folder):
            return (PurePosixPath(*rel.parts[:depth]) / name).as_posix()
    return None


def _leaf_index_names(folder: Path) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(
        n for n in names if (m := BUNDLE_FILE.fullmatch(n)) is not None and not m.group("section")
    )


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


def _apply(doc: Document, result: Result, path: Path, inputs: Inputs) -> None:
    shared = set(inputs.file_warnings())
    if result.ok:
        doc.status = "built"
        doc.pages, doc.bytes, doc.sha256 = result.pages, result.size, result.sha256
        doc.warnings = [w for w in result.warnings if w not in shared]
        folder = path.parent.resolve()
        read = []
        for name in result.files:
            file = Path(name)
            if file.is_relative_to(folder):
                read.append(os.path.relpath(file, folder))
        if not set(read) <= set(doc.depends):
            # files outside the bundle (`../shared.png`) are known only after the first render
            doc.inputs, doc.depends = inputs.key(path, [*doc.depends, *read], doc.format)
    else:
        doc.status = "failed"
        doc.error = result.error or "failed"
        doc.warnings = [w for w in result.warnings if w not in shared]
        doc.output = doc.inputs = None  # an older PDF may still be there, but it is not this one


def _link_translations(documents: list[Document], posts: dict[int, Post]) -> None:
    """Hugo's rule (0.168, tested against `.Translations`): a page with a `translationKey`
    has as translations the pages in other languages with the same key; a page without one
    has those at its path without the language (here: its PDF's path), whatever their keys.
    So the pairing can be one-sided, as on the website."""
    keys: dict[int, str | None] = {}
    paths: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for i, doc in enumerate(documents):
        if i in posts and doc.status != "skipped" and doc.output:
            post = posts[i]
            kind = "section" if is_section(post.path) else "page"
            explicit = {str(k).lower(): v for k, v in post.meta.items()}.get("translationkey")
            key = None
            if isinstance(explicit, str | int | float) and str(explicit).strip():
                key = f"{kind}/{str(explicit).strip()}"
                by_key.setdefault(key, []).append(i)
            keys[i] = key
            paths.setdefault(translation_key(PurePosixPath(doc.output), doc.lang), []).append(i)
    for members in paths.values():
        for i in members:
            key = keys[i]
            group = by_key[key] if key is not None else members
            others = [j for j in group if j != i and documents[j].lang != documents[i].lang]
            documents[i].translations = [
                {"lang": documents[j].lang, "output": documents[j].output} for j in others
            ]
