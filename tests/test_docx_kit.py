"""`presskit build --formats pdf,docx --kit NAME`: the kit in Word too (NAME.docx), made of
the posts as their own .docx files have them, behind a cover and a contents page."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_CONFIG, pdftotext
from test_docx import DEJAVU, R_NS, Docx, W, brand_font, found, libreoffice_pdf

from presskit.batch.builder import build
from presskit.batch.manifest import Reporter
from presskit.errors import PresskitError

QUOTE = '{{{{< quote caption="{who}" >}}}}\n{words}\n{{{{< /quote >}}}}'

# a build making the PDF kit and the Word kit beside it
KIT_OPTIONS: dict[str, Any] = {
    "config": EXAMPLE_CONFIG,
    "kit": "press-kit",
    "formats": "pdf,docx",
    "jobs": 1,
}


def post(root: Path, rel: str, title: str, date: str, body: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", "utf-8")
    return path


def three_posts(root: Path) -> None:
    post(
        root,
        "en/blog/2023/older/index.md",
        "Older English news",
        "2023-03-01",
        "Old text with a [link](https://example.com/x).\n\n## Details\n\nMore.",
    )
    post(
        root,
        "en/blog/2024/launch/index.md",
        "Launch day",
        "2024-06-01",
        "New text.\n\n" + QUOTE.format(who="Ann Lee, CEO", words="We are thrilled."),
    )
    post(
        root,
        "zh/blog/2024/launch/index.md",
        "发布日",
        "2024-06-01",
        "新的文字。\n\n"
        + QUOTE.format(who="李安，首席执行官", words="我们非常高兴。")
        + "\n\n## Details\n\n更多内容。",
    )


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("wordkit")
    root = base / "content"
    three_posts(root)
    out = base / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", formats="pdf,docx", jobs=2)
    return result, out, root


def test_the_word_kit_holds_every_post_in_kit_order(kit):
    result, out, _ = kit
    assert result.ok, (result.kit_error, result.kits, [d.error for d in result.failed])
    assert (out / "press-kit.pdf").is_file() and (out / "press-kit.zip").is_file()
    docx = Docx.open(out / "press-kit.docx")
    text = docx.text
    # cover, contents, then the posts as the PDF kit orders them: en (newest first), zh
    assert docx.styled("KitTitle") == ["Istio press kit"]
    assert docx.styled("KitLanguages") == ["Languages: English · 简体中文"]
    assert docx.styled("ContentsTitle") == ["Contents · 目录"]
    assert docx.styled("ContentsGroup") == ["English", "简体中文"]
    assert [p.split(" · ")[0] for p in docx.styled("ContentsEntry")] == [
        "Launch day",
        "Older English news",
        "发布日",
    ]
    assert docx.styled("Title") == ["Launch day", "Older English news", "发布日"]
    # each post opens a page: a Word section of its own (cover and contents one, each post
    # one), a new page each (no w:type: nextPage), its own header and footer; notes numbered
    # through (LibreOffice prints 0 for every note numbered again in each section)
    assert len(docx.styled("KitPostStart")) == 3
    document = docx.xml("word/document.xml")
    sections = list(document.iter(f"{W}sectPr"))
    assert len(sections) == 4 and all(s.find(f"{W}type") is None for s in sections)
    assert not [s for s in sections if s.find(f"{W}footnotePr") is not None]
    footers = [found(s, f"{W}footerReference").get(f"{{{R_NS}}}id") for s in sections]
    assert len(set(footers)) == 4
    rels = docx.parts["word/_rels/document.xml.rels"].decode()
    last = docx.parts["word/presskit-kit-footer3.xml"].decode()  # the Chinese post's
    assert "第" in last and "Page" not in last and str(footers[3]) in rels
    assert "Page" in docx.parts["word/presskit-kit-footer1.xml"].decode()
    # no shortcode leaks; quotes keep their captions, each post's sheet too; CJK intact
    assert "{{<" not in text and "caption=" not in text and "/quote" not in text
    assert docx.styled("QuoteCaption").count("— Ann Lee, CEO") == 2  # the body and its sheet
    captions = [caption.replace("\u2060", "") for caption in docx.styled("QuoteCaption")]
    assert captions.count("——李安，首席执行官") == 2  # (the last characters bound: U+2060)
    plain = text.replace("\u2060", "")
    assert "我们非常高兴。" in plain and "新的文字。" in plain
    # labels in each post's language: the zh post's status, kind and About are Chinese
    assert docx.styled("DocumentKind") == [
        "Press kit · 新闻资料包",
        *["Press release"] * 2,
        "新闻稿",
    ]
    assert "关于 Istio" in plain and "About Istio" in plain
    assert docx.footnotes == ["https://example.com/x"]
    # the contents link to their posts (bookmarks in the titles)
    anchors = [h.get(f"{W}anchor") for h in document.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    marks = {b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")}
    assert anchors[:3] == ["kit-post-1", "kit-post-2", "kit-post-3"]
    assert set(anchors[:3]) <= marks
    # the Chinese post is marked Chinese (spelling, line breaking), the English ones English
    langs = [(lang.get(f"{W}val"), lang.get(f"{W}eastAsia")) for lang in document.iter(f"{W}lang")]
    assert any("zh" in str(value) for pair in langs for value in pair), langs


def test_the_manifest_records_a_kit_per_format_and_keeps_the_pdf_key(kit):
    _, out, _ = kit
    record = json.loads((out / "manifest.json").read_text("utf-8"))["kit"]
    assert record["pdf"] == "press-kit.pdf" and record["zip"] == "press-kit.zip"
    assert set(record["formats"]) == {"pdf", "docx"}
    word = record["formats"]["docx"]
    assert word["file"] == "press-kit.docx" and word["error"] is None and word["pages"] is None
    assert record["formats"]["pdf"]["sha256"] == record["pdf_sha256"]


def test_an_unchanged_word_kit_is_not_rewritten_and_an_edit_rewrites_it(tmp_path):
    root = tmp_path / "content"
    three_posts(root)
    out = tmp_path / "out"

    class Notes(Reporter):
        def __init__(self) -> None:
            self.lines: list[str] = []

        def note(self, text: str) -> None:
            self.lines.append(text)

    options = dict(KIT_OPTIONS)
    assert build([root], out, **options).ok
    kit = out / "press-kit.docx"
    first = kit.read_bytes()
    stamp = kit.stat().st_mtime_ns
    notes = Notes()
    again = build([root], out, reporter=notes, **options)
    assert again.ok and kit.stat().st_mtime_ns == stamp
    assert (
        "kit press-kit.docx unchanged" in notes.lines
        and "kit press-kit.pdf unchanged" in notes.lines
    )
    post(root, "en/blog/2024/launch/index.md", "Launch day, revised", "2024-06-01", "Other text.")
    edited = build([root], out, **options)
    assert edited.ok
    assert kit.read_bytes() != first
    assert "Launch day, revised" in Docx.open(kit).styled("Title")


def test_a_word_kit_that_fails_leaves_the_older_file_and_fails_alone(tmp_path, monkeypatch):
    import presskit.output.docxkit as docxkit

    root = tmp_path / "content"
    three_posts(root)
    out = tmp_path / "out"
    options = dict(KIT_OPTIONS)
    assert build([root], out, **options).ok
    older = (out / "press-kit.docx").read_bytes()
    post(root, "en/blog/2024/new/index.md", "Another", "2024-07-01", "Text.")

    def broken(job: object) -> bytes:
        raise PresskitError("pandoc failed", "somewhere.md")

    monkeypatch.setattr(docxkit, "kit_docx", broken)
    result = build([root], out, **options)
    assert not result.ok and result.kit_error is None  # the PDF kit is made
    assert "Another" in pdftotext(out / "press-kit.pdf", layout=False)
    assert result.kits["docx"].error is not None and "pandoc failed" in result.kits["docx"].error
    assert (out / "press-kit.docx").read_bytes() == older
    record = json.loads((out / "manifest.json").read_text("utf-8"))["kit"]
    assert "pandoc failed" in record["formats"]["docx"]["error"]
    monkeypatch.undo()
    assert build([root], out, **options).ok  # and the next build makes it
    assert "Another" in Docx.open(out / "press-kit.docx").styled("Title")


def test_the_word_kit_reads_what_each_post_may_read_only(tmp_path):
    """The kit's posts go through their own fetch policy: a picture outside a post's tree
    stays out, an SVG naming an address is refused, as in the post's own .docx."""
    root = tmp_path / "site/content"
    secret = tmp_path / "site/secret.png"
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    secret.parent.mkdir(parents=True)
    secret.write_bytes(png)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><image width="5" height="5" '
        'xlink:href="http://127.0.0.1:9/beacon.png"/></svg>'
    )
    data = base64.b64encode(svg.encode()).decode()
    post(
        root,
        "en/a/index.md",
        "A",
        "2024-01-01",
        f"![outside](../../../secret.png)\n\n![beacon](data:image/svg+xml;base64,{data})",
    )
    (root / "en/b").mkdir(parents=True)
    (root / "en/b/own.png").write_bytes(png)
    post(root, "en/b/index.md", "B", "2024-01-02", "![own](own.png)")
    out = tmp_path / "out"
    result = build(
        [root], out, config=EXAMPLE_CONFIG, kit="k", formats="pdf,docx", jobs=1, offline=True
    )
    assert result.kits["docx"].error is None, result.kits
    docx = Docx.open(out / "k.docx")
    assert len(docx.media) == 1  # B's own picture; not the secret, not the SVG
    assert b"127.0.0.1" not in b"".join(docx.parts.values())


