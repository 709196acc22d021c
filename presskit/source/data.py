"""A Hugo site's `data/` folder, read as Hugo reads it, for the shortcodes that print it.

Istio keeps its release numbers in `data/args.yml`; its `istio_release_name` shortcode prints
`.Site.Data.args.full_version`. presskit offers the same tree to shortcode handlers
(`Context.data`): each YAML, TOML or JSON file under `data/` (and under the theme's `data/`,
which the site's own files override) is a key named after the file, and each folder a
nested table, as in Hugo (`data/releases/lts.yaml` is `data.releases.lts`).

The files are site configuration, read-only inputs: read with the safe loaders and the
limits the site config has, never executed. Their digests count in each post's inputs, so an
edited release number rebuilds the posts that could print it.

Boilerplates are the other site text a post pulls in (`{{< boilerplate name >}}`): the
lookup lives here, beside the data, so the batch can count a post's boilerplates among its
inputs without loading the converter.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from presskit.source.site import CONFIG_SUFFIXES, Site, _merge, file_stamps, read_structured

__all__ = ["MAX_DATA_FILES", "boilerplate_files", "data_files", "find_boilerplate", "site_data"]

MAX_DATA_FILES = 2000  # Istio keeps nine; more is a mistake, or a repository that is not a site


def data_dirs(site: Site) -> list[Path]:
    """The theme's data folder first, the site's last (the site wins), inside the site."""
    raw = site.raw
    data_dir = str(raw.get("datadir") or "data")
    theme = raw.get("theme")
    themes = [theme] if isinstance(theme, str) else [t for t in theme or [] if isinstance(t, str)]
    themes_dir = str(raw.get("themesdir") or "themes")
    found = []
    for name in reversed(themes):  # the first theme named wins over the later ones
        found.append(site.root / themes_dir / name / "data")
    found.append(site.root / data_dir)
    root = site.root.resolve()
    return [d for d in found if d.is_dir() and d.resolve().is_relative_to(root)]


def data_files(site: Site) -> list[Path]:
    """Every data file Hugo would read, theme files first, in a stable order."""
    files: list[Path] = []
    for folder in data_dirs(site):
        for current, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or Path(name).suffix.lower() not in CONFIG_SUFFIXES:
                    continue
                files.append(Path(current) / name)
                if len(files) > MAX_DATA_FILES:
                    return files[:MAX_DATA_FILES]
    return files


def site_data(site: Site | None) -> Mapping[str, Any]:
    """`.Site.Data`: a nested mapping, {} without a site or a data folder."""
    if site is None:
        return {}
    stamps = file_stamps(data_files(site))
    return _load(str(site.root), tuple(str(d) for d in data_dirs(site)), stamps)


@lru_cache(maxsize=16)
def _load(root: str, dirs: tuple[str, ...], stamps: tuple[tuple[str, int, int], ...]) -> Any:
    """Cached by the files' times and sizes: a batch reads the folder once, an edit is seen."""
    data: dict[str, Any] = {}
    for name, _mtime, _size in stamps:
        file = Path(name)
        folder = next(Path(d) for d in dirs if file.is_relative_to(d))
        rel = file.relative_to(folder)
        keys = [*rel.parts[:-1], rel.name[: -len(rel.suffix)]]
        value: Any = read_structured(file, "site data file")
        for key in reversed(keys):
            value = {key: value}
        data = _merge(data, value)
    return data


def find_boilerplate(content_root: Path, name: str) -> Path | None:
    """Istio's rule (its `boilerplate` template): the first file of the language's
    `boilerplates/` bundle whose path there matches `name*`; a Markdown file, inside the
    content folder once resolved (a symlink out of it is not the site's text)."""
    folder = content_root / "boilerplates"
    if not name or "\0" in name or not folder.is_dir():
        return None
    root = content_root.resolve()
    candidates = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file_name in names:
            file = Path(current) / file_name
            rel = file.relative_to(folder).as_posix()
            pattern = glob_escape(name.lower()) + "*"
            if file.suffix.lower() == ".md" and fnmatch.fnmatchcase(rel.lower(), pattern):
                candidates.append((rel, file))
    for _rel, file in sorted(candidates):
        if file.resolve().is_relative_to(root) and file.resolve().is_file():
            return file
    return None


def glob_escape(text: str) -> str:
    """`name` as a literal in a glob (a boilerplate named `a[1]` is that file)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


_BOILERPLATE = re.compile(rb'\{\{[<%]\s*boilerplate\s+(?:name\s*=\s*)?["`]?([^"`\s>%}]+)')


def boilerplate_files(site: Site, post: Path, source: bytes) -> list[Path]:
    """The boilerplate files a post's text names: inputs of the post, for incremental builds
    and for a worker on another machine (a rough scan of the bytes: a name it finds that the
    post does not really use only costs a rebuild)."""
    page = site.locate(post)
    if page is None:
        return []
    found = []
    for match in _BOILERPLATE.finditer(source):
        name = match.group(1).decode("utf-8", "replace")
        file = find_boilerplate(page.content_root, name)
        if file is not None:
            found.append(file)
    return sorted(set(found))
