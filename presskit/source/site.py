"""The Hugo site around a post: its configuration, and the permalink Hugo gives each page.

A press team points presskit at the repository it already has, so the canonical URL printed on
a cover (and encoded in its QR code) must be the one the site publishes, not a guess from the
folder. This module reads the site's configuration the way Hugo does (`hugo.toml|yaml|json`,
the legacy `config.*`, and `config/_default/` plus `config/<environment>/` merged on top, keys
case-insensitive) and reproduces Hugo's permalink rules: language prefixes, `permalinks`
patterns, `slug` and `url` front matter, page bundles, `uglyURLs`. The tests hold it to the
real Hugo binary (`hugo list all`) on generated sites.

Only what a press kit needs is read. Anything that changes URLs and is not implemented here
(multiple site dimensions, `disablePathToLower` is, `removePathAccents` is not) is named in
`Site.unsupported` rather than silently producing a wrong URL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote_plus

from presskit.errors import PresskitError, toml_problem

__all__ = [
    "Language",
    "Page",
    "Site",
    "find_site",
    "hugo_environment",
    "load_site",
]

CONFIG_NAMES = ("hugo", "config")  # Hugo tries these in order; the first found is the one
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
MAX_CONFIG_BYTES = 4 * 1024 * 1024
_MD_SUFFIXES = (".md", ".markdown", ".mdown")


def hugo_environment() -> str:
    """Hugo's own rule: `HUGO_ENVIRONMENT` (set by `--environment`), else production."""
    return os.environ.get("HUGO_ENVIRONMENT") or os.environ.get("HUGO_ENV") or "production"


# --------------------------------------------------------------------------- config files


def _read_config_file(path: Path) -> dict[str, Any]:
    value = read_structured(path, "site config")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PresskitError("site config must be a mapping of keys to values", path)
    return value


