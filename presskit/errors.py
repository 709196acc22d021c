"""Errors and warnings that name a place in the user's files.

Every failure a user can cause must reach them as one line, `file:line:col: message`,
never as a traceback; carrying the position in the exception keeps that promise cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def where(path: str | Path | None, line: int | None = None, col: int | None = None) -> str:
    parts = [str(path) if path is not None else "<input>"]
    if line is not None:
        parts.append(str(line))
        if col is not None:
            parts.append(str(col))
    return ":".join(parts)


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
        if self.path is None and self.line is None:
            return self.message
        return f"{where(self.path, self.line, self.col)}: {self.message}"


@dataclass(frozen=True)
class Diagnostic:
    """A non-fatal finding, kept for the CLI and the batch manifest."""

    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        if self.path is None and self.line is None:
            return self.message
        return f"{where(self.path, self.line, self.col)}: {self.message}"
