"""The glyph check: which characters no installed font has, reported in reading order."""

from __future__ import annotations

import pytest

from presskit.output import fonts

# A pretend machine whose fonts cover ASCII and CJK Unified Ideographs only.
COVERAGE = ((0x20, 0x4E00), (0x7E, 0x9FFF))


@pytest.fixture
def ascii_and_han(monkeypatch):
    monkeypatch.setattr(fonts, "installed_coverage", lambda: COVERAGE)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        pytest.param("plain ASCII 中文", [], id="all-covered"),
        pytest.param("b\u00e9 a\u00e9 \u00e0", ["\u00e9", "\u00e0"], id="first-appearance-order"),
        pytest.param("\u0416\u00e9\u0416\u00e9", ["\u0416", "\u00e9"], id="each-once"),
        pytest.param("a\u200b\u0301\u00a0b\n", [], id="invisible-and-combining-skipped"),
        pytest.param("\U0001f600 x", ["\U0001f600"], id="astral"),
    ],
)
def test_missing_glyphs(ascii_and_han, text, missing):
    assert fonts.missing_glyphs(text) == missing


def test_many_missing_characters_keep_reading_order(ascii_and_han):
    # Thousands of distinct uncovered characters (a post in an uninstalled script).
    chars = [chr(c) for c in range(0xAC00, 0xAC00 + 3000)]
    text = " ".join(reversed(chars)) * 3
    assert fonts.missing_glyphs(text) == list(reversed(chars))


def test_coverage_merges_overlapping_ranges_of_all_fonts():
    starts, ends = fonts.installed_coverage()
    assert list(starts) == sorted(starts)
    assert all(lo <= hi for lo, hi in zip(starts, ends, strict=True))
    assert all(ends[i] + 1 < starts[i + 1] for i in range(len(starts) - 1))


def test_visible_text_drops_tags_styles_and_decodes_entities():
    html = "<style>p{content:'\u00e9'}</style><p title='\u0416'>a &amp; b&#x4E2D;</p>"
    assert fonts.visible_text(html).split() == ["a", "&", "b中"]


def test_a_render_that_fails_before_reading_fc_list_stops_it(tmp_path, monkeypatch):
    from presskit.errors import PresskitError
    from presskit.pipeline import render

    monkeypatch.setattr(fonts, "_fc_list", None)
    fonts.installed_coverage.cache_clear()  # so that the render starts fc-list
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    with pytest.raises(PresskitError):
        render(post, tmp_path / "post.pdf")
    assert fonts._fc_list is None  # not left blocked on its pipe
