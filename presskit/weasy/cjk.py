"""Chinese and Japanese set as their typographers set them, inside WeasyPrint 70's line layout.

WeasyPrint justifies a line by widening its spaces, and Chinese has none: a justified Chinese
paragraph stayed ragged (lines 0.8–7.3 mm short), and a Chinese line holding a Latin word
opened the gaps around that word alone. Patches, each self-contained, each checked
against WeasyPrint 70 (`cjk_line_layout` in `presskit.weasy.PATCHES`) and leaving WeasyPrint's
own function in place otherwise:

- `justify_between_characters` (clreq 两端对齐, jlreq 4.1): the room left on a justified
  line is spread over its spaces and between its characters, each wide (CJK) character
  taking half a share on each side. The space is Pango letter spacing on the runs of wide
  characters (how WeasyPrint already widens spaces), so the text and its glyph positions
  stay Pango's. Korean (word spaces) and Latin lines keep WeasyPrint's own justification.
- `compress_punctuation` (clreq 标点挤压, jlreq 3.1.4): of two full-width punctuation marks
  side by side (`。」`, `），`, `「（`), the one whose blank half faces the other is set half
  width with the font's `halt` feature, as the line is broken, so lines are measured as
  printed.
- `compress_line_start`: an opening bracket that starts a line is set half width, and the
  room it frees is justified away with the rest.
- `compress_across_boxes`: the pairs above are found across inline elements too (`”</a>，`,
  `）</em>。`): each text box knows the characters just before and after it in its line.
- `line_end_allowance` (clreq 行尾点号, jlreq 3.8 "line adjustment by reducing"): a line
  that would fit one more character if its last mark were half width takes the character
  and the half-width mark, rather than leaving it for the next line and stretching the rest.

Upstream, WeasyPrint's `justify_line` says "TODO: We should use a better algorithm here"
(css-text-3 `text-justify: inter-character` and `text-spacing-trim`): an upstream
implementation of those two properties (and of `hanging-punctuation: allow-end`) would remove
all of them.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import Any

# Full-width punctuation whose blank half is on its right (closing marks; in Chinese fonts
# also the comma, full stop and colons) and on its left (opening brackets).
CLOSING = "，。、；：！？）」』】〕〉》〗〙”’"
OPENING = "（「『【〔〈《〖〘“‘"
# Two marks whose blanks face each other, or a closing mark before another mark: the first
# is compressed. An opening bracket after an opening bracket: the second is.
_FIRST_OF_PAIR = re.compile(f"[{CLOSING}](?=[{CLOSING}{OPENING}])")
_SECOND_OF_PAIR = re.compile(f"(?<=[{OPENING}])[{OPENING}]")
# What East Asian Width calls Wide or Fullwidth, by block: ideographs, kana, CJK symbols and
# punctuation, full-width forms, Hangul.
WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff01-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd"
)
_WIDE_RUN = re.compile(f"[{WIDE}]+")
_WIDE_CHAR = re.compile(f"[{WIDE}]")
CJK_LANGS = ("zh", "ja")  # Korean justifies at its word spaces
# The most room justification adds between two characters, in em: more reads as letter
# spacing (a short line pulled apart), and the line is left ragged instead.
MAX_SPREAD = 0.12


def is_wide(char: str) -> bool:
    return bool(char) and _WIDE_CHAR.match(char) is not None


def sets_cjk(style: Any) -> bool:
    lang = style["lang"] or ""
    return lang[:2].lower() in CJK_LANGS


def install(weasyprint: ModuleType) -> bool:
    """All the patches, or none: True when installed."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    needed = (
        hasattr(inline, "justify_line")
        and hasattr(inline, "text_align")
        and hasattr(inline, "count_expandable_spaces")
        and hasattr(line_break, "Layout")
        and hasattr(line_break.Layout, "set_text")
        and hasattr(boxes.TextBox, "justification_spacing")
        and hasattr(inline, "split_text_box")
        and hasattr(inline, "get_next_linebox")
    )
    from presskit import weasy

    if not weasy.in_tested_range(weasyprint.__version__) or not needed:
        return False
    if getattr(inline.justify_line, "original", None) is not None:
        return True  # installed already
    compress_punctuation(line_break)
    justify_between_characters(inline)
    compress_line_start(inline)
    compress_across_boxes(inline)
    line_end_allowance(inline)
    return True


