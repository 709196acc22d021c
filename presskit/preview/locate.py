"""Which page prints the source line a warning names: the preview shows it beside that page.

Found by the text, not by anchors in the PDF: a warning comes from the filter, the fetch
policy or the PDF stage, and none of them can mark the HTML where its line ended up. So the
PDF's text (poppler's `pdftotext`, page by page) and the source are both reduced to their
letters and digits, casefolded: what hyphenation, justification, quotes, word joiners, CJK
line breaks and capitals do to the printed text falls away, and a Chinese paragraph reads the
same on both sides. Each source block (paragraph, list, image line…) is then looked up in
order, from where the previous one was found, by a probe of a dozen characters from its own
lines (their start, middle or end: a link's footnote number may interrupt one of them).

A line is placed only when that is certain: its own text was found, or it lies in a block
that was, or it prints nothing findable (a shortcode, an image without alt text) between two
blocks found on the same page. Anything else stays at the top of the page, unlocated.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROBE = 12  # letters and digits: unique in a release, short enough to fit between two notes
SHORTEST = 4  # a block with fewer is not looked for (a stray "OK" matches anywhere)
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"<[^>\n]*>")
_LOCATED = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::\d+)?: ")


def letters(text: str) -> str:
    """Letters and digits only, casefolded: what survives from source to printed page."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def plain(line: str) -> str:
    """A source line as it prints: shortcodes, link targets and HTML tags out."""
    line = _SHORTCODE.sub(" ", line)
    line = _LINK_TARGET.sub("]", line)
    return letters(_TAG.sub(" ", line))


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, by poppler (one process for the whole PDF; ~20 ms for 5 pages)."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        return []
    pages = done.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (line number, its printed letters)
    found: dict[int, int]  # line number: offset in the document's letters
    start: int | None = None
    end: int | None = None


def _blocks(source: Sequence[str], first: int) -> list[_Block]:
    """The body's blocks (runs of non-blank lines), from line `first` (1-based)."""
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    for number in range(first, len(source) + 1):
        text = source[number - 1]
        if text.strip():
            current.append((number, plain(text)))
        elif current:
            blocks.append(_Block(current, {}))
            current = []
    if current:
        blocks.append(_Block(current, {}))
    return blocks


def _probes(text: str) -> list[str]:
    if len(text) <= PROBE:
        return [text] if len(text) >= SHORTEST else []
    middle = (len(text) - PROBE) // 2
    return [text[:PROBE], text[middle : middle + PROBE], text[-PROBE:]]


def lines_to_pages(
    source: Sequence[str], first: int, pages: Sequence[str], wanted: Iterable[int]
) -> dict[int, int]:
    """Page number (1-based) for each wanted source line that can be placed for certain."""
    text = "".join(letters(page) for page in pages)
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(letters(page))

    def page_at(position: int) -> int:
        number = 0
        for index, start in enumerate(starts):
            if start <= position:
                number = index + 1
        return number

    blocks = _blocks(source, first)
    cursor = 0
    for block in blocks:
        for number, letters_of_line in block.lines:
            for probe in _probes(letters_of_line):
                at = text.find(probe, cursor)
                if at >= 0:
                    back = letters_of_line.find(probe)  # where the line itself starts
                    block.found[number] = max(cursor, at - back)
                    cursor = at + len(probe)
                    break
        if block.found:
            block.start, block.end = min(block.found.values()), cursor
    placed: dict[int, int] = {}
    wanted = set(wanted)
    for index, block in enumerate(blocks):
        lines = {number for number, _ in block.lines} & wanted
        if not lines:
            continue
        if block.start is not None:
            for number in lines:
                placed[number] = page_at(block.found.get(number, block.start))
            continue
        before = next((b for b in reversed(blocks[:index]) if b.end is not None), None)
        after = next((b for b in blocks[index + 1 :] if b.start is not None), None)
        if before is not None and after is not None:
            assert before.end is not None and after.start is not None
            if page_at(before.end) == page_at(after.start):
                for number in lines:
                    placed[number] = page_at(after.start)
    return placed


def warning_line(warning: str, post: Path) -> int | None:
    """The line of the post a warning names (`path:line[:col]: …`), if it names one."""
    match = _LOCATED.match(warning)
    if match is None:
        return None
    named = Path(match["path"])
    same = named == post or (named.name == post.name and named.resolve() == post.resolve())
    return int(match["line"]) if same else None


def place_warnings(warnings: Sequence[str], post: Path, pdf: Path) -> dict[int, list[str]]:
    """The post's warnings by the page that prints their line; key 0 for the rest."""
    lines = {w: warning_line(w, post) for w in warnings}
    wanted = {line for line in lines.values() if line is not None}
    placed: dict[int, int] = {}
    if wanted:
        from presskit.errors import PresskitError
        from presskit.source.post import load_post

        try:
            loaded = load_post(post)
            source = post.read_text(encoding="utf-8").splitlines()
        except (PresskitError, OSError, UnicodeDecodeError):
            pass  # a post that no longer reads: its warnings stay at the top
        else:
            placed = lines_to_pages(source, loaded.body_line, page_texts(pdf), wanted)
    grouped: dict[int, list[str]] = {}
    for warning in warnings:
        line = lines[warning]
        grouped.setdefault(placed.get(line, 0) if line is not None else 0, []).append(warning)
    return grouped
