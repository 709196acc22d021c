"""The Word reference document: the brand's fonts, colours and page in pandoc's style slots.

pandoc styles a .docx after a "reference document" (`--reference-doc`): it copies that file's
styles, page setup, header and footer, and fills in the body. We start from pandoc's own
default (`--print-default-data-file reference.docx`, so every style pandoc names exists) and
replace the styles a press release uses with ones written here: brand colours, the font
stacks the PDF uses (a Latin face in `w:ascii`/`w:hAnsi` and the regional Noto CJK face in
`w:eastAsia`, so Word and LibreOffice pick the CJK face for Chinese characters only), and
paragraph styles for what presskit adds (release status, dateline, quotes and their captions,
callouts, end mark). The header carries the brand and, while an embargo holds, "Embargoed
until …" on every page, as the PDF's running head does; the footer numbers the pages.

Only `styles.xml` is parsed (it uses the `w` and `r` namespaces alone, so ElementTree writes
it back faithfully); the header, footer and section are small documents written here whole.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from presskit.i18n import PageLabel

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ET.register_namespace("w", W)
ET.register_namespace("r", R)

# Page sizes and margins in twentieths of a point (1 mm = 56.7).
PAGE_TWIPS = {"A4": (11906, 16838), "A5": (8391, 11906), "letter": (12240, 15840)}
PAGE_TWIPS["legal"] = (12240, 20160)
MARGIN_SIDE = 1247  # 22 mm, as the PDF's body pages
MARGIN_TOP = 1417  # 25 mm: room for the running head
MARGIN_BOTTOM = 1304
HEADER_FOOTER = 680

MUTED = "5A6573"  # running head, footer, captions: as press.css
RULE = "C9D1DB"
EMBARGO_RED = "B3261E"
CALLOUT_TINTS = {"tip": ("F4F6F9", None), "warning": ("FBF1F0", "C0392B"), "idea": ("FDF6EE", None)}


@dataclass(frozen=True)
class Fonts:
    """Word's four font slots for one kind of text: Latin in `latin`, CJK in `east_asian`."""

    latin: str
    east_asian: str

    def xml(self) -> str:
        latin, cjk = quoteattr(self.latin), quoteattr(self.east_asian)
        return f"<w:rFonts w:ascii={latin} w:hAnsi={latin} w:cs={latin} w:eastAsia={cjk}/>"


@dataclass(frozen=True)
class Look:
    """Everything the reference document depends on; equal looks give equal bytes."""

    body: Fonts
    heading: Fonts
    mono: Fonts
    primary: str  # "#1F3A5F"
    accent: str
    text: str
    lang: str  # BCP 47 tag of the post: en-US, zh-CN, ja…
    east_asian_lang: str  # w:eastAsia of w:lang: zh-CN, zh-TW, ja-JP, ko-KR
    cjk: bool
    page_size: str
    brand_name: str
    status: str  # the running head's right side: "Embargoed until …" or ""
    page_label: PageLabel  # "Page ", " of ", "" around the two numbers, in the language's order

    def families(self) -> tuple[str, ...]:
        """Every family the styles name (the faces worth embedding)."""
        slots = (self.body, self.heading, self.mono)
        return tuple(dict.fromkeys(f for fonts in slots for f in (fonts.latin, fonts.east_asian)))


def _hex(colour: str) -> str:
    value = colour.lstrip("#").upper()
    return "".join(ch * 2 for ch in value) if len(value) == 3 else value


