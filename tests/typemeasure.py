"""How a PDF's Chinese, Japanese and Korean text is set, measured from its glyph boxes.

What a CJK typographer checks on a printed page, read back from the PDF with pdfplumber:
whether justified lines end at the right margin, whether a line starts with closing
punctuation (kinsoku), whether footnote calls are legible raised figures, and whether a typed
space sits beside full-width punctuation. The tests run it on rendered posts; run as a script
it prints the figures quoted in the README:

    .venv/bin/python tests/typemeasure.py build/zh/istio-graduates-within-cncf.pdf

Lines are rebuilt from the characters: a character belongs to the line whose baseline it sits
on or is raised above by up to half the line's size (a footnote call). The body size is the
theme's (10.5 pt: footnotes and quotes outnumber body characters on some pages). A body line
is *non-final* when another body line follows it on the same page one line height below; the
last line of a page cannot be told apart from a paragraph's end and is not counted either way.
The right margin is the right end of the page area WeasyPrint draws the running head's border
on; lines inside filled boxes (callouts, code) have margins of their own and are left out.
"""

from __future__ import annotations

import itertools
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4
FLUSH_TOLERANCE = 1 * MM  # a justified line ends within 1 mm of the margin
# Full-width punctuation that may be set half-width at the end of a line: its glyph fills only
# half of its em, so the line may stop up to half an em short of the margin with it.
COMPRESSIBLE_END = frozenset("，。、；：！？）」』】〕〉》”’．")
# Kinsoku shori: characters no line may start with (closing and middle punctuation) …
NO_LINE_START = frozenset("，。、；：！？）」』】〕〉》〗〙％‰℃．・ー々〻ゝゞヽヾ…‥")
NO_LINE_START_CJK = frozenset("”’")  # (only in CJK lines: `’` may start an English line)
# … and characters no line may end with (opening brackets).
NO_LINE_END = frozenset("（「『【〔〈《〖〘")
NO_LINE_END_CJK = frozenset("“‘")
SPREAD = 0.15  # em added between two letters: past it, a line reads as letter-spaced
CALL_SIZE_RATIO = 0.8  # digits smaller than this × body size inside a body line are calls
RAISED = 0.25  # a call's baseline sits at least this × body size above the line's


def is_wide(char: str) -> bool:
    return len(char) == 1 and unicodedata.east_asian_width(char) in ("W", "F")


def is_cjk_letter(char: str) -> bool:
    return is_wide(char) and unicodedata.category(char)[0] not in "PZS"


def is_fullwidth_punctuation(char: str) -> bool:
    return is_wide(char) and unicodedata.category(char)[0] == "P"


@dataclass
class Line:
    page: int
    baseline: float  # distance from the top of the page
    size: float  # the size most of its characters have
    chars: list[dict] = field(default_factory=list)
    boxed: bool = False  # inside a filled box (callout, code)

    @property
    def visible(self) -> list[dict]:
        return [c for c in self.chars if c["text"].strip()]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.visible[0]["x0"]

    @property
    def x1(self) -> float:
        return self.visible[-1]["x1"]

    @property
    def is_cjk(self) -> bool:
        return any(is_cjk_letter(ch) for c in self.visible for ch in c["text"])


def _baseline(char: dict, page_height: float) -> float:
    return page_height - char["matrix"][5]


def read_lines(pdf_path: Path) -> list[Line]:
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            filled = [r for r in page.rects if _is_background(r)]
            page_lines: list[Line] = []
            # The largest characters first: they set the lines smaller ones are raised in.
            chars = sorted(page.chars, key=lambda c: (-c["size"], c["top"]))
            for char in chars:
                base = char["_baseline"] = _baseline(char, page.height)
                for line in page_lines:
                    shift = line.baseline - base  # > 0: raised
                    if -0.15 * line.size <= shift <= 0.55 * line.size and _overlaps(line, char):
                        line.chars.append(char)
                        break
                else:
                    page_lines.append(Line(number, base, char["size"], [char]))
            for line in page_lines:
                line.chars.sort(key=lambda c: c["x0"])
                # the size of its text, not of its inline code: a Chinese line of four code
                # names has more monospace characters (0.88 em) than body ones
                text = [c for c in line.chars if "Mono" not in c["fontname"]] or line.chars
                line.size = Counter(round(c["size"], 2) for c in text).most_common(1)[0][0]
                mid_y = line.baseline - line.size / 3
                mid_x = (line.chars[0]["x0"] + line.chars[-1]["x1"]) / 2
                line.boxed = any(
                    r["top"] <= mid_y <= r["bottom"] and r["x0"] <= mid_x <= r["x1"] for r in filled
                )
            lines.extend(ln for ln in sorted(page_lines, key=lambda ln: ln.baseline) if ln.visible)
    return lines


