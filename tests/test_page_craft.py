"""Page craft a press office notices: one rule on a pull quote, `——` before a Chinese
attribution, `（完）` set tight, the ending kept together, the formal theme's contacts in serif.

Read from WeasyPrint's laid-out boxes (computed style and page of each element), not from the
stylesheet's text: what is checked is what is printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_CONFIG, pdftotext, run_presskit

from presskit.brand import load_config
from presskit.output import paper
from presskit.output.page import build_page
from presskit.pipeline import prepare
from presskit.source.post import parse_post
from presskit.themes import load_theme

QUOTE_POST = """---
title: {title}
date: 2024-06-01
---

{lead}

{{{{< quote caption="{who}" >}}}}
{words}
{{{{< /quote >}}}}
"""


def layout(html: str, base: Path):
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(base)).render()


def boxes(document) -> Iterator[tuple[int, Any]]:  # WeasyPrint's boxes are untyped
    """(page index, box) for every box of every page, in document order; each box is told
    the classes of its ancestors (`box.within`)."""
    for number, page in enumerate(document.pages):
        stack: list[tuple[Any, frozenset[str]]] = [(page._page_box, frozenset())]
        while stack:
            box, within = stack.pop()
            box.within = within
            yield number, box
            inner = within | classes(box)
            stack.extend((child, inner) for child in reversed(getattr(box, "children", [])))


def classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def text_of(box) -> str:
    if hasattr(box, "text"):
        return box.text
    return "".join(text_of(child) for child in getattr(box, "children", []))


def without_break_marks(html: str) -> str:
    """The HTML as a reader copies its text: without the invisible marks that let URLs wrap
    (zero-width space, word joiner; see `paper.breakable_paths`)."""
    return html.replace("\u200b", "").replace("\u2060", "")


def quote_post(tmp_path: Path, lang: str) -> Path:
    words = {
        "en": ("A launch", "We asked them:", "Ann Lee, CEO", "We are thrilled."),
        "zh": ("发布", "我们请他们谈谈感想。", "李安，首席执行官", "我们非常高兴。"),
    }[lang]
    path = tmp_path / "content" / lang / "news" / "x" / "index.md"
    path.parent.mkdir(parents=True)
    title, lead, who, said = words
    path.write_text(QUOTE_POST.format(title=title, lead=lead, who=who, words=said), "utf-8")
    return path


@pytest.fixture(scope="module", params=["en", "zh"])
def quoted(request, tmp_path_factory):
    lang = request.param
    path = quote_post(tmp_path_factory.mktemp(f"quote-{lang}"), lang)
    prepared = prepare(path, EXAMPLE_CONFIG)
    return lang, prepared, list(boxes(layout(prepared.html, path.parent)))


def test_a_pull_quote_has_one_rule(quoted):
    _, _, laid = quoted
    figure = next(b for _, b in laid if "quote" in classes(b) and b.element_tag == "figure")
    quote = next(
        b for _, b in laid if b.element_tag == "blockquote" and "quotes-sheet" not in b.within
    )
    assert figure.style["border_left_width"] > 0
    assert quote.style["border_left_width"] == 0  # the generic blockquote rule stays off


def test_attribution_dash_follows_the_language(quoted):
    lang, _, laid = quoted
    before = next(
        b
        for _, b in laid
        if b.element_tag == "figcaption::before" and "quotes-sheet" not in b.within
    )
    assert text_of(before) == {"en": "— ", "zh": "——"}[lang]


def test_end_mark_is_tracked_only_in_latin_releases(quoted):
    lang, _, laid = quoted
    mark = next(b for _, b in laid if "end-mark" in classes(b))
    spacing = mark.style["letter_spacing"]
    if lang == "zh":
        assert spacing in ("normal", 0), spacing  # （完）, not （ 完 ）
        assert text_of(mark).strip() == "（完）"
    else:
        assert spacing != "normal" and spacing > 0


def test_a_lead_in_stays_with_its_quote(quoted):
    lang, prepared, _ = quoted
    lead = {"en": "We asked them:", "zh": "我们请他们谈谈感想。"}[lang]
    # (a word joiner, U+2060, ties a Chinese paragraph's last two characters)
    assert f'<p class="lead-in">{lead}</p>' in prepared.html.replace("\u2060", "")


def test_formal_contacts_are_in_the_theme_serif(tmp_path):
    path = quote_post(tmp_path, "en")
    prepared = prepare(path, EXAMPLE_CONFIG, theme="formal")
    laid = list(boxes(layout(prepared.html, path.parent)))
    contacts = next(b for _, b in laid if "contacts" in classes(b))
    body = next(b for _, b in laid if b.element_tag == "p" and text_of(b) == "We asked them:")
    assert body.style["font_family"][-1] == "serif"
    assert contacts.style["font_family"] == body.style["font_family"]


@pytest.mark.parametrize("filler_mm", range(200, 252, 4))
def test_the_ending_is_never_split_from_the_release(tmp_path, filler_mm):
    """Whatever the release's length, the contacts never open a page alone and the end mark
    never does either: each shares its page with what comes before it."""
    config = load_config(EXAMPLE_CONFIG)
    theme = load_theme("default", config.root)
    post = parse_post("---\ntitle: t\n---\n", tmp_path / "content/en/news/x/index.md")
    body = f'<div style="height: {filler_mm}mm"></div><p>The last line of the release.</p>'
    page = build_page(post, body, config, theme)
    laid = list(boxes(layout(page.html(), tmp_path)))

    def page_of(name: str) -> int:
        return next(n for n, b in laid if name in classes(b))

    last = next(n for n, b in laid if b.element_tag == "p" and "last line" in text_of(b))
    assert page_of("end-mark") == last
    assert page_of("contacts") == page_of("about")


@pytest.mark.parametrize("filler_mm", range(214, 246, 4))
def test_a_lead_in_is_laid_out_on_the_page_of_what_it_introduces(tmp_path, filler_mm):
    """The markup tests check the `lead-in` class; this one lays the page out: wherever the
    page breaks, "Run this:" shares the page of its command, of its figure and of its quote."""
    config = load_config(EXAMPLE_CONFIG)
    theme = load_theme("default", config.root)
    post = parse_post("---\ntitle: t\n---\n", tmp_path / "content/en/news/x/index.md")
    kinds = {
        "code": '<div class="sourceCode"><pre><code>$ istioctl install</code></pre></div>',
        "figure": '<figure class="image"><div style="height: 30mm"></div>'
        "<figcaption>The mesh</figcaption></figure>",
        "quote": '<figure class="quote"><blockquote><p>It works.</p></blockquote>'
        "<figcaption>A user</figcaption></figure>",
    }
    for kind, block in kinds.items():
        body = paper.keep_lead_ins(
            f'<div style="height: {filler_mm}mm"></div><p>Run this:</p>{block}<p>After.</p>'
        )
        laid = list(boxes(layout(build_page(post, body, config, theme).html(), tmp_path)))
        lead = next(n for n, b in laid if "lead-in" in classes(b))
        follows = next(n for n, b in laid if b.element_tag in ("pre", "figure") and n >= lead)
        assert lead == follows, (kind, lead, follows)


ENGLISH = (
    "Istio 1.2 rotates the root certificate of the mesh. Operators of older releases must "
    "upgrade their sidecars before the old root expires, or traffic between services fails."
)


def test_an_english_post_filed_under_zh_prints_in_english(tmp_path):
    post = tmp_path / "content/zh/blog/root/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(f"---\ntitle: Root transition\n---\n\n{ENGLISH}\n", encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    assert '<html lang="en">' in done.stdout and "Press release" in done.stdout
    assert "新闻稿" not in done.stdout
    [warning] = [line for line in done.stderr.splitlines() if "Latin script" in line]
    assert "'zh'" in warning and "lang:" in warning


def test_a_chinese_post_full_of_code_stays_chinese(tmp_path):
    post = tmp_path / "content/zh/blog/code/index.md"
    post.parent.mkdir(parents=True)
    code = "\n".join(f"kubectl apply -f samples/bookinfo/platform-{i}.yaml" for i in range(20))
    post.write_text(
        f"---\ntitle: 代码\n---\n\n运行以下命令：\n\n```bash\n{code}\n```\n\n"
        "完成后检查 `istioctl` 的输出。\n",
        encoding="utf-8",
    )
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    assert '<html lang="zh-CN">' in done.stdout and "Latin script" not in done.stderr


def test_a_stated_language_is_kept(tmp_path):
    post = tmp_path / "content/zh/blog/stated/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(f"---\ntitle: Stated\nlang: zh\n---\n\n{ENGLISH}\n", encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    assert '<html lang="zh-CN">' in done.stdout and "Latin script" not in done.stderr


VIDEO_POST = """---
title: {title}
---