# ---- Pango attributes -----------------------------------------------------------------------


def _byte_offsets(text: str, indexes: list[int]) -> list[int]:
    """UTF-8 offsets of sorted character indexes (Pango counts bytes)."""
    offsets, char, byte = [], 0, 0
    for index in indexes:
        byte += len(text[char:index].encode())
        char = index
        offsets.append(byte)
    return offsets


def halted(
    text: str, first: bool = False, before: str = "", after: str = "", end: bool = False
) -> list[int]:
    """Indexes of the marks in `text` to set half-width.

    `first`: the text starts a line; `before`/`after`: the characters around it in its line
    (from the inline boxes beside it, `”</a>，`); `end`: the text ends a line that took
    the line-end allowance, so its last closing mark is set half width too.
    """
    before, after = before[-1:], after[:1]
    found = {m.start() for m in _FIRST_OF_PAIR.finditer(text + after) if m.start() < len(text)}
    found.update(
        m.start() - len(before)
        for m in _SECOND_OF_PAIR.finditer(before + text)
        if m.start() >= len(before)
    )
    if first and text[:1] in OPENING:
        found.add(0)
    if end and text[-1:] in CLOSING:
        found.add(len(text) - 1)
    return sorted(found)


@dataclass(frozen=True)
class Around:
    """What surrounds the text a box lays out: its text from where the line starts, the
    characters before and after it in the line, and whether a first line cut from it ends
    the line with the line-end allowance."""

    rest: str
    before: str = ""
    after: str = ""
    end: bool = False


# Set while WeasyPrint splits one text box into lines: Layout.set_text reads it, and keeps
# what it found on the layout, for each later setting of the same text (justifying, drawing).
_AROUND: ContextVar[Around | None] = ContextVar("presskit_around", default=None)
# What a layout keeps about its place in the line; copied to the layouts made again from it.
CARRIED = {
    "presskit_first": False,
    "presskit_before": "",
    "presskit_after": "",
    "presskit_end": False,
}


def carry(layout: Any, source: Any) -> Any:
    """`layout` knowing what `source` (the layout it replaces) knew about its line."""
    for name, default in CARRIED.items():
        setattr(layout, name, getattr(source, name, default))
    return layout


def compress_punctuation(line_break: ModuleType) -> None:
    """`Layout.set_text` with `halt` on compressed marks and the inter-character spacing.

    Both are Pango attributes added to the ones WeasyPrint sets, on a layout whose style is
    Chinese or Japanese. They are set again each time the text is (WeasyPrint lays a text box
    out anew to draw it), from what the layout carries: `presskit_first` (it starts a line)
    and `presskit_spacing` (justification between characters, drawn only, as WeasyPrint
    draws its own word spacing).
    """
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.line_break import TO_UNITS

    original = line_break.Layout.set_text

    # why the ignore below: WeasyPrint's own signature, replaced in place: it ships no types
    def set_text(self, text, justify=False):  # type: ignore[no-untyped-def]
        original(self, text, justify)
        if not sets_cjk(self.style):
            return
        text = self.text
        around = _AROUND.get()
        if around is not None:
            # a first line (or the draft of one) cut from the box's text, or all of it
            whole = text == around.rest
            prefix = whole or around.rest.startswith(text)
            self.presskit_before = around.before if prefix else ""
            self.presskit_after = around.after if whole else ""
            self.presskit_end = around.end and prefix and not whole
        marks = halted(
            text,
            getattr(self, "presskit_first", False),
            getattr(self, "presskit_before", ""),
            getattr(self, "presskit_after", ""),
            getattr(self, "presskit_end", False),
        )
        spacing = getattr(self, "presskit_spacing", 0) if justify else 0
        if not marks and not spacing:
            return
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs == ffi.NULL:
            attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        if marks:
            starts = _byte_offsets(text, marks)
            ends = _byte_offsets(text, [index + 1 for index in marks])
            for start, end in zip(starts, ends, strict=True):
                attr = pango.pango_attr_font_features_new(b"halt 1")
                attr.start_index, attr.end_index = start, end
                pango.pango_attr_list_insert(attrs, attr)
        if spacing:
            letter = self.style["letter_spacing"]
            units = int(((0 if letter == "normal" else letter) + spacing) * TO_UNITS)
            runs = [(m.start(), m.end()) for m in _WIDE_RUN.finditer(text)]
            bounds = _byte_offsets(text, [i for run in runs for i in run])
            for start, end in zip(bounds[::2], bounds[1::2], strict=True):
                attr = pango.pango_attr_letter_spacing_new(units)
                attr.start_index, attr.end_index = start, end
                pango.pango_attr_list_change(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)

    # why the ignore below: a function attribute: mypy knows no attributes on functions
    set_text.original = original  # type: ignore[attr-defined]
    line_break.Layout.set_text = set_text


