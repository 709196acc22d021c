"""The Word backend: what the PDF promises, checked in the .docx's own XML.

A .docx is a zip of WordprocessingML; these tests open it and read `word/document.xml`,
`word/footnotes.xml`, `word/styles.xml` and the header, the way Word does: paragraphs by style,
footnotes by reference, fonts by slot (`w:eastAsia` for CJK). The corpus promise of
tests/test_corpus.py (no shortcode text leaks, `text` bodies verbatim, quote captions present)
is checked on the same posts. One test converts the .docx with LibreOffice (headless, from
Debian: `libreoffice-writer-nogui`) and reads the PDF it makes, so the file is proven to open
in a real word processor, not only to be well-formed XML. As a script it renders every post of
a folder and prints the figures: `python tests/test_docx.py [FOLDER]`.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from xml.etree import ElementTree as ET

import pytest
from conftest import EXAMPLE_CONFIG, FIXTURES, SAMPLE_EN, SAMPLE_ZH, pdftotext, run_presskit
from test_corpus import TOKENS, _walk, hugo_text_body

import presskit
from presskit.brand import Config
from presskit.errors import PresskitError
from presskit.output import backends
from presskit.output.page import Options
from presskit.output.release import parse_moment
from presskit.shortcodes.declare import REGISTRY
from presskit.source.lexer import parse
from presskit.source.post import load_post

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
AS_OF = "2023-07-11T09:00:00-07:00"
RELEASE_POST = FIXTURES / "release/content/en/news/launch/index.md"
RELEASE_CONFIG = FIXTURES / "release/presskit.toml"
# `make demo`'s post: the sample with an embargo and a dateline
DEMO_ZH = EXAMPLE_CONFIG.parent / "content/zh/blog/2023/istio-graduates-within-cncf/index.md"
BEFORE_EMBARGO = Options(now=parse_moment(AS_OF))


@dataclass
class Para:
    style: str
    text: str
    runs: list[tuple[str, str]] = field(default_factory=list)  # (character style, text)


def found(elem: ET.Element | None, path: str) -> ET.Element:
    """The element at `path` below `elem`, which the test requires to be there."""
    assert elem is not None
    child = elem.find(path)
    assert child is not None, path
    return child


def paragraph(elem: ET.Element) -> Para:
    style_elem = elem.find(f"{W}pPr/{W}pStyle")
    style = style_elem.get(f"{W}val", "") if style_elem is not None else ""
    parts: list[str] = []
    runs: list[tuple[str, str]] = []
    for run in elem.iter(f"{W}r"):
        rstyle = run.find(f"{W}rPr/{W}rStyle")
        text = []
        for child in run:
            if child.tag == f"{W}t":
                text.append(child.text or "")
            elif child.tag in (f"{W}br", f"{W}cr"):
                text.append("\n")
            elif child.tag == f"{W}tab":
                text.append("\t")
        parts.extend(text)
        runs.append((rstyle.get(f"{W}val", "") if rstyle is not None else "", "".join(text)))
    return Para(style, "".join(parts), runs)


@dataclass
class Docx:
    """A .docx read back: its paragraphs (document order, tables included) and other parts."""

    path: Path
    parts: dict[str, bytes]

    @classmethod
    def open(cls, path: Path) -> Docx:
        with zipfile.ZipFile(path) as archive:
            return cls(path, {name: archive.read(name) for name in archive.namelist()})

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.parts[name])

    @property
    def paragraphs(self) -> list[Para]:
        return [paragraph(p) for p in self.xml("word/document.xml").iter(f"{W}p")]

    def styled(self, style: str) -> list[str]:
        return [p.text for p in self.paragraphs if p.style == style]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def footnotes(self) -> list[str]:
        if "word/footnotes.xml" not in self.parts:
            return []
        notes = self.xml("word/footnotes.xml").iter(f"{W}footnote")
        return [
            "".join(paragraph(p).text for p in note.iter(f"{W}p")).strip()
            for note in notes
            if note.get(f"{W}type") is None  # not the separators
        ]

    @property
    def note_references(self) -> int:
        return sum(1 for _ in self.xml("word/document.xml").iter(f"{W}footnoteReference"))

    @property
    def media(self) -> list[str]:
        return [name for name in self.parts if name.startswith("word/media/")]


def render_docx(post: Path, out: Path, config: Config | Path | None = None, **options) -> Docx:
    result = presskit.render(post, out, config, to="docx", **options)
    assert result.output == out and result.pages is None and result.size == out.stat().st_size
    return Docx.open(out)


@pytest.fixture(scope="module")
def sample_zh(tmp_path_factory: pytest.TempPathFactory) -> Docx:
    out = tmp_path_factory.mktemp("docx") / "zh.docx"
    return render_docx(SAMPLE_ZH, out, EXAMPLE_CONFIG, options=BEFORE_EMBARGO)


@pytest.fixture(scope="module")
def release_en(tmp_path_factory: pytest.TempPathFactory) -> Docx:
    out = tmp_path_factory.mktemp("docx") / "launch.docx"
    return render_docx(RELEASE_POST, out, RELEASE_CONFIG, options=BEFORE_EMBARGO)


# --------------------------------------------------------------------------- structure


def test_links_become_real_word_footnotes(release_en: Docx) -> None:
    notes = release_en.footnotes
    assert "https://example.org/press/kit-announcement" in notes
    assert "https://blog.example.net/2023/press" in notes
    assert release_en.note_references == len(notes)


def test_quotes_keep_their_captions_in_word_styles(release_en: Docx) -> None:
    captions = release_en.styled("QuoteCaption")
    body = captions[: len(captions) // 2]  # the supporting-quotes sheet repeats them
    assert body == ["— Ada Lovelace, Chair, Example Foundation", "— Grace Hopper, Maintainer"]
    assert release_en.styled("PullQuote")[:2] == [
        "A press kit journalists can quote from.",
        "Every link printed on paper.",
    ]
    assert release_en.styled("QuotesSheetTitle") == ["Supporting quotes"]


def test_embargo_dateline_end_mark_about_and_contacts(release_en: Docx) -> None:
    status = release_en.styled("ReleaseStatusEmbargoed")
    assert status and status[0].startswith("Embargoed until July 12, 2023")
    header = release_en.parts["word/presskit-header.xml"].decode()
    assert "Example Foundation" in header and "Embargoed until" in header
    first = next(p for p in release_en.paragraphs if any(r[0] == "Dateline" for r in p.runs))
    dateline = "".join(text for style, text in first.runs if style == "Dateline")
    assert dateline == "SHANGHAI, July 13, 2023 —"
    assert first.text.startswith("SHANGHAI, July 13, 2023 — We are delighted")
    assert release_en.styled("EndMark") == ["###"]
    text = release_en.text
    assert "About Example Foundation" in text and "a neutral home for open source" in text
    contact = release_en.styled("Contact")
    assert contact == ["Press office\npress@example.org\n+1 555 0100"]
    assert release_en.styled("Title") == ["Example Foundation launches its press kit"]


def test_after_the_embargo_it_is_for_immediate_release(tmp_path: Path) -> None:
    docx = render_docx(RELEASE_POST, tmp_path / "x.docx", RELEASE_CONFIG)
    assert docx.styled("ReleaseStatus") == ["For immediate release"]
    assert "Embargoed" not in docx.parts["word/presskit-header.xml"].decode()


def test_cjk_text_fonts_and_language(sample_zh: Docx) -> None:
    text = sample_zh.text
    assert "Istio 正式从 CNCF 毕业的公告" in text
    assert "我们很高兴宣布" in text
    assert "\n上海" not in text.replace("\n\n", "")  # no line broken inside a sentence
    styles = sample_zh.xml("word/styles.xml")
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts is not None
    assert fonts.get(f"{W}eastAsia") == "Noto Sans CJK SC"
    assert fonts.get(f"{W}ascii") == "Noto Sans"
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None and lang.get(f"{W}eastAsia") == "zh-CN"
    # headings in the brand's primary colour, in the heading face
    heading = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "Heading2")
    assert found(heading, f"{W}rPr/{W}color").get(f"{W}val") == "1D3B6E"
    assert sample_zh.styled("EndMark") == ["（完）"]


def test_brand_fonts_go_into_every_slot_but_east_asian(tmp_path: Path) -> None:
    config = tmp_path / "presskit.toml"
    config.write_text(
        '[brand]\nname = "B"\nprimary = "#112233"\n'
        '[brand.fonts]\nbody = "Brand Serif"\nheadings = "Brand Sans"\nmono = "Brand Mono"\n',
        "utf-8",
    )
    docx = render_docx(SAMPLE_EN, tmp_path / "en.docx", config)
    styles = docx.xml("word/styles.xml")
    fonts = found(styles, f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}ascii") == "Brand Serif" and fonts.get(f"{W}hAnsi") == "Brand Serif"
    assert fonts.get(f"{W}eastAsia") == "Noto Sans CJK SC"
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    assert found(by_id["Title"], f"{W}rPr/{W}rFonts").get(f"{W}ascii") == "Brand Sans"
    assert found(by_id["SourceCode"], f"{W}rPr/{W}rFonts").get(f"{W}ascii") == "Brand Mono"
    assert found(by_id["Title"], f"{W}rPr/{W}color").get(f"{W}val") == "112233"


def test_the_head_of_a_chinese_release_in_word(tmp_path: Path) -> None:
    """The rule under the head is drawn; an embargo in two zones breaks between them, never
    inside a time; emphasis is bold in the CJK Emphasis style, never italic ideographs."""
    docx = render_docx(DEMO_ZH, tmp_path / "zh.docx", EXAMPLE_CONFIG, options=BEFORE_EMBARGO)
    styles = [p.style for p in docx.paragraphs]
    assert styles.count("FrontRule") == 1
    assert styles.index("FrontRule") < styles.index("BodyText")
    (status,) = docx.styled("ReleaseStatusEmbargoed")
    first, second = status.split("\n")
    assert first.endswith("（北京时间）／") and second.startswith("2023年7月12日")
    assert "UTC−07:00" in second
    # quote captions as the PDF prints them in Chinese: a double em dash, no space after it
    captions = docx.styled("QuoteCaption")
    assert captions and all(c.startswith("——") and c[2] != " " for c in captions), captions
    by_id = {s.get(f"{W}styleId"): s for s in docx.xml("word/styles.xml").iter(f"{W}style")}
    spacing = by_id["ReleaseStatus"].find(f"{W}rPr/{W}spacing")
    assert spacing is not None and spacing.get(f"{W}val") == "0"  # no tracking of ideographs
    # Latin words are English text (LibreOffice broke "Clo|udNativeCon" under a Chinese w:val)
    lang = docx.xml("word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None
    assert (lang.get(f"{W}val"), lang.get(f"{W}eastAsia")) == ("en-US", "zh-CN")

    folder = tmp_path / "content/zh/post"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        "---\ntitle: 强调\ndate: 2024-01-02\n---\n\n我们*非常*高兴，_Ambient_ 也是。\n", "utf-8"
    )
    emphasis = render_docx(folder / "index.md", tmp_path / "em.docx")
    runs = [run for p in emphasis.paragraphs for run in p.runs if run[0] == "CJKEmphasis"]
    assert [text for _style, text in runs] == ["非常", "Ambient"]
    assert b"<w:i />" not in emphasis.parts["word/document.xml"]
    assert b"<w:i/>" not in emphasis.parts["word/document.xml"]
    style = {s.get(f"{W}styleId"): s for s in emphasis.xml("word/styles.xml").iter(f"{W}style")}
    rpr = found(style["CJKEmphasis"], f"{W}rPr")
    assert rpr.find(f"{W}b") is not None and found(rpr, f"{W}i").get(f"{W}val") == "0"


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")


def brand_font(source: Path, target: Path, fs_type: int | None = None) -> Path:
    """A Latin subset of an installed face (small and quick), under a file name of the brand's."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    cutter = subset.Subsetter()
    cutter.populate(unicodes=range(0x20, 0x250))
    cutter.subset(font)
    if fs_type is not None:
        font["OS/2"].fsType = fs_type
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return target


