"""The markup policy, one rule per row, without pandoc or WeasyPrint in the loop."""

from __future__ import annotations

import re

import panflute as pf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presskit.errors import PresskitError
from presskit.i18n import cjk_font_suffix
from presskit.output.fonts import stacks_for
from presskit.output.sanitize import (
    LONG_WORD,
    MAX_DEPTH,
    ZWSP,
    Sanitizer,
    check_source_nesting,
    image_allowed,
    link_allowed,
    sanitize,
)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://istio.io/latest/", True),
        ("http://example.org", True),
        ("mailto:press@example.org", True),
        ("#section-2", True),
        ("file:///etc/passwd", False),
        ("FILE:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("../other-post/", False),
        ("/zh/blog/", False),
        ("//evil.example/x", False),
        ("https://", False),
        ("ftp://example.org/file", False),
    ],
)
def test_link_targets(url, kept):
    assert link_allowed(url) is kept


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("photo.png", True),
        ("img/photo.png", True),
        ("https://example.org/a.png", True),
        ("data:image/png;base64,AAAA", True),
        ("data:text/html;base64,AAAA", False),
        ("file:///etc/passwd", False),
        ("//cdn.example/x.png", False),
        ("ftp://example.org/x.png", False),
    ],
)
def test_image_sources(url, kept):
    assert image_allowed(url) is kept


def run_policy(doc: pf.Doc, **options) -> Sanitizer:
    sanitizer = Sanitizer(source="post.md", **options)
    sanitize(doc, sanitizer)
    return sanitizer


def test_raw_html_is_dropped_by_default_with_one_warning_per_opening():
    doc = pf.Doc(
        pf.Para(pf.Str("a"), pf.RawInline("<b>", "html"), pf.Str("b"), pf.RawInline("</b>", "html"))
    )
    sanitizer = run_policy(doc, body="a <b>b</b>\n", body_line=5)
    assert pf.stringify(doc).strip() == "ab"
    assert [str(w) for w in sanitizer.warnings] == [
        "post.md:5: raw HTML not rendered: <b> (set `unsafe_html = true` in presskit.toml "
        "to allow it)"
    ]


def test_unsafe_html_keeps_markup_but_not_scripts_handlers_or_file_urls():
    raw = (
        '<p onclick="x()" class="k">Hi <script>steal()</script><a href="file:///x" '
        'rel="attachment">f</a><img src="file:///etc/passwd"><a href="https://ok.example">ok</a>'
        '<span style="color: red">red</span><span style="background:url(x.png)">bg</span></p>'
    )
    doc = pf.Doc(pf.RawBlock(raw, "html"))
    sanitizer = run_policy(doc, unsafe_html=True)
    kept = doc.content[0].text
    assert kept == (
        '<p class="k">Hi <a>f</a><img><a href="https://ok.example">ok</a>'
        '<span style="color: red">red</span><span>bg</span></p>'
    )
    removed = " ".join(w.message for w in sanitizer.warnings)
    for what in ("<script>", "onclick", "href=file:///x", "src=file:///etc/passwd", "style"):
        assert what in removed


def test_style_and_unknown_attributes_are_dropped():
    span = pf.Span(
        pf.Str("x"),
        attributes={"style": "position:fixed", "rel": "attachment", "onload": "x", "lang": "fr"},
    )
    image = pf.Image(url="a.png", attributes={"width": "50%", "height": "1e999;x"})
    doc = pf.Doc(pf.Para(span, image))
    sanitizer = run_policy(doc)
    assert dict(span.attributes) == {"lang": "fr"}
    assert dict(image.attributes) == {"width": "50%"}
    assert [w.message for w in sanitizer.warnings] == ["style attribute dropped: position:fixed"]


def test_bad_links_become_their_text_and_bad_images_their_alt_text():
    doc = pf.Doc(
        pf.Para(
            pf.Link(pf.Str("text"), url="file:///etc/passwd"),
            pf.Image(pf.Str("alt"), url="file:///etc/passwd"),
            pf.Link(pf.Str("fine"), url="https://example.org"),
        )
    )
    run_policy(doc)
    para = doc.content[0]
    assert [type(e).__name__ for e in para.content] == ["Span", "Span", "Link"]
    assert pf.stringify(doc).strip() == "textaltfine"


def test_long_words_get_break_opportunities_and_lose_nothing():
    word = "x" * 50_000
    code = pf.CodeBlock("short line\n" + "y" * 1000)
    doc = pf.Doc(pf.Para(pf.Str(word), pf.Space(), pf.Str("z" * LONG_WORD)), code)
    run_policy(doc)
    text = doc.content[0].content[0].text
    assert text.replace(ZWSP, "") == word
    assert max(len(part) for part in text.split(ZWSP)) <= 64
    assert doc.content[0].content[2].text == "z" * LONG_WORD  # at the limit: untouched
    assert code.text.startswith("short line\n") and code.text.replace(ZWSP, "").endswith("y" * 1000)


def test_depth_limit_names_the_line():
    inner: pf.Block = pf.Para(pf.Str("deepest"))
    for _ in range(MAX_DEPTH + 1):
        inner = pf.BlockQuote(inner)
    body = "intro\n\n" + "> " * (MAX_DEPTH + 1) + "deepest\n"
    with pytest.raises(PresskitError) as caught:
        run_policy(pf.Doc(inner), body=body, body_line=4)
    assert str(caught.value).startswith("post.md:6: nested deeper than")


def test_source_nesting_check_counts_only_quote_markers_outside_code():
    check_source_nesting("- " * 200 + "x\n", source="p.md")  # a thematic break, not a list
    check_source_nesting("```\n" + ">" * 200 + "\n```\n", source="p.md")
    with pytest.raises(PresskitError, match=r"p\.md:12: nested deeper"):
        check_source_nesting("a\n\n" + ">" * 200 + " x\n", source="p.md", line_offset=9)


