"""Post body → pandoc AST → the shortcode filter, in-process → HTML fragment.

pandoc comes from the `pypandoc-binary` wheel (pandoc 3.x; Debian's 2.17 is too old). We run
that binary ourselves rather than through `pypandoc.convert_text` because a hostile post must
not hang a build: every call gets a timeout and a heap cap, which pypandoc cannot give.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

import panflute as pf

from presskit.errors import Diagnostic, PresskitError
from presskit.output.sanitize import Sanitizer, check_source_nesting, deepest_line, sanitize
from presskit.shortcodes import filter as shortcode_filter
from presskit.shortcodes.expand import expand_source
from presskit.shortcodes.handlers import Context, site_path
from presskit.source.post import Post

# Hugo's Goldmark is CommonMark + GFM (tables, strikethrough, autolinks, task lists), with
# typographer and definition lists on; it has no emoji codes, sub/superscript, `$` math or
# fancy list markers by default, and the body reaching pandoc never has front matter.
READER = (
    "commonmark_x-yaml_metadata_block-emoji-subscript-superscript"
    "-tex_math_dollars-fancy_lists+autolink_bare_uris"
)
PANDOC_TIMEOUT = 60
PANDOC_HEAP = "-M1g"


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


def pandoc(args: list[str], text: str, *, source: str | None = None) -> str:
    return pandoc_bytes(args, text, source=source).decode("utf-8")


def pandoc_bytes(args: list[str], text: str, *, source: str | None = None) -> bytes:
    """pandoc's standard output as bytes: a docx is a zip, not text."""
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
        raise PresskitError(f"pandoc took longer than {PANDOC_TIMEOUT} s", source) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[-1] if reason else f"exit status {done.returncode}"
        raise PresskitError(f"pandoc failed: {detail}", source)
    return done.stdout


def markdown_to_doc(markdown: str, *, source: str | None = None, line_offset: int = 0) -> pf.Doc:
    raw = pandoc(["--from", READER, "--to", "json"], markdown, source=source)
    try:
        return pf.load(io.StringIO(raw))
    except RecursionError:
        line = deepest_line(markdown) + line_offset
        raise PresskitError("nested too deeply to lay out", source, line=line) from None


def doc_to(doc: pf.Doc, fmt: str, *, source: str | None = None) -> str:
    buffer = io.StringIO()
    pf.dump(doc, buffer)
    return pandoc(
        ["--from", "json", "--to", fmt, "--wrap=preserve"], buffer.getvalue(), source=source
    )


def convert(
    post: Post,
    *,
    lang: str,
    base_url: str | None = None,
    warn: Callable[[Diagnostic], None] | None = None,
    fmt: str = "html5",
    unsafe_html: bool = False,
    unknown: str = "keep",
) -> str:
    """The post's body as an output-format fragment (HTML by default)."""
    doc = convert_doc(
        post,
        lang=lang,
        base_url=base_url,
        warn=warn,
        fmt=fmt,
        unsafe_html=unsafe_html,
        unknown=unknown,
    )
    return doc_to(doc, fmt, source=str(post.path))


def convert_doc(
    post: Post,
    *,
    lang: str,
    base_url: str | None = None,
    warn: Callable[[Diagnostic], None] | None = None,
    fmt: str = "html5",
    unsafe_html: bool = False,
    unknown: str = "keep",
) -> pf.Doc:
    """The post's body as a pandoc AST, shortcodes rendered for `fmt` and sanitized: what a
    backend that assembles its document itself (Word) starts from."""
    source = str(post.path)
    check_source_nesting(post.body, source=source, line_offset=post.body_line - 1)
    markdown = expand_source(post.body, path=source, line_offset=post.body_line - 1, warn=warn)
    doc = markdown_to_doc(markdown, source=source, line_offset=post.body_line - 1)
    policy = Sanitizer.for_post(doc, post, unsafe_html=unsafe_html, warn=warn)
    doc.format = fmt.split("+")[0].split("-")[0]
    doc.presskit = Context(
        format=doc.format,
        lang=lang,
        base_url=base_url,
        unknown=unknown,
        source=source,
        in_process=True,
        page=dict(post.meta),
        resource_root=post.path.parent,
        page_url=site_path(post.path.resolve()),
        body=post.body,
        body_line=post.body_line,
    )
    shortcode_filter.main(doc)
    if warn is not None:
        for warning in doc.presskit.warnings:
            warn(warning)
    sanitize(doc, policy)  # after the filter: what the post says, not what handlers make
    return doc
