"""The press kit: every post of a batch in one PDF, plus a zip of the PDFs and the brand.

The kit is one HTML document (cover, contents with page numbers from CSS `target-counter`,
one section per language, each post starting on a new page), rendered by WeasyPrint in one go.
It is built from each post's converted body (`post_section`, run in the workers in parallel)
rather than by gluing PDFs together, so page numbers, bookmarks and fonts are the kit's own.
It is rebuilt only when a post in it, the brand or the theme changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from presskit import __version__, extensions, i18n
from presskit.batch.executors import clock_arg
from presskit.batch.inputs import KIT_TEMPLATE, Inputs
from presskit.batch.manifest import (
    MANIFEST,
    BuildResult,
    Document,
    Reporter,
    date_text,
    kit_record,
    manifest_bytes,
    write_manifest,
)
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output.pdf import write_atomic
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
) -> None:
    """Write OUTDIR/NAME.pdf and OUTDIR/NAME.zip, or record why not in `result.kit_error`.
    `now`: the embargo clock the posts' sections are judged by (`build --as-of`);
    `laid_out`: the sections this build laid out beside their posts (see `section_plan`)."""
    order = kit_order(result.documents, posts)
    if not order:
        result.kit_error = "no post was built, so there is no kit"
        return
    out = result.outdir
    pdf, archive = out / f"{name}.pdf", out / f"{name}.zip"
    first = posts[order[0]].path
    config_path = inputs.config_path(first)
    digest = hashlib.sha256(f"kit {name} {__version__}\n".encode())
    digest.update(inputs.shared_digest(config_path).encode() + b"\n")
    digest.update(inputs.theme_digest(inputs.theme_path(config_path), kit=True).encode())
    for i in order:
        doc = result.documents[i]
        digest.update(f"{doc.output} {doc.inputs} {doc.sha256}\n".encode())
    for doc in result.documents:
        # the zip holds every format written (`--formats pdf,docx`): a Word file added to a
        # build, or changed, makes a new zip (a PDF-only kit keeps the key it had)
        if doc.format != "pdf" and doc.status in ("built", "unchanged") and doc.output:
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

    why = single_document_reason(inputs, inputs.config(first))
    if why is None:
        pages = assemble_kit(
            result, name, pool, posts, inputs, timeout, report, order, laid_out or set(), now
        )
    else:
        report.note(f"kit {pdf.name}: {why}: laid out as one document")
        if pool.remote:  # that document reads every post's folder: it renders here
            from presskit.batch.workers import Pool  # the local pool: no Dask needed here

            with Pool(1) as local:
                pages = single_document(
                    result, name, local, posts, inputs, timeout, report, order, now
                )
        else:
            pages = single_document(result, name, pool, posts, inputs, timeout, report, order, now)
    if pages is None:
        result.kit_pdf = result.kit_zip = None
        return
    result.kit_pages = pages
    result.kit_inputs = key
    result.kit_pdf_sha256 = _sha256(pdf)
    # The zip first, the manifest's record of it last: killed in between, the next build
    # finds the old record and makes the kit again.
    zipped = manifest_bytes(result.documents, kit_record(result, name))
    write_zip(archive, out, result.documents, inputs.config(first), config_path, zipped)
    result.kit_zip_sha256 = _sha256(archive)
    write_manifest(out, result.documents, kit_record(result, name))
    report.note(f"kit {pdf.name}: {pages} pages, {archive.name}")


KIT_CACHE = ".presskit-kit"  # in OUTDIR: the kit's parts, by the digest of their inputs
PART = ".part"  # a part's PDF: not named .pdf, which OUTDIR's readers take for a kit or a post
FOOTER_CHUNK = 96  # footer pages per task: footers of a large kit lay out on every worker


def single_document_reason(inputs: Inputs, config: Config) -> str | None:
    """Why this kit cannot be assembled from parts, or None when it can."""
    variant = inputs.settings.pdf_variant
    if variant:
        # A joined PDF would need one structure tree (PDF/UA) and one conformance claim over
        # parts that each made their own (PDF/A): not done yet.
        return f"--pdf-variant {variant}"
    from presskit.themes import load_theme

    theme = load_theme(inputs.settings.theme or config.theme, config.root)
    for folder in theme.template_dirs:
        template = Path(folder) / KIT_TEMPLATE
        if template.is_file():
            if "kit_part" not in template.read_text("utf-8", errors="replace"):
                return f"the theme's {KIT_TEMPLATE} knows no parts (kit_part)"
            break
    return None


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
    ) -> None:
        self.folder = out / KIT_CACHE
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

    def section_key(self, post_inputs: str | None, own: str) -> str:
        return self.key("section", [post_inputs, self.section_args(own)])

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
    documents: list[Document], posts: dict[int, Post], inputs: Inputs, out: Path
) -> PartCache | None:
    """Before the posts render: where their kit sections go, so that a worker rendering a
    post lays out its section in the same task (see `render_post_and_section`). None when
    the kit will not be assembled."""
    order = kit_order(documents, posts, ("pending", "built", "unchanged"))
    if not order:
        return None
    first = posts[order[0]].path
    try:
        cfg = inputs.config(first)
    except PresskitError:
        return None
    if single_document_reason(inputs, cfg) is not None:
        return None
    langs = kit_langs(documents, order, cfg.lang)
    return PartCache(out, inputs, inputs.config_path(first), langs, cfg.lang)


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
) -> dict[str, Any]:
    """A post's PDF and, from the same conversion, its kit section (whose bytes come back in
    `section_pdf`; the parent files it under the post's final inputs). A section that fails
    fails nothing here: the kit lays it out again and says why."""
    from presskit.batch.workers import render_post
    from presskit.pipeline import shared_conversion

    with shared_conversion():
        made = render_post(path, out, config, theme, offline, as_of, formats, pdf_variant)
        try:
            section = render_section(
                path, section_out, config, theme, offline, langs, as_of, kit_lang
            )
        except PresskitError:
            section = {"ok": False}
    scratch = Path(section_out)
    if section.get("ok"):
        made["section_pdf"] = scratch.read_bytes()
        made["section"] = {k: v for k, v in section.items() if k not in ("ok", "bytes", "sha256")}
    scratch.unlink(missing_ok=True)
    return made


def assemble_kit(
    result: BuildResult,
    name: str,
    pool: Any,
    posts: dict[int, Post],
    inputs: Inputs,
    timeout: float,
    report: Reporter,
    order: list[int],
    laid_out: set[str],
    now: dt.datetime | None,
) -> int | None:
    """The kit joined from parts (see `presskit.batch.assemble`): each post's section from
    the cache or laid out by the workers, then the chrome and the footers, then one PDF.
    Returns its page count, or None with `result.kit_error` set."""
    from presskit.batch.assemble import Part, assemble
    from presskit.batch.executors import Result, Task, TaskFiles
    from presskit.batch.inputs import post_files
    from presskit.batch.workers import EXTENSIONS_ARG

    out = result.outdir
    pdf = out / f"{name}.pdf"
    first = posts[order[0]].path
    config_path = inputs.config_path(first)
    config_arg = inputs.config_arg(first)
    cfg = inputs.config(first)
    settings = inputs.settings
    declared = extensions.declared_modules()
    store = PartCache(
        out, inputs, config_path, kit_langs(result.documents, order, cfg.lang), cfg.lang
    )
    langs = store.langs
    cache = store.folder
    part_key, cached = store.key, store.get

    shared_files = TaskFiles(
        paths=("out", "config", "theme"),
        output="out",
        shared=inputs.shared_files(config_path) if pool.remote else (),
    )
    errors: list[str] = []

    def run(tasks: list[tuple[str, Task]]) -> dict[str, dict[str, Any]]:
        """Run the parts' tasks; each record written after its PDF (a kill in between: the
        part is laid out again next time)."""
        records: dict[str, dict[str, Any]] = {}
        keys = {task.id: key for key, task in tasks}

        def done(task: Task, outcome: Result) -> None:
            if not outcome.ok:
                errors.append(outcome.error or "failed")
                return
            record = {
                **{k: v for k, v in outcome.data.items() if k != "pdf"},
                "pages": outcome.pages,
                "sha256": outcome.sha256,
                "warnings": list(outcome.warnings),
            }
            key = keys[task.id]
            records[key] = store.put(key, record)

        if tasks:
            pool.run([task for _, task in tasks], done)
        return records

    # 1. sections: one per post, laid out only when its post or the kit's look changed
    lang_of = {i: result.documents[i].lang or cfg.lang for i in order}
    section_keys = {i: store.section_key(result.documents[i].inputs, lang_of[i]) for i in order}
    sections: dict[int, dict[str, Any]] = {}
    todo: list[tuple[str, Task]] = []
    queued: set[str] = set()
    for i in order:
        record = cached(section_keys[i])
        if record is not None:
            sections[i] = record
            continue
        if section_keys[i] in queued:
            continue  # two posts of the same text share one section (laid out once)
        queued.add(section_keys[i])
        out_pdf = cache / f"{section_keys[i]}{PART}"
        todo.append(
            (
                section_keys[i],
                Task(
                    id=i,
                    func="presskit.batch.kit:render_section",
                    args={
                        "path": str(posts[i].path),
                        "out": str(out_pdf),
                        "config": config_arg,
                        "theme": inputs.theme_argument(posts[i].path),
                        "offline": settings.offline,
                        **store.section_args(lang_of[i]),
                        **clock_arg(now),
                        EXTENSIONS_ARG: declared,
                    },
                    timeout=timeout,
                    files=post_files(posts[i].path, result.documents[i].depends, inputs)
                    if pool.remote
                    else TaskFiles(),
                ),
            )
        )
    beside = sum(1 for i in order if section_keys[i] in laid_out and i in sections)
    result.kit_sections_rendered = len(todo) + beside
    result.kit_sections_reused = len(order) - result.kit_sections_rendered
    if todo:
        report.note(f"kit {pdf.name}: laying out {_count(len(todo), 'section')}")
    cache.mkdir(parents=True, exist_ok=True)
    fresh = run(todo)
    if errors:
        result.kit_error = errors[0]
        return None
    for i in order:
        sections.setdefault(i, fresh.get(section_keys[i], {}))
        if sections[i].get("lang", "") is None:
            sections[i]["lang"] = ""

    # 2. the chrome: contents page numbers from the sections' page counts
    dividers = len(langs) > 1
    kit_lang = kit_language(langs, cfg.lang)
    layout_file = cache / "layout.json"
    try:
        contents = int(json.loads(layout_file.read_text("utf-8"))["contents"])
    except (OSError, ValueError, KeyError, TypeError):
        contents = 1
    chrome: dict[str, Any] = {}
    chrome_key = ""
    for _attempt in range(4):
        page = 1 + contents  # cover, contents
        starts: dict[int, int] = {}
        for lang in langs:
            page += 1 if dividers else 0
            for i in order:
                if lang_of[i] == lang:
                    starts[i] = page + 1
                    page += int(sections[i]["pages"])
        quotes = any(sections[i].get("quotes") for i in order) and cfg.quotes_sheet
        entries = [
            {
                "title": sections[i]["title"],
                "date": sections[i]["date"],
                "lang": lang_of[i],
                "quotes": sections[i].get("quotes", []),
                "translations": [t["lang"] for t in result.documents[i].translations],
                "page": starts[i],
            }
            for i in order
        ]
        what = {
            "entries": entries,
            "name": name,
            "quotes_page": page + 1 if quotes else None,
            "langs": langs,
        }
        chrome_key = part_key("chrome", what)
        record = cached(chrome_key)
        if record is None:
            task = Task(
                id=0,
                func="presskit.batch.kit:render_chrome",
                args={
                    "entries": entries,
                    "name": name,
                    "out": str(cache / f"{chrome_key}{PART}"),
                    "config": config_arg,
                    "theme": settings.theme,
                    "offline": settings.offline,
                    "langs": langs,
                    "quotes_page": what["quotes_page"],
                    EXTENSIONS_ARG: declared,
                },
                timeout=timeout * (1 + len(entries) / 50),
                files=shared_files,
            )
            record = run([(chrome_key, task)]).get(chrome_key)
            if record is None:
                result.kit_error = errors[0] if errors else "kit contents failed"
                return None
        chrome = record
        parts = chrome["parts"]
        after = [p for k, p in parts.items() if k != "pk-contents"] + [chrome["pages"]]
        laid = min(after) - 1  # the cover is page 0; contents run up to the next part
        if laid == contents:
            break
        contents = laid
    else:
        result.kit_error = f"{pdf}: the contents do not settle on a page count"
        return None
    write_atomic(layout_file, json.dumps({"contents": contents}), durable=False)

    # 3. the parts in kit order, and each page's footer text
    chrome_pdf = cache / f"{chrome_key}{PART}"
    marks = chrome["bookmarks"]
    quotes_at = chrome["parts"].get("kit-quotes")
    joined: list[Part] = [
        Part(chrome_pdf, 0, 1, marks=marks, footers=False),
        Part(chrome_pdf, 1, contents, marks=marks),
    ]
    texts: list[tuple[str, int]] = [("", 1), (kit_lang, contents)]
    for n, lang in enumerate(langs, 1):
        if dividers:
            at = chrome["parts"][f"pk-divider-{n}"]
            joined.append(Part(chrome_pdf, at, 1, marks=marks))
            texts.append((lang, 1))
        for number, i in enumerate(order, 1):
            if lang_of[i] != lang:
                continue
            count = int(sections[i]["pages"])
            joined.append(
                Part(
                    cache / f"{section_keys[i]}{PART}",
                    1,  # after the lead page
                    count,
                    prefix=f"post-{number}/",
                    rename={SECTION_ANCHOR: f"post-{number}"},
                    marks=sections[i]["bookmarks"],
                )
            )
            texts.append((lang, count))
    if quotes_at is not None:
        count = chrome["pages"] - quotes_at
        joined.append(Part(chrome_pdf, quotes_at, count, marks=marks))
        texts.append((kit_lang, count))
    total = sum(count for _, count in texts)
    footers: list[str | None] = []
    for lang, count in texts:
        for _ in range(count):
            number = len(footers) + 1
            footers.append(
                i18n.label(lang, "page", page=str(number), pages=str(total)) if lang else None
            )

    # 4. the footers, in chunks laid out side by side, each cached by its texts
    chunks: list[tuple[str, int]] = []
    todo = []
    for start in range(0, total, FOOTER_CHUNK):
        texts_here = footers[start : start + FOOTER_CHUNK]
        key = part_key("footer", [langs, texts_here])
        chunks.append((key, len(texts_here)))
        if cached(key) is None and all(key != k for k, _ in todo):
            todo.append(
                (
                    key,
                    Task(
                        id=start,
                        func="presskit.batch.kit:render_footer",
                        args={
                            "out": str(cache / f"{key}{PART}"),
                            "config": config_arg,
                            "theme": settings.theme,
                            "langs": langs,
                            "footers": texts_here,
                            EXTENSIONS_ARG: declared,
                        },
                        timeout=timeout,
                        files=shared_files,
                    ),
                )
            )
    run(todo)
    if errors:
        result.kit_error = errors[0]
        return None

    # 5. one PDF
    report.note(
        f"kit {pdf.name}: joining {total} pages ({_count(len(order), 'section')}: "
        f"{result.kit_sections_rendered} new, {result.kit_sections_reused} unchanged)"
    )
    title = kit_title(name, cfg.brand.name, kit_label(kit_lang))
    data = assemble(
        joined,
        [(cache / f"{key}{PART}", count) for key, count in chunks],
        title=title,
        lang=i18n.html_lang(kit_lang),
        info_from=chrome_pdf,
    )
    write_atomic(pdf, data)
    keep = {*section_keys.values(), chrome_key, *(key for key, _ in chunks)}
    _prune(cache, keep)
    return total


def _count(n: int, noun: str) -> str:
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


def single_document(
    result: BuildResult,
    name: str,
    pool: Any,
    posts: dict[int, Post],
    inputs: Inputs,
    timeout: float,
    report: Reporter,
    order: list[int],
    now: dt.datetime | None,
) -> int | None:
    """The kit as one WeasyPrint document (`render_kit`): its page count, or None with
    `result.kit_error` set. What an assembled kit cannot be yet falls back to this."""
    from presskit.batch.executors import Result, Task
    from presskit.batch.workers import EXTENSIONS_ARG

    pdf = result.outdir / f"{name}.pdf"
    first = posts[order[0]].path
    report.note(f"kit {pdf.name}: preparing {len(order)} post{'' if len(order) == 1 else 's'}")
    sections: dict[int, dict[str, Any]] = {}
    errors: list[str] = []

    def collected(task: Task, outcome: Result) -> None:
        if outcome.ok:
            sections[task.id] = {
                **outcome.data,
                "warnings": list(outcome.warnings),
                "files": list(outcome.files),  # what the kit may read for this post
            }
        else:
            errors.append(outcome.error or "failed")

    settings = inputs.settings
    config_arg = inputs.config_arg(first)  # what the workers use, without searching again
    pool.run(
        [
            Task(
                id=i,
                func="presskit.batch.kit:post_section",
                args={
                    "path": str(posts[i].path),
                    "config": config_arg,
                    "theme": settings.theme,
                    **clock_arg(now),
                    EXTENSIONS_ARG: extensions.declared_modules(),
                },
                timeout=timeout,
            )
            for i in order
        ],
        collected,
    )
    if errors:
        result.kit_error = errors[0]
        return None
    entries = []
    for i in order:
        doc = result.documents[i]
        entries.append(
            {
                **sections[i],
                "output": doc.output,
                "translations": [t["lang"] for t in doc.translations],
            }
        )
    rendered: list[Result] = []
    report.note(f"kit {pdf.name}: rendering")
    pool.run(
        [
            Task(
                id=0,
                func="presskit.batch.kit:render_kit",
                args={
                    "entries": entries,
                    "name": name,
                    "out": str(pdf),
                    "config": config_arg,
                    "theme": settings.theme,
                    "offline": settings.offline,
                    "variant": settings.pdf_variant,
                    EXTENSIONS_ARG: extensions.declared_modules(),
                },
                timeout=timeout * (1 + len(entries) / 4),
            )
        ],
        lambda _task, outcome: rendered.append(outcome),
    )
    outcome = rendered[0]
    if not outcome.ok:
        result.kit_error = outcome.error or "kit failed"
        return None
    return outcome.pages


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def write_zip(
    archive: Path, out: Path, documents: list[Document], config: Any, path: Any, manifest: bytes
) -> None:
    """The PDFs as laid out in OUTDIR, the manifest, and the brand (config and logo)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for doc in documents:
            if doc.status in ("built", "unchanged") and doc.output:
                bundle.write(out / doc.output, doc.output)
        bundle.writestr(MANIFEST, manifest)
        if path is not None:
            bundle.write(path, f"brand/{Path(path).name}")
        if config.brand.logo is not None:
            bundle.write(config.brand.logo, f"brand/{config.brand.logo.name}")
    write_atomic(archive, buffer.getvalue())


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
    body = convert_body(post, cfg, warnings.append)
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
        "asked": [str(p) for p in dict.fromkeys(policy.read)],
        "quotes": quotes,
        "status": release.status if release.embargoed else "",
        "warnings": [str(w) for w in warnings],
    }


