"""Typography a press team would notice: an English apostrophe in a Chinese document."""

from __future__ import annotations

import subprocess
from typing import Any

import panflute as pf
import pytest
from conftest import pdftotext, run_presskit

from presskit.output.paper import LATIN_APOSTROPHE_CLASS
from presskit.shortcodes.textflow import mark_latin_apostrophes

POST = """---
title: "Istio’s 新闻"
---

Istio’s support 不是“引号”，it’s 中文。

## What’s new

‘Quoted’ words and 中’文 stay as they are.
"""


def _html(tmp_path, lang: str) -> str:
    post = tmp_path / "content" / lang / "news" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text(POST, encoding="utf-8")
    out = tmp_path / f"{lang}.html"
    done = run_presskit("html", str(post), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def test_cjk_document_sets_word_apostrophes_in_the_latin_face(tmp_path):
    """Noto Sans CJK draws `’` full-width: `it’s` printed as `it’ s` before this."""
    html = _html(tmp_path, "zh")
    span = f'<span class="{LATIN_APOSTROPHE_CLASS}">’</span>'
    assert f"Istio{span}s support" in html
    assert f"it{span}s" in html
    assert f"What{span}s new" in html
    assert "中’文" in html  # not between Latin letters: untouched
    assert f'<h1 class="title">Istio{span}s 新闻</h1>' in html  # the cover title too
    assert "<title>Istio’s 新闻</title>" in html  # metadata stays plain text
    # the stylesheet puts the Latin face before the CJK one for the span
    rule = next(line for line in html.splitlines() if line.startswith(".latin-punct {"))
    assert rule.index('"Noto Sans"') < rule.index('"Noto Sans CJK SC"')


def test_latin_document_is_left_alone(tmp_path):
    html = _html(tmp_path, "en")
    assert LATIN_APOSTROPHE_CLASS + '">' not in html
    assert "Istio’s support" in html


def test_split_keeps_every_character():
    doc = pf.Doc(pf.Para(pf.Str("don’t’s’"), pf.Space(), pf.Str("’x")))
    mark_latin_apostrophes(doc)
    assert pf.stringify(doc).strip() == "don’t’s’ ’x"
    spans = [e for e in doc.content[0].content if isinstance(e, pf.Span)]
    assert len(spans) == 2


def test_link_footnote_does_not_inherit_bold(tmp_path):
    """`**[CVE-2019-18801](…)**`: the footnote printed its URL in bold, unlike its neighbours."""
    from pypdf import PdfReader

    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: Bulletin\n---\n\n**[CVE-1](https://example.org/bold-link)** and "
        "[plain](https://example.org/plain-link).\n",
        encoding="utf-8",
    )
    out = tmp_path / "post.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--offline")
    assert done.returncode == 0, done.stderr
    fonts: dict[str, str] = {}

    def visit(text, _cm, _tm, font, _size):
        if font is not None and "example.org/" in text:
            fonts[text.strip()] = str(font.get("/BaseFont"))

    for page in PdfReader(out).pages:
        page.extract_text(visitor_text=visit)
    bold = [font for text, font in fonts.items() if "bold-link" in text]
    plain = [font for text, font in fonts.items() if "plain-link" in text]
    assert bold and plain, fonts
    assert bold == plain
    assert "Bold" not in bold[0]


@pytest.mark.parametrize("theme", ["default", "formal"])
def test_header_rule_spans_the_text_width(tmp_path, theme):
    """The running header's rule was drawn under each margin box: two short strokes, one under
    the brand and one under the title. It is one line across the text block now."""
    from PIL import Image

    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n" + "Text. " * 40 + "\n", encoding="utf-8")
    out = tmp_path / "post.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--theme", theme, "--offline")
    assert done.returncode == 0, done.stderr
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-f", "2", "-l", "2", str(out), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p-*.png"))).convert("L")
    width, _ = image.size
    left, right = round(20 / 25.4 * 72), width - round(20 / 25.4 * 72)  # 20 mm side margins
    header = range(round(15 / 25.4 * 72), round(26 / 25.4 * 72))  # around the 22 mm margin
    covered = max(
        sum(int(pixel(image, x, y)) < 240 for x in range(left + 2, right - 2)) for y in header
    )
    assert covered >= 0.95 * (right - left - 4)


NOTES_POST = """---
title: Notes
---

Five companies[^seats] are [listed](https://example.org/list).

[^seats]: Our [charter](https://example.org/charter) counts groups as one.
"""


def test_post_footnotes_join_the_page_footnotes(tmp_path):
    """`[^1]` notes were an end-of-post list numbered 1, 2… beside URL footnotes numbered 1, 2…
    on the same pages, with `↩` links that mean nothing on paper."""
    post = tmp_path / "post.md"
    post.write_text(NOTES_POST, encoding="utf-8")
    html_out, pdf_out = tmp_path / "post.html", tmp_path / "post.pdf"
    for command, out in (("html", html_out), ("render", pdf_out)):
        done = run_presskit(command, str(post), "-o", str(out))
        assert done.returncode == 0, done.stderr
    # (a note's URL carries invisible break marks; see paper.breakable_url)
    html = html_out.read_text(encoding="utf-8").replace("\u200b", "").replace("\u2060", "")
    assert 'class="footnotes' not in html and "↩" not in html
    assert (
        'companies<span class="link-note post-note">Our <a href="https://example.org/charter">'
        "charter</a> (https://example.org/charter) counts groups as one.</span>"
    ) in html
    pages = pdftotext(pdf_out).split("\f")
    page = next(p for p in pages if "Five companies" in p)
    assert "1. Our charter (https://example.org/charter) counts groups as one." in page
    assert "2. https://example.org/list" in page


