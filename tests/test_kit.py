"""`presskit build --kit NAME`: one PDF with cover, contents and every post, and a zip."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import EXAMPLE_CONFIG, ROOT, pdftotext

from presskit.batch.builder import build
from presskit.batch.kit import ZIP_DATE, absolute_sources, write_zip
from presskit.batch.manifest import Reporter
from presskit.output.pdf import FetchPolicy


def post(root: Path, rel: str, title: str, date: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", "utf-8")


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory):
    """Three tiny posts in two languages, one translated, built with the example brand."""
    base = tmp_path_factory.mktemp("kit")
    root = base / "content"
    post(root, "en/blog/2023/older/index.md", "Older English news", "2023-03-01", "Old text.")
    post(root, "en/blog/2024/launch/index.md", "Launch day", "2024-06-01", "New text.")
    post(root, "zh/blog/2024/launch/index.md", "发布日", "2024-06-01", "新的文字。")
    out = base / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", jobs=2)
    return result, out, root


def test_kit_is_written_with_contents_and_every_post(kit):
    result, out, _ = kit
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    text = pdftotext(out / "press-kit.pdf", layout=False)
    assert "Contents" in text or "目录" in text
    # contents: grouped by language (en before zh), newest first, each with a page number
    contents = text[text.index("Contents") :]
    order = [contents.index(t) for t in ("Launch day", "Older English news", "发布日")]
    assert order == sorted(order)
    numbers = re.findall(r"(Launch day|Older English news|发布日).*?(\d+)\s*$", text, re.M)
    assert len(numbers) >= 3
    pages = text.split("\f")
    for title, page in numbers[:3]:
        assert title in pages[int(page) - 1]  # the number points at the post's first page
    assert result.kit_pages >= 7  # cover, contents, two language dividers, three posts


def test_each_post_starts_on_a_new_page(kit):
    _, out, _ = kit
    pages = pdftotext(out / "press-kit.pdf").split("\f")
    starts = [
        i
        for i, page in enumerate(pages)
        for t in ("Old text.", "New text.", "新的文字。")
        if t in page
    ]
    assert len(set(starts)) == 3


def test_kit_zip_holds_pdfs_manifest_and_brand(kit):
    _, out, _ = kit
    with zipfile.ZipFile(out / "press-kit.zip") as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert {
        "en/blog/2024/launch.pdf",
        "en/blog/2023/older.pdf",
        "zh/blog/2024/launch.pdf",
        "manifest.json",
        "brand/presskit.toml",
        "brand/logo.svg",
    } <= names
    assert manifest["kit"]["name"] == "press-kit"


def test_kit_is_not_rebuilt_when_nothing_changed(kit):
    _, out, root = kit
    before = (out / "press-kit.pdf").stat().st_mtime_ns
    again = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", jobs=1)
    assert again.count("unchanged") == 3 and again.kit_pdf is not None
    assert (out / "press-kit.pdf").stat().st_mtime_ns == before


def test_relative_image_sources_point_into_their_post(tmp_path):
    fragment = (
        '<p><img src="chart.png" alt="x"><img src="https://e.org/a.png"><img src="/abs.png"></p>'
    )
    policy = FetchPolicy(roots=(tmp_path.resolve(),))
    fixed, files = absolute_sources(fragment + '<img src="../x.png">', tmp_path, policy)
    chart = (tmp_path / "chart.png").resolve()
    assert f'src="{chart.as_uri()}"' in fixed and files == [str(chart)]
    assert 'src="https://e.org/a.png"' in fixed
    # what the post's own render refuses (outside its folder, no static folder) is no image
    assert 'src="/abs.png"' not in fixed and "x.png" not in fixed
    assert len(policy.refused) == 2


def test_editing_the_kit_template_rebuilds_the_kit_and_no_post(tmp_path):
    theme = tmp_path / "theme"
    theme.mkdir()
    for name in ("page.html.j2", "press.css", "kit.html.j2"):
        (theme / name).write_text(
            (ROOT / "presskit/themes/default" / name).read_text("utf-8"), "utf-8"
        )
    root = tmp_path / "content"
    post(root, "en/news/one/index.md", "Only post", "2024-01-01", "Text.")
    out = tmp_path / "out"
    first = build([root], out, theme=str(theme), kit="kit", jobs=1)
    assert first.count("built") == 1 and first.kit_pdf is not None
    template = theme / "kit.html.j2"
    template.write_text(template.read_text("utf-8").replace("</body>", "<p>Kit end</p></body>"))
    again = build([root], out, theme=str(theme), kit="kit", jobs=1)
    assert again.count("unchanged") == 1 and again.ok
    assert "Kit end" in pdftotext(out / "kit.pdf")


def test_kit_cover_title_is_words_not_the_file_slug(kit):
    """`--kit press-kit` names the file; the cover and the PDF title read "Istio press kit"."""
    _, out, _ = kit
    cover = pdftotext(out / "press-kit.pdf").split("\f")[0]
    assert "Istio press kit" in cover
    assert "press-kit" not in cover
    info = subprocess.run(
        ["pdfinfo", str(out / "press-kit.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Istio press kit" in info


def test_kit_title_from_name():
    from presskit.batch.kit import kit_title

    assert kit_title("press-kit", "Istio", "Press kit") == "Istio press kit"
    assert kit_title("presskit", "Istio", "新闻资料包") == "Istio 新闻资料包"
    assert kit_title("media-day", "Istio", "Press kit") == "Media day"
    assert kit_title("Istio 2025", "Istio", "Press kit") == "Istio 2025"


def test_kit_posts_keep_their_notes_on_the_page(tmp_path):
    """`[^1]` in a kit post: a footnote at its call, not an `↩` list under the post."""
    body = "Five companies[^a] joined.\n\n[^a]: Groups count as one."
    post(tmp_path / "content", "en/news/notes/index.md", "Notes", "2024-01-02", body)
    out = tmp_path / "out"
    result = build([tmp_path / "content"], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    text = pdftotext(out / "kit.pdf")
    assert "↩" not in text
    page = next(p for p in text.split("\f") if "Five companies" in p)
    assert "1. Groups count as one." in page


def test_kit_gathers_every_quote_on_one_sheet(tmp_path):
    # `quotes_sheet = true` (the example brand): the quotes of every post, under their post,
    # on pages of their own that the contents points to.
    root = tmp_path / "content"
    quote = '{{{{< quote caption="{who}" >}}}}\n{words}\n{{{{< /quote >}}}}'
    post(
        root,
        "en/blog/2024/a/index.md",
        "Post A",
        "2024-06-01",
        quote.format(who="Ann Lee, CEO", words="We are thrilled."),
    )
    post(root, "en/blog/2024/b/index.md", "Post B", "2024-05-01", "No quotes here.")
    post(
        root,
        "zh/blog/2024/a/index.md",
        "文章甲",
        "2024-06-01",
        quote.format(who="李安，首席执行官", words="我们非常高兴。"),
    )
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", jobs=1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    pages = pdftotext(out / "press-kit.pdf", layout=False).split("\f")
    # a kit of two languages names its shared parts in both: "Supporting quotes · 引言摘录"
    listed = re.search(r"Supporting quotes · 引言摘录\W*(\d+)\s*$", pages[1], re.M)
    assert listed, pages[1]
    sheet = "\n".join(pages[int(listed.group(1)) - 1 :])
    assert sheet.index("Post A") < sheet.index("We are thrilled.") < sheet.index("Ann Lee, CEO")
    assert sheet.index("文章甲") < sheet.index("我们非常高兴。") < sheet.index("李安，首席执行官")
    assert "Post B" not in sheet  # a post without quotes has no entry on the sheet


def test_kit_follows_the_config_like_single_pdfs(tmp_path):
    # The kit converts each post under the same rules as its own PDF (here: unknown
    # shortcodes dropped), not under defaults of its own.
    root = tmp_path / "content"
    post(
        root,
        "en/blog/2024/a/index.md",
        "Post A",
        "2024-06-01",
        "Kept words.\n\n{{< mystery >}}\nDropped words.\n{{< /mystery >}}",
    )
    config = tmp_path / "presskit.toml"
    config.write_text('unknown_shortcodes = "drop"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = build([root], out, config=config, kit="press-kit", jobs=1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    for pdf in (out / "press-kit.pdf", out / "en/blog/2024/a.pdf"):
        text = pdftotext(pdf, layout=False)
        assert "Kept words." in text and "Dropped words." not in text, pdf


# --------------------------------------------------------------------------- kit languages

LINKED = (
    "我们很高兴宣布[新闻资料包](https://example.org/press/kit)正式发布，"
    "详情见[项目博客](https://example.org/blog/launch)。"
)


LATER = "第二篇[文字](https://example.org/later)。"


@pytest.fixture(scope="module")
def zh_kit(tmp_path_factory: pytest.TempPathFactory):
    """A kit of Chinese posts only, under the example brand (whose `lang` is en)."""
    base = tmp_path_factory.mktemp("zhkit")
    root = base / "content"
    post(root, "zh/blog/2024/launch/index.md", "发布日", "2024-06-01", LINKED)
    post(root, "zh/blog/2024/later/index.md", "后续", "2024-06-02", LATER)
    out = base / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", jobs=2)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    return out


def test_a_chinese_kit_speaks_chinese(zh_kit):
    text = pdftotext(zh_kit / "press-kit.pdf", layout=False)
    for english in ("PRESS KIT", "Press kit", "Contents", "Supporting quotes", "Page ", " of "):
        assert english not in text, english
    pages = text.split("\f")[:-1]
    assert "新闻资料包" in pages[0] and "目录" in pages[1]
    assert "第 2 页，共" in pages[1]
    assert f"第 {len(pages)} 页，共 {len(pages)} 页" in pages[-1]


def test_the_kit_keeps_the_link_notes_of_the_single_pdf(zh_kit):
    single = pdftotext(zh_kit / "zh/blog/2024/launch.pdf", layout=False)
    kit = pdftotext(zh_kit / "press-kit.pdf", layout=False)
    urls = {"https://example.org/press/kit", "https://example.org/blog/launch"}
    assert {u for u in urls if u in single} == urls
    assert {u for u in urls if u in kit} == urls
    page = next(p for p in kit.split("\f") if "正式发布" in p)
    assert "1. https://example.org/press/kit" in page  # at the foot of the page that cites it
    # each post numbers its notes from 1, as its own PDF does (not 3 after the first post's 2)
    page = next(p for p in kit.split("\f") if "第二篇" in p)
    assert "1. https://example.org/later" in page


def test_a_mixed_kit_labels_each_part_in_its_language(kit):
    _, out, _ = kit
    pages = pdftotext(out / "press-kit.pdf", layout=False).split("\f")[:-1]
    cover = pages[0]
    assert "English" in cover and "简体中文" in cover
    assert "Languages:" in cover  # the cover says what the kit holds
    assert "新闻资料包" in cover  # each language's name for the kit
    zh_page = next(i for i, p in enumerate(pages) if "新的文字。" in p)
    en_page = next(i for i, p in enumerate(pages) if "New text." in p)
    assert f"第 {zh_page + 1} 页，共 {len(pages)} 页" in pages[zh_page]
    assert f"Page {en_page + 1} of {len(pages)}" in pages[en_page]
    assert "新闻稿" in pages[zh_page] and "PRESS RELEASE" in pages[en_page]


def test_a_mixed_kit_cover_label_has_room_for_every_language(kit):
    """`PUBLISHED · 发布日期` is wider than the cover's 32 mm label column: its last character
    went down a line and the rest ran into the date (the corpus's zh/ folder, which holds two
    English posts). In a mixed kit the label stands above the date."""
    import pdfplumber

    _, out, _ = kit
    with pdfplumber.open(out / "press-kit.pdf") as pdf:
        chars = pdf.pages[0].chars
    text = "".join(c["text"] for c in chars)
    assert "发布日期" in text and "2023" in text
    label = [c for c in chars if abs(c["size"] - 8) < 0.1 and c["text"].strip()]
    value = [c for c in chars if abs(c["size"] - 10) < 0.1 and c["text"].strip()]
    assert "".join(c["text"] for c in label) == "PUBLISHED·发布日期"
    assert len({round(c["top"]) for c in label}) == 1  # one line
    assert value
    label_right, label_bottom = max(c["x1"] for c in label), max(c["bottom"] for c in label)
    assert all(c["x0"] >= label_right + 2 or c["top"] >= label_bottom for c in value)


def _title_fonts(pdf: Path, titles: tuple[str, ...]) -> dict[str, set[str]]:
    """The faces each title is set in, on any page, from its glyphs of 14 pt or more."""
    import pdfplumber

    found: dict[str, set[str]] = {title: set() for title in titles}
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            big = [c for c in page.chars if c["size"] >= 14]
            text = "".join(c["text"] for c in big)
            for title in titles:
                at = text.find(title)
                if at >= 0:
                    found[title] |= {c["fontname"].split("+")[-1] for c in big[at : at + 4]}
    return found


def test_a_formal_kit_sets_its_headings_in_the_theme_serif(kit, tmp_path):
    """The formal theme sets headings in its serif (`body h1 { font-family: inherit }`); the
    kit's per-language rule `.lang-1 h1` outweighed it, so a formal kit had sans post titles
    and a sans `Contents` over serif text, unlike the same posts' own PDFs."""
    _, _, root = kit
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="press-kit", jobs=2, theme="formal")
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    titles = ("Launch day", "发布日", "Contents")
    for title, faces in _title_fonts(out / "press-kit.pdf", titles).items():
        assert faces and all("Serif" in face for face in faces), (title, faces)
    # the default theme's headings stay in its sans
    _, default_out, _ = kit
    for title, faces in _title_fonts(default_out / "press-kit.pdf", titles).items():
        assert faces and all("Sans" in face for face in faces), (title, faces)


