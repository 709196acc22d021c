"""Font stacks per language, and the check that every character has a glyph.

A press release with tofu boxes is worse than no PDF, and WeasyPrint only logs a missing glyph.
Pango falls back through every installed font, so a character is printable when any installed
font covers it: we ask fontconfig once for the union of all charsets and check the document's
text against it before rendering.
"""

from __future__ import annotations

import bisect
import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache

from presskit import i18n

# Where to find a font for characters nothing installed covers (Debian package names).
SUGGESTIONS: tuple[tuple[int, int, str], ...] = (
    (0x1F000, 0x1FAFF, "fonts-noto-color-emoji"),
    (0x2600, 0x27BF, "fonts-noto-color-emoji"),
    (0x20000, 0x3FFFF, "fonts-hanazono (CJK Extension B and later)"),
    (0x2E80, 0x9FFF, "fonts-noto-cjk"),
    (0xAC00, 0xD7AF, "fonts-noto-cjk"),
    (0x3040, 0x30FF, "fonts-noto-cjk"),
)
DEFAULT_SUGGESTION = "fonts-noto-core or fonts-noto-extra"
SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cs", "Cn"})


@dataclass(frozen=True)
class FontStacks:
    body: tuple[str, ...]
    heading: tuple[str, ...]
    mono: tuple[str, ...]
    # Latin face first, for `span.latin-punct` (an English word's apostrophe in a CJK document)
    latin_body: tuple[str, ...] = ()
    latin_heading: tuple[str, ...] = ()

    @staticmethod
    def css(families: tuple[str, ...]) -> str:
        generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
        return ", ".join(f if f in generic else '"' + f.replace('"', "") + '"' for f in families)


def stacks_for(
    lang: str,
    *,
    serif: bool = False,
    body: tuple[str, ...] = (),
    heading: tuple[str, ...] = (),
    mono: tuple[str, ...] = (),
) -> FontStacks:
    """Brand fonts first, then Noto: Latin before CJK except in CJK documents.

    Noto Sans CJK SC draws `’` and `“` full-width, as Chinese wants them; an English post set
    in it reads `Istio’ s`. So non-CJK text gets Noto Sans/Serif first and the regional CJK face
    only as the fallback for CJK words, while CJK documents keep the CJK face first.
    """
    region = i18n.cjk_font_suffix(lang)
    sans_cjk = f"Noto Sans CJK {region}"
    body_cjk = f"Noto Serif CJK {region}" if serif else sans_cjk
    latin_body = ("Noto Serif",) if serif else ("Noto Sans",)
    cjk_first = i18n.is_cjk(lang)
    return FontStacks(
        body=(
            *body,
            *((body_cjk, *latin_body) if cjk_first else (*latin_body, body_cjk)),
            "serif" if serif else "sans-serif",
        ),
        heading=(
            *heading,
            *((sans_cjk, "Noto Sans") if cjk_first else ("Noto Sans", sans_cjk)),
            "sans-serif",
        ),
        mono=(*mono, "DejaVu Sans Mono", f"Noto Sans Mono CJK {region}", "monospace"),
        latin_body=(*body, *latin_body, body_cjk, "serif" if serif else "sans-serif"),
        latin_heading=(*heading, "Noto Sans", sans_cjk, "sans-serif"),
    )


def _parse_range(token: str) -> tuple[int, int]:
    lo, _, hi = token.partition("-")
    return int(lo, 16), int(hi or lo, 16)


_fc_list: subprocess.Popen[str] | None = None


def ask_for_coverage() -> None:
    """Start `fc-list` now, so that it runs beside the pandoc and import work of a cold render
    (it takes ≈ 15 ms); `installed_coverage` reads its answer."""
    global _fc_list
    fc_list = shutil.which("fc-list")
    if _fc_list is not None or installed_coverage.cache_info().currsize or fc_list is None:
        return
    _fc_list = subprocess.Popen(
        [fc_list, "--format", "%{charset}\n"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def cancel_coverage() -> None:
    """Stop the `fc-list` that `ask_for_coverage` started for a render that failed before
    reading it: left alone, it stays blocked on a full pipe as long as the process lives."""
    global _fc_list
    if _fc_list is not None:
        _fc_list.kill()
        _fc_list.communicate()
        _fc_list = None


@cache
def installed_coverage() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Merged (starts, ends) of every codepoint some installed font has a glyph for."""
    global _fc_list
    ask_for_coverage()
    if _fc_list is None:
        return (), ()
    output, _ = _fc_list.communicate()
    _fc_list = None
    # One line of hex ranges per font face. Faces of a family, and the fonts of a collection,
    # repeat the same ranges (70 000 here, 3 800 distinct): each distinct range is parsed once.
    ranges = sorted(_parse_range(token) for token in set(output.split()))
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple(lo for lo, _ in merged), tuple(hi for _, hi in merged)


def is_covered(char: str) -> bool:
    starts, ends = installed_coverage()
    if not starts:
        return True  # no fontconfig to ask: let the renderer decide
    code = ord(char)
    index = bisect.bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]


def visible_text(document: str) -> str:
    """Text an HTML document prints: tags, `<style>` and entities handled."""
    without_style = re.sub(r"<(style|script)\b.*?</\1>", " ", document, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]*>", " ", without_style))


def missing_glyphs(text: str) -> list[str]:
    """Characters no installed font has, in order of first appearance.

    One pass over the distinct characters (`dict.fromkeys` keeps their order), so the cost is
    the text's length plus one lookup per distinct character.
    """
    return [
        char
        for char in dict.fromkeys(text)
        if unicodedata.category(char) not in SKIPPED_CATEGORIES and not is_covered(char)
    ]


def suggestion(chars: list[str]) -> str:
    for char in chars:
        code = ord(char)
        for lo, hi, package in SUGGESTIONS:
            if lo <= code <= hi:
                return package
    return DEFAULT_SUGGESTION


MISSING_GLYPHS = "no font has glyphs for"  # how describe_missing's warnings begin


def describe_missing(chars: list[str], limit: int = 8) -> str:
    shown = ", ".join(f"U+{ord(c):04X} {c}" for c in chars[:limit])
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return f"{MISSING_GLYPHS} {shown}{more}; install a font that covers them, e.g. " + (
        suggestion(chars)
    )
