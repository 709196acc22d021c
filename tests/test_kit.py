"""`presskit build --kit NAME`: one PDF with cover, contents and every post, and a zip."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE_CONFIG, ROOT, pdftotext

from presskit.batch.builder import build
from presskit.batch.kit import absolute_sources
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
