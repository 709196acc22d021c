"""One post to one PDF (or Word file): the whole pipeline as one honest function.

`render(post, out, config)` is as easy to call from Python as `presskit render` is from the
shell; the CLI is a thin layer over `render` and `render_html`. `render` picks an output
backend (`presskit.output.backends`) from `to` or the output's suffix; the PDF backend is
`PdfBackend` below: the HTML page of `prepare`, laid out by WeasyPrint.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from presskit import extensions, i18n
from presskit.brand import (
    IGNORED_CONFIG,
    Config,
    find_config,
    found_for_loose_post,
    ignored_configs,
    is_loose,
    load_config,
    site_lang,
    with_site,
)
from presskit.errors import Collector, Diagnostic, PresskitError, capped
from presskit.output.backends import (
    BUILTIN,
    Job,
    OutputBackend,
    RenderResult,
    for_output,
    known,
    known_suffix,
)
from presskit.output.convert import Conversion, convert
from presskit.output.fonts import (
    MISSING_GLYPHS,
    describe_missing,
    missing_glyphs,
    visible_text,
)
from presskit.output.page import Options, Page, build_page
from presskit.output.pdf import FetchPolicy, allowed_roots, render_pdf, write_atomic
from presskit.source.post import Post, bidi_warnings, load_post, site_root
from presskit.source.site import find_site
from presskit.themes import Theme, load_theme
from presskit.weasy.engine import start_import, trim_memory


@dataclass(frozen=True)
class Prepared:
    post: Post
    config: Config
    theme: Theme
    html: str
    warnings: tuple[Diagnostic, ...]
    page: Page
    absent: tuple[Path, ...] = ()  # files the post named that were not there (`Body.absent`)


def resolve_config(post_path: Path, config: Config | str | Path | None) -> Config:
    """The config a render of `post_path` uses, with its extensions loaded and completed by
    the Hugo site around the post: every render comes through here (the CLI, the Python API,
    the kit and each batch worker), so a config's shortcodes and site are known wherever it is
    used."""
    if isinstance(config, Config):
        cfg = config
    elif config is not None:
        path = Path(config)
        if not path.is_file():
            raise PresskitError("config file not found", path)
        cfg = load_config(path)
    else:
        cfg = load_config(find_config(post_path))
        if is_loose(post_path):
            cfg = found_for_loose_post(cfg)
    extensions.load(cfg.extensions, source=cfg.path)
    return with_site(cfg, post_path) if cfg.site is None else cfg


def config_warnings(post_path: Path, cfg: Config) -> list[Diagnostic]:
    """What the post should know about its configuration: a `presskit.toml` in its content
    tree that was not read, and names in the config that were refused."""
    ignored = [Diagnostic(IGNORED_CONFIG, str(found)) for found in ignored_configs(post_path)]
    return ignored + list(cfg.warnings)


DEFAULT_TIMEOUT = 300  # seconds for one post; the slowest real post takes a few


class _Deadline(BaseException):
    """Not an Exception: WeasyPrint's `except Exception` (around fetches) must not eat it."""


@contextlib.contextmanager
def time_limit(seconds: float | None, source: Path) -> Iterator[None]:
    """End a stuck render with one line. Needs SIGALRM, so only in the main thread on Unix;
    elsewhere (a batch's worker threads) the caller bounds the work itself."""
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _Deadline

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds or 0))
    try:
        yield
    except _Deadline:
        raise PresskitError(f"render took longer than {seconds:g} s; stopped", source) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def site_folders(post_path: Path) -> tuple[Path, ...]:
    """`static/` and `assets/` of the Hugo site holding the post, when they are inside the
    site once resolved: a symlink to `/` is not a static folder.

    The site is the one whose config holds the post in its content folders (its root, and its
    `staticDir`/`assetDir`, whatever the content folder is called); without a config, the
    folder above the outermost `content/` on the post's path."""
    site = find_site(post_path)
    if site is not None:
        root = site.root.resolve()
        found = [root / name for name in _config_dirs(site.raw, "staticdir", "static")]
        found += [root / name for name in _config_dirs(site.raw, "assetdir", "assets")]
    elif any(parent.name == "content" for parent in Path(os.path.abspath(post_path)).parents):
        root = site_root(post_path)
        found = [root / name for name in ("static", "assets")]
    else:
        return ()
    unique = dict.fromkeys(f for f in found if f.is_dir() and f.resolve().is_relative_to(root))
    return tuple(unique)


