"""A PDF's pages as PNG images, fast enough to follow a writer's saves.

poppler's `pdftoppm` rasterizes a page of the sample in ~12 ms, but its own PNG writer
compresses at zlib's default level and spends ~130 ms a page doing it. So it writes raw PPM
and Pillow encodes the PNGs at level 1 (files ~10% larger; 5 pages in ~0.15 s, not 0.7 s).

Most saves change one paragraph: the cover and the pages before the edit come out of
pdftoppm pixel for pixel as they were. A page whose pixels hash as a page of the previous
render did is not encoded again: the previous PNG stands for it, under its old address, so
the browser does not fetch or decode it again either.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from presskit.errors import PresskitError

DPI = 100  # an A4 page 827 px wide: a page fits a laptop screen, body text stays legible


def rasterize(
    pdf: Path, folder: Path, *, dpi: int = DPI, previous: Mapping[str, Path] | None = None
) -> list[tuple[Path, str]]:
    """(`folder/page-N.png`, pixel hash) for every page of `pdf`, in page order. A page
    whose hash is in `previous` (hash: its PNG) is that PNG, not a new file."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    known = previous or {}
    with tempfile.TemporaryDirectory(prefix="raw-", dir=folder) as raw:
        done = subprocess.run(
            ["pdftoppm", "-r", str(dpi), str(pdf), str(Path(raw) / "p")],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1:] or [f"status {done.returncode}"]
            raise PresskitError(f"pdftoppm could not read the PDF: {reason[0]}", pdf)
        # pdftoppm pads the page number to the width of the page count: p-1 or p-01
        frames = sorted(Path(raw).glob("p-*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))

        def encode(item: tuple[int, Path]) -> tuple[Path, str]:
            number, frame = item
            digest = hashlib.blake2b(frame.read_bytes(), digest_size=16).hexdigest()
            same = known.get(digest)
            if same is not None and same.is_file():
                return same, digest
            target = folder / f"page-{number}.png"
            with Image.open(frame) as image:
                image.save(target, format="PNG", compress_level=1)
            return target, digest

        # Pillow lets go of the GIL while it compresses: two pages at once on two cores.
        with ThreadPoolExecutor(max_workers=2) as encoders:
            return list(encoders.map(encode, enumerate(frames, start=1)))
