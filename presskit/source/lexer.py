"""Hugo shortcodes, found in a Markdown body before pandoc ever sees it.

Pandoc reads `{{< quote >}}` as ordinary text and may even re-escape it, so the shortcodes have to
be lifted out of the raw body first. Working on the raw text (stdlib only, no pandoc) keeps every
offset exact: errors can name `file:line:col`, and callers can splice replacements into the source.

The tag grammar is Hugo's own (gohugoio/hugo `parser/pageparser/pagelexer_shortcode.go`), so a post
that builds with Hugo parses here the same way:

- `{{< name params >}}` and `{{% name params %}}`; `{{<name>}}` needs no spaces; a tag may run over
  several lines. Names are letters, digits, `_`, `-`, `/` (namespaces) and a trailing `.inline`.
- Closing tags `{{< /name >}}`, `{{< / name >}}`, `{{</name>}}`. Hugo does not check that a closing
  tag uses the same delimiter as its opener, so neither do we; `markdown` follows the opener.
- Self-closing `{{< name />}}` (also `{{< name / >}}`); it never has inner content.
- Params are all positional or all named. Values: `"double quoted"` with `\\"` escapes (as in
  Hugo, once an escaped quote is present every backslash is dropped), `\\"escaped quotes\\"`,
  `` `raw strings` `` that may span lines, and bare words. Only bare values are typed: `true` and
  `false` become bool, `[-+]?[0-9]+` int (within int64), `[-+]?[0-9]*.[0-9]+` float (finite);
  out of range, they stay text, as in Hugo.
- `{{</* name */>}}` is Hugo's way to print a shortcode literally: it becomes Text `{{< name >}}`.
  This also happens inside code, because that is exactly where documentation writes it.

Where we differ from Hugo, and why:

- Hugo expands shortcodes everywhere, even in code. Here fenced code (``` or ~~~, any length,
  inside lists and block quotes too), indented code (after a blank line, outside lists and outside
  any shortcode, never starting with a tag), and inline code spans keep `{{< x >}}` as Text, so a
  post that shows shortcode syntax in a code sample prints it. A fence opened inside a shortcode's
  inner ends at that shortcode's closing tag, wherever it is on its line: Hugo always sees it.
- Hugo knows from the template whether a shortcode takes inner content (`.Inner`), and then every
  use must be closed or self-closed. Without templates, a name takes inner content when a closing
  tag for it appears anywhere in the body (outside code), or when `known_inner(name)` says so.
- Lenient where Hugo fails on a typo that has one reading: white space before `>}}` in closing
  tags, any Unicode white space between params (Hugo: ASCII only; inside an unquoted value, as in
  Hugo, only ASCII white space ends it), `{{<name/>}}` is self-closing (Hugo would name it
  `name/`), and a bare value ends at `>}}` (Hugo would swallow `>}}` into it). White space
  around `=` is fine in both.

Problems, and how they surface. A tag that cannot be read is kept as Text and reported through
`warn` (dropped when `warn` is None), because its words still reach the reader and the rest of the
post is fine; these are `unclosed shortcode tag` (a `{{<` with no `>}}`), `unterminated quoted
string`, `unterminated raw string`, `mixed named and positional params`, `comment must be closed`,
`shortcode has no name`, `unrecognized character ...`, `unrecognized escape character`, the
period-in-name rule, and junk after `/` in closing or self-closing tags. A closing tag with no
opener warns `unexpected closing tag "/x"` and stays Text. A fence left open at the end of the post
warns when it hid something that looks like a shortcode. Only `unclosed shortcode "x"` raises
PresskitError: a shortcode that takes inner content but whose closing tag never comes (or comes
after a closing tag of a shortcode opened before it) has no knowable extent, so no guess is safe.
`inline shortcodes do not support nesting` raises too, as Hugo fails the page.

Reading is linear in the body whatever it holds: a search for a closer (`*/>}}`, a backtick, the
end of a bare value, a code span's partner) never reads the same text again from a later opener
(`Closers`, `_Scanner._code_span_end`); tests/hostile/test_linear.py counts the work.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from presskit.errors import Diagnostic, PresskitError

__all__ = [
    "Closers",
    "Comment",
    "Node",
    "Param",
    "Shortcode",
    "Tag",
    "TagError",
    "Text",
    "parse",
    "read_tag",
]

Param = str | int | float | bool


@dataclass
class Text:
    """Source text passed through; `start` maps it back to the file for messages."""

    text: str
    start: int


@dataclass
class Shortcode:
    """One shortcode use, with enough positions to replace it in the source or point at it."""

    name: str
    params: dict[str, Param] | list[Param]
    markdown: bool
    children: list[Node] | None
    line: int
    col: int
    start: int
    end: int
    inner_start: int | None = None
    inner_end: int | None = None
    self_closing: bool = False
    indent: str = ""
    block: bool = False

    def param(self, key: str | int, default: Param | None = None) -> Param | None:
        """Look a param up the way Hugo's `.Get` does: by name, or by position."""
        if isinstance(self.params, dict):
            return self.params.get(key, default) if isinstance(key, str) else default
        if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(self.params):
            return self.params[key]
        return default

    def raw_inner(self, source: str) -> str:
        """The inner text exactly as written, for shortcodes (like `text`) that print it as is."""
        if self.inner_start is None or self.inner_end is None:
            return ""
        return source[self.inner_start : self.inner_end]


