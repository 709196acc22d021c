"""The kit joined from its parts' PDFs: pages, page footers, links, bookmarks and metadata.

pikepdf (qpdf) rather than pypdf: the kit is hundreds of pages from hundreds of files, and
qpdf copies pages between files in C++ (fonts and images each copied once per source file,
shared objects kept shared), writes object streams, and has what assembly needs as API:
`Page.as_form_xobject` (a page drawn over another, for the footers), `NameTree` (named
destinations) and `open_outline` (bookmarks). pypdf does all of this in pure Python, several
times slower on a kit of 500 pages, and its overlay (`merge_page`) rewrites content streams.

Each part's PDF begins with a blank page that is never copied (see `presskit.output.pdfkit`).

A page's footer ("Page 7 of 212") is either a page of its own laid out by WeasyPrint and drawn
over the kit's page, or stamped (`Stamp`): one specimen page per label shape (language, digits
in the page number) whose content stream is copied with the number's glyphs swapped, when the
specimens prove that swapping the glyphs is all that changes between two numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf


@dataclass
class Part:
    """Pages `first..first+count` (numbered from 0, as in the file) of the PDF at `path`.

    `rename` maps the part's anchor names to the kit's; `prefix` (when not None) is put before
    every other name, so that two posts' `#intro` stay apart. `marks` are the file's
    bookmarks, `[level, label, page, x, y, open]`: those on the part's pages are taken."""

    path: Path
    first: int
    count: int
    prefix: str | None = None
    rename: dict[str, str] = field(default_factory=dict)
    marks: list[list[Any]] = field(default_factory=list)
    footers: bool = True  # whether its pages get a footer


@dataclass(frozen=True)
class Overlay:
    """Page `page` of the PDF at `path`, drawn over a kit page as it is."""

    path: Path
    page: int


@dataclass(frozen=True)
class Stamp:
    """A footer's content stream with its number's digits left out: `pieces` are bytes of
    the stream between slots (an int: the slot's number), `glyphs[slot][d]` the glyph string
    digit `d` shows in that slot; drawn with the resources of page `page` of `path`."""

    path: Path
    page: int
    pieces: tuple[bytes | int, ...]
    glyphs: tuple[tuple[bytes, ...], ...]

    def content(self, digits: str) -> bytes:
        """The stream for `digits`, one a slot in the order the footer's text has them."""
        return b"".join(
            piece
            if isinstance(piece, bytes)
            else b"<" + self.glyphs[piece][int(digits[piece])].hex().encode() + b">"
            for piece in self.pieces
        )


@dataclass(frozen=True)
class Stamped:
    """A kit page's footer: `stamp` with `digits` in its slots."""

    stamp: Stamp
    digits: str


def read_stamps(path: Path, shapes: dict[Any, tuple[int, str]]) -> dict[Any, Stamp] | None:
    """The stamp of each shape from a specimen PDF, or None when one cannot be stamped.

    A shape's specimen is eleven pages from page `first` on (`shapes[key] = (first, mixed)`):
    its label with every digit slot showing 0, then 1, … 9, then `mixed` (different digits
    side by side). Between the ten, only strings of glyphs may differ, each in its own place
    (a slot); the eleventh must be exactly what the stamp draws for `mixed`. So a footer whose
    text moves with its digits (figures of different widths, kerning between them, centred or
    right-aligned text that shifts), or whose digits are not in text order, is laid out page by
    page instead."""
    stamps: dict[Any, Stamp] = {}
    with pikepdf.open(path) as pdf:
        for key, (first, mixed) in shapes.items():
            pages = [pdf.pages[first + n] for n in range(11)]
            stamp = _stamp(path, first, [pikepdf.parse_content_stream(p) for p in pages[:10]])
            if stamp is None or len(stamp.glyphs) != len(mixed):
                return None
            drawn = _stamp(path, first, [pikepdf.parse_content_stream(pages[10])] * 2)
            if drawn is None or stamp.content(mixed) != drawn.content(""):
                return None
            stamps[key] = stamp
    return stamps


