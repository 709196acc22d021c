"""A text that fits its line but for its trailing space is not hyphenated at its first word.

WeasyPrint 70's `split_first_line` asks Pango for the first line of a text box. Pango lets a
trailing space hang past the line's end, so a text such as ` indicates the control plane
revision ` comes back whole, 1.8 px wider than the room with its final space counted.
WeasyPrint then takes "wider than the room, and no break found" to mean one word too long for
the line, and hyphenates the first one: the line ended on `indic‐`, justified with word spaces
of two ems, and `ates the control plane revision` started the next (the formal theme's
revision-tags post, where inline code followed the space).

The patch runs WeasyPrint's own function, and only when its answer is a text box cut inside
its first word although the text without its trailing spaces fits the room, answers the
whole text instead (the space hangs, as Pango laid it out; the line breaks after it). Checked
against WeasyPrint 70 (`hanging_space_fit` in `presskit.weasy.PATCHES`); upstream, step 2 of
`split_first_line` comparing the width without trailing collapsible spaces removes it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from presskit.weasy.wrap import wrap_state

_SIGNATURE = (
    "text",
    "style",
    "context",
    "max_width",
    "justification_spacing",
    "is_line_start",
    "minimum",
)
COLLAPSING = ("normal", "nowrap", "pre-line")  # white-space values whose spaces hang


def cut_in_first_word(text: str, resume_index: int | None) -> bool:
    """Whether the first line ends inside the text's first word (`resume_index` in bytes)."""
    if resume_index is None:
        return False
    first = text.encode()[:resume_index].decode(errors="ignore")
    return bool(first.strip(" ")) and " " not in first.strip(" ")


def install(weasyprint: ModuleType) -> bool:
    """True when installed (or already), False when WeasyPrint's function is not the one the
    patch was written for."""
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    original: Any = getattr(line_break, "split_first_line", None)
    state = wrap_state(original, _SIGNATURE)
    if state != "wrap":
        return state == "wrapped"

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        result = original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if (
            max_width is None
            or not text.endswith(" ")
            or style["white_space"] not in COLLAPSING
            or not cut_in_first_word(text, result[2])
        ):
            return result
        trimmed = original(
            text.rstrip(" "),
            style,
            context,
            max_width,
            justification_spacing,
            is_line_start,
            minimum,
        )
        if trimmed[2] is not None or trimmed[3] > max_width:
            return result  # the words do not fit either: WeasyPrint's cut stands
        return original(text, style, context, None, justification_spacing, is_line_start, minimum)

    split_first_line.original = original  # type: ignore[attr-defined]
    for module in (line_break, inline, preferred):
        if getattr(module, "split_first_line", None) is original:
            module.split_first_line = split_first_line
    return True
