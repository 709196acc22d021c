"""The cover is laid out on its own, after the body (see `pdf.lay_out`); themes that cannot
be split that way, or whose cover spills over a page, still print as one document would."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
from conftest import EXAMPLE_CONFIG, ROOT, SAMPLE_EN, pdftotext

from presskit.output import pdf
from presskit.output.page import COVER_MARKER
from presskit.pipeline import prepare, render

DEFAULT = ROOT / "presskit" / "themes" / "default"

# A theme written before the split: no cover_mode, page numbers by target-counter().
OLD_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>{{ css }}
.toc a::after { content: " p. " target-counter(attr(href), page); }
.front { break-after: page; }
</style></head>
<body>
<section class="front"><h1>{{ cover_title }}</h1>
<p class="toc"><a href="#pk-about">About this release</a></p></section>
<main>{{ body }}</main>
<section id="pk-about" style="break-before: page"><h2>About us</h2></section>
</body></html>
"""


def theme_with(tmp_path: Path, template: str, css: str = "") -> Path:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "page.html.j2").write_text(template, "utf-8")
    (theme / "press.css").write_text((DEFAULT / "press.css").read_text("utf-8") + css, "utf-8")
    return theme


def test_a_theme_without_the_split_is_rendered_whole(tmp_path):
    theme = theme_with(tmp_path, OLD_TEMPLATE)
    assert COVER_MARKER not in prepare(SAMPLE_EN, EXAMPLE_CONFIG, theme=str(theme)).html
    result = render(SAMPLE_EN, tmp_path / "old.pdf", EXAMPLE_CONFIG, theme=str(theme))
    texts = pdftotext(result.output).split("\f")[:-1]
    assert len(texts) == (result.pages or 0) >= 3
    found = re.search(r"About this release p\. (\d+)", texts[0])
    assert found is not None, texts[0]
    number = int(found.group(1))
    assert number == len(texts)  # the last page: target-counter() still does the work
    assert "About us" in texts[number - 1]


def test_a_cover_that_spills_over_a_page_is_laid_out_with_the_body(tmp_path, monkeypatch):
    template = (DEFAULT / "page.html.j2").read_text("utf-8")
    # Content that fills more than the cover's fixed page: it runs on to a second page.
    spill = '<div class="spill" style="height: 400mm">Overflowing cover</div>\n</section>'
    template = template.replace("  </footer>\n</section>", "  </footer>\n" + spill, 1)
    assert "Overflowing cover" in template
    theme = theme_with(tmp_path, template, ".cover { height: auto; }\n")
    prepared = prepare(SAMPLE_EN, EXAMPLE_CONFIG, theme=str(theme))
    assert prepared.page.split() is not None
    calls: list[bool] = []
    real = pdf.lay_out

    def lay_out(html, base_url, fetcher, cover):
        calls.append(cover is not None)
        return real(html, base_url, fetcher, cover)

    monkeypatch.setattr(pdf, "lay_out", lay_out)
    result = render(SAMPLE_EN, tmp_path / "spill.pdf", EXAMPLE_CONFIG, theme=str(theme))
    assert calls == [True, False]  # tried apart, then as one document
    texts = pdftotext(result.output).split("\f")[:-1]
    release = pypdf.PdfReader(result.output).named_destinations["pk-release"]
    first_body_page = (pypdf.PdfReader(result.output).get_destination_page_number(release) or 0) + 1
    assert first_body_page >= 3  # the cover's two pages come first, then the release
    printed = re.search(r"Press release\s*\.{5,}\s*(\d+)", texts[0])
    assert printed and int(printed.group(1)) == first_body_page
    assert "Overflowing cover" in "".join(texts[: first_body_page - 1])
