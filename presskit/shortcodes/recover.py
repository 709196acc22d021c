"""Shortcodes back out of pandoc's AST, for the filter run under plain pandoc.

`pandoc post.md --filter presskit-filter` hands us a post pandoc has already parsed as Markdown:
`{{< quote caption="Jane" >}}` arrives as `Str "{{<"`, `Space`, `Str "quote"`, a smart `Quoted`
caption, `Str ">}}"`; `{{<tip>}}` as a raw HTML `<tip>` between two `{{`/`}}` words; backticks as
`Code`. This module puts the text back together (straight quotes, backticks, raw HTML as typed),
reads each tag with the same lexer as the source pass (`lexer.read_tag`), and rebuilds the
marker elements that pass writes: a Div for a tag alone on its line(s), wrapping the blocks up to
its closing tag; a Span for a tag inside a line; a code block for `text`. From there on, the two
entry points share every handler.

What pandoc has already thrown away cannot come back; the README lists it. In short: inside a
`text` body, indentation and runs of spaces, backslash escapes, entities and blank-line counts are
gone, and `---` YAML blocks may have been eaten as metadata; a tag that opens in one block
structure and closes in another (a list item and the paragraph after the list) stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import panflute as pf

from presskit.shortcodes import markers
from presskit.shortcodes.declare import REGISTRY
from presskit.shortcodes.expand import text_language
from presskit.shortcodes.handlers import text_inlines
from presskit.shortcodes.tree import descendants
from presskit.shortcodes.unparse import BREAKS, tag_text, unparse_block, unparse_blocks
from presskit.source.lexer import Closers, Comment, Tag, TagError, read_tag

_SPLIT = re.compile(r"(?=\{\{)|(?<=\}\})")
_CLOSING = re.compile(r"\{\{[<%]\s*/\s*([^\s/>%]+)")


@dataclass
class _TagItem:
    """A tag that stood alone on its line(s), lifted out of its paragraph."""

    tag: Tag | Comment
    text: str
    continues: bool  # on the line right after the previous item, in the same paragraph

    @property
    def name(self) -> str:
        """The shortcode's name; a comment has none."""
        return self.tag.name if isinstance(self.tag, Tag) else ""


@dataclass
class _Raw:
    """Code text already rebuilt from blocks (the part of a block before a closing tag)."""

    text: str
    continues: bool


def recover(doc: pf.Doc, warn: Callable[[str], None]) -> None:
    """Rewrites shortcode text in `doc` into marker Divs, Spans and code blocks, in place."""
    everything = _all_text(doc)
    if "{{" not in everything:
        return
    closable = {n for n in _CLOSING.findall(everything)} | set(REGISTRY.inner_names())
    state = _State(closable, warn)
    doc.content = state.blocks(list(doc.content))
    # Children before their parent, as `walk` would (a tag is read from the inlines as its
    # children left them), without `walk` rebuilding every list of the document.
    for elem in reversed(list(descendants(doc))):
        state.inline_action(elem)
    for message in state.pending.values():
        state.warn(message)


def _all_text(doc: pf.Doc) -> str:
    parts: list[str] = []
    for elem in descendants(doc):
        if isinstance(elem, pf.Str | pf.RawInline | pf.RawBlock):
            parts.append(elem.text)
        elif isinstance(elem, pf.Space | pf.SoftBreak | pf.LineBreak):
            parts.append(" ")
    return "".join(parts)