{lead}

<iframe width="560" src="https://www.youtube.com/embed/nupRBh9Iypo" allowfullscreen></iframe>

<video controls src="https://example.org/media/demo.mp4"></video>
"""


@pytest.mark.parametrize(
    ("lang", "lead", "words"),
    [("en", "Watch the demo:", "View online"), ("zh", "请观看演示：", "在线观看")],
)
def test_an_embedded_video_prints_its_address_and_a_qr_code(tmp_path, lang, lead, words):
    import segno

    post = tmp_path / f"content/{lang}/news/video/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(VIDEO_POST.format(title="Video", lead=lead), encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    assert "raw HTML not rendered" not in done.stderr  # it is rendered, as paper can
    html = without_break_marks(done.stdout)
    watch = "https://www.youtube.com/watch?v=nupRBh9Iypo"  # the page, not the player
    for url in (watch, "https://example.org/media/demo.mp4"):
        assert f'<a href="{url}">{url}</a>' in html.replace("&amp;", "&")
        qr = segno.make(url, error="m").svg_data_uri(scale=4, dark="#000000", border=0, nl=False)
        assert f'<img src="{qr}" class="qr"' in html
    assert html.count('<div class="embed">') == 2 and words in html
    # the lead-in stays with the video (U+2060 ties a Chinese paragraph's last two characters)
    assert f'<p class="lead-in">{lead}</p>' in html.replace("\u2060", "")


VIDEO_SHORTCODES = """---
title: Videos
---