def read_structured(path: Path, what: str) -> Any:
    """A TOML, YAML or JSON file by its suffix, with the config's limits; errors name it."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise PresskitError("not a regular file", path)
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise PresskitError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise PresskitError(f"{what} is larger than 4 MiB", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PresskitError(f"{what} is not valid UTF-8", path) from None
    import yaml  # a site's config: no-change builds of posts outside a site never import it

    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            value: Any = tomllib.loads(text)
        elif suffix == ".json":
            value = json.loads(text)
        else:
            value = yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_problem(exc, text)
        raise PresskitError(f"invalid TOML: {message}", path, line) from None
    except json.JSONDecodeError as exc:
        raise PresskitError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        mark_line = mark.line + 1 if mark is not None else None
        raise PresskitError(
            f"invalid YAML: {exc.problem or exc.context}", path, mark_line
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise PresskitError(f"invalid {what}: {str(exc).splitlines()[0]}", path) from None
    return value


def _lower_keys(value: Any) -> Any:
    """Hugo's configuration keys are case-insensitive: `baseURL` and `baseurl` are one key."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """`top` over `base`, tables merged key by key (Hugo's `Set("", …)`)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _root_config_file(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        for suffix in CONFIG_SUFFIXES:
            candidate = folder / (name + suffix)
            if candidate.is_file():
                return candidate
    return None


def _config_dir_files(folder: Path, environment: str) -> list[tuple[Path, dict[str, Any]]]:
    """`config/_default/` then `config/<environment>/`, each file placed under its key.

    `params.toml` is the `params` table, `languages.toml` the `languages` table,
    `params.zh.toml` is `languages.zh.params`; `hugo.toml`/`config.toml` are the root.
    """
    found = []
    for sub in ("_default", environment):
        directory = folder / "config" / sub
        if not directory.is_dir():
            continue
        for file in sorted(directory.rglob("*")):
            if file.suffix.lower() not in CONFIG_SUFFIXES or not file.is_file():
                continue
            item = _lower_keys(_read_config_file(file))
            name = file.name[: -len(file.suffix)].lower()
            if name in CONFIG_NAMES:
                found.append((file, item))
                continue
            base, _, lang = name.partition(".")
            value: Any = item
            if len(item) == 1 and base in item:
                value = item[base]  # `cascade.yaml` holding `cascade: [...]`
            if lang:
                key_path = ["languages", lang]
                if base in ("menu", "menus"):
                    key_path.append("menus")
                elif base == "params":
                    key_path.append("params")
            else:
                key_path = [base]
            root: dict[str, Any] = {}
            node = root
            for key in key_path[:-1]:
                node[key] = {}
                node = node[key]
            node[key_path[-1]] = value
            found.append((file, root))
    return found


def is_site_root(folder: Path) -> bool:
    known = _listed.get()
    if known is not None and ("root", str(folder)) in known:
        return known["root", str(folder)]
    found = _root_config_file(folder) is not None or (folder / "config" / "_default").is_dir()
    if known is not None:
        known["root", str(folder)] = found
    return found


# --------------------------------------------------------------------------- the site


@dataclass(frozen=True)
class Language:
    code: str  # as Hugo spells it in URLs: the key under `languages`, lower-cased
    name: str  # label (languageName before Hugo 0.158)
    weight: int
    title: str
    content_dir: Path | None
    params: Mapping[str, Any]
    base_url: str | None  # a multihost site gives each language its own


@dataclass(frozen=True)
class _Rule:
    kind: str
    glob: str
    pattern: str


@dataclass(frozen=True)
class Page:
    """A content file as Hugo sees it: language, place in the tree, kind."""

    lang: str
    content_root: Path
    rel: PurePosixPath  # the file, relative to its content folder
    kind: str  # "page", "section" or "home"
    bundle: bool  # index.md (leaf) or _index.md (branch)

    @property
    def path(self) -> str:
        """Hugo's `.Path`: lower-cased, spaces as hyphens, no language, no extension."""
        parts = list(self.rel.parts[:-1])
        if not self.bundle:
            parts.append(_stem(self.rel.name))
        return "/" + "/".join(_normalize(p) for p in parts)


def _normalize(part: str) -> str:
    return part.lower().replace(" ", "-")


def _stem(name: str) -> str:
    """`index.zh.md` → `index`; `a.b.md` → `a.b` (Hugo strips a language identifier only)."""
    return name.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Site:
    root: Path
    files: tuple[Path, ...]  # the configuration files read, for change detection
    environment: str
    base_url: str
    title: str
    default_lang: str
    default_in_subdir: bool
    languages: tuple[Language, ...]  # by weight, then code
    content_dir: Path
    ugly_urls: bool | Mapping[str, bool]
    unsafe_html: bool
    params: Mapping[str, Any]
    disable_path_to_lower: bool
    timezone: str | None
    rules: tuple[_Rule, ...] = ()
    unsupported: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- languages

    @property
    def multilingual(self) -> bool:
        return len(self.languages) > 1

    @property
    def multihost(self) -> bool:
        return self.multilingual and any(lang.base_url for lang in self.languages)

    def language(self, code: str) -> Language | None:
        code = code.lower()
        for lang in self.languages:
            if lang.code == code:
                return lang
        return None

    def language_of_file(self, name: str) -> str | None:
        """A configured language named in the file name (`index.zh.md`), as Hugo reads it."""
        parts = name.split(".")
        if len(parts) >= 3 and self.language(parts[-2]) is not None:
            return parts[-2].lower()
        return None

    def content_dirs(self) -> list[tuple[Path, str | None]]:
        """Each content folder with the language it holds (None: the shared one)."""
        dirs: list[tuple[Path, str | None]] = [
            (lang.content_dir, lang.code) for lang in self.languages if lang.content_dir
        ]
        dirs.append((self.content_dir, None))
        # the deepest first, so `content/zh` wins over `content`
        return sorted(dirs, key=lambda item: len(item[0].parts), reverse=True)

    def locate(self, path: Path) -> Page | None:
        """Where Hugo puts the file, or None when it is in none of the site's content folders."""
        resolved = path.resolve()
        if resolved.suffix.lower() not in _MD_SUFFIXES:
            return None
        for folder, code in self.content_dirs():
            try:
                rel = PurePosixPath(resolved.relative_to(folder).as_posix())
            except ValueError:
                continue
            lang = self.language_of_file(rel.name) or code or self.default_lang
            stem = rel.name.split(".")[0]
            bundle = stem in ("index", "_index")
            kind = "page"
            if stem == "_index":
                kind = "section" if len(rel.parts) > 1 else "home"
            return Page(lang, folder, rel, kind, bundle)
        return None

    # ---------------------------------------------------------------- sections

    def _is_section_dir(self, page: Page, parts: tuple[str, ...]) -> bool:
        if len(parts) == 1:
            return True  # every top-level folder is a section
        folder = page.content_root.joinpath(*parts)
        try:
            names = os.listdir(folder)
        except OSError:
            return False
        # A deeper folder is a section in a language only with its own `_index` there.
        code = self._dir_language(page.content_root)
        return any(
            name.startswith("_index.")
            and name.endswith(_MD_SUFFIXES)
            and (self.language_of_file(name) or code or self.default_lang) == page.lang
            for name in names
        )

    def _dir_language(self, folder: Path) -> str | None:
        for lang in self.languages:
            if lang.content_dir == folder:
                return lang.code
        return None

    def current_section(self, page: Page) -> tuple[str, ...]:
        """The folders of the page's section (Hugo's `.CurrentSection`), () for home."""
        dirs = page.rel.parts[:-1]
        if page.kind in ("section", "home"):
            return tuple(dirs)
        if page.bundle:
            dirs = dirs[:-1]  # the bundle's own folder is the page
        for depth in range(len(dirs), 0, -1):
            if self._is_section_dir(page, dirs[:depth]):
                return tuple(dirs[:depth])
        return ()

    # ---------------------------------------------------------------- permalinks

    def ugly(self, section: str) -> bool:
        if isinstance(self.ugly_urls, Mapping):
            return bool(self.ugly_urls.get(section, False))
        return bool(self.ugly_urls)

    def language_prefix(self, lang: str) -> str:
        if self.multihost or not self.multilingual:
            return ""
        if lang == self.default_lang and not self.default_in_subdir:
            return ""
        return lang

    def base_for(self, lang: str) -> str:
        language = self.language(lang)
        if self.multihost and language is not None and language.base_url:
            return language.base_url
        return self.base_url

    def relpermalink(self, page: Page, meta: Mapping[str, Any]) -> str:
        """Hugo's `.RelPermalink` for the page (`CreateTargetPaths`, for HTML)."""
        fm = _FrontMatter(meta)
        url = fm.string("url")
        section = self.current_section(page)
        section_path = "/" + "/".join(_normalize(p) for p in section) if section else "/"
        expanded = self._expand_rules(page, fm, section)
        if url and ":" in url:
            url = _query_unescape(self._expand(url, page, fm, section))
        prefix = self.language_prefix(page.lang)
        els: list[str] = []
        suffix = ".html"
        ugly = self.ugly(_normalize(page.rel.parts[0]) if len(page.rel.parts) > 1 else "")
        upper = 0
        prefix_link = prefix
        if page.kind != "page" and not url and section_path != "/":
            els.append(expanded or section_path)
            needs_base = False
        else:
            needs_base = True
        if page.kind != "home" and url:
            els.extend(p for p in url.split("/") if p)
            has_dot = "." in url
            if url.endswith("/") or not has_dot:
                els.append("index.html")
            if els and els[-1] == "index.html":
                upper = 1
            if url.startswith("/"):
                prefix_link = ""  # Hugo prefixes the language to relative `url`s only
        elif page.kind == "page":
            if expanded:
                els.append(expanded)
            else:
                dirs = page.rel.parts[:-1]
                if page.bundle:
                    dirs = dirs[:-1]
                container = "/".join(_normalize(p) for p in dirs)
                if container:
                    els.append(container)
                slug = fm.string("slug")
                if slug:
                    els.append(slug)
                elif page.bundle:
                    els.append(_normalize(page.rel.parts[-2]))
                else:
                    els.append(_normalize(_stem(_strip_lang(page.rel.name, self))))
            if ugly:
                _concat_last(els, suffix)
            else:
                els.append("index.html")
            if els[-1] == "index.html":
                upper = 1
        else:
            index_is_ugly = ugly  # home and section with uglyURLs
            if needs_base or not ugly or index_is_ugly:
                els.append("index.html")
            else:
                _concat_last(els, suffix)
            if not index_is_ugly and els[-1] == "index.html":
                upper = 1
        if not url:
            els = [self._sanitize(el) for el in els]
        link = _join(els[: len(els) - upper] if upper else els)
        if prefix_link:
            link = "/" + prefix_link + link
        if upper and not link.endswith("/"):
            link += "/"
        link = link.replace("#", "%23")
        link = _escape(link)
        return link or "/"

    def permalink(self, page: Page, meta: Mapping[str, Any]) -> str:
        base = self.base_for(page.lang)
        return _join_base(base, self.relpermalink(page, meta))

    def _sanitize(self, text: str) -> str:
        text = _sanitize(text)
        return text if self.disable_path_to_lower else text.lower()

    def _urlize(self, text: str) -> str:
        return _escape(self._sanitize(text))

    def _expand_rules(self, page: Page, fm: _FrontMatter, section: tuple[str, ...]) -> str:
        kind = page.kind
        path = page.path
        for rule in self.rules:
            if rule.kind == kind and _glob_match(rule.glob, path):
                expanded = self._expand(rule.pattern, page, fm, section)
                return _clean(_query_unescape(expanded))
        return ""

    def _expand(self, pattern: str, page: Page, fm: _FrontMatter, section: tuple[str, ...]) -> str:
        pattern = pattern.replace("\\:", "\x00")

        def attribute(match: re.Match[str]) -> str:
            return self._attribute(match.group(0)[1:], page, fm, section)

        return _ATTRIBUTE.sub(attribute, pattern).replace("\x00", ":")

    def _attribute(self, attr: str, page: Page, fm: _FrontMatter, section: tuple[str, ...]) -> str:
        date = fm.date(self.timezone)
        if attr == "year":
            return str(date.year)
        if attr == "month":
            return f"{date.month:02d}"
        if attr == "monthname":
            return date.strftime("%B")
        if attr == "day":
            return f"{date.day:02d}"
        if attr == "weekday":
            return str((date.weekday() + 1) % 7)
        if attr == "weekdayname":
            return date.strftime("%A")
        if attr == "yearday":
            return str(date.timetuple().tm_yday)
        if attr == "section":
            return _normalize(page.rel.parts[0]) if len(page.rel.parts) > 1 else ""
        if attr == "sections":
            return "/" + "/".join(_normalize(p) for p in section) if section else "/"
        if attr.startswith("sections["):
            return "/".join(_slice([_normalize(p) for p in section], attr[len("sections") :]))
        if attr == "title":
            return self._urlize(self._title(fm, page))
        if attr == "slug":
            slug = fm.string("slug")
            return self._urlize(slug) if slug else self._urlize(self._title(fm, page))
        if attr == "filename":
            return self._urlize(self._filename(page))
        if attr == "slugorfilename":
            return self._urlize(fm.string("slug") or self._filename(page))
        if attr == "contentbasename":
            return self._urlize(self._content_base_name(page))
        if attr == "slugorcontentbasename":
            return self._urlize(fm.string("slug") or self._content_base_name(page))
        raise PresskitError(f"permalink attribute :{attr} is not supported", self.files[0])

    def _title(self, fm: _FrontMatter, page: Page) -> str:
        """A title is one path segment: Hugo 0.168 makes its slashes separators (tested)."""
        return re.sub(r"[/\\]", " ", fm.title(page))

    def _filename(self, page: Page) -> str:
        name = _stem(_strip_lang(page.rel.name, self))
        if name == "index":
            return page.rel.parts[-2] if len(page.rel.parts) > 1 else ""
        if name == "_index":
            return ""
        return name

    def _content_base_name(self, page: Page) -> str:
        if page.bundle:
            return page.rel.parts[-2] if len(page.rel.parts) > 1 else ""
        return _stem(_strip_lang(page.rel.name, self))


_ATTRIBUTE = re.compile(r":\w+(\[.+?\])?")


def _query_unescape(text: str) -> str:
    """Go's `url.QueryUnescape`, which Hugo applies to expanded patterns: `+` is a space, and
    a malformed escape yields "" (Hugo ignores the error and the pattern's result)."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return ""
    return unquote_plus(text)


def _strip_lang(name: str, site: Site) -> str:
    parts = name.split(".")
    if len(parts) >= 3 and site.language(parts[-2]) is not None:
        return ".".join([*parts[:-2], parts[-1]])
    return name


def _slice(items: list[str], cut: str) -> list[str]:
    """`:sections[1:]`, `:sections[last]` … as Hugo's `toSliceFunc`."""
    cut = cut.strip().lower()
    if not (len(cut) >= 3 and cut[0] == "[" and cut[-1] == "]"):
        return []
    inner = cut[1:-1]

    def index(text: str, low: bool) -> int:
        if text == "":
            return 0 if low else len(items)
        if text == "last":
            return len(items) - 1
        try:
            n = max(int(text), 0)
        except ValueError:
            n = 0
        if n >= len(items):
            return -1 if low else len(items)
        return n

    if not items:
        return []
    if ":" not in inner:
        n = index(inner, True)
        return [] if n < 0 or not items[n] else [items[n]]
    low_text, high_text = inner.split(":", 1)
    low, high = index(low_text, True), index(high_text, False)
    if low < 0 or high < 0:
        return []
    return items[low:high]


def _glob_match(glob: str, path: str) -> bool:
    """Hugo's section globs: `/*` (root pages) or `/{s,s/**}` (a section and below)."""
    if glob == "/*":
        return path.count("/") == 1
    match = re.fullmatch(r"/\{(.*),\1/\*\*\}", glob)
    if match is not None:
        section = match.group(1)
        return path == "/" + section or path.startswith("/" + section + "/")
    return fnmatchcase(path, glob)


def _clean(path: str) -> str:
    """Go's `path.Clean`."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    return ("/" + cleaned) if rooted else (cleaned or ".")


def _concat_last(els: list[str], suffix: str) -> None:
    if not els:
        els.append(suffix)
        return
    last = els[-1].removesuffix("/")
    els[-1] = last + suffix if last else suffix


def _join(els: list[str]) -> str:
    out = []
    trailing = False
    for el in els:
        if not el or el == "/":
            continue
        if not trailing and not el.startswith("/"):
            out.append("/")
        trailing = el.endswith("/")
        out.append(el)
    return "".join(out)


def _join_base(base: str, link: str) -> str:
    return base.rstrip("/") + "/" + link.lstrip("/") if base else link


_HEX = frozenset("0123456789abcdefABCDEF")


def _sanitize(text: str) -> str:
    """Hugo's `paths.Sanitize`: letters, digits, marks and `./\\_#+~-@` survive; a run of
    white space becomes one hyphen (none beside a hyphen); everything else goes."""

    def allowed(i: int, char: str) -> bool:
        if char == " ":
            return False
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd" or char in "./\\_#+~-@":
            return True
        return char == "%" and i + 2 < len(text) and {text[i + 1], text[i + 2]} <= _HEX

    if all(allowed(i, c) for i, c in enumerate(text)):
        return text
    out: list[str] = []
    prepend = was_hyphen = False
    for i, char in enumerate(text):
        if allowed(i, char):
            was_hyphen = char == "-"
            if prepend:
                if not was_hyphen:
                    out.append("-")
                prepend = False
            out.append(char)
        elif out and not was_hyphen and char.isspace():
            prepend = True
    return "".join(out)


def _escape(link: str) -> str:
    """Go's `url.Parse(p).EscapedPath()` for the characters that survive sanitizing."""
    return quote(link, safe="/$&+,:;=@-_.~%")


# --------------------------------------------------------------------------- front matter


class _FrontMatter:
    """The few front-matter keys Hugo's URLs read, case-insensitive as Hugo reads them."""

    def __init__(self, meta: Mapping[str, Any]) -> None:
        self.meta = {str(k).lower(): v for k, v in meta.items()}

    def string(self, key: str) -> str:
        value = self.meta.get(key)
        if value is None or isinstance(value, dict | list):
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value).strip()

    def title(self, page: Page) -> str:
        return self.string("title")

    def date(self, timezone: str | None) -> dt.datetime:
        """Hugo's `.Date`: the first of date, publishDate, pubdate, published, lastmod."""
        for key in ("date", "publishdate", "pubdate", "published", "lastmod", "modified"):
            moment = to_datetime(self.meta.get(key), timezone)
            if moment is not None:
                return moment
        return dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def to_datetime(value: Any, timezone: str | None) -> dt.datetime | None:
    """A front-matter date as Hugo reads it: no zone means the site's `timezone` (else UTC)."""
    zone: dt.tzinfo = dt.UTC
    if timezone:
        from zoneinfo import ZoneInfo  # a site that sets one (3 ms of a no-change build)

        try:
            zone = ZoneInfo(timezone)
        except (ValueError, KeyError, OSError):
            zone = dt.UTC
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