def _ppr(
    *,
    keep_next: bool = False,
    keep_lines: bool = False,
    page_break: bool = False,
    border: str = "",
    shading: str | None = None,
    before: int | None = None,
    after: int | None = None,
    line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    first_line: int | None = None,
    jc: str | None = None,
    outline: int | None = None,
) -> str:
    """A `w:pPr` with its children in the order the schema requires (Word refuses others)."""
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if page_break:
        parts.append("<w:pageBreakBefore/>")
    if border:
        parts.append(f"<w:pBdr>{border}</w:pBdr>")
    if shading:
        parts.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{shading}"/>')
    spacing = {"before": before, "after": after, "line": line}
    if any(value is not None for value in spacing.values()):
        attributes = " ".join(f'w:{k}="{v}"' for k, v in spacing.items() if v is not None)
        rule = ' w:lineRule="auto"' if line is not None else ""
        parts.append(f"<w:spacing {attributes}{rule}/>")
    indent = {"left": left, "right": right, "firstLine": first_line}
    if any(value is not None for value in indent.values()):
        attributes = " ".join(f'w:{k}="{v}"' for k, v in indent.items() if v is not None)
        parts.append(f"<w:ind {attributes}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def _rpr(
    *,
    fonts: Fonts | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    caps: bool = False,
    color: str | None = None,
    spacing: int | None = None,
    size: int | None = None,
    underline: bool = False,
    lang: tuple[str, str] | None = None,
) -> str:
    """A `w:rPr`, children in schema order; sizes in half-points, spacing in twips."""
    parts = []
    if fonts is not None:
        parts.append(fonts.xml())
    if bold is not None:
        value = "" if bold else ' w:val="0"'
        parts.append(f"<w:b{value}/><w:bCs{value}/>")
    if italic is not None:
        value = "" if italic else ' w:val="0"'
        parts.append(f"<w:i{value}/><w:iCs{value}/>")
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing is not None:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    if underline:
        parts.append('<w:u w:val="single"/>')
    if lang is not None:
        parts.append(f'<w:lang w:val="{lang[0]}" w:eastAsia="{lang[1]}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _border(side: str, colour: str, eighths: int, space: int = 8) -> str:
    return f'<w:{side} w:val="single" w:sz="{eighths}" w:space="{space}" w:color="{colour}"/>'


def _style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based: str | None = None,
    next_style: str | None = None,
    custom: bool = False,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
) -> str:
    head = f'<w:style xmlns:w="{W}" w:type="{kind}" w:styleId="{style_id}"'
    head += ' w:customStyle="1"' if custom else ""
    body = f'<w:name w:val="{name}"/>'
    if based:
        body += f'<w:basedOn w:val="{based}"/>'
    if next_style:
        body += f'<w:next w:val="{next_style}"/>'
    body += "<w:qFormat/>"
    return f"{head}>{body}{ppr}{rpr}{extra}</w:style>"