def kit_html(
    entries: list[dict[str, Any]],
    name: str,
    cfg: Any,
    theme: Any,
    *,
    part: str = "all",
    langs: list[str] | None = None,
    footers: list[str | None] | None = None,
    quotes_page: int | None = None,
    kit_lang: str | None = None,
) -> str:
    """The kit's HTML, or one `part` of it (see kit.html.j2). A part other than "all" is given
    the whole kit's `langs` (each group's language, in order), so that a section laid out
    alone gets the kit's language, its running heads' fonts and its group's class."""
    from markupsafe import Markup

    from presskit import i18n
    from presskit.output.fonts import FontStacks
    from presskit.output.page import (
        PAGE_HEIGHTS,
        brand_stacks,
        environment,
        page_css,
        render_template,
    )
    from presskit.themes import builtin_root, data_uri

    brand = cfg.brand
    # the theme's templates (its own, then its parent's), then the built-in kit template;
    # page.py's environment is cached per folder list, so a batch builds it once
    default = (builtin_root() / "default").resolve()
    env = environment(tuple(dict.fromkeys((*theme.template_dirs, default))))
    groups: list[dict[str, Any]] = []
    dates: list[dt.date] = []
    wanted = langs if langs is not None else kit_groups(entries, cfg.lang)
    for lang in wanted:
        stacks = brand_stacks(lang, cfg, theme)
        groups.append(
            {
                "lang": lang,
                "html_lang": i18n.html_lang(lang),
                "name": i18n.language_name(lang),
                "labels": i18n.labels(lang),
                "page_footer": i18n.page_label(lang),
                "css_class": f"lang-{len(groups) + 1}",
                "fonts": {
                    "body": Markup(FontStacks.css(stacks.body)),
                    "heading": Markup(FontStacks.css(stacks.heading)),
                    "mono": Markup(FontStacks.css(stacks.mono)),
                    "latin_body": Markup(FontStacks.css(stacks.latin_body)),
                    "latin_heading": Markup(FontStacks.css(stacks.latin_heading)),
                },
                "posts": [],
            }
        )
    by_lang = {group["lang"]: group for group in groups}
    for number, entry in enumerate(entries, 1):
        date = _parse_date(entry["date"])
        if date is not None:
            dates.append(date)
        lang = entry["lang"] or cfg.lang
        by_lang[lang]["posts"].append(
            {
                **entry,
                "anchor": entry.get("anchor") or f"post-{number}",
                "page": entry.get("page"),
                "date_text": i18n.format_date(date, lang),
                "body": Markup(entry.get("html", "")),
                "translations": [i18n.language_name(t) for t in entry["translations"]],
                # The kit's quotes sheet: every post's quotes, under the post they come from.
                "quotes": [Markup(q) for q in entry["quotes"]] if cfg.quotes_sheet else [],
            }
        )
    # A kit of one language speaks it, whatever presskit.toml's `lang`; a mixed kit labels
    # each language's part in its language, and its shared parts (cover, contents, quotes
    # sheet) in all of them, the site's language first.
    langs = list(dict.fromkeys(group["html_lang"] for group in groups))
    site = i18n.html_lang(cfg.lang)
    kit_lang = kit_lang or (site if site in langs else langs[0])
    langs.sort(key=lambda tag: tag != kit_lang)

    def shared(words: dict[str, str]) -> str:
        return " · ".join(dict.fromkeys(words[tag] for tag in langs))

    labels = {
        key: shared({tag: i18n.label(tag, key) for tag in langs})
        for key in ("contents", "quotes_sheet", "published")
    }
    kind = kit_label(kit_lang)
    template = env.get_template(KIT_TEMPLATE)
    return render_template(
        template,
        dict(
            name=name,
            title=kit_title(name, brand.name, kind),
            brand=brand,
            logo=data_uri(brand.logo) if brand.logo else (theme.default_logo_uri or ""),
            css=Markup(page_css(theme.css)),
            groups=groups,
            has_quotes=any(post["quotes"] for group in groups for post in group["posts"]),
            count=len(entries),
            first=i18n.format_date(min(dates), kit_lang) if dates else "",
            last=i18n.format_date(max(dates), kit_lang) if dates else "",
            labels={**i18n.labels(kit_lang), **labels},
            kind=shared({tag: kit_label(tag) for tag in langs}),
            languages=i18n.label(
                kit_lang, "languages", names=shared({tag: i18n.language_name(tag) for tag in langs})
            )
            if len(langs) > 1
            else "",
            html_lang=kit_lang,
            page_size=cfg.page_size,
            page_height=PAGE_HEIGHTS.get(cfg.page_size, "297mm"),
            page_footer=i18n.page_label(kit_lang),
            generator="presskit",
            kit_part=part,
            dividers=len(groups) > 1,
            footers=footers or [],
            quotes_page=quotes_page,
        ),
    )


