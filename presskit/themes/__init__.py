"""Themes: a folder with `page.html.j2`, `press.css` and an optional `theme.toml`.

Built-in themes are folders of this package (`presskit/themes/default`, …), in a checkout and in
the wheel alike; a user's copy is any folder with the same files.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from presskit.errors import Diagnostic, PresskitError
from presskit.tomlkeys import Schema, unknown_keys

REQUIRED = ("page.html.j2", "press.css")
# What theme.toml may hold; any other key is a warning with its line and the nearest of these.
THEME_KEYS: Schema = {"extends": None, "serif_body": None}


@dataclass(frozen=True)
class Theme:
    name: str
    path: Path
    css: str
    serif_body: bool
    default_logo_uri: str | None
    template_dirs: tuple[Path, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()  # about theme.toml itself (unknown keys)


def data_uri(path: Path) -> str:
    """Assets go inline, so the HTML is self-contained and WeasyPrint fetches nothing."""
    import base64

    kind = "image/svg+xml" if path.suffix.lower() == ".svg" else None
    if kind is None:  # an SVG logo (every theme's) without reading the system's MIME table
        import mimetypes

        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def builtin_root() -> Path:
    # the package's own folder: presskit installs as files (importlib.resources, which would
    # also find a zipped one, costs a no-change build 5 ms of imports)
    return Path(__file__).parent


def builtin_themes() -> list[str]:
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / "press.css").is_file())


def names_folder(name: str, candidate: Path) -> bool:
    """`--theme`/`theme =` names a folder (not a built-in) when it has a slash, or when such
    a folder exists and no built-in theme has that name."""
    return "/" in name or (candidate.is_dir() and name not in builtin_themes())


@cache
def load_theme(name_or_path: str, relative_to: Path | None = None) -> Theme:
    candidate = Path(name_or_path)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    folder = candidate if names_folder(name_or_path, candidate) else builtin_root() / name_or_path
    if not folder.is_dir():
        known = ", ".join(builtin_themes())
        raise PresskitError(f"unknown theme {name_or_path!r} (built-in: {known})")
    settings: dict[str, object] = {}
    warnings: list[Diagnostic] = []
    settings_file = folder / "theme.toml"
    if settings_file.is_file():
        text = settings_file.read_text(encoding="utf-8")
        try:
            settings = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PresskitError(f"invalid theme.toml: {error}", settings_file) from None
        warnings = unknown_keys(text, settings, THEME_KEYS, settings_file)
    parent_name = settings.get("extends")
    parent: Theme | None = None
    if parent_name is not None:
        if not isinstance(parent_name, str) or parent_name not in builtin_themes():
            known = ", ".join(builtin_themes())
            raise PresskitError(
                f"`extends` must name a built-in theme ({known})", folder / "theme.toml"
            )
        if parent_name == folder.name and folder.resolve() == (builtin_root() / parent_name):
            raise PresskitError("a theme cannot extend itself", folder / "theme.toml")
        parent = load_theme(parent_name)
    for required in REQUIRED:
        if not (folder / required).is_file() and not (parent and required != "press.css"):
            raise PresskitError(f"theme folder has no {required}", folder)
    logo = folder / "logo.svg"
    css = (folder / "press.css").read_text(encoding="utf-8")
    return Theme(
        name=folder.name,
        path=folder.resolve(),
        # The parent's rules first, so the child's win at equal specificity.
        css=(parent.css + "\n" + css) if parent else css,
        serif_body=bool(settings.get("serif_body", parent.serif_body if parent else False)),
        default_logo_uri=(
            data_uri(logo) if logo.is_file() else (parent.default_logo_uri if parent else None)
        ),
        template_dirs=(folder.resolve(), *(parent.template_dirs if parent else ())),
        warnings=(*(parent.warnings if parent else ()), *warnings),
    )
