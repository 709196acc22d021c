"""Chinese and Japanese set as their typographers set them, inside WeasyPrint 70's line layout.

WeasyPrint justifies a line by widening its spaces, and Chinese has none: a justified Chinese
paragraph stayed ragged (lines 0.8–7.3 mm short), and a Chinese line holding a Latin word
opened the gaps around that word alone. Three patches, each self-contained, each checked
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

Upstream, WeasyPrint's `justify_line` says "TODO: We should use a better algorithm here"
(css-text-3 `text-justify: inter-character` and `text-spacing-trim`): an upstream
implementation of those two properties would remove all three patches.
"""

from __future__ import annotations

import re
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


def is_wide(char: str) -> bool:
    return bool(char) and _WIDE_CHAR.match(char) is not None


def sets_cjk(style: Any) -> bool:
    lang = style["lang"] or ""
    return lang[:2].lower() in CJK_LANGS


def install(weasyprint: ModuleType) -> bool:
    """All three patches, or none: True when installed."""
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
    )
    from presskit import weasy

    if not weasy.in_tested_range(weasyprint.__version__) or not needed:
        return False
    if getattr(inline.justify_line, "original", None) is not None:
        return True  # installed already
    compress_punctuation(line_break)
    justify_between_characters(inline)
    compress_line_start(inline)
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


def halted(text: str, first: bool = False) -> list[int]:
    """Indexes of the marks in `text` to set half-width; `first`: the text starts a line."""
    found = {m.start() for m in _FIRST_OF_PAIR.finditer(text)}
    found.update(m.start() for m in _SECOND_OF_PAIR.finditer(text))
    if first and text[:1] in OPENING:
        found.add(0)
    return sorted(found)


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
        marks = halted(text, getattr(self, "presskit_first", False))
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
    (as in WeasyPrint); the line's two ends take none. Inside a text box, Pango's letter
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
        shares = count_spaces(line) + wide - (edges[0][0] + edges[-1][1]) / 2
        if shares <= 0:
            return None
        spacing = extra_width / shares
        # the room between two boxes: half a share from each wide neighbour
        before = {id(leaves[0]): 0.0}
        for index in range(1, len(leaves)):
            shared = edges[index - 1][1] + edges[index][0]
            before[id(leaves[index])] = spacing * shared / 2
        _spread(line, spacing, 0.0, before)
        return None

    # why the ignore below: WeasyPrint boxes and Pango values: untyped
    def _spread(box, spacing, x_advance, before):  # type: ignore[no-untyped-def]
        if isinstance(box, boxes.TextBox):
            x_advance += before.pop(id(box), 0.0)
            box.position_x += x_advance
            if not box.text:
                return x_advance
            spaces = count_spaces(box)
            wide = len(_WIDE_CHAR.findall(box.text))
            first, last = _edges(box)
            extra = spacing * (spaces + wide - (first + last) / 2)
            if extra:
                box.justification_spacing = spacing
                layout = Layout(box.style, spacing, None)
                layout.presskit_spacing = spacing
                layout.presskit_first = getattr(box.pango_layout, "presskit_first", False)
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
                    x_advance = _spread(child, spacing, x_advance, before)
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
            layout = Layout(first.style, first.justification_spacing, None)
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
