"""presskit: Hugo posts to branded, press-ready PDFs.

The public API is what this module exports; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path
from typing import TYPE_CHECKING, Any

from presskit.errors import PresskitError

if TYPE_CHECKING:  # the real imports are lazy, in the functions
    from presskit.batch.manifest import BuildResult
    from presskit.pipeline import RenderResult

__all__ = ["PresskitError", "__version__", "build", "render"]


def render(post: str | Path, out: str | Path, config: Any = None, **options: Any) -> RenderResult:
    """Render one post to a PDF (or `to="docx"`, or an `out` ending in .docx: a Word file);
    imported lazily so `import presskit` stays cheap."""
    from presskit.pipeline import render as _render

    return _render(post, out, config, **options)


def build(paths: Any, outdir: str | Path, **options: Any) -> BuildResult:
    """Render every post under `paths` into `outdir`; options: `presskit.batch.builder.build`."""
    from presskit.batch.builder import build as _build

    return _build(paths, outdir, **options)
