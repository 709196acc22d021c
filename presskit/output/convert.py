"""Post body → pandoc AST → the shortcode filter, in-process → HTML fragment.

pandoc comes from the `pypandoc-binary` wheel (pandoc 3.x; Debian's 2.17 is too old). We run
that binary ourselves rather than through `pypandoc.convert_text` because a hostile post must
not hang a build: every call gets a timeout and a heap cap, which pypandoc cannot give.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import panflute as pf

from presskit.errors import Diagnostic, IncludeLoop, PresskitError, where
from presskit.output.sanitize import Sanitizer, check_source_nesting, deepest_line, sanitize
from presskit.shortcodes import filter as shortcode_filter
from presskit.shortcodes.expand import expand_source
from presskit.shortcodes.handlers import Context, site_path
from presskit.source.data import find_boilerplate, site_data
from presskit.source.post import Post, load_post
from presskit.source.site import Site
from presskit.source.templates import shortcode_templates

if TYPE_CHECKING:
    from presskit.brand import Config

# Hugo's Goldmark is CommonMark + GFM (tables, strikethrough, autolinks, task lists), with
# typographer and definition lists on; it has no emoji codes, sub/superscript, `$` math or
# fancy list markers by default, and the body reaching pandoc never has front matter.
READER = (
    "commonmark_x-yaml_metadata_block-emoji-subscript-superscript"
    "-tex_math_dollars-fancy_lists+autolink_bare_uris"
)
PANDOC_TIMEOUT = 60
PANDOC_HEAP = "-M1g"
# What pandoc's runtime exits with when the heap cap is reached; its own advice ("Use `+RTS
# -M<size>' to increase it") is for pandoc's users, not ours: we say what in the post is big.
HEAP_EXHAUSTED = 251


@cache
def pandoc_path() -> str:
    """The pandoc of the pypandoc-binary wheel, found without importing pypandoc.

    `import pypandoc` (urllib, http.client…) and its search, which runs `pandoc --version`
    for every candidate, cost 0.12 s of a cold render. The wheel keeps its binary in
    `pypandoc/files/`; when it is not there, or PYPANDOC_PANDOC picks another, pypandoc decides.
    """
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin and "PYPANDOC_PANDOC" not in os.environ:
        for name in ("pandoc", "pandoc.exe"):
            bundled = Path(spec.origin).parent / "files" / name
            if bundled.is_file() and os.access(bundled, os.X_OK):
                return str(bundled)
    import pypandoc

    return pypandoc.get_pandoc_path()


Part = tuple[str, int | None]  # what is biggest in a post, and its line


def pandoc(
    args: list[str],
    text: str,
    *,
    source: str | None = None,
    largest: Callable[[], Part] | None = None,
) -> str:
    return pandoc_bytes(args, text, source=source, largest=largest).decode("utf-8")


def pandoc_bytes(
    args: list[str],
    text: str,
    *,
    source: str | None = None,
    largest: Callable[[], Part] | None = None,
) -> bytes:
    """pandoc's standard output as bytes: a docx is a zip, not text.

    Out of memory or time, the error says what in the post is big (`largest`, computed only
    then), never pandoc's runtime advice.
    """
    command = [pandoc_path(), "+RTS", PANDOC_HEAP, "-RTS", *args]
    try:
        done = subprocess.run(
            command,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=PANDOC_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _too_big(f"pandoc took longer than {PANDOC_TIMEOUT} s", source, largest) from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        if done.returncode == HEAP_EXHAUSTED or "Heap exhausted" in stderr:
            limit = PANDOC_HEAP.removeprefix("-M").upper().replace("G", " GB").replace("M", " MB")
            raise _too_big(f"the post is too big for pandoc ({limit} of memory)", source, largest)
        reason = stderr.strip().splitlines()
        detail = reason[-1] if reason else f"exit status {done.returncode}"
        raise PresskitError(f"pandoc failed: {detail}", source)
    return done.stdout


def _too_big(what: str, source: str | None, largest: Callable[[], Part] | None) -> PresskitError:
    if largest is None:
        return PresskitError(f"{what}; shorten or split the post", source)
    part, line = largest()
    return PresskitError(f"{what}: its largest part is {part}; shorten or split it", source, line)


def largest_part(body: str, first_line: int = 1) -> Part:
    """The post's biggest block (text between blank lines), named the way its author sees it:
    "a table of 200,001 lines (2.2 MB)", with its first line."""
    best: tuple[int, int, int, str] = (0, 0, 0, "")  # size, line, line count, first line
    start = size = count = 0
    first = ""
    for number, line in enumerate([*body.split("\n"), ""]):
        if line.strip():
            if not count:
                start, size, first = number, 0, line
            size += len(line.encode("utf-8")) + 1
            count += 1
        elif count:
            if size > best[0]:
                best = (size, start, count, first)
            count = 0
    size, start, count, first = best
    head = first.lstrip(" \t")
    if head.startswith("|"):
        kind = "a table"
    elif head.startswith(("```", "~~~")):
        kind = "a code block"
    elif head.startswith(">"):
        kind = "a block quote"
    elif head.startswith("<"):
        kind = "raw HTML"
    elif re.match(r"(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)", head):
        kind = "a list"
    else:
        kind = "a paragraph"
    amount = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"
    lines = f"{count:,} line" + ("s" if count != 1 else "")
    return f"{kind} of {lines} ({amount}) at line {start + first_line}", start + first_line


def markdown_to_doc(
    markdown: str, *, source: str | None = None, line_offset: int = 0, body: str | None = None
) -> pf.Doc:
    """pandoc's AST of `markdown`; `body` is what the author wrote, for an error to point into."""

    def largest() -> Part:
        return largest_part(markdown if body is None else body, line_offset + 1)

    raw = pandoc(["--from", READER, "--to", "json"], markdown, source=source, largest=largest)
    try:
        return pf.load(io.StringIO(raw))
    except RecursionError:
        line = deepest_line(markdown) + line_offset
        raise PresskitError("nested too deeply to lay out", source, line=line) from None


