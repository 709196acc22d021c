"""The WeasyPrint adapter: how presskit imports and tunes WeasyPrint, in one place.

presskit replaces a few of WeasyPrint's (and cffi's, pydyf's, fontTools') internals to make a
press kit fast and small (`engine.py` holds the code). Internals change without notice between
WeasyPrint releases, so the patches are written for one tested range of versions, the range
`pyproject.toml` pins, and this module holds the one check: inside the range every patch whose
own preconditions hold is applied; outside it none is, WeasyPrint runs its own code paths, and
the command says so once (`UntestedWeasyPrint`). `presskit doctor` lists which patches are
active. The table below says for each what it replaces, why, and what upstream change would
let it go; the README shows the same table.

Importing this module is cheap: it reads the installed version from the package's
`.dist-info` folder and never imports WeasyPrint.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec

# The WeasyPrint versions the patches were written and tested against: the same range as
# pyproject.toml's dependency (a test holds the two together).
TESTED_RANGE = ">=70,<71"
TESTED_MAJORS = (70,)


class UntestedWeasyPrint(UserWarning):
    """WeasyPrint is outside the tested range: presskit's patches are off."""


@dataclass(frozen=True)
class Patch:
    """One replacement of a dependency's internals, and how it could go away."""

    name: str
    replaces: str
    why: str
    upstream: str


PATCHES: tuple[Patch, ...] = (
    Patch(
        "quick_library_search",
        "ctypes.util.find_library while WeasyPrint is imported",
        "each Windows/macOS library name WeasyPrint tries first makes cffi run ldconfig, gcc "
        "and ld: 0.3 s of a 0.5 s import; answered from one `ldconfig -p` listing instead",
        "Kozea/WeasyPrint#1125 (gcc run at import): trying the Linux sonames first removes it",
    ),
    Patch(
        "deferred_font_tools",
        "the fontTools.subset and fontTools.varLib imports WeasyPrint makes up front",
        "70 ms of a cold render for code presskit meets rarely (subsetting without HarfBuzz, "
        "variable fonts); imported on first use instead",
        "none filed: importing them inside the functions of weasyprint/pdf/fonts.py that use them",
    ),
    Patch(
        "cffi_array_types",
        "cffi's cache of parsed C types (FFI._parsed_types)",
        "every font of every post asks for `hb_codepoint_t[N]` with a new N, and cffi runs "
        "pycparser for each: 5 ms, 10 % of a warm render; built directly instead",
        "none filed: WeasyPrint passing open arrays (`hb_codepoint_t[]`), one type for all N",
    ),
    Patch(
        "subset_in_one_pass",
        "weasyprint.pdf.fonts.Font._harfbuzz_subset",
        "WeasyPrint subsets twice; HarfBuzz >= 6 already stops at the last glyph kept, so the "
        "second pass re-read 63 000 glyph slots of a CJK face: 33 -> 11 ms a face",
        "Kozea/WeasyPrint#2178 added the two passes; one suffices with HarfBuzz >= 6 "
        "(fonttools/fonttools#3516: trailing empty glyph ids)",
    ),
    Patch(
        "compact_cid_fonts",
        "weasyprint.pdf.build_fonts_dictionary and Font.type",
        "a subset keeping glyph ids keeps an empty slot per glyph before the last one used: "
        "~140 KB per Noto CJK weight; CID-keyed fonts are embedded as bare CFF (CIDFontType0C)",
        "none filed: WeasyPrint embedding CID-keyed CFF subsets without retained glyph ids",
    ),
    Patch(
        "style_element_cache",
        "weasyprint.css.CSS for a document's <style> elements",
        "the theme's style sheet is parsed again for every document: 30 ms of a warm render; "
        "each distinct stateless <style> text is parsed once per process",
        "none filed: a parsed-style-sheet cache keyed by text in WeasyPrint",
    ),
    Patch(
        "shared_font_files",
        "weasyprint.pdf.fonts.get_hb_object_data and Font.__init__",
        "each font object copies its whole font file out of HarfBuzz (19 MB and 20 ms for a "
        "Noto CJK weight), several times a document; one copy per file per process",
        "none filed: WeasyPrint sharing font file data between its Font objects",
    ),
    Patch(
        "footnote_layout_memo",
        "weasyprint.layout.block.block_level_layout inside LayoutContext._update_footnote_area",
        "the footnote area is laid out whole each time a footnote is added: n(n+1)/2 footnote "
        "layouts a page (a quarter of the sample's render); each kept per place",
        "none filed: incremental footnote-area measurement in WeasyPrint's layout",
    ),
    Patch(
        "zlib_default_level",
        "pydyf's zlib (streams compressed at level 9)",
        "a third of the time at zlib's default level (5 -> 2 ms a corpus post) for 1 % more bytes",
        "none filed: a compression-level option in pydyf / WeasyPrint",
    ),
    Patch(
        "leader_one_run",
        "weasyprint.layout.inline.handle_leader",
        "a leader is a text box per dot, each drawn as its own text object: 80 a line of the "
        "kit's contents, half the time of its cover and contents; one box of the same dots "
        "instead, kept only when shaped to exactly the copies' widths",
        "none filed: WeasyPrint filling a leader with one text box of repeated glyphs",
    ),
    Patch(
        "cjk_line_layout",
        "weasyprint.layout.inline.justify_line, text_align, split_text_box and "
        "get_next_linebox, text.line_break.Layout.set_text",
        "WeasyPrint justifies only at spaces, and Chinese has none (lines 0.8-7.3 mm short); "
        "CJK lines justified between characters, facing full-width marks (also across inline "
        "elements) and a line-initial bracket set half width, a line-final mark halved when "
        "that lets the line take one more character (presskit/weasy/cjk.py)",
        "none filed: css-text-3 `text-justify: inter-character`, `text-spacing-trim` and "
        "`hanging-punctuation: allow-end` in WeasyPrint (its justify_line's own TODO)",
    ),
    Patch(
        "inline_start_decoration",
        "weasyprint.layout.inline.split_inline_box (for inline elements)",
        "an inline element's children are offered its left padding, border and margin as "
        "extra room: padded inline code that should break inside itself at a line's end "
        "overshot it, and the line broke before the code instead, its word spaces an em or "
        "more wide (presskit/weasy/decoration.py)",
        "none filed: split_inline_box subtracting left_spacing from max_x (it already takes "
        "the end decoration off the last child)",
    ),
    Patch(
        "hanging_space_fit",
        "weasyprint.text.line_break.split_first_line",
        "a text box that fits its line but for its trailing space (which Pango lets hang) was "
        "taken for one word too long and hyphenated at its first word: `indic-` alone on a "
        "line justified with two-em word spaces; answered whole instead "
        "(presskit/weasy/hanging.py)",
        "none filed: split_first_line's step 2 comparing the width without trailing "
        "collapsible spaces",
    ),
)


