"""Errors and warnings that name a place in the user's files.

Every failure a user can cause must reach them as one line, `file:line:col: message`,
never as a traceback; carrying the position in the exception keeps that promise cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

# What a post may carry that a terminal obeys instead of showing: C0 controls (ESC starts
# escape sequences that recolour, retitle or clear; BEL rings), DEL, C1 controls (0x9B is a
# one-byte CSI), and the bidi controls that reorder what follows ("Trojan Source"), plus the
# line and paragraph separators. Tab, and with `newlines` the line ends, are layout.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")
_UNPRINTABLE_LINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")
BIDI_CONTROLS = re.compile(f"[{_BIDI}]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` safe to print on a terminal: controls and bidi marks shown as `\\x1b`, `\\u202e`.

    The one escaping function of everything presskit prints (the CLI's standard error passes
    through it whole, see `cli.main`; lines on standard output call it). Without `newlines`
    the line ends are escaped too, for a file name inside a one-line message.
    """
    pattern = _UNPRINTABLE if newlines else _UNPRINTABLE_LINE
    return pattern.sub(_escape, text)


def where(path: str | Path | None, line: int | None = None, col: int | None = None) -> str:
    parts = [printable(str(path), newlines=False) if path is not None else "<input>"]
    if line is not None:
        parts.append(str(line))
        if col is not None:
            parts.append(str(col))
    return ":".join(parts)


def message_line(message: str, path: str | Path | None, line: int | None, col: int | None) -> str:
    """`file:line:col: message`, controls and bidi marks escaped in the message as in the path
    (the manifest keeps this text too, and `jq -r` must not print a live escape sequence)."""
    if path is None and line is None:
        return printable(message)
    return f"{where(path, line, col)}: {printable(message)}"


_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


def toml_problem(error: Exception, text: str) -> tuple[str, int]:
    """tomllib's message without its position, and the line it names: one reading for every
    TOML presskit loads (front matter, presskit.toml, a Hugo config). "At end of document"
    is the text's last line."""
    message = str(error)
    at = _TOML_AT.search(message)
    if at is not None and at.group(1):
        return message[: at.start()], int(at.group(1))
    end = max(len(text.splitlines()), 1)
    return (message[: at.start()] if at is not None else message), end


# WeasyPrint's layout recurses per box and fails near 140 nested blockquotes; real posts stay
# under 10. Counted in HTML elements (a list level is two: the list and its item). Here, not in
# `output.sanitize`, so the pandoc filter can bound its tree without importing the HTML stage.
MAX_DEPTH = 64


class PresskitError(Exception):
    """A problem with the user's input or environment, reported as one line."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.col = col

    def located(self, path: str | Path | None = None, line_offset: int = 0) -> PresskitError:
        """Return a copy placed in `path`, shifting lines (e.g. past the front matter)."""
        line = self.line + line_offset if self.line is not None else None
        return type(self)(self.message, self.path or path, line, self.col)

    def __str__(self) -> str:
        return message_line(self.message, self.path, self.line, self.col)


class IncludeLoop(PresskitError):
    """Boilerplates nested too deep. Each `{{< boilerplate >}}` it passes through places it at
    its own line, so it ends at the line of the post being rendered, where the author can act
    (the boilerplate file is named in the message)."""


@dataclass(frozen=True)
class Diagnostic:
    """A non-fatal finding, kept for the CLI and the batch manifest."""

    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        return message_line(self.message, self.path, self.line, self.col)


# A post can make thousands of warnings (a shortcode repeated 50,000 times); each post shows
# the first MAX_WARNINGS and a count of the rest, so standard error and the manifest (rewritten
# after every post of a build) stay small.
MAX_WARNINGS = 50
MAX_MESSAGE = 400
_DATA_URL = re.compile(r"(data:[^,\s]{0,80},)([^\s'\"()<>]{40,})", re.IGNORECASE)


def short_message(message: str) -> str:
    """A warning as it is shown: a data: URL cut to its head, the whole at most 400 chars."""
    message = _DATA_URL.sub(lambda m: f"{m[1]}{m[2][:24]}… ({len(m[2]):,} characters)", message)
    if len(message) > MAX_MESSAGE:
        message = f"{message[: MAX_MESSAGE - 40]}… ({len(message):,} characters)"
    return message


@dataclass(frozen=True)
class More(Diagnostic):
    """Stands for `count` warnings of the post that are not shown."""

    count: int = 0


def capped(warnings: Iterable[Diagnostic], dropped: int = 0) -> tuple[Diagnostic, ...]:
    """The first MAX_WARNINGS of one post's warnings, each shortened, then "… and K more".

    Capping capped warnings again (a render's and then its PDF's) keeps the count right.
    """
    kept: list[Diagnostic] = []
    more, path = dropped, None
    for warning in warnings:
        path = path or warning.path
        if isinstance(warning, More):
            more += warning.count
        elif len(kept) < MAX_WARNINGS:
            kept.append(replace(warning, message=short_message(warning.message)))
        else:
            more += 1
    if more:
        kept.append(More(f"… and {more:,} more warnings", path, count=more))
    return tuple(kept)


_MORE = re.compile(r"… and ([0-9,]+) more warnings$")


def warning_count(messages: Iterable[object]) -> int:
    """How many warnings a capped list stands for (its "… and K more" counted as K)."""
    total = 0
    for message in messages:
        more = _MORE.search(str(message))
        total += int(more[1].replace(",", "")) if more else 1
    return total


class Collector(list[Diagnostic]):
    """A post's warnings as they come: keeps the first few, counts the rest (bounded memory)."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        super().__init__()
        self.dropped = 0
        self.extend(items)

    def append(self, item: Diagnostic) -> None:
        if len(self) < MAX_WARNINGS:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items: Iterable[Diagnostic]) -> None:
        for item in items:
            self.append(item)

    def capped(self) -> tuple[Diagnostic, ...]:
        return capped(self, self.dropped)