def kit_groups(entries: list[dict[str, Any]], default: str) -> list[str]:
    """Each language part's language, in the kit's order (entries come grouped by language)."""
    return list(dict.fromkeys(entry["lang"] or default for entry in entries))


def render_kit(
    entries: list[dict[str, Any]],
    name: str,
    out: str,
    config: str | None,
    theme: str | None,
    offline: bool | None,
    variant: str | None = None,
) -> dict[str, Any]:
    from presskit.brand import Config
    from presskit.output.pdf import FetchPolicy, allowed_roots, render_pdf
    from presskit.pipeline import resolve_config
    from presskit.themes import load_theme

    cfg = resolve_config(Path(out), config) if config else Config()  # no presskit.toml found
    theme_obj = load_theme(theme or cfg.theme, cfg.root)
    fonts = allowed_roots(face.path for face in cfg.brand.font_files)
    # Each post's approved files (see `absolute_sources`), never a folder: the kit reads what
    # each post's own render reads, and the theme and brand that every post's render reads.
    files = [Path(name) for entry in entries for name in entry.get("files", [])]
    readable = [*theme_obj.template_dirs, theme_obj.path, cfg.brand.logo, *fonts, *files]
    policy = FetchPolicy(
        roots=allowed_roots(readable),
        uncapped=frozenset(fonts),
        offline=cfg.offline if offline is None else offline,
        source=out,
    )
    try:
        document = kit_html(entries, name, cfg, theme_obj)
        result = render_pdf(
            document, Path(out), base_url=Path(out).parent, policy=policy, variant=variant
        )
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    return {"ok": True, "pages": result.pages, "bytes": result.size}


