"""Themes: a folder with `page.html.j2`, `press.css` and an optional `theme.toml`.

Built-in themes ship inside the package (`styles/` in a checkout, `presskit/styles` in the
wheel); a user's copy is any folder with the same files.
"""

from __future__ import annotations

import base64
import mimetypes
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from presskit.errors import PresskitError

REQUIRED = ("page.html.j2", "press.css")


@dataclass(frozen=True)
class Theme:
    name: str
    path: Path
    css: str
    serif_body: bool
    default_logo_uri: str | None


def data_uri(path: Path) -> str:
    """Assets go inline, so the HTML is self-contained and WeasyPrint fetches nothing."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def builtin_root() -> Path:
    return Path(str(resources.files("presskit.styles")))


def builtin_themes() -> list[str]:
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / "page.html.j2").is_file())


@cache
def load_theme(name_or_path: str, relative_to: Path | None = None) -> Theme:
    candidate = Path(name_or_path)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if "/" in name_or_path or (candidate.is_dir() and name_or_path not in builtin_themes()):
        folder = candidate
    else:
        folder = builtin_root() / name_or_path
    if not folder.is_dir():
        known = ", ".join(builtin_themes())
        raise PresskitError(f"unknown theme {name_or_path!r} (built-in: {known})")
    for required in REQUIRED:
        if not (folder / required).is_file():
            raise PresskitError(f"theme folder has no {required}", folder)
    settings: dict[str, object] = {}
    if (folder / "theme.toml").is_file():
        try:
            settings = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise PresskitError(f"invalid theme.toml: {error}", folder / "theme.toml") from None
    logo = folder / "logo.svg"
    return Theme(
        name=folder.name,
        path=folder.resolve(),
        css=(folder / "press.css").read_text(encoding="utf-8"),
        serif_body=bool(settings.get("serif_body", False)),
        default_logo_uri=data_uri(logo) if logo.is_file() else None,
    )