def test_notes_with_blocks_stay_at_the_end():
    from presskit.output.paper import notes_on_page

    fragment = (
        '<p>x<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a>'
        '</p>\n<section id="footnotes" class="footnotes footnotes-end-of-document" '
        'role="doc-endnotes">\n<hr />\n<ol>\n<li id="fn1"><pre><code>code</code></pre></li>\n'
        "</ol>\n</section>\n"
    )
    assert notes_on_page(fragment) == fragment


def test_lead_in_paragraph_is_kept_with_its_code(tmp_path):
    """ "Translate the file with:" was left alone at a page's foot, its command overleaf."""
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: T\n---\n\nRun this:\n\n```bash\n$ istioctl x\n```\n\n"
        "Then these：\n\n- one\n- two\n\nA ratio 1:2 in a sentence.\n\nA plain paragraph:\n\n"
        "Another paragraph.\n",
        encoding="utf-8",
    )
    out = tmp_path / "post.html"
    done = run_presskit("html", str(post), "-o", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert '<p class="lead-in">Run this:</p>' in html
    assert '<p class="lead-in">Then these：</p>' in html
    assert "<p>A ratio 1:2 in a sentence.</p>" in html
    assert "<p>A plain paragraph:</p>" in html  # followed by text, not by what it introduces
    assert "p.lead-in { break-after: avoid; }" in html


def _fonts_of(pdf, words: tuple[str, ...]) -> dict[str, str]:
    from pypdf import PdfReader

    found: dict[str, str] = {}

    def visit(text, _cm, _tm, font, _size):
        for word in words:
            if font is not None and word in text:
                found[word] = str(font.get("/BaseFont"))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("theme", ["default", "formal"])
def test_cjk_emphasis_is_visible(tmp_path, theme):
    """CJK faces have no italic: `_安全方式_` printed like the words around it."""
    post = tmp_path / "content" / "zh" / "post" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: 强调\n---\n\n由于 _安全方式_ 完成。\n", encoding="utf-8")
    out = tmp_path / "post.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--theme", theme)
    assert done.returncode == 0, done.stderr
    fonts = _fonts_of(out, ("安全方式", "完成"))
    assert "Bold" in fonts["安全方式"], fonts
    assert "Bold" not in fonts["完成"], fonts


def test_title_apostrophes_are_escaped_first():
    from presskit.output.paper import latin_apostrophes_html

    html = str(latin_apostrophes_html("<b>it’s</b> & 中’文"))
    assert html == '&lt;b&gt;it<span class="latin-punct">’</span>s&lt;/b&gt; &amp; 中’文'


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ('Istio\'s "ambient" mode', "Istio’s “ambient” mode"),
        ("'Quoted' words", "‘Quoted’ words"),
        ("Back to the '90s", "Back to the ’90s"),
        ('He said "it\'s done"', "He said “it’s done”"),
        ('Istio 的"环境"模式', "Istio 的“环境”模式"),
        ("的'环境'模式", "的‘环境’模式"),
        ("No quotes", "No quotes"),
    ],
)
def test_typed_quotes_made_typographic(typed, printed):
    from presskit.shortcodes.typography import typographic_quotes

    assert typographic_quotes(typed) == printed


def test_title_and_metadata_get_typographic_quotes(tmp_path):
    post = tmp_path / "content/en/news/x/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(
        '---\ntitle: Istio\'s "ambient" mode\nsubtitle: Sidecars aren\'t "required"\n'
        "description: It's here\nauthor: Pat O'Brien\n---\n\nText.\n",
        encoding="utf-8",
    )
    out = tmp_path / "x.pdf"
    done = run_presskit("render", str(post), "-o", str(out))
    assert done.returncode == 0, done.stderr
    cover = pdftotext(out).split("\f")[0]
    for printed in ("Istio’s “ambient” mode", "Sidecars aren’t “required”", "It’s here"):
        assert printed in cover, printed
    assert "Pat O’Brien" in cover
    assert "'" not in cover and '"' not in cover
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "Istio’s “ambient” mode" in info.stdout and "Pat O’Brien" in info.stdout


def pixel(image: Any, x: int, y: int) -> int:
    """A grey image's value at (x, y) (Pillow types `getpixel` for every mode at once)."""
    value = image.getpixel((x, y))
    assert isinstance(value, int)
    return value


def test_shortcode_captions_and_speakers_get_typographic_quotes(tmp_path):
    """A shortcode's words are text, never Markdown: pandoc's `smart` extension did not see
    them, and `caption="Istio's 4th Birthday!"` (corpus istio-4th-birthday) printed a straight
    apostrophe under a body of `Istio’s`."""
    post = tmp_path / "content/en/news/x/index.md"
    post.parent.mkdir(parents=True)
    (post.parent / "1.png").write_bytes(b"")
    post.write_text(
        "---\ntitle: T\n---\n\nIstio's birthday.\n\n"
        '{{< image link="./gone.png" caption="Istio\'s 4th Birthday!" alt="The \'cake\'" >}}\n\n'
        "{{< quote caption=\"Pat O'Brien, 'the' CTO\" >}}\nIt works.\n{{< /quote >}}\n",
        encoding="utf-8",
    )
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    html = done.stdout[done.stdout.index("<main") :]
    assert "Istio’s birthday." in html
    assert "<figcaption>Istio’s 4th Birthday!</figcaption>" in html
    assert "The ‘cake’" in html
    assert "Pat O’Brien, ‘the’ CTO" in html
    assert "O'Brien" not in html and "Istio's" not in html
