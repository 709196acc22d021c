"""Hugo's verdict on a page: would `hugo` (no flags) publish it, and if not, why.

A press kit is built from the same content the website is, so the batch records what Hugo
would do with each post beside what presskit did. The rules are Hugo's (0.168), held to the
binary by tests (`hugo list drafts|future|expired` and a real build of generated sites):

- `draft: true` is not published without `--buildDrafts`;
- `headless: true` makes no page (Hugo turns it into `build: {render: never, list: never}`);
- `build.render: never` writes no page; `link` gives a permalink but writes no page either;
- a `publishDate` (else `date`) later than now is not published without `--buildFuture`;
- an `expiryDate` earlier than now is not published without `--buildExpired`.

Dates without a zone are in the site's `timezone`, as Hugo reads them. In a Hugo site the
keys may come from a section's `cascade` (`effective_front_matter`).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from presskit.source.site import Site, to_datetime

__all__ = ["VERDICTS", "Verdict", "effective_front_matter", "hugo_verdict"]

VERDICTS = ("published", "future", "expired", "draft", "headless", "not-rendered")

# Hugo's default front-matter date fallbacks (`frontmatter` config left as is).
_PUBLISH_KEYS = ("publishdate", "pubdate", "published", "date")
_EXPIRY_KEYS = ("expirydate", "unpublishdate")


@dataclass(frozen=True)
class Verdict:
    state: str  # one of VERDICTS
    detail: str  # the front matter that decided it, for people
    when: dt.datetime | None = None  # the publish or expiry moment, for future and expired


def _first_date(meta: Mapping[str, Any], keys: tuple[str, ...], zone: str | None) -> Any:
    for key in keys:
        moment = to_datetime(meta.get(key), zone)
        if moment is not None:
            return moment, key
    return None, None


def _truthy(value: Any) -> bool:
    """Hugo's `cast.ToBool`: `true`, `"true"`, `1` … are true."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "t")
    return bool(value)


def _build_options(meta: Mapping[str, Any]) -> tuple[str, str]:
    """`build.render` and `build.list` (`_build` is the old spelling; booleans are the old
    values: `render: false` is never)."""
    raw = meta.get("build", meta.get("_build"))
    options = {str(k).lower(): v for k, v in raw.items()} if isinstance(raw, Mapping) else {}

    def option(key: str) -> str:
        value = options.get(key, "always")
        if isinstance(value, bool):
            return "always" if value else "never"
        return str(value).strip().lower() or "always"

    return option("render"), option("list")


def hugo_verdict(
    meta: Mapping[str, Any], *, timezone: str | None = None, now: dt.datetime | None = None
) -> Verdict:
    """What plain `hugo` does with a page of this front matter (keys case-insensitive)."""
    lowered = {str(k).lower(): v for k, v in meta.items()}
    moment = now or dt.datetime.now(dt.UTC)
    # What no build flag renders comes first: a headless draft is not rendered by
    # `hugo --buildDrafts` either, so `presskit build --drafts` must not print it.
    if _truthy(lowered.get("headless", False)):
        return Verdict("headless", "headless: true")
    render, _listed = _build_options(lowered)
    if render in ("never", "link"):
        return Verdict("not-rendered", f"build.render: {render}")
    if _truthy(lowered.get("draft", False)):
        return Verdict("draft", "draft: true")
    expiry, expiry_key = _first_date(lowered, _EXPIRY_KEYS, timezone)
    if expiry is not None and expiry < moment:
        return Verdict("expired", f"{expiry_key} {expiry.isoformat()}", expiry)
    publish, publish_key = _first_date(lowered, _PUBLISH_KEYS, timezone)
    if publish is not None and publish > moment:
        return Verdict("future", f"{publish_key} {publish.isoformat()}", publish)
    return Verdict("published", "")


# --------------------------------------------------------------------------- cascade


def effective_front_matter(site: Site, path: Path, meta: Mapping[str, Any]) -> dict[str, Any]:
    """The page's front matter with what `cascade` gives it, as Hugo merges them (held to the
    binary): the page's own keys first, then its own `cascade`, then each ancestor section's
    (`_index.md` in the page's language), nearest first, then the site config's. A key is
    taken whole (a cascaded `build` table is not merged with the page's)."""
    page = site.locate(path)
    lowered = {str(k).lower(): v for k, v in meta.items()}
    if page is None:
        return lowered
    layers: list[Any] = []
    dirs = page.rel.parts[:-1]
    for depth in range(len(dirs), -1, -1):
        folder = page.content_root.joinpath(*dirs[:depth])
        if depth == len(dirs) and page.kind in ("section", "home"):
            layers.append(lowered.get("cascade"))
            continue
        index = _section_file(site, folder, page.lang)
        if index is not None:
            layers.append(_cascade_of(index))
    layers.append(site.raw.get("cascade"))
    merged = dict(lowered)
    for layer in layers:
        for entry in layer if isinstance(layer, list) else [layer]:
            if not isinstance(entry, Mapping) or not _targets(entry, site, page):
                continue
            for key, value in entry.items():
                key = str(key).lower()
                if key not in ("target", "_target") and key not in merged:
                    merged[key] = value
    return merged


def _section_file(site: Site, folder: Path, lang: str) -> Path | None:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        if (
            name.startswith("_index.")
            and name.endswith(".md")
            and (site.language_of_file(name) or _folder_lang(site, folder)) == lang
        ):
            return folder / name
    return None


def _folder_lang(site: Site, folder: Path) -> str:
    for root, code in site.content_dirs():
        if code is not None and folder.resolve().is_relative_to(root):
            return code
    return site.default_lang


def _cascade_of(index: Path) -> Any:
    try:
        info = index.stat()
    except OSError:
        return None
    return _read_cascade(str(index), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=256)
def _read_cascade(index: str, _mtime: int, _size: int) -> Any:
    """A section's `cascade`, read once per batch for all the pages below it."""
    from presskit.errors import PresskitError
    from presskit.source.post import load_post

    try:
        meta = load_post(index).meta
    except PresskitError:
        return None  # the section itself fails where it is built; it cascades nothing here
    return {str(k).lower(): v for k, v in meta.items()}.get("cascade")


def _targets(entry: Mapping[str, Any], site: Site, page: Any) -> bool:
    target = entry.get("target", entry.get("_target"))
    if not isinstance(target, Mapping):
        return True
    for key, want in target.items():
        key = str(key).lower()
        text = str(want)
        if key == "path" and not fnmatch.fnmatchcase(page.path, text.replace("**", "*")):
            return False
        if key == "kind" and text.lower() != page.kind:
            return False
        if key == "lang" and not fnmatch.fnmatchcase(page.lang, text):
            return False
        if key == "environment" and not fnmatch.fnmatchcase(site.environment, text):
            return False
    return True