def test_brand_font_files_are_embedded_as_word_embeds_them(tmp_path: Path) -> None:
    """ECMA-376 Part 1 §17.8.1: obfuscated parts keyed in fontTable.xml; LibreOffice, which has
    no face of that name installed, prints the release in it."""
    from fontTools.ttLib import TTFont

    from presskit.output.wordfonts import obfuscate

    if not (DEJAVU.is_file() and DEJAVU_BOLD.is_file()):
        pytest.skip("DejaVu Serif (fonts-dejavu-core) is not installed")
    brand = tmp_path / "brand"
    brand_font(DEJAVU, brand / "fonts/Body-Regular.ttf")
    brand_font(DEJAVU_BOLD, brand / "fonts/Body-Bold.ttf")
    brand_font(DEJAVU, brand / "fonts/Unused.ttf")
    brand_font(DEJAVU, brand / "fonts/Restricted.ttf", fs_type=0x0002)
    config = brand / "presskit.toml"
    config.write_text(
        '[brand]\nname = "B"\n[brand.fonts]\nbody = "Presskit Test Serif"\n'
        'headings = "Presskit Test Locked"\n'
        '[[brand.font_files]]\nfamily = "Presskit Test Serif"\npath = "fonts/Body-Regular.ttf"\n'
        '[[brand.font_files]]\nfamily = "Presskit Test Serif"\npath = "fonts/Body-Bold.ttf"\n'
        'weight = "bold"\n'
        '[[brand.font_files]]\nfamily = "Presskit Test Unused"\npath = "fonts/Unused.ttf"\n'
        '[[brand.font_files]]\nfamily = "Presskit Test Locked"\npath = "fonts/Restricted.ttf"\n',
        "utf-8",
    )
    post = tmp_path / "content/en/fonts/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(
        "---\ntitle: Fonts\ndate: 2024-01-02\n---\n\nRegular words and **bold words**.\n", "utf-8"
    )
    out = tmp_path / "en.docx"
    result = presskit.render(post, out, config, to="docx")
    assert any("licence forbids it" in str(w) for w in result.warnings), result.warnings
    docx = Docx.open(out)
    assert sorted(n for n in docx.parts if n.startswith("word/fonts/")) == [
        "word/fonts/font1.odttf",
        "word/fonts/font2.odttf",
    ]  # the unused family and the restricted face stay out
    table = docx.xml("word/fontTable.xml")
    font = next(f for f in table.iter(f"{W}font") if f.get(f"{W}name") == "Presskit Test Serif")
    embeds = [(e.tag.removeprefix(W), str(e.get(f"{W}fontKey"))) for e in font]
    assert [tag for tag, _ in embeds] == ["embedRegular", "embedBold"]
    rels = ET.fromstring(docx.parts["word/_rels/fontTable.xml.rels"])
    targets = {str(r.get("Id")): str(r.get("Target")) for r in rels}
    for element, (_tag, key) in zip(font, embeds, strict=True):
        rid = str(element.get(f"{{{R_NS}}}id"))
        data = docx.parts["word/" + targets[rid]]
        assert data[:4] != b"\x00\x01\x00\x00"  # obfuscated: not a bare TrueType header
        face = TTFont(io.BytesIO(obfuscate(data, key)))  # the same XOR undoes it
        assert face["name"].getDebugName(1) == "Presskit Test Serif"
    assert b"<w:embedTrueTypeFonts/>" in docx.parts["word/settings.xml"]
    # the schema's order: after w:zoom, before w:embedSystemFonts
    settings = docx.parts["word/settings.xml"].decode()
    assert settings.index("<w:zoom") < settings.index("<w:embedTrueTypeFonts")
    types = docx.parts["[Content_Types].xml"].decode()
    assert 'Extension="odttf"' in types and "obfuscatedFont" in types

    pdf = libreoffice_pdf(out, tmp_path)
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = [line.split()[0].split("+")[-1] for line in listed.stdout.splitlines()[2:]]
    assert "PresskitTestSerif-Regular" in names, listed.stdout
    assert "PresskitTestSerif-Bold" in names, listed.stdout