Node = Text | Shortcode


class TagError(Exception):
    """A tag that cannot be read; the scanner turns it into a warning and keeps the text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Tag:
    name: str
    params: dict[str, Param] | list[Param]
    markdown: bool
    closing: bool
    self_closing: bool
    start: int
    end: int


@dataclass
class Comment:
    text: str
    start: int
    end: int


_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?[0-9]*\.[0-9]+")


def _is_alnum(c: str) -> bool:
    # Hugo's isAlphaNumeric: '_', unicode.IsLetter, unicode.IsDigit (category Nd).
    return c == "_" or c.isalpha() or c.isdecimal()


def _is_name_char(c: str) -> bool:
    return _is_alnum(c) or c in "-/."


def _typed(value: str) -> Param:
    """Type a bare value as Hugo's Item.ValTyped does; quoted values never come here."""
    if value in ("true", "false"):
        return value == "true"
    if _INT.fullmatch(value) and len(value) <= 25:  # int64 has 19 digits; int() stops at 4,300
        number = int(value)
        # Hugo's strconv.Atoi fails outside int64, and then the value stays the text.
        return number if -(2**63) <= number < 2**63 else value
    if _FLOAT.fullmatch(value) and len(value) <= 400:  # float() is slow on long text
        real = float(value)
        return real if math.isfinite(real) else value  # ParseFloat's range error, likewise
    return value


def _unrecognized(c: str) -> TagError:
    return TagError(
        f"unrecognized character in shortcode action: U+{ord(c):04X} '{c}'. "
        "Note: Parameters with non-alphanumeric args must be quoted"
    )


_COMMENT_END = {">}}": re.compile(r"\*/>\}\}"), "%}}": re.compile(r"\*/%\}\}")}
_BACKTICK = re.compile(r"`")
_VALUE_END = {">}}": re.compile(r"[\t\n\v\f\r ]|>\}\}"), "%}}": re.compile(r"[\t\n\v\f\r ]|%\}\}")}