def _stamp(path: Path, page: int, streams: list[list[Any]]) -> Stamp | None:
    """The stamp that the digit pages `streams` (0 … 9) have in common, None if they differ
    other than by glyph strings. Given one stream twice: that stream, with no slots."""
    first = streams[0]
    if any(len(stream) != len(first) for stream in streams):
        return None
    pieces: list[bytes | int] = []
    glyphs: list[tuple[bytes, ...]] = []
    for n, instruction in enumerate(first):
        others = [stream[n] for stream in streams]
        if str(instruction.operator) != "TJ":
            written = [pikepdf.unparse_content_stream([other]) for other in others]
            if any(w != written[0] for w in written):
                return None
            pieces.append(written[0] + b"\n")
            continue
        if any(str(o.operator) != "TJ" for o in others):
            return None
        arrays = [list(o.operands[0]) for o in others]
        if any(len(array) != len(arrays[0]) for array in arrays):
            return None
        pieces.append(b"[")
        for column in zip(*arrays, strict=True):
            if all(isinstance(e, pikepdf.String) for e in column):
                values = [bytes(e) for e in column]
                if any(v != values[0] for v in values):
                    pieces += [len(glyphs), b" "]
                    glyphs.append(tuple(values))
                else:
                    pieces.append(b"<" + values[0].hex().encode() + b"> ")
            elif all(isinstance(e, int | Decimal) for e in column):
                if any(e != column[0] for e in column):
                    return None
                number = column[0]
                shift = format(number, "f") if isinstance(number, Decimal) else str(number)
                pieces.append(shift.encode() + b" ")
            else:
                return None
        pieces.append(b"] TJ\n")
    merged: list[bytes | int] = []
    for piece in pieces:
        if merged and isinstance(piece, bytes) and isinstance(merged[-1], bytes):
            merged[-1] += piece
        else:
            merged.append(piece)
    return Stamp(path, page, tuple(merged), tuple(glyphs))


