"""The filter under plain pandoc: `pandoc post.md --filter …` on raw Hugo posts.

pandoc parses the shortcodes as Markdown words first; `presskit.shortcodes.recover` must rebuild
them so the result matches the renderer's wherever pandoc kept the text.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import FIXTURES, ROOT, SAMPLE_EN, SAMPLE_ZH
from test_corpus import TOKENS, _Reader

from presskit.output.convert import Conversion, convert, pandoc_path
from presskit.source.post import load_post

SAMPLE = ROOT / "examples/content/zh/blog/2023/istio-graduates-within-cncf/index.md"
FILTER_SCRIPT = ROOT / "presskit" / "shortcodes" / "filter.py"
ZH_CAPTIONS = [
    "Chris Aniszczyk，CNCF CTO",
    "Emily Fox，CNCF TOC 主席",
]


def run_pandoc(
    post: Path,
    *args: str,
    filter_: str | None = None,
    cwd: Path | None = None,
    extensions: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """pandoc as a user runs it: the filter found on PATH (the venv's bin) or by path;
    `extensions` as PRESSKIT_EXTENSIONS (the filter's way to load them without a config)."""
    env = dict(os.environ)
    if extensions is not None:
        env["PRESSKIT_EXTENSIONS"] = extensions
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [pandoc_path(), str(post), "--filter", filter_ or str(FILTER_SCRIPT), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=120
    )


def quote_figures(html: str) -> list[str]:
    figures = re.findall(r'<figure class="quote">(.*?)</figure>', html, flags=re.S)
    captions = []
    for figure in figures:
        found = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.S)
        assert found, figure
        captions.append(" ".join(htmllib.unescape(found.group(1)).split()))
    return captions


@pytest.mark.parametrize("filter_", [None, "presskit-filter"], ids=["script", "entry-point"])
def test_sample_gives_six_quote_figures(filter_: str | None) -> None:
    done = run_pandoc(SAMPLE, "-t", "html", filter_=filter_)
    assert done.returncode == 0, done.stderr
    captions = quote_figures(done.stdout)
    assert len(captions) == 6
    source = SAMPLE.read_text(encoding="utf-8")
    assert captions == re.findall(r'\{\{< quote caption="([^"]*)" >\}\}', source)
    assert "{{" not in done.stdout and not done.stderr


def test_sample_docx_is_valid(tmp_path: Path) -> None:
    out = tmp_path / "post.docx"
    done = run_pandoc(SAMPLE, "-o", str(out))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as docx:
        assert docx.testzip() is None
        root = ElementTree.fromstring(docx.read("word/document.xml"))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    text = "".join(node.text or "" for node in root.iter(f"{ns}t"))
    source = SAMPLE.read_text(encoding="utf-8")
    for caption in re.findall(r'\{\{< quote caption="([^"]*)" >\}\}', source):
        assert f"— {caption}" in text
    assert "{{" not in text


def test_sample_latex(tmp_path: Path) -> None:
    done = run_pandoc(SAMPLE, "-t", "latex", "-s")
    assert done.returncode == 0, done.stderr
    latex = done.stdout
    assert latex.count("\\begin{quote}") == 6 == latex.count("\\end{quote}")
    assert "\\{\\{" not in latex and "{{<" not in latex
    assert latex.rstrip().endswith("\\end{document}")


@pytest.mark.parametrize("fmt", ["epub", "gfm"])
def test_other_formats(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"post.{fmt}"
    done = run_pandoc(SAMPLE_EN, "-t", fmt, "-o", str(out))
    assert done.returncode == 0, done.stderr
    if fmt == "gfm":
        assert "{{<" not in out.read_text(encoding="utf-8")
    else:
        with zipfile.ZipFile(out) as epub:
            body = "".join(
                epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml")
            )
        assert body.count('<figure class="quote">') == 6


def _shape(html: str) -> dict[str, object]:
    reader = _Reader()
    reader.feed(html)
    shown = "".join(reader.text)
    return {
        "captions": reader.captions,
        "callouts": re.findall(r'class="callout (\w+)"', html),
        "code blocks": len(reader.codes),
        "leaks": sum(shown.count(token) for token in TOKENS),
    }


POSTS = sorted(p for p in (FIXTURES / "posts").rglob("*.md") if p.name != "README.md")


@pytest.mark.parametrize("post", POSTS, ids=["/".join(p.parts[-4:-1]) for p in POSTS])
def test_plain_pandoc_matches_renderer(post: Path) -> None:
    """Same figures, callouts, code blocks and no leaks: the text survives pandoc there."""
    done = run_pandoc(
        post, "-t", "html", "-M", "presskit.base-url=https://istio.io", cwd=post.parent
    )
    assert done.returncode == 0, done.stderr
    loaded = load_post(post)
    ours = convert(
        loaded, Conversion(lang=loaded.lang, base_url="https://istio.io", warn=lambda d: None)
    )
    plain, renderer = _shape(done.stdout), _shape(ours)
    assert plain["leaks"] == renderer["leaks"] == 0
    assert plain == renderer


def test_captions_print_as_typed_under_plain_pandoc(tmp_path: Path) -> None:
    post = tmp_path / "index.md"
    post.write_text(
        '---\ntitle: T\n---\n{{< quote caption="A <b> & *x* it\'s" >}}\nWords.\n{{< /quote >}}\n',
        encoding="utf-8",
    )
    done = run_pandoc(post, "-t", "html")
    assert done.returncode == 0, done.stderr
    # text, never markup (its apostrophe typographic, as pandoc makes the body's)
    assert "<figcaption>A &lt;b&gt; &amp; *x* it’s</figcaption>" in done.stdout


def test_unknown_policies_under_plain_pandoc(tmp_path: Path) -> None:
    post = tmp_path / "index.md"
    post.write_text("Before\n\n{{< mystery a=1 >}}\nInside.\n{{< /mystery >}}\n", encoding="utf-8")
    kept = run_pandoc(post, "-t", "html")
    assert kept.returncode == 0 and "Inside." in kept.stdout and "{{" not in kept.stdout
    assert 'unsupported shortcode "mystery"' in kept.stderr
    dropped = run_pandoc(post, "-t", "html", "-M", "presskit.unknown=drop")
    assert dropped.returncode == 0 and "Inside." not in dropped.stdout
    failed = run_pandoc(post, "-t", "html", "-M", "presskit.unknown=error")
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert 'presskit-filter: error: unsupported shortcode "mystery"' in failed.stderr


def test_values_and_links_under_plain_pandoc(tmp_path: Path) -> None:
    post = tmp_path / "index.md"
    post.write_text(
        "Use {{<istio_release_name>}}: [tree]({{< github_tree >}}/samples) [n](/news/) "
        "[o](../other/)\n",
        encoding="utf-8",
    )
    done = run_pandoc(
        post,
        "-t",
        "html",
        "-M",
        "presskit.base-url=https://istio.io",
        "-M",
        "presskit.page-url=/blog/2024/x/",
        "-M",
        "presskit.values.istio_release_name=1.24",
        extensions="presskit.shortcodes.istio",
    )
    assert done.returncode == 0, done.stderr
    assert "Use 1.24:" in done.stdout
    assert 'href="https://github.com/istio/istio/tree/master/samples"' in done.stdout
    assert 'href="https://istio.io/news/"' in done.stdout
    assert 'href="https://istio.io/blog/2024/other/"' in done.stdout


def test_sample_zh_fixture_is_the_example() -> None:
    # The example adds press-release keys (embargo, dateline…) to the front matter only.
    def body(path: Path) -> str:
        return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]

    assert body(SAMPLE) == body(SAMPLE_ZH)


def test_video_shortcodes_are_links_where_no_page_is_laid_out(tmp_path):
    """Word, Markdown, LaTeX: Hugo's `youtube`/`vimeo` print the video's page as a link, under
    the words a title gives (or "View online"); no QR code without a layout to hold it."""
    post = tmp_path / "post.md"
    post.write_text(
        'Intro.\n\n{{< vimeo id=55073825 >}}\n\n{{< youtube id=w7Ft2ymGmfc title="The demo" >}}\n',
        encoding="utf-8",
    )
    done = run_pandoc(post, "-t", "gfm")
    assert done.returncode == 0, done.stderr
    assert "**View online**\\\n<https://vimeo.com/55073825>" in done.stdout, done.stdout
    assert "**The demo**\\\n<https://www.youtube.com/watch?v=w7Ft2ymGmfc>" in done.stdout
    assert "unsupported" not in done.stderr
