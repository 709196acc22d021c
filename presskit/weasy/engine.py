"""WeasyPrint, imported once per process without the slow library search, and tuned.

WeasyPrint 70 looks for each C library under Windows- and macOS-style names first, and every
name that fails to load makes cffi call `ctypes.util.find_library`, which runs `ldconfig`, then
`gcc`, then `ld`: 0.3 s of a 0.5 s import, paid by every cold `presskit render`. While WeasyPrint
is imported, `find_library` answers from one `ldconfig -p` listing and LD_LIBRARY_PATH instead;
a name found in neither is reported missing, as the slow search would have reported it.

In a warm worker, WeasyPrint's font subsetting asks cffi for `hb_codepoint_t[N]` with a new N
for every font of every post, and cffi runs its C parser (pycparser) for each new N: 5 ms each,
10 % of a warm render. Array types of a known item type are built directly instead.

Font subsetting runs one HarfBuzz pass where WeasyPrint 70 runs two (`subset_in_one_pass`),
and CID-keyed CJK fonts are embedded without their empty glyph slots (`_subset_compact`).
A warm process parses each distinct `<style>` text once (`cache_style_elements`) and keeps
one copy of each font file (`share_font_files`); `trim_memory` keeps a process that renders
post after post from growing. Each is a row of `presskit.weasy.PATCHES` (what it replaces,
why, what upstream change would remove it); all are applied only to a WeasyPrint in the tested
range (`presskit.weasy.in_tested_range`, the one version check), and each also checks the
internals it needs and leaves WeasyPrint's code alone when they are not there.

`start_import()` runs the import on a thread, so a cold render overlaps it with pandoc;
`from presskit.weasy.engine import HTML` waits for it (or imports) and hands back WeasyPrint's
class.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import importlib.machinery
import importlib.util
import itertools
import logging
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import warnings
import weakref
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from presskit import weasy
from presskit.weasy import cjk, decoration, hanging

_lock = threading.Lock()
_thread: threading.Thread | None = None
_tuned = False  # the patches below wrap WeasyPrint's functions: once per process
# Each patch of `presskit.weasy.PATCHES` by name: applied in this process or not.
ACTIVE: dict[str, bool] = {}


@cache
def ldconfig_names() -> tuple[str, ...]:
    """The sonames (`libfoo.so.1`) the dynamic linker's cache knows; empty when unknown."""
    # /sbin is where ctypes itself looks: it is often not on a normal user's PATH.
    ldconfig = next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.access(p, os.X_OK)),
        "ldconfig",
    )
    try:
        listing = subprocess.run(
            [ldconfig, "-p"], capture_output=True, text=True, check=False, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    names = (line.strip().split(" ", 1)[0] for line in listing.splitlines()[1:])
    return tuple(dict.fromkeys(name for name in names if ".so" in name))


def find_library(name: str) -> str | None:
    """`ctypes.util.find_library` for Linux, without running a compiler: a soname or None."""
    pattern = re.compile(rf"lib{re.escape(name)}\.so(\.\d+)*$")
    for soname in ldconfig_names():
        if pattern.match(soname):
            return soname
    for folder in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep):
        if folder and Path(folder).is_dir():
            for entry in sorted(Path(folder).iterdir()):
                if pattern.match(entry.name):
                    return entry.name
    return None


def import_weasyprint() -> ModuleType:
    """`import weasyprint`, tuned by the patches of `presskit.weasy.PATCHES` when its version
    is in the tested range; WeasyPrint as it ships (and one `UntestedWeasyPrint` warning)
    otherwise."""
    global _tuned
    with _lock:
        weasyprint = sys.modules.get("weasyprint")
        if weasyprint is not None and _tuned:
            return weasyprint
        tested = weasy.in_tested_range(weasy.installed_version())
        if weasyprint is None:
            weasyprint = _import_quickly() if tested else importlib.import_module("weasyprint")
        if not _tuned:  # also when someone else imported WeasyPrint first
            _tuned = True
            if tested:
                from weasyprint.text.ffi import ffi

                ACTIVE["cffi_array_types"] = cache_array_types(ffi)
                ACTIVE["subset_in_one_pass"] = subset_in_one_pass(weasyprint)
                ACTIVE["compact_cid_fonts"] = ACTIVE["subset_in_one_pass"] and embed_bare_cff(
                    weasyprint
                )
                ACTIVE["style_element_cache"] = cache_style_elements(weasyprint)
                ACTIVE["shared_font_files"] = share_font_files(weasyprint)
                ACTIVE["footnote_layout_memo"] = measure_footnotes_once(weasyprint)
                ACTIVE["zlib_default_level"] = compress_as_zlib_default()
                ACTIVE["leader_one_run"] = draw_leaders_as_one_run(weasyprint)
                ACTIVE["cjk_line_layout"] = cjk.install(weasyprint)
                ACTIVE["inline_start_decoration"] = decoration.install(weasyprint)
                ACTIVE["hanging_space_fit"] = hanging.install(weasyprint)
            else:
                warnings.warn(str(weasy.range_warning()), weasy.UntestedWeasyPrint, stacklevel=2)
            for patch in weasy.PATCHES:
                ACTIVE.setdefault(patch.name, False)
        return weasyprint