class _NextMatch:
    """The first match of one pattern at or after a position, each character searched once.

    A tag's reader looks for a closer (`*/>}}`, a backtick, the white space ending a bare value)
    from where the tag starts. Asked again from every opener of a run of openers with no closer,
    a plain search reads to the end of the text each time: quadratic. Every answer found is kept
    as "from any position in [lo, at], the next match is at `at`", and a new search stops where a
    known stretch begins, so no character is searched twice (`width` chars of overlap aside).
    Matches must not depend on where the search starts: no anchors, fixed short `width`.
    """

    def __init__(self, src: str, pattern: re.Pattern[str], width: int) -> None:
        self.src, self.pattern, self.width = src, pattern, width
        self.at: list[int] = []  # match starts found (len(src): none), ascending
        self.lo: list[int] = []  # the lowest position each is known to be the next match from

    def __call__(self, pos: int) -> int:
        """Where the next match starts, or len(src) if there is none."""
        n, k = len(self.src), bisect_left(self.at, pos)
        if k < len(self.at) and self.lo[k] <= pos:
            return self.at[k]
        limit = self.lo[k] if k < len(self.at) else n
        m = self.pattern.search(self.src, pos, min(n, limit + self.width - 1))
        if m is not None and m.start() < limit:
            self.at.insert(k, m.start())
            self.lo.insert(k, pos)
            return m.start()
        if k < len(self.at):
            self.lo[k] = pos
            return self.at[k]
        self.at.append(n)
        self.lo.append(pos)
        return n


class Closers:
    """Searches for closers shared by every tag read from one text, so reading them all is linear.

    `parse` makes one per body; a caller of `read_tag` that reads many tags of one text (the
    filter under plain pandoc) passes one in.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self._next: dict[tuple[str, str], _NextMatch] = {}

    def _search(self, kind: str, right: str) -> _NextMatch:
        key = (kind, right)
        found = self._next.get(key)
        if found is None:
            if kind == "comment":
                found = _NextMatch(self.src, _COMMENT_END[right], 5)
            elif kind == "value":
                found = _NextMatch(self.src, _VALUE_END[right], 3)
            else:
                found = _NextMatch(self.src, _BACKTICK, 1)
            self._next[key] = found
        return found

    def comment_end(self, right: str, pos: int, end: int | None = None) -> int:
        """Where `*/` + right starts at or after pos (ending by `end`), or -1."""
        at = self._search("comment", right)(pos)
        limit = len(self.src) if end is None else end
        return at if at + 2 + len(right) <= limit else -1

    def backtick(self, pos: int) -> int:
        at = self._search("raw", "")(pos)
        return at if at < len(self.src) else -1

    def value_end(self, right: str, pos: int) -> int:
        """Where a bare value from pos ends: ASCII white space or the tag's closer (or the end)."""
        return self._search("value", right)(pos)