Watch the keynote:

{{< youtube nupRBh9Iypo >}}

{{< youtube id="w7Ft2ymGmfc" title="The demo" >}}

{{< vimeo 55073825 >}}

{{< vimeo id="146022717" class="wide" >}}

{{< youtube "x onerror=alert(1)" >}}
"""


def test_hugo_video_shortcodes_print_like_other_embeds(tmp_path):
    """Hugo's built-in `youtube` and `vimeo` (positional or `id=`) are players too: their page
    and a QR code where they stood, not an "unsupported shortcode" left as nothing."""
    import segno

    post = tmp_path / "content/en/news/videos/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(VIDEO_SHORTCODES, encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    html = without_break_marks(done.stdout)
    pages = [
        "https://www.youtube.com/watch?v=nupRBh9Iypo",
        "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
        "https://vimeo.com/55073825",
        "https://vimeo.com/146022717",
    ]
    for url in pages:
        assert f'<a href="{url}">{url}</a>' in html
        qr = segno.make(url, error="m").svg_data_uri(scale=4, dark="#000000", border=0, nl=False)
        assert f'<img src="{qr}" class="qr"' in html
    assert html.count('<div class="embed">') == 4
    assert "The demo" in html  # a title the author gave says what the video is
    assert "unsupported shortcode" not in done.stderr
    # an id that is no id makes no address (nor markup): a warning with its line instead
    assert "onerror" not in html
    assert "videos/index.md:15:1: youtube: no video id" in done.stderr, done.stderr
    assert '<p class="lead-in">Watch the keynote:</p>' in html


# one grey pixel (as in test_cluster.py)
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)
# what the missing `missing.png` of MISSING_IMAGES leaves, Markdown image or raw <img>
MISSING_PLACEHOLDER = (
    '<figure class="image missing">\n'
    '<div class="image-placeholder">\n'
    "<p>Image not available: missing.png</p>\n"
    '<div class="image-alt">\n<p>A diagram of the mesh</p>\n</div>\n</div>\n</figure>'
)
MISSING_IMAGES = """---
title: Images
---

Text.

![A diagram of the mesh](missing.png)

![](gone%20away.png)

