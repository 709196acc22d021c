"""The source-level shortcode pass: Hugo shortcodes become pandoc-native Markdown.

Hugo expands shortcodes on the raw text before Goldmark sees it; pandoc, left alone, parses a
shortcode's body as Markdown and mangles it (`# comment` in a `text` body becomes a heading).
So, like Hugo, we act first: each shortcode becomes a fenced Div (block use), a bracketed
Span (inline use) or a fenced code block (verbatim bodies), carrying its name and params as
attributes (see `presskit.shortcodes.markers`). The pandoc filter then decides what each becomes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from presskit.errors import Diagnostic
from presskit.shortcodes import markers
from presskit.shortcodes.declare import REGISTRY
from presskit.source.lexer import Node, Shortcode, Text, parse

# What each shortcode's inner content is comes from its declaration (`declare.shortcode`):
# one with inner content must be closed (or self-closed), as in Hugo for templates using
# `.Inner`, so a forgotten `{{< /quote >}}` is `file:line:col: unclosed shortcode "quote"`
# instead of an empty quote followed by what should have been in it; a verbatim one (`text`)
# keeps its body as code, byte for byte.


def expand_source(
    source: str,
    *,
    path: str | None = None,
    line_offset: int = 0,
    warn: Callable[[Diagnostic], None] | None = None,
    site_inner: Mapping[str, bool] | None = None,
) -> str:
    """Markdown with every shortcode replaced by its pandoc-native marker. `site_inner`: which
    shortcodes take inner content by the site's templates (they decide before declarations)."""
    if "{{" not in source:
        return source
    nodes = parse(
        source,
        path=path,
        line_offset=line_offset,
        known_inner=REGISTRY.takes_inner,
        warn=warn,
        site_inner=site_inner,
    )
    return "".join(_expand(source, nodes))


def text_language(params: dict[str, Any] | list[Any]) -> str:
    """The code language of a `text` shortcode (`{{< text bash >}}`), safe as a class name."""
    language = params.get("syntax") if isinstance(params, dict) else None
    if isinstance(params, list) and params:
        language = params[0]
    return re.sub(r"[^\w+-]", "", str(language or ""))


# A shortcode right after `](` (or inside such a target) is part of a link destination, where
# Markdown allows no spaces: it travels percent-encoded, as pandoc itself would write it, and
# the filter replaces it with its value (`handlers.substitute_values`).
_LINK_TARGET = re.compile(r"\]\([^\s()]*\Z")


def _expand(source: str, nodes: list[Node]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif node.children is None and out and _LINK_TARGET.search(out[-1]):
            out.append(quote(source[node.start : node.end], safe=""))
        elif node.children is not None and REGISTRY.is_verbatim(node.name):
            out.append(_code_block(source, node))
        elif node.block:
            out.append(_div(source, node))
        else:
            out.append(_span(source, node))
    return out


def _inner(source: str, node: Shortcode) -> str:
    return "".join(_expand(source, node.children or []))


def _div(source: str, node: Shortcode) -> str:
    indent = node.indent
    attrs = markers.attributes(node.name, node.params, node.line, node.col)
    inner = _inner(source, node).strip("\n")
    # Blank lines around the fences keep pandoc from gluing them to a neighbouring paragraph;
    # the opening line's own indent is already in the output before this node.
    body = f"\n\n{inner}\n\n" if inner.strip() else "\n"
    return f"\n{indent}::: {attrs}{body}{indent}:::\n"


def _span(source: str, node: Shortcode) -> str:
    attrs = markers.attributes(node.name, node.params, node.line, node.col)
    inner = _inner(source, node).strip() if node.children is not None else ""
    return f"[{inner}]{attrs}"


def _code_block(source: str, node: Shortcode) -> str:
    """A `text` body verbatim: fence longer than any backtick run inside it."""
    raw = source[node.inner_start : node.inner_end] if node.inner_start is not None else ""
    raw = raw.removeprefix("\n")
    raw = re.sub(r"\n[ \t]*\Z", "", raw)
    indent = node.indent
    lines = [line.removeprefix(indent) for line in raw.split("\n")]
    longest = max((len(run) for run in re.findall(r"`+", raw)), default=0)
    fence = "`" * max(3, longest + 1)
    info = text_language(node.params)
    classes = f".{info} " if info else ""
    if not node.block:
        # Used inside a line: an inline code span (pandoc's `code{.lang}`), not a broken fence.
        inline = raw.replace("\n", " ")
        pad = " " if inline.startswith("`") or inline.endswith("`") else ""
        ticks = "`" * (longest + 1)
        return f"{ticks}{pad}{inline}{pad}{ticks}{{{classes.strip()}}}"
    opener = f"{fence} {{{classes}.{markers.TEXT_CLASS}}}"
    body = "\n".join(indent + line if line else line for line in lines)
    return f"{opener}\n{body}\n{indent}{fence}\n"