def _config_dirs(raw: Mapping[str, Any], key: str, default: str) -> list[str]:
    """`staticDir = "static"` or a list of folders (Hugo allows both)."""
    value = raw.get(key, default)
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if isinstance(item, str) and item.strip()] or [default]


def post_policy(
    post_path: Path, cfg: Config, theme: Theme, offline: bool | None = None
) -> FetchPolicy:
    """What one post's render may read: its own folder, the site's `static/` and `assets/`,
    the theme, the logo and the brand's font files (those files only, not their folders).
    The kit asks the same policy about each of its posts (see `kit.post_section`)."""
    site = site_folders(post_path)
    readable = [post_path.resolve().parent, *theme.template_dirs, theme.path, cfg.brand.logo]
    fonts = allowed_roots(face.path for face in cfg.brand.font_files)
    return FetchPolicy(
        roots=allowed_roots([*readable, *site, *fonts]),
        uncapped=frozenset(fonts),
        offline=cfg.offline if offline is None else offline,
        source=str(post_path),
        site_static=tuple(folder.resolve() for folder in site),
        attachments=cfg.attachments,
    )


class Body(NamedTuple):
    """A post's body as HTML, and the files of its folder it named that were not there
    (`Conversion.absent`): a render counts them among the files it asked for."""

    html: str
    absent: tuple[Path, ...] = ()


_SHARED: contextvars.ContextVar[dict[tuple[Any, ...], tuple[Body, list[Diagnostic]]] | None] = (
    contextvars.ContextVar("presskit_shared_conversion", default=None)
)