# --------------------------------------------------------------------------- loading


BUNDLE_FILE = re.compile(r"(?P<section>_?)index(?P<lang>\.[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)?\.md")


def is_content_folder(folder: Path) -> bool:
    """A folder post authors write: Hugo's `content`, or a page bundle (leaf or branch)."""
    if folder.name == "content":
        return True
    known = _listed.get()
    if known is not None and ("content", str(folder)) in known:
        return known["content", str(folder)]
    try:
        found = any(BUNDLE_FILE.fullmatch(name) for name in os.listdir(folder))
    except OSError:
        found = False
    if known is not None:
        known["content", str(folder)] = found
    return found


# within `one_listing`: ("content" | "root", folder) -> what `is_content_folder` or
# `is_site_root` said of it
_listed: ContextVar[dict[tuple[str, str], bool] | None] = ContextVar("_listed", default=None)


@contextmanager
def one_listing() -> Iterator[None]:
    """Within it (a batch), each folder is listed once to tell content from the folders above.

    Every post's config and site search asks this of each folder above the post, and those
    above the content (`/tmp`, a home folder) may hold hundreds of entries: a no-change build
    of 16 posts listed 640 folders, a third of its work. Whether a folder holds a site config
    is looked up once too (eight names tried in each folder above each post: 900 stats)."""
    token = _listed.set({})
    try:
        yield
    finally:
        _listed.reset(token)