def _is_background(rect: dict) -> bool:
    """A box's pale background taller than a line (callout, code block), not a border (drawn
    as a filled outline, in darker colours) nor an inline code span's background."""
    colour = rect.get("non_stroking_color")
    if not rect.get("fill") or not isinstance(colour, tuple | list) or len(colour) != 3:
        return False
    pale = all(0.9 <= float(c) < 1 for c in colour)
    return pale and rect["bottom"] - rect["top"] > 14 and rect["x1"] - rect["x0"] > 40


def _overlaps(line: Line, char: dict) -> bool:
    """Lines side by side (a running head's left and right) share a baseline but not a size."""
    return abs(char["size"] - line.size) < 0.5 or char["size"] < line.size


def right_margin(pdf_path: Path) -> float:
    """Where the text area ends: the right end of the page area WeasyPrint draws a border on,
    the widest box that does not bleed off the page (a cover band does)."""
    import pdfplumber

    ends: list[float] = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for r in [*page.rects, *page.lines]:
                inside = r["x0"] > 1 and r["x1"] < page.width - 1
                if inside and r["x1"] - r["x0"] > 0.6 * page.width:
                    ends.append(r["x1"])
    if not ends:
        raise ValueError(f"{pdf_path}: no box across the text area to take the margin from")
    return max(ends)


@dataclass
class Measurement:
    body_size: float
    margin: float
    nonfinal_cjk_lines: int = 0
    flush_lines: int = 0
    short_by_mm: list[float] = field(default_factory=list)  # the lines that are not flush
    kinsoku: list[str] = field(default_factory=list)
    calls: list[tuple[str, float, float]] = field(default_factory=list)  # text, ratio, raise
    spaced_punctuation: list[str] = field(default_factory=list)
    one_char_last_lines: list[str] = field(default_factory=list)
    widest_space: float = 0.0  # in CJK body lines, in em
    # the most room added between two CJK letters side by side in a non-final body line, in
    # em: a justified line spread thin (letter-spaced) shows here
    widest_letter_gap: float = 0.0
    spread_lines: list[str] = field(default_factory=list)  # those over SPREAD

    @property
    def flush_share(self) -> float:
        return self.flush_lines / self.nonfinal_cjk_lines if self.nonfinal_cjk_lines else 1.0

    @property
    def bad_calls(self) -> list[tuple[str, float, float]]:
        return [c for c in self.calls if c[1] < 0.6 or c[2] < RAISED * self.body_size]

    def add(self, other: Measurement) -> Measurement:
        total = Measurement(self.body_size, self.margin)
        for name in ("nonfinal_cjk_lines", "flush_lines"):
            setattr(total, name, getattr(self, name) + getattr(other, name))
        for name in ("short_by_mm", "kinsoku", "calls", "spaced_punctuation"):
            setattr(total, name, getattr(self, name) + getattr(other, name))
        total.one_char_last_lines = self.one_char_last_lines + other.one_char_last_lines
        total.widest_space = max(self.widest_space, other.widest_space)
        total.widest_letter_gap = max(self.widest_letter_gap, other.widest_letter_gap)
        total.spread_lines = self.spread_lines + other.spread_lines
        return total

    def summary(self) -> str:
        sizes = [ratio for _, ratio, _ in self.calls]
        raises = [lift / self.body_size for _, _, lift in self.calls]
        call_text = (
            f"{len(self.calls)} calls at {min(sizes):.2f}–{max(sizes):.2f}× body, "
            f"raised {min(raises):.2f}–{max(raises):.2f} em"
            if self.calls
            else "no calls"
        )
        return (
            f"flush {self.flush_lines}/{self.nonfinal_cjk_lines} "
            f"({100 * self.flush_share:.1f} %), kinsoku {len(self.kinsoku)}, "
            f"{call_text} ({len(self.bad_calls)} bad), "
            f"spaced punctuation {len(self.spaced_punctuation)}, "
            f"one-character last lines {len(self.one_char_last_lines)}, "
            f"widest space {self.widest_space:.2f} em, "
            f"widest letter gap {self.widest_letter_gap:.2f} em"
        )


BODY_SIZE = 10.5  # both themes' `html { font-size }`, in points
MAX_LINE_HEIGHT = 1.9  # the themes set CJK text at 1.8 (default) and 1.85 (formal)