class _State:
    def __init__(self, closable: set[str], warn: Callable[[str], None]) -> None:
        self.closable = closable
        self.warn = warn
        self.continues: set[int] = set()
        # Stray closing tags of verbatim shortcodes, warned about only if no outer `text`
        # claims them (pandoc may have pushed `{{< /text >}}` into a list it found in the code).
        self.pending: dict[int, str] = {}

    # --- blocks ---------------------------------------------------------------------------

    def blocks(self, blocks: list[pf.Block]) -> list[pf.Block]:
        for block in blocks:
            self._descend(block)
        items: list[pf.Block | _TagItem] = []
        for block in _merge_raw_html(blocks):
            if isinstance(block, pf.Para | pf.Plain):
                items.extend(self._split_lines(block))
            else:
                items.append(block)
        return self._match(items)

    def _descend(self, block: pf.Block) -> None:
        if isinstance(block, pf.BlockQuote | pf.Div):
            block.content = self.blocks(list(block.content))
        elif isinstance(block, pf.BulletList | pf.OrderedList):
            for item in block.content:
                item.content = self.blocks(list(item.content))
        elif isinstance(block, pf.DefinitionList):
            for entry in block.content:
                for definition in entry.definitions:
                    definition.content = self.blocks(list(definition.content))

    def _split_lines(self, block: pf.Para | pf.Plain) -> list[pf.Block | _TagItem]:
        if not any(_has_braces(x) for x in block.content):
            return [block]  # most paragraphs: no tag text to unparse and look for
        inlines = _split_strs(list(block.content))
        found = self._find_tags(inlines, warn=False)
        lines = [
            (i, j, tag, text)
            for i, j, tag, text in found
            if _starts_line(inlines, i) and _ends_line(inlines, j)
        ]
        if not lines:
            block.content = inlines
            return [block]
        items: list[pf.Block | _TagItem] = []
        cursor, continues = 0, False
        for i, j, tag, text in lines:
            before = _trim(inlines[cursor:i])
            if before:
                para = type(block)(*before)
                if continues:
                    self.continues.add(id(para))
                items.append(para)
                continues = True
            items.append(_TagItem(tag, text, continues))
            cursor, continues = j, True
        after = _trim(inlines[cursor:])
        if after:
            para = type(block)(*after)
            self.continues.add(id(para))
            items.append(para)
        return items

    def _match(self, items: list[pf.Block | _TagItem]) -> list[pf.Block]:
        out: list[pf.Block | _TagItem] = []
        stack: list[tuple[_TagItem, list[pf.Block | _TagItem]]] = []
        for item in items:
            if not isinstance(item, _TagItem):
                out.append(item)
                continue
            tag = item.tag
            verbatim = bool(stack) and REGISTRY.is_verbatim(stack[-1][0].name)
            if isinstance(tag, Comment):
                out.append(item if verbatim else pf.Para(*text_inlines(tag.text)))
            elif verbatim and not (tag.closing and tag.name == stack[-1][0].name):
                out.append(item)
            elif tag.closing:
                if stack and stack[-1][0].name == tag.name:
                    opener, saved = stack.pop()
                    saved.append(self._close(opener, out))
                    out = saved
                else:
                    stray = pf.Para(*text_inlines(item.text))
                    message = f'unexpected closing tag "/{tag.name}"'
                    if REGISTRY.is_verbatim(tag.name):
                        self.pending[id(stray)] = message
                    else:
                        self.warn(message)
                    out.append(stray)
            elif tag.self_closing or tag.name not in self.closable:
                out.append(_marker(pf.Div, tag, []))
            else:
                stack.append((item, out))
                out = []
        # Unclosed openers, innermost first. The pieces are joined once at the end: copying the
        # growing tail into each outer list was quadratic in the number of unclosed openers.
        # Only the innermost can be verbatim (nothing opens inside a verbatim one).
        parts: list[list[pf.Block | _TagItem]] = [out]  # in reverse order
        while stack:
            opener, saved = stack.pop()
            innermost = len(parts) == 1
            verbatim = innermost and REGISTRY.is_verbatim(opener.name)
            rescued = self._rescue(opener, parts[0]) if verbatim else None
            if rescued is not None:
                parts = [rescued]
            else:
                self.warn(f'unclosed shortcode "{opener.name}"; its tag is kept as text')
                parts.append([pf.Para(*text_inlines(opener.text))])
            parts.append(saved)
        return [
            pf.Para(*text_inlines(i.text)) if isinstance(i, _TagItem) else i
            for part in reversed(parts)
            for i in part
        ]

    def _close(self, opener: _TagItem, content: list[pf.Block | _TagItem]) -> pf.Block:
        tag = opener.tag
        assert isinstance(tag, Tag)
        if REGISTRY.is_verbatim(tag.name):
            language = text_language(tag.params)
            classes = [language, markers.TEXT_CLASS] if language else [markers.TEXT_CLASS]
            return pf.CodeBlock(self._verbatim(content), classes=classes)
        blocks = [pf.Para(*text_inlines(i.text)) if isinstance(i, _TagItem) else i for i in content]
        return _marker(pf.Div, tag, blocks)

    def _rescue(
        self, opener: _TagItem, after: list[pf.Block | _TagItem]
    ) -> list[pf.Block | _TagItem] | None:
        """A `text` whose closing tag pandoc buried in a structure it read from the code.

        YAML `- item` lines in a code body become a bullet list, and the closing tag lands in
        its last item. The blocks up to the one holding the closing tag are code; what follows
        the tag in that block (usually nothing) is kept as a paragraph.
        """
        closing = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(opener.name) + r"\s*[>%]\}\}")
        for k, item in enumerate(after):
            if isinstance(item, _TagItem):
                continue
            text = unparse_block(item)
            found = closing.search(text)
            if found is None:
                continue
            item.walk(self._forget_pending)
            head = [*after[:k], _Raw(text[: found.start()].rstrip(), self._continues(item))]
            code = self._close(opener, head)
            rest = text[found.end() :].strip()
            return [code, *([pf.Para(*text_inlines(rest))] if rest else []), *after[k + 1 :]]
        return None

    def _forget_pending(self, elem: pf.Element, doc: pf.Doc | None) -> None:
        self.pending.pop(id(elem), None)

    def _continues(self, item: pf.Block | _TagItem) -> bool:
        return item.continues if isinstance(item, _TagItem) else id(item) in self.continues

    def _verbatim(self, content: list[pf.Block | _TagItem]) -> str:
        out = ""
        for item in content:
            if isinstance(item, _TagItem | _Raw):
                text, continues = item.text, item.continues
            else:
                text, continues = unparse_blocks([item]), id(item) in self.continues
            if out:
                out += "\n" if continues else "\n\n"
            out += text
        return out

    # --- inlines --------------------------------------------------------------------------

    def inline_action(self, elem: pf.Element) -> None:
        if isinstance(elem, pf.Code | pf.CodeBlock | pf.Math | pf.RawInline | pf.RawBlock):
            return
        if not isinstance(elem, pf.Block | pf.Inline):
            return
        content = getattr(elem, "content", None)
        if not isinstance(content, pf.ListContainer) or not len(content):
            return
        if not isinstance(content[0], pf.Inline):
            return
        if not any(isinstance(x, pf.Str) and "{{" in x.text for x in content):
            return
        elem.content = self._inline_tags(_split_strs(list(content)))

    def _inline_tags(self, inlines: list[pf.Inline]) -> list[pf.Inline]:
        found = self._find_tags(inlines, warn=True)
        if not found:
            return inlines
        out: list[pf.Inline] = []
        stack: list[tuple[Tag, list[pf.Inline], list[pf.Inline]]] = []
        cursor = 0
        for i, j, tag, _text in found:
            out.extend(inlines[cursor:i])
            cursor = j
            original = inlines[i:j]
            if isinstance(tag, Comment):
                out.extend(text_inlines(tag.text))
            elif tag.closing:
                if stack and stack[-1][0].name == tag.name:
                    opener, saved, _ = stack.pop()
                    saved.append(_marker(pf.Span, opener, out))
                    out = saved
                else:
                    self.warn(f'unexpected closing tag "/{tag.name}"')
                    out.extend(original)
            elif tag.self_closing or tag.name not in self.closable:
                out.append(_marker(pf.Span, tag, []))
            else:
                stack.append((tag, out, original))
                out = []
        out.extend(inlines[cursor:])
        parts = [out]  # in reverse order, joined once (see `_match`)
        while stack:
            opener, saved, original = stack.pop()
            self.warn(f'unclosed shortcode "{opener.name}"; its tag is kept as text')
            parts += [original, saved]
        return out if len(parts) == 1 else [x for part in reversed(parts) for x in part]

    def _find_tags(
        self, inlines: list[pf.Inline], *, warn: bool
    ) -> list[tuple[int, int, Tag | Comment, str]]:
        """Tags whose text starts and ends on inline boundaries (Strs are split to allow it)."""
        texts = [tag_text(x) for x in inlines]
        starts, ends = [], {}
        offset = 0
        for k, text in enumerate(texts):
            starts.append(offset)
            offset += len(text)
            ends[offset] = k + 1
        flat = "".join(texts)
        closers = Closers(flat)  # one for all the tags of this text: reading them stays linear
        found = []
        pos = 0
        for k, inline in enumerate(inlines):
            at = starts[k]
            if at < pos or not isinstance(inline, pf.Str):
                continue
            if not flat.startswith(("{{<", "{{%"), at):
                continue
            try:
                tag = read_tag(flat, at, closers)
            except TagError as error:
                if warn:
                    self.warn(f"{error.message}: {flat[at : at + 40]!r}")
                continue
            if tag.end not in ends:
                continue
            text = tag.text if isinstance(tag, Comment) else flat[at : tag.end]
            found.append((k, ends[tag.end], tag, text))
            pos = tag.end
        return found