def styles(look: Look) -> list[str]:
    """The press release's styles; each replaces pandoc's style of the same id."""
    primary, accent, text = _hex(look.primary), _hex(look.accent), _hex(look.text)
    # CJK text takes roomier lines, as in the PDF (line-height 1.8 against 1.65).
    line = 312 if look.cjk else 288
    heading = look.heading
    out = [
        _style("paragraph", "Normal", "Normal", rpr=_rpr(color=text)),
        _style(
            "paragraph",
            "BodyText",
            "Body Text",
            based="Normal",
            ppr=_ppr(before=0, after=160, line=line),
        ),
        _style("paragraph", "FirstParagraph", "First Paragraph", based="BodyText", custom=True),
        _style(
            "paragraph",
            "Compact",
            "Compact",
            based="BodyText",
            custom=True,
            ppr=_ppr(before=30, after=30),
        ),
        _style(
            "paragraph",
            "Title",
            "Title",
            based="Normal",
            next_style="BodyText",
            ppr=_ppr(keep_next=True, before=120, after=120, line=264, jc="left"),
            rpr=_rpr(fonts=heading, bold=True, color=primary, size=52),
        ),
        _style(
            "paragraph",
            "Subtitle",
            "Subtitle",
            based="Title",
            next_style="BodyText",
            ppr=_ppr(keep_next=True, before=0, after=200),
            rpr=_rpr(bold=False, color=text, size=28),
        ),
        _style(
            "paragraph",
            "Abstract",
            "Abstract",
            based="Normal",
            next_style="BodyText",
            custom=True,
            ppr=_ppr(
                border=_border("left", accent, 24, 12),
                before=120,
                after=240,
                line=line,
                left=240,
            ),
            rpr=_rpr(size=24),
        ),
        _style(
            "paragraph",
            "BrandLine",
            "Brand Line",
            based="Normal",
            custom=True,
            ppr=_ppr(border=_border("bottom", primary, 12, 4), after=120),
            rpr=_rpr(fonts=heading, bold=True, color=primary, spacing=20, size=22),
        ),
        _style(
            "paragraph",
            "ReleaseStatus",
            "Release Status",
            based="Normal",
            custom=True,
            ppr=_ppr(keep_next=True, before=120, after=60),
            # tracking is for Latin capitals: spaced-out ideographs read as separate words
            rpr=_rpr(
                fonts=heading,
                bold=True,
                caps=True,
                color=primary,
                spacing=0 if look.cjk else 20,
                size=18,
            ),
        ),
        _style(
            "paragraph",
            "ReleaseStatusEmbargoed",
            "Release Status Embargoed",
            based="ReleaseStatus",
            custom=True,
            rpr=_rpr(color=EMBARGO_RED),
        ),
        _style(
            "paragraph",
            "DocumentKind",
            "Document Kind",
            based="Normal",
            custom=True,
            ppr=_ppr(keep_next=True, before=0, after=0),
            rpr=_rpr(fonts=heading, caps=True, color=MUTED, spacing=30, size=16),
        ),
        _style(
            "paragraph",
            "ReleaseMeta",
            "Release Meta",
            based="Normal",
            custom=True,
            ppr=_ppr(after=60),
            rpr=_rpr(fonts=heading, color=MUTED, size=19),
        ),
        _style(
            "paragraph",
            "FrontRule",
            "Front Rule",
            based="Normal",
            custom=True,
            ppr=_ppr(border=_border("bottom", RULE, 4, 1), before=0, after=280, line=120),
            rpr=_rpr(size=8),
        ),
        _style(
            "paragraph",
            "QuotesSheetTitle",
            "Quotes Sheet Title",
            based="Heading2",
            next_style="BodyText",
            custom=True,
            ppr=_ppr(keep_next=True, page_break=True, before=0),
        ),
        # The Word kit's (presskit.output.docxkit): each post's brand line (the post is a
        # section of its own, which opens a page), the contents' title and entries
        _style("paragraph", "KitPostStart", "Kit Post Start", based="BrandLine", custom=True),
        _style(
            "paragraph",
            "KitTitle",
            "Kit Title",
            based="Title",
            next_style="KitLanguages",
            custom=True,
            ppr=_ppr(keep_next=True, before=2400, after=240, line=264, jc="left"),
            rpr=_rpr(size=64),
        ),
        _style(
            "paragraph",
            "KitLanguages",
            "Kit Languages",
            based="Normal",
            custom=True,
            ppr=_ppr(before=240, after=60),
            rpr=_rpr(fonts=heading, color=accent, size=24),
        ),
        _style(
            "paragraph",
            "ContentsTitle",
            "Contents Title",
            based="Heading1",
            next_style="ContentsEntry",
            custom=True,
            ppr=_ppr(keep_next=True, page_break=True, before=0, after=240),
        ),
        _style(
            "paragraph",
            "ContentsGroup",
            "Contents Group",
            based="Normal",
            next_style="ContentsEntry",
            custom=True,
            ppr=_ppr(keep_next=True, before=240, after=80),
            rpr=_rpr(fonts=heading, bold=True, caps=True, color=accent, spacing=20, size=20),
        ),
        _style(
            "paragraph",
            "ContentsEntry",
            "Contents Entry",
            based="Normal",
            custom=True,
            ppr=_ppr(keep_lines=True, before=0, after=100, line=line),
            rpr=_rpr(size=21),
        ),
        _style(
            "character",
            "Dateline",
            "Dateline",
            custom=True,
            rpr=_rpr(fonts=heading, bold=True, color=primary),
        ),
        _style(
            "character",
            "CJKEmphasis",
            "CJK Emphasis",
            custom=True,
            # CJK faces have no italic (Word slants them by machine): bold, as the PDF prints
            # emphasis in Chinese, Japanese and Korean (clreq accepts bold for 着重)
            rpr=_rpr(bold=True, italic=False),
        ),
        _style(
            "character",
            "LatinPunct",
            "Latin Punct",
            custom=True,
            # an English word's apostrophe in a CJK document: the Latin face, not full width
            rpr=_rpr(fonts=Fonts(look.body.latin, look.body.latin)),
        ),
    ]
    for level, (size, before) in enumerate(((36, 360), (28, 320), (24, 240), (21, 200)), 1):
        out.append(
            _style(
                "paragraph",
                f"Heading{level}",
                f"heading {level}",
                based="Normal",
                next_style="BodyText",
                ppr=_ppr(
                    keep_next=True, keep_lines=True, before=before, after=100, outline=level - 1
                ),
                rpr=_rpr(fonts=heading, bold=True, italic=False, color=primary, size=size),
            )
        )
    out += [
        _style(
            "paragraph",
            "BlockText",
            "Block Text",
            based="BodyText",
            next_style="BodyText",
            ppr=_ppr(border=_border("left", RULE, 12, 12), before=80, after=80, left=300),
            rpr=_rpr(color="3B4654"),
        ),
        _style(
            "paragraph",
            "PullQuote",
            "Pull Quote",
            based="BodyText",
            custom=True,
            ppr=_ppr(
                keep_next=True,
                keep_lines=True,
                border=_border("left", accent, 18, 14),
                before=0,
                after=60,
                left=400,
            ),
            rpr=_rpr(color="26303C", size=23),
        ),
        _style(
            "paragraph",
            "QuoteCaption",
            "Quote Caption",
            based="Normal",
            custom=True,
            ppr=_ppr(keep_lines=True, border=_border("left", accent, 18, 14), after=240, left=400),
            rpr=_rpr(fonts=heading, bold=True, color=primary, size=18),
        ),
        _style(
            "paragraph",
            "CalloutLabel",
            "Callout Label",
            based="Callout",
            next_style="Callout",
            custom=True,
            ppr=_ppr(keep_next=True, before=60, after=40),
            rpr=_rpr(fonts=heading, bold=True, caps=True, color=primary, spacing=16, size=17),
        ),
    ]
    for kind, (fill, edge) in CALLOUT_TINTS.items():
        style_id = "Callout" if kind == "tip" else f"Callout{kind.title()}"
        label = "Callout" if kind == "tip" else f"Callout {kind.title()}"
        out.append(
            _style(
                "paragraph",
                style_id,
                label,
                based="BodyText",
                custom=True,
                ppr=_ppr(
                    border=_border("left", edge or (accent if kind == "idea" else primary), 24, 8),
                    shading=fill,
                    before=0,
                    after=0,
                    left=200,
                    right=120,
                ),
            )
        )
        if kind != "tip":
            out.append(
                _style(
                    "paragraph",
                    f"CalloutLabel{kind.title()}",
                    f"Callout Label {kind.title()}",
                    based=style_id,
                    next_style=style_id,
                    custom=True,
                    ppr=_ppr(keep_next=True, before=60, after=40),
                    rpr=_rpr(
                        fonts=heading, bold=True, caps=True, color=primary, spacing=16, size=17
                    ),
                )
            )
    out += [
        _style(
            "paragraph",
            "EndMark",
            "End Mark",
            based="Normal",
            custom=True,
            ppr=_ppr(before=360, after=360, jc="center"),
            rpr=_rpr(fonts=heading, color="6B7785", spacing=60),
        ),
        _style(
            "paragraph",
            "Placeholder",
            "Placeholder",
            based="BodyText",
            custom=True,
            ppr=_ppr(border=_border("top", RULE, 4, 4) + _border("bottom", RULE, 4, 4)),
            rpr=_rpr(italic=True, color=MUTED),
        ),
        _style(
            "paragraph",
            "Contact",
            "Contact",
            based="Normal",
            custom=True,
            ppr=_ppr(keep_lines=True, after=120),
            rpr=_rpr(size=19, color="3B4654"),
        ),
        _style(
            "paragraph",
            "SourceCode",
            "Source Code",
            based="Normal",
            custom=True,
            ppr=_ppr(
                border="".join(
                    _border(s, "DDE3EA", 4, 4) for s in ("top", "left", "bottom", "right")
                ),
                shading="F4F6F9",
                before=60,
                after=160,
                line=240,
            ),
            rpr=_rpr(fonts=look.mono, size=17),
        ),
        _style(
            "character",
            "VerbatimChar",
            "Verbatim Char",
            custom=True,
            rpr=_rpr(fonts=look.mono, size=19),
        ),
        _style(
            "character",
            "Hyperlink",
            "Hyperlink",
            rpr=_rpr(color=primary, underline=True),
        ),
        _style(
            "paragraph",
            "FootnoteText",
            "footnote text",
            based="Normal",
            ppr=_ppr(after=40, line=240),
            rpr=_rpr(color=MUTED, size=16),
        ),
        _style(
            "paragraph",
            "Caption",
            "caption",
            based="Normal",
            ppr=_ppr(before=60, after=200),
            rpr=_rpr(fonts=heading, italic=False, color=MUTED, size=17),
        ),
        _style("paragraph", "ImageCaption", "Image Caption", based="Caption", custom=True),
        _style("paragraph", "TableCaption", "Table Caption", based="Caption", custom=True),
        _style(
            "paragraph",
            "Header",
            "header",
            based="Normal",
            ppr=_ppr(border=_border("bottom", RULE, 4, 4)),
            rpr=_rpr(fonts=heading, caps=True, color=MUTED, spacing=10, size=15),
        ),
        _style(
            "paragraph",
            "Footer",
            "footer",
            based="Normal",
            ppr=_ppr(jc="right"),
            rpr=_rpr(fonts=heading, color=MUTED, size=15),
        ),
        _style(
            "table",
            "Table",
            "Table",
            extra=(
                "<w:tblPr><w:tblBorders>"
                + _border("top", RULE, 4, 0)
                + _border("bottom", RULE, 4, 0)
                + _border("insideH", RULE, 4, 0)
                + "</w:tblBorders><w:tblCellMar>"
                '<w:top w:w="60" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
                "</w:tblCellMar></w:tblPr>"
                '<w:tblStylePr w:type="firstRow">'
                + _rpr(fonts=heading, bold=True, color=primary)
                + "<w:tcPr><w:tcBorders>"
                + _border("bottom", primary, 8, 0)
                + '</w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="F4F6F9"/></w:tcPr>'
                "</w:tblStylePr>"
            ),
            rpr=_rpr(size=19),
        ),
    ]
    return out


