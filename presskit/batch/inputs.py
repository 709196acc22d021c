"""What a post's PDF depends on, as hashes: the incremental decisions of the batch.

A post is rendered again only when one of these changed: its source, its bundle's files and any
other file the render read, the config and what it names (logo, fonts), the theme folder, the
presskit version and the options that change output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from presskit import __version__
from presskit.batch.discover import BUNDLE_FILE
from presskit.batch.executors import TaskFiles
from presskit.brand import (
    IGNORED_CONFIG,
    Config,
    find_config,
    found_for_loose_post,
    ignored_configs,
    is_loose,
    load_config,
    with_site,
)
from presskit.errors import Diagnostic, PresskitError
from presskit.source.data import boilerplate_files, data_files
from presskit.source.post import MAX_POST_BYTES, open_regular
from presskit.source.templates import template_files
from presskit.themes import builtin_root, load_theme, names_folder

KIT_TEMPLATE = "kit.html.j2"


# --------------------------------------------------------------------------- inputs


MAX_HASHED_BYTES = 256 * 1024 * 1024  # larger files count by size and mtime, unread


def file_digest(path: Path) -> str:
    """The file's hash; a FIFO, a device or a socket is named, never read (it could block the
    parent, before any worker or timeout), and a huge file is known by its size and time."""
    try:
        stream = open_regular(path)
        if stream is None:
            return "not a regular file"
        with stream:
            info = os.fstat(stream.fileno())
            if info.st_size > MAX_HASHED_BYTES:
                return f"large {info.st_size} {info.st_mtime_ns}"
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"unreadable: {error.strerror}"


def tree_digest(folder: Path, *, skip: tuple[str, ...] = ()) -> str:
    """Every file of a theme folder: editing the CSS or the template must rebuild every post."""
    digest = hashlib.sha256()
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name not in skip
    ]
    for file in sorted(files):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(file_digest(file).encode() + b"\0")
    return digest.hexdigest()


def bundle_files(post: Path) -> list[Path]:
    """The files a page bundle may use: everything in its folder that is not another post.

    Listed even when the render never opened them, so a missing image that appears later
    (or a new one) makes the post stale.
    """
    if not BUNDLE_FILE.fullmatch(post.name):
        return []
    folder = post.parent
    files: list[Path] = []
    for current, dirs, names in os.walk(folder):
        here = Path(current)
        # a nested bundle is another post, with its own inputs
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and not any(BUNDLE_FILE.fullmatch(n) for n in os.listdir(here / d))
        ]
        files.extend(here / name for name in names if not name.endswith(".md"))
    return sorted(files)


@dataclass(frozen=True)
class Settings:
    """What, besides the post itself, decides the bytes of its PDF."""

    config: Path | None
    theme: str | None
    offline: bool | None
    trees: tuple[Path, ...] = ()  # the folders given to the batch: content, all through
    now: dt.datetime | None = None  # the moment embargoes are judged at (None: the clock)
    pdf_variant: str | None = None  # `--pdf-variant`: every PDF archival or tagged


def extension_files(folder: Path, names: Iterable[str]) -> list[Path]:
    """The files of the modules `names` that sit in `folder` (a module `x.py`, or a package
    `x/`): a Dask worker has only what it is sent, and imports them from its copy of the
    config's folder. Installed modules are the worker's own."""
    found: list[Path] = []
    for top in dict.fromkeys(name.split(".")[0] for name in names):
        if (folder / f"{top}.py").is_file():
            found.append(folder / f"{top}.py")
        elif (folder / top).is_dir():
            found += sorted(
                p
                for p in (folder / top).rglob("*.py")
                if p.is_file() and "__pycache__" not in p.parts
            )
    return found


class Inputs:
    """Hashes of the shared inputs (config, logo, theme), each computed once per batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._configs: dict[Path | None, Config] = {}
        self._completed: dict[Path, Config] = {}  # a post's config with its Hugo site
        self._found: dict[tuple[Path, Path | None], Path | None] = {}
        self._ignored: dict[Path, None] = {}
        self._trees: dict[tuple[Path, bool], str] = {}
        self._embargoes: dict[str, dt.datetime] = {}
        # one moment for the whole batch: its keys and its renders judge embargoes alike
        self.now = settings.now or dt.datetime.now(dt.UTC)
        self._site_files: dict[tuple[Path, tuple[Path, ...]], list[Path]] = {}

    def next_lift(self) -> dt.datetime | None:
        """The first embargo of the batch's posts still in force at its moment."""
        return min((m for m in self._embargoes.values() if m > self.now), default=None)

    def embargo(self, post: Path, moment: dt.datetime | None) -> None:
        """The post's embargo moment, as its front matter says (`key` counts which side of it
        the batch's moment is: a PDF that printed "Embargoed until …" is stale once it lifts)."""
        if moment is not None:
            self._embargoes[os.path.abspath(post)] = moment

    def config_path(self, post: Path) -> Path | None:
        if self.settings.config is not None:
            return self.settings.config
        folder = post.parent
        tree = self.tree_of(post)
        if (folder, tree) not in self._found:
            self._found[folder, tree] = find_config(folder, tree)
            if tree is not None:  # those the post's own render cannot see: said once, here
                plain = set(ignored_configs(folder))
                self._ignored.update(
                    dict.fromkeys(p for p in ignored_configs(folder, tree) if p not in plain)
                )
        return self._found[folder, tree]

    def tree_of(self, post: Path) -> Path | None:
        """The folder given to the batch that holds `post`: below it is content, so no
        `presskit.toml` there is read (a contributor's folder must not configure the batch)."""
        where = Path(os.path.abspath(post))
        for tree in self.settings.trees:
            if where.is_relative_to(os.path.abspath(tree)):
                return tree
        return None

    def config_arg(self, post: Path) -> str | Config | None:
        """What a worker is told to use: the config found for the batch, or the defaults
        themselves when none was found, so that the worker does not search again from the
        post, where it would find what the batch refused."""
        path = self.config_path(post)
        if self.untrusted_code(post):
            # found beside or above a loose post (`build loose.md`, or a folder of them): no
            # code from it, whether or not it is the PATH's own
            return found_for_loose_post(self._loaded(path))
        if path is not None:
            return str(path)
        return self._loaded(None) if self.tree_of(post) is not None else None

    def untrusted_code(self, post: Path) -> bool:
        """Whether the config the post uses was found (not named) for a loose post: read for
        everything but its `extensions`, as its own render reads it."""
        searched = self.config_path(post) is not None and self.settings.config is None
        return searched and is_loose(post)

    def extensions(self, post: Path) -> tuple[str, ...]:
        """The extensions the post's render imports (none from an untrusted config)."""
        return () if self.untrusted_code(post) else self._loaded(self.config_path(post)).extensions

    def config(self, post: Path) -> Config:
        """The post's presskit.toml, completed by the Hugo site around the post."""
        if post not in self._completed:  # asked when examined and again for its key
            path = self.config_path(post)
            if path is not None and path not in self._configs and not path.is_file():
                raise PresskitError("config file not found", path)
            self._completed[post] = with_site(self._loaded(path), post)
        return self._completed[post]

    @cache  # noqa: B019 - one Inputs per batch
    def shared_digest(self, config_path: Path | None) -> str:
        config = self._loaded(config_path)
        parts = [
            f"presskit {__version__}",
            f"offline={self.settings.offline} theme={self.settings.theme}",
            "config " + (file_digest(config_path) if config_path else "none"),
            "logo " + (file_digest(config.brand.logo) if config.brand.logo else "none"),
            *("font " + file_digest(face.path) for face in config.brand.font_files),
            *(
                "extension " + file_digest(path)
                for path in (
                    extension_files(config_path.parent, config.extensions) if config_path else ()
                )
            ),
            "theme " + self.theme_digest(self.theme_path(config_path)),
        ]
        if self.settings.pdf_variant:
            parts.append(f"variant {self.settings.pdf_variant}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def theme_digest(self, folder: Path, *, kit: bool = False) -> str:
        """The kit's template counts for the kit only: editing it re-renders no post."""
        if (folder, kit) not in self._trees:
            self._trees[folder, kit] = tree_digest(folder, skip=() if kit else (KIT_TEMPLATE,))
        return self._trees[folder, kit]

    def theme_path(self, config_path: Path | None) -> Path:
        config = self._loaded(config_path)
        return load_theme(self.settings.theme or config.theme, config.root).path

    def file_warnings(self) -> list[str]:
        """What the batch's config and theme files say about themselves (unknown keys): the
        batch reports each once, not in every post's row."""
        found: dict[str, None] = {}
        found.update(dict.fromkeys(str(Diagnostic(IGNORED_CONFIG, str(p))) for p in self._ignored))
        for config in self._configs.values():
            found.update(dict.fromkeys(str(w) for w in config.warnings))
            try:
                theme = load_theme(self.settings.theme or config.theme, config.root)
            except PresskitError:  # each of its posts fails with this error already
                continue
            found.update(dict.fromkeys(str(w) for w in theme.warnings))
        return list(found)

    def theme_argument(self, post: Path) -> str | None:
        """`--theme` as the render gets it: a theme folder by its absolute path, so it means
        the same folder in a worker whose working directory (or disk) is not ours."""
        name = self.settings.theme
        if name is None:
            return None
        config = self._loaded(self.config_path(post))
        candidate = Path(name) if config.root is None else config.root / name
        if names_folder(name, candidate):
            return str(self.theme_path(self.config_path(post)))
        return name

    @cache  # noqa: B019 - one Inputs per batch
    def shared_files(self, config_path: Path | None) -> tuple[Path, ...]:
        """The files every post under this config reads: the config, the brand's files and
        fonts, and a theme folder that is not built in (a built-in one ships with presskit)."""
        config = self._loaded(config_path)
        brand = config.brand
        files = [config_path, config.brand_file, brand.logo]
        files += [face.path for face in brand.font_files]
        theme = self.theme_path(config_path)
        if not theme.is_relative_to(builtin_root().resolve()):
            files += sorted(
                p for p in theme.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
        if config_path is not None:  # extensions beside the config: a worker imports them there
            files += extension_files(config_path.parent, config.extensions)
        return tuple(dict.fromkeys(f.resolve() for f in files if f is not None and f.is_file()))

    def _loaded(self, config_path: Path | None) -> Config:
        """The config at `config_path` (None: the defaults), loaded once per batch."""
        if config_path not in self._configs:
            self._configs[config_path] = load_config(config_path)
        return self._configs[config_path]

    def key(self, post: Path, depends: Iterable[str], fmt: str = "pdf") -> tuple[str, list[str]]:
        """The input hash of the post's `fmt` output, and the dependency list it covers
        (relative to the post). The format is part of the key: a post's PDF and Word file are
        two outputs, each with its own manifest row."""
        folder = post.parent
        names = set(depends)
        names.update(os.path.relpath(file, folder) for file in bundle_files(post))
        ordered = sorted(names)
        digest = hashlib.sha256()
        digest.update(self.shared_digest(self.config_path(post)).encode() + b"\n")
        if fmt != "pdf":  # a PDF's key stays what it was before formats (no rebuild on upgrade)
            digest.update(f"format {fmt}\n".encode())
        digest.update(b"source " + file_digest(post).encode() + b"\n")
        moment = self._embargoes.get(os.path.abspath(post))
        if moment is not None:  # posts without one keep the keys they had
            digest.update(b"embargo in force\n" if self.now < moment else b"embargo lifted\n")
        for file in self.site_files(post):
            digest.update(f"site {file} {file_digest(file)}\n".encode())
        for name in ordered:
            digest.update(f"{name} {file_digest(folder / name)}\n".encode())
        return digest.hexdigest(), ordered

    def site_files(self, post: Path) -> list[Path]:
        """What the Hugo site around the post adds to its inputs: the site's config files, its
        `data/` (shortcodes print it), its shortcode templates (they decide pairing) and the
        boilerplates the post names. Read-only inputs: counted and shipped, never run."""
        site = self.config(post).site
        if site is None:
            return []
        key = (site.root, site.files)
        if key not in self._site_files:
            shared = [*site.files, *data_files(site), *(f for _n, f in template_files(site))]
            self._site_files[key] = shared
        try:
            stream = open_regular(post)
            source = b""
            if stream is not None:
                with stream:
                    source = stream.read(MAX_POST_BYTES + 1)
        except OSError:
            source = b""
        return [*self._site_files[key], *boilerplate_files(site, post, source)]


def post_files(post: Path, depends: Iterable[str], inputs: Inputs) -> TaskFiles:
    """What rendering `post` reads, for an executor that ships it to another machine: the post,
    its bundle and the files it read last time; the config's shared files; and, on demand,
    anything else under the post's folder or the site's `static/` and `assets/`."""
    from presskit.pipeline import site_folders  # pandoc's wrapper: not on the no-change path

    folder = post.parent
    own = [post, *bundle_files(post)]
    own += [folder / name for name in depends if (folder / name).is_file()]
    site = tuple(f.resolve() for f in site_folders(post))
    # the site's config, data, templates and the post's boilerplates: a worker elsewhere
    # finds the site around the post as it is here
    from_site = [f.resolve() for f in inputs.site_files(post) if f.is_file()]
    readable = (folder.resolve(), *site)
    # Each file under the name the post uses (its folder resolved, as the worker's tree
    # mirrors resolved paths), with the bytes of what it leads to: a bundle's link.png ->
    # real.png is read as link.png here too. A link that leads out of the tree is not sent:
    # the render here refuses to read it, and its target is no file of the post's.
    named = [post.resolve()]  # as the task's `path` names it
    for file in own[1:]:
        target = file.resolve()
        if any(target.is_relative_to(root) for root in readable):
            named.append(file.parent.resolve() / file.name)
    return TaskFiles(
        paths=("path", "out", "config", "theme"),
        output="out",
        own=tuple(dict.fromkeys(named)),
        shared=tuple(dict.fromkeys([*inputs.shared_files(inputs.config_path(post)), *from_site])),
        readable=readable,
        site=site,
    )