def _marker(
    kind: type[pf.Div] | type[pf.Span], tag: Tag, content: Sequence[pf.Element]
) -> pf.Div | pf.Span:
    attributes = {markers.NAME: tag.name, markers.PARAMS: markers.encode_params(tag.params)}
    return kind(*content, classes=[markers.CLASS], attributes=attributes)


def _has_braces(inline: pf.Inline) -> bool:
    return isinstance(inline, pf.Str) and ("{{" in inline.text or "}}" in inline.text)


def _split_strs(inlines: list[pf.Inline]) -> list[pf.Inline]:
    """`>}}ns{{<` → `>}}`, `ns`, `{{<`: every tag then starts and ends on an inline boundary."""
    out: list[pf.Inline] = []
    for inline in inlines:
        if _has_braces(inline):
            out.extend(pf.Str(part) for part in _SPLIT.split(inline.text) if part)
        else:
            out.append(inline)
    return out


def _starts_line(inlines: list[pf.Inline], i: int) -> bool:
    k = i - 1
    while k >= 0 and isinstance(inlines[k], pf.Space):
        k -= 1
    return k < 0 or isinstance(inlines[k], BREAKS)


def _ends_line(inlines: list[pf.Inline], j: int) -> bool:
    k = j
    while k < len(inlines) and isinstance(inlines[k], pf.Space):
        k += 1
    return k >= len(inlines) or isinstance(inlines[k], BREAKS)


