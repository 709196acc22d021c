"""HTML → PDF with WeasyPrint: a fetcher that only reads what it may, and atomic output.

WeasyPrint fetches whatever the HTML names (`file://`, `../../`) unless its URL fetcher says
no, so ours resolves every local path (symlinks too) and refuses anything outside the allowed
roots, and refuses the network when offline. `write_pdf(path)` would truncate the target before
writing; we render to memory and rename a finished temp file over the target instead, so a
failed render leaves the previous PDF untouched.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from presskit.errors import Diagnostic, PresskitError

HTTP_TIMEOUT = 10


@dataclass
class FetchPolicy:
    roots: tuple[Path, ...]
    offline: bool = False
    source: str | None = None
    refused: list[Diagnostic] = field(default_factory=list)

    def allows_path(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)


def make_fetcher(policy: FetchPolicy):  # type: ignore[no-untyped-def]
    from weasyprint.urls import URLFetcher

    class SafeFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):  # type: ignore[no-untyped-def]
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path))
                if not policy.allows_path(path):
                    policy.refused.append(
                        Diagnostic(
                            f"refused to read {path}: outside the post's folder", policy.source
                        )
                    )
                    raise ValueError("outside the allowed folders")
                return super().fetch(url, headers)
            if scheme in ("http", "https") and not policy.offline:
                return super().fetch(url, headers)
            reason = "offline" if scheme in ("http", "https") else f"{scheme}: URLs not allowed"
            policy.refused.append(Diagnostic(f"not fetched ({reason}): {url}", policy.source))
            raise ValueError(reason)

    return SafeFetcher(timeout=HTTP_TIMEOUT, allowed_protocols=("file", "data", "http", "https"))


class _Collect(logging.Handler):
    """WeasyPrint reports problems through logging; we turn them into warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class PdfResult:
    pages: int
    size: int
    warnings: tuple[Diagnostic, ...]


def render_pdf(html: str, out: Path, *, base_url: Path, policy: FetchPolicy) -> PdfResult:
    from presskit.engine import HTML

    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        document = HTML(
            string=html, base_url=str(base_url) + os.sep, url_fetcher=make_fetcher(policy)
        ).render()
        data = document.write_pdf()
    except RecursionError:
        raise PresskitError("document nested too deeply to lay out", policy.source) from None
    finally:
        logger.removeHandler(collect)
    write_atomic(out, data)
    noise = ("refused", "outside the allowed")
    warnings = list(policy.refused) + [
        Diagnostic(message.splitlines()[0], policy.source)
        for message in collect.messages
        if not any(word in message for word in noise)
    ]
    return PdfResult(pages=len(document.pages), size=len(data), warnings=tuple(warnings))


def write_atomic(out: Path, data: bytes | str) -> None:
    """Write next to the target and rename over it: readers see the old file or the new one."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = out.parent if str(out.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PresskitError(f"cannot write output: {error.strerror}", out) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, out)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise PresskitError(f"cannot write output: {error.strerror}", out) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def allowed_roots(paths: Iterable[Path | None]) -> tuple[Path, ...]:
    return tuple(sorted({p.resolve() for p in paths if p is not None}))