# --------------------------------------------------------------------------- the kit assembled


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of each bookmark, in order."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = reader.get_destination_page_number(item)
                found.append((depth, item.title, (page or 0) + 1))

    walk(reader.outline, 0)
    return found


def _links(pdf: Path) -> list[tuple[int, str, int]]:
    """(page, destination name, page it resolves to) of each internal link."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    names = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots") or []:
            dest = annot.get_object().get("/Dest")
            if dest is not None:
                target = names.get(str(dest))
                found.append(
                    (
                        number,
                        str(dest),
                        (reader.get_destination_page_number(target) or 0) + 1 if target else 0,
                    )
                )
    return found


def test_every_page_but_the_cover_says_its_number_of_all(kit):
    _, out, _ = kit
    pages = pdftotext(out / "press-kit.pdf", layout=False).split("\f")[:-1]
    assert "Page 1" not in pages[0] and "第 1 页" not in pages[0]
    for number, text in enumerate(pages[1:], 2):
        said = re.findall(r"Page (\d+) of (\d+)|第 (\d+) 页，共 (\d+) 页", text)
        assert len(said) == 1, (number, text)
        figures = [int(x) for x in said[0] if x]
        assert figures == [number, len(pages)], (number, said)


def test_the_outline_has_each_part_and_each_post_under_its_language(kit):
    _, out, _ = kit
    pages = pdftotext(out / "press-kit.pdf", layout=False).split("\f")
    outline = _outline(out / "press-kit.pdf")
    titles = [(depth, title) for depth, title, _ in outline]
    assert titles == [
        (0, "Istio press kit"),
        (0, "Contents · 目录"),
        (0, "English"),
        (1, "Launch day"),
        (1, "Older English news"),
        (0, "简体中文"),
        (1, "发布日"),
    ]
    for _, title, page in outline[1:]:
        assert title.split(" · ")[0] in pages[page - 1], (title, page)


def test_links_resolve_to_their_pages_in_the_joined_kit(tmp_path):
    root = tmp_path / "content"
    post(root, "en/news/first/index.md", "First", "2024-02-01", "Body one.")
    body = "Start.\n\n" + "Filler line.\n\n" * 90 + "## Far away {#far}\n\nEnd.\n\n[back](#far)"
    post(root, "en/news/second/index.md", "Second", "2024-01-01", body)
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    pages = pdftotext(out / "kit.pdf", layout=False).split("\f")
    links = _links(out / "kit.pdf")
    # the contents point at each post's first page
    for name, title in (("post-1", "First"), ("post-2", "Second")):
        targets = {page for at, dest, page in links if dest == name and at == 2}
        assert len(targets) == 1, (name, links)
        (page,) = targets
        assert title in pages[page - 1] and "PRESS RELEASE" in pages[page - 1]  # its first page
    # a link inside a post reaches its heading, on a later page of that post, by a name of
    # its own in the kit
    (inside,) = [(at, dest, page) for at, dest, page in links if dest.endswith("/far")]
    assert inside[1] == "post-2/far"
    assert "Far away" in pages[inside[2] - 1] and inside[2] > 3


def test_editing_one_post_lays_out_one_section_again(tmp_path):
    root = tmp_path / "content"
    post(root, "en/news/a/index.md", "Post A", "2024-03-01", "Text of A.")
    post(root, "en/news/b/index.md", "Post B", "2024-02-01", "Text of B.")
    post(root, "zh/news/c/index.md", "文章丙", "2024-01-01", "丙的文字。")
    out = tmp_path / "out"
    first = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert first.ok and first.kit_sections_rendered == 3 and first.kit_sections_reused == 0
    post(root, "en/news/b/index.md", "Post B", "2024-02-01", "Text of B, corrected.")
    again = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert again.count("built") == 1 and again.ok
    assert (again.kit_sections_rendered, again.kit_sections_reused) == (1, 2)
    assert "Text of B, corrected." in pdftotext(out / "kit.pdf")
    # the kit gone (and a part's PDF damaged): made again from the parts still good
    (out / "kit.pdf").unlink()
    damaged = next((out / ".presskit-kit").glob("*.part"))
    damaged.write_bytes(b"%PDF-1.7 torn")
    third = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert third.ok and third.count("unchanged") == 3
    assert third.kit_sections_reused >= 2 and third.kit_pdf is not None
    pages = pdftotext(out / "kit.pdf", layout=False).split("\f")[:-1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1] or "共" in pages[-1]
    # only this kit's parts are kept: three sections, its chrome and one page of footers
    assert len(list((out / ".presskit-kit").glob("*.part"))) == 5


def test_the_assembled_kit_looks_like_the_kit_laid_out_as_one_document(kit, tmp_path, monkeypatch):
    from presskit.batch import kit as kit_module

    _, out, root = kit
    monkeypatch.setattr(kit_module, "single_document_reason", lambda *args: "comparison")
    whole = build([root], tmp_path / "whole", config=EXAMPLE_CONFIG, kit="press-kit", jobs=1)
    assert whole.ok and whole.kit_sections_rendered == 0
    ours, theirs = out / "press-kit.pdf", tmp_path / "whole/press-kit.pdf"
    assert pdftotext(ours).split("\f") == pdftotext(theirs).split("\f")
    assert _outline(ours) == _outline(theirs)
    assert {(at, page) for at, _, page in _links(ours)} == {
        (at, page) for at, _, page in _links(theirs)
    }
    for pdf, prefix in ((ours, "a"), (theirs, "b")):
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / prefix)], check=True
        )
    from PIL import Image, ImageChops

    shots = sorted(tmp_path.glob("a-*.png"))
    assert len(shots) == len(list(tmp_path.glob("b-*.png"))) >= 7
    for shot in shots:
        a = Image.open(shot).convert("L")
        b = Image.open(tmp_path / ("b" + shot.name[1:])).convert("L")
        assert ImageChops.difference(a, b).getbbox() is None, shot.name


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3b"])
def test_a_pdf_variant_kit_is_one_document_and_says_so(tmp_path, variant):
    """Both variants the issue names (the archival one was not tested for kits)."""
    import pypdf

    root = tmp_path / "content"
    post(root, "en/news/a/index.md", "Post A", "2024-03-01", "Text of A.")
    out = tmp_path / "out"
    notes: list[str] = []

    class Listen(Reporter):
        def note(self, text: str) -> None:
            notes.append(text)

    result = build(
        [root],
        out,
        config=EXAMPLE_CONFIG,
        kit="kit",
        jobs=1,
        pdf_variant=variant,
        reporter=Listen(),
    )
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    assert f"kit kit.pdf: --pdf-variant {variant}: laid out as one document" in notes
    assert result.kit_sections_rendered == 0 and not (out / ".presskit-kit").exists()
    for pdf in (out / "kit.pdf", out / "en/news/a.pdf"):
        root_obj: Any = pypdf.PdfReader(pdf).trailer["/Root"]  # a dictionary object (pypdf)
        assert "/StructTreeRoot" in root_obj and root_obj["/MarkInfo"]["/Marked"], pdf
        xmp = root_obj["/Metadata"].get_object().get_data().decode("utf-8")
        if variant == "pdf/a-3b":  # an archival claim, with the colours it prints in
            assert re.search(r"pdfaid:part[^0-9]*3", xmp) and root_obj["/OutputIntents"], pdf
        else:
            assert re.search(r"pdfuaid:part[^0-9]*1", xmp), pdf
    text = pdftotext(out / "kit.pdf", layout=False)
    assert "Text of A." in text and "Page 2 of" in text


def test_a_theme_kit_template_without_parts_is_one_document(tmp_path):
    theme = tmp_path / "theme"
    theme.mkdir()
    for name in ("page.html.j2", "press.css"):
        (theme / name).write_text(
            (ROOT / "presskit/themes/default" / name).read_text("utf-8"), "utf-8"
        )
    # a theme's own kit template, written before kits had parts
    old = (
        '<html lang="{{ html_lang }}"><head><style>{{ css }}</style></head><body>'
        "{% for group in groups %}{% for post in group.posts %}"
        "<article><h1>{{ post.title }}</h1>{{ post.body }}</article>"
        "{% endfor %}{% endfor %}</body></html>"
    )
    (theme / "kit.html.j2").write_text(old, "utf-8")
    root = tmp_path / "content"
    post(root, "en/news/a/index.md", "Post A", "2024-03-01", "Text of A.")
    result = build([root], tmp_path / "out", theme=str(theme), kit="kit", jobs=1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    assert result.kit_sections_rendered == 0
    assert "Text of A." in pdftotext(tmp_path / "out/kit.pdf")
    assert not (tmp_path / "out/.presskit-kit").exists()


def test_posts_of_the_same_text_in_two_folders_are_two_sections(tmp_path):
    # Copies of a post (a site mirrored under two sections) have the same inputs but their own
    # place: relative links and in-post anchors are theirs. One shared section was joined
    # twice, and the second copy's links led into the first copy.
    root = tmp_path / "content"
    for folder in ("en/one/launch", "en/two/launch"):
        post(root, f"{folder}/index.md", "Launch", "2024-03-01", "[Down](#down)\n\n## Down {#down}")
    out = tmp_path / "out"
    first = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=2)
    assert first.ok and first.kit_sections_rendered == 2
    (out / "kit.pdf").unlink()
    again = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=2)
    assert (again.kit_sections_rendered, again.kit_sections_reused) == (0, 2)
    pages = pdftotext(out / "kit.pdf", layout=False).split("\f")[:-1]
    inside = sorted((at, dest, page) for at, dest, page in _links(out / "kit.pdf") if "/" in dest)
    assert [(dest, at == page) for at, dest, page in inside] == [
        ("post-1/down", True),
        ("post-2/down", True),
    ]
    assert inside[0][0] != inside[1][0] and all("Down" in pages[at - 1] for at, _, _ in inside)


def test_a_kit_that_gains_a_language_keeps_its_sections(tmp_path):
    root = tmp_path / "content"
    post(root, "en/news/a/index.md", "Post A", "2024-03-01", "Text of A.")
    post(root, "zh/news/c/index.md", "文章丙", "2024-01-01", "丙的文字。")
    out = tmp_path / "out"
    assert build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1).kit_sections_rendered == 2
    post(root, "ja/news/d/index.md", "記事", "2024-02-01", "日本語の文章。")
    again = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert again.ok and (again.kit_sections_rendered, again.kit_sections_reused) == (1, 2)
    pages = pdftotext(out / "kit.pdf", layout=False).split("\f")[:-1]
    assert len(pages) == again.kit_pages and "日本語の文章。" in "".join(pages)
    # the contents page speaks English (the site's language) and counts the new pages
    assert f"Page 2 of {len(pages)}" in pages[1] and "Text of A." in "".join(pages)


def test_the_one_document_kit_numbers_korean_pages_as_the_assembled_one(tmp_path, monkeypatch):
    """Korean says the total first ("12쪽 중 3쪽"): the kit laid out as one document (for
    --pdf-variant or an old kit template) used to print "3쪽 중 12쪽" with CSS counters in the
    English order; it now prints every page's footer as the assembled kit does."""
    from presskit.batch import kit as kit_module

    root = tmp_path / "content"
    post(root, "en/news/launch/index.md", "Launch", "2024-06-01", "English text.")
    post(root, "ko/news/launch/index.md", "출시", "2024-06-01", "한국어 본문입니다.")
    joined = build([root], tmp_path / "joined", config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert joined.ok and joined.kit_error is None, joined.kit_error
    monkeypatch.setattr(kit_module, "single_document_reason", lambda *args: "comparison")
    whole = build([root], tmp_path / "whole", config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert whole.ok and whole.kit_error is None and whole.kit_sections_rendered == 0

    def footers(pdf: Path) -> list[str]:
        pages = pdftotext(pdf).split("\f")[:-1]
        return [(re.findall(r"Page \d+ of \d+|\d+쪽 중 \d+쪽", page) or [""])[-1] for page in pages]

    ours, theirs = footers(tmp_path / "whole/kit.pdf"), footers(tmp_path / "joined/kit.pdf")
    total = len(ours)
    korean = [footer for footer in ours if "쪽" in footer]
    assert korean and all(footer.startswith(f"{total}쪽 중 ") for footer in korean)
    english = [footer for footer in ours if footer.startswith("Page")]
    assert english and all(footer.endswith(f" of {total}") for footer in english)
    assert ours == theirs


def test_the_same_kit_built_again_is_the_same_bytes(kit, tmp_path):
    """The footers' form XObjects are named by their page (pikepdf's own names are random)."""
    _, out, root = kit
    again = build([root], tmp_path / "again", config=EXAMPLE_CONFIG, kit="press-kit", jobs=1)
    assert again.ok and again.kit_error is None, again.kit_error
    assert (tmp_path / "again/press-kit.pdf").read_bytes() == (out / "press-kit.pdf").read_bytes()


def _pngs(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "p")], check=True)
    return [png.read_bytes() for png in sorted(folder.glob("p-*.png"))]