def _import_quickly() -> ModuleType:
    import ctypes.util

    original = ctypes.util.find_library
    quick = sys.platform.startswith("linux") and bool(ldconfig_names())
    if quick:
        ctypes.util.find_library = find_library
    ACTIVE["quick_library_search"] = quick
    ACTIVE["deferred_font_tools"] = defer_font_tools()
    try:
        return importlib.import_module("weasyprint")
    finally:
        ctypes.util.find_library = original


# fontTools modules WeasyPrint imports up front but calls only for what presskit rarely meets:
# subsetting without HarfBuzz, variable fonts. Importing them was 70 ms of a cold render.
DEFERRED = ("fontTools.subset", "fontTools.varLib", "fontTools.varLib.instancer")


class _Deferred(ModuleType):
    """Stands in `sys.modules` for a module until one of its names is used: then the module is
    imported for real, and takes the stand-in's place. A name bound by `from … import f` at
    import time is a function that imports the module on its first call."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self.__name__ == "fontTools.varLib.instancer" and name == "instantiateVariableFont":
            return lambda *args, **kwargs: self._real().instantiateVariableFont(*args, **kwargs)
        return getattr(self._real(), name)

    def _real(self) -> ModuleType:
        with _deferred_lock:
            for stand_in in DEFERRED:
                if isinstance(sys.modules.get(stand_in), _Deferred):
                    del sys.modules[stand_in]
            return importlib.import_module(self.__name__)


_deferred_lock = threading.RLock()


def defer_font_tools() -> bool:
    if any(name in sys.modules for name in DEFERRED):
        return False
    if importlib.util.find_spec("fontTools") is None:
        return False
    # Each stand-in of a package has the package's `__path__`: fontTools' own tables import
    # submodules by name (`from fontTools.varLib.models import …` for an `avar` table), which
    # Python finds through the parent's `__path__`; without it, "… is not a package".
    found: dict[str, Any] = {}
    for name in DEFERRED:  # parents first
        parent = name.rpartition(".")[0]
        if parent in found:
            spec = importlib.machinery.PathFinder.find_spec(name, found[parent])
        else:
            spec = importlib.util.find_spec(name)  # imports only the (real) parent
        found[name] = spec.submodule_search_locations if spec else None
    for name in DEFERRED:
        stand_in = _Deferred(name)
        if found[name] is not None:
            stand_in.__path__ = found[name]
        sys.modules[name] = stand_in
    return True


ARRAY = re.compile(r"^\s*([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]\s*$")


class _ArrayTypes(dict[Any, Any]):
    """cffi's cache of parsed C types, which builds `name[N]` without parsing when it can."""

    def __init__(self, ffi: Any, parsed: dict[Any, Any]) -> None:
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, key: object) -> object:
        match = ARRAY.match(key) if isinstance(key, str) else None
        if match is None:
            raise KeyError(key)
        backend = self.ffi._backend
        try:
            item = self.ffi.typeof(match.group(1))
            array = backend.new_array_type(backend.new_pointer_type(item), int(match.group(2)))
        except Exception:  # noqa: BLE001 — cffi then parses the declaration itself, as before
            raise KeyError(key) from None
        self[key] = (array, False)  # (type, "is a raw function type")
        return self[key]


def cache_array_types(ffi: Any) -> bool:
    parsed = getattr(ffi, "_parsed_types", None)
    if type(parsed) is not dict or not hasattr(ffi, "_backend"):
        return False
    ffi._parsed_types = _ArrayTypes(ffi, parsed)
    return True


