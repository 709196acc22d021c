"""Reading one Hugo post: its front matter, its body and the few fields the PDF needs.

Posts come from other people's repositories, so the file is treated as untrusted input: YAML is
read with a safe loader that refuses aliases (no "billion laughs"), front matter has size and
nesting limits, undecodable bytes are an error rather than silent mojibake, and every complaint
names a line of the user's file instead of surfacing as a traceback. Where Hugo has a rule
(delimiters, case-insensitive keys, language from the content folder or the file name) it is
followed, so a post that builds with Hugo reads the same way here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presskit import __version__
from presskit.errors import Diagnostic, PresskitError, toml_problem
from presskit.source.frontparts import (
    DATE_SHAPE,
    MAX_NESTING,
    MAX_YAML_VALUES,
    NotADate,
    Parsed,
    Split,
    parse_date,
    value_kind,
)

__all__ = [
    "LANGUAGE_TREE_SECTIONS",
    "MAX_FRONT_MATTER_BYTES",
    "MAX_NESTING",
    "MAX_POST_BYTES",
    "MAX_YAML_VALUES",
    "FrontMatterMemo",
    "Post",
    "detect_lang_from_path",
    "load_post",
    "normalize_lang",
    "parse_post",
    "remembering",
]

# Real front matter is a few hundred bytes; anything near these limits is an accident or an attack.
MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_POST_BYTES = 16 * 1024 * 1024  # the longest real posts are ~100 KiB


@dataclass
class Post:
    """A post whose fields are already checked, so later stages never re-read front matter.

    `meta` keeps everything else for themes; `body_line` lets positions found in `body` be
    reported as lines of the file.
    """

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int
    title: str
    subtitle: str | None
    description: str | None
    date: dt.date | dt.datetime | None
    authors: list[str]
    keywords: list[str]
    lang: str
    draft: bool
    warnings: list[Diagnostic] = field(default_factory=list)
    front_matter_format: str | None = None
    lines: dict[str, int] = field(default_factory=dict)  # front matter key -> file line

    def line_of(self, key: str) -> int | None:
        """The file line of a front matter key (Hugo's keys are case-insensitive)."""
        for name, line in self.lines.items():
            if name.lower() == key.lower():
                return line
        return None


def open_regular(path: Path) -> io.BufferedReader | None:
    """`path` open for reading when it is a regular file (after symlinks), else None.

    A FIFO or a symlink to /dev/zero in a content tree must not hang or fill memory: the file
    is opened without blocking and checked on the descriptor, so it cannot be swapped for a
    FIFO between a check and the open."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def load_post(path: str | Path, *, default_lang: str = "en", site_lang: str | None = None) -> Post:
    """Read a post from disk; the bytes are decoded here so encoding errors can name a line.

    `site_lang` is the language the Hugo site gives the file (its content folder or file name):
    it comes before the guess from the folders."""
    path = Path(path)
    check_inside_site(path)
    try:
        stream = open_regular(path)
        if stream is None:
            raise PresskitError("not a regular file", path)
        with stream:
            data = stream.read(MAX_POST_BYTES + 1)
    except OSError as exc:
        raise PresskitError(f"cannot read post: {exc.strerror or exc}", path) from None
    if len(data) > MAX_POST_BYTES:
        raise PresskitError(f"post is larger than the {MAX_POST_BYTES >> 20} MiB limit", path)
    # A relative path such as `index.md` says nothing about the language; where it sits does.
    lang_hint = (
        (normalize_lang(site_lang) if site_lang else None)
        or detect_lang_from_path(path)
        or detect_lang_from_path(path.resolve())
    )
    return _parse(data, path, default_lang, lang_hint)


def site_root(path: Path) -> Path:
    """The folder holding the post's site: the one above the outermost `content` folder on
    the post's own path (not its target's: a symlink does not move a post), else the post's
    folder. Resolved, so that what is checked against it is compared after symlinks."""
    where = Path(os.path.abspath(path))
    contents = [parent for parent in where.parents if parent.name == "content"]
    return (contents[-1].parent if contents else where.parent).resolve()


def check_inside_site(path: Path) -> None:
    """A post that is a symlink to a file outside its site is not read: its folder would
    then become "the post's folder", and everything beside its target readable."""
    site = site_root(path)
    target = path.resolve()
    if not target.is_relative_to(site):
        raise PresskitError(f"refused: a symlink to {target}, outside the site {site}", path)


def parse_post(text_or_bytes: str | bytes, path: str | Path, *, default_lang: str = "en") -> Post:
    """Parse a post already in memory; `path` is only used for messages and the language."""
    path = Path(path)
    return _parse(text_or_bytes, path, default_lang, detect_lang_from_path(path))


# --------------------------------------------------------------------------- language tags

_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
# Path components are ambiguous (`api/`, `src/`), so they must look more like a language:
# 2-3 letters after `content/`, but only 2 letters where the evidence is weaker.
_LANG_DIR_AFTER_CONTENT = re.compile(r"[A-Za-z]{2,3}(?:[-_](?:[A-Za-z]{2}|[A-Za-z]{4}|[0-9]{3}))?")
_LANG_DIR_STRICT = re.compile(r"[A-Za-z]{2}(?:[-_](?:[A-Za-z]{2}|[A-Za-z]{4}))?")
# Hugo sections that commonly sit right under a language folder (`zh/blog/…`, `en/news/…`).
LANGUAGE_TREE_SECTIONS = _SECTIONS = frozenset(
    {
        "about",
        "announcements",
        "article",
        "articles",
        "blog",
        "blogs",
        "doc",
        "docs",
        "events",
        "faq",
        "news",
        "post",
        "posts",
        "press",
        "releases",
        "updates",
    }
)


def normalize_lang(tag: str) -> str | None:
    """Canonical BCP 47 casing (`zh-cn` → `zh-CN`), or None when `tag` is not shaped like one.

    Case matters downstream: hyphenation and font fallback look tags up case-sensitively.
    """
    tag = tag.strip()
    if not _LANG_TAG.fullmatch(tag):
        return None
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


def detect_lang_from_path(path: Path) -> str | None:
    """The language Hugo would give this file from its name or folders, if there is evidence.

    Evidence, nearest first: a file-name suffix (`index.zh.md`), a folder right after `content`
    (`content/zh/…`), or a 2-letter folder directly holding a usual section (`…/zh/blog/…`,
    the layout of a copied `content/` tree). Folders alone are not trusted: `src/` or `api/`
    must not become a language.
    """
    path = Path(path)
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[0] and _LANG_DIR_STRICT.fullmatch(parts[-2]):
        return normalize_lang(parts[-2])
    dirs = path.parent.parts
    for index in range(len(dirs) - 1, -1, -1):
        name = dirs[index]
        after_content = index > 0 and dirs[index - 1] == "content"
        if after_content and _LANG_DIR_AFTER_CONTENT.fullmatch(name):
            return normalize_lang(name)
        before_section = index + 1 < len(dirs) and dirs[index + 1].lower() in _SECTIONS
        if before_section and _LANG_DIR_STRICT.fullmatch(name):
            return normalize_lang(name)
    return None


# --------------------------------------------------------------------------- decoding


def _byte_line(data: bytes, offset: int) -> int:
    prefix = data[:offset]
    return prefix.count(b"\n") + prefix.count(b"\r") - prefix.count(b"\r\n") + 1


def _text_line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode(source: str | bytes, path: Path) -> str:
    """Text with LF line endings and no BOM, or an error naming the first undecodable line."""
    if isinstance(source, str):
        text = source.removeprefix("\ufeff")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = _text_line(_normalize_newlines(text[: exc.start]), exc.start)
            raise PresskitError(
                f"not valid Unicode at line {line} (lone surrogate)", path, line=line
            ) from None
        return _reject_nul(_normalize_newlines(text), path)
    data = bytes(source)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise PresskitError("UTF-32 text is not supported; save the post as UTF-8", path, line=1)
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            data = data[len(bom) :]
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                good = _normalize_newlines(data[: exc.start].decode(codec, errors="replace"))
                line = good.count("\n") + 1
                raise PresskitError(f"not valid UTF-16 at line {line}", path, line=line) from None
            return _reject_nul(_normalize_newlines(text), path)
    data = data.removeprefix(b"\xef\xbb\xbf")
    nul = data.find(b"\x00")
    if nul >= 0:
        # Checked before UTF-8 so a binary file is called that, not "invalid UTF-8".
        line = _byte_line(data, nul)
        raise PresskitError(f"binary file (NUL byte at line {line})", path, line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _byte_line(data, exc.start)
        raise PresskitError(f"not valid UTF-8 at line {line}", path, line=line) from None
    return _normalize_newlines(text)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _reject_nul(text: str, path: Path) -> str:
    nul = text.find("\x00")
    if nul >= 0:
        line = _text_line(text, nul)
        raise PresskitError(f"binary file (NUL byte at line {line})", path, line=line)
    return text


# --------------------------------------------------------------------------- splitting


_LEADING_SPACE = re.compile(r"[ \t\n]*")


def _skip_space(text: str, pos: int = 0) -> int:
    """Where the run of blanks at `pos` ends."""
    found = _LEADING_SPACE.match(text, pos)
    return found.end() if found else pos


def _split(text: str, path: Path) -> Split:
    start = _skip_space(text)
    # Hugo skips blank lines before the front matter; so do we, and line numbers stay exact.
    if text.startswith("{", start) and not text.startswith("{{", start):
        return _split_json(text, start, path)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", line_start)
    first = text[line_start : len(text) if line_end < 0 else line_end].rstrip(" \t")
    if first not in ("---", "+++"):
        return Split(None, "", 1, 1, text, 1)
    open_line = _text_line(text, line_start)
    closing = None
    if line_end >= 0:
        closing = re.compile(rf"^{re.escape(first)}[ \t]*$", re.MULTILINE).search(
            text, line_end + 1
        )
    if closing is None:
        raise PresskitError("unterminated front matter", path, line=open_line)
    front = text[line_end + 1 : closing.start()]
    _check_size(front, path, open_line)
    close_line = _text_line(text, closing.start())
    body_start = min(closing.end() + 1, len(text))
    return Split(
        "yaml" if first == "---" else "toml",
        front,
        open_line + 1,
        open_line,
        text[body_start:],
        close_line + 1,
    )


def _check_size(front: str, path: Path, open_line: int) -> None:
    if len(front.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise PresskitError(
            f"front matter is larger than the {MAX_FRONT_MATTER_BYTES // 1024} KiB limit",
            path,
            line=open_line,
        )


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_SPECIAL = re.compile(r'["{}\[\]]')


def _split_json(text: str, start: int, path: Path) -> Split:
    """Find the end of the leading JSON object the way Hugo does: by matching braces.

    Scanning first (rather than letting the decoder run) enforces the size and depth limits
    before any parsing, and records on which line each top-level key sits.
    """
    open_line = _text_line(text, start)
    depth = 0
    keys: dict[str, int] = {}
    pos = start
    end = None
    while True:
        match = _JSON_SPECIAL.search(text, pos)
        if match is None or match.start() - start > MAX_FRONT_MATTER_BYTES:
            break
        pos = match.start()
        char = text[pos]
        if char == '"':
            string = _JSON_STRING.match(text, pos)
            if string is None:
                break  # unterminated string: let the decoder describe it
            after = _skip_space(text, string.end())
            if depth == 1 and text.startswith(":", after):
                with contextlib.suppress(ValueError):  # a bad escape: the decoder will say so
                    keys.setdefault(json.loads(string.group()), _text_line(text, pos))
            pos = string.end()
            continue
        if char in "{[":
            depth += 1
            if depth > MAX_NESTING:
                raise PresskitError(
                    f"front matter is nested deeper than {MAX_NESTING} levels",
                    path,
                    line=_text_line(text, pos),
                )
        else:
            depth -= 1
            if depth == 0:
                end = pos + 1
                break
        pos += 1
    if end is None:
        if match is not None and match.start() - start > MAX_FRONT_MATTER_BYTES:
            _check_size(text[start : match.start() + 1], path, open_line)
        _raise_json_error(text[start : start + MAX_FRONT_MATTER_BYTES + 1], open_line, path)
        raise PresskitError("unterminated front matter", path, line=open_line)
    front = text[start:end]
    _check_size(front, path, open_line)
    line_end = text.find("\n", end)
    rest_of_line = text[end : len(text) if line_end < 0 else line_end]
    end_line = _text_line(text, end)
    if rest_of_line.strip():
        # Hugo lets the body start right after the closing brace, on the same line.
        body_start, body_line = end, end_line
    else:
        body_start = len(text) if line_end < 0 else line_end + 1
        body_line = end_line + 1
    return Split("json", front, open_line, open_line, text[body_start:], body_line, keys)


def _raise_json_error(front: str, front_line: int, path: Path) -> None:
    """Raise the decoder's complaint, unless it only ran out of input (that is "unterminated")."""
    try:
        json.JSONDecoder().raw_decode(front)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(front.rstrip()):
            return
        raise PresskitError(
            f"invalid JSON front matter: {exc.msg}", path, line=front_line + exc.lineno - 1
        ) from None


