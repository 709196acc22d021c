"""Which Markdown files of the PATHs are posts, and what each one's output is named.

Discovery reads no front matter: it only walks folders and names files, as Hugo names pages.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from presskit.errors import PresskitError
from presskit.source.post import normalize_lang
from presskit.source.site import BUNDLE_FILE

# `index.md`, `index.zh.md`, `_index.md`, `_index.en.md`: named after their folder, as Hugo does.


@dataclass
class Source:
    """A Markdown file found under one of the PATHs, with the names derived from it."""

    path: Path
    rel: PurePosixPath  # relative to its PATH (for a file PATH: the file's name)
    output: PurePosixPath  # relative to OUTDIR
    explicit: bool  # named on the command line rather than found in a folder
    display: str  # how the manifest and messages name it


# --------------------------------------------------------------------------- discovery


def output_name(rel: PurePosixPath, folder_name: str) -> PurePosixPath:
    """`a/slug/index.md` → `a/slug.pdf`; `a/post.md` → `a/post.pdf`; `a/_index.md` → `a.pdf`.

    A bundle's file has no name of its own, so the PDF takes the folder's (`folder_name` is the
    folder when `rel` has no parent, i.e. the PATH was the bundle itself). A Hugo language
    suffix is kept (`index.zh.md` → `slug.zh.pdf`) so translations in one folder do not collide.
    """
    match = BUNDLE_FILE.fullmatch(rel.name)
    if match is None:
        return rel.with_name(rel.name[: -len(".md")] + ".pdf")
    parent = rel.parent
    name = parent.name if parent.name else folder_name
    stem = name + (match.group("lang") or "")
    return (parent.parent if parent.name else parent) / (stem + ".pdf")


def is_leaf_bundle_file(name: str) -> bool:
    match = BUNDLE_FILE.fullmatch(name)
    return bool(match and not match.group("section"))


def is_section(path: Path) -> bool:
    match = BUNDLE_FILE.fullmatch(path.name)
    return bool(match and match.group("section"))


def discover(paths: Sequence[str | Path]) -> list[Source]:
    """Every page `*.md` under the folders (hidden folders and leaf bundles' resources skipped),
    and the files named directly."""
    found: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            rel = PurePosixPath(path.name)
            name = path.resolve().parent.name
            found.append(Source(path, rel, output_name(rel, name), True, str(path)))
        elif path.is_dir():
            name = path.resolve().name
            for file in sorted(_walk(path)):
                rel = PurePosixPath(file.relative_to(path).as_posix())
                found.append(Source(file, rel, output_name(rel, name), False, rel.as_posix()))
        else:
            raise PresskitError("no such file or folder", path)
    return found


def _walk(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        leaf = sorted(name for name in files if is_leaf_bundle_file(name))
        if leaf:
            # A leaf bundle is one page: its other files, Markdown and subfolders included, are
            # that page's resources (Hugo renders none of them), not posts.
            dirs[:] = []
            yield from (Path(folder) / name for name in leaf)
            continue
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                yield Path(folder) / name


def lang_matches(lang: str | None, wanted: Sequence[str]) -> bool:
    """`--lang zh` takes zh-CN and zh-TW; `--lang zh-TW` only zh-TW."""
    if not wanted:
        return True
    if lang is None:
        return False
    tag = lang.lower()
    for want in wanted:
        want = (normalize_lang(want) or want).lower()
        if tag == want or tag.startswith(want + "-"):
            return True
    return False


def selected(source: Source, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Globs match the source path relative to its PATH; `*` also crosses `/`."""
    text = source.rel.as_posix()
    if include and not any(fnmatch.fnmatchcase(text, pattern) for pattern in include):
        return False
    return not any(fnmatch.fnmatchcase(text, pattern) for pattern in exclude)


def translation_key(output: PurePosixPath, lang: str | None) -> str:
    """The output's path with its language taken out: `zh/blog/x.pdf` and `en/blog/x.pdf` match."""
    parts = list(output.parts)
    primary = (lang or "").split("-")[0].lower()
    for index, part in enumerate(parts[:-1]):
        if normalize_lang(part) and part.split("-")[0].split("_")[0].lower() == primary:
            del parts[index]
            break
    name = parts[-1]
    stem, _, suffix = name.rpartition(".")  # `.pdf`, `.docx`: each format pairs with its own
    if "." in stem and normalize_lang(stem.rsplit(".", 1)[1]):
        name = stem.rsplit(".", 1)[0] + "." + suffix
    return "/".join([*parts[:-1], name])
