"""The glyph check: which characters no installed font has, reported in reading order."""

from __future__ import annotations

import pytest

from presskit.output import fonts

# A pretend machine whose fonts cover ASCII and CJK Unified Ideographs only.
COVERAGE = ((0x20, 0x4E00), (0x7E, 0x9FFF))


@pytest.fixture
def ascii_and_han(monkeypatch):
    def covered(code: int) -> bool:
        return any(lo <= code <= hi for lo, hi in zip(*COVERAGE, strict=True))

    monkeypatch.setattr(fonts, "installed_coverage", lambda: covered)


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


def test_coverage_is_what_fc_list_says():
    """fontconfig asked in-process answers as `fc-list --format %{charset}` (every installed
    font's ranges, unioned) for every BMP character below U+3000 and a spread of the rest."""
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fontconfig's fc-list is not installed")
    output = subprocess.run(
        [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, check=True
    ).stdout
    ranges = []
    for token in set(output.split()):
        lo, _, hi = token.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    covered = fonts.installed_coverage()
    assert covered is not None
    codes = [*range(0x3000), *range(0x3000, 0x110000, 97), 0x4E2D, 0x1F600, 0x20000]
    wrong = [c for c in codes if covered(c) != any(lo <= c <= hi for lo, hi in ranges)]
    assert wrong == []
    assert covered(ord("中")) and covered(ord("A"))


def test_visible_text_drops_tags_styles_and_decodes_entities():
    html = "<style>p{content:'\u00e9'}</style><p title='\u0416'>a &amp; b&#x4E2D;</p>"
    assert fonts.visible_text(html).split() == ["a", "&", "b中"]
