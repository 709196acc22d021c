"""The kit joined from its parts' PDFs: pages, page footers, links, bookmarks and metadata.

pikepdf (qpdf) rather than pypdf: the kit is hundreds of pages from hundreds of files; qpdf
parses them, and has what assembly needs as API: `Page.as_form_xobject` (a page drawn over
another, for the footers), `unparse` (an object's PDF text) and content stream parsing.
pypdf does all of this in pure Python, several times slower on a kit of 500 pages.

The kit is not one pikepdf `Pdf` saved at the end: qpdf keeps every copied object, and the
source each copied stream is read from, until the save, so the join's memory grew with the
kit (the 10x corpus kit, 1741 pages: 276 MB for the join, 0.16 MB a page). `_Writer` writes
it object by object instead, one part's file open at a time (the chrome's and the footers'
stay open: they are small and shared): objects packed by a hundred into object streams as
qpdf packs them, streams as they are in their file, a cross-reference stream at the end. The
same kit: 32 MB for the join, in 2.4 s of CPU instead of 3.9.

Each part's PDF begins with a blank page that is never copied (see `presskit.output.pdfkit`).

A page's footer ("Page 7 of 212") is either a page of its own laid out by WeasyPrint and drawn
over the kit's page, or stamped (`Stamp`): one specimen page per label shape (language, digits
in the page number) whose content stream is copied with the number's glyphs swapped, when the
specimens prove that swapping the glyphs is all that changes between two numbers.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO

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
    out: BinaryIO,
    *,
    title: str,
    lang: str,
    info_from: Path,
) -> None:
    """Write the kit into `out`. `footers[i]` is drawn over the kit's page i. `info_from` gives
    the document information (producer, creator) of the chrome WeasyPrint wrote.

    The kit is written as it is joined (`_Writer`): a post's section is opened, its pages
    changed where they lie (links renamed, footers drawn over), its objects written under the
    kit's numbers, and it is closed before the next one. The chrome's parts share one file,
    which stays open, so its fonts are written once; so do the footers' files."""
    writer = _Writer(out)
    pages_number = writer.reserve()
    total = sum(part.count for part in parts)
    page_numbers = [writer.reserve() for _ in range(total)]
    starts = [0, *accumulate(part.count for part in parts)][:-1]
    shared: dict[Path, _Source] = {}  # the chrome, footer pages and specimens: open to the end
    forms: dict[Stamp, tuple[bytes, pikepdf.Object]] = {}  # a stamp's form entries, its form
    destinations: dict[str, tuple[int, Any, Any]] = {}
    marks: list[tuple[int, str, int, float, float, bool]] = []

    def source(path: Path) -> _Source:
        if path not in shared:
            shared[path] = _Source(writer, pikepdf.open(path), pages_number)
        return shared[path]

    def footer_form(index: int) -> tuple[int, pikepdf.Object] | None:
        """The kit number of page `index`'s footer form, written here, and its placement
        keys (BBox, Matrix); None when the page has no footer."""
        footer = footers[index] if index < len(footers) else None
        if footer is None:
            return None
        number = writer.reserve()
        if isinstance(footer, Overlay):
            drawn = source(footer.path)
            form = drawn.pdf.make_indirect(drawn.pdf.pages[footer.page].as_form_xobject())
            drawn.take(form.objgen, number)
            drawn.flush()
            return number, form
        stamp = footer.stamp
        if stamp not in forms:  # the specimen's resources (the footer's font), written once
            specimen = source(stamp.path)
            form = specimen.pdf.pages[stamp.page].as_form_xobject()
            keys = {k: v for k, v in form.stream_dict.items() if k in _FORM_KEYS}
            entries = specimen.text(pikepdf.Dictionary(keys).unparse())[3:-3]
            specimen.flush()
            forms[stamp] = (entries, form)
        entries, form = forms[stamp]
        data = zlib.compress(stamp.content(footer.digits))
        dictionary = b"<< %s /Filter /FlateDecode /Length %d >>" % (entries, len(data))
        writer.stream(number, dictionary, data)
        return number, form

    def prepare(held: _Source, where: list[int]) -> None:
        """Number the pages of the parts `where` in the kit, rename their links and draw
        their footers over them, before any of the source is written (WeasyPrint's pages
        share one /Resources, which gets every page's footer)."""
        for at in where:
            part, start = parts[at], starts[at]
            renames = part.prefix is not None or bool(part.rename)
            for n in range(part.count):
                page = held.pdf.pages[part.first + n]
                if renames:
                    _rename_links(page, part)
                held.page(page, page_numbers[start + n])
                placed = footer_form(start + n) if part.footers else None
                if placed is not None:
                    number, form = placed
                    stand_in = held.pdf.make_indirect(
                        pikepdf.Stream(
                            held.pdf,
                            b"",
                            {
                                k: pikepdf.Array(list(v))
                                for k, v in form.stream_dict.items()
                                if k in _PLACE_KEYS
                            },
                        )
                    )
                    held.place(stand_in.objgen, number)
                    _overlay(page, stand_in, start + n)

    def collect(held: _Source, at: int) -> None:
        """The part's named destinations and bookmarks, in kit page numbers."""
        part, start = parts[at], starts[at]
        wanted = range(part.first, part.first + part.count)
        number = {held.pdf.pages[i].obj.objgen: i - part.first for i in wanted}
        for name, target in held.names().items():
            index = number.get(_page_of(target))
            if index is None:
                continue
            kit_name = _kit_name(part, name)
            if kit_name in destinations and part.prefix is None:
                continue  # the first of equal names, as WeasyPrint does
            destinations[kit_name] = (start + index, target[2], target[3])
        marks.extend(
            (level, label, start + page - part.first, x, y, open_)
            for level, label, page, x, y, open_ in part.marks
            if page in wanted
        )

    try:
        for at, part in enumerate(parts):
            if part.prefix is not None or bool(part.rename):
                # a post's section: its own file, renamed, written and closed here
                with pikepdf.open(part.path) as pdf:
                    held = _Source(writer, pdf, pages_number)
                    collect(held, at)
                    prepare(held, [at])
                    held.flush()
                continue
            first = part.path not in shared
            held = source(part.path)
            collect(held, at)
            if first:  # every part of this file, so that shared objects are written whole
                prepare(
                    held,
                    [
                        n
                        for n, p in enumerate(parts)
                        if p.path == part.path and p.prefix is None and not p.rename
                    ],
                )
                held.flush()
        writer.write(
            pages_number,
            b"<< /Count %d /Kids [ %s ] /Type /Pages >>"
            % (total, b" ".join(b"%d 0 R" % n for n in page_numbers)),
        )
        dests = _name_tree(writer, destinations, page_numbers)
        outlines = _outline(writer, marks, page_numbers)
        info = {
            k: v for k, v in source(info_from).pdf.docinfo.items() if isinstance(v, pikepdf.String)
        }
        info["/Title"] = pikepdf.String(title)
        info_number = writer.reserve()
        writer.write(info_number, pikepdf.Dictionary(info).unparse())
        root = writer.reserve()
        writer.write(
            root,
            b"<< /Lang %s /Names << /Dests %d 0 R >> /Outlines %d 0 R /Pages %d 0 R "
            b"/Type /Catalog >>" % (pikepdf.String(lang).unparse(), dests, outlines, pages_number),
        )
        writer.finish(root, info_number)
    finally:
        for held in shared.values():
            held.pdf.close()