def test_brand_fonts_are_embedded_in_the_word_kit(tmp_path):
    if not DEJAVU.is_file():
        pytest.skip("DejaVu Serif (fonts-dejavu-core) is not installed")
    brand = tmp_path / "brand"
    brand_font(DEJAVU, brand / "fonts/Body-Regular.ttf")
    config = brand / "presskit.toml"
    config.write_text(
        '[brand]\nname = "B"\n[brand.fonts]\nbody = "Presskit Test Serif"\n'
        '[[brand.font_files]]\nfamily = "Presskit Test Serif"\npath = "fonts/Body-Regular.ttf"\n',
        "utf-8",
    )
    root = tmp_path / "content"
    post(root, "en/a/index.md", "A", "2024-01-01", "Words.")
    post(root, "en/b/index.md", "B", "2024-01-02", "More words.")
    out = tmp_path / "out"
    result = build([root], out, config=config, kit="k", formats="pdf,docx", jobs=1)
    assert result.ok, result.kits
    docx = Docx.open(out / "k.docx")
    assert [n for n in docx.parts if n.startswith("word/fonts/")] == ["word/fonts/font1.odttf"]
    assert b"<w:embedTrueTypeFonts/>" in docx.parts["word/settings.xml"]


def test_libreoffice_prints_the_word_kit_a_page_per_post(kit, tmp_path):
    _, out, _ = kit
    pdf = libreoffice_pdf(out / "press-kit.docx", tmp_path)
    pages = pdftotext(pdf, layout=False).split("\f")
    assert "Istio press kit" in pages[0] and "Contents" not in pages[0]
    assert "Contents · 目录" in pages[1]
    titles = ("Launch day", "Older English news", "发布日")
    opened = {
        title: next(n for n, page in enumerate(pages[2:], 2) if f"\n{title}\n" in f"\n{page}")
        for title in titles
    }
    assert opened["Launch day"] < opened["Older English news"] < opened["发布日"]
    for title, n in opened.items():  # each post's head opens its page: nothing of another
        head = pages[n][: pages[n].index(title)]
        assert "Istio" in head and not any(other in head for other in titles), head
    assert "第" in pages[opened["发布日"]] and "Page" not in pages[opened["发布日"]]
    assert "Page" in pages[opened["Launch day"]]  # each post's footer in its language
    assert re.search(r"\n1\n+https://example.com/x", "\n".join(pages))  # its number, not 0
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "CJK" in fonts.stdout  # the Chinese post in the CJK face, not boxes


