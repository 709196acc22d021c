"""What each Hugo shortcode becomes, per output format.

A small registry maps a shortcode name to a handler, so a site can add its own with
`@register("name")`. Handlers get the marker element the source pass (or the recovery pass)
left in the AST and return its replacement. Params are always treated as text: a caption
becomes `Str`/`Space` inlines, never parsed, so `<`, `&` or `*` print as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import panflute as pf

from presskit import i18n, markers
from presskit.errors import Diagnostic, PresskitError

HTML_FORMATS = frozenset({"html", "html4", "html5", "epub", "epub2", "epub3", "chunkedhtml"})
UNKNOWN_POLICIES = ("keep", "drop", "error")


@dataclass
class Context:
    """Per-document options and the warnings the filter collects."""

    format: str = "html"
    lang: str = "en"
    base_url: str | None = None
    unknown: str = "keep"
    source: str | None = None
    in_process: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def from_doc(cls, doc: pf.Doc) -> Context:
        def meta(key: str, default: str | None) -> str | None:
            value = doc.get_metadata(f"presskit.{key}", default)
            return str(value) if value is not None else None

        unknown = meta("unknown", "keep") or "keep"
        if unknown not in UNKNOWN_POLICIES:
            unknown = "keep"
        return cls(
            format=doc.format or "html",
            lang=meta("lang", None) or str(doc.get_metadata("lang", "en") or "en"),
            base_url=meta("base-url", None),
            unknown=unknown,
            source=meta("source", None),
        )

    @property
    def is_html(self) -> bool:
        return self.format in HTML_FORMATS

    def warn(self, message: str, line: int | None = None, col: int | None = None) -> None:
        self.warnings.append(Diagnostic(message, self.source, line, col))

    def absolute_url(self, url: str, *, for_image: bool = False) -> str:
        """Site-relative links (`/zh/news/…`) only make sense on the site: anchor them."""
        if self.base_url and url.startswith("/") and not url.startswith("//"):
            return self.base_url.rstrip("/") + url
        return url


@dataclass
class Call:
    """One shortcode use, decoded from its marker element."""

    name: str
    params: markers.Params
    line: int | None
    col: int | None
    elem: pf.Div | pf.Span

    @property
    def is_block(self) -> bool:
        return isinstance(self.elem, pf.Div)

    def param(self, key: str, position: int | None = None, default: Any = None) -> Any:
        if isinstance(self.params, dict):
            return self.params.get(key, default)
        if position is not None and position < len(self.params):
            return self.params[position]
        return default

    def blocks(self) -> list[pf.Block]:
        if self.is_block:
            return list(self.elem.content)
        inlines = list(self.elem.content)
        return [pf.Plain(*inlines)] if inlines else []

    def inlines(self) -> list[pf.Inline]:
        if not self.is_block:
            return list(self.elem.content)
        return [inline for block in self.elem.content for inline in _block_inlines(block)]


def _block_inlines(block: pf.Block) -> list[pf.Inline]:
    if isinstance(block, pf.Para | pf.Plain):
        return list(block.content)
    return [pf.Str(pf.stringify(block))]


Handler = Callable[[Call, Context], pf.Element | list[pf.Element] | None]
HANDLERS: dict[str, Handler] = {}


def register(*names: str) -> Callable[[Handler], Handler]:
    def add(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return add


def text_inlines(text: str) -> list[pf.Inline]:
    """Plain text as inlines: words and spaces, never markup."""
    inlines: list[pf.Inline] = []
    for word in re.split(r"(\s+)", str(text)):
        if not word:
            continue
        inlines.append(pf.Space() if word.isspace() else pf.Str(word))
    return inlines


def decode(elem: pf.Div | pf.Span) -> Call:
    line = col = None
    pos = elem.attributes.get(markers.POS, "")
    if re.fullmatch(r"\d+:\d+", pos):
        line, col = (int(part) for part in pos.split(":"))
    return Call(
        name=elem.attributes.get(markers.NAME, ""),
        params=markers.decode_params(elem.attributes.get(markers.PARAMS, "")),
        line=line,
        col=col,
        elem=elem,
    )


def handle(elem: pf.Div | pf.Span, ctx: Context) -> pf.Element | list[pf.Element] | None:
    call = decode(elem)
    handler = HANDLERS.get(call.name, unknown)
    return handler(call, ctx)


def unknown(call: Call, ctx: Context) -> list[pf.Element]:
    if ctx.unknown == "error":
        raise PresskitError(f'unsupported shortcode "{call.name}"', ctx.source, call.line, call.col)
    if ctx.unknown == "drop":
        ctx.warn(f'unsupported shortcode "{call.name}" dropped', call.line, call.col)
        return []
    ctx.warn(f'unsupported shortcode "{call.name}": content kept as text', call.line, call.col)
    return list(call.elem.content)


@register("quote")
def quote(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    caption = call.param("caption", 0)
    body = call.blocks()
    if not call.is_block:
        # An inline quote cannot hold a figure: keep it a quotation in the running text.
        return pf.Quoted(*call.inlines())
    if ctx.is_html:
        figure_caption = pf.Caption(pf.Plain(*text_inlines(caption))) if caption else None
        return pf.Figure(pf.BlockQuote(*body), caption=figure_caption, classes=["quote"])
    parts: list[pf.Element] = [pf.BlockQuote(*body)]
    if caption:
        parts.append(pf.Para(pf.Str("—"), pf.Space(), *text_inlines(caption)))
    return pf.Div(*parts, classes=["quote"])


@register("tip", "warning", "idea")
def callout(call: Call, ctx: Context) -> pf.Element:
    label = i18n.label(ctx.lang, call.name)
    heading = pf.Div(pf.Para(pf.Strong(pf.Str(label))), classes=["callout-label"])
    if not call.is_block:
        return pf.Span(
            pf.Strong(pf.Str(label + ":")),
            pf.Space(),
            *call.inlines(),
            classes=["callout", call.name],
        )
    return pf.Div(heading, *call.blocks(), classes=["callout", call.name])