# One reference in a dictionary's or array's text (pikepdf's `unparse`): literal and hex
# strings are matched whole so that "(see 1 0 R)" is left as it is.
_TOKENS = re.compile(
    rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w.#/+-])(\d+) (\d+) R(?!\w)", re.S
)
_PACK = 100  # objects to an object stream, as qpdf packs them
_PLACE_KEYS = ("/BBox", "/Matrix")  # what a footer's placement reads of its form


class _Writer:
    """A PDF written object by object: streams at once, other objects packed into object
    streams of a hundred, a cross-reference stream at the end. What it holds is each object's
    place (and the hundred objects waiting for their object stream), never the objects.

    The file's /ID is the MD5 of its bytes before the cross-reference stream: the same kit
    from the same parts has the same bytes."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._digest = hashlib.md5(usedforsecurity=False)
        self._at = 0
        self._where: list[tuple[int, int, int]] = [(0, 0, 65535)]  # xref rows, by number
        self._packed: list[tuple[int, bytes]] = []
        self._put(b"%PDF-1.7\n%\xb5\xed\xae\xfb\n")

    def _put(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._at += len(data)

    def reserve(self) -> int:
        """A number for an object written later."""
        self._where.append((0, 0, 0))
        return len(self._where) - 1

    def write(self, number: int, body: bytes) -> None:
        """Object `number` (not a stream): packed into the next object stream."""
        self._packed.append((number, body))
        if len(self._packed) >= _PACK:
            self._pack()

    def stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """Stream `number`: `dictionary` must give /Length (and /Filter) of `data`."""
        self._where[number] = (1, self._at, 0)
        self._put(b"%d 0 obj\n%s\nstream\n" % (number, dictionary))
        self._put(data)
        self._put(b"\nendstream\nendobj\n")

    def _pack(self) -> None:
        number = self.reserve()
        heads: list[bytes] = []
        at = 0
        for index, (packed, body) in enumerate(self._packed):
            self._where[packed] = (2, number, index)
            heads.append(b"%d %d" % (packed, at))
            at += len(body) + 1
        head = b" ".join(heads) + b"\n"
        data = zlib.compress(head + b"\n".join(body for _, body in self._packed) + b"\n")
        entries = b"/First %d /N %d /Type /ObjStm" % (len(head), len(self._packed))
        self._packed = []
        self.stream(
            number, b"<< /Filter /FlateDecode %s /Length %d >>" % (entries, len(data)), data
        )

    def finish(self, root: int, info: int) -> None:
        """The last object stream, the cross-reference stream and the trailer."""
        if self._packed:
            self._pack()
        number = self.reserve()
        at = self._at
        self._where[number] = (1, at, 0)
        identity = self._digest.hexdigest().encode()
        middle = max(1, (max(row[1] for row in self._where).bit_length() + 7) // 8)
        rows = b"".join(
            kind.to_bytes(1, "big") + second.to_bytes(middle, "big") + third.to_bytes(2, "big")
            for kind, second, third in self._where
        )
        data = zlib.compress(rows)
        self.stream(
            number,
            b"<< /Filter /FlateDecode /ID [ <%s> <%s> ] /Info %d 0 R /Length %d /Root %d 0 R "
            b"/Size %d /Type /XRef /W [ 1 %d 2 ] >>"
            % (identity, identity, info, len(data), root, len(self._where), middle),
            data,
        )
        self._put(b"startxref\n%d\n%%%%EOF\n" % at)


class _Source:
    """One PDF the kit takes pages from: each of its objects the kit reaches is written once,
    under a kit number given when it is first referred to. Its pages other than the kit's
    are null in the kit (as qpdf copies a page), and the kit's pages' /Parent is the kit's."""

    def __init__(self, writer: _Writer, pdf: pikepdf.Pdf, pages: int) -> None:
        self.writer, self.pdf = writer, pdf
        self._refs: dict[tuple[int, int], bytes] = {
            page.objgen: b"null" for page in (p.obj for p in pdf.pages)
        }
        self._todo: list[tuple[int, int]] = []
        self._parent = pdf.make_indirect(pikepdf.Dictionary())
        self._refs[self._parent.objgen] = b"%d 0 R" % pages
        self._names: dict[str, Any] | None = None

    def names(self) -> dict[str, Any]:
        if self._names is None:
            self._names = _names(self.pdf)
        return self._names

    def page(self, page: pikepdf.Page, number: int) -> None:
        """Page `page` is kit object `number`, under the kit's page tree."""
        page.obj.Parent = self._parent
        self.take(page.obj.objgen, number)

    def take(self, objgen: tuple[int, int], number: int) -> None:
        """Object `objgen` is written as kit object `number` (at the next `flush`)."""
        self.place(objgen, number)
        self._todo.append(objgen)

    def place(self, objgen: tuple[int, int], number: int) -> None:
        """Object `objgen` is kit object `number` (written by whoever gave it)."""
        self._refs[objgen] = b"%d 0 R" % number

    def text(self, unparsed: bytes) -> bytes:
        """`unparsed` with its references renumbered as the kit's."""
        return _TOKENS.sub(self._swap, unparsed)

    def _swap(self, match: re.Match[bytes]) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        objgen = (int(match.group(1)), int(match.group(2)))
        ref = self._refs.get(objgen)
        if ref is None:
            ref = self._refs[objgen] = b"%d 0 R" % self.writer.reserve()
            self._todo.append(objgen)
        return ref

    def flush(self) -> None:
        """Write every object referred to and not yet written."""
        while self._todo:
            todo, self._todo = self._todo, []
            for objgen in todo:
                number = int(self._refs[objgen].split()[0])
                obj = self.pdf.get_object(objgen)
                if not isinstance(obj, pikepdf.Stream):
                    self.writer.write(number, self.text(obj.unparse(resolved=True)))
                    continue
                data = obj.read_raw_bytes()
                if pikepdf.Name.Filter not in obj.stream_dict:
                    data = zlib.compress(data)  # what qpdf's save does (compress_streams)
                    obj.stream_dict.Filter = pikepdf.Name.FlateDecode
                obj.stream_dict.Length = len(data)
                self.writer.stream(number, self.text(obj.stream_dict.unparse()), data)


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


