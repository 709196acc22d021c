"""`presskit.output.pdfjoin.assemble`: the kit written while its parts are joined."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
from conftest import pdftotext

from presskit.output import pdfjoin
from presskit.output.pdfjoin import Part, assemble

HEADINGS = 150  # named destinations in each section: more than a name tree's leaf holds


@pytest.fixture(scope="module")
def sections(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three sections laid out by WeasyPrint, each with a lead page (never joined), headings
    with anchors over several pages and links to them from its first page."""
    import weasyprint

    folder = tmp_path_factory.mktemp("sections")
    made = []
    for n in range(1, 4):
        links = " ".join(f'<a href="#h{k}">to {k}</a>' for k in range(HEADINGS))
        headings = "".join(
            f'<h2 id="h{k}" style="margin: 0 0 3em">S{n} heading {k}</h2>' for k in range(HEADINGS)
        )
        html = (
            f"<html><head><title>Section {n}</title></head><body>"
            '<p style="break-after: page">lead</p>'
            f'<h1 id="pk-post" style="bookmark-level: 1">Section {n}</h1>'
            f"<p>{links}</p>{headings}</body></html>"
        )
        path = folder / f"section-{n}.pdf"
        weasyprint.HTML(string=html).write_pdf(path)
        made.append(path)
    return made


def _parts(sections: list[Path]) -> list[Part]:
    parts = []
    for n, path in enumerate(sections, 1):
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages) - 1
        parts.append(
            Part(
                path,
                1,
                count,
                prefix=f"post-{n}/",
                rename={"pk-post": f"post-{n}"},
                marks=[[1, f"Section {n}", 1, 0.0, 800.0, True]],
            )
        )
    return parts


def _join(sections: list[Path]) -> bytes:
    out = io.BytesIO()
    assemble(_parts(sections), [], out, title="Kit", lang="en", info_from=sections[0])
    return out.getvalue()


def test_links_reach_their_headings_through_the_name_tree(sections, tmp_path):
    kit = tmp_path / "kit.pdf"
    kit.write_bytes(_join(sections))
    with pikepdf.open(kit) as pdf:
        assert pdf.check_pdf_syntax() == []
        tree = pdf.Root.Names.Dests
        assert "/Kids" in tree  # 450 names: more than one leaf
    pages = pdftotext(kit).split("\f")
    reader = pypdf.PdfReader(kit, strict=True)
    names = reader.named_destinations
    assert len(names) == 3 * (HEADINGS + 1)
    reached = set()
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            dest = str(annot.get_object()["/Dest"])
            section, anchor = dest.split("/")
            target = reader.get_destination_page_number(names[dest])
            assert target is not None, dest
            heading = f"S{section[len('post-') :]} heading {anchor[1:]}"
            assert heading in pages[target], (number, dest, target)
            reached.add(dest)
    assert len(reached) == 3 * HEADINGS  # a link broken over two lines has two rectangles
    marks = [item for item in reader.outline if isinstance(item, pypdf.generic.Destination)]
    assert len(marks) == len(reader.outline)
    assert [(item.title, reader.get_destination_page_number(item)) for item in marks] == [
        (f"Section {n}", sum(len(pypdf.PdfReader(s).pages) - 1 for s in sections[: n - 1]))
        for n in (1, 2, 3)
    ]
    assert reader.metadata is not None and reader.metadata.title == "Kit"


def test_the_same_parts_make_the_same_bytes(sections):
    assert _join(sections) == _join(sections)


def test_the_kit_is_written_while_its_sections_are_joined(sections, monkeypatch):
    """A section's objects are written, and its file closed, before the next section is
    opened: the join holds one section at a time, not the whole kit until a save."""
    out = io.BytesIO()
    seen: list[tuple[int, pikepdf.Object]] = []  # bytes written at each open, a stream of it
    real = pikepdf.open

    def closed(stream: pikepdf.Object) -> bool:
        try:
            stream.read_raw_bytes()
        except (pikepdf.PdfError, pikepdf.DeletedObjectError):  # closed, or freed as well
            return True
        return False

    def opened(path: Any, *args: Any, **kwargs: Any) -> pikepdf.Pdf:
        assert all(closed(stream) for _, stream in seen)
        pdf = real(path, *args, **kwargs)
        seen.append((out.tell(), pdf.pages[-1].obj.Contents))
        return pdf

    parts = _parts(sections)
    monkeypatch.setattr(pdfjoin.pikepdf, "open", opened)
    assemble(parts, [], out, title="Kit", lang="en", info_from=sections[2])
    written = [at for at, _ in seen]
    assert len(seen) == 4  # the three sections, then the one the information comes from
    assert written[0] < written[1] < written[2] < written[3] < len(out.getvalue())


def test_a_join_that_fails_leaves_the_kit_there_was(tmp_path, monkeypatch):
    from conftest import EXAMPLE_CONFIG

    from presskit.batch.builder import build
    from presskit.errors import PresskitError

    root = tmp_path / "content"
    for name, text in (("a", "Text of A."), ("b", "Text of B.")):
        (root / f"en/news/{name}").mkdir(parents=True)
        (root / f"en/news/{name}/index.md").write_text(
            f"---\ntitle: Post {name}\ndate: 2024-03-01\n---\n\n{text}\n", "utf-8"
        )
    out = tmp_path / "out"
    assert build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1).ok
    before = (out / "kit.pdf").read_bytes()
    (root / "en/news/b/index.md").write_text(
        "---\ntitle: Post b\ndate: 2024-03-01\n---\n\nText of B, corrected.\n", "utf-8"
    )

    def finish(*args: Any) -> None:  # the kit written but for its cross-reference stream
        raise PresskitError("disk full")

    monkeypatch.setattr(pdfjoin._Writer, "finish", finish)
    with pytest.raises(PresskitError, match="disk full"):  # the build's one-line error
        build([root], out, config=EXAMPLE_CONFIG, kit="kit", jobs=1)
    assert (out / "kit.pdf").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".kit.pdf")) == []