# --------------------------------------------------------------------------- the kit in parts
# An assembled kit (`presskit.batch.assemble`) is laid out in parts, each by a worker: one
# section per post (cached as its post's PDF is), the chrome (cover, contents, dividers,
# quotes sheet) and the footers. Each part's PDF starts with a blank page (`.pk-lead`) that
# assembly drops: the part's first real page is then not `@page :first` (the cover's page).

SECTION_ANCHOR = "pk-post"  # a section's own anchor for its post; the kit's is "post-N"


def _part_setup(
    out: str, config: str | Config | None, theme: str | None, offline: bool | None, files: list[str]
) -> tuple[Config, Any, Any]:
    """The config, theme and fetch policy a part renders with: what `render_kit` reads."""
    from presskit.brand import Config
    from presskit.output.pdf import FetchPolicy, allowed_roots
    from presskit.pipeline import resolve_config
    from presskit.themes import load_theme

    cfg = resolve_config(Path(out), config) if config else Config()  # no presskit.toml found
    theme_obj = load_theme(theme or cfg.theme, cfg.root)
    fonts = allowed_roots(face.path for face in cfg.brand.font_files)
    readable = [*theme_obj.template_dirs, theme_obj.path, cfg.brand.logo, *fonts]
    policy = FetchPolicy(
        roots=allowed_roots([*readable, *(Path(name) for name in files)]),
        uncapped=frozenset(fonts),
        offline=cfg.offline if offline is None else offline,
        source=out,
    )
    return cfg, theme_obj, policy


