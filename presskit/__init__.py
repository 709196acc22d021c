"""presskit: Hugo posts to branded, press-ready PDFs.

The public API is what this module exports; everything else is internal.
"""

__version__ = "0.1.0"

from presskit.errors import PresskitError

__all__ = ["PresskitError", "__version__", "build", "render"]


def render(post, out, config=None, **options):  # type: ignore[no-untyped-def]
    """Render one post to a PDF; imported lazily so `import presskit` stays cheap."""
    from presskit.pipeline import render as _render

    return _render(post, out, config, **options)


def build(paths, outdir, **options):  # type: ignore[no-untyped-def]
    """Render every post under `paths` into `outdir`; options: `presskit.batch.builder.build`."""
    from presskit.batch.builder import build as _build

    return _build(paths, outdir, **options)