def find_site(start: Path, environment: str | None = None) -> Site | None:
    """The Hugo site whose content holds `start`: the outermost folder above it with a config
    whose content folders hold it (for a folder, else the nearest folder with a config).

    A folder with a config whose content folders do not hold the post is not its site (a
    stray `config.yaml` of another tool above a post says nothing about its URL). The site
    root is above the content tree, never in it: a `hugo.toml` inside `content/` or a bundle
    is a post author's file, and would set the base URL the cover's QR code points to.
    """
    resolved = start.resolve()
    folder = resolved if resolved.is_dir() else resolved.parent
    chain = [folder, *folder.parents]
    outermost = max((i for i, f in enumerate(chain) if is_content_folder(f)), default=-1)
    found: Site | None = None
    nearest: Site | None = None
    for candidate in chain[outermost + 1 :]:
        if is_site_root(candidate):
            site = load_site(candidate, environment)
            if site.locate(resolved) is not None:
                # The outermost site whose content holds the post wins: in a tree whose content
                # folder is not named `content` (`contentDir = "posts"`), a config a contributor
                # drops in a plain folder among the posts would otherwise be the nearest.
                found = site
            elif nearest is None and resolved.is_dir():
                nearest = site
    return found or nearest


def load_site(root: Path, environment: str | None = None) -> Site:
    environment = environment or hugo_environment()
    files = _config_files(root, environment)
    stamps = file_stamps(files)
    return _load_site(str(root.resolve()), environment, stamps)


