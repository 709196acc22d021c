"""Shared fixtures: the sample post, rendered once per session, and PDF inspection helpers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_ZH = FIXTURES / "posts/zh/blog/2023/istio-graduates-within-cncf/index.md"
SAMPLE_EN = FIXTURES / "posts/en/blog/2023/istio-graduates-within-cncf/index.md"
EXAMPLE_CONFIG = ROOT / "examples" / "presskit.toml"
PRESSKIT = [sys.executable, "-m", "presskit"]
SAMPLE_ARGS = ("--no-link-notes",)


def run_presskit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRESSKIT, *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=300
    )


def run_python(code: str) -> str:
    """Run code in a fresh interpreter (a clean `sys.modules`) beside this file, so it can
    import conftest; assert it succeeded and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=str(Path(__file__).parent),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def pdftotext(pdf: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


@pytest.fixture(scope="session", autouse=True)
def _poppler() -> None:
    if shutil.which("pdftotext") is None:
        pytest.exit("poppler-utils is missing: run `make test`, which installs it", returncode=1)


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zh sample rendered with the example brand, as `make demo` does.

    Without link footnotes: their call numbers would interleave with the running text that the
    line-break tests read (tests/test_release.py covers the footnotes).
    """
    out = tmp_path_factory.mktemp("sample") / "zh.pdf"
    done = run_presskit(
        "render", str(SAMPLE_ZH), "--config", str(EXAMPLE_CONFIG), "-o", str(out), *SAMPLE_ARGS
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def sample_en_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "en.pdf"
    done = run_presskit(
        "render", str(SAMPLE_EN), "--config", str(EXAMPLE_CONFIG), "-o", str(out), *SAMPLE_ARGS
    )
    assert done.returncode == 0, done.stderr
    return out