class _TagLexer:
    """Reads one tag from its `{{<` the way Hugo's lexInsideShortcode walks it."""

    def __init__(self, src: str, start: int, closers: Closers | None = None) -> None:
        self.src = src
        self.closers = closers if closers is not None else Closers(src)
        self.n = len(src)
        self.start = start
        self.markdown = src[start + 2] == "%"
        self.right = "%}}" if self.markdown else ">}}"
        self.i = start + 3
        self.positional: list[Param] = []
        # Bare named values are sliced only once the tag has been read whole: a value may run
        # over later openers, and a tag that then fails must not have copied it.
        self.named: dict[str, Param | tuple[int, int]] = {}

    def lex(self) -> Tag | Comment:
        src = self.src
        if src.startswith("/*", self.i):
            return self._comment()
        name: str | None = None
        closing = self_closing = False
        while not src.startswith(self.right, self.i):
            if self.i >= self.n:
                raise TagError("unclosed shortcode tag")
            c = src[self.i]
            if c.isspace():
                self.i += 1
            elif closing and name is not None:
                raise TagError(f'unexpected text after "/{name}" in closing tag')
            elif self_closing:
                raise TagError('unexpected text after "/" in self-closing tag')
            elif c == "/":
                if name is None and closing:
                    raise _unrecognized(c)
                closing = closing or name is None
                self_closing = name is not None
                self.i += 1
            elif name is None:
                if c == "\\":  # Hugo drops a stray backslash
                    self.i += 1
                    continue
                if not _is_alnum(c):
                    raise _unrecognized(c)
                name, slash = self._name()
                self_closing = slash and not closing
            else:
                self._param(c)
        if name is None:
            raise TagError("shortcode has no name")
        params: dict[str, Param] | list[Param] = self.positional
        if self.named:
            params = {
                key: _typed(src[value[0] : value[1]]) if isinstance(value, tuple) else value
                for key, value in self.named.items()
            }
        return Tag(
            name, params, self.markdown, closing, self_closing, self.start, self.i + len(self.right)
        )

    def _comment(self) -> Comment:
        src, open_at = self.src, self.i
        close_at = self.closers.comment_end(self.right, open_at + 2)
        if close_at < 0:
            raise TagError("comment must be closed")
        text = src[self.start : self.start + 3] + src[open_at + 2 : close_at] + self.right
        return Comment(text, self.start, close_at + 2 + len(self.right))

    def _name(self) -> tuple[str, bool]:
        src, j = self.src, self.i
        while j < self.n:
            c = src[j]
            if _is_alnum(c) or c in "-/":
                j += 1
            elif c == ".":
                if src.startswith("inline", j + 1) and not _is_name_char(src[j + 7 : j + 8]):
                    j += 7
                else:
                    raise TagError("period in shortcode name only allowed for inline identifiers")
            else:
                break
        name, self.i = src[self.i : j], j
        if name.endswith("/") and src.startswith(self.right, j):
            return name.rstrip("/"), True
        return name, False

    def _param(self, c: str) -> None:
        src = self.src
        if c == "\\":
            after = src[self.i + 1 : self.i + 2]
            if after == '"':
                self._add_positional(self._quoted(escaped=True))
            elif after == "`":
                raise TagError("unrecognized escape character")
            else:
                self.i += 1
        elif c == '"':
            self._add_positional(self._quoted(escaped=False))
        elif c == "`":
            self._add_positional(self._raw())
        elif _is_alnum(c) or c == "-":
            self._bare()
        elif c == "=":
            raise TagError("parameter value without a name")
        else:
            raise _unrecognized(c)

    def _add_positional(self, value: Param) -> None:
        if self.named:
            raise TagError("mixed named and positional params")
        self.positional.append(value)

    def _bare(self) -> None:
        src, n = self.src, self.n
        j = self.i
        while j < n and (_is_alnum(src[j]) or src[j] in "-."):
            j += 1
        word = src[self.i : j]
        k = j
        while k < n and src[k] in " \t":
            k += 1
        if k < n and src[k] == "=":
            if self.positional:
                raise TagError("mixed named and positional params")
            k += 1
            while k < n and src[k].isspace():
                k += 1
            self.i = k
            self.named[word] = self._value()
        else:
            self._add_positional(_typed(word))
            self.i = j

    def _value(self) -> Param | tuple[int, int]:
        src, i = self.src, self.i
        if src.startswith('"', i):
            return self._quoted(escaped=False)
        if src.startswith('\\"', i):
            return self._quoted(escaped=True)
        if src.startswith("\\`", i):
            raise TagError("unrecognized escape character")
        if src.startswith("`", i):
            return self._raw()
        # Hugo's consumeToSpace: only ASCII white space ends the value (U+3000 is part of it).
        j = self.closers.value_end(self.right, i)
        self.i = j
        return (i, j)

    def _quoted(self, *, escaped: bool) -> str:
        """A "string", or with `escaped` a \\"string\\" whose delimiters are escaped quotes."""
        src, n = self.src, self.n
        i = self.i + (2 if escaped else 1)
        begin = i
        unescape = False
        while True:
            if i >= n or src[i] == "\n":
                raise TagError("unterminated quoted string")
            c = src[i]
            if c == "\\":
                after = src[i + 1 : i + 2]
                if after == '"':
                    if escaped:
                        value, self.i = src[begin:i], i + 2
                        break
                    unescape = True
                    i += 2
                    continue
                if after == "`":
                    raise TagError("unrecognized escape character")
                i += 1
            elif c == '"':
                value, self.i = src[begin:i], i + 1
                break
            else:
                i += 1
        return value.replace("\\", "") if unescape else value

    def _raw(self) -> str:
        close = self.closers.backtick(self.i + 1)
        if close < 0:
            raise TagError("unterminated raw string")
        value, self.i = self.src[self.i + 1 : close], close + 1
        return value