@cache
def installed_version() -> str | None:
    """WeasyPrint's version (no import), or None when absent.

    The `weasyprint-VERSION.dist-info` folder beside the package that `import weasyprint` would
    load names it (the wheel format's rule for that folder); `importlib.metadata` answers the
    same only after importing `email` and `zipfile` (≈ 10 ms of a cold render), so it is
    asked only when that folder is not there to read."""
    spec = find_spec("weasyprint")
    if spec is None or not spec.origin:
        return None
    folder = os.path.dirname(os.path.dirname(spec.origin))
    try:
        found = [_DIST_INFO.fullmatch(name) for name in os.listdir(folder)]
    except OSError:
        found = []
    versions = [match.group(1) for match in found if match]
    if len(versions) == 1:
        return versions[0]
    from importlib import metadata

    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return None


_DIST_INFO = re.compile(r"weasyprint-([^-]+)\.dist-info", re.IGNORECASE)


def in_tested_range(version: str | None) -> bool:
    """The one version check: may presskit's patches be applied to this WeasyPrint?"""
    if not version:
        return False
    major = version.split(".", 1)[0]
    return major.isdigit() and int(major) in TESTED_MAJORS


def range_warning() -> str | None:
    """The one line a command prints when WeasyPrint is outside the tested range, else None."""
    version = installed_version()
    if version is None or in_tested_range(version):
        return None
    return (
        f"WeasyPrint {version} is outside the range presskit is tested with ({TESTED_RANGE}): "
        "its patches are off and WeasyPrint's own code runs (slower; CJK fonts embed larger)"
    )
