"""One post to one PDF: the whole pipeline as one honest function.

`render(post, out, config)` is as easy to call from Python as `presskit render` is from the
shell; the CLI is a thin layer over `render` and `render_html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from presskit.brand import Config, find_config, load_config
from presskit.convert import convert
from presskit.engine import start_import, trim_memory
from presskit.errors import Diagnostic, PresskitError
from presskit.fonts import describe_missing, missing_glyphs, visible_text
from presskit.page import build_html
from presskit.pdf import FetchPolicy, allowed_roots, render_pdf, write_atomic
from presskit.post import Post, load_post
from presskit.themes import Theme, load_theme


@dataclass(frozen=True)
class Prepared:
    post: Post
    config: Config
    theme: Theme
    html: str
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class RenderResult:
    output: Path
    post: Post
    pages: int
    size: int
    warnings: tuple[Diagnostic, ...]


def resolve_config(post_path: Path, config: Config | str | Path | None) -> Config:
    if isinstance(config, Config):
        return config
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise PresskitError("config file not found", path)
        return load_config(path)
    return load_config(find_config(post_path))


def prepare(
    post_path: str | Path,
    config: Config | str | Path | None = None,
    *,
    theme: str | None = None,
) -> Prepared:
    """Everything up to the HTML handed to WeasyPrint (what `presskit html` writes)."""
    path = Path(post_path)
    cfg = resolve_config(path, config)
    theme_obj = load_theme(theme or cfg.theme, cfg.root)
    warnings: list[Diagnostic] = []
    post = load_post(path, default_lang=cfg.lang)
    warnings.extend(post.warnings)
    body = convert(post, lang=post.lang, base_url=cfg.base_url, warn=warnings.append)
    html = build_html(post, body, cfg, theme_obj)
    missing = missing_glyphs(visible_text(html))
    if missing:
        if cfg.strict_fonts:
            raise PresskitError(describe_missing(missing), path)
        warnings.append(Diagnostic(describe_missing(missing), str(path)))
    return Prepared(post, cfg, theme_obj, html, tuple(warnings))


def render_html(
    post_path: str | Path,
    out: str | Path,
    config: Config | str | Path | None = None,
    *,
    theme: str | None = None,
) -> Prepared:
    prepared = prepare(post_path, config, theme=theme)
    write_atomic(Path(out), prepared.html)
    return prepared


def render(
    post_path: str | Path,
    out: str | Path,
    config: Config | str | Path | None = None,
    *,
    theme: str | None = None,
    offline: bool | None = None,
) -> RenderResult:
    start_import()  # WeasyPrint loads on a thread while pandoc converts the post
    prepared = prepare(post_path, config, theme=theme)
    cfg = prepared.config
    post_dir = Path(post_path).resolve().parent
    policy = FetchPolicy(
        roots=allowed_roots(
            [post_dir, prepared.theme.path, cfg.brand.logo and cfg.brand.logo.parent]
        ),
        offline=cfg.offline if offline is None else offline,
        source=str(post_path),
    )
    result = render_pdf(prepared.html, Path(out), base_url=post_dir, policy=policy)
    trim_memory()  # a process rendering post after post stays bounded
    return RenderResult(
        output=Path(out),
        post=prepared.post,
        pages=result.pages,
        size=result.size,
        warnings=prepared.warnings + result.warnings,
    )