def styles_xml(original: bytes, look: Look) -> bytes:
    root = ET.fromstring(original)
    defaults = root.find(f"{{{W}}}docDefaults")
    if defaults is not None:
        root.remove(defaults)
    run_defaults = _rpr(
        fonts=look.body,
        size=21,  # 10.5 pt, as the PDF
        # Latin words in a CJK release are set as English text: LibreOffice breaks a Latin
        # word anywhere when its (western) language is Chinese ("Clo|udNativeCon")
        lang=("en-US" if look.cjk else look.lang, look.east_asian_lang),
    )
    new_defaults = ET.fromstring(
        f'<w:docDefaults xmlns:w="{W}"><w:rPrDefault>{run_defaults}</w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults>'
    )
    root.insert(0, new_defaults)
    replacements = [ET.fromstring(text) for text in styles(look)]
    wanted = {style.get(f"{{{W}}}styleId") for style in replacements}
    for style in list(root.findall(f"{{{W}}}style")):
        if style.get(f"{{{W}}}styleId") in wanted:
            root.remove(style)
    root.extend(replacements)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _run(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def header_xml(look: Look) -> bytes:
    width = PAGE_TWIPS.get(look.page_size, PAGE_TWIPS["A4"])[0] - 2 * MARGIN_SIDE
    runs = _run(look.brand_name)
    if look.status:
        runs += "<w:r><w:tab/></w:r>" + _run(look.status, _rpr(bold=True, color=EMBARGO_RED))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="{W}" '
        f'xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Header"/><w:tabs>'
        f'<w:tab w:val="right" w:pos="{width}"/></w:tabs></w:pPr>{runs}</w:p></w:hdr>'
    ).encode()


