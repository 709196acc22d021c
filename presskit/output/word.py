"""Shortcodes as Word shows them: one small renderer per shortcode, keyed by its name.

The handlers (`presskit.shortcodes.handlers`) render a shortcode for "other formats" as plain pandoc
structure: a quote is a `Div.quote` holding a block quote and an "— caption" paragraph, a
callout a `Div.callout.tip` holding a block quote headed by its label. Word has something
better than a block quote: named paragraph styles, which the reference document
(`presskit.output.reference`) defines in the brand's colours. Each renderer here takes the
generic rendering and gives it those styles through pandoc's `custom-style` attribute, so an
editor finds "Pull Quote" and "Quote Caption" in Word's style list and can restyle every
quote at once.

This is the one place Word-specific shortcode rendering lives: when a shortcode is declared
once with a renderer per output kind (issue 15, item 3), each function below is the Word
renderer of the shortcode it is registered for, and `restyle` is the dispatch.
"""

from __future__ import annotations

from collections.abc import Callable

import panflute as pf

STYLE = "custom-style"
Renderer = Callable[[pf.Div, str], list[pf.Element] | None]
RENDERERS: dict[str, Renderer] = {}


def renders(*classes: str) -> Callable[[Renderer], Renderer]:
    """Register a Word renderer for the Divs the generic renderer marks with `classes`."""

    def add(renderer: Renderer) -> Renderer:
        for name in classes:
            RENDERERS[name] = renderer
        return renderer

    return add


def styled(style: str, *blocks: pf.Block) -> pf.Div:
    return pf.Div(*blocks, attributes={STYLE: style})


@renders("quote")
def quote(div: pf.Div, kind: str) -> list[pf.Element]:
    """The quote's paragraphs in "Pull Quote", its attribution in "Quote Caption"."""
    body: list[pf.Block] = []
    caption: list[pf.Block] = []
    for block in div.content:
        if isinstance(block, pf.BlockQuote):
            body.extend(block.content)
        else:
            caption.append(block)
    out: list[pf.Element] = [styled("Pull Quote", *body)]
    if caption:
        out.append(styled("Quote Caption", *caption))
    return out


@renders("tip", "warning", "idea")
def callout(div: pf.Div, kind: str) -> list[pf.Element] | None:
    """A shaded box with a rule on the left: the label paragraph, then the content."""
    if len(div.content) != 1 or not isinstance(div.content[0], pf.BlockQuote):
        return None
    label, *rest = div.content[0].content
    suffix = "" if kind == "tip" else f" {kind.title()}"
    if isinstance(label, pf.Para) and len(label.content) == 1:
        strong = label.content[0]
        if isinstance(strong, pf.Strong):
            label = pf.Para(*strong.content)  # the style sets it bold
    out: list[pf.Element] = [styled(f"Callout Label{suffix}", label)]
    if rest:
        out.append(styled(f"Callout{suffix}", *rest))
    return out


@renders("image-placeholder", "placeholder")
def placeholder(div: pf.Div, kind: str) -> list[pf.Element]:
    """What could not be shown (a missing image, site boilerplate), set apart in italics."""
    return [styled("Placeholder", *div.content)]


def restyle(doc: pf.Doc) -> None:
    """Apply the Word renderers to the shortcodes' generic renderings, and map the inline
    classes the filter adds (an English apostrophe in CJK text) to character styles."""

    def visit(elem: pf.Element, _doc: pf.Doc) -> list[pf.Element] | None:
        if isinstance(elem, pf.Div):
            for name in elem.classes:
                renderer = RENDERERS.get(name)
                if renderer is not None:
                    return renderer(elem, name)
        if isinstance(elem, pf.Span) and "latin-punct" in elem.classes:
            elem.attributes[STYLE] = "Latin Punct"
        return None

    doc.walk(visit)