def file_stamps(files: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of each file that can be stat'ed: the key of a cache that must see
    an edit (site configs, `data/`, shortcode templates)."""
    stamps = []
    for file in files:
        try:
            info = file.stat()
        except OSError:
            continue
        stamps.append((str(file), info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def _config_files(root: Path, environment: str) -> list[Path]:
    files = []
    main = _root_config_file(root)
    if main is not None:
        files.append(main)
    for sub in ("_default", environment):
        directory = root / "config" / sub
        if directory.is_dir():
            files.extend(
                sorted(
                    f
                    for f in directory.rglob("*")
                    if f.suffix.lower() in CONFIG_SUFFIXES and f.is_file()
                )
            )
    return files


@lru_cache(maxsize=32)
def _load_site(root_text: str, environment: str, stamps: tuple[Any, ...]) -> Site:
    """Cached by the files' sizes and times: a batch reads the config once, an edit is seen."""
    root = Path(root_text)
    data: dict[str, Any] = {}
    files: list[Path] = []
    main = _root_config_file(root)
    if main is not None:
        data = _lower_keys(_read_config_file(main))
        files.append(main)
    for file, item in _config_dir_files(root, environment):
        data = _merge(data, item)
        files.append(file)
    return _site_from(root, tuple(files), environment, data)


def _text(data: Mapping[str, Any], key: str, default: str, where: Path) -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str | int | float):
        raise PresskitError(f"`{key}` must be a string", where)
    return str(value)


