"""The `presskit` command: a thin layer over `presskit.render`.

Heavy libraries (WeasyPrint, panflute, pandoc) are imported inside commands, so `--help` and
`--version` stay instant. Every user-caused failure exits 1 with one `error:` line naming the
file; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from presskit import __version__
from presskit.errors import PresskitError

POST = click.Path(exists=True, dir_okay=False, path_type=Path)
CONFIG = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="presskit.toml to use (default: the nearest one next to or above the post).",
)
THEME = click.option("--theme", default=None, help="Built-in theme name or a theme folder.")


def fail(error: PresskitError | str) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


def report(warnings) -> None:  # type: ignore[no-untyped-def]
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="presskit")
def cli() -> None:
    """Turn Hugo blog posts into branded, press-ready PDFs."""


@cli.command()
@click.argument("post", type=POST)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="PDF to write (default: the post's name with .pdf, in the current folder).",
)
@CONFIG
@THEME
@click.option("--offline", is_flag=True, default=None, help="Make no network connection.")
@click.option(
    "--strict-fonts/--no-strict-fonts",
    default=None,
    help="Fail when no installed font has a glyph for a character (default: warn).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    help="Seconds before a stuck render is stopped (0: no limit).",
)
def render(
    post: Path,
    output: Path | None,
    config: Path | None,
    theme: str | None,
    offline: bool | None,
    strict_fonts: bool | None,
    timeout: float,
) -> None:
    """Render one POST (a Hugo Markdown file) to a PDF."""
    from presskit.render import render as render_post

    out = output or Path(default_name(post) + ".pdf")
    try:
        result = render_post(
            post,
            out,
            config,
            theme=theme,
            offline=offline,
            strict_fonts=strict_fonts,
            timeout=timeout or None,
        )
    except PresskitError as error:
        fail(error.located(post))
        return
    report(result.warnings)
    click.echo(f"wrote {out} ({result.pages} pages, {result.size / 1024:.0f} KiB)")


@cli.command()
@click.argument("post", type=POST)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default: standard output).",
)
@CONFIG
@THEME
def html(post: Path, output: Path | None, config: Path | None, theme: str | None) -> None:
    """Write the exact HTML document that is handed to WeasyPrint for POST."""
    from presskit.render import prepare, render_html

    try:
        if output is None:
            prepared = prepare(post, config, theme=theme)
            click.echo(prepared.html, nl=False)
        else:
            prepared = render_html(post, output, config, theme=theme)
    except PresskitError as error:
        fail(error.located(post))
        return
    report(prepared.warnings)
    if output is not None:
        click.echo(f"wrote {output}")


def default_name(post: Path) -> str:
    """A page bundle (`slug/index.md`) is named after its folder, as Hugo names its URL."""
    if post.stem in ("index", "_index") and post.resolve().parent.name:
        return post.resolve().parent.name
    return post.stem


def main() -> None:
    try:
        cli.main(prog_name="presskit")
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