def test_stamped_footers_look_like_footers_laid_out_page_by_page(kit, tmp_path, monkeypatch):
    from presskit.output import pdfjoin

    _, out, root = kit
    monkeypatch.setattr(pdfjoin, "read_stamps", lambda *args: None)
    laid = build([root], tmp_path / "laid", config=EXAMPLE_CONFIG, kit="press-kit", jobs=1)
    assert laid.ok and (laid.kit_pages or 0) >= 7
    stamped = _pngs(out / "press-kit.pdf", tmp_path / "stamped")
    assert stamped == _pngs(tmp_path / "laid/press-kit.pdf", tmp_path / "page-by-page")


def _specimen(tmp_path: Path, langs: list[str], texts: list[str | None]) -> Path:
    from presskit.output.pdfkit import render_footer

    out = tmp_path / "footers.part"
    done = render_footer(str(out), str(EXAMPLE_CONFIG), None, langs, texts)
    assert done["ok"], done
    return out


@pytest.mark.parametrize("lang", ["en", "zh", "ko"])
def test_a_stamp_draws_what_weasyprint_lays_out_for_each_number(tmp_path, lang):
    """The specimen's stamp, given a number's digits, is the content stream WeasyPrint
    writes for that number's footer, byte for byte (Korean says the total first)."""
    import pikepdf

    from presskit.output.pdfjoin import _stamp, read_stamps
    from presskit.output.pdfkit import _digit_order, _fill, _footer_text

    total = "345"
    numbers = ["7", "10", "58", "100", "299", "345"]
    texts: list[str | None] = []
    shapes = {}
    for digits in (1, 2, 3):
        mixed = "1234567890"[: digits + 3]
        order = _digit_order(lang, digits, 3)
        shapes[digits] = (1 + len(texts), _fill(order, mixed[:digits], mixed[digits:]))
        texts += [_footer_text(lang, str(d) * digits, str(d) * 3) for d in range(10)]
        texts.append(_footer_text(lang, mixed[:digits], mixed[digits:]))
    first = 1 + len(texts)
    texts += [_footer_text(lang, n, total) for n in numbers]
    path = _specimen(tmp_path, ["en", lang], texts)
    stamps = read_stamps(path, shapes)
    assert stamps is not None and len(stamps[2].glyphs) == 5
    with pikepdf.open(path) as pdf:
        for n, number in enumerate(numbers):
            stream = pikepdf.parse_content_stream(pdf.pages[first + n])
            drawn = _stamp(path, first + n, [stream, stream])
            assert drawn is not None
            order = _digit_order(lang, len(number), 3)
            assert stamps[len(number)].content(_fill(order, number, total)) == drawn.content("")