def _trim(inlines: list[pf.Inline]) -> list[pf.Inline]:
    edge = (pf.Space, *BREAKS)
    start, end = 0, len(inlines)
    while start < end and isinstance(inlines[start], edge):
        start += 1
    while end > start and isinstance(inlines[end - 1], edge):
        end -= 1
    return inlines[start:end]


def _merge_raw_html(blocks: list[pf.Block]) -> list[pf.Block]:
    """`{{<tip>}}` alone on a line: pandoc makes `{{`, a raw HTML block `<tip>`, then `}}`."""
    out: list[pf.Block] = []
    for block in blocks:
        if (
            len(out) >= 2
            and isinstance(block, pf.Para | pf.Plain)
            and isinstance(out[-1], pf.RawBlock)
            and out[-1].format == "html"
            and isinstance(out[-2], pf.Para | pf.Plain)
            and _edge_str(out[-2], -1).endswith("{{")
            and _edge_str(block, 0).startswith("}}")
        ):
            raw = out.pop()
            before = out.pop()
            block = pf.Para(*before.content, pf.RawInline(raw.text, format="html"), *block.content)
        out.append(block)
    return out


def _edge_str(block: pf.Para | pf.Plain, index: int) -> str:
    if not len(block.content):
        return ""
    inline = block.content[index]
    return inline.text if isinstance(inline, pf.Str) else ""
