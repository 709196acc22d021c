"""The preview's other downloads: a post as Word (or any other backend presskit has), made on
the first click, by the warm worker, from the post as it is then.

Not with every save: the Word file of the sample costs ~0.16 s of CPU (pandoc's half of it in
a process of its own) on a warm worker, which every save would pay on the 2-core machine the
save → pages target is measured on, for a file the writer fetches now and then. A render's
offers are listed with its revision; the file is made once per revision and then served like
the PDF. Nothing is made for a URL the preview did not offer.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import Any

RUNNER = "presskit.preview.formats:render_as"
TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def other_formats() -> list[tuple[str, str]]:
    """(backend name, file suffix) of each format but the PDF the pages come from."""
    from presskit.output import backends

    return [(name, backends.suffix_of(name)) for name in backends.names() if name != "pdf"]


def media_type(suffix: str) -> str:
    return TYPES.get(suffix) or mimetypes.types_map.get(suffix) or "application/octet-stream"


@dataclass
class Offer:
    """A file the page links to, made when first asked for."""

    post: Path
    out: Path  # in the revision's folder, beside its PDF
    to: str  # the backend
    done: Event = field(default_factory=Event)
    error: str | None = None
    started: bool = False


def render_as(
    path: str,
    out: str,
    config: Any,
    theme: str | None,
    offline: bool | None,
    to: str,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Runs in a preview worker: one post to one file of backend `to`, under the same rules
    (config, theme, network, embargo moment) as the build that made the pages."""
    from presskit.output.page import Options
    from presskit.output.release import parse_moment
    from presskit.pipeline import render

    options = Options(now=parse_moment(as_of)) if as_of else None
    result = render(
        path,
        out,
        config,
        to=to,
        theme=theme,
        offline=offline,
        options=options,
        timeout=None,
        durable=False,
    )
    return {"ok": True, "bytes": result.size, "warnings": [str(w) for w in result.warnings]}