def _name_tree(
    writer: _Writer, destinations: dict[str, tuple[int, Any, Any]], pages: list[int]
) -> int:
    """The kit's named destinations as a name tree (its root's number): leaves of up to
    `_LEAF` names in name order under one root, as a reader looks a name up."""
    names = sorted(destinations)
    leaves = [names[at : at + _LEAF] for at in range(0, len(names), _LEAF)]

    def entries(leaf: list[str]) -> bytes:
        out = []
        for name in leaf:
            index, x, y = destinations[name]
            place = pikepdf.Array([x, y, 0]).unparse()[2:-2]
            out.append(
                b"%s [ %d 0 R /XYZ %s ]" % (pikepdf.String(name).unparse(), pages[index], place)
            )
        return b" ".join(out)

    root = writer.reserve()
    if len(leaves) <= 1:
        writer.write(root, b"<< /Names [ %s ] >>" % entries(leaves[0] if leaves else []))
        return root
    kids = [writer.reserve() for _ in leaves]
    writer.write(root, b"<< /Kids [ %s ] >>" % b" ".join(b"%d 0 R" % kid for kid in kids))
    for kid, leaf in zip(kids, leaves, strict=True):
        limits = b"%s %s" % (pikepdf.String(leaf[0]).unparse(), pikepdf.String(leaf[-1]).unparse())
        writer.write(kid, b"<< /Limits [ %s ] /Names [ %s ] >>" % (limits, entries(leaf)))
    return root


