"""What to watch for a set of posts, and a loop that reports saves until it is stopped.

Folders (a PATH, a page bundle, the theme) are watched whole. Single files (presskit.toml,
the brand's logo and fonts, a post that is not a bundle) are watched through their folder,
not recursively, and only their own names pass the filter: an editor that saves by writing a
new file and renaming it over the old one replaces the inode a watch on the file would hold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presskit.brand import config_for, load_config
from presskit.errors import PresskitError
from presskit.source.data import data_dirs
from presskit.source.site import find_site
from presskit.source.templates import template_dirs

STEP_MS = 30  # a save is reported once the folder was quiet this long (editors write twice)


@dataclass(frozen=True)
class Roots:
    folders: frozenset[Path]  # watched with everything under them
    files: frozenset[Path]  # watched by name, through their folder

    def all(self) -> frozenset[Path]:
        return self.folders | self.files


def watch_roots(
    paths: Sequence[Path], config: Path | None = None, theme: str | None = None
) -> Roots:
    """The posts' folders and files, and every file outside them a render reads as input."""
    from presskit.themes import load_theme

    folders: set[Path] = set()
    files: set[Path] = set()
    configs: set[Path] = set()
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            folders.add(path)
        elif path.name.startswith(("index.", "_index.")):
            folders.add(path.parent)  # a bundle: its images and data count too
        else:
            files.add(path)
        found = config_for(path, [path] if path.is_dir() else [], config)  # as the build
        if found is not None:
            configs.add(Path(found).resolve())
        site = find_site(path)
        if site is not None:  # the Hugo site's config, data/ and templates are inputs too
            files.update(f.resolve() for f in site.files)
            folders.update(d.resolve() for d in [*data_dirs(site), *template_dirs(site)])
            for folder, _lang in site.content_dirs():
                boilerplates = folder / "boilerplates"
                if boilerplates.is_dir():
                    folders.add(boilerplates.resolve())
    files |= configs
    # why the ignore below: None stands for 'no presskit.toml': a set of paths or of that one None
    for config_path in configs or {None}:  # type: ignore[arg-type]
        try:
            cfg = load_config(config_path)
            chosen = load_theme(theme or cfg.theme, cfg.root)
        except PresskitError:
            continue  # the build says what is wrong; the config itself is watched
        folders.add(chosen.path.resolve())
        folders.update(Path(folder).resolve() for folder in chosen.template_dirs)
        for extra in (cfg.brand.logo, cfg.brand_file, *(f.path for f in cfg.brand.font_files)):
            if extra is not None:
                files.add(Path(extra).resolve())
    return Roots(frozenset(_outermost(folders)), frozenset(files))


def _outermost(folders: Iterable[Path]) -> set[Path]:
    ordered = sorted(set(folders), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for folder in ordered:
        if not any(folder.is_relative_to(outer) for outer in kept):
            kept.append(folder)
    return set(kept)


def watch(
    roots: Callable[[], Roots],
    changed: Callable[[set[Path]], None],
    stop: threading.Event,
    *,
    ignore: Path | None = None,
) -> None:
    """Call `changed` with the paths of each group of saves until `stop` is set.

    `roots` is asked again after each group: a save of presskit.toml may name another theme
    or logo, which is then watched instead.
    """
    import watchfiles

    while not stop.is_set():
        current = roots()
        targets = [p for p in current.folders if p.is_dir()]
        targets += sorted(
            {p.parent for p in current.files if p.parent.is_dir()} - set(targets),
        )
        targets = sorted(_outermost(targets))
        if not targets:
            stop.wait(0.5)
            continue
        for group in watchfiles.watch(
            *targets,
            watch_filter=_filter(current, ignore),
            step=STEP_MS,
            stop_event=stop,
            rust_timeout=1000,
            raise_interrupt=False,
        ):
            changed({Path(path) for _change, path in group})
            if roots() != current:
                break  # watch the new set


def _relevant_filter() -> type:
    import watchfiles

    class Relevant(watchfiles.DefaultFilter):
        """Editor droppings out (watchfiles' defaults), then only the roots' own files."""

        def __init__(self, roots: Roots, ignore: Path | None) -> None:
            super().__init__()
            self.roots, self.ignore = roots, ignore

        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            if not super().__call__(change, path):
                return False
            file = Path(path)
            if self.ignore is not None and file.is_relative_to(self.ignore):
                return False
            return file in self.roots.files or any(
                file.is_relative_to(folder) for folder in self.roots.folders
            )

    return Relevant


def _filter(roots: Roots, ignore: Path | None) -> Any:
    """The filter's class is made on first use: watchfiles loads only when something watches."""
    return _relevant_filter()(roots, ignore)