def test_callouts_tables_and_code(tmp_path: Path) -> None:
    folder = tmp_path / "content/en/post"
    folder.mkdir(parents=True)
    source = folder / "index.md"
    source.write_text(
        "---\ntitle: Parts\n---\n\nRun this:\n\n```sh\nkubectl get pods\nkubectl logs x\n```\n\n"
        "{{< warning >}}\nBack up first.\n{{< /warning >}}\n\n"
        "| Name | Value |\n|---|---|\n| a | 1 |\n\nText with `inline code`.\n",
        "utf-8",
    )
    docx = render_docx(source, tmp_path / "parts.docx")
    assert docx.styled("SourceCode") == ["kubectl get pods\nkubectl logs x"]
    assert docx.styled("CalloutLabelWarning") == ["Warning"]
    assert docx.styled("CalloutWarning") == ["Back up first."]
    body = docx.xml("word/document.xml")
    tables = list(body.iter(f"{W}tbl"))
    assert len(tables) == 1
    cells = ["".join(t.text or "" for t in c.iter(f"{W}t")) for c in tables[0].iter(f"{W}tc")]
    assert cells == ["Name", "Value", "a", "1"]
    assert any(
        style == "VerbatimChar" and text == "inline code"
        for p in docx.paragraphs
        for style, text in p.runs
    )
    assert "{{<" not in docx.text