def _parse_yaml(split: Split, path: Path) -> Parsed:
    """YAML's parser (PyYAML) is imported with the first YAML front matter read: a build
    whose posts were all read before (`FrontMatterMemo`) never imports it."""
    from presskit.source.frontyaml import parse_yaml

    return parse_yaml(split, path)


# --------------------------------------------------------------------------- TOML and JSON

_TOML_KEY = r"""("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_TOML_ASSIGN = re.compile(rf"[ \t]*{_TOML_KEY}[ \t]*[=.]")
_TOML_TABLE = re.compile(rf"[ \t]*\[\[?[ \t]*{_TOML_KEY}[ \t]*[\].]")


def _depth(value: object) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep(path: Path, line: int) -> PresskitError:
    return PresskitError(
        f"front matter is nested deeper than {MAX_NESTING} levels", path, line=line
    )


def _too_long_number(kind: str, split: Split, path: Path) -> PresskitError:
    digits = re.search(r"[0-9_]{4000,}", split.front)
    line = split.front_line + split.front.count("\n", 0, digits.start()) if digits else None
    return PresskitError(
        f"invalid {kind} front matter: a number too long to read",
        path,
        line=line or split.open_line,
    )


def _parse_toml(split: Split, path: Path) -> Parsed:
    try:
        meta = tomllib.loads(split.front)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_problem(exc, split.front)
        line = split.front_line + line - 1
        raise PresskitError(f"invalid TOML front matter: {message}", path, line=line) from None
    except RecursionError:
        raise _too_deep(path, split.open_line) from None
    except ValueError:  # Python's cap on int digits, which tomllib does not translate
        raise _too_long_number("TOML", split, path) from None
    if _depth(meta) > MAX_NESTING:
        raise _too_deep(path, split.open_line)
    return Parsed(meta, _toml_key_lines(split), {}, [])


def _unquote_toml_key(key: str) -> str:
    if key.startswith('"'):
        try:
            return str(json.loads(key))
        except ValueError:
            return key[1:-1]
    if key.startswith("'"):
        return key[1:-1]
    return key


def _toml_key_lines(split: Split) -> dict[str, int]:
    """Lines of top-level keys, by scanning: tomllib keeps no positions."""
    lines: dict[str, int] = {}
    in_root = True
    for number, line in enumerate(split.front.split("\n")):
        table = _TOML_TABLE.match(line)
        if line.lstrip().startswith("["):
            in_root = False
            if table is not None:
                lines.setdefault(_unquote_toml_key(table.group(1)), split.front_line + number)
        elif in_root and (assign := _TOML_ASSIGN.match(line)) is not None:
            lines.setdefault(_unquote_toml_key(assign.group(1)), split.front_line + number)
    return lines


def _parse_json(split: Split, path: Path) -> Parsed:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        meta = json.loads(split.front, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        line = split.front_line + exc.lineno - 1
        raise PresskitError(f"invalid JSON front matter: {exc.msg}", path, line=line) from None
    except ValueError:  # Python's cap on int digits, which json does not translate
        raise _too_long_number("JSON", split, path) from None
    warnings = [
        (f"duplicate key `{key}`; the last one wins", split.json_keys.get(key, split.open_line))
        for key in duplicates
    ]
    return Parsed(meta, dict(split.json_keys), {}, warnings)


# --------------------------------------------------------------------------- fields


class _Fields:
    """Typed access to the front matter, with errors placed on the offending key's line."""

    def __init__(self, parsed: Parsed, path: Path, fallback_line: int) -> None:
        self.meta = parsed.meta
        self.lines = parsed.lines
        self.plain = parsed.plain
        self.path = path
        self.fallback_line = fallback_line
        # Hugo lower-cases front matter keys, so `publishDate` and `Title` count.
        self.keys: dict[str, str] = {}
        for key in self.meta:
            if isinstance(key, str):
                self.keys.setdefault(key.lower(), key)

    def find(self, name: str) -> str | None:
        key = self.keys.get(name)
        if key is None or self.meta[key] is None:
            return None
        return key

    def line(self, key: str) -> int:
        return self.lines.get(key, self.fallback_line)

    def error(self, key: str, message: str) -> PresskitError:
        return PresskitError(message, self.path, line=self.line(key))

    def text(self, key: str, value: object, plain: object) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float | dt.date | dt.time):
            if isinstance(plain, str):
                return plain
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(value)
        raise self.error(key, f"`{key}` must be a string, got {value_kind(value)}")

    def string(self, *names: str) -> str | None:
        for name in names:
            key = self.find(name)
            if key is not None:
                text = self.text(key, self.meta[key], self.plain.get(key)).strip()
                if text:
                    return text
        return None

    def strings(self, key: str) -> list[str]:
        value = self.meta[key]
        plain = self.plain.get(key)
        if isinstance(value, list | tuple):
            items = list(value)
            plains = plain if isinstance(plain, list) else [None] * len(items)
        elif isinstance(value, dict | set | frozenset | bytes):
            raise self.error(
                key, f"`{key}` must be a string or a list of strings, got {value_kind(value)}"
            )
        else:
            items, plains = [value], [plain]
        result: list[str] = []
        for item, item_plain in zip(items, plains, strict=True):
            if item is None:
                continue
            if isinstance(item, list | tuple | dict | set | frozenset | bytes):
                raise self.error(
                    key, f"`{key}` must be a list of strings, found {value_kind(item)} in it"
                )
            text = self.text(key, item, item_plain).strip()
            if text and text not in result:
                result.append(text)
        return result

    def date(self, warnings: list[Diagnostic]) -> dt.date | dt.datetime | None:
        """The first usable of `date`, `publishdate`.

        A wrong date (2024-02-30) is an error: the author meant a date and got it wrong. Text
        that is no date at all (`08-04-2025`, which is ambiguous) is skipped with a warning,
        as Hugo does (it logs and builds), so one odd post does not stop a batch.
        """
        for name in ("date", "publishdate"):
            key = self.find(name)
            if key is None:
                continue
            value = self.meta[key]
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str) and not value.strip():
                continue
            if not isinstance(value, str | bool | int | float | dt.time):
                raise self.error(key, f"`{key}` must be a date, got {value_kind(value)}")
            text = self.text(key, value, self.plain.get(key))
            try:
                if not isinstance(value, str):
                    raise NotADate(DATE_SHAPE)  # a bare number or a time of day
                return parse_date(text)
            except NotADate as exc:
                message = f"ignoring `{key}: {text}`: {exc}"
                warnings.append(Diagnostic(message, str(self.path), self.line(key)))
            except ValueError as exc:
                raise self.error(key, f"invalid date '{text}' for `{key}`: {exc}") from None
        return None

    def authors(self) -> list[str]:
        key = self.find("attribution")
        if key is not None:
            text = self.text(key, self.meta[key], self.plain.get(key)).strip()
            if text:
                return [text]
        for name in ("author", "authors"):
            key = self.find(name)
            if key is not None and (found := self.strings(key)):
                return found
        return []

    def keywords(self) -> list[str]:
        for name in ("keywords", "tags"):
            key = self.find(name)
            if key is not None and (found := self.strings(key)):
                return found
        return []

    def draft(self) -> bool:
        key = self.find("draft")
        if key is None:
            return False
        value = self.meta[key]
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        shown = f"'{value}'" if isinstance(value, str) else value_kind(value)
        raise self.error(key, f"`{key}` must be true or false, got {shown}")

    def lang(self, warnings: list[Diagnostic]) -> str | None:
        key = self.find("lang")
        if key is None:
            return None
        text = self.text(key, self.meta[key], self.plain.get(key)).strip()
        if not text:
            return None
        tag = normalize_lang(text)
        if tag is None:
            warnings.append(
                Diagnostic(
                    f"ignoring `{key}: {text}`: not a BCP 47 language tag",
                    str(self.path),
                    self.line(key),
                )
            )
        return tag