Inline ![the logo](nologo.png) here, and ![](here.png) is fine.
"""


def test_a_missing_markdown_image_leaves_a_placeholder_with_its_alt_text(tmp_path):
    """What the `image` shortcode does for a missing file, a Markdown image does too: the box
    naming the file, what the image shows (its alt text) in it, and one warning with the line.
    Before, the alt text ran on as body text, `![](gone.png)` printed nothing, and the warning
    spoke of a file "not read"."""
    post = tmp_path / "content/en/news/images/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(MISSING_IMAGES, encoding="utf-8")
    (post.parent / "here.png").write_bytes(PIXEL)
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    html = done.stdout
    assert MISSING_PLACEHOLDER in html
    assert "<p>Image not available: gone away.png</p>\n</div>\n</figure>" in html
    assert ('<span class="placeholder image-missing"><em>the logo</em></span> here') in html
    assert '<img src="here.png"' in html  # a file that is there is untouched
    assert "missing.png" not in html.split("Image not available: missing.png")[1]
    # the conversion reports each file, so the render counts it as asked for (a batch
    # rebuilds the post when it appears)
    assert prepare(post).absent == tuple(
        post.parent / name for name in ("missing.png", "gone away.png", "nologo.png")
    )
    lines = done.stderr.splitlines()
    for line, url in ((7, "missing.png"), (9, "gone%20away.png"), (11, "nologo.png")):
        expected = f"images/index.md:{line}: image {url}: file not found; a placeholder is printed"
        assert sum(expected in w for w in lines) == 1, done.stderr
    assert len(lines) == 3, done.stderr


RAW_IMAGES = """---
title: Raw images
---

Text.

<img src="missing.png" alt="A diagram of the mesh">

Inline <img src="nologo.png" alt="the logo"> here, <img src="here.png" alt="kept"> is fine.

<img src="../outside.png" alt="not ours">
"""


@pytest.mark.parametrize("unsafe", [True, False])
def test_a_missing_raw_html_image_leaves_the_same_placeholder(tmp_path, unsafe):
    """A raw `<img>` is the Markdown image it means: an absent file leaves the same box (or,
    in a sentence, the alt text set apart) and the same warning. A path leaving the post's
    folder keeps the fetcher's refusal, and where raw HTML is not rendered nothing changes."""
    site = tmp_path / "content/en/news/raw"
    site.mkdir(parents=True)
    post = site / "index.md"
    post.write_text(RAW_IMAGES, encoding="utf-8")
    (site / "here.png").write_bytes(PIXEL)
    (site.parent / "outside.png").write_bytes(PIXEL)
    (tmp_path / "presskit.toml").write_text(f"unsafe_html = {str(unsafe).lower()}\n")
    done = run_presskit("html", str(post), "--config", str(tmp_path / "presskit.toml"))
    assert done.returncode == 0, done.stderr
    html = done.stdout
    if not unsafe:
        assert "Image not available" not in html
        assert "raw HTML not rendered: <img src=" in done.stderr
        return
    assert MISSING_PLACEHOLDER in html
    assert ('<span class="placeholder image-missing"><em>the logo</em></span> here') in html
    assert '<img src="here.png" alt="kept">' in html  # a file that is there is untouched
    assert '<img src="../outside.png"' in html  # the fetcher's to refuse
    config = tmp_path / "presskit.toml"
    assert prepare(post, config).absent == (site / "missing.png", site / "nologo.png")
    for line, url in ((7, "missing.png"), (9, "nologo.png")):
        expected = f"raw/index.md:{line}: image {url}: file not found; a placeholder is printed"
        assert sum(expected in w for w in done.stderr.splitlines()) == 1, done.stderr
    assert "outside.png: file not found" not in done.stderr


RAW_BLOCK_IMAGES = """---
title: Raw images in blocks
---

Text.

<p><img src="missing.png" alt="A diagram of the mesh"></p>

<figure class="wide">
  <img src="chart.png" alt="The chart">
  <figcaption>Requests a second</figcaption>
</figure>

<div class="row"><img src="here.png" alt="kept"><!-- <img src="old.png"> --></div>

<p>Some words <img src="nologo.png" alt="the logo"> and more.</p>
"""