# WeasyPrint's own list of tables no PDF viewer reads.
DROPPED_TABLES: tuple[bytes, ...] = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS")
DROPPED_TABLES += (b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
# Empty glyph slots a one-pass subset may keep past the last glyph used (see below).
SLACK_GLYPHS = 64


def subset_in_one_pass(weasyprint: ModuleType) -> bool:
    """Font subsetting in one HarfBuzz pass instead of WeasyPrint 70's two.

    WeasyPrint subsets keeping glyph ids, then subsets the result again to drop the glyphs
    after the last one used. HarfBuzz ≥ 6 already stops at the last glyph kept, so the second
    pass re-reads 63 000 glyph slots of a CJK face for nothing: 33 ms → 11 ms a face (the
    sample has two). The glyphs are WeasyPrint's, byte for byte; a table its second pass
    drops (`FFTM`, 44 bytes) may stay. When HarfBuzz kept more than `SLACK_GLYPHS` glyphs
    past the last one used (a closure), WeasyPrint's two passes run instead.
    """
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    original = getattr(fonts.Font, "_harfbuzz_subset", None)
    if original is None or harfbuzz_subset is None or not harfbuzz.hb_version_atleast(6, 0, 0):
        return False

    def harfbuzz_subset_once(self: Any, to_unicode: Any, hinting: bool) -> None:
        glyphs = sorted(to_unicode)
        if getattr(self, "compact_allowed", False):
            cff = _subset_compact(self, glyphs, hinting, bool(self.missing))
            if cff is not None:
                self.file_content, self.bare_cff = cff, True
                return
        data = _subset_once(self.hb_face, glyphs, hinting, bool(self.missing))
        if data is None:
            original(self, to_unicode, hinting)
        else:
            self.file_content = data

    _keep_original(harfbuzz_subset_once, original)
    fonts.Font._harfbuzz_subset = harfbuzz_subset_once
    return True


def _keep_original(wrapper: Any, original: Any) -> None:
    """What a patch replaced stays reachable (`wrapper.original`): tests compare the two."""
    wrapper.original = original


def _subset_once(hb_face: Any, glyphs: list[int], hinting: bool, notdef: bool) -> bytes | None:
    face = _subset_face(hb_face, glyphs, hinting, notdef, retain_gids=True)
    if face is None:
        return None
    from weasyprint.text.ffi import harfbuzz
    from weasyprint.text.fonts import get_hb_object_data

    if harfbuzz.hb_face_get_glyph_count(face) > glyphs[-1] + 1 + SLACK_GLYPHS:
        return None
    return get_hb_object_data(face) or None


def _subset_face(
    hb_face: Any, glyphs: list[int], hinting: bool, notdef: bool, *, retain_gids: bool
) -> Any:
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    subset_input = harfbuzz_subset.hb_subset_input_create_or_fail()
    if subset_input == ffi.NULL:
        return None
    subset_input = ffi.gc(subset_input, harfbuzz_subset.hb_subset_input_destroy)
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(
        glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if retain_gids:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if notdef:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    drop = harfbuzz_subset.hb_subset_input_set(
        subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
    )
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = harfbuzz_subset.hb_subset_or_fail(hb_face, subset_input)
    if face == ffi.NULL:
        return None
    return ffi.gc(face, harfbuzz.hb_face_destroy)


def _subset_compact(font: Any, glyphs: list[int], hinting: bool, notdef: bool) -> bytes | None:
    """The bare CFF of a subset that drops the empty glyph slots, or None when it can't.

    A subset keeping glyph ids keeps one (empty) slot per glyph before the last one used:
    the SC forms of Noto Sans CJK sit near the end of its 65 000 glyphs, so each weight
    carried ≈ 140 KB of nothing. Renumbered glyphs would draw wrong, since the page's codes
    are the original glyph ids; but in a CID-keyed CFF, a PDF reader finds a glyph by its
    CID through the CFF charset, and HarfBuzz keeps the CIDs in the charset. So when the
    font's CIDs are its glyph ids (Adobe-Identity fonts such as Noto Sans CJK), the subset's
    bare CFF, embedded as `CIDFontType0C`, draws the same glyphs for the same codes.
    (Embedded as OpenType, poppler takes the codes as glyph ids: it ignores the charset.)
    """
    from weasyprint.text.fonts import get_hb_object_data

    original = sfnt_table(memoryview(font.file_content), b"CFF ", font.index)
    ranges = cid_ranges(original) if original is not None else None
    if not ranges or any(gid != cid for gid, cid, _ in ranges):
        return None
    face = _subset_face(font.hb_face, glyphs, hinting, notdef, retain_gids=False)
    data = get_hb_object_data(face) if face is not None else None
    cff = sfnt_table(memoryview(data), b"CFF ") if data and data[:4] == b"OTTO" else None
    subset_ranges = cid_ranges(cff) if cff is not None else None
    if cff is None or subset_ranges is None:
        return None
    cids = [cid + i for _, cid, count in subset_ranges for i in range(count)]
    increasing = all(a < b for a, b in itertools.pairwise(cids))
    if not increasing or not set(glyphs) - {0} <= set(cids):
        return None
    return bytes(cff)


def sfnt_table(font: memoryview, tag: bytes, face_index: int = 0) -> memoryview | None:
    """One table of an OpenType font file, or of face `face_index` of a collection; or None."""
    try:
        start = 0
        if bytes(font[:4]) == b"ttcf":  # table offsets stay relative to the whole file
            (start,) = struct.unpack_from(">I", font, 12 + 4 * face_index)
        (count,) = struct.unpack_from(">H", font, start + 4)
        for index in range(count):
            record = start + 12 + 16 * index
            name, _, offset, length = struct.unpack_from(">4sIII", font, record)
            if name == tag and offset + length <= len(font):
                return font[offset : offset + length]
    except struct.error:
        return None
    return None


def cid_ranges(cff: memoryview) -> list[tuple[int, int, int]] | None:
    """(first glyph id, its CID, glyph count) runs of a CID-keyed CFF's charset; None for a
    name-keyed or unreadable CFF. (CFF spec, Adobe TN #5176: header, Name INDEX, Top DICT.)"""
    try:
        _, after_names = _cff_index(cff, cff[2])
        top_dicts, _ = _cff_index(cff, after_names)
        top = _cff_dict(cff[top_dicts[0][0] : top_dicts[0][1]])
        if 1230 not in top or 15 not in top or 17 not in top:  # ROS, charset, CharStrings
            return None
        (glyph_count,) = struct.unpack_from(">H", cff, int(top[17][0]))
        offset = int(top[15][0])
        if offset <= 2:  # a predefined charset: never a CID font's
            return None
        kind, pos, gid, ranges = cff[offset], offset + 1, 1, [(0, 0, 1)]
        while gid < glyph_count:
            if kind == 0:
                (cid,) = struct.unpack_from(">H", cff, pos)
                ranges.append((gid, cid, 1))
                pos, gid = pos + 2, gid + 1
            elif kind in (1, 2):
                cid, left = struct.unpack_from(">HB" if kind == 1 else ">HH", cff, pos)
                count = min(left + 1, glyph_count - gid)
                ranges.append((gid, cid, count))
                pos, gid = pos + (3 if kind == 1 else 4), gid + count
            else:
                return None
        return ranges
    except (struct.error, IndexError, ValueError):
        return None


def _cff_index(cff: memoryview, pos: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) of each item of the CFF INDEX at `pos`, and where the INDEX ends."""
    (count,) = struct.unpack_from(">H", cff, pos)
    if count == 0:
        return [], pos + 2
    size = cff[pos + 2]
    offsets = [
        int.from_bytes(cff[pos + 3 + i * size : pos + 3 + (i + 1) * size], "big")
        for i in range(count + 1)
    ]
    base = pos + 3 + (count + 1) * size - 1
    return [(base + offsets[i], base + offsets[i + 1]) for i in range(count)], base + offsets[-1]


def _cff_dict(data: memoryview) -> dict[int, list[float]]:
    """A CFF DICT as {operator: operands}; two-byte operators `12 x` are 1200 + x."""
    entries: dict[int, list[float]] = {}
    operands: list[float] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte <= 21:
            operator = 1200 + data[i + 1] if byte == 12 else byte
            entries[operator], operands = operands, []
            i += 2 if byte == 12 else 1
        elif byte in (28, 29):
            size = 2 if byte == 28 else 4
            operands.append(int.from_bytes(data[i + 1 : i + 1 + size], "big", signed=True))
            i += 1 + size
        elif byte == 30:  # a real number: nibbles up to an 0xf nibble (its value unused here)
            i += 1
            while data[i] & 0x0F != 0x0F and data[i] >> 4 != 0x0F:
                i += 1
            operands.append(0.0)
            i += 1
        elif 32 <= byte <= 246:
            operands.append(byte - 139)
            i += 1
        elif 247 <= byte <= 254:
            value = (byte - 247) * 256 + data[i + 1] + 108
            operands.append(value if byte <= 250 else -(value - 1024))
            i += 2
        else:
            raise ValueError(f"reserved CFF DICT byte {byte}")
    return entries


def embed_bare_cff(weasyprint: ModuleType) -> bool:
    """Let WeasyPrint embed the bare CFF of `_subset_compact` as a `CIDFontType0C` font file.

    Only for documents without forms (WeasyPrint reads a form font's file with fontTools), and
    fonts that `Font.clean` won't rewrite after subsetting (variable fonts, colour glyphs).
    """
    from weasyprint import pdf as pdf_module
    from weasyprint.pdf import fonts

    original_build = pdf_module.build_fonts_dictionary
    original_type = fonts.Font.type
    fget = original_type.fget if isinstance(original_type, property) else None
    if fget is None:
        return False

    def font_type(self: Any) -> Any:
        return "otf" if getattr(self, "bare_cff", False) else fget(self)

    def build_fonts_dictionary(
        pdf: Any, document_fonts: Any, compress: Any, subset: Any, options: Any
    ) -> Any:
        forms = any(font.used_in_forms for font in document_fonts.values())
        for font in document_fonts.values():
            font.compact_allowed = not forms and not (
                "fvar" in font.tables or font.png or font.svg or font.colr
            )
        result = original_build(pdf, document_fonts, compress, subset, options)
        bare = {id(f.file_content) for f in document_fonts.values() if getattr(f, "bare_cff", 0)}
        for obj in pdf.objects if bare else ():
            content, extra = getattr(obj, "stream", None), getattr(obj, "extra", None)
            if content and len(content) == 1 and id(content[0]) in bare and extra is not None:
                extra["Subtype"] = "/CIDFontType0C"
        return result

    _keep_original(build_fonts_dictionary, original_build)
    fonts.Font.type = property(font_type)
    pdf_module.build_fonts_dictionary = build_fonts_dictionary
    return True


# A `<style>` element whose text mentions one of these may act on the document's fonts,
# counter styles, colour profiles or layers, or fetch something: it is always parsed.
_STATEFUL_AT_RULES = re.compile(
    r"@(font-face|import|counter-style|color-profile|layer|[\w-]*\\)", re.I
)
_NON_DATA_URL = re.compile(r"url\(\s*(?!['\"]?data:)", re.I)
STYLE_CACHE_SIZE = 16


@dataclass
class _ParsedStyle:
    matcher: object
    page_rules: list[object]
    records: list[logging.LogRecord]


class _Stateful(Exception):
    """The style sheet touched document state; it is parsed for each document."""


class _NoFonts:
    touched = False

    def add_font_face(self, *args: object) -> None:
        self.touched = True
        raise _Stateful


def cache_style_elements(weasyprint: ModuleType) -> bool:
    """Parse each distinct `<style>` text once per process, not once per document.

    The theme's style sheet comes inline in every post's HTML (so `presskit html` is the very
    document WeasyPrint gets), and WeasyPrint parses it for each document: 30 ms of a warm
    render. A parsed sheet is its selector matcher and `@page` rules, which WeasyPrint
    shares between documents anyway for the style sheets a caller passes it; a sheet that
    would register fonts, counter styles, colour profiles or layers, or fetch a file, is
    parsed as before. The warnings of the first parse are given again for each document.
    """
    from weasyprint import css as css_module

    original = css_module.CSS
    if getattr(original, "__name__", "") != "CSS" or not hasattr(css_module, "find_stylesheets"):
        return False
    parsed: dict[tuple[str, str, str | None], _ParsedStyle | None] = {}

    def style_element_css(*args: Any, **kwargs: Any) -> Any:
        string = kwargs.get("string")
        keys = {"string", "base_url", "url_fetcher", "media_type", "font_config"}
        keys |= {"counter_style", "page_rules", "color_profiles", "layers"}
        if (
            args
            or set(kwargs) != keys
            or not isinstance(string, str)
            or kwargs["page_rules"] is None
            or _STATEFUL_AT_RULES.search(string)
        ):
            return original(*args, **kwargs)
        base_url = kwargs["base_url"] if _NON_DATA_URL.search(string) else None
        key = (string, kwargs["media_type"], base_url)
        fresh = key not in parsed
        if fresh:
            if len(parsed) >= STYLE_CACHE_SIZE:
                del parsed[next(iter(parsed))]
            parsed[key] = _parse_alone(original, string, kwargs["base_url"], kwargs["media_type"])
        style = parsed[key]
        if style is None:
            return original(*args, **kwargs)
        if not fresh:  # the first document had them from the parse itself
            from weasyprint.logger import LOGGER

            for record in style.records:
                LOGGER.handle(record)
        sheet = object.__new__(original)
        sheet.base_url = kwargs["base_url"]
        sheet.matcher = style.matcher
        kwargs["page_rules"].extend(style.page_rules)
        sheet.page_rules = kwargs["page_rules"]
        sheet.layers = kwargs["layers"]
        return sheet

    _keep_original(style_element_css, original)
    css_module.CSS = style_element_css
    return True


def _parse_alone(
    css_class: Any, string: str, base_url: Any, media_type: Any
) -> _ParsedStyle | None:
    """`string` parsed apart from any document, or None when it reached for document state."""
    from weasyprint.logger import LOGGER

    fetched: list[str] = []

    def no_fetching(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
        fetched.append(url)
        raise _Stateful

    records: list[logging.LogRecord] = []
    handler = _Records(records)
    LOGGER.addHandler(handler)
    counter_style: dict[Any, Any] = {}
    color_profiles: dict[Any, Any] = {}
    layers: list[Any] = []
    page_rules: list[Any] = []
    fonts = _NoFonts()
    try:
        sheet = css_class(
            string=string,
            base_url=base_url,
            url_fetcher=no_fetching,
            media_type=media_type,
            font_config=fonts,
            counter_style=counter_style,
            page_rules=page_rules,
            color_profiles=color_profiles,
            layers=layers,
        )
    except Exception:  # noqa: BLE001 — parsed again, for the document, as WeasyPrint does
        return None
    finally:
        LOGGER.removeHandler(handler)
    if fetched or fonts.touched or counter_style or color_profiles or layers:
        return None
    return _ParsedStyle(sheet.matcher, page_rules, records)


class _Records(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# Font files kept in memory for WeasyPrint's font objects, at most this much in all.
FONT_FILES_MB = 128


def share_font_files(weasyprint: ModuleType) -> bool:
    """One copy of each font file per process, shared by WeasyPrint's font objects.

    Each font object WeasyPrint makes (several per document) copies its whole font file out
    of HarfBuzz: 19 MB for a Noto Sans CJK weight, 20 ms, and garbage in reference cycles
    that only a full collection frees (see `trim_memory`). The copy is now made once per
    file. A file is known by its length, its first 64 KB (the table directories, which hold
    a checksum of every table) and its last 4 KB: every document maps the file anew, so
    where HarfBuzz holds it says nothing.
    """
    from weasyprint.pdf import fonts

    original_get = getattr(fonts, "get_hb_object_data", None)
    original_init = fonts.Font.__init__
    if original_get is None:
        return False
    from weasyprint.text.ffi import ffi, harfbuzz

    files: dict[tuple[int, bytes, bytes], bytes] = {}
    making = threading.local()

    def font_file(hb_face: Any) -> bytes | None:
        blob = ffi.gc(harfbuzz.hb_face_reference_blob(hb_face), harfbuzz.hb_blob_destroy)
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        size = int(length[0])
        if data == ffi.NULL or size == 0:
            return original_get(hb_face)
        head = ffi.unpack(data, min(size, 65536))
        key = (size, head, ffi.unpack(data + max(0, size - 4096), min(size, 4096)))
        if key in files:
            files[key] = files.pop(key)  # the most recently used last
            return files[key]
        content = ffi.unpack(data, size)
        while files and sum(len(c) for c in files.values()) + size > FONT_FILES_MB * 2**20:
            del files[next(iter(files))]
        if size <= FONT_FILES_MB * 2**20:
            files[key] = content
        return content

    def get_hb_object_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        if getattr(making, "font", False) and ot_color is None and glyph is None:
            making.font = False  # only the font object's own file, not a subset's
            return font_file(hb_object)
        return original_get(hb_object, ot_color, glyph)

    def font_init(self: Any, *args: Any, **kwargs: Any) -> None:
        making.font = True
        try:
            original_init(self, *args, **kwargs)
        finally:
            making.font = False

    _keep_original(font_init, original_init)
    fonts.get_hb_object_data = get_hb_object_data
    fonts.Font.__init__ = font_init
    return True


_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_FILE_URL = re.compile(r"""url\(\s*["']?(file:[^"')\s]+)""")
_font_configs: dict[tuple[object, ...], Any] = {}
_made_configs: weakref.WeakSet[Any] = weakref.WeakSet()  # every one alive, kept or not


def _drop_font_configs() -> None:
    """At exit, before the interpreter's shutdown: a font configuration with @font-face fonts
    removes its temp folder when deleted, which fails (and says so on stderr) once `shutil`
    is torn down, and never happens in a process that ends without freeing its heap
    (`presskit render`, see `presskit.quickexit`). Their folders go now, whoever holds them."""
    for config in list(_made_configs):
        folder = getattr(config, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            config._folder = None  # its __del__, if it comes, has nothing left to do
    _font_configs.clear()


atexit.register(_drop_font_configs)
FONT_CONFIGS = 2  # brands a worker keeps warm at once


FLATE_LEVEL = 6  # zlib's default


class _Flate:
    """pydyf's `zlib`, with its streams compressed at zlib's default level instead of 9:
    a third of the time (5 → 2 ms a corpus post) for 1 % more bytes."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = FLATE_LEVEL, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, FLATE_LEVEL), *args, **kwargs)


def compress_as_zlib_default() -> bool:
    pydyf: Any = importlib.import_module("pydyf")  # untyped, and `zlib` is its private import
    if getattr(pydyf, "zlib", None) is not zlib:
        return False
    pydyf.zlib = _Flate
    return True


FOOTNOTE_MEMO_SIZE = 512  # laid-out footnotes a layout keeps for its next measurements


def measure_footnotes_once(weasyprint: ModuleType) -> bool:
    """Lay each footnote out once per place in the footnote area, not once per later footnote.

    Each time a footnote is added to a page, WeasyPrint lays the whole footnote area out again
    to learn its height: the n-th footnote of a page lays out all n. Nineteen link footnotes on
    one page of the sample cost 190 footnote layouts, a quarter of its render. The area is laid
    out child after child, and a child that gets the same inputs (place, collapsed margins
    above it, width, page, floats around) is laid out the same: the result is kept and a copy
    given back. Only footnotes whose layout touches nothing outside themselves (no floats,
    positioned or running boxes, nested footnotes) are kept; the area drawn on the page is
    laid out as before.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import LayoutContext, block

    original_layout = block.block_level_layout
    original_update = LayoutContext._update_footnote_area
    if getattr(original_layout, "original", None) is not None or not hasattr(
        boxes, "FootnoteAreaBox"
    ):
        return False

    def update(self: Any) -> Any:
        self.presskit_measuring = True
        try:
            return original_update(self)
        finally:
            self.presskit_measuring = False

    def layout(
        context: Any,
        box: Any,
        bottom_space: Any,
        skip_stack: Any,
        containing_block: Any,
        page_is_empty: bool = True,
        absolute_boxes: Any = None,
        fixed_boxes: Any = None,
        adjoining_margins: Any = None,
        first_letter_style: Any = None,
        first_line_style: Any = None,
        discard: bool = False,
        max_lines: Any = None,
    ) -> Any:
        args = (context, box, bottom_space, skip_stack, containing_block, page_is_empty)
        rest: tuple[Any, ...] = (absolute_boxes, fixed_boxes, adjoining_margins)
        rest += (first_letter_style, first_line_style, discard, max_lines)
        if (
            not getattr(context, "presskit_measuring", False)
            or type(containing_block) is not boxes.FootnoteAreaBox
            or skip_stack is not None
            or not _self_contained(box)
        ):
            return original_layout(*args, *rest)
        key = (
            box.element,
            box.element_tag,
            box.position_x,
            box.position_y,
            bottom_space,
            page_is_empty,
            tuple(adjoining_margins or ()),
            id(first_letter_style),
            id(first_line_style),
            discard,
            max_lines,
            containing_block.width,
            containing_block.position_x,
            containing_block.position_y,
            id(containing_block.page),
            context.current_page,
            context.forced_break,
            tuple(map(id, context.excluded_shapes)),
        )
        memo = context.__dict__.setdefault("presskit_footnotes", {})
        entry = memo.get(key)
        if entry is None:
            result = original_layout(*args, *rest)
            if len(memo) >= FOOTNOTE_MEMO_SIZE:
                memo.clear()
            # The objects named by id() in the key stay alive with the entry: a freed page or
            # float could otherwise hand its id to a new one, and the key would match wrongly.
            named = (first_letter_style, first_line_style, containing_block.page)
            memo[key] = (_kept_layout(result), (*named, *context.excluded_shapes))
            return result
        return _kept_layout(entry[0])

    _keep_original(layout, original_layout)
    _keep_original(update, original_update)
    block.block_level_layout = layout
    LayoutContext._update_footnote_area = update
    return True


def draw_leaders_as_one_run(weasyprint: ModuleType) -> bool:
    """A leader (`content: leader(dotted)`) laid out as one text box of its dots, not a box
    per dot.

    WeasyPrint fills a leader with copies of its one-dot text box, each placed one advance
    further from the line's right edge, and draws each copy as its own text object: 80 boxes
    and 80 `BT … ET` a line of the kit's contents, half the time of the kit's cover and
    contents. The copies are consecutive and alike, so one box of the same dots, shaped once,
    starting where the leftmost copy starts, draws the same glyphs at the same places; when
    shaping the run does not give exactly the copies' widths (a font that kerns or joins the
    leader's string), WeasyPrint's copies are kept.
    """
    from weasyprint.layout import inline, leader
    from weasyprint.text.line_break import split_first_line

    original = getattr(inline, "handle_leader", None)
    if (
        original is None
        or getattr(original, "original", None) is not None
        or not hasattr(leader, "leader_index")
    ):
        return False

    def handle_leader(context: Any, line: Any, containing_block: Any) -> Any:
        result = original(context, line, containing_block)
        _, box = leader.leader_index(line)
        if box is not None and len(box.children) > 1:
            _join_leader(context, box, split_first_line)
        return result

    _keep_original(handle_leader, original)
    inline.handle_leader = handle_leader
    return True


def _join_leader(context: Any, box: Any, split_first_line: Any) -> None:
    dots = sorted(box.children, key=lambda child: child.position_x)
    first = dots[0]
    width = first.width
    if any(
        type(dot) is not type(first)
        or dot.text != first.text
        or dot.style is not first.style
        or dot.position_y != first.position_y
        or abs(dot.width - width) > 1e-9
        for dot in dots
    ):
        return
    step = [b.position_x - a.position_x for a, b in itertools.pairwise(dots)]
    if any(abs(gap - width) > 1e-6 for gap in step):
        return
    text = first.text * len(dots)
    layout, length, _, run_width, _, _ = split_first_line(
        text, first.style, context, None, first.justification_spacing, is_line_start=False
    )
    if length != len(text.encode()) or abs(run_width - width * len(dots)) > 1e-3:
        return  # shaped otherwise than dot by dot: WeasyPrint's copies stay
    joined = first.copy_with_text(text)
    joined.width = run_width
    joined.pango_layout = layout
    box.children = (joined,)


def _self_contained(box: Any) -> bool:
    """A footnote whose layout reads and writes only itself (see `measure_footnotes_once`)."""
    for index, child in enumerate(box.descendants()):
        style = child.style
        if index and style["float"] != "none":
            return False
        if style["position"] not in ("static", "relative") or getattr(child, "footnote", None):
            return False
    return True


def _kept_layout(result: tuple[Any, ...]) -> tuple[Any, ...]:
    """A copy of `block_level_layout`'s answer that later changes to either cannot reach."""
    new_box, resume_at, next_page, adjoining, collapsing_through, max_lines = result
    return (
        None if new_box is None else new_box.deepcopy(),
        resume_at,
        dict(next_page) if isinstance(next_page, dict) else next_page,
        list(adjoining),
        collapsing_through,
        max_lines,
    )


def font_configuration(html: str) -> Any:
    """The process's WeasyPrint font configuration for documents with `html`'s `@font-face`s.

    A font configuration owns a Pango font map, and with it every cache Pango and HarfBuzz
    keep per font: faces, shaped glyph runs, metrics. A fresh one per document (WeasyPrint's
    default) starts them all cold again; shared across a worker's posts it made WeasyPrint's
    part of a corpus post ≈ 20 % faster. It is shared only between documents that declare
    exactly the same `@font-face` rules, so a font one post (or brand) adds can never reach
    another post's text, and a post prints the same whatever the worker rendered before.
    """
    from weasyprint.text.fonts import FontConfiguration

    end = html.find("</head>")  # the theme's and brand's rules, not a post's text
    head = html if end < 0 else html[:end]
    rules = tuple(_FONT_FACE.findall(head))
    # WeasyPrint keeps a configuration's fonts by their rule, and a rule names a file, not its
    # contents: a font file changed since would go on printing as it was.
    key = (rules, tuple(_file_state(url) for rule in rules for url in _FILE_URL.findall(rule)))
    config = _font_configs.pop(key, None)
    if config is None:
        config = FontConfiguration()
        _made_configs.add(config)
        while len(_font_configs) >= FONT_CONFIGS:
            del _font_configs[next(iter(_font_configs))]
    _font_configs[key] = config  # most recently used last
    return config


def _file_state(url: str) -> tuple[str, int, int] | None:
    try:
        state = os.stat(unquote(urlsplit(url).path))
    except OSError:
        return None
    return url, state.st_mtime_ns, state.st_size


def start_import() -> None:
    """Import WeasyPrint on a thread; a later `import_weasyprint()` waits for it."""
    global _thread
    if "weasyprint" in sys.modules or _thread is not None:
        return
    _thread = threading.Thread(target=_import_quietly, name="import-weasyprint", daemon=True)
    _thread.start()


def _import_quietly() -> None:
    # A failure here is raised again, with its message, by the import on the main thread.
    try:
        import_weasyprint()
    except Exception:  # noqa: BLE001
        return


if TYPE_CHECKING:  # WeasyPrint's classes, reached through the module `__getattr__` below
    HTML: Any
    CSS: Any


def __getattr__(name: str) -> Any:
    """`from presskit.weasy.engine import HTML`: WeasyPrint's names, through `import_weasyprint`."""
    if name in ("HTML", "CSS"):
        return getattr(import_weasyprint(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# A Chinese post leaves ≈ 40 MB behind in reference cycles (WeasyPrint's styles, boxes and the
# cffi objects holding HarfBuzz and Pango memory) until Python's full collection happens to
# run: a warm worker grew to 470 MB over the corpus. A full collection costs ≈ 45 ms, so it
# runs only once the process is past this size: the largest worker then stays near 300 MB.
MEMORY_LIMIT_MB = 256


def resident_mb() -> float | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def trim_memory(limit_mb: float = MEMORY_LIMIT_MB) -> bool:
    """Collect cyclic garbage when the process is past `limit_mb`; True when it collected."""
    size = resident_mb()
    if size is None or size <= limit_mb:
        return False
    gc.collect()
    return True