def _laid_out(
    html_text: str, out: str, policy: Any, *, lead: bool = True
) -> tuple[Any, dict[str, Any]]:
    """Render a part to `out`: how many pages it has (after its blank lead page), their
    bookmarks (in PDF points, where WeasyPrint's own outline puts them) and the page of each
    anchor; pages are numbered as in the file, from 0."""
    from presskit.output.pdf import render_pdf

    seen: dict[str, Any] = {}

    def inspect(document: Any) -> None:
        marks: list[list[Any]] = []
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages):
            for level, label, (x, y), state in page.bookmarks:
                top = (page.height - y) * 0.75
                marks.append([level, label, number, x * 0.75, top, state != "closed"])
            for anchor in page.anchors:
                anchors.setdefault(anchor, number)
        seen.update(pages=len(document.pages) - lead, bookmarks=marks, anchors=anchors)

    result = render_pdf(
        html_text,
        Path(out),
        base_url=Path(out).parent,
        policy=policy,
        durable=False,
        inspect=inspect,
    )
    return result, seen


def render_section(
    path: str,
    out: str,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    langs: list[str],
    as_of: str | None = None,
    kit_lang: str | None = None,
) -> dict[str, Any]:
    """One post's section of an assembled kit, laid out alone: everything the kit prints on
    its pages but the page numbers. `langs` (the kit's first language part, then the post's)
    and `kit_lang` are all it knows of the other posts; its embargo is judged as of `as_of`
    (`build --as-of`) or now."""
    entry = post_section(path, config, theme, as_of)
    cfg, theme_obj, policy = _part_setup(out, config, theme, offline, entry["files"])
    html_text = kit_html(
        [{**entry, "translations": [], "anchor": SECTION_ANCHOR}],
        "",
        cfg,
        theme_obj,
        part="post",
        langs=langs,
        kit_lang=kit_lang,
    )
    try:
        result, seen = _laid_out(html_text, out, policy)
    except PresskitError as error:
        return {"ok": False, "error": f"{path}: {error.message}"}
    data = Path(out).read_bytes()
    meta = {k: entry[k] for k in ("title", "lang", "date", "status")}
    return {
        **meta,
        "ok": True,
        "pages": seen["pages"],
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bookmarks": seen["bookmarks"],
        # the quotes sheet is laid out elsewhere, perhaps on another machine: its images
        # travel inside the quotes
        "quotes": [inline_sources(quote) for quote in entry["quotes"]],
        "warnings": entry["warnings"] + [str(w) for w in result.warnings],
        # asked for, found or not (an executor without this disk sends them on demand)
        "files": list(dict.fromkeys(entry["files"] + entry["asked"])),
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


def render_chrome(
    entries: list[dict[str, Any]],
    name: str,
    out: str,
    config: str | Config | None,
    theme: str | None,
    offline: bool | None,
    langs: list[str],
    quotes_page: int | None,
) -> dict[str, Any]:
    """The kit's own pages: cover, contents (each entry's `page` printed as text), the
    language dividers and the quotes sheet, in one document that assembly cuts apart."""
    cfg, theme_obj, policy = _part_setup(out, config, theme, offline, [])
    html_text = kit_html(
        entries, name, cfg, theme_obj, part="chrome", langs=langs, quotes_page=quotes_page
    )
    try:
        result, seen = _laid_out(html_text, out, policy, lead=False)  # the cover is `:first`
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    data = Path(out).read_bytes()
    wanted = ("pk-contents", "kit-quotes", *(f"pk-divider-{n}" for n in range(1, len(langs) + 1)))
    return {
        "ok": True,
        "pages": seen["pages"],
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bookmarks": seen["bookmarks"],
        "parts": {
            anchor: seen["anchors"][anchor] for anchor in wanted if anchor in seen["anchors"]
        },
        "warnings": [str(w) for w in result.warnings],
    }


def render_footer(
    out: str,
    config: str | Config | None,
    theme: str | None,
    langs: list[str],
    footers: list[str | None],
) -> dict[str, Any]:
    """Pages that carry only the kit's page footer ("Page 7 of 212"), one per text (None: a
    page without one), laid out with the kit's CSS and fonts: stamped onto the joined pages,
    so that no section is laid out again because an earlier one grew."""
    cfg, theme_obj, policy = _part_setup(out, config, theme, True, [])
    html_text = kit_html([], "", cfg, theme_obj, part="footer", langs=langs, footers=footers)
    try:
        _, seen = _laid_out(html_text, out, policy)
    except PresskitError as error:
        return {"ok": False, "error": f"{out}: {error.message}"}
    if seen["pages"] != len(footers):
        return {"ok": False, "error": f"{out}: {seen['pages']} footer pages for {len(footers)}"}
    data = Path(out).read_bytes()
    return {
        "ok": True,
        "pages": seen["pages"],
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


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


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