def test_reproducible_bytes(tmp_path: Path) -> None:
    first = tmp_path / "a.docx"
    second = tmp_path / "b.docx"
    presskit.render(RELEASE_POST, first, RELEASE_CONFIG, to="docx")
    presskit.render(RELEASE_POST, second, RELEASE_CONFIG, to="docx")
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )
    core = Docx.open(first).parts["docProps/core.xml"].decode()
    assert "<dc:title>Example Foundation launches its press kit</dc:title>" in core
    assert "2023-07-10" in core


# --------------------------------------------------------------------------- untrusted posts


@pytest.fixture
def image_server():
    """A local HTTP server with one image: reachable, but local, so never fetched."""

    class Handler(http.server.BaseHTTPRequestHandler):
        hits: ClassVar[list[str]] = []

        def do_GET(self) -> None:
            Handler.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Handler.hits
    finally:
        server.shutdown()
        server.server_close()


# A 1 × 1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a1d9f7"
    "1c0000000049454e44ae426082"
)


def test_images_are_read_through_the_fetch_policy_only(tmp_path: Path, image_server) -> None:
    url, hits = image_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    folder = tmp_path / "site/content/en/post"
    folder.mkdir(parents=True)
    (folder / "ok.png").write_bytes(PNG)
    source = folder / "index.md"
    source.write_text(
        "---\ntitle: Images\n---\n\n![mine](ok.png)\n\n![outside](../../../../secret.png)\n\n"
        f"![absolute]({secret})\n\n![local server]({url}/x.png)\n\n"
        "```{=openxml}\n<w:p><w:r><w:t>RAW OPENXML</w:t></w:r></w:p>\n```\n",
        "utf-8",
    )
    result = presskit.render(source, tmp_path / "img.docx", to="docx")
    docx = Docx.open(tmp_path / "img.docx")
    assert len(docx.media) == 1  # ok.png only
    assert docx.parts[docx.media[0]] == PNG
    assert hits == []  # a local address is never asked, offline or not
    messages = " ".join(w.message for w in result.warnings)
    assert "outside the post's folder" in messages
    assert "local or private address" in messages
    assert "RAW OPENXML" not in docx.text  # a post's raw Word XML never reaches the file
    files = {Path(f).name for f in result.files}
    assert "ok.png" in files
    # no data: URL copied into the picture's description
    assert b"data:image" not in docx.parts["word/document.xml"]