# --------------------------------------------------------------------------- script check

_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")
# What is not the author's prose: code, shortcode tags, HTML tags, link targets, bare URLs.
_NOT_PROSE = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`|\{\{[<%].*?[>%]\}\}|<[^>]+>|\]\([^)]*\)|https?://\S+", re.S
)
MIN_LATIN_LETTERS = 100  # a short post's few words cannot say which language it is in


def _is_cjk_tag(tag: str) -> bool:
    return tag.lower().split("-")[0].split("_")[0] in {"zh", "ja", "ko"}


def _latin_text_in_cjk(lang: str, body: str) -> bool:
    """Whether a post tagged Chinese, Japanese or Korean is in fact written in Latin script:
    under 2 % CJK characters among its letters, code and links left out."""
    if not _is_cjk_tag(lang):
        return False
    prose = _NOT_PROSE.sub(" ", body)
    latin = len(_LATIN_LETTERS.findall(prose))
    return latin >= MIN_LATIN_LETTERS and len(_CJK_CHARS.findall(prose)) < 0.02 * latin


# --------------------------------------------------------------------------- assembly

_PARSERS = {"yaml": _parse_yaml, "toml": _parse_toml, "json": _parse_json}


# Front matter printed on the cover, in every page's running head and in the kit's contents:
# past these lengths the text is shortened (with a warning). A 50,000-character title takes
# WeasyPrint minutes, break opportunities or not: it is laid out on every page's margin box.
PRINTED_LIMITS = {
    "title": 300,
    "subtitle": 500,
    "description": 1000,
    "author": 200,
    "keywords": 100,
    "dateline": 100,
    "contact": 200,
}


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shortened_warning(key: str, length: int) -> str:
    return f"`{key}` is {length:,} characters; printed shortened to {PRINTED_LIMITS[key]}"


SURROGATE_WARNING = "front matter text that is not Unicode (a lone surrogate) shown as \ufffd"


def _is_broken(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _has_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return _is_broken(value)
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_surrogates(v) for v in value)
    return False


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_replace_surrogates(v) for v in value)
    return value


class FrontMatterMemo:
    """Front matter parsed by earlier builds, by its text: an unchanged post is not parsed
    again, and PyYAML is not even imported (together a sixth of a no-change build's CPU).

    The key is the front matter's own text, with its format, its place in the file and the
    presskit version, hashed: an edit anywhere in it is a new key, whatever the file's size
    or time says. An entry is what the parser returned (values, key lines, plain texts,
    warnings), written as tagged JSON only when it reads back exactly (`repr`-equal): dates,
    times with their zones, numbers and strings; anything else is parsed each time. Errors
    are never remembered: a broken post fails with its line on every build. The memo is
    consulted only within `remembering` (the batch's examination), never by a render."""

    FILE = ".presskit-front-matter.json"  # beside the manifest in the output folder

    def __init__(self, known: dict[str, Any] | None = None) -> None:
        self.known = known or {}
        self.used: dict[str, Any] = {}  # what this batch read: the next memo

    @classmethod
    def load(cls, folder: Path) -> FrontMatterMemo:
        """The memo an earlier build left in `folder`; empty when there is none (or it is
        unreadable, or of another presskit version)."""
        try:
            data = json.loads((folder / cls.FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != _MEMO_VERSION:
            return cls()
        known = data.get("entries")
        return cls(known if isinstance(known, dict) else None)

    def save(self, folder: Path) -> None:
        """Write what this batch read, when that differs from what it found (atomically; a
        memo that cannot be written is only a slower next build)."""
        from presskit.output.files import write_atomic

        if self.used == self.known:
            return
        # ASCII: a value may hold a lone surrogate (`"\ud800"` in YAML), which UTF-8 cannot
        data = json.dumps({"version": _MEMO_VERSION, "entries": self.used})
        with contextlib.suppress(OSError, PresskitError):
            write_atomic(folder / self.FILE, data, durable=False)

    def parse(self, split: Split, path: Path) -> Parsed:
        import hashlib

        ident = [
            _MEMO_VERSION,
            split.fmt,
            split.front,
            split.front_line,
            split.open_line,
            split.json_keys,
        ]
        key = hashlib.sha256(json.dumps(ident).encode()).hexdigest()
        entry = self.known.get(key)
        if entry is not None:
            try:
                parsed = Parsed(
                    _unmemo(entry["meta"]),
                    {str(k): int(v) for k, v in entry["lines"].items()},
                    _unmemo(entry["plain"]),
                    [(str(m), int(n)) for m, n in entry["warnings"]],
                )
                if not isinstance(parsed.meta, dict) or not isinstance(parsed.plain, dict):
                    raise TypeError("not a mapping")
            except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
                pass  # not what this version writes: parsed again
            else:
                self.used[key] = entry
                return parsed
        parsed = _PARSERS[str(split.fmt)](split, path)
        try:
            entry = {
                "meta": _memo(parsed.meta),
                "lines": parsed.lines,
                "plain": _memo(parsed.plain),
                "warnings": [[message, line] for message, line in parsed.warnings],
            }
        except _NotMemorable:
            return parsed
        if repr(_unmemo(entry["meta"])) == repr(parsed.meta) and repr(
            _unmemo(entry["plain"])
        ) == repr(parsed.plain):
            self.used[key] = entry
        return parsed


_MEMO_VERSION = f"{__version__} 1"  # the second part: the entries' shape
_memo_in_use: ContextVar[FrontMatterMemo | None] = ContextVar("_memo_in_use", default=None)


@contextlib.contextmanager
def remembering(memo: FrontMatterMemo) -> Iterator[None]:
    """Within it, `load_post` takes front matter it has parsed before from `memo`."""
    token = _memo_in_use.set(memo)
    try:
        yield
    finally:
        _memo_in_use.reset(token)


class _NotMemorable(Exception):
    pass


def _memo(value: Any) -> Any:
    """A front matter value as JSON, every container and date tagged (`{"m": …}` a mapping,
    `{"l": …}` a list, `{"t": …}` a date-time, `{"d": …}` a date), so that it reads back as
    the same types."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float and value == value and value not in (float("inf"), float("-inf")):
        return value
    if kind is list:
        return {"l": [_memo(v) for v in value]}
    if kind is dict and all(type(k) is str for k in value):
        return {"m": {k: _memo(v) for k, v in value.items()}}
    if kind is dt.datetime:
        return {"t": value.isoformat()}
    if kind is dt.date:
        return {"d": value.isoformat()}
    raise _NotMemorable


def _unmemo(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "l":
        return [_unmemo(v) for v in inner]
    if tag == "m":
        return {k: _unmemo(v) for k, v in inner.items()}
    if tag == "t":
        return dt.datetime.fromisoformat(inner)
    if tag == "d":
        return dt.date.fromisoformat(inner)
    raise ValueError(f"unknown tag {tag!r}")


def _parse(source: str | bytes, path: Path, default_lang: str, lang_hint: str | None) -> Post:
    text = _decode(source, path)
    split = _split(text, path)
    memo = _memo_in_use.get()
    if split.fmt is None:
        parsed = Parsed({}, {}, {}, [])
    else:
        parsed = memo.parse(split, path) if memo is not None else _PARSERS[split.fmt](split, path)
        if not isinstance(parsed.meta, dict):
            raise PresskitError(
                f"front matter must be a mapping of keys to values, got {value_kind(parsed.meta)}",
                path,
                line=split.open_line,
            )
    warnings = [Diagnostic(message, str(path), line) for message, line in parsed.warnings]
    if _has_surrogates(parsed.meta) or _has_surrogates(parsed.plain):
        # `"\ud800"` in JSON or YAML is a lone surrogate: no UTF-8 can carry it, and pandoc,
        # the manifest and the PDF would each end in a traceback. Escaped here, at the edge.
        parsed = Parsed(
            _replace_surrogates(parsed.meta),
            parsed.lines,
            _replace_surrogates(parsed.plain),
            parsed.warnings,
        )
        warnings.append(Diagnostic(SURROGATE_WARNING, str(path), split.open_line))
    fields = _Fields(parsed, path, split.open_line)
    title = fields.string("title") or ""
    if not title:
        title_key = fields.keys.get("title")
        line = fields.line(title_key) if title_key is not None else split.open_line
        warnings.append(Diagnostic("no title", str(path), line))
    stated = fields.lang(warnings)
    lang = stated or lang_hint or normalize_lang(default_lang) or default_lang
    if stated is None and _latin_text_in_cjk(lang, split.body):
        # An untranslated post under content/zh/ (Istio's zh site has some): Chinese labels
        # and fonts around English text help no one.
        printed = default_lang if not _is_cjk_tag(default_lang) else "en"
        warnings.append(
            Diagnostic(
                f"filed as {lang!r} but written in Latin script: printed as {printed!r} "
                f"(labels, dates, fonts); set `lang:` in the front matter to choose",
                str(path),
                split.body_line,
            )
        )
        lang = normalize_lang(printed) or printed

    def bounded(key: str, text: str | None) -> str | None:
        if text is None or len(text) <= PRINTED_LIMITS[key]:
            return text
        line = fields.line(fields.keys[key]) if key in fields.keys else split.open_line
        warnings.append(Diagnostic(shortened_warning(key, len(text)), str(path), line))
        return shorten(text, PRINTED_LIMITS[key])

    return Post(
        path=path,
        meta=parsed.meta,
        body=split.body,
        body_line=split.body_line,
        title=bounded("title", title) or "",
        subtitle=bounded("subtitle", fields.string("subtitle")),
        description=bounded("description", fields.string("description", "summary")),
        date=fields.date(warnings),
        authors=[bounded("author", a) or "" for a in fields.authors()],
        keywords=[bounded("keywords", k) or "" for k in fields.keywords()],
        lang=lang,
        draft=fields.draft(),
        warnings=warnings,
        front_matter_format=split.fmt,
        lines={k: v for k, v in parsed.lines.items() if isinstance(k, str)},
    )


# Embeddings, overrides and isolates reorder the characters after them: a post can print
# one thing on paper while its source (and any review of it) reads another ("Trojan Source").
# The marks (U+200E/F, U+061C) only steer neutral characters and are left alone here.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")


def bidi_warnings(post: Post) -> list[Diagnostic]:
    """Each line of the post holding a bidi embedding, override or isolate, named."""
    found: list[Diagnostic] = []

    def note(text: str, line: int | None, col: int | None = None) -> None:
        codes = sorted({f"U+{ord(c):04X}" for c in _REORDERING.findall(text)})
        found.append(
            Diagnostic(
                f"bidi control {', '.join(codes)}: the page may show this text in another "
                "order than its source reads",
                str(post.path),
                line,
                col,
            )
        )

    for key in ("title", "subtitle", "description", "summary", "dateline"):
        value = post.meta.get(key)
        if isinstance(value, str) and _REORDERING.search(value):
            note(value, post.line_of(key))
    if _REORDERING.search(post.body):
        for number, line in enumerate(post.body.split("\n")):
            m = _REORDERING.search(line)
            if m:
                note(line, post.body_line + number, m.start() + 1)
    return found