def _site_from(root: Path, files: tuple[Path, ...], environment: str, data: dict[str, Any]) -> Site:
    where = files[0] if files else root
    base_url = _text(data, "baseurl", "", where).strip()
    if base_url and not re.match(r"https?://", base_url):
        base_url = ""  # Hugo allows `/` or a path; a press kit can only print absolute URLs
    default_lang = _text(data, "defaultcontentlanguage", "en", where).lower()
    content_dir = root / _text(data, "contentdir", "content", where)
    raw_params = data.get("params")
    params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    raw_languages = data.get("languages") or {}
    if not isinstance(raw_languages, dict):
        raise PresskitError("`languages` must be a table of languages", where)
    disabled = {str(code).lower() for code in data.get("disablelanguages") or []}
    languages = []
    for code, raw in raw_languages.items():
        if code in disabled:
            continue
        if not isinstance(raw, dict):
            raise PresskitError(f"`languages.{code}` must be a table", where)
        lang_dir = raw.get("contentdir")
        raw_lang_params = raw.get("params")
        lang_params: dict[str, Any] = raw_lang_params if isinstance(raw_lang_params, dict) else {}
        weight = raw.get("weight", 0)
        lang_base = _text(raw, "baseurl", "", where).strip() or None
        languages.append(
            Language(
                code=code,
                name=_text(raw, "label", _text(raw, "languagename", code, where), where),
                weight=weight if isinstance(weight, int) else 0,
                title=_text(raw, "title", _text(data, "title", "", where), where),
                content_dir=(root / str(lang_dir)).resolve() if lang_dir else None,
                params={**params, **lang_params},
                base_url=lang_base,
            )
        )
    if not languages:
        languages.append(
            Language(
                default_lang,
                default_lang,
                0,
                _text(data, "title", "", where),
                None,
                params,
                None,
            )
        )
    languages.sort(key=lambda lang: (lang.weight or 1 << 30, lang.code))
    unsafe = (
        data.get("markup", {}).get("goldmark", {}).get("renderer", {}).get("unsafe", False)
        if isinstance(data.get("markup"), dict)
        else False
    )
    ugly = data.get("uglyurls", False)
    ugly_urls: bool | Mapping[str, bool]
    if isinstance(ugly, dict):
        ugly_urls = {str(k).lower(): bool(v) for k, v in ugly.items()}
    else:
        ugly_urls = bool(ugly)
    unsupported = []
    if data.get("removepathaccents"):
        unsupported.append("removePathAccents")
    return Site(
        root=root,
        files=files,
        environment=environment,
        base_url=base_url,
        title=_text(data, "title", "", where),
        default_lang=default_lang,
        default_in_subdir=bool(data.get("defaultcontentlanguageinsubdir", False)),
        languages=tuple(languages),
        content_dir=content_dir.resolve(),
        ugly_urls=ugly_urls,
        unsafe_html=bool(unsafe),
        params=params,
        disable_path_to_lower=bool(data.get("disablepathtolower", False)),
        timezone=_text(data, "timezone", "", where) or None,
        rules=_rules(data.get("permalinks"), where),
        unsupported=tuple(unsupported),
        raw=data,
    )