def doc_to(
    doc: pf.Doc, fmt: str, *, source: str | None = None, largest: Callable[[], Part] | None = None
) -> str:
    buffer = io.StringIO()
    pf.dump(doc, buffer)
    return pandoc(
        ["--from", "json", "--to", fmt, "--wrap=preserve"],
        buffer.getvalue(),
        source=source,
        largest=largest,
    )


@dataclass(frozen=True)
class Conversion:
    """How a post's body is converted: one set of choices for the HTML fragment (`convert`),
    the AST a backend assembles itself (`convert_doc`), and the site's boilerplate a post
    includes, converted as the post is.

    `fmt` is pandoc's writer (html5, docx, plain…); `unknown` what an unknown shortcode
    becomes (`presskit.shortcodes.markers.UNKNOWN_POLICIES`); `site` the Hugo site around the
    post, whose templates decide shortcode pairing, whose `data/` reaches the handlers and
    whose permalinks anchor relative links.

    `absent` is what the conversion gives back besides the document: the files of the post's
    folder it named that were not there (a missing image's placeholder). No renderer ever
    asks for them, yet adding one must rebuild the post like any file it read: the PDF and
    Word backends add them to the files their render reports."""

    lang: str
    base_url: str | None = None
    warn: Callable[[Diagnostic], None] | None = None
    fmt: str = "html5"
    unsafe_html: bool = False
    unknown: str = "keep"
    site: Site | None = None
    absent: list[Path] = field(default_factory=list, compare=False)

    @classmethod
    def of(
        cls, cfg: Config, *, lang: str, warn: Callable[[Diagnostic], None], fmt: str = "html5"
    ) -> Conversion:
        """What presskit.toml (and the Hugo site it found) says, for every backend alike."""
        return cls(
            lang=lang,
            base_url=cfg.base_url,
            warn=warn,
            fmt=fmt,
            unsafe_html=cfg.unsafe_html,
            unknown=cfg.unknown_shortcodes,
            site=cfg.site,
        )


def convert(post: Post, conversion: Conversion) -> str:
    """The post's body as an output-format fragment (HTML by default)."""
    return doc_to(
        convert_doc(post, conversion),
        conversion.fmt,
        source=str(post.path),
        largest=lambda: largest_part(post.body, post.body_line),
    )


def convert_doc(post: Post, conversion: Conversion, depth: int = 0) -> pf.Doc:
    """The post's body as a pandoc AST, shortcodes rendered for `conversion.fmt` and
    sanitized: what a backend that assembles its document itself (Word) starts from. With a
    Hugo site, `boilerplate` includes the site's boilerplate text, converted here in the same
    way (`depth` bounds nesting)."""
    lang, warn, site = conversion.lang, conversion.warn, conversion.site
    source = str(post.path)
    check_source_nesting(post.body, source=source, line_offset=post.body_line - 1)
    templates = shortcode_templates(site)
    markdown = expand_source(
        post.body,
        path=source,
        line_offset=post.body_line - 1,
        warn=warn,
        site_inner=templates,
    )
    doc = markdown_to_doc(markdown, source=source, line_offset=post.body_line - 1, body=post.body)
    policy = Sanitizer.for_post(doc, post, unsafe_html=conversion.unsafe_html, warn=warn)
    doc.format = conversion.fmt.split("+")[0].split("-")[0]
    page = site.locate(post.path) if site is not None else None
    page_url = site_path(post.path.resolve())
    if site is not None and page is not None:
        page_url = site.relpermalink(page, post.meta)

    def include(name: str) -> list[pf.Block] | None:
        if site is None or page is None:
            return None
        file = find_boilerplate(page.content_root, name)
        if file is None:
            return None
        if depth >= MAX_INCLUDE_DEPTH:
            raise IncludeLoop(
                f'boilerplate "{name}" includes itself, or nests too deep ({where(file)})', file
            )
        part = load_post(file, default_lang=lang, site_lang=page.lang)
        return list(convert_doc(part, conversion, depth + 1).content)

    doc.presskit = Context(
        format=doc.format,
        lang=lang,
        base_url=conversion.base_url,
        unknown=conversion.unknown,
        source=source,
        in_process=True,
        page=dict(post.meta),
        resource_root=post.path.parent,
        page_url=page_url,
        body=post.body,
        body_line=post.body_line,
        data=site_data(site),
        include=include,
        raw_html=conversion.unsafe_html,
        absent=conversion.absent,  # the handlers fill the conversion's list
    )
    shortcode_filter.main(doc)
    if warn is not None:
        for warning in doc.presskit.warnings:
            warn(warning)
    sanitize(doc, policy)  # after the filter: what the post says, not what handlers make
    return doc


MAX_INCLUDE_DEPTH = 4