def read_tag(text: str, at: int, closers: Closers | None = None) -> Tag | Comment:
    """Reads the one tag starting at `text[at:]` (`{{<` or `{{%`); raises TagError if unreadable.

    The pandoc filter uses this on text rebuilt from pandoc's AST, where only single tags can be
    told apart; `parse` is the whole-body reader. Reading many tags of one text, pass the same
    `Closers(text)` to each call: that keeps the whole reading linear.
    """
    if not text.startswith(("{{<", "{{%"), at):
        raise TagError("not a shortcode tag")
    return _TagLexer(text, at, closers).lex()


_INLINE_STOP = re.compile(r"\n|`+|\{\{[<%]")
_LINE_TAG = re.compile(r"[ \t>]*\{\{[<%]")
_TAG_START = re.compile(r"\{\{[<%]")
_BACKTICK_RUN = re.compile(r"`+")
_FENCE_OPEN = re.compile(
    r"(?P<lead>[ \t]*)(?P<marks>(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))[ \t]*)*)"
    r"(?P<fence>`{3,}|~{3,})(?P<info>.*)"
)
_FENCE_CLOSE = re.compile(r"(?P<lead>[ \t]*(?:>[ \t]*)*)(?P<fence>`{3,}|~{3,})[ \t\r]*")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\r?$)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|\r?$)")
_COMMENT_OPEN = re.compile(r"\{\{([<%])/\*")
_LOOKS_LIKE_TAG = re.compile(r"\{\{[<%](?!/\*)")
_CLOSE_START = re.compile(r"\{\{[<%]\s*/(?!\*)")