def assemble(
    parts: list[Part],
    footers: list[Overlay | Stamped | None],
    *,
    title: str,
    lang: str,
    info_from: Path,
) -> bytes:
    """The kit's bytes. `footers[i]` is drawn over the kit's page i. `info_from` gives the
    document information (producer, creator) of the chrome WeasyPrint wrote."""
    kit = pikepdf.new()
    opened: dict[Path, pikepdf.Pdf] = {}

    def source(path: Path) -> pikepdf.Pdf:
        if path not in opened:
            opened[path] = pikepdf.open(path)
        return opened[path]

    destinations: dict[str, tuple[int, Any, Any]] = {}
    marks: list[tuple[int, str, int, float, float, bool]] = []
    try:
        for part in parts:
            renames = part.prefix is not None or bool(part.rename)
            # A post's section (renamed, one file each) is not kept open here: pikepdf keeps
            # what its copied pages need until the save, and holding every section's Pdf as
            # well nearly doubled the join's memory (209 sections of the 3x corpus: 423 ->
            # 233 MB, the same bytes). The chrome's parts share one Pdf, so its fonts are
            # copied once.
            pdf = pikepdf.open(part.path) if renames else source(part.path)
            start = len(kit.pages)
            wanted = range(part.first, part.first + part.count)
            number = {pdf.pages[i].obj.objgen: i - part.first for i in wanted}
            names = _names(pdf)
            for name, target in names.items():
                index = number.get(_page_of(target))
                if index is None:
                    continue
                kit_name = _kit_name(part, name)
                if kit_name in destinations and part.prefix is None:
                    continue  # the first of equal names, as WeasyPrint does
                destinations[kit_name] = (start + index, target[2], target[3])
            for i in wanted:
                page = pdf.pages[i]
                if renames:
                    _rename_links(page, part)
                kit.pages.append(page)
            marks += [
                (level, label, start + page - part.first, x, y, open_)
                for level, label, page, x, y, open_ in part.marks
                if page in wanted
            ]
        # the footers, over the pages of parts that take one
        stamped = [part.footers for part in parts for _ in range(part.count)]
        forms: dict[Stamp, pikepdf.Dictionary] = {}
        for index, footer in enumerate(footers[: len(stamped)]):
            if footer is None or not stamped[index]:
                continue
            if isinstance(footer, Overlay):
                page = source(footer.path).pages[footer.page]
                _overlay(kit.pages[index], page.as_form_xobject(), index)
                continue
            stamp = footer.stamp
            if stamp not in forms:  # the specimen page as a form: its resources, copied once
                specimen = source(stamp.path)
                form = specimen.make_indirect(specimen.pages[stamp.page].as_form_xobject())
                copied = kit.copy_foreign(form)
                forms[stamp] = kit.make_indirect(
                    pikepdf.Dictionary({k: v for k, v in copied.items() if k in _FORM_KEYS})
                )
            drawn = pikepdf.Stream(kit, footer.stamp.content(footer.digits))
            for key, value in forms[stamp].items():
                drawn[key] = value
            _overlay(kit.pages[index], drawn, index)
        tree = pikepdf.NameTree.new(kit)
        for name, (index, x, y) in sorted(destinations.items()):
            tree[name] = pikepdf.Array([kit.pages[index].obj, pikepdf.Name.XYZ, x, y, 0])
        kit.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
        _outline(kit, marks)
        for key, value in source(info_from).docinfo.items():
            if isinstance(value, pikepdf.String):
                kit.docinfo[key] = value
        kit.docinfo[pikepdf.Name.Title] = pikepdf.String(title)
        kit.Root.Lang = pikepdf.String(lang)
        buffer = io.BytesIO()
        kit.save(
            buffer,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return buffer.getvalue()
    finally:
        for pdf in opened.values():
            pdf.close()
        kit.close()


_FORM_KEYS = ("/Type", "/Subtype", "/FormType", "/BBox", "/Matrix", "/Resources", "/Group")


def _overlay(page: pikepdf.Page, form: pikepdf.Object, number: int) -> None:
    """`Page.add_overlay` with a name of ours for the footer's form XObject: pikepdf's is
    random (`Name.random`), so every build of the same kit wrote other bytes. One name per kit
    page, as WeasyPrint's pages share one /Resources dictionary (so do their copies here)."""
    name = page.add_resource(
        form, pikepdf.Name.XObject, pikepdf.Name(f"/PkFooter{number}"), replace_existing=False
    )
    placed = page.calc_form_xobject_placement(
        form, name, pikepdf.Rectangle(page.trimbox), allow_shrink=True, allow_expand=True
    )
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n")
    page.contents_add(placed)
    page.contents_coalesce()


def _names(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """The PDF's named destinations: name → [page, /XYZ, x, y, zoom] (as WeasyPrint writes)."""
    try:
        dests = pdf.Root.Names.Dests
    except AttributeError:
        return {}
    found = {}
    for name, target in pikepdf.NameTree(dests).items():
        if isinstance(target, pikepdf.Array) and len(target) >= 4:
            found[str(name)] = target
    return found


def _page_of(target: Any) -> Any:
    page = target[0]
    return page.objgen if isinstance(page, pikepdf.Dictionary) else None


def _kit_name(part: Part, name: str) -> str:
    if name in part.rename:
        return part.rename[name]
    return name if part.prefix is None else part.prefix + name


def _rename_links(page: pikepdf.Page, part: Part) -> None:
    """Links inside a part point at the part's anchors by their kit names."""
    for annot in page.obj.get("/Annots", pikepdf.Array()):
        dest = annot.get("/Dest")
        if isinstance(dest, pikepdf.String):
            annot.Dest = pikepdf.String(_kit_name(part, str(dest)))


def _outline(kit: pikepdf.Pdf, marks: list[tuple[int, str, int, float, float, bool]]) -> None:
    """The bookmarks as WeasyPrint nests them by `bookmark-level` (`make_bookmark_tree`): a
    deeper level nests under the last shallower one; skipped levels add no depth."""
    with kit.open_outline() as outline:
        stack: list[tuple[int, list[pikepdf.OutlineItem]]] = [(0, outline.root)]
        for level, label, page, x, y, open_ in marks:
            while len(stack) > 1 and stack[-1][0] >= level:
                stack.pop()
            item = pikepdf.OutlineItem(label, page, "XYZ", left=x, top=y)
            item.is_closed = not open_
            stack[-1][1].append(item)
            stack.append((level, item.children))