def test_offline_means_no_request(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    source = folder / "index.md"
    source.write_text("---\ntitle: Off\n---\n\n![remote](https://example.com/x.png)\n", "utf-8")
    result = presskit.render(source, tmp_path / "off.docx", to="docx", offline=True)
    assert any("not fetched (offline)" in w.message for w in result.warnings)
    assert Docx.open(tmp_path / "off.docx").media == []


def test_a_failed_render_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"previous")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\n\nText\n", "utf-8")
    with pytest.raises(PresskitError):
        presskit.render(bad, out, to="docx")
    assert out.read_bytes() == b"previous"


# --------------------------------------------------------------------------- corpus


@dataclass
class Report:
    path: Path
    leaks: dict[str, int] = field(default_factory=dict)
    texts: int = 0
    texts_missing: list[str] = field(default_factory=list)
    captions: int = 0
    captions_missing: list[str] = field(default_factory=list)
    cjk_missing: bool = False


def check_post(path: Path, out: Path) -> Report:
    """tests/test_corpus.py's promise, read from the .docx."""
    post = load_post(path)
    docx = render_docx(path, out, Config(base_url="https://istio.io"))
    # U+2060 (word joiner) keeps a Chinese paragraph's last characters together: not text
    shown = (docx.text + "\n".join(docx.footnotes)).replace("\u2060", "")
    codes = set(docx.styled("SourceCode"))
    captions = {
        " ".join(c.replace("\u2060", "").removeprefix("— ").removeprefix("——").split())
        for c in docx.styled("QuoteCaption")
    }
    kept_texts, shortcodes = _walk(parse(post.body, warn=None))
    kept = "".join(kept_texts)
    report = Report(path)
    for token in TOKENS:
        extra = shown.count(token) - kept.count(token)
        if extra > 0:
            report.leaks[token] = extra
    for node in shortcodes:
        if node.children is not None and REGISTRY.is_verbatim(node.name):
            report.texts += 1
            body = hugo_text_body(post.body, node).replace("\u200b", "")
            if body.rstrip("\n") not in {c.replace("\u200b", "") for c in codes}:
                report.texts_missing.append(f"{node.line}: {body[:60]!r}")
        if node.name == "quote":
            caption = node.param("caption", node.param(0))
            if caption:
                report.captions += 1
                if " ".join(str(caption).split()) not in captions:
                    report.captions_missing.append(f"{node.line}: {caption}")
    if post.lang.startswith("zh"):
        # a run of the post's own Chinese, as written, is in the document
        sample = next((line for line in post.body.splitlines() if _mostly_cjk(line)), "")
        report.cjk_missing = bool(sample) and sample[:8] not in shown
    return report