def test_a_missing_image_inside_a_raw_html_block_leaves_the_placeholder(tmp_path):
    """goldmark passes an HTML block (`<p>`, `<figure>`, `<div>` … up to a blank line) as one
    raw chunk: an absent `<img>` inside it printed WeasyPrint's alt text, with no box and no
    warning (only an `<img>` alone in its chunk was read as an image). Alone in its block it
    gets the box (a `<p>` around it is dropped; a figure keeps its caption), among words the
    alt text set apart; a file that is there, or an image in a comment, is untouched."""
    site = tmp_path / "content/en/news/rawblock"
    site.mkdir(parents=True)
    post = site / "index.md"
    post.write_text(RAW_BLOCK_IMAGES, encoding="utf-8")
    (site / "here.png").write_bytes(PIXEL)
    config = tmp_path / "presskit.toml"
    config.write_text("unsafe_html = true\n")
    done = run_presskit("html", str(post), "--config", str(config))
    assert done.returncode == 0, done.stderr
    html = done.stdout
    body = html[html.index('<div id="pk-release">') :]
    assert "<p>Text.</p>\n" + MISSING_PLACEHOLDER in body  # no paragraph left around it
    assert "<p></p>" not in body
    figure = body[body.index('<figure class="wide">') :]
    assert figure.index("Image not available: chart.png") < figure.index("<p>The chart</p>")
    assert figure.index("<p>The chart</p>") < figure.index("<figcaption>Requests a second")
    assert '<div class="row"><img src="here.png" alt="kept">' in body
    assert "old.png" not in done.stderr
    assert (
        '<p>Some words <span class="placeholder image-missing"><em>the logo</em></span>'
        " and more.</p>"
    ) in body
    assert prepare(post, config).absent == tuple(
        site / name for name in ("missing.png", "chart.png", "nologo.png")
    )
    warnings = done.stderr.splitlines()
    for line, url in ((7, "missing.png"), (10, "chart.png"), (16, "nologo.png")):
        expected = f"rawblock/index.md:{line}: image {url}: file not found; a placeholder"
        assert sum(expected in w for w in warnings) == 1, done.stderr
    assert len(warnings) == 3, done.stderr


LONG_URL = (
    "https://example.org/blog/2024/a-very-long-post-slug-that-keeps-going-on-and-on"
    "/and-a-second-segment-with-more-words-in-it-than-fit/final-page-name-here-at-last"
    "/third-segment-of-this-address-that-must-wrap-twice-over-on-a-footnote-line?x=1&y=2"
)


def test_urls_in_notes_break_after_slashes_and_before_hyphens(tmp_path):
    post = tmp_path / "content/en/news/url/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(f"---\ntitle: URL\n---\n\nSee [the post]({LONG_URL}).\n", encoding="utf-8")
    pdf = tmp_path / "url.pdf"
    done = run_presskit("render", str(post), "-o", str(pdf))
    assert done.returncode == 0, done.stderr
    text = pdftotext(pdf).split("\f")[1]
    start = text.index("1. https://")
    lines = text[start + 3 :].split("\n")
    note = []
    for line in lines:
        note.append(line)
        if line.endswith("y=2"):
            break
    assert len(note) >= 2, note  # it does wrap
    assert "".join(note) == LONG_URL  # nothing added to what a reader copies
    for line, following in pairwise(note):
        assert not line.endswith("-"), note  # a hyphen at a line end reads as hyphenation
        assert line.endswith("/") or following[:1] in "-?&#=", note


COMMAND = (
    "kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-1.20/samples/"
    "bookinfo/platform/kube/bookinfo.yaml --namespace default"
)
CODE_POST = """---
title: Code
---

Run:

```bash
{command}
istioctl x precheck
```

```
a plain block whose only line is long enough that it has to wrap onto a second line of the page
short
```
"""


