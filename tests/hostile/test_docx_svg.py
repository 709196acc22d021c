"""Review 17b: an SVG carried into the Word file names nothing outside itself.

The PDF's SVGs are drawn by WeasyPrint, which asks the fetch policy for every address or file
one names (`<image href=…>`, `url(…)` in its style): a local address or a file outside the
post is refused there. The Word file carried the SVG's bytes as they were, so a post's SVG
(beside it, or a `data:` URL) reached whoever opened the .docx with a tracking address, a UNC
path or a local file for their office suite to resolve.
"""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import pytest

import presskit

OUT = [
    '<image width="5" height="5" xlink:href="http://127.0.0.1:9/beacon.png"/>',
    '<image width="5" height="5" href="file:///etc/passwd"/>',
    '<image width="5" height="5" xlink:href="\\\\attacker\\share\\x.png"/>',
    '<image width="5" height="5" xlink:href="other.svg"/>',
    '<use xlink:href="https://example.com/sprite.svg#a"/>',
    '<rect width="5" height="5" fill="url(http://127.0.0.1:9/fill)"/>',
    '<rect width="5" height="5" style="fill: u\\72l(http://127.0.0.1:9/s)"/>',
    "<style>@import 'http://127.0.0.1:9/css';</style>",
    "<style>rect { fill: url(http://127.0.0.1:9/f) }</style>",
    '<foreignObject width="5" height="5"><p>x</p></foreignObject>',
]
HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10">'
)
ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + HEAD
    + "<text>&x;</text></svg>"
)
INSIDE = HEAD + (
    '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
    '<rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/></svg>'
)


def _media(docx: Path) -> list[bytes]:
    with zipfile.ZipFile(docx) as z:
        return [z.read(n) for n in z.namelist() if n.startswith("word/media/")]


@pytest.mark.parametrize("how", ["file", "data"])
@pytest.mark.parametrize("body", [*OUT, "ENTITY"], ids=[*range(len(OUT)), "entity"])
def test_an_svg_that_reaches_out_is_not_embedded(body, how, tmp_path) -> None:
    svg = ENTITY if body == "ENTITY" else HEAD + body + "</svg>"
    folder = tmp_path / "post"
    folder.mkdir()
    if how == "file":
        (folder / "pic.svg").write_text(svg, "utf-8")
        src = "pic.svg"
    else:
        src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    post = folder / "index.md"
    post.write_text(f"---\ntitle: SVG\n---\n\n![the picture]({src})\n", "utf-8")
    out = tmp_path / "o.docx"
    result = presskit.render(post, out, to="docx", offline=True)
    media = _media(out)
    assert not any(b"<svg" in m for m in media), "the SVG went into the Word file"
    assert any("not shown in the Word file" in w.message for w in result.warnings)


def test_a_self_contained_svg_and_an_editors_doctype_still_go_in(tmp_path) -> None:
    folder = tmp_path / "post"
    folder.mkdir()
    doctype = (
        '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
    )
    (folder / "a.svg").write_text(INSIDE, "utf-8")
    (folder / "b.svg").write_text(doctype + INSIDE, "utf-8")
    post = folder / "index.md"
    post.write_text("---\ntitle: SVG\n---\n\n![a](a.svg)\n\n![b](b.svg)\n", "utf-8")
    out = tmp_path / "o.docx"
    result = presskit.render(post, out, to="docx", offline=True)
    svgs = [m for m in _media(out) if b"linearGradient" in m]
    assert len(svgs) == 2, result.warnings
    assert not any(b"DOCTYPE" in m for m in svgs)
    assert not any("not shown" in w.message for w in result.warnings)