# ---- justification --------------------------------------------------------------------------


def _leaves(box: Any) -> list[Any]:
    """The line's in-flow text boxes and atomic inlines, in order (left to right)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return [box] if box.text else []
    if isinstance(box, boxes.LineBox | boxes.InlineBox):
        return [
            leaf for child in box.children if child.is_in_normal_flow() for leaf in _leaves(child)
        ]
    return [box]


def _edges(leaf: Any) -> tuple[bool, bool]:
    """Whether a leaf starts and ends with a wide character (an atomic inline does not)."""
    text = getattr(leaf, "text", None)
    if not text:
        return False, False
    return is_wide(text[0]), is_wide(text[-1])


def justify_between_characters(inline: ModuleType) -> None:
    """`justify_line` that spreads a CJK line's room between its characters and spaces.

    Each wide character takes half a share of the room on each side, each space one share
    (as in WeasyPrint); the line's two ends take none. No share between two characters
    passes MAX_SPREAD: past it the word spaces take the rest (a line of Latin names with a
    few CJK characters), and a line without spaces stays ragged. Inside a text box, Pango's letter
    spacing on the wide runs does it; between two boxes (a link, a footnote call) the box
    after is moved by the halves its neighbours would have had. The width each box gains is
    computed from the same counts, as WeasyPrint computes its word spacing, not measured.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import Layout

    original = inline.justify_line
    count_spaces = inline.count_expandable_spaces

    # why the ignore below: WeasyPrint's own signature, replaced in place: it ships no types
    def justify_line(context, line, extra_width):  # type: ignore[no-untyped-def]
        if not sets_cjk(line.style) or line.style["direction"] == "rtl":
            return original(context, line, extra_width)
        leaves = _leaves(line)
        edges = [_edges(leaf) for leaf in leaves]
        wide = sum(len(_WIDE_CHAR.findall(leaf.text)) for leaf in leaves if hasattr(leaf, "text"))
        if not wide:
            return original(context, line, extra_width)
        spaces = count_spaces(line)
        letters = wide - (edges[0][0] + edges[-1][1]) / 2
        if spaces + letters <= 0:
            return None
        word = letter = extra_width / (spaces + letters)
        most = MAX_SPREAD * line.style["font_size"]
        if letter > most:
            if not spaces:
                # a short line (before an unbreakable run, in a narrow box) would be
                # spread apart, letter-spaced: it stays ragged, as a last line does
                return None
            # a line of Latin words (names, a URL) with a few CJK characters: its word
            # spaces take what the characters cannot, as a Latin line's do (jlreq 3.8.3)
            letter = most
            word = (extra_width - letter * letters) / spaces
        # the room between two boxes: half a share from each wide neighbour
        before = {id(leaves[0]): 0.0}
        for index in range(1, len(leaves)):
            shared = edges[index - 1][1] + edges[index][0]
            before[id(leaves[index])] = letter * shared / 2
        _spread(line, word, letter, 0.0, before)
        return None

    # why the ignore below: WeasyPrint boxes and Pango values: untyped
    def _spread(box, word, letter, x_advance, before):  # type: ignore[no-untyped-def]
        """Widen the boxes of `box`: `word` more at each space, `letter` more between two
        wide characters (half on each side of one)."""
        if isinstance(box, boxes.TextBox):
            x_advance += before.pop(id(box), 0.0)
            box.position_x += x_advance
            if not box.text:
                return x_advance
            spaces = count_spaces(box)
            wide = len(_WIDE_CHAR.findall(box.text))
            first, last = _edges(box)
            extra = word * spaces + letter * (wide - (first + last) / 2)
            if extra:
                box.justification_spacing = word
                layout = carry(Layout(box.style, word, None), box.pango_layout)
                layout.presskit_spacing = letter
                layout.set_text(box.text)
                layout.deactivate()
                box.pango_layout = layout
                box.width += extra
                x_advance += extra
            return x_advance
        if isinstance(box, boxes.LineBox | boxes.InlineBox):
            leaf = next(iter(_leaves(box)), None)
            if leaf is not None:  # the room before it goes before the box's own edge
                x_advance += before.pop(id(leaf), 0.0)
            box.position_x += x_advance
            start = x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = _spread(child, word, letter, x_advance, before)
            box.width += x_advance - start
            return x_advance
        x_advance += before.pop(id(box), 0.0)
        box.translate(x_advance, 0)
        return x_advance

    # why the ignore below: a function attribute: mypy knows no attributes on functions
    justify_line.original = original  # type: ignore[attr-defined]
    # why the ignore below: replacing WeasyPrint's function (the patch this module is)
    inline.justify_line = justify_line  # type: ignore[attr-defined]