def _section_glob(section: str) -> str:
    section = section.strip(" /")
    return "/*" if not section else "/{" + section + "," + section + "/**}"


_KINDS = ("page", "home", "section", "taxonomy", "term")


def _rules(value: Any, where: Path) -> tuple[_Rule, ...]:
    """`[permalinks]`: `section = pattern` (pages and terms), or `[permalinks.<kind>]`."""
    if value is None:
        return ()
    if isinstance(value, list):
        rules = []
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
                raise PresskitError("`permalinks` entries need a `pattern`", where)
            target = item.get("target") or {}
            kind = str(target.get("kind", "page")).lower()
            glob = str(target.get("path", "**")).lower()
            rules.append(_Rule(kind, glob, item["pattern"]))
        return tuple(rules)
    if not isinstance(value, dict):
        raise PresskitError("`permalinks` must be a table", where)
    rules = []
    for key, item in value.items():
        if isinstance(item, str):
            rules.append(_Rule("page", _section_glob(key), item))
            rules.append(_Rule("term", _section_glob(key), item))
        elif isinstance(item, dict):
            if key not in _KINDS:
                raise PresskitError(f"`permalinks.{key}`: not a page kind", where)
            for section, pattern in item.items():
                if not isinstance(pattern, str):
                    raise PresskitError(f"`permalinks.{key}.{section}` must be a string", where)
                rules.append(_Rule(key, _section_glob(section), pattern))
        else:
            raise PresskitError(f"`permalinks.{key}` must be a pattern or a table", where)
    return tuple(rules)