def _mostly_cjk(line: str) -> bool:
    cjk = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 12 and cjk > len(line) / 2 and not line.startswith(("{{", "#", ">", "-"))


FIXTURE_POSTS = sorted(p for p in (FIXTURES / "posts").rglob("*.md") if p.name != "README.md")


@pytest.mark.parametrize("path", FIXTURE_POSTS, ids=[p.parent.name for p in FIXTURE_POSTS])
def test_fixture_posts_in_word(path: Path, tmp_path: Path) -> None:
    report = check_post(path, tmp_path / "post.docx")
    assert not report.leaks, f"shortcode text leaked: {report.leaks}"
    assert not report.texts_missing, f"text bodies not verbatim: {report.texts_missing}"
    assert not report.captions_missing, f"captions missing: {report.captions_missing}"
    assert not report.cjk_missing


# --------------------------------------------------------------------------- LibreOffice


def libreoffice_pdf(docx: Path, folder: Path) -> Path:
    """The .docx as LibreOffice prints it (its own profile: parallel tests do not share one)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run `make setup` (.ci/system-deps.sh installs it)"
    profile = (folder / "lo-profile").as_uri()
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={**os.environ, "HOME": str(folder)},
    )
    pdf = folder / (docx.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    return pdf


def test_libreoffice_opens_and_prints_it(tmp_path: Path) -> None:
    docx = tmp_path / "zh.docx"
    presskit.render(DEMO_ZH, docx, EXAMPLE_CONFIG, to="docx", options=BEFORE_EMBARGO)
    pdf = libreoffice_pdf(docx, tmp_path)
    text = pdftotext(pdf)
    assert "Istio 正式从 CNCF 毕业的公告" in text
    assert "新闻禁发" in text  # the embargo line, in the running head too
    assert "Shriram Rajagopalan" in text  # a quote's caption
    assert "https://www.cncf.io/blog/" in text  # a link's footnote
    assert "第 1 页，共" in text  # the footer's page field
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(x for x in pages.stdout.splitlines() if x.startswith("Pages:")).split()[1])
    assert 3 <= count <= 8
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 1000


# --------------------------------------------------------------------------- CLI and backends


def test_cli_render_to_docx(tmp_path: Path) -> None:
    done = run_presskit(
        "render", str(RELEASE_POST), "--config", str(RELEASE_CONFIG), "--to", "docx", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "launch.docx").is_file()
    assert done.stdout.startswith("wrote launch.docx (") and "pages" not in done.stdout
    inferred = run_presskit("render", str(RELEASE_POST), "-o", "out.docx", cwd=tmp_path)
    assert inferred.returncode == 0 and zipfile.is_zipfile(tmp_path / "out.docx")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "odt"], "unknown output format 'odt' (known: pdf, docx)"),
        (["--to", "docx", "-o", "x.pdf"], "--to docx writes a .docx file, not .pdf"),
        (["-o", "x.docx", "--pdf-variant", "pdf/a-3b"], "--pdf-variant applies to PDF output only"),
    ],
)
def test_cli_format_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = run_presskit("render", str(RELEASE_POST), *args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.docx"))


def test_a_backend_can_be_registered() -> None:
    class Text(backends.OutputBackend):
        name = "txt"
        suffix = ".txt"

        def render(self, job: backends.Job) -> backends.RenderResult:
            raise NotImplementedError

    backend = backends.register(Text())
    try:
        assert backends.for_output(Path("x.txt")) is backend
        assert backends.parse_formats("pdf, txt,pdf") == ("pdf", "txt")
    finally:
        backends._loaded.pop("txt")
    with pytest.raises(PresskitError, match="unknown output format 'txt'"):
        backends.parse_formats("txt")


def main(folder: Path) -> int:
    import tempfile

    posts = sorted(p for p in folder.rglob("*.md") if p.name != "README.md")
    bad = 0
    totals = [0, 0]
    with tempfile.TemporaryDirectory() as work:
        for number, path in enumerate(posts):
            try:
                report = check_post(path, Path(work) / f"{number}.docx")
            except PresskitError as error:
                print(f"skipped {path}: {error}")
                continue
            totals[0] += report.texts
            totals[1] += report.captions
            problems = [report.leaks, report.texts_missing, report.captions_missing]
            if any(problems) or report.cjk_missing:
                bad += 1
                print(f"FAIL {path}: {problems} cjk_missing={report.cjk_missing}")
    print(f"{len(posts)} posts, {bad} with problems; {totals[0]} text bodies, {totals[1]} captions")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES / "posts"))