def compress_line_start(inline: ModuleType) -> None:
    """`text_align` that first sets a line-starting opening bracket half width.

    Which bracket starts a line is known only once the line is broken: the first text box is
    laid out again with `halt` on its first character, and what follows moves left by the
    room freed; justification then spreads that room as the rest.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import Layout, line_size

    original = inline.text_align

    # why the ignore below: WeasyPrint's own signature, replaced in place: it ships no types
    def text_align(context, line, available_width, last):  # type: ignore[no-untyped-def]
        leaves = _leaves(line) if sets_cjk(line.style) else []
        first = leaves[0] if leaves else None
        if isinstance(first, boxes.TextBox) and first.text[:1] in OPENING:
            layout = carry(
                Layout(first.style, first.justification_spacing, None), first.pango_layout
            )
            layout.presskit_first = True
            layout.set_text(first.text)
            width, _ = line_size(layout.get_first_line()[0], first.style)
            layout.deactivate()
            saved = first.width - width
            if saved > 0:
                first.pango_layout, first.width = layout, width
                _shift_after(line, first, -saved)
        return original(context, line, available_width, last)

    # why the ignore below: WeasyPrint boxes: untyped
    def _shift_after(box, changed, dx):  # type: ignore[no-untyped-def]
        """Narrow `changed`'s ancestors by -dx and move every box after it: True once found."""
        if box is changed:
            return True
        if not isinstance(box, boxes.LineBox | boxes.InlineBox):
            return False
        found = False
        for child in box.children:
            if found:
                child.translate(dx, 0, ignore_floats=True)
            elif _shift_after(child, changed, dx):
                found = True
        if found:
            box.width += dx
        return found

    # why the ignore below: a function attribute: mypy knows no attributes on functions
    text_align.original = original  # type: ignore[attr-defined]
    # why the ignore below: replacing WeasyPrint's function (the patch this module is)
    inline.text_align = text_align  # type: ignore[attr-defined]


# ---- across inline boxes, and at the line's end -----------------------------------------------


