"""Font stacks per language, and the check that every character has a glyph.

A press release with tofu boxes is worse than no PDF, and WeasyPrint only logs a missing glyph.
Pango falls back through every installed font, so a character is printable when any installed
font covers it: we ask fontconfig once for the union of all charsets and check the document's
text against it before rendering.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
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


# fontconfig's names for itself on Linux, macOS and Windows (as WeasyPrint dlopens it).
_FONTCONFIG = ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll")


@cache
def installed_coverage() -> Callable[[int], bool] | None:
    """Whether some installed font has a glyph for a codepoint, or None without fontconfig.

    fontconfig is asked in this process, through the library WeasyPrint loads anyway: the
    union of every font's charset, then one lookup per character. `fc-list --format
    %{charset}` answered the same question from a process of its own, printing half a
    megabyte of ranges to parse here: ≈ 50 ms of a cold render's CPU, against ≈ 5 ms.
    """
    import ctypes  # here: `presskit build` with nothing to do never asks

    class FcFontSet(ctypes.Structure):
        _fields_ = [
            ("nfont", ctypes.c_int),
            ("sfont", ctypes.c_int),
            ("fonts", ctypes.POINTER(ctypes.c_void_p)),
        ]

    for name in _FONTCONFIG:
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        return None
    void_p = ctypes.c_void_p
    lib.FcPatternCreate.restype = void_p
    lib.FcObjectSetCreate.restype = void_p
    lib.FcObjectSetAdd.argtypes = [void_p, ctypes.c_char_p]
    lib.FcFontList.argtypes = [void_p, void_p, void_p]
    lib.FcFontList.restype = ctypes.POINTER(FcFontSet)
    lib.FcPatternDestroy.argtypes = [void_p]
    lib.FcObjectSetDestroy.argtypes = [void_p]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(FcFontSet)]
    lib.FcPatternGetCharSet.argtypes = [void_p, ctypes.c_char_p, ctypes.c_int, void_p]
    lib.FcCharSetCreate.restype = void_p
    lib.FcCharSetMerge.argtypes = [void_p, void_p, void_p]
    lib.FcCharSetHasChar.argtypes = [void_p, ctypes.c_uint32]
    # Every font of the current (default) configuration, as `fc-list` with no pattern lists.
    pattern, objects = lib.FcPatternCreate(), lib.FcObjectSetCreate()
    lib.FcObjectSetAdd(objects, b"charset")
    found = lib.FcFontList(None, pattern, objects)
    lib.FcPatternDestroy(pattern)
    lib.FcObjectSetDestroy(objects)
    if not found:
        return None
    union = lib.FcCharSetCreate()  # kept for the life of the process, like the cache
    charset = void_p()
    for index in range(found.contents.nfont):
        font = found.contents.fonts[index]
        if lib.FcPatternGetCharSet(font, b"charset", 0, ctypes.byref(charset)) == 0:
            lib.FcCharSetMerge(union, charset, None)
    lib.FcFontSetDestroy(found)
    has_char = lib.FcCharSetHasChar
    return lambda code: bool(has_char(union, code))


def is_covered(char: str) -> bool:
    covered = installed_coverage()
    if covered is None:
        return True  # no fontconfig to ask: let the renderer decide
    return covered(ord(char))


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
