"""Shared pieces of the hostile suite: a small Hugo site next to a secret, and the checks
every case must pass (exit 0 or 1, no traceback, the file named, nothing leaked).

Every render runs in a subprocess with a generous timeout: a hang fails the test instead of
the suite, and no test measures time.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conftest import PRESSKIT, pdftotext

SECRET = "TOPSECRET-7f3a9c-do-not-print"
RUN_TIMEOUT = 240  # seconds; only a hang comes near it


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [*PRESSKIT, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=RUN_TIMEOUT,
        env=merged,
    )


def png(width: int, height: int, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


@cache
def pixel_bomb(side: int = 30_000) -> bytes:
    """A valid 1-bit PNG of side × side pixels: ~100 KB on disk, gigabytes once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(side)]
    data = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@dataclass
class Site:
    """tmp/site/content/en/blog/case/index.md, with tmp/outside/ holding the secrets."""

    root: Path

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def secret_txt(self) -> Path:
        return self.outside / "secret.txt"

    @property
    def secret_png(self) -> Path:
        return self.outside / "secret.png"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def bundle(self) -> Path:
        return self.site / "content" / "en" / "blog" / "case"

    @property
    def post(self) -> Path:
        return self.bundle / "index.md"

    @property
    def out(self) -> Path:
        return self.root / "out" / "case.pdf"

    @property
    def config(self) -> Path:
        return self.site / "presskit.toml"

    def values(self) -> dict[str, str]:
        return {
            "secret": str(self.secret_txt),
            "secret_png": str(self.secret_png),
            "secret_rel": os.path.relpath(self.secret_png, self.bundle),
        }


def make_site(root: Path, config: str = "") -> Site:
    site = Site(root)
    site.outside.mkdir(parents=True)
    site.secret_txt.write_text(SECRET + "\n", encoding="utf-8")
    site.secret_png.write_bytes(png(7, 5))
    site.bundle.mkdir(parents=True)
    (site.site / "static" / "img").mkdir(parents=True)
    (site.site / "static" / "img" / "ok.png").write_bytes(png(11, 3, (30, 30, 200)))
    site.config.write_text('lang = "en"\n' + config, encoding="utf-8")
    site.out.parent.mkdir(parents=True)
    return site


def fill(template: str, site: Site) -> str:
    """`{secret}`-style placeholders; other braces (Jinja, shortcodes) are left alone."""
    for key, value in site.values().items():
        template = template.replace("{" + key + "}", value)
    return template


def pdf_images(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) of every raster image, from `pdfimages -list`."""
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [(int(row[3]), int(row[4])) for row in rows if row[2] != "smask"]


def pdf_attachments(pdf: Path) -> int:
    out = subprocess.run(
        ["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return int(out.split()[0]) if out.split() else 0


def pdf_link_targets(pdf: Path) -> list[str]:
    import pypdf

    targets = []
    for page in pypdf.PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def assert_well_behaved(done: subprocess.CompletedProcess[str], named: Path) -> None:
    """Exit 0 or 1, no traceback, every diagnostic one line naming the file."""
    assert done.returncode in (0, 1), (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    for line in lines:
        assert line.startswith(("error: ", "warning: ")), line
        assert str(named) in line, line
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == (1 if done.returncode == 1 else 0), done.stderr


def assert_nothing_leaked(pdf: Path, *, images: int = 0) -> str:
    text = pdftotext(pdf)
    assert SECRET not in text
    found = pdf_images(pdf)
    assert (7, 5) not in found, found  # the secret PNG's size
    assert len(found) == images, found
    assert pdf_attachments(pdf) == 0
    for target in pdf_link_targets(pdf):
        assert target.startswith(("http://", "https://", "mailto:")), target
    return text