def compress_across_boxes(inline: ModuleType) -> None:
    """`get_next_linebox` that first tells each text box of a CJK paragraph the characters
    just before and after it, and `split_text_box` that lays a box out knowing them.

    A link or an emphasis ends its text box: `”</a>，` were two texts, each laid out alone,
    and `halted` never saw the pair. Neighbours across an image or an inline block are none.
    """
    from weasyprint.formatting_structure import boxes

    next_linebox = inline.get_next_linebox
    split = inline.split_text_box

    def get_next_linebox(context, linebox, *args, **kwargs):  # type: ignore[no-untyped-def]
        if sets_cjk(linebox.style) and not getattr(linebox, "presskit_neighbours", False):
            linebox.presskit_neighbours = True  # the same box comes back for each line
            previous = None
            for leaf in _leaves(linebox):
                if not isinstance(leaf, boxes.TextBox):
                    previous = None
                    continue
                leaf.presskit_before = previous.text[-1] if previous is not None else ""
                if previous is not None:
                    previous.presskit_after = leaf.text[0]
                previous = leaf
        return next_linebox(context, linebox, *args, **kwargs)

    def split_text_box(context, box, available_width, skip, is_line_start=True):  # type: ignore[no-untyped-def]
        if not sets_cjk(box.style):
            return split(context, box, available_width, skip, is_line_start)
        token = _AROUND.set(around(box, skip))
        try:
            return split(context, box, available_width, skip, is_line_start)
        finally:
            _AROUND.reset(token)

    get_next_linebox.original = next_linebox  # type: ignore[attr-defined]
    split_text_box.original = split  # type: ignore[attr-defined]
    inline.get_next_linebox = get_next_linebox  # type: ignore[attr-defined]
    inline.split_text_box = split_text_box  # type: ignore[attr-defined]


def around(box: Any, skip: int, end: bool = False) -> Around:
    """What surrounds `box`'s text from byte `skip` on (WeasyPrint counts UTF-8 bytes).

    Called for every line of a CJK paragraph: the box's text is not encoded when a line
    starts it, and only the last character before `skip` is decoded."""
    after = getattr(box, "presskit_after", "")
    if not skip:
        return Around(box.text, getattr(box, "presskit_before", ""), after, end)
    encoded = box.text.encode()
    before = encoded[max(0, skip - 4) : skip].decode("utf-8", "ignore")[-1:]
    return Around(encoded[skip:].decode(), before, after, end)


# After a line break: one or two characters, then a closing mark (`们，`, `好。”`): what the
# line before could take with its last mark set half width.
_TAKES_A_MARK = re.compile(f"[^\\s{CLOSING}]{{1,2}}[{CLOSING}]")
ALLOWANCE = 0.5  # em: the blank half of a full-width closing mark


def line_end_allowance(inline: ModuleType) -> None:
    """`split_text_box` that lets a CJK line end on a closing mark set half width.

    Without it, kinsoku sends `们，` to the next line together when only `们` and half of
    `，` would still fit, and the line is stretched by nearly an em. When the text after the
    break is one or two characters and a closing mark, the box is split again half an em
    wider with its last mark halted (`halt`); the wider line is kept if, so set, it fits.
    """
    from math import isfinite

    split = inline.split_text_box  # compress_across_boxes's, which sets `_AROUND`
    plain = split.original  # WeasyPrint's

    def split_text_box(context, box, available_width, skip, is_line_start=True):  # type: ignore[no-untyped-def]
        result = split(context, box, available_width, skip, is_line_start)
        new_box, resume, line_break = result
        if (
            new_box is None
            or resume is None
            or line_break
            or available_width is None
            or not isfinite(available_width)
            or not sets_cjk(box.style)
            or not _TAKES_A_MARK.match(box.text.encode()[resume:].decode())
        ):
            return result
        token = _AROUND.set(around(box, skip, end=True))
        try:
            wider = plain(
                context, box, available_width + ALLOWANCE * box.style["font_size"], skip,
                is_line_start,
            )  # fmt: skip
        finally:
            _AROUND.reset(token)
        taken = wider[0]
        if (
            taken is not None
            and len(taken.text) > len(new_box.text)
            and taken.text[-1:] in CLOSING
            and taken.width <= available_width + 1e-3
        ):
            return wider
        return result

    split_text_box.original = plain  # type: ignore[attr-defined]
    inline.split_text_box = split_text_box  # type: ignore[attr-defined]
