"""The kit joined from its parts' PDFs: pages, page footers, links, bookmarks and metadata.

pikepdf (qpdf) rather than pypdf: the kit is hundreds of pages from hundreds of files, and
qpdf copies pages between files in C++ (fonts and images each copied once per source file,
shared objects kept shared), writes object streams, and has what assembly needs as API:
`Page.as_form_xobject` (a page drawn over another, for the footers), `NameTree` (named
destinations) and `open_outline` (bookmarks). pypdf does all of this in pure Python, several
times slower on a kit of 500 pages, and its overlay (`merge_page`) rewrites content streams.

Each part's PDF begins with a blank page that is never copied (see `presskit.output.pdfkit`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
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


def assemble(
    parts: list[Part],
    footers: list[tuple[Path, int]],
    *,
    title: str,
    lang: str,
    info_from: Path,
) -> bytes:
    """The kit's bytes. `footers` are (PDF, pages) in order, each after its lead page: one
    page per kit page, drawn over it. `info_from` gives the document information (producer,
    creator) of the chrome WeasyPrint wrote."""
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
            pdf = source(part.path)
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
                if part.prefix is not None or part.rename:
                    _rename_links(page, part)
                kit.pages.append(page)
            marks += [
                (level, label, start + page - part.first, x, y, open_)
                for level, label, page, x, y, open_ in part.marks
                if page in wanted
            ]
        # the footers: page i of the footer documents over page i of the kit
        kit_page = 0
        stamped = [part.footers for part in parts for _ in range(part.count)]
        for path, count in footers:
            pdf = source(path)
            for i in range(1, 1 + count):
                if kit_page < len(stamped) and stamped[kit_page]:
                    _overlay(kit.pages[kit_page], pdf.pages[i], kit_page)
                kit_page += 1
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


def _overlay(page: pikepdf.Page, footer: pikepdf.Page, number: int) -> None:
    """`Page.add_overlay` with a name of ours for the footer's form XObject: pikepdf's is
    random (`Name.random`), so every build of the same kit wrote other bytes. One name per kit
    page, as WeasyPrint's pages share one /Resources dictionary (so do their copies here)."""
    form = footer.as_form_xobject()
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