def measure(pdf_path: str | Path, body: float = BODY_SIZE) -> Measurement:
    path = Path(pdf_path)
    lines = read_lines(path)
    result = Measurement(body, right_margin(path))
    body_lines = [ln for ln in lines if abs(ln.size - body) < 0.01]
    pairs = list(itertools.pairwise(body_lines))
    gaps = [b.baseline - a.baseline for a, b in pairs if a.page == b.page]
    # The line height: the smallest gap between body lines, at most MAX_LINE_HEIGHT (list
    # items and paragraphs add their margins to it; a post of one-line paragraphs has none).
    pitch = min((gap for gap in gaps if 0 < gap <= MAX_LINE_HEIGHT * body), default=0.0)

    def runs_on(above: Line, below: Line) -> bool:
        return above.page == below.page and abs(below.baseline - above.baseline - pitch) < 1.0

    for index, line in enumerate(body_lines):
        if line.boxed or not line.is_cjk:
            continue
        below = body_lines[index + 1] if index + 1 < len(body_lines) else None
        above = body_lines[index - 1] if index else None
        if below is not None and runs_on(line, below):
            result.nonfinal_cjk_lines += 1
            last = line.visible[-1]["text"][-1]
            tolerance = 0.5 * line.size if last in COMPRESSIBLE_END else FLUSH_TOLERANCE
            off = result.margin - line.x1
            if abs(off) <= tolerance + 0.01:  # (a halved mark's em box ends half an em out)
                result.flush_lines += 1
            else:
                result.short_by_mm.append(round(off / MM, 2))
            gaps = [
                (b["x0"] - a["x0"]) / body - 1
                for a, b in itertools.pairwise(line.chars)
                if is_cjk_letter(a["text"]) and is_cjk_letter(b["text"])
                and abs(a["size"] - body) < 0.01 and abs(b["size"] - body) < 0.01
            ]  # fmt: skip
            widest = max(gaps, default=0.0)
            result.widest_letter_gap = max(result.widest_letter_gap, widest)
            if widest > SPREAD:
                result.spread_lines.append(f"p{line.page}: +{widest:.2f} em {line.text[:30]}")
        elif below is not None and below.page == line.page and above and runs_on(above, line):
            # a paragraph's last line (the last of a page may go on overleaf)
            letters = [
                ch
                for c in line.visible
                if abs(c["size"] - body) < 0.01
                for ch in c["text"]
                if is_cjk_letter(ch) or ch.isalnum()
            ]
            if len(letters) <= 1:
                result.one_char_last_lines.append(f"p{line.page}: {line.text.strip()}")
        spaces = [  # as set: up to the next character (a font's width is not stretched)
            after["x0"] - c["x0"]
            for c, after in itertools.pairwise(line.chars)
            if c["text"] == " " and abs(c["size"] - body) < 0.01 and "Mono" not in c["fontname"]
        ]
        result.widest_space = max([result.widest_space, *(w / body for w in spaces)])
    for line in lines:
        _check_line(line, body, result)
    return result


def _check_line(line: Line, body: float, result: Measurement) -> None:
    visible = line.visible
    cjk = line.is_cjk
    first, last = visible[0]["text"][0], visible[-1]["text"][-1]
    where = f"p{line.page}: {line.text.strip()[:24]}"
    small_first = visible[0]["size"] < CALL_SIZE_RATIO * line.size and first.isdigit()
    if first in NO_LINE_START or (cjk and first in NO_LINE_START_CJK) or small_first:
        result.kinsoku.append(f"starts with {first!r}: {where}")
    if last in NO_LINE_END or (cjk and last in NO_LINE_END_CJK):
        result.kinsoku.append(f"ends with {last!r}: {where}")
    text = line.text
    for index, char in enumerate(text):
        if char == " ":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if is_fullwidth_punctuation(before) or is_fullwidth_punctuation(after):
                result.spaced_punctuation.append(f"{where} …{text[max(0, index - 4) : index + 4]}…")
    if abs(line.size - body) < 0.01:
        run: list[dict] = []
        for glyph in [*line.chars, None]:
            if (
                glyph is not None
                and glyph["text"].isdigit()
                and glyph["size"] < CALL_SIZE_RATIO * line.size
            ):
                run.append(glyph)
            elif run:
                lift = line.baseline - min(c["_baseline"] for c in run)
                ratio = run[0]["size"] / body
                result.calls.append(("".join(c["text"] for c in run), round(ratio, 3), lift))
                run = []


def main(paths: list[str]) -> int:
    total: Measurement | None = None
    for path in paths:
        result = measure(path)
        print(f"{path}: {result.summary()}")
        for item in result.kinsoku + result.spaced_punctuation + result.spread_lines:
            print(f"    {item}")
        total = result if total is None else total.add(result)
    if total is not None and len(paths) > 1:
        print(f"all: {total.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