def footer_xml(look: Look) -> bytes:
    before, middle, after, first, second = look.page_label
    fields = {"page": "PAGE", "pages": "NUMPAGES"}

    def field(instruction: str) -> str:
        return f'<w:fldSimple w:instr=" {instruction} ">{_run("1")}</w:fldSimple>'

    runs = "".join(
        part
        for part in (
            _run(before) if before else "",
            field(fields[first]),
            _run(middle) if middle else "",
            field(fields[second]),
            _run(after) if after else "",
        )
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W}" '
        f'xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{runs}</w:p></w:ftr>'
    ).encode()


HEADER_REL = "rIdPresskitHeader"
FOOTER_REL = "rIdPresskitFooter"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def section_xml(look: Look) -> str:
    width, height = PAGE_TWIPS.get(look.page_size, PAGE_TWIPS["A4"])
    return (
        f'<w:sectPr><w:headerReference w:type="default" r:id="{HEADER_REL}"/>'
        f'<w:footerReference w:type="default" r:id="{FOOTER_REL}"/>'
        '<w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'
        f'<w:pgSz w:w="{width}" w:h="{height}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_SIDE}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_SIDE}" w:header="{HEADER_FOOTER}" w:footer="{HEADER_FOOTER}" '
        'w:gutter="0"/></w:sectPr>'
    )


