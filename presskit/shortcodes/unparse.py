"""Inlines and blocks back to the text an author typed.

pandoc has parsed a post as Markdown before the filter runs under plain pandoc: recovering a
shortcode (`recover`) and printing a `text` body verbatim (`handlers.text`) both need the source
text again, so both import it from here.
"""

from __future__ import annotations

import re

import panflute as pf

BREAKS = (pf.SoftBreak, pf.LineBreak)
# pandoc's `smart` extension: undone where the text is code, and for apostrophes in params.
_UNSMART_CODE = str.maketrans({"’": "'", "‘": "'", "–": "--", "—": "---", "…": "..."})
_UNSMART_PARAM = str.maketrans({"’": "'"})


def tag_text(inline: pf.Inline) -> str:
    return _unparse_inline(inline, _UNSMART_PARAM)


def _fenced(text: str, char: str = "`", minimum: int = 1) -> str:
    longest = max((len(run) for run in re.findall(re.escape(char) + "+", text)), default=0)
    return char * max(minimum, longest + 1)


def _unparse_inline(inline: pf.Inline, table: dict[int, str]) -> str:
    def inner(elem: pf.Element) -> str:
        return "".join(_unparse_inline(x, table) for x in elem.content)

    if isinstance(inline, pf.Str):
        return inline.text.translate(table)
    if isinstance(inline, pf.Space):
        return " "
    if isinstance(inline, pf.LineBreak) and table is _UNSMART_CODE:
        return "\\\n"  # in shell code a hard break was a `\` line continuation
    if isinstance(inline, BREAKS):
        return "\n"
    if isinstance(inline, pf.Quoted):
        mark = '"' if inline.quote_type == "DoubleQuote" else "'"
        return mark + inner(inline) + mark
    if isinstance(inline, pf.Code):
        fence = _fenced(inline.text)
        pad = " " if inline.text.startswith("`") or inline.text.endswith("`") else ""
        return f"{fence}{pad}{inline.text}{pad}{fence}"
    if isinstance(inline, pf.Math):
        mark = "$" if inline.format == "InlineMath" else "$$"
        return mark + inline.text + mark
    if isinstance(inline, pf.RawInline):
        return inline.text
    if isinstance(inline, pf.Emph):
        return "*" + inner(inline) + "*"
    if isinstance(inline, pf.Strong):
        return "**" + inner(inline) + "**"
    if isinstance(inline, pf.Strikeout):
        return "~~" + inner(inline) + "~~"
    if isinstance(inline, pf.Superscript):
        return "^" + inner(inline) + "^"
    if isinstance(inline, pf.Subscript):
        return "~" + inner(inline) + "~"
    if isinstance(inline, pf.Link):
        text = inner(inline)
        return f"<{inline.url}>" if text == inline.url else f"[{text}]({inline.url})"
    if isinstance(inline, pf.Image):
        return f"![{inner(inline)}]({inline.url})"
    if isinstance(inline, pf.Note):
        return ""
    if hasattr(inline, "content"):
        return inner(inline)  # Cite, Span, SmallCaps, Underline: the words as typed
    return pf.stringify(inline)


def unparse_inlines(inlines: list[pf.Inline]) -> str:
    """Inlines as the text that produced them, for code (`text`) bodies."""
    return "".join(_unparse_inline(x, _UNSMART_CODE) for x in inlines)


def _prefixed(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join(
        (first if k == 0 else (rest if line else "")) + line for k, line in enumerate(lines)
    )


def unparse_block(block: pf.Block) -> str:
    if isinstance(block, pf.Para | pf.Plain):
        return unparse_inlines(list(block.content))
    if isinstance(block, pf.Header):
        return "#" * block.level + " " + unparse_inlines(list(block.content))
    if isinstance(block, pf.CodeBlock):
        if not block.classes:
            return _prefixed(block.text, "    ", "    ")
        fence = _fenced(block.text, minimum=3)
        return f"{fence}{block.classes[0]}\n{block.text}\n{fence}"
    if isinstance(block, pf.RawBlock):
        return block.text
    if isinstance(block, pf.BlockQuote):
        return _prefixed(unparse_blocks(list(block.content)), "> ", "> ")
    if isinstance(block, pf.BulletList | pf.OrderedList):
        start = block.start if isinstance(block, pf.OrderedList) else 1
        items = []
        for k, item in enumerate(block.content):
            marker = f"{start + k}. " if isinstance(block, pf.OrderedList) else "- "
            body = unparse_blocks(list(item.content))
            items.append(_prefixed(body, marker, " " * len(marker)))
        return "\n".join(items)
    if isinstance(block, pf.HorizontalRule):
        return "---"
    if isinstance(block, pf.LineBlock):
        return "\n".join("| " + unparse_inlines(list(line.content)) for line in block.content)
    if isinstance(block, pf.Div):
        return unparse_blocks(list(block.content))
    return pf.stringify(block)


def unparse_blocks(blocks: list[pf.Block]) -> str:
    """Blocks as the text that produced them (one blank line between blocks)."""
    return "\n\n".join(unparse_block(block) for block in blocks)