@contextlib.contextmanager
def shared_conversion() -> Iterator[None]:
    """Within this block a post converted twice under the same rules is converted once: a
    batch worker renders a post's PDF and its kit section in one task (pandoc and the filter
    are half of each). Nothing outlives the block, so no edit is ever missed."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def convert_body(post: Post, cfg: Config, warn: Callable[[Diagnostic], None]) -> Body:
    """The post's body as HTML under the config's rules: one place for the single PDF and the
    kit, so neither can forget a switch (raw HTML, unknown shortcodes, base URL)."""
    memo = _SHARED.get()
    key = (repr(post), cfg.base_url, cfg.unsafe_html, cfg.unknown_shortcodes)
    if memo is not None and key in memo:
        body, said = memo[key]
        for diagnostic in said:
            warn(diagnostic)
        return body
    heard: list[Diagnostic] = []

    def both(diagnostic: Diagnostic) -> None:
        heard.append(diagnostic)
        warn(diagnostic)

    conversion = Conversion.of(cfg, lang=post.lang, warn=both)
    body = Body(convert(post, conversion), tuple(conversion.absent))
    if memo is not None:
        memo[key] = (body, heard)
    return body


def prepare(
    post_path: str | Path,
    config: Config | str | Path | None = None,
    *,
    theme: str | None = None,
    options: Options | None = None,
    strict_fonts: bool | None = None,
) -> Prepared:
    """Everything up to the HTML handed to WeasyPrint (what `presskit html` writes)."""
    path = Path(post_path)
    cfg = resolve_config(path, config)
    if strict_fonts is not None:
        cfg = replace(cfg, strict_fonts=strict_fonts)
    theme_obj = load_theme(theme or cfg.theme, cfg.root)
    warnings = Collector([*config_warnings(path, cfg), *theme_obj.warnings])
    post = load_post(path, default_lang=cfg.lang, site_lang=site_lang(cfg, path))
    warnings.extend(post.warnings)
    warnings.extend(bidi_warnings(post))
    if not i18n.is_known(post.lang):
        warnings.append(Diagnostic(i18n.unknown_language_warning(post.lang), str(path)))
    body = convert_body(post, cfg, warnings.append)
    page = build_page(post, body.html, cfg, theme_obj, options)
    warnings.extend(Diagnostic(warning, str(path)) for warning in page.warnings)
    html = page.html()
    missing = missing_glyphs(visible_text(html))
    if missing:
        if cfg.strict_fonts:
            raise PresskitError(describe_missing(missing), path)
        warnings.append(Diagnostic(describe_missing(missing), str(path)))
    return Prepared(post, cfg, theme_obj, html, warnings.capped(), page, body.absent)


def render_html(
    post_path: str | Path,
    out: str | Path,
    config: Config | str | Path | None = None,
    *,
    theme: str | None = None,
    options: Options | None = None,
) -> Prepared:
    prepared = prepare(post_path, config, theme=theme, options=options)
    write_atomic(Path(out), prepared.html)
    return prepared


def render(
    post_path: str | Path,
    out: str | Path,
    config: Config | str | Path | None = None,
    *,
    to: str | None = None,
    theme: str | None = None,
    offline: bool | None = None,
    options: Options | None = None,
    pdf_variant: str | None = None,
    strict_fonts: bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    durable: bool = True,
) -> RenderResult:
    """Render one post; `timeout` (seconds, None for none) ends a stuck render with an error.

    `to` names the output backend ("pdf", "docx"); without it the output's suffix decides,
    and a PDF is the default. `durable=False` skips syncing the output to disk (see
    `presskit.output.pdf.write_atomic`)."""
    suffix = Path(out).suffix
    if (to and not known(to)) or (not to and suffix and not known_suffix(suffix)):
        # a backend an extension of the post's config registers (`--to txt`, `-o x.txt`)
        resolve_config(Path(post_path), config)
    backend = for_output(Path(out), to)
    job = Job(
        post_path=Path(post_path),
        out=Path(out),
        config=config,
        theme=theme,
        offline=offline,
        options=options,
        strict_fonts=strict_fonts,
        durable=durable,
        pdf_variant=pdf_variant,
    )
    with time_limit(timeout, Path(post_path)):
        return backend.render(job)


class PdfBackend(OutputBackend):
    """The press release as its theme lays it out: HTML + CSS through WeasyPrint."""

    name = "pdf"
    suffix = ".pdf"
    description = "PDF laid out by WeasyPrint from the theme's HTML and CSS"
    kit = BUILTIN["pdf"][2]  # presskit.output.pdfkit

    def render(self, job: Job) -> RenderResult:
        return _render(
            job.post_path,
            job.out,
            job.config,
            job.theme,
            job.offline,
            job.options,
            job.pdf_variant,
            job.strict_fonts,
            job.durable,
        )


def _render(
    post_path: str | Path,
    out: str | Path,
    config: Config | str | Path | None,
    theme: str | None,
    offline: bool | None,
    options: Options | None,
    pdf_variant: str | None,
    strict_fonts: bool | None,
    durable: bool = True,
) -> RenderResult:
    start_import()  # WeasyPrint loads on a thread while pandoc converts the post
    prepared = prepare(post_path, config, theme=theme, options=options, strict_fonts=strict_fonts)
    post_dir = Path(post_path).resolve().parent
    policy = post_policy(Path(post_path), prepared.config, prepared.theme, offline)
    policy.body, policy.body_line = prepared.post.body, prepared.post.body_line
    result = render_pdf(
        prepared.html,
        Path(out),
        base_url=post_dir,
        policy=policy,
        variant=pdf_variant,
        durable=durable,
        split=prepared.page.split(),
    )
    policy.read.extend(prepared.absent)
    pdf_warnings = result.warnings
    if any(warning.message.startswith(MISSING_GLYPHS) for warning in prepared.warnings):
        # WeasyPrint's own words for the characters we already named.
        pdf_warnings = tuple(w for w in pdf_warnings if ".notdef glyph" not in w.message)
    trim_memory()  # a process rendering post after post stays bounded
    return RenderResult(
        output=Path(out),
        post=prepared.post,
        pages=result.pages,
        size=result.size,
        warnings=capped(prepared.warnings + pdf_warnings),
        files=tuple(dict.fromkeys(policy.read)),  # once each, also after a spilled cover
    )
