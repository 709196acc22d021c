"""The wheel works outside the checkout: scripts installed, styles and templates inside it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_ZH


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # Build from a copy, so the checkout's own build/ and egg-info play no part.
    source = tmp_path_factory.mktemp("src") / "presskit"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("presskit-*.whl")
    return built


def test_wheel_ships_stages_themes_and_filter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "presskit/themes/default/page.html.j2",
        "presskit/themes/default/press.css",
        "presskit/themes/default/logo.svg",
        "presskit/shortcodes/filter.py",
        "presskit/source/lexer.py",
        "presskit/weasy/engine.py",
        "presskit/batch/builder.py",
        "presskit/output/page.py",
        "presskit/cli.py",
    ):
        assert required in names
    for theme in (ROOT / "presskit" / "themes").iterdir():
        if (theme / "page.html.j2").is_file():
            for asset in theme.iterdir():
                if asset.suffix in {".j2", ".css", ".svg", ".toml"}:
                    assert f"presskit/themes/{theme.name}/{asset.name}" in names, asset
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "presskit = presskit.cli:main" in scripts
    assert "presskit-filter = presskit.shortcodes.filter:main" in scripts


def test_wheel_renders_a_post_from_another_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = venv / "bin" / "pip"
    installed = subprocess.run(
        [str(pip), "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    post = elsewhere / "announcement.md"
    shutil.copy(SAMPLE_ZH, post)
    done = subprocess.run(
        [str(venv / "bin" / "presskit"), "render", "announcement.md", "-o", "out.pdf"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "out.pdf").read_bytes().startswith(b"%PDF-")

    # The filter script runs as pandoc runs it: JSON AST in, JSON AST out.
    ast = {
        "pandoc-api-version": [1, 23, 1],
        "meta": {},
        "blocks": [{"t": "Para", "c": [{"t": "Str", "c": "hi"}]}],
    }
    filtered = subprocess.run(
        [str(venv / "bin" / "presskit-filter"), "html"],
        input=json.dumps(ast),
        capture_output=True,
        text=True,
        cwd=elsewhere,
    )
    assert filtered.returncode == 0, filtered.stderr
    assert json.loads(filtered.stdout)["blocks"][0]["c"][0]["c"] == "hi"
