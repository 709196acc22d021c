"""Extensions: Python modules that declare shortcodes, loaded the same way in every process.

An extension is a module whose import declares shortcodes (`presskit.shortcodes.declare`).
Three ways name one, all trusted, none from a post:

- `extensions = ["mysite_shortcodes"]` in presskit.toml (the renderer, `presskit html`,
  `presskit build` and its workers, the kit: wherever a config is turned into a render); a
  module beside presskit.toml is found there (its folder joins the end of `sys.path`);
- installed packages, through the entry-point group `presskit.extensions`
  (`[project.entry-points."presskit.extensions"] mysite = "mysite.shortcodes"`), loaded in
  every process that renders, the pandoc filter included;
- `PRESSKIT_EXTENSIONS=mysite.shortcodes` (comma-separated) for the filter under plain pandoc,
  which has no config.

Extensions are code and run with the rights of whoever runs presskit: they are never named by
a post's front matter or by pandoc metadata (which a post can set), only by the config, the
environment and what is installed.

Loading adds to what the process knows and never takes away: a process that rendered with
one config's extensions still knows them (a site has one config; a test that needs a bare
registry uses a fresh interpreter). A batch's workers are fresh processes: each loads the
config's extensions and the entry points itself, and also the modules whose declarations the
parent process made (`declared_modules`), so a shortcode declared by a script that calls
`presskit.build` reaches the workers too.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Any

from presskit.errors import PresskitError

GROUP = "presskit.extensions"
ENVIRONMENT = "PRESSKIT_EXTENSIONS"
MODULE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")

_loaded: dict[str, None] = {}  # module names, in the order they were loaded
_entry_points_loaded = False


def load(names: Iterable[str] = (), *, source: str | Path | None = None) -> None:
    """Import the installed extensions (once per process) and the modules `names`.

    `source` is what named them: a presskit.toml (whose folder may hold the modules) or the
    environment variable. A module that cannot be imported is a one-line error naming it; an
    installed one that fails says which package's entry point it was.
    """
    global _entry_points_loaded
    if not _entry_points_loaded:
        _entry_points_loaded = True
        for point in _entry_points():
            if point.module in _loaded:
                continue
            where = f"entry point {point.name!r} of {GROUP}"
            _import(point.module, where, point.dist.name if point.dist else None)
    names = [name for name in names if name not in _loaded]
    if names and isinstance(source, Path) and source.suffix == ".toml":
        folder = str(source.resolve().parent)
        if folder not in sys.path:
            sys.path.append(folder)  # after everything installed: it cannot shadow a library
    for name in names:
        _import(name, source, None)


def _entry_points() -> list[Any]:
    """The installed entry points of `GROUP`, by name.

    `importlib.metadata` parses every installed package's metadata to answer (and its import
    alone pulls in `email` and `zipfile`): ≈ 15 ms of every cold process, the pandoc filter's
    included, where nothing is installed in the group. A distribution can declare an entry
    point only in an `entry_points.txt` that names the group, so when no such file on
    `sys.path` does, the answer is empty without asking. Read afresh in every process, never
    cached: an extension installed a moment ago is found."""
    if not _may_declare(GROUP):
        return []
    import importlib.metadata

    return sorted(importlib.metadata.entry_points(group=GROUP), key=lambda p: p.name)


def _may_declare(group: str) -> bool:
    """Whether some installed distribution's `entry_points.txt` mentions `group`; also True
    when distributions could come from where this does not look (a zip or an egg on
    `sys.path`, a finder of distributions other than the standard path finder)."""
    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and finder is not PathFinder:
            return True
    for entry in sys.path:
        folder = entry or "."
        if folder.lower().endswith(".egg") or os.path.isfile(folder):
            return True
        try:
            names = os.listdir(folder)
        except OSError:
            continue  # not a folder (a missing zip, an import hook's name): nothing installed
        for name in names:
            if not name.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), "rb") as points:
                    if group.encode() in points.read():
                        return True
            except OSError:
                continue  # no entry points (or an egg-info that is a file)
    return False


def _import(name: str, source: str | Path | None, package: str | None) -> None:
    if not MODULE_NAME.fullmatch(name):
        raise PresskitError(f"extension {name!r} is not a Python module name", source)
    try:
        importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - an extension's failure, in one line
        first = str(error).splitlines()[0] if str(error) else ""
        by = f" (installed by {package})" if package else ""
        raise PresskitError(
            f"extension {name!r}{by} could not be loaded: {type(error).__name__}: {first}",
            source,
        ) from None
    _loaded[name] = None


def from_environment() -> list[str]:
    """The modules `PRESSKIT_EXTENSIONS` names."""
    value = os.environ.get(ENVIRONMENT, "")
    return [name.strip() for name in value.split(",") if name.strip()]


def loaded() -> list[str]:
    return list(_loaded)


def declared_modules() -> list[str]:
    """Modules (other than presskit's own) whose shortcode declarations are in force here: a
    worker imports them to know the same shortcodes. A declaration made in `__main__` cannot
    be imported by another process; it is left out (see `undeclarable`)."""
    from presskit.shortcodes.declare import REGISTRY

    found = dict.fromkeys(d.module for d in REGISTRY.declarations(load=False))
    return [m for m in found if m and not m.startswith("presskit.") and m != "__main__"]


def undeclarable() -> list[str]:
    """Names of shortcodes declared in `__main__`, which other processes cannot import."""
    from presskit.shortcodes.declare import REGISTRY

    return [n for d in REGISTRY.declarations(load=False) if d.module == "__main__" for n in d.names]
