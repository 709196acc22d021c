"""The brand's font files embedded in a Word document, as Word itself embeds them.

A journalist opening the release on a machine without the brand's typeface would otherwise see
Word's substitute. ECMA-376 Part 1, §17.8.1 (font embedding) and §17.8.3.3 (`embedRegular`…):
each face is a part `word/fonts/fontN.odttf`, "obfuscated": the first 32 bytes of the font XOR
the 16 bytes of a GUID in reverse order, the GUID written beside the part's relationship in
`fontTable.xml` as `w:fontKey`; `settings.xml` says `w:embedTrueTypeFonts`. Word, LibreOffice
and Pages read the face from there.

Only the files `[[brand.font_files]]` names are embedded (the config's loader already confined
them to the config's folder; they are checked again here, as they are read), only the faces
the document's styles use, and never one whose licence forbids embedding (OS/2 `fsType`
"restricted"). The face is renamed inside the file to the family the config gives it: Word
and LibreOffice match an embedded font by the family name in the file, while the config may
call `Inter-Regular.ttf` "Brand Sans" (as the PDF's `@font-face` may).
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from presskit.brand import FontFile

MAX_FONT_BYTES = 30 * 1024 * 1024  # a CJK face is 15–20 MB; nothing a brand names is bigger
REL_FONT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
RESTRICTED = 0x0002  # OS/2 fsType: restricted licence embedding
BOLD_WEIGHTS = {"bold", "bolder", "600", "700", "800", "900"}
# CT_Settings children that must come before w:embedTrueTypeFonts (the schema's order)
_BEFORE_EMBED = (
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
)


@dataclass(frozen=True)
class Face:
    """One face ready to embed: its family, its slot (`Regular`, `Bold`, `Italic`,
    `BoldItalic`), the GUID that keys it and the obfuscated bytes."""

    family: str
    slot: str
    key: str  # "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
    data: bytes


def slot(font: FontFile) -> str:
    bold = str(font.weight).strip().lower() in BOLD_WEIGHTS
    italic = str(font.style).strip().lower() in ("italic", "oblique")
    return ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"


def font_key(data: bytes) -> str:
    """A GUID from the font's bytes: the same face gives the same key (reproducible files)."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """§17.8.1: XOR the first 32 bytes with the key's 16 bytes, read from its last to its first
    (the same operation undoes it)."""
    guid = bytes.fromhex(re.sub(r"[{}-]", "", key))[::-1]
    head = bytes(byte ^ guid[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def faces(
    fonts: Iterable[FontFile],
    families: Iterable[str],
    roots: Iterable[Path],
    warn: Callable[[str], None],
) -> list[Face]:
    """The brand's faces of the `families` the document uses, ready to embed; a face that
    cannot be (refused, unreadable, restricted licence) is left to Word's substitute, with a
    warning."""
    used = {family.casefold() for family in families}
    allowed = tuple(root.resolve() for root in roots)
    out: list[Face] = []
    taken: set[tuple[str, str]] = set()
    for font in fonts:
        if font.family.casefold() not in used:
            continue
        where = (font.family, slot(font))
        if where in taken:  # two files for one slot: the first, as the config lists them
            continue
        data = _sfnt(font, allowed, warn)
        if data is not None:
            taken.add(where)
            key = font_key(data)
            out.append(Face(font.family, where[1], key, obfuscate(data, key)))
    return out


def _sfnt(font: FontFile, roots: tuple[Path, ...], warn: Callable[[str], None]) -> bytes | None:
    """The face as TrueType/OpenType bytes named `font.family`, or None (and a warning)."""
    from fontTools.ttLib import TTFont, TTLibError

    path = font.path.resolve()
    if not any(path.is_relative_to(root) for root in roots):
        warn(f"font file {font.path} not embedded in the Word file: outside the config's folder")
        return None
    try:
        if path.stat().st_size > MAX_FONT_BYTES:
            warn(f"font file {font.path} not embedded in the Word file: larger than 30 MB")
            return None
        face = TTFont(io.BytesIO(path.read_bytes()), lazy=False)
    except (OSError, TTLibError, ValueError, AssertionError) as error:
        warn(f"font file {font.path} not embedded in the Word file: {error}")
        return None
    os2 = face.get("OS/2")
    if os2 is not None and (os2.fsType & 0x000F) == RESTRICTED:
        warn(f"font file {font.path} not embedded in the Word file: its licence forbids it")
        return None
    face.flavor = None  # WOFF and WOFF2 become plain sfnt: Word reads no other
    _rename(face, font.family, slot(font))
    buffer = io.BytesIO()
    face.save(buffer, reorderTables=True)
    return buffer.getvalue()


def _rename(face: Any, family: str, style: str) -> None:  # a fontTools TTFont (untyped)
    """The family name Word and LibreOffice match: the config's, in every name record."""
    names = face["name"]
    subfamily = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic"}.get(style, "Bold Italic")
    postscript = re.sub(r"[^A-Za-z0-9-]", "", family) + "-" + subfamily.replace(" ", "")
    for record in list(names.names):
        if record.nameID in (16, 17, 21, 22):  # typographic names: family and style below say it
            names.names.remove(record)
    for name_id, value in (
        (1, family),
        (2, subfamily),
        (4, f"{family} {subfamily}" if subfamily != "Regular" else family),
        (6, postscript[:63]),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def embed(parts: dict[str, bytes], fonts: Sequence[Face]) -> None:
    """Add the faces to a docx's parts (name → bytes), in place."""
    if not fonts:
        return
    rels = []
    entries: dict[str, list[tuple[str, str]]] = {}
    for number, face in enumerate(fonts, 1):
        rid = f"rIdPresskitFont{number}"
        parts[f"word/fonts/font{number}.odttf"] = face.data
        rels.append(
            f'<Relationship Id="{rid}" Type="{REL_FONT}" Target="fonts/font{number}.odttf"/>'
        )
        entries.setdefault(face.family, []).append(
            (face.slot, f'<w:embed{face.slot} r:id="{rid}" w:fontKey="{face.key}"/>')
        )
    parts["word/_rels/fontTable.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        '"http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    ).encode()
    table = parts["word/fontTable.xml"].decode("utf-8")
    order = ("Regular", "Bold", "Italic", "BoldItalic")  # the schema's order of the embeds
    for family, embeds in entries.items():
        inner = "".join(xml for _slot, xml in sorted(embeds, key=lambda e: order.index(e[0])))
        element = f"<w:font w:name={quoteattr(family)}>{inner}</w:font>"
        # pandoc's table may describe the family already (panose, charset): ours replaces it
        same = re.compile(rf"<w:font w:name={re.escape(quoteattr(family))}>.*?</w:font>", re.S)
        if same.search(table):
            table = same.sub(element.replace("\\", "\\\\"), table, count=1)
        else:
            table = table.replace("</w:fonts>", element + "</w:fonts>")
    parts["word/fontTable.xml"] = table.encode("utf-8")
    parts["word/settings.xml"] = _settings(parts["word/settings.xml"].decode("utf-8")).encode()
    types = parts["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in types:
        default = f'<Default Extension="odttf" ContentType="{OBFUSCATED}"/>'
        types = re.sub(r"(<Types\b[^>]*>)", lambda m: m.group(1) + default, types, count=1)
    parts["[Content_Types].xml"] = types.encode("utf-8")


def _settings(xml: str) -> str:
    if "<w:embedTrueTypeFonts" in xml:
        return xml
    at = re.search(r"<w:settings\b[^>]*>", xml)
    if at is None:
        return xml
    position = at.end()
    for name in _BEFORE_EMBED:
        found = re.search(rf"<w:{name}\b[^>]*?(/>|>.*?</w:{name}>)", xml, re.S)
        if found:
            position = max(position, found.end())
    return xml[:position] + "<w:embedTrueTypeFonts/>" + xml[position:]