_SECTION = re.compile(rb"<w:sectPr>.*?</w:sectPr>", re.S)


@cache
def pandoc_default() -> bytes:
    """pandoc's own reference.docx, read once per process."""
    from presskit.output.convert import pandoc_bytes

    return pandoc_bytes(["--print-default-data-file", "reference.docx"], "")


def reference_docx(look: Look) -> bytes:
    """The reference document for `look`, as bytes (a zip with fixed dates: reproducible)."""
    source = zipfile.ZipFile(io.BytesIO(pandoc_default()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = styles_xml(data, look)
            elif info.filename == "word/document.xml":
                # a body of no sample paragraphs: only the section (page, header, footer) counts
                section = section_xml(look).encode()
                head, _, _ = data.partition(b"<w:body>")
                data = head + b"<w:body>" + section + b"</w:body></w:document>"
            elif info.filename == "word/_rels/document.xml.rels":
                rels = (
                    f'<Relationship Id="{HEADER_REL}" Type="{REL_TYPE}header" '
                    'Target="presskit-header.xml"/>'
                    f'<Relationship Id="{FOOTER_REL}" Type="{REL_TYPE}footer" '
                    'Target="presskit-footer.xml"/>'
                )
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                types = (
                    '<Override PartName="/word/presskit-header.xml" '
                    f'ContentType="{CONTENT_TYPE}header+xml"/>'
                    '<Override PartName="/word/presskit-footer.xml" '
                    f'ContentType="{CONTENT_TYPE}footer+xml"/>'
                )
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            target.writestr(_fixed(info.filename), data)
        target.writestr(_fixed("word/presskit-header.xml"), header_xml(look))
        target.writestr(_fixed("word/presskit-footer.xml"), footer_xml(look))
    return buffer.getvalue()


def _fixed(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
