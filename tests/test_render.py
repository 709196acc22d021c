"""The foundation's promises, checked on the real sample post as a journalist would read it."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pypdf
import pytest
from conftest import (
    EXAMPLE_CONFIG,
    SAMPLE_ZH,
    pdffonts,
    pdftotext,
    run_presskit,
)

CAPTIONS = [
    "Sven Mawson, Istio 共同创始人兼 SambaNova Systems 首席软件架构师",
    "Shriram Rajagopalan，Amalgam8 联合创立者",
    "Jasmine Jaksic，第一任 Istio TPM",
    "Martin Taillefer，最初的 Istio 工程师",
    "Douglas Reid，最初的 Istio 工程师和 Steamship 创始工程师",
    "Brian Avery，前 TOC 成员，Istio 产品安全负责人和测试与发布负责人",
]
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


def flowing(text: str) -> str:
    """pdftotext ends every printed line with a newline; joining them gives the running text."""
    return re.sub(r"\n+", "", text)


def test_all_six_quote_captions_are_printed(sample_pdf):
    text = flowing(pdftotext(sample_pdf))
    for caption in CAPTIONS:
        assert caption in text


def test_chinese_line_breaks_do_not_become_spaces(sample_pdf):
    text = flowing(pdftotext(sample_pdf))
    # After full-width punctuation before Latin text, the case pandoc's extension misses.
    assert "Intel、Red Hat、Tetrate、Solo.io 和 DaoCloud（还有更多公司）发布的博文" in text
    # Between two wide characters, across a link.
    assert "提交演讲话题，这是与 KubeCon China" in text
    assert re.search(f"{CJK} {CJK}", text) is None, re.findall(f".{{6}}{CJK} {CJK}.{{6}}", text)


def test_fonts_are_embedded_subset_noto_cjk_sc(sample_pdf):
    fonts = pdffonts(sample_pdf)
    assert fonts, "no fonts in the PDF"
    names = [row[0] for row in fonts]
    assert any("Noto-Sans-CJK-SC" in name for name in names), names
    for row in fonts:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row


def test_pdf_metadata_comes_from_the_post(sample_pdf):
    reader = pypdf.PdfReader(sample_pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Istio 正式从 CNCF 毕业的公告"
    assert meta.author == "Craig Box, for the Istio Steering Committee"
    assert str(meta["/Keywords"]) == "Istio, CNCF"
    assert str(meta["/CreationDate"]).startswith("D:20230712")
    root: Any = reader.trailer["/Root"]  # a dictionary object; pypdf types it as any object
    assert root["/Lang"] == "zh-CN"
    outline: Any = reader.outline
    assert [item["/Title"] for item in outline] == ["Istio 正式从 CNCF 毕业的公告"]


def test_cover_contents_numbers_are_the_pages_its_links_reach(sample_pdf):
    """The cover is laid out apart from the body (see `pdf.lay_out`): its printed page
    numbers and its links must still agree with where each part really starts."""
    reader = pypdf.PdfReader(sample_pdf)
    texts = pdftotext(sample_pdf).split("\f")
    printed = dict(re.findall(r"^\s*(\S[^\n.]*?)\s*\.{5,}\s*(\d+)\s*$", texts[0], re.M))
    assert list(printed) == ["新闻稿", "关于 Istio", "媒体联系人", "引言摘录"], texts[0]
    targets = {
        name: (reader.get_destination_page_number(dest) or 0) + 1
        for name, dest in reader.named_destinations.items()
    }
    links = [
        annot.get_object()["/Dest"]
        for annot in reader.pages[0].get("/Annots", [])
        if "/Dest" in annot.get_object()
    ]
    assert list(dict.fromkeys(links)) == ["pk-release", "pk-about", "pk-contacts", "pk-quotes"]
    assert [int(n) for n in printed.values()] == [targets[name] for name in dict.fromkeys(links)]
    assert targets["pk-release"] == 2
    assert "Istio 正式从 CNCF 毕业的公告" in texts[targets["pk-release"] - 1]
    for title, number in list(printed.items())[1:]:  # the release itself has no heading
        assert title in texts[int(number) - 1]
    assert targets["pk-quotes"] > targets["pk-release"]  # a multi-page body: numbers that move


def test_cover_running_header_and_localized_footer(sample_pdf):
    reader = pypdf.PdfReader(sample_pdf)
    pages = len(reader.pages)
    assert pages >= 3
    cover = pdftotext(sample_pdf).split("\f")[0]
    title = "Istio 正式从 CNCF 毕业的公告"
    for expected in ("新闻稿", title, "2023年7月12日", "Craig Box", "CNCF"):
        assert expected in cover
    second = pdftotext(sample_pdf).split("\f")[1]
    assert f"第 2 页，共 {pages} 页" in second
    assert "ISTIO" in second  # brand in the running header (small caps via uppercase)


def test_english_sample_is_localized_in_english(sample_en_pdf):
    text = pdftotext(sample_en_pdf)
    assert "July 12, 2023" in text
    assert "PRESS RELEASE" in text  # the label, set in capitals by the theme
    assert re.search(r"Page 2 of \d+", text)
    assert "Sven Mawson, Istio co-founder and Chief Software Architect" in " ".join(text.split())
    root: Any = pypdf.PdfReader(sample_en_pdf).trailer["/Root"]
    assert root["/Lang"] == "en"


def test_html_command_writes_quote_figures(tmp_path):
    out = tmp_path / "zh.html"
    done = run_presskit(
        "html", str(SAMPLE_ZH), "--config", str(EXAMPLE_CONFIG), "-o", str(out), "--no-quotes-sheet"
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    figures = re.findall(
        r'<figure class="quote">\s*<blockquote>.*?</blockquote>\s*<figcaption>(.*?)</figcaption>',
        html,
        re.S,
    )
    assert [re.sub(r"\s+", " ", caption) for caption in figures] == CAPTIONS
    assert "{{<" not in html


def test_quote_with_blank_lines_and_hostile_caption(tmp_path):
    post = tmp_path / "post.md"
    post.write_text(
        '---\ntitle: "T"\n---\n\n{{< quote caption="A <b>&amp; *x*" >}}\nfirst\n\n'
        "second\n{{< /quote >}}\n",
        encoding="utf-8",
    )
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    html = done.stdout
    found = re.search(r'<figure class="quote">(.*?)</figure>', html, re.S)
    assert found is not None, html
    figure = found.group(1)
    assert "<p>first</p>" in figure and "<p>second</p>" in figure
    assert "<figcaption>A &lt;b&gt;&amp;amp; *x*</figcaption>" in figure


def test_missing_glyphs_fail_with_the_characters_and_a_font_to_install(tmp_path):
    char = "\U0002a6d6"  # CJK Extension B: rare in names, absent from Noto CJK
    covered = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True
    ).stdout.strip()
    if covered:
        pytest.skip(f"this machine has a font for U+2A6D6: {covered}")
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: Glyphs\n---\n\nHello {char}.\n", encoding="utf-8")
    out = tmp_path / "post.pdf"
    done = run_presskit("render", str(post), "-o", str(out), "--strict-fonts")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"error: {post}: no font has glyphs for U+2A6D6")
    assert "install" in done.stderr
    assert not out.exists()
    # Without --strict-fonts the same finding is one warning, and the PDF is written.
    done = run_presskit("render", str(post), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"warning: {post}: " + done.stderr.split(": ", 2)[2]
    assert "no font has glyphs for U+2A6D6" in done.stderr
    assert out.exists()


def test_page_size_from_config_and_default_brand(tmp_path):
    post = tmp_path / "post.md"
    post.write_text('+++\ntitle = "Letter"\n+++\nBody text.\n', encoding="utf-8")
    (tmp_path / "presskit.toml").write_text('page_size = "Letter"\n', encoding="utf-8")
    out = tmp_path / "post.pdf"
    done = run_presskit("render", str(post), "-o", str(out))
    assert done.returncode == 0, done.stderr
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "Press Office" in pdftotext(out)  # the neutral built-in brand