@pytest.mark.parametrize(
    ("lang", "face"),
    [
        ("zh", "SC"),
        ("zh-CN", "SC"),
        ("zh-cn", "SC"),
        ("zh-Hans", "SC"),
        ("zh-Hans-CN", "SC"),
        ("zh-SG", "SC"),
        ("zh-TW", "TC"),
        ("zh-Hant", "TC"),
        ("zh-Hant-TW", "TC"),
        ("zh-HK", "TC"),
        ("zh-Hant-HK", "TC"),
        ("ja", "JP"),
        ("ja-JP", "JP"),
        ("ko", "KR"),
        ("ko-KR", "KR"),
    ],
)
def test_language_tag_selects_the_regional_cjk_face(lang, face):
    assert cjk_font_suffix(lang) == face
    assert f"Noto Sans CJK {face}" in stacks_for(lang).body


def test_many_raw_tags_give_a_few_warnings_and_a_count():
    inlines = [pf.RawInline("<br>", "html") for _ in range(1000)]
    sanitizer = run_policy(pf.Doc(pf.Para(pf.Str("x"), *inlines)), body="x" + "<br>" * 1000)
    messages = [w.message for w in sanitizer.warnings]
    assert len(messages) == 6
    assert messages[-1] == "995 more raw HTML elements not rendered"


TAGS = ["p", "a", "img", "script", "style", "iframe", "svg", "span", "link", "div", "b"]
ATTRS = ["href", "src", "style", "onclick", "onerror", "rel", "class", "xlink:href", "srcset"]
VALUES = ["file:///etc/passwd", "javascript:x()", "https://ok.example", "url(file:///x)", "#a"]


@st.composite
def html_soup(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["open", "close", "text"]))
        tag = draw(st.sampled_from(TAGS))
        if kind == "open":
            attrs = draw(st.lists(st.tuples(st.sampled_from(ATTRS), st.sampled_from(VALUES))))
            parts.append(f"<{tag}" + "".join(f' {k}="{v}"' for k, v in attrs) + ">")
        elif kind == "close":
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.text(alphabet="xyz&;<>", max_size=10)))
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(html_soup())
def test_unsafe_html_cleaning_never_lets_through_scripts_handlers_or_file_urls(raw):
    doc = pf.Doc(pf.RawBlock(raw, "html"))
    run_policy(doc, unsafe_html=True)
    raw_kept = [e for e in doc.content if isinstance(e, pf.RawBlock)]
    kept = "".join(e.text for e in raw_kept).lower()
    for embed in (e for e in doc.content if not isinstance(e, pf.RawBlock)):
        # a frame or video is printed as its address and a QR code: an http(s) link only
        assert isinstance(embed, pf.Div) and embed.classes == ["embed"], embed
        links = [e.url for e in embed.content[1].content if isinstance(e, pf.Link)]
        assert links and all(re.match(r"https?://", url) for url in links), links
    assert not re.search(r"<(script|style|iframe|svg|link)\b", kept), kept
    assert not re.search(r"\son\w+=", kept), kept
    assert not re.search(r'(href|src)="(file:|javascript:)', kept), kept
    assert not re.search(r'style="[^"]*(file:|javascript:|url\()', kept), kept
    assert "rel=" not in kept and "srcset=" not in kept, kept


FRAMED = (
    '<iframe src="https://www.youtube.com/embed/abc"></iframe> After the frame '
    "<script>steal()</script>tail"
)


def test_text_beside_an_embedded_frame_is_kept_and_removals_are_named():
    """A frame becomes its address where it stood; the rest of the HTML block is what it would
    be without one (the text after `</iframe>` used to vanish with it, silently)."""
    doc = pf.Doc(pf.RawBlock(FRAMED, "html"))
    sanitizer = run_policy(doc, unsafe_html=True, body=FRAMED + "\n", body_line=7)
    embed, rest = doc.content
    assert isinstance(embed, pf.Div) and "embed" in embed.classes
    assert "https://www.youtube.com/watch?v=abc" in pf.stringify(embed)
    assert rest.text == " After the frame tail"
    assert [str(w) for w in sanitizer.warnings] == ["post.md:7: removed <script> from raw HTML"]


def test_without_unsafe_html_the_frame_is_printed_and_the_rest_reported_dropped():
    doc = pf.Doc(pf.RawBlock(FRAMED, "html"))
    sanitizer = run_policy(doc, body=FRAMED + "\n", body_line=7)
    assert len(doc.content) == 1 and "embed" in doc.content[0].classes
    assert [str(w) for w in sanitizer.warnings] == [
        "post.md:7: raw HTML not rendered: After the frame tail (set `unsafe_html = true` in "
        "presskit.toml to allow it)"
    ]


def test_frames_keep_their_place_among_the_kept_markup():
    raw = (
        '<div><p>one</p><iframe src="https://example.org/a"></iframe><p>two</p>'
        '<video><source src="https://example.org/b.mp4"></video><p>three</p></div>'
    )
    doc = pf.Doc(pf.RawBlock(raw, "html"))
    sanitizer = run_policy(doc, unsafe_html=True)
    texts = [
        e.text if isinstance(e, pf.RawBlock) else pf.stringify(e).split()[-1] for e in doc.content
    ]
    assert texts == [
        "<div><p>one</p>",
        "https://example.org/a",
        "<p>two</p>",
        "https://example.org/b.mp4",
        "<p>three</p></div>",
    ]
    assert sanitizer.warnings == []  # both players are printed, nothing was lost
