"""An inline box's start padding, border and margin count against the room left on its line.

WeasyPrint 70's `split_inline_box` lays an inline box's children out from the box's own left
edge and only then moves them right by the box's left padding, border and margin: a child is
offered `left spacing` more room than there is. Inline code (the themes pad it 0.6 mm a side)
that would break inside itself at the end of a line therefore "fits" whole, overshoots the
line, and WeasyPrint falls back to the break before the code: the line is justified with
word spaces of an em or more (`… matching httpbin.foo and` then `httpbin.foo:*.` on the next
line, though `httpbin` fitted; the egress post, istio-security-2021-008).

The patch offers the children the room that is there (the start decoration taken off, as
WeasyPrint already takes the end decoration off the last child); the box is laid out by
WeasyPrint's own function otherwise. Checked against WeasyPrint 70 (`inline_start_decoration`
in `presskit.weasy.PATCHES`); an upstream `split_inline_box` that subtracts `left_spacing`
from `max_x` (or starts its children at the content edge) removes it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from presskit.weasy.wrap import wrap_state

# The parameters the patch reads, by position, in WeasyPrint 70's signature.
_SIGNATURE = ("context", "box", "position_x", "max_x", "bottom_space", "skip_stack")


def start_spacing(box: Any, skip_stack: Any) -> float:
    """The left padding, border and margin the box draws on this line (left to right only:
    a right-to-left box's start is its right side, which WeasyPrint handles already)."""
    style = box.style
    if style["direction"] != "ltr":
        return 0.0
    if skip_stack is not None and style["box_decoration_break"] != "clone":
        return 0.0  # a continuation line: the start decoration was drawn on the first one
    return float(box.padding_left + box.margin_left + box.border_left_width)


def install(weasyprint: ModuleType) -> bool:
    """True when installed (or already), False when WeasyPrint's function is not the one the
    patch was written for."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    original: Any = getattr(inline, "split_inline_box", None)
    state = wrap_state(original, _SIGNATURE, prefix=True)
    if state != "wrap":
        return state == "wrapped"

    def split_inline_box(
        context: Any,
        box: Any,
        position_x: float,
        max_x: float,
        bottom_space: float,
        skip_stack: Any,
        *rest: Any,
    ) -> Any:
        if isinstance(box, boxes.InlineBox):
            max_x -= start_spacing(box, skip_stack)
        return original(context, box, position_x, max_x, bottom_space, skip_stack, *rest)

    split_inline_box.original = original  # type: ignore[attr-defined]
    inline.split_inline_box = split_inline_box
    return True