def test_footers_whose_digits_move_are_not_stamped(tmp_path):
    """Proportional figures: "Page 111" is narrower than "Page 888", so a right-aligned
    footer starts elsewhere; the specimen shows it and the footers are laid out page by page."""
    from presskit.output.pdfjoin import read_stamps
    from presskit.weasy.engine import import_weasyprint

    weasyprint = import_weasyprint()

    def specimen(css: str) -> Path:
        pages = "".join(
            f'<div class="f" data-t="Page {d * 2} of {d * 3}"></div>' for d in "0123456789"
        )
        pages += '<div class="f" data-t="Page 12 of 345"></div>'
        html = (
            f"<style>@page {{ @bottom-right {{ content: string(t); {css} }} }}"
            ".f { break-before: page; string-set: t attr(data-t) }</style><p>lead</p>" + pages
        )
        path = tmp_path / f"{len(css)}.pdf"
        path.write_bytes(weasyprint.HTML(string=html).write_pdf())
        return path

    tabular = specimen("font-family: 'Noto Sans'")
    assert read_stamps(tabular, {"k": (1, "12345")}) is not None
    assert read_stamps(tabular, {"k": (1, "12346")}) is None  # not what the last page shows
    proportional = specimen("font-family: 'Noto Sans'; font-variant-numeric: proportional-nums")
    assert read_stamps(proportional, {"k": (1, "12345")}) is None