@cache
def _span_closer(length: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`)`{{{length}}}(?!`)")


def _width(prefix: str) -> int:
    width = 0
    for c in prefix:
        width = width + 4 - width % 4 if c == "\t" else width + 1
    return width


def _leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r")


def _fence_info_ok(m: re.Match[str]) -> bool:
    return m["fence"][0] == "~" or "`" not in m["info"]


class _Scanner:
    """Pass 1: finds tags and comment forms left to right, skipping code as Markdown sees it."""

    def __init__(
        self, src: str, line_starts: list[int], warn_at: Callable[[str, int], None]
    ) -> None:
        self.src = src
        self.n = len(src)
        self.line_starts = line_starts
        self.warn_at = warn_at
        self.closers = Closers(src)
        # Per paragraph: the last start of a backtick run of each length (see _code_span_end).
        self._runs_until = -1
        self._last_run: dict[int, int] = {}
        self.tokens: list[Tag | Comment] = []
        # Names closed somewhere in the raw text: only their openers can still be waiting for a
        # closing tag, which is what ends a fence early and rules out indented code.
        self.closable = self._closable_names()
        self.open: Counter[str] = Counter()
        self.open_total = 0
        self.prev_blank = True
        self.in_list = False
        self._next_boundary: list[int] | None = None

    def _closable_names(self) -> set[str]:
        names: set[str] = set()
        for m in _CLOSE_START.finditer(self.src):
            tag = self._try_lex(m.start())
            if isinstance(tag, Tag) and tag.closing:
                names.add(tag.name)
        return names

    def _try_lex(self, at: int) -> Tag | Comment | None:
        try:
            return _TagLexer(self.src, at, self.closers).lex()
        except TagError:
            return None

    def _line_end(self, pos: int) -> int:
        end = self.src.find("\n", pos)
        return self.n if end < 0 else end

    def run(self) -> list[Tag | Comment]:
        pos, at_line_start = 0, True
        while pos < self.n:
            if at_line_start:
                after_block = self._block(pos)
                if after_block is not None:
                    pos = after_block
                    # a fence may end mid-line, at a closing tag
                    at_line_start = pos == 0 or self.src[pos - 1] == "\n"
                    continue
            pos, at_line_start = self._inline(pos)
        return self.tokens

    def _block(self, pos: int) -> int | None:
        """Handles what Markdown decides per line: blank lines, fences, indented code, lists."""
        eol = self._line_end(pos)
        line = self.src[pos:eol]
        if _is_blank(line):
            self.prev_blank = True
            return min(eol + 1, self.n)
        was_blank, self.prev_blank = self.prev_blank, False
        lead = _width(_leading(line))
        if (
            lead >= 4
            and was_blank
            and not self.in_list
            and not self.open_total
            and not _LINE_TAG.match(line)
        ):
            return self._indented_code(pos)
        if _LIST_ITEM.match(line):
            self.in_list = True
        elif lead == 0 and (was_blank or _HEADING.match(line)):
            self.in_list = False
        m = _FENCE_OPEN.match(line)
        if m and _fence_info_ok(m) and (m["marks"] or self.in_list or _width(m["lead"]) <= 3):
            return self._fence(pos, eol, m)
        return None

    def _indented_code(self, pos: int) -> int:
        src, p, end = self.src, pos, pos
        while p < self.n:
            eol = self._line_end(p)
            line = src[p:eol]
            if not _is_blank(line):
                if _width(_leading(line)) < 4:
                    break
                end = min(eol + 1, self.n)
            p = min(eol + 1, self.n)
        self._protect(pos, end)
        return end

    def _fence(self, pos: int, eol: int, m: re.Match[str]) -> int:
        src = self.src
        char, length = m["fence"][0], len(m["fence"])
        width = _width(m["lead"] + m["marks"])
        p = min(eol + 1, self.n)
        closed = False
        while p < self.n:
            line_end = self._line_end(p)
            c = _FENCE_CLOSE.fullmatch(src, p, line_end)
            if (
                c
                and c["fence"][0] == char
                and len(c["fence"]) >= length
                and _width(c["lead"]) <= width + 3
            ):
                p, closed = min(line_end + 1, self.n), True
                break
            closing = self._closing_tag_in(p, line_end)
            if closing is not None:
                p = closing  # Hugo sees the tag wherever it is on the line
                break
            p = min(line_end + 1, self.n)
        self._protect(pos, p)
        if not closed and p >= self.n and _LOOKS_LIKE_TAG.search(src, eol, p):
            self.warn_at("unclosed code fence; shortcodes after it are left as text", pos)
        return p

    def _closing_tag_in(self, start: int, end: int) -> int | None:
        """Where a closing tag of an open shortcode starts on this line, if one does."""
        for m in _TAG_START.finditer(self.src, start, end):
            if self.src.startswith("/*", m.end()):
                continue  # a comment closes nothing (and may reach far: not read per line)
            tag = self._try_lex(m.start())
            if isinstance(tag, Tag) and tag.closing and self.open[tag.name] > 0:
                return m.start()
        return None

    def _inline(self, pos: int) -> tuple[int, bool]:
        src = self.src
        while True:
            m = _INLINE_STOP.search(src, pos)
            if m is None:
                return self.n, False
            start, found = m.start(), m.group()
            if found == "\n":
                return start + 1, True
            if found[0] == "`":
                if _escaped(src, start):
                    pos = start + 1
                    continue
                end = self._code_span_end(m.end(), len(found))
                if end is None:
                    pos = m.end()
                else:
                    self._protect(start, end)
                    pos = end
                continue
            pos = self._tag(start)

    def _tag(self, at: int) -> int:
        try:
            tag = _TagLexer(self.src, at, self.closers).lex()
        except TagError as e:
            self.warn_at(e.message, at)
            return at + 3
        self.tokens.append(tag)
        if isinstance(tag, Tag) and not tag.self_closing and tag.name in self.closable:
            if not tag.closing:
                self.open[tag.name] += 1
                self.open_total += 1
            elif self.open[tag.name] > 0:
                self.open[tag.name] -= 1
                self.open_total -= 1
        return tag.end

    def _protect(self, start: int, end: int) -> None:
        """Code keeps its text, but `{{</* x */>}}` still prints as `{{< x >}}`, as in Hugo."""
        src, i = self.src, start
        while m := _COMMENT_OPEN.search(src, i, end):
            right = "%}}" if m.group(1) == "%" else ">}}"
            close_at = self.closers.comment_end(right, m.end(), end)
            if close_at < 0:
                i = m.end()
                continue
            text = src[m.start() : m.start() + 3] + src[m.end() : close_at] + right
            self.tokens.append(Comment(text, m.start(), close_at + 5))
            i = close_at + 5

    def _code_span_end(self, after: int, length: int) -> int | None:
        """The end of the run closing a code span, as CommonMark (and cmark) find it.

        Backtick runs of many lengths, none with a partner, would each search to the paragraph's
        end. One pass over the rest of the paragraph records the last run of each length; a run
        with no later run of its length is no opener, and a search that does succeed consumes the
        text it crossed (the scanner moves past the span), so the work stays linear.
        """
        limit = self._paragraph_end(after)
        if limit != self._runs_until:
            self._runs_until, self._last_run = limit, {}
            for run in _BACKTICK_RUN.finditer(self.src, after, limit):
                self._last_run[run.end() - run.start()] = run.start()
        if self._last_run.get(length, -1) < after:
            return None
        m = _span_closer(length).search(self.src, after, limit)
        return m.end() if m else None

    def _paragraph_end(self, pos: int) -> int:
        """A code span cannot run past its paragraph; a tag line counts as a break too."""
        if self._next_boundary is None:
            self._next_boundary = self._boundaries()
        line = bisect_right(self.line_starts, pos) - 1
        nxt = self._next_boundary[line]
        return self.line_starts[nxt] if nxt < len(self.line_starts) else self.n

    def _boundaries(self) -> list[int]:
        starts, count = self.line_starts, len(self.line_starts)
        nxt = [count] * count
        following = count
        for idx in range(count - 1, -1, -1):
            nxt[idx] = following
            line = self.src[starts[idx] : self._line_end(starts[idx])]
            fence = _FENCE_OPEN.match(line)
            if (
                _is_blank(line)
                or _LINE_TAG.match(line)
                or _HEADING.match(line)
                or (fence and _fence_info_ok(fence))
            ):
                following = idx
        return nxt


def _escaped(src: str, pos: int) -> bool:
    slashes = 0
    while pos - slashes - 1 >= 0 and src[pos - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def parse(
    source: str,
    *,
    path: str | None = None,
    line_offset: int = 0,
    known_inner: Callable[[str], bool] | None = None,
    warn: Callable[[Diagnostic], None] | None = None,
    site_inner: Mapping[str, bool] | None = None,
) -> list[Node]:
    """Split a Markdown body into Text and (nested) Shortcode nodes; see the module docstring.

    `site_inner` is what the site's own templates say (`presskit.source.templates`): for a
    name it holds, pairing is Hugo's and nothing is guessed, and a closing tag for a template
    without `.Inner` is Hugo's error."""
    if "{{" not in source:
        return [Text(source, 0)] if source else []
    line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def position(offset: int) -> tuple[int, int]:
        line = bisect_right(line_starts, offset) - 1
        return line + 1 + line_offset, offset - line_starts[line] + 1

    def warn_at(message: str, offset: int) -> None:
        if warn is not None:
            line, col = position(offset)
            warn(Diagnostic(message, path, line, col))

    tokens = _Scanner(source, line_starts, warn_at).run()
    closed_names = {t.name for t in tokens if isinstance(t, Tag) and t.closing}

    templates = site_inner or {}

    def takes_inner(name: str) -> bool:
        if name in templates:
            return templates[name]
        return name in closed_names or (known_inner is not None and bool(known_inner(name)))

    for tok in tokens:
        if isinstance(tok, Tag) and tok.closing and templates.get(tok.name) is False:
            line, col = position(tok.start)
            raise PresskitError(
                f'shortcode "{tok.name}" does not evaluate .Inner or .InnerDeindent, yet a '
                "closing tag was provided (its template in the site's layouts)",
                path,
                line,
                col,
            )

    # Both look only at the blanks beside a tag, never at the rest of its line: a line of
    # thousands of tags would otherwise be read once per tag.
    def starts_line(offset: int) -> str | None:
        begin = offset
        while begin > 0 and source[begin - 1] in " \t":
            begin -= 1
        return source[begin:offset] if begin == 0 or source[begin - 1] == "\n" else None

    def ends_line(offset: int) -> bool:
        end = offset
        while end < len(source) and source[end] in " \t\r":
            end += 1
        return end == len(source) or source[end] == "\n"

    def unclosed(sc: Shortcode) -> PresskitError:
        return PresskitError(f'unclosed shortcode "{sc.name}"', path, sc.line, sc.col)

    root: list[Node] = []
    stack: list[tuple[Shortcode, list[Node]]] = []
    cursor = 0
    for tok in tokens:
        if (
            stack
            and stack[-1][0].name.endswith(".inline")
            and not _closes_inline(tok, stack[-1][0].name, source)
        ):
            line, col = position(tok.start)
            raise PresskitError("inline shortcodes do not support nesting", path, line, col)
        out = stack[-1][1] if stack else root
        if isinstance(tok, Tag) and tok.closing and not (stack and stack[-1][0].name == tok.name):
            if any(open_sc.name == tok.name for open_sc, _ in stack):
                raise unclosed(stack[-1][0])
            # A stray closing tag stays in the text around it: the cursor does not move, so the
            # text is sliced once (appending to a growing Text per tag was quadratic).
            warn_at(f'unexpected closing tag "/{tok.name}"', tok.start)
            continue
        _add_text(out, source, cursor, tok.start)
        cursor = tok.end
        if isinstance(tok, Comment):
            out.append(Text(tok.text, tok.start))
        elif tok.closing:
            sc = stack.pop()[0]
            sc.inner_end, sc.end = tok.start, tok.end
            sc.block = starts_line(sc.start) is not None and ends_line(tok.end)
        else:
            line, col = position(tok.start)
            indent = starts_line(tok.start)
            sc = Shortcode(
                name=tok.name,
                params=tok.params,
                markdown=tok.markdown,
                children=None,
                line=line,
                col=col,
                start=tok.start,
                end=tok.end,
                self_closing=tok.self_closing,
                indent=indent or "",
                block=indent is not None and ends_line(tok.end),
            )
            out.append(sc)
            if not tok.self_closing and takes_inner(tok.name):
                children: list[Node] = []
                sc.children, sc.inner_start = children, tok.end
                stack.append((sc, children))
    if stack:
        raise unclosed(stack[-1][0])
    _add_text(root, source, cursor, len(source))
    return root


def _closes_inline(tok: Tag | Comment, name: str, source: str) -> bool:
    """Inside an inline shortcode Hugo accepts only its closing tag, written `/name ` (with
    white space after the name), and fails on any other shortcode markup, comments included."""
    if not isinstance(tok, Tag) or not tok.closing or tok.name != name:
        return False
    after_slash = source[tok.start + 3 : tok.end].split("/", 1)[1].strip()
    return after_slash.startswith(name + " ")


def _add_text(out: list[Node], source: str, start: int, end: int) -> None:
    """Appends source[start:end], merging with plain Text just before it.

    A comment's Text is shorter than the source it came from, so it never looks contiguous and is
    never merged: callers can still tell it apart by its `start`.
    """
    if end <= start:
        return
    last = out[-1] if out else None
    if isinstance(last, Text) and last.start + len(last.text) == start:
        last.text += source[start:end]
    else:
        out.append(Text(source[start:end], start))
