"""Issue 17, high: the filter's edges. A shortcode alone in its paragraph whose handler gives
an inline (`gloss`), under the renderer and plain pandoc alike; and a depth bound under plain
pandoc, where a deep tree ended in a RecursionError traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hostile_kit import make_site, run
from test_filter import run_pandoc

GLOSS = {
    "alone-inner": ("{{< gloss >}}mesh{{< /gloss >}}", "mesh"),
    "alone-positional": ('{{< gloss "sidecar" />}}', "sidecar"),
    "alone-named": ('{{< gloss term="envoy" />}}', "envoy"),
    "in-quote": ("> {{< gloss >}}proxy{{< /gloss >}}", "proxy"),
    "in-list": ("- {{< gloss >}}pilot{{< /gloss >}}\n- two", "pilot"),
    "two-paragraphs": ("{{< gloss >}}\nfirst\n\nsecond\n{{< /gloss >}}", "second"),
}


def pandoc(source: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pandoc(source, "-t", "html", *args)


@pytest.mark.parametrize("name", sorted(GLOSS))
def test_a_gloss_alone_in_its_paragraph(name, tmp_path) -> None:
    source, word = GLOSS[name]
    site = make_site(tmp_path)
    site.post.write_text(f"---\ntitle: G\n---\n\nBefore.\n\n{source}\n\nAfter.\n", "utf-8")
    html = tmp_path / "out.html"
    done = run("html", str(site.post), "-o", str(html))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rendered = html.read_text("utf-8")
    assert f'class="gloss">{word}' in rendered or word in rendered.split('class="gloss"')[1]
    plain = pandoc(site.post)
    assert plain.returncode == 0, plain.stderr
    assert word in plain.stdout and "After." in plain.stdout


def _deep(kind: str, levels: int) -> str:
    if kind == "list":
        return "\n".join("  " * i + "- x" for i in range(levels)) + "\n"
    if kind == "quote":
        return "> " * levels + "x\n"
    return (
        "".join(f"{':' * (levels - i + 3)} d\n" for i in range(levels))
        + "x\n"
        + "".join(f"{':' * (i + 4)}\n" for i in range(levels))
    )


@pytest.mark.parametrize(("kind", "levels"), [("list", 150), ("list", 400), ("quote", 600)])
def test_the_filter_refuses_a_deep_tree_in_one_line(kind, levels, tmp_path) -> None:
    source = tmp_path / "deep.md"
    source.write_text(_deep(kind, levels), "utf-8")
    done = pandoc(source)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert "presskit-filter: error: nested deeper than 64 levels" in done.stderr


def test_the_filter_still_takes_a_modest_tree(tmp_path) -> None:
    source = tmp_path / "ok.md"
    source.write_text(_deep("list", 30) + "\n" + _deep("quote", 30), "utf-8")
    done = pandoc(source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("<ul>") == 30
