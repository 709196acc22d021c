"""The quick library search finds what `ctypes.util.find_library` finds, and nothing else."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import pdftotext, run_python

from presskit.weasy import engine

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux")


@linux_only
@pytest.mark.parametrize(
    "name",
    # The names under which WeasyPrint finds its libraries on Debian, then ones it tries first.
    ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0"],
)
def test_finds_the_libraries_weasyprint_loads_as_ctypes_does(name):
    assert engine.find_library(name) == ctypes.util.find_library(name)
    assert engine.find_library(name) is not None


@linux_only
@pytest.mark.parametrize(
    "name",
    ["libgobject-2.0-0", "libpango-1.0-0.dll", "libharfbuzz.0.dylib", "no-such-library-at-all"],
)
def test_names_of_other_platforms_are_not_found(name):
    assert engine.find_library(name) is None


@linux_only
def test_library_path_folders_are_searched(tmp_path, monkeypatch):
    (tmp_path / "libpresskit-test.so.3").write_bytes(b"")
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path))
    assert engine.find_library("presskit-test") == "libpresskit-test.so.3"


def test_import_gives_weasyprint_and_restores_ctypes():
    code = (
        "import ctypes.util; before = ctypes.util.find_library\n"
        "from presskit.weasy import engine\n"
        "engine.start_import()\n"
        "from presskit.weasy.engine import HTML\n"
        "import weasyprint\n"
        "assert HTML is weasyprint.HTML\n"
        "assert ctypes.util.find_library is before\n"
        "print(weasyprint.__version__)\n"
    )
    assert run_python(code).strip()


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError):
        engine.Document  # noqa: B018


def test_array_types_are_the_ones_cffis_parser_builds():
    from presskit.weasy.engine import import_weasyprint

    import_weasyprint()
    from weasyprint.text.ffi import ffi

    assert isinstance(ffi._parsed_types, engine._ArrayTypes)
    built = ffi.typeof("hb_codepoint_t[11]")
    with ffi._lock:
        parsed = ffi._get_cached_btype(ffi._parser.parse_type("hb_codepoint_t[11]"))
    assert built is parsed
    assert list(ffi.new("hb_codepoint_t[3]", [7, 8, 9])) == [7, 8, 9]


def test_other_declarations_still_go_through_cffis_parser():
    from cffi import CDefError

    from presskit.weasy.engine import import_weasyprint

    import_weasyprint()
    from weasyprint.text.ffi import ffi

    assert ffi.typeof("char *").kind == "pointer"
    assert ffi.typeof("unsigned int [4]").length == 4
    with pytest.raises(CDefError):
        ffi.typeof("no_such_type_t[3]")


def test_array_types_are_cached_when_weasyprint_was_imported_directly():
    code = (
        "import weasyprint\n"
        "from weasyprint.text.ffi import ffi\n"
        "from presskit.weasy import engine\n"
        "assert engine.import_weasyprint() is weasyprint\n"
        "assert isinstance(ffi._parsed_types, engine._ArrayTypes)\n"
    )
    run_python(code)


def saved(pdf: bytes, folder) -> Path:
    """`pdf` as folder/doc.pdf (the folder is made), for poppler's tools."""
    folder.mkdir()
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    return path


def pages_as_png(pdf: bytes, folder) -> list[bytes]:
    path = saved(pdf, folder)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(folder / "page")], check=True)
    return [png.read_bytes() for png in sorted(folder.glob("page*.png"))]


def test_one_pass_subset_draws_what_weasyprints_two_passes_draw(tmp_path, monkeypatch):
    weasyprint = engine.import_weasyprint()
    from weasyprint.pdf import fonts

    if not hasattr(fonts.Font._harfbuzz_subset, "original"):
        pytest.skip("another WeasyPrint or HarfBuzz: its own subsetting is used")
    html = (
        "<p style='font-family: \"Noto Sans CJK SC\"'>中文标点，“引号”。Istio <b>毕业 Bold</b></p>"
        "<pre style='font-family: \"DejaVu Sans Mono\"'>kubectl apply -f mesh.yaml</pre>"
    )
    monkeypatch.setattr(engine, "_subset_compact", lambda *args: None)
    one_pass = weasyprint.HTML(string=html).write_pdf()
    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", fonts.Font._harfbuzz_subset.original)
    two_passes = weasyprint.HTML(string=html).write_pdf()
    assert pages_as_png(one_pass, tmp_path / "one") == pages_as_png(two_passes, tmp_path / "two")
    assert len(one_pass) <= len(two_passes) + 512


def pdf_text(pdf: bytes, folder) -> str:
    return pdftotext(saved(pdf, folder))