def test_kit_zip_is_the_same_bytes_for_the_same_files(tmp_path):
    """Entries carry no file times (they did: each build's zip differed from the last)."""
    out = tmp_path / "out"
    (out / "en").mkdir(parents=True)
    (out / "en/a.pdf").write_bytes(b"%PDF-1.7 a")
    (out / "en/b.pdf").write_bytes(b"%PDF-1.7 b")
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg/>", encoding="utf-8")
    config_file = tmp_path / "presskit.toml"
    config_file.write_text("", encoding="utf-8")
    docs = [
        SimpleNamespace(status="built", output="en/a.pdf"),
        SimpleNamespace(status="failed", output="en/b.pdf"),  # not in the zip
    ]
    config = SimpleNamespace(brand=SimpleNamespace(logo=logo))
    write_zip(tmp_path / "one.zip", out, docs, config, config_file, b"{}")  # type: ignore[arg-type]
    for touched in (out / "en/a.pdf", logo, config_file):
        os.utime(touched, (1_000_000_000, 1_000_000_000))
    write_zip(tmp_path / "two.zip", out, docs, config, config_file, b"{}")  # type: ignore[arg-type]
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "two.zip") as archive:
        assert archive.namelist() == [
            "en/a.pdf",
            "manifest.json",
            "brand/presskit.toml",
            "brand/logo.svg",
        ]
        assert archive.read("en/a.pdf") == b"%PDF-1.7 a"
        assert {info.date_time for info in archive.infolist()} == {ZIP_DATE}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out", "logo.svg", "presskit.toml", "one.zip", "two.zip"]
    )  # no temporary file left beside them


