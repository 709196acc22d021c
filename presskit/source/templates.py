"""Which of a Hugo site's shortcodes take inner content, read from the site's own templates.

Hugo decides whether `{{< name >}}` opens a pair from the template: one that uses `.Inner` or
`.InnerDeindent` takes inner content (every use must then be closed or self-closed), any
other never does (a closing tag for it is an error). Without the template presskit has to
guess from the post; with it, presskit reads it as Hugo does, so pairing is never guessed.

Templates are read, never executed: only the Go-template actions are scanned for the field,
outside comments and string literals. The tests hold the reading to the real `hugo` binary.
Searched like Hugo's lookup: `layouts/_shortcodes/` (Hugo ≥ 0.146) and `layouts/shortcodes/`
of the site, then of each theme (`theme = […]`, the first named first).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from presskit.source.site import Site, file_stamps

__all__ = [
    "MAX_TEMPLATE_BYTES",
    "inner_from_template",
    "shortcode_templates",
    "template_dirs",
    "template_files",
]

MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_TEMPLATES = 5000
_FOLDERS = ("_shortcodes", "shortcodes")
_INNER = re.compile(r"\.(?:Inner|InnerDeindent)(?![\w])")


def _actions(text: str) -> list[str]:
    """The code of each Go-template action, string literals and comments blanked: a scan as
    Go's lexer reads it (a `}}` inside a raw string does not end the action)."""
    out: list[str] = []
    i = 0
    n = len(text)
    while True:
        start = text.find("{{", i)
        if start < 0:
            return out
        i = start + 2
        code: list[str] = []
        while i < n:
            char = text[i]
            if text.startswith("}}", i):
                i += 2
                break
            if text.startswith("/*", i):
                end = text.find("*/", i + 2)
                i = n if end < 0 else end + 2
                continue
            if char in "\"'`":
                i += 1
                while i < n and text[i] != char:
                    i += 2 if char != "`" and text[i] == "\\" else 1
                i += 1
                code.append('""')
                continue
            code.append(char)
            i += 1
        out.append("".join(code))


def inner_from_template(text: str) -> bool:
    """Whether a shortcode template evaluates `.Inner` or `.InnerDeindent` (Hugo's rule)."""
    return any(_INNER.search(code) for code in _actions(text))


def template_dirs(site: Site) -> list[Path]:
    raw = site.raw
    layouts = str(raw.get("layoutdir") or "layouts")
    theme = raw.get("theme")
    themes = [theme] if isinstance(theme, str) else [t for t in theme or [] if isinstance(t, str)]
    themes_dir = str(raw.get("themesdir") or "themes")
    bases = [site.root / layouts, *(site.root / themes_dir / t / "layouts" for t in themes)]
    root = site.root.resolve()
    found = []
    for base in bases:
        for folder in _FOLDERS:
            candidate = base / folder
            if candidate.is_dir() and candidate.resolve().is_relative_to(root):
                found.append(candidate)
    return found


def template_files(site: Site) -> list[tuple[str, Path]]:
    """(shortcode name, template file), the site's before its themes', `_shortcodes` first."""
    out: list[tuple[str, Path]] = []
    for folder in template_dirs(site):
        for current, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                file = Path(current) / name
                rel = file.relative_to(folder).as_posix()
                # `name.html`, `name.en.html`, `name.amp.html`: the shortcode is the first part
                base, _, _rest = rel.rpartition("/")[2].partition(".")
                shortcode = f"{rel.rpartition('/')[0]}/{base}" if "/" in rel else base
                out.append((shortcode, file))
                if len(out) >= MAX_TEMPLATES:
                    return out
    return out


def shortcode_templates(site: Site | None) -> Mapping[str, bool]:
    """Each shortcode the site has a template for, and whether it takes inner content."""
    if site is None:
        return {}
    files = template_files(site)
    names = {str(file): name for name, file in files}
    stamps = tuple((names[path], path, *rest) for path, *rest in file_stamps(f for _, f in files))
    return _read(str(site.root.resolve()), stamps)


@lru_cache(maxsize=16)
def _read(root: str, stamps: tuple[tuple[str, str, int, int], ...]) -> Mapping[str, bool]:
    """The first template found for a name decides (the site over its themes), except that a
    variant for another output format or language using `.Inner` makes it inner too."""
    result: dict[str, bool] = {}
    for name, file, _mtime, _size in stamps:
        path = Path(file)
        if not path.resolve().is_relative_to(root):
            continue  # a symlink out of the site is not the site's template
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_TEMPLATE_BYTES)
        except OSError:
            continue
        inner = inner_from_template(data.decode("utf-8", "replace"))
        result[name] = result.get(name, False) or inner
    return result
