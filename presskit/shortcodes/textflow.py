"""Line breaks in CJK text.

Authors wrap Chinese and Japanese source lines anywhere; a soft line break there is not a word
space, and WeasyPrint would print it as one. pandoc's `east_asian_line_breaks` only drops a
break between two wide characters and runs after filters, so `Intel、\\n[Red Hat]` or a break
before `“` keep their space. The rule here, applied to every inline list in one pass: a soft
break touching a wide or full-width character on either side (looking through links and
emphasis) is removed, and so is a typed space touching full-width punctuation.
"""

from __future__ import annotations

import unicodedata

import panflute as pf

from presskit.shortcodes.markers import LATIN_APOSTROPHE_CLASS
from presskit.shortcodes.tree import descendants

WIDE = frozenset({"W", "F"})
CURLY_QUOTES = frozenset("‘’“”")


def is_wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in WIDE


def is_wide_punctuation(char: str) -> bool:
    return is_wide(char) and unicodedata.category(char)[0] == "P"


def break_is_removable(before: str, after: str) -> bool:
    if is_wide(before) and is_wide(after):
        return True
    if is_wide_punctuation(before) or is_wide_punctuation(after):
        return True
    return (is_wide(before) and after in CURLY_QUOTES) or (
        before in CURLY_QUOTES and is_wide(after)
    )


def _edge(elem: pf.Element, last: bool) -> str:
    """The first (or last) character an inline shows, found without stringifying it whole."""
    while True:
        if isinstance(elem, pf.Str):
            return elem.text[-1:] if last else elem.text[:1]
        if isinstance(elem, pf.Code):
            return elem.text[-1:] if last else elem.text[:1]
        if isinstance(elem, pf.Quoted):
            return "”" if last else "“"
        content = getattr(elem, "content", None)
        if content is None or not isinstance(elem, pf.Inline) or len(content) == 0:
            return ""
        elem = content[-1] if last else content[0]


def space_is_removable(before: str, after: str) -> bool:
    """A typed space beside full-width punctuation (`重要。 如果`, `Istio ，它`): the mark's
    own em already holds its space, so a typed one prints as a hole. Spaces the author typed
    between a Chinese word and a Latin one (`使用 Istio 的`) are a choice, and are kept."""
    return is_wide_punctuation(before) or is_wide_punctuation(after)


def _join(container: pf.ListContainer) -> None:
    items = list(container)
    kept: list[pf.Element] = []
    changed = False
    for index, item in enumerate(items):
        if isinstance(item, pf.SoftBreak | pf.Space) and 0 < index < len(items) - 1:
            before = _edge(items[index - 1], last=True)
            after = _edge(items[index + 1], last=False)
            removable = break_is_removable if isinstance(item, pf.SoftBreak) else space_is_removable
            if removable(before, after):
                changed = True
                continue
        kept.append(item)
    if changed:
        container[:] = kept


def join_cjk_breaks(doc: pf.Doc) -> None:
    """Drops the soft breaks and typed spaces that would print as holes in CJK text."""

    for elem in descendants(doc):
        content = getattr(elem, "content", None)
        if isinstance(content, pf.ListContainer) and any(
            isinstance(child, pf.SoftBreak | pf.Space) for child in content.list
        ):
            _join(content)


def _split_apostrophes(text: str) -> list[pf.Inline] | None:
    """`Istio’s` → Str, Span(’), Str: only a `’` between two Latin letters, a word's apostrophe."""
    parts: list[pf.Inline] = []
    start = 0
    for index in range(1, len(text) - 1):
        if text[index] == "’" and _latin(text[index - 1]) and _latin(text[index + 1]):
            parts.append(pf.Str(text[start:index]))
            parts.append(pf.Span(pf.Str("’"), classes=[LATIN_APOSTROPHE_CLASS]))
            start = index + 1
    if not parts:
        return None
    parts.append(pf.Str(text[start:]))
    return parts


def _latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def mark_latin_apostrophes(doc: pf.Doc) -> None:
    """In a CJK document, wrap each English word's apostrophe in `span.latin-punct`.

    The CJK face comes first in a CJK document's font stack, and it draws `’` full-width, as
    Chinese quotes want: `it’s` printed as `it’ s`. The theme sets the span in the Latin face.
    Quotes around words stay as they are: full-width is right for them in CJK text.
    """

    for elem in descendants(doc):
        content = getattr(elem, "content", None)
        if not isinstance(content, pf.ListContainer):
            continue
        items: list[pf.Element] = []
        changed = False
        for item in content.list:
            parts = _split_apostrophes(item.text) if isinstance(item, pf.Str) else None
            items.extend(parts or (item,))
            changed = changed or parts is not None
        if changed:
            content[:] = items


WORD_JOINER = "\u2060"  # no line break on either side; prints nothing
# A paragraph this short is a label (`警告`, `注意事项`), never wrapped on any page presskit sets.
SHORTEST_WRAPPING = 4


def _bind_end(inlines: pf.ListContainer) -> bool:
    """Joins the last two wide letters of the last text holding one: True once done (or once
    the last such text cannot be joined: an earlier one would not end the paragraph)."""
    for item in reversed(inlines):
        if isinstance(item, pf.Str):
            letters = [
                i for i, ch in enumerate(item.text) if is_wide(ch) and not is_wide_punctuation(ch)
            ]
            if not letters:
                if item.text.strip(" "):
                    if any(not is_wide_punctuation(ch) for ch in item.text):
                        return True  # Latin words end it: nothing to bind
                    continue  # closing punctuation only: look further back
                continue
            last = letters[-1]
            if last > 0 and last - 1 in letters:
                item.text = item.text[:last] + WORD_JOINER + item.text[last:]
            return True
        if isinstance(item, pf.Space | pf.SoftBreak):
            continue
        content = getattr(item, "content", None)
        if isinstance(item, pf.Note) or not isinstance(content, pf.ListContainer):
            return True
        if _bind_end(content):
            return True
    return False


def bind_last_characters(doc: pf.Doc) -> None:
    """A CJK paragraph ends on at least two characters, not one (`联系我 / 们。`).

    A word joiner goes between the last two wide letters of each paragraph, so the line
    breaker takes both (and the punctuation after them, which kinsoku keeps with them) to the
    last line; a paragraph whose last text is Latin or ends in a link's edge is left alone, and
    so is one too short to wrap at all (a callout's label `警告`): a joiner there only gets in
    the way of whoever reads the text back.
    """

    for elem in descendants(doc):
        # paragraphs and list items; captions are short and set ragged
        if isinstance(elem, pf.Para):
            blocks: list[pf.Element] = [elem]
        elif isinstance(elem, pf.ListItem):
            blocks = [block for block in elem.content.list if isinstance(block, pf.Plain)]
        else:
            continue
        for block in blocks:
            if len(pf.stringify(block).strip()) > SHORTEST_WRAPPING:
                _bind_end(block.content)