def test_wrapped_code_hangs_its_continuation_and_marks_it(tmp_path):
    path = tmp_path / "content/en/news/code/index.md"
    path.parent.mkdir(parents=True)
    path.write_text(CODE_POST.format(command=COMMAND), encoding="utf-8")
    prepared = prepare(path, EXAMPLE_CONFIG)
    laid = list(boxes(layout(prepared.html, path.parent)))
    blocks = [c for _, b in laid if b.element_tag == "pre" for c in b.children]
    assert len(blocks) == 2
    lines = []
    for code in blocks:
        # one block per source line, nothing between them (a kept newline is a blank line)
        assert [c.element_tag for c in code.children] == ["span", "span"], code.children
        lines.extend(code.children)
    long_bash, short_bash, long_plain, short_plain = lines
    for line in (long_bash, long_plain):
        rows = line.children
        assert len(rows) >= 2  # it wraps
        first, *rest = rows
        em = line.style["font_size"]
        for row in rest:  # continuation lines hang 2em in
            shift = row.children[0].position_x - first.children[0].position_x
            assert shift == pytest.approx(2 * em, abs=0.5)
        # the ↪ marks: layers one line apart, from the second line on, clipped to the line;
        # one for each continuation line at least
        layers = line.style["background_image"]
        assert len(layers) >= len(rest) and all(kind == "url" for kind, _ in layers)
        tops = [position[3].value for position in line.style["background_position"]]
        assert tops[0] > line.children[0].height * 0.9  # none on the first line
        assert tops == sorted(tops)
    for line in (short_bash, short_plain):
        assert len(line.children) == 1
        # no marks to lay out and draw where nothing wraps
        assert [kind for kind, _ in line.style["background_image"]] == ["none"]


def test_only_a_code_line_that_can_wrap_gets_room_for_marks():
    """A mark is a background layer WeasyPrint lays out and draws even where it is clipped
    away: a line gets as many as it can have continuation lines at WRAP_COLUMNS a line."""
    cols = paper.WRAP_COLUMNS

    def plain(*lines: str) -> list[str]:
        html = paper.code_lines("<pre><code>" + "\n".join(lines) + "\n</code></pre>")
        return re.findall(r'<span class="([^"]*)">', html)

    assert plain("x" * cols, "x" * (cols + 1), "x" * (2 * cols + 1)) == [
        "line",
        "line marks-1",
        "line marks-2",
    ]
    assert plain("x" * (4 * cols), "x" * (4 * cols + 1), "x" * (100 * cols)) == [
        "line marks-4",
        "line marks-4",
        "line marks-12",
    ]
    # a wide character takes two columns, an entity one, a tag none
    assert plain("字" * (cols // 2 + 1), "&lt;" * cols, "<b>" + "x" * cols + "</b>") == [
        "line marks-1",
        "line",
        "line",
    ]
    highlighted = paper.code_lines(
        '<pre class="sourceCode"><code class="sourceCode">'
        f'<span id="cb1-1"><a href="#cb1-1"></a><span class="fu">{"y" * (cols + 5)}</span></span>\n'
        '<span id="cb1-2"><a href="#cb1-2"></a><span class="kw">short</span></span>'
        "</code></pre>"
    )
    assert '<span class="marks-1" id="cb1-1">' in highlighted
    assert '<span id="cb1-2">' in highlighted
    assert "\n" not in highlighted  # a kept newline is a blank line


def test_pandocs_line_anchors_are_left_out_of_code_on_paper():
    """pandoc links each highlighted line to itself for the web; on paper that is boxes, links
    and destinations to lay out and write for nothing. An empty line keeps its empty link (it
    is what gives the line its height); a line the post links to keeps its id."""

    def line(n: int, inner: str) -> str:
        anchor = f'<a href="#cb1-{n}" aria-hidden="true" tabindex="-1"></a>'
        return f'<span id="cb1-{n}">{anchor}{inner}</span>'

    block = (
        '<pre class="sourceCode yaml"><code class="sourceCode yaml">'
        + "\n".join(
            [
                line(1, '<span class="fu">kind</span><span class="kw">:</span>'),
                line(2, ""),
                line(3, '<span class="fu">' + "y" * (paper.WRAP_COLUMNS + 5) + "</span>"),
                line(4, '<span class="at">  spec</span>'),
                line(5, '<span class="at">    </span>'),
            ]
        )
        + "</code></pre>"
    )
    done = paper.code_lines('<p>See <a href="#cb1-4">line 4</a>.</p>' + block)
    assert re.findall(r"<code[^>]*>(<span[^>]*>)", done) == ["<span>"]
    blank = line(5, '<span class="at">    </span>')
    assert 'aria-hidden="true"' not in done.replace(line(2, ""), "").replace(blank, "")
    assert line(2, "") in done and blank in done  # the blank lines, as pandoc wrote them
    assert '<span class="marks-1"><span class="fu">yyy' in done
    assert '<span id="cb1-4"><span class="at">  spec</span></span>' in done
    assert 'id="cb1-1"' not in done and 'id="cb1-3"' not in done
    assert "\n" not in done