_LEAF = 64  # names in a leaf of the name tree


@dataclass
class _Mark:
    number: int
    label: str
    page: int
    x: float
    y: float
    open: bool
    children: list[_Mark] = field(default_factory=list)
    count: int = 0


def _outline(
    writer: _Writer, marks: list[tuple[int, str, int, float, float, bool]], pages: list[int]
) -> int:
    """The bookmarks as WeasyPrint nests them by `bookmark-level` (`make_bookmark_tree`): a
    deeper level nests under the last shallower one; skipped levels add no depth. Written as
    pikepdf's `open_outline` writes them (/Count: an open item's visible descendants, minus
    a closed item's); the number of the outline's root."""
    root = writer.reserve()
    top: list[_Mark] = []
    stack: list[tuple[int, list[_Mark]]] = [(0, top)]
    for level, label, page, x, y, open_ in marks:
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        mark = _Mark(writer.reserve(), label, page, x, y, open_)
        stack[-1][1].append(mark)
        stack.append((level, mark.children))

    def counted(items: list[_Mark]) -> int:
        count = 0
        for item in items:
            item.count = counted(item.children)
            count += 1 + (item.count if item.open else 0)
        return count

    def write(items: list[_Mark], parent: int) -> None:
        for n, item in enumerate(items):
            entries = [b"/Count %d" % (item.count if item.open else -item.count)]
            place = pikepdf.Array([item.x, item.y, 0]).unparse()[2:-2]
            entries.append(b"/Dest [ %d 0 R /XYZ %s ]" % (pages[item.page], place))
            if item.children:
                entries.append(b"/First %d 0 R" % item.children[0].number)
                entries.append(b"/Last %d 0 R" % item.children[-1].number)
            if n + 1 < len(items):
                entries.append(b"/Next %d 0 R" % items[n + 1].number)
            entries.append(b"/Parent %d 0 R" % parent)
            if n:
                entries.append(b"/Prev %d 0 R" % items[n - 1].number)
            entries.append(b"/Title " + pikepdf.String(item.label).unparse())
            writer.write(item.number, b"<< " + b" ".join(entries) + b" >>")
            write(item.children, item.number)

    count = counted(top)
    if top:
        writer.write(
            root,
            b"<< /Count %d /First %d 0 R /Last %d 0 R /Type /Outlines >>"
            % (count, top[0].number, top[-1].number),
        )
    else:
        writer.write(root, b"<< /Type /Outlines >>")
    write(top, root)
    return root