def test_the_zip_still_holds_the_posts_files(kit):
    _, out, _ = kit
    with zipfile.ZipFile(out / "press-kit.zip") as archive:
        names = archive.namelist()
    assert "en/blog/2024/launch.docx" in names and "en/blog/2024/launch.pdf" in names


def test_a_chinese_kit_speaks_chinese_in_word(tmp_path):
    root = tmp_path / "content"
    post(root, "zh/blog/2024/a/index.md", "第一篇", "2024-06-01", "第一篇的文字。")
    post(root, "zh/blog/2024/b/index.md", "第二篇", "2024-05-01T10:00:00+08:00", "第二篇的文字。")
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", formats="docx", jobs=1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    docx = Docx.open(out / "press-kit.docx")
    assert docx.styled("DocumentKind")[0] == "新闻资料包"
    assert docx.styled("ContentsTitle") == ["目录"] and docx.styled("ContentsGroup") == []
    assert docx.styled("KitLanguages") == ["简体中文"]
    assert docx.styled("Title") == ["第一篇", "第二篇"]  # newest first
    # a day and a moment on one cover (they do not compare as they are)
    assert docx.styled("ReleaseMeta")[0] == "发布日期：2024年5月1日 – 2024年6月1日"
    footer = docx.parts["word/presskit-footer.xml"]
    assert "第".encode() in footer and b"Page" not in footer  # 第 2 页，共 9 页
    styles = docx.xml("word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None and lang.get(f"{W}eastAsia") == "zh-CN"


NO_CHANGE_KIT = """
import sys
from pathlib import Path
from presskit.batch.builder import build
result = build([sys.argv[1]], Path(sys.argv[2]), config=Path(sys.argv[3]), kit="press-kit",
               formats="pdf,docx", jobs=1)
assert result.count("built") == 0 and result.ok, result.summary()
print("loaded:", [m for m in ("presskit.output.docxkit", "panflute") if m in sys.modules])
"""


def test_an_unchanged_word_kit_is_checked_without_loading_word(kit):
    """The no-change build (a preview's save of nothing, `build --watch`) does not import the
    Word kit's writer, the docx backend and panflute to learn that the kit is unchanged."""
    _, out, root = kit
    done = subprocess.run(
        [sys.executable, "-c", NO_CHANGE_KIT, str(root), str(out), str(EXAMPLE_CONFIG)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout


def test_docx_before_pdf_makes_the_same_two_kits(tmp_path):
    root = tmp_path / "content"
    post(root, "en/a/index.md", "A", "2024-01-01", "Words.")
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="k", formats="docx,pdf", jobs=1)
    assert result.ok and result.kit_format == "pdf" and set(result.kits) == {"docx"}
    record = json.loads((out / "manifest.json").read_text("utf-8"))["kit"]
    assert record["pdf"] == "k.pdf" and record["formats"]["docx"]["file"] == "k.docx"
    assert result.kit_sections_rendered == 1  # laid out beside its post, as with pdf,docx
    assert Docx.open(out / "k.docx").styled("Title") == ["A"]