def font_file_subtypes(pdf: bytes) -> list[str]:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    subtypes = []
    for page in reader.pages:
        resources: Any = page["/Resources"]  # a dictionary object; pypdf types it as any object
        for font in resources["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            for key in ("/FontFile2", "/FontFile3"):
                if key in descriptor:
                    subtypes.append(str(descriptor[key].get_object().get("/Subtype", key)))
    return sorted(set(subtypes))


# Simplified forms near the end of Noto Sans CJK's glyphs, the punctuation that pulls extra
# glyphs into HarfBuzz's closure, Latin and a monospace TrueType font beside them.
CJK_HTML = (
    "<p style='font-family: \"Noto Sans CJK SC\"'>上海，2023年7月12日——我们很高兴宣布 Istio "
    "现已成为云原生计算基金会（CNCF）的毕业项目。“引号”、《书名》<b>毕业 Bold</b></p>"
    "<pre style='font-family: \"DejaVu Sans Mono\"'>kubectl apply -f mesh.yaml</pre>"
)


def test_compact_cjk_subset_draws_and_reads_as_weasyprints_own(tmp_path, monkeypatch):
    weasyprint = engine.import_weasyprint()
    from weasyprint import pdf as pdf_module
    from weasyprint.pdf import fonts

    if not hasattr(pdf_module.build_fonts_dictionary, "original"):
        pytest.skip("another WeasyPrint or HarfBuzz: its own subsetting is used")
    compact = weasyprint.HTML(string=CJK_HTML).write_pdf()
    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", fonts.Font._harfbuzz_subset.original)
    monkeypatch.setattr(
        pdf_module, "build_fonts_dictionary", pdf_module.build_fonts_dictionary.original
    )
    own = weasyprint.HTML(string=CJK_HTML).write_pdf()
    if "/CIDFontType0C" not in font_file_subtypes(compact):
        pytest.skip("no CID-keyed Noto Sans CJK on this machine")
    assert font_file_subtypes(own) == ["/FontFile2", "/OpenType"]
    assert font_file_subtypes(compact) == ["/CIDFontType0C", "/FontFile2"]
    assert pages_as_png(compact, tmp_path / "compact") == pages_as_png(own, tmp_path / "own")
    assert pdf_text(compact, tmp_path / "t1") == pdf_text(own, tmp_path / "t2")
    assert len(compact) < len(own) / 2


def test_fonts_whose_cids_are_not_glyph_ids_keep_weasyprints_subset(monkeypatch):
    weasyprint = engine.import_weasyprint()
    from weasyprint import pdf as pdf_module

    if not hasattr(pdf_module.build_fonts_dictionary, "original"):
        pytest.skip("another WeasyPrint or HarfBuzz: its own subsetting is used")
    shuffled = lambda cff: [(0, 0, 1), (1, 2, 1), (2, 1, 1)]  # noqa: E731
    monkeypatch.setattr(engine, "cid_ranges", shuffled)
    assert "/CIDFontType0C" not in font_file_subtypes(weasyprint.HTML(string=CJK_HTML).write_pdf())


def test_cff_dict_operands_decode_as_the_spec_examples():
    # Adobe TN #5176, table 3: 0, 100, -100, 1000, -1000, 10000, -10000, 100000, then `17`.
    data = bytes.fromhex("8b ef 27 fa7c fe7c 1c2710 1cd8f0 1d000186a0 11")
    assert engine._cff_dict(memoryview(data)) == {
        17: [0, 100, -100, 1000, -1000, 10000, -10000, 100000]
    }


def test_name_keyed_or_broken_cff_has_no_cid_ranges():
    assert engine.cid_ranges(memoryview(b"\x01\x00\x04\x02" + b"\x00" * 8)) is None
    assert engine.sfnt_table(memoryview(b"OTTO\x00"), b"CFF ") is None


@linux_only
def test_trim_memory_collects_only_past_the_limit():
    assert (engine.resident_mb() or 0) > 0
    assert engine.trim_memory(limit_mb=1e9) is False
    assert engine.trim_memory(limit_mb=1) is True


STYLED = (
    "<style>@page { size: 120mm 90mm; margin: 10mm; @top-left { content: 'Press' } }"
    " p { color: #0a5; colr: red; font-size: 14pt }</style><p>Istio 毕业</p>"
)


def warnings_and_pages(weasyprint, html: str, folder):
    import logging

    from presskit.output.pdf import _Collect

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = weasyprint.HTML(string=html).render()
    finally:
        logger.removeHandler(collect)
    sizes = [(round(page.width), round(page.height)) for page in document.pages]
    return collect.messages, sizes, pages_as_png(document.write_pdf(), folder)


def counted_style_parses(monkeypatch):
    """WeasyPrint, its css module, and a list that grows by one per style element parsed."""
    weasyprint = engine.import_weasyprint()
    from weasyprint import css

    if not hasattr(css.CSS, "original"):
        pytest.skip("another WeasyPrint: style elements are parsed for each document")
    parses: list[int] = []
    parse_alone = engine._parse_alone

    def counted(*args: Any) -> Any:
        parses.append(1)
        return parse_alone(*args)

    monkeypatch.setattr(engine, "_parse_alone", counted)
    return weasyprint, css, parses


def test_a_style_element_parsed_once_renders_and_warns_as_parsed_each_time(tmp_path, monkeypatch):
    weasyprint, css, parses = counted_style_parses(monkeypatch)
    html = STYLED.replace("14pt", "14.5pt")  # a text no other test parsed in this process
    first = warnings_and_pages(weasyprint, html, tmp_path / "first")
    again = warnings_and_pages(weasyprint, html, tmp_path / "again")
    monkeypatch.setattr(css, "CSS", css.CSS.original)
    plain = warnings_and_pages(weasyprint, html, tmp_path / "plain")
    assert len(parses) == 1
    assert first == again == plain
    assert any("colr" in message for message in plain[0])
    assert plain[1] == [(454, 340)]  # 120 × 90 mm in CSS px: the @page rule applied


def test_style_elements_that_act_on_the_document_are_parsed_each_time(monkeypatch):
    weasyprint, _, parses = counted_style_parses(monkeypatch)
    for rule in (
        "@font-face { font-family: X; src: local(DejaVu Sans) }",
        "@counter-style thumbs { system: cyclic; symbols: '*'; }",
        "@\\66 ont-face { font-family: Y; src: local(DejaVu Sans) }",
    ):
        weasyprint.HTML(string=f"<style>{rule} p {{ color: red }}</style><p>x</p>").render()
    assert parses == []


def test_font_objects_share_one_copy_of_each_font_file(monkeypatch):
    weasyprint = engine.import_weasyprint()
    from weasyprint.pdf import fonts

    if not hasattr(fonts.Font.__init__, "original"):
        pytest.skip("another WeasyPrint: each font object copies its file")
    contents: list[bytes] = []
    shared_init = fonts.Font.__init__

    def recording_init(self, *args, **kwargs):
        shared_init(self, *args, **kwargs)
        contents.append(self.file_content)

    monkeypatch.setattr(fonts.Font, "__init__", recording_init)
    html = "<p style='font-family: \"DejaVu Sans\"'>Istio</p>"
    weasyprint.HTML(string=html).write_pdf()
    weasyprint.HTML(string=html).write_pdf()
    assert len(contents) == 2
    assert contents[0] is contents[1]
    assert contents[0][:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


# Footnotes of every kind the memo meets: plain, with margins that collapse, one too tall for
# the page's room (reported to the next page), one holding a float (laid out as WeasyPrint
# does), Chinese text; and a page of calls dense enough that the area is measured many times.
FOOTNOTES_HTML = """<style>
@page { size: A6; margin: 12mm 10mm; @footnote { border-top: 0.5pt solid black; } }
.fn { float: footnote; font-size: 7pt; margin-top: 1mm; margin-bottom: 0.5mm; }
.tall { float: footnote; display: block; height: 60mm; }
.fl { float: right; width: 8mm; height: 3mm; background: red; }
</style>""" + "".join(
    f"<p>段落 {n} paragraph with a call<span class='fn'>Note {n}: https://example.org/{n}"
    f"/a-long-path-that-wraps-over-the-line-{'x' * n}</span> and text after it.</p>"
    + ("<p>Tall<span class='tall'>tall note</span></p>" if n == 7 else "")
    + ("<p>Float<span class='fn'><span class='fl'></span>floated</span></p>" if n == 3 else "")
    for n in range(1, 16)
)


def test_footnotes_measured_once_lay_out_as_weasyprint_does(tmp_path, monkeypatch):
    weasyprint = engine.import_weasyprint()
    from weasyprint.layout import LayoutContext, block

    if not hasattr(block.block_level_layout, "original"):
        pytest.skip("another WeasyPrint: footnote areas are measured as it does")
    memo = weasyprint.HTML(string=FOOTNOTES_HTML).render()
    assert len(memo.pages) >= 3
    monkeypatch.setattr(block, "block_level_layout", block.block_level_layout.original)
    monkeypatch.setattr(
        LayoutContext, "_update_footnote_area", LayoutContext._update_footnote_area.original
    )
    own = weasyprint.HTML(string=FOOTNOTES_HTML).render()
    assert pages_as_png(memo.write_pdf(), tmp_path / "memo") == pages_as_png(
        own.write_pdf(), tmp_path / "own"
    )
    assert pdf_text(memo.write_pdf(), tmp_path / "t1") == pdf_text(own.write_pdf(), tmp_path / "t2")


def test_pdf_streams_are_compressed_at_zlibs_default_level(tmp_path):
    import zlib

    import pydyf

    engine.import_weasyprint()
    if pydyf.zlib is zlib:
        pytest.skip("another pydyf: its own compression")
    stream = pydyf.Stream([b"BT /F1 12 Tf (text) Tj ET"] * 200, compress=True)
    data = stream.data
    body = data[data.index(b"stream\n") + 7 : data.rindex(b"\nendstream")]
    raw = b"\n".join([b"BT /F1 12 Tf (text) Tj ET"] * 200)
    assert zlib.decompress(body) == raw
    assert body == zlib.compress(raw, 6)
    pdf = engine.import_weasyprint().HTML(string="<p>Hello 你好</p>").write_pdf()
    assert "Hello" in pdf_text(pdf, tmp_path / "t")


def test_the_fetcher_waits_for_weasyprint_being_imported_on_the_thread():
    # The thread is held inside WeasyPrint's own imports while the render asks for its fetcher:
    # importing `weasyprint.urls` beside it found the package half made.
    code = (
        "import sys, threading, time\n"
        "held = threading.Event()\n"
        "class Hold:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        thread = threading.current_thread().name\n"
        "        if name == 'tinyhtml5' and thread == 'import-weasyprint':\n"
        "            held.set()\n"
        "            time.sleep(0.5)\n"
        "sys.meta_path.insert(0, Hold())\n"
        "from presskit.output import pdf\nfrom presskit.weasy import engine\n"
        "engine.start_import()\n"
        "assert held.wait(60)\n"
        "pdf.make_fetcher(pdf.FetchPolicy(roots=()))\n"
        "print('fetcher made')\n"
    )
    assert run_python(code).strip() == "fetcher made"


LEADERS_HTML = (
    "<style>li { font-size: 9.5pt; list-style: none } a::after { content: leader(dotted) "
    '" " attr(data-page) } .zh { font-family: "Noto Sans CJK SC" }</style><ol>'
    + "".join(
        f"<li><a data-page='{n * 7}'>{title}</a></li>"
        for n, title in enumerate(
            [
                "Announcing Istio 1.0",
                "More community leadership: Regularly electing the Istio Technical Oversight "
                "Committee, a title long enough to wrap onto a second line",
                # a space before the dots: pdftotext splits the words there
                "<span class='zh'>发布 Istio 1.20，简体中文</span> ",
                "x" * 120,  # no room left for a dot on its line
            ],
            1,
        )
    )
    + "</ol>"
)


def glyph_boxes(pdf: bytes, folder) -> list[tuple[str, float, float]]:
    """Where each word pdftotext finds starts (points), a word of dots split into its dots."""
    import re

    path = saved(pdf, folder)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for x0, y, x1, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" [^>]*>([^<]*)<', out
    ):
        parts = list(word) if set(word) == {"."} else [word]
        step = (float(x1) - float(x0)) / len(parts)
        found += [(part, float(x0) + n * step, float(y)) for n, part in enumerate(parts)]
    return found


def test_a_leader_drawn_as_one_run_puts_its_dots_where_weasyprint_does(tmp_path, monkeypatch):
    weasyprint = engine.import_weasyprint()
    from weasyprint.layout import inline

    if not hasattr(inline.handle_leader, "original"):
        pytest.skip("another WeasyPrint: leaders are drawn dot by dot")
    joined = weasyprint.HTML(string=LEADERS_HTML).write_pdf()
    monkeypatch.setattr(inline, "handle_leader", inline.handle_leader.original)
    own = weasyprint.HTML(string=LEADERS_HTML).write_pdf()
    ours, theirs = glyph_boxes(joined, tmp_path / "joined"), glyph_boxes(own, tmp_path / "own")
    assert [w for w, _, _ in ours] == [w for w, _, _ in theirs]
    assert sum(w == "." for w, _, _ in ours) > 150  # three lines of dots, none on the fourth
    for (_, x0, y0), (_, x1, y1) in zip(ours, theirs, strict=True):
        # within a tenth of a point: a run advances by the font's widths in thousandths of
        # an em, as any run WeasyPrint draws does, the dots each by their own placement
        assert abs(x0 - x1) < 0.1 and y0 == y1
    assert pdf_text(joined, tmp_path / "t1") == pdf_text(own, tmp_path / "t2")
    # one text run a leader, not one a dot
    assert text_runs(joined) < text_runs(own) / 10


def text_runs(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sum(
            str(instruction.operator) == "TJ"
            for page in doc.pages
            for instruction in pikepdf.parse_content_stream(page)
        )