def embargoed(root: Path, rel: str, title: str, embargo: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: {title}\ndate: 2024-06-01\nembargo: {embargo}\n---\n\n{body}\n", "utf-8"
    )


LONG = "\n\n".join(f"Paragraph {n}: " + "words of the release " * 40 for n in range(12))
JUNE_1 = __import__("datetime").datetime(2024, 6, 1, 12, tzinfo=__import__("datetime").UTC)


def test_an_embargoed_release_s_embargo_is_on_the_kit_s_cover_contents_and_pages(tmp_path):
    # A journalist reads the kit's cover first: it said nothing of an embargo, and only the
    # release's first page did (its own PDF says it on the cover and at every page's head).
    root = tmp_path / "content"
    embargoed(root, "en/blog/a/index.md", "Embargoed news", "2024-06-02T09:00:00+00:00", LONG)
    post(root, "en/blog/b/index.md", "Public news", "2024-05-01", LONG)
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1, now=JUNE_1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    pages = pdftotext(out / "kit.pdf", layout=False).split("\f")[:-1]
    status = "Embargoed until June 2, 2024"
    assert status.upper() in " ".join(pages[0].split())  # the cover (set in capitals)
    contents = [line.strip() for line in pages[1].splitlines() if line.strip()]
    title = next(i for i, line in enumerate(contents) if line.startswith("Embargoed news"))
    assert contents[title + 1].startswith(status)  # under its entry, and only there
    assert sum(line.startswith("Embargoed until") for line in contents) == 1
    mine = [p for p in pages[2:] if "Paragraph" in p and "Public news" not in p]
    others = [p for p in pages[2:] if "Public news" in p]
    assert len(mine) >= 2 and others  # each release runs over more than one page
    for page in mine:  # its running head, on every page, as in its own PDF
        assert status in " ".join(page.splitlines()[0:3])
    assert not any("Embargoed" in page for page in others)


def test_a_kit_of_several_embargoes_sends_the_reader_to_each(tmp_path):
    root = tmp_path / "content"
    embargoed(root, "en/blog/a/index.md", "First", "2024-06-02T09:00:00+00:00", "Text.")
    embargoed(root, "en/blog/b/index.md", "Second", "2024-06-03T09:00:00+00:00", "Text.")
    out = tmp_path / "out"
    result = build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1, now=JUNE_1)
    assert result.ok, (result.kit_error, [d.error for d in result.failed])
    cover = " ".join(pdftotext(out / "kit.pdf", layout=False).split("\f")[0].split())
    assert "CONTAINS EMBARGOED RELEASES" in cover  # (set in capitals)
    assert "June 2" not in cover and "June 3" not in cover


def test_a_kit_without_an_embargo_says_none(kit):
    _, out, _ = kit
    text = pdftotext(out / "press-kit.pdf", layout=False)
    assert "Embargoed" not in text and "embargoed" not in text and "禁发" not in text
