"""The `presskit` command: a thin layer over `presskit.render` and `presskit.build`.

Heavy libraries (WeasyPrint, panflute, pandoc) are imported inside commands, so `--help` and
`--version` stay instant. Every user-caused failure exits 1 with one `error:` line naming the
file; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from presskit import __version__
from presskit.errors import PresskitError, printable

if TYPE_CHECKING:
    from presskit.output.page import Options

F = TypeVar("F", bound=Callable[..., Any])

POST = click.Path(exists=True, dir_okay=False, path_type=Path)
# click ≥ 8.2 raises this for a bare `presskit`; older clicks print the help themselves
NO_ARGS_IS_HELP = tuple(filter(None, [getattr(click.exceptions, "NoArgsIsHelpError", None)]))
CONFIG = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="presskit.toml to use (default: the nearest one next to or above the post).",
)


def _theme_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A folder given on the command line is relative to where the command runs."""
    from presskit.themes import names_folder

    if value and Path(value).is_dir() and names_folder(value, Path(value)):
        return str(Path(value).resolve())
    return value


THEME = click.option(
    "--theme",
    default=None,
    callback=_theme_path,
    help="Built-in theme name (default, formal) or a theme folder PATH.",
)


def _environment(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # Hugo's own variable: worker processes inherit it, and the site config reads it.
    if value:
        os.environ["HUGO_ENVIRONMENT"] = value


ENVIRONMENT = click.option(
    "-e",
    "--environment",
    default=None,
    expose_value=False,
    callback=_environment,
    metavar="NAME",
    help="Hugo environment whose config/NAME/ applies (default: production).",
)


def jobs_option(default: str) -> Callable[[F], F]:
    """`-j/--jobs N` of the commands that render on worker processes; `default` says how
    many each starts when not told."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help=f"Worker processes (default: {default}).",
    )


def release_options(command: F) -> F:
    """Press-release switches shared by `render` and `html`."""
    for option in reversed(
        [
            click.option(
                "--ignore-embargo",
                is_flag=True,
                help="Print 'For immediate release' even while the embargo holds.",
            ),
            click.option(
                "--as-of",
                "as_of",
                default=None,
                metavar="DATETIME",
                help="Judge the embargo as of this moment (ISO 8601), not now.",
            ),
            click.option(
                "--quotes-sheet/--no-quotes-sheet",
                default=None,
                help="Add a page gathering every quote (default: `quotes_sheet` in config).",
            ),
            click.option(
                "--link-notes/--no-link-notes",
                default=None,
                help="Print external links' URLs as footnotes (default: `link_notes` in config).",
            ),
        ]
    ):
        command = option(command)
    return command


def moment(as_of: str | None) -> dt.datetime | None:
    """`--as-of`: the embargo clock of `render`, `html` and `build` alike."""
    from presskit.output.release import parse_moment

    try:
        return parse_moment(as_of) if as_of else None
    except ValueError:
        raise click.BadParameter(f"not an ISO date-time: {as_of!r}", param_hint="--as-of") from None


def options_from(
    ignore_embargo: bool, as_of: str | None, quotes_sheet: bool | None, link_notes: bool | None
) -> Options:
    from presskit.output.page import Options

    return Options(
        now=moment(as_of),
        ignore_embargo=ignore_embargo,
        quotes_sheet=quotes_sheet,
        link_notes=link_notes,
    )


def fail(error: PresskitError | str) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


def report(warnings: Iterable[object]) -> None:
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
    help="File to write (default: the post's name with .pdf or .docx, in the current folder).",
)
@click.option(
    "--to",
    "to",
    default=None,
    metavar="FORMAT",
    help="Output format: pdf or docx (default: from the -o suffix, else pdf).",
)
@CONFIG
@THEME
@ENVIRONMENT
@click.option("--offline", is_flag=True, default=None, help="Make no network connection.")
@release_options
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/a-3b", "pdf/ua-1"]),
    default=None,
    help="Archival PDF/A-3b or accessible PDF/UA-1 (tagged).",
)
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
    to: str | None,
    config: Path | None,
    theme: str | None,
    offline: bool | None,
    ignore_embargo: bool,
    as_of: str | None,
    quotes_sheet: bool | None,
    link_notes: bool | None,
    pdf_variant: str | None,
    strict_fonts: bool | None,
    timeout: float,
) -> None:
    """Render one POST (a Hugo Markdown file) to a PDF or a Word document."""
    from presskit.output.backends import for_output
    from presskit.pipeline import render as render_post

    options = options_from(ignore_embargo, as_of, quotes_sheet, link_notes)
    try:
        if output is None:
            suffix = for_output(Path(), to).suffix
            out = Path(default_name(post) + suffix)
        else:
            out = output
        result = render_post(
            post,
            out,
            config,
            to=to,
            theme=theme,
            offline=offline,
            options=options,
            pdf_variant=pdf_variant,
            strict_fonts=strict_fonts,
            timeout=timeout or None,
        )
    except PresskitError as error:
        fail(error.located(post))
        return
    report(result.warnings)
    pages = f"{result.pages} pages, " if result.pages is not None else ""
    click.echo(printable(f"wrote {out} ({pages}{result.size / 1024:.0f} KiB)", newlines=False))
    global _rendered
    _rendered = True


# Set by a `render` that wrote its output, or a `build` that is over: `main` then leaves without
# tearing the heap down (presskit.quickexit): a tenth of a no-change build's CPU time.
_rendered = False


@cli.command()
@click.argument("post", type=POST)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default, or `-`: standard output).",
)
@CONFIG
@THEME
@release_options
def html(
    post: Path,
    output: Path | None,
    config: Path | None,
    theme: str | None,
    ignore_embargo: bool,
    as_of: str | None,
    quotes_sheet: bool | None,
    link_notes: bool | None,
) -> None:
    """Write the exact HTML document that is handed to WeasyPrint for POST."""
    from presskit.pipeline import prepare, render_html

    options = options_from(ignore_embargo, as_of, quotes_sheet, link_notes)
    if output is not None and str(output) == "-":
        output = None
    try:
        if output is None:
            prepared = prepare(post, config, theme=theme, options=options)
            click.echo(prepared.html, nl=False)
        else:
            prepared = render_html(post, output, config, theme=theme, options=options)
    except PresskitError as error:
        fail(error.located(post))
        return
    report(prepared.warnings)
    if output is not None:
        click.echo(printable(f"wrote {output}", newlines=False))


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder: Path) -> None:
    """Start a press kit in FOLDER: commented presskit.toml, a sample post, a logo placeholder."""
    from presskit.scaffold import init_kit

    try:
        written = init_kit(folder)
    except PresskitError as error:
        fail(error)
        return
    for path in written:
        click.echo(printable(f"wrote {path}", newlines=False))


@cli.command()
@CONFIG
@THEME
def doctor(config: Path | None, theme: str | None) -> None:
    """Check pandoc, WeasyPrint, Pango, HarfBuzz and the fonts for each configured language."""
    from presskit.brand import find_config, load_config
    from presskit.doctor import diagnose, table
    from presskit.themes import load_theme

    try:
        cfg = load_config(config if config is not None else find_config(Path.cwd()))
        theme_obj = load_theme(theme or cfg.theme, cfg.root)
    except PresskitError as error:
        fail(error)
        return
    report([*cfg.warnings, *theme_obj.warnings])
    serif = theme_obj.serif_body
    checks = diagnose(cfg, serif=serif)
    click.echo(table(checks))
    if any(check.failed for check in checks):
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs and manifest.json (the source tree is mirrored).",
)
@jobs_option("the number of CPUs")
@click.option("--force", is_flag=True, help="Rebuild every post, changed or not.")
@click.option("--offline", is_flag=True, default=None, help="Make no network connection.")
@CONFIG
@THEME
@ENVIRONMENT
@click.option(
    "--lang", "langs", multiple=True, metavar="L", help="Only posts in language L (repeatable)."
)
@click.option(
    "--include", multiple=True, metavar="GLOB", help="Only sources matching GLOB (repeatable)."
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out sources matching GLOB.")
@click.option(
    "--drafts", is_flag=True, help="Also build drafts (`draft: true`), as hugo --buildDrafts."
)
@click.option(
    "--expired",
    is_flag=True,
    help="Also build posts past their `expiryDate`, as hugo --buildExpired.",
)
@click.option(
    "--sections",
    is_flag=True,
    hidden=True,
    help="Deprecated: a section page with a body is built without it.",
)
@click.option("--kit", metavar="NAME", default=None, help="Also write OUTDIR/NAME.pdf and .zip.")
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/a-3b", "pdf/ua-1"]),
    default=None,
    help="Every PDF archival PDF/A-3b or accessible PDF/UA-1 (tagged); the kit then is laid "
    "out as one document.",
)
@click.option(
    "--formats",
    default="pdf",
    show_default=True,
    metavar="LIST",
    help="Output formats, comma-separated: pdf, docx (each post once per format, "
    "slug.pdf beside slug.docx).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    default=120.0,
    show_default=True,
    help="Seconds one post may take before it fails.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask-local", "dask"]),
    default=None,
    help="Where posts render: local worker processes (default), a Dask LocalCluster, or the "
    "Dask scheduler named by --scheduler.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Render on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786); "
    "default: $PRESSKIT_SCHEDULER.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATETIME",
    help="Judge embargoes as of this moment (ISO 8601), not now, as `render --as-of` does.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress: only failures and the summary.")
@click.option(
    "--watch",
    is_flag=True,
    help="Keep going: after each save of a post, its bundle, the theme, the brand or the "
    "config, build what changed (Ctrl-C stops).",
)
def build(paths: tuple[Path, ...], outdir: Path, **options: Any) -> None:
    """Render every post under PATHS (post files or content folders) into OUTDIR.

    Only posts whose inputs changed since the last build are rendered again. Exits 1 when
    any post failed (all the others are still built).
    """
    if options["watch"]:
        _build(paths, outdir, options)
        return
    with _renderers_ahead(outdir, options):  # before the batch's own imports
        ok = _build(paths, outdir, options)
    global _rendered
    _rendered = True
    sys.exit(0 if ok else 1)


def _build(paths: tuple[Path, ...], outdir: Path, options: dict[str, Any]) -> bool:
    from presskit.batch.builder import KIT_NAME, cpu_count
    from presskit.batch.builder import build as build_all
    from presskit.batch.progress import reporter_for

    kit = options["kit"]
    if kit is not None and not KIT_NAME.fullmatch(kit):
        raise click.BadParameter("a file name without folders", param_hint="--kit")
    quiet, watching = options.pop("quiet"), options.pop("watch")
    options["now"] = moment(options.pop("as_of"))
    if options.pop("sections"):
        click.echo(
            "note: --sections is no longer needed: a section page (_index.md) with a body is "
            "built like any post, an empty one has nothing to print",
            err=True,
        )
    if watching:
        from presskit.preview.app import watch_build

        # why the ignore below: the warm executor watch_build hands in (typed there)
        def once(pool):  # type: ignore[no-untyped-def]
            try:
                return build_all(
                    paths,
                    outdir,
                    reporter=reporter_for(sys.stderr, quiet=quiet),
                    pool=pool,
                    **options,
                )
            except PresskitError as error:  # fixed by the next save, perhaps
                click.echo(f"error: {error}", err=True)
                return None

        watch_build(
            paths,
            once,
            jobs=options["jobs"] or cpu_count(),
            config=options["config"],
            theme=options["theme"],
            outdir=outdir,
        )
        return True
    try:
        result = build_all(paths, outdir, reporter=reporter_for(sys.stderr, quiet=quiet), **options)
    except PresskitError as error:
        fail(error)
        return False
    return result.ok


def _renderers_ahead(
    outdir: Path, options: dict[str, Any]
) -> contextlib.AbstractContextManager[None]:
    """The fork server that the local pool's workers (or a `dask-local` cluster's) are forked
    from, started before the batch is imported and examined, when every post will render
    (`--force`, or no manifest yet): its warm-up, not the batch's start, is what the first
    render waits for. An incremental build starts it only once a post proves stale, so that
    a no-change build starts no renderer. A cluster we only connect to forks nothing."""
    from presskit.batch.executors import choose
    from presskit.batch.manifest import MANIFEST

    try:
        executor = choose(options["executor"], options["scheduler"])[0]
    except PresskitError:  # the batch says so, in its own words
        executor = None
    if executor in ("local", "dask-local") and (
        options["force"] or not (outdir / MANIFEST).exists()
    ):
        from presskit.batch.cluster import FORK_PRELOAD
        from presskit.batch.workers import fork_server_ahead

        return fork_server_ahead(FORK_PRELOAD if executor == "dask-local" else ())
    return contextlib.nullcontext()


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@CONFIG
@THEME
@click.option("--offline", is_flag=True, default=None, help="Make no network connection.")
@click.option("--kit", metavar="NAME", default=None, help="Also show the press kit NAME.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback lets other machines read your drafts.",
)
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8011,
    show_default=True,
    help="Port to listen on (0: any free port; the URL is printed).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@jobs_option("1 for a post, the number of CPUs for folders")
# why the ignore below: click passes the remaining options untyped (**options: as click parsed them)
def preview(paths: tuple[Path, ...], host: str, port: int, open_browser: bool, **options) -> None:  # type: ignore[no-untyped-def]
    """Show PATHS (a post, or content folders) in the browser, re-rendered on every save.

    A local web server shows each post's pages, warnings, embargo state and downloads; saving
    the post, a file of its bundle, the theme, the brand or presskit.toml renders again, and
    the open page updates by itself. Ctrl-C stops it.
    """
    from presskit.batch.builder import cpu_count
    from presskit.preview.app import run_preview
    from presskit.preview.server import is_loopback

    kit = options["kit"]
    if kit is not None and not re.fullmatch(r"[\w][\w.-]*", kit):
        raise click.BadParameter("a file name without folders", param_hint="--kit")
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine on port "
            f"{port or 'chosen'} can read the posts being previewed",
            err=True,
        )
    single = len(paths) == 1 and paths[0].is_file()
    options["jobs"] = options["jobs"] or (1 if single else cpu_count())
    try:
        run_preview(
            list(paths), host=host, port=port, open_browser=open_browser, out=sys.stdout, **options
        )
    except OSError as error:
        fail(str(error))


def default_name(post: Path) -> str:
    """A page bundle (`slug/index.md`) is named after its folder, as Hugo names its URL."""
    if post.stem in ("index", "_index") and post.resolve().parent.name:
        return post.resolve().parent.name
    return post.stem


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """presskit's own warnings (an untested WeasyPrint) as one `warning:` line; others as
    Python shows them."""
    from presskit.weasy import UntestedWeasyPrint

    if issubclass(category, UntestedWeasyPrint):
        click.echo(f"warning: {message}", err=True)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


class _PrintableStream(io.TextIOWrapper):
    """Standard error as presskit writes it: every message passes `errors.printable`, so no
    post, file name or library message reaches the terminal as ESC, BEL or a bidi override."""

    def write(self, text: str) -> int:
        return super().write(printable(text))


_original_stderr: TextIO | None = None


def _guard_stderr() -> None:
    global _original_stderr
    buffer = getattr(sys.stderr, "buffer", None)
    if buffer is None or isinstance(sys.stderr, _PrintableStream):
        return
    sys.stderr.flush()
    _original_stderr = sys.stderr  # kept alive: collecting it would close the shared buffer
    sys.stderr = _PrintableStream(
        buffer,
        encoding=sys.stderr.encoding,
        errors="backslashreplace",
        line_buffering=True,
    )


def main() -> None:
    warnings.showwarning = _show_warning
    _guard_stderr()
    try:
        code = cli.main(prog_name="presskit", standalone_mode=False)
    except SystemExit as stop:  # `build` ends with its status
        if _rendered and (stop.code is None or isinstance(stop.code, int)):
            from presskit import quickexit

            quickexit.leave(stop.code or 0)
        raise
    except NO_ARGS_IS_HELP as error:  # bare `presskit`: the help, as click prints it
        click.echo(error.format_message(), err=True)
        sys.exit(2)
    except click.UsageError as error:
        # One line, like every other error (`render folder/`, a missing post, a bad option):
        # click's usage block would bury the message under three lines of help.
        message = error.format_message()
        if error.ctx and "is a directory" in message and error.ctx.info_name in ("render", "html"):
            where = " (`presskit build FOLDER -o OUTDIR` renders every post of a folder)"
        else:
            where = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        click.echo(f"error: {message}{where}", err=True)
        sys.exit(2)
    except click.ClickException as error:
        click.echo(f"error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    if isinstance(code, int) and code:  # `--help`, `--version`: click's Exit, as a number
        sys.exit(code)
    if _rendered:
        from presskit import quickexit

        quickexit.leave()
