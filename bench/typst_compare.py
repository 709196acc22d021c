#!/usr/bin/env python3
"""The same Chinese paragraphs set by presskit and by Typst, measured the same way.

Typst justifies CJK between characters, compresses punctuation and applies kinsoku: it is the
bar presskit's WeasyPrint patches are measured against. The paragraphs are the sample's
running text (links reduced to their words, so neither side has footnote calls), set in the
same face, size and measure (Noto Sans CJK SC 10.5 pt on A4 with 20 mm side margins);
`tests/typemeasure.py` reads both PDFs' glyph boxes.

    .venv/bin/pip install typst           # a dev dependency: pip install -e '.[dev]'
    .venv/bin/python bench/typst_compare.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import typemeasure  # noqa: E402

SAMPLE = ROOT / "examples/content/zh/blog/2023/istio-graduates-within-cncf/index.md"
CONFIG = ROOT / "examples/presskit.toml"
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def paragraphs() -> list[str]:
    """The sample's prose paragraphs: front matter, shortcodes and rules left out, links as
    their words, and a line break beside a CJK character joined without a space (as presskit
    sets it: a break in Chinese text is no space)."""
    body = SAMPLE.read_text(encoding="utf-8").split("---", 2)[2]
    out = []
    for block in body.split("\n\n"):
        block = block.strip()
        if not block or block.startswith(("{{", "---", "#")) or not CJK.search(block):
            continue
        text = ""
        for line in LINK.sub(r"\1", block).splitlines():
            line = line.strip()
            joined = text and (CJK.match(text[-1]) or CJK.match(line[:1]))
            text += line if not text or joined else " " + line
        out.append(text)
    return out


def typst_source(texts: list[str]) -> str:
    def escape(text: str) -> str:
        return re.sub(r"([\\#*_`$<>@\[\]])", r"\\\1", text)

    head = (
        '#set page(paper: "a4", margin: (x: 20mm, y: 22mm))\n'
        '#set text(font: "Noto Sans CJK SC", size: 10.5pt, lang: "zh", region: "cn")\n'
        "#set par(justify: true, leading: 0.8em, spacing: 1.2em)\n"
        # a rule across the text area: where typemeasure reads the right margin
        "#line(length: 100%, stroke: 0.6pt)\n\n"
    )
    return head + "\n\n".join(escape(t) for t in texts) + "\n"


def main() -> int:
    import typst

    from presskit.pipeline import render

    texts = paragraphs()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        post = work / "content/zh/blog/same/index.md"
        post.parent.mkdir(parents=True)
        post.write_text(
            '---\ntitle: "同一段落"\n---\n\n' + "\n\n".join(texts) + "\n", encoding="utf-8"
        )
        ours = work / "presskit.pdf"
        render(post, ours, CONFIG, offline=True)
        source = work / "same.typ"
        source.write_text(typst_source(texts), encoding="utf-8")
        theirs = work / "typst.pdf"
        typst.compile(str(source), output=str(theirs))
        print(f"{len(texts)} paragraphs of {SAMPLE.relative_to(ROOT)}")
        for name, pdf in (("presskit", ours), (f"Typst {typst_version()}", theirs)):
            print(f"{name:12} {typemeasure.measure(pdf).summary()}")
    return 0


def typst_version() -> str:
    from importlib.metadata import version

    return version("typst")


if __name__ == "__main__":
    sys.exit(main())
