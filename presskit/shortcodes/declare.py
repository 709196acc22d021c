"""A shortcode declared once: its name, what its inner content is, its parameters, its words,
its default style, and one renderer per kind of output.

Before, a new shortcode touched five places (the source pass's sets of names that take inner
content or keep it verbatim, the handler registry, the recovery pass, the label table and the
theme's CSS). Now it is one decorated function, as a Quarto filter declares a node once and
adds a renderer per format:

    @shortcode("note", inner="markdown", params=[Param("title", 0)],
               labels={"en": {"note": "Note"}, "zh-CN": {"note": "注"}},
               css=".note { border-left: 2pt solid var(--accent); }")
    def note(call: Call, ctx: Context) -> pf.Element:      # any pandoc output
        ...

    @note.renderer("html")                                  # the PDF (and HTML) only
    def note_html(call: Call, ctx: Context) -> pf.Element:
        ...

The kinds are `html` (HTML-like formats, which the PDF goes through), `docx` (Word) and
`pandoc` (any other format, and the fallback of the other two). The built-in declarations live
in `presskit.shortcodes.handlers`, the Istio site's in `presskit.shortcodes.istio`; a site's
own are loaded as extensions (`presskit.extensions`), and a later declaration of a name
replaces an earlier one.

This module imports nothing heavy: the source pass asks it which names take inner content
before panflute is needed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from presskit import i18n

Inner = Literal["markdown", "verbatim", "none"]
INNER_KINDS: tuple[Inner, ...] = ("markdown", "verbatim", "none")
KINDS = ("html", "docx", "pandoc")
HTML_FORMATS = frozenset({"html", "html4", "html5", "epub", "epub2", "epub3", "chunkedhtml"})
# What a renderer gets (a `handlers.Call` and a `handlers.Context`) and returns (panflute
# elements, or None to keep the marker): typed loosely here so this module stays light.
Renderer = Callable[[Any, Any], Any]
# A site value: fixed text, or read from the Hugo site's `data/` tree (None: not there).
Value = str | Callable[[Mapping[str, Any]], str | None]
# The modules that declare the built-in shortcodes, imported the first time the registry is
# asked about a name (by module name, as extensions are: they import this module).
BUILTIN = ("presskit.shortcodes.handlers",)


def kind_of(fmt: str) -> str:
    """The renderer kind for a pandoc output format."""
    if fmt in HTML_FORMATS:
        return "html"
    return "docx" if fmt == "docx" else "pandoc"


@dataclass(frozen=True)
class Param:
    """A named parameter; `position` is where it sits when the shortcode is called with
    positional parameters (`{{< quote "Jane" >}}`)."""

    name: str
    position: int | None = None
    doc: str = ""


@dataclass(eq=False)
class Declaration:
    """Everything presskit knows about one shortcode (or a family sharing one renderer)."""

    names: tuple[str, ...]
    inner: Inner
    params: tuple[Param, ...]
    labels: Mapping[str, Mapping[str, str]]
    css: str
    values: Mapping[str, Value]
    module: str
    renderers: dict[str, Renderer] = field(default_factory=dict)

    def renderer(self, kind: str) -> Callable[[Renderer], Renderer]:
        """Decorates this shortcode's renderer for one kind of output (`html`, `docx`)."""
        if kind not in KINDS:
            raise ValueError(f"unknown output kind {kind!r} (known: {', '.join(KINDS)})")

        def add(render: Renderer) -> Renderer:
            self.renderers[kind] = render
            return render

        return add

    def render_for(self, kind: str) -> Renderer:
        return self.renderers.get(kind) or self.renderers["pandoc"]

    def __call__(self, call: Any, ctx: Any) -> Any:
        """Render `call` for the context's output kind."""
        return self.render_for(ctx.kind)(call, ctx)

    def position(self, name: str) -> int | None:
        for param in self.params:
            if param.name == name:
                return param.position
        return None

    def label(self, lang: str, key: str, **values: str) -> str:
        """One of this shortcode's words in `lang`; English when the language has none."""
        words = self._words(lang)
        text = words.get(key) or self.labels.get("en", {}).get(key) or key
        return text.format(**values) if values else text

    def _words(self, lang: str) -> Mapping[str, str]:
        tag = i18n.html_lang(lang)
        for key in (tag, "zh-TW" if tag == "zh-HK" else "", tag.split("-")[0]):
            if key and key in self.labels:
                return self.labels[key]
        return self.labels.get("en", {})


class Registry:
    """The declarations in force, by shortcode name; the built-ins load on the first question."""

    def __init__(self, builtin: Iterable[str] = BUILTIN) -> None:
        self._by_name: dict[str, Declaration] = {}
        self._builtin = tuple(builtin)
        self._ready = False

    def add(self, declaration: Declaration) -> None:
        for name in declaration.names:
            self._by_name[name] = declaration

    def _load(self) -> None:
        if not self._ready:
            self._ready = True
            for module in self._builtin:
                importlib.import_module(module)

    def get(self, name: str) -> Declaration | None:
        self._load()
        return self._by_name.get(name)

    def takes_inner(self, name: str) -> bool:
        """Whether an opening tag must be closed (Hugo's rule for templates using `.Inner`)."""
        found = self.get(name)
        return found is not None and found.inner != "none"

    def is_verbatim(self, name: str) -> bool:
        """Whether the inner content is code, kept byte for byte (not Markdown)."""
        found = self.get(name)
        return found is not None and found.inner == "verbatim"

    def inner_names(self) -> list[str]:
        """Every declared name that takes inner content."""
        self._load()
        return [name for name, found in self._by_name.items() if found.inner != "none"]

    def declarations(self, *, load: bool = True) -> list[Declaration]:
        """Every declaration in force (`load=False`: without importing the built-ins first,
        for a process that renders nothing itself)."""
        if load:
            self._load()
        return list(dict.fromkeys(self._by_name.values()))

    def css(self) -> str:
        """The declarations' own style rules, for the page before the theme's (which wins)."""
        return "".join(d.css.strip() + "\n" for d in self.declarations() if d.css.strip())


REGISTRY = Registry()


def shortcode(
    *names: str,
    inner: Inner = "markdown",
    params: Iterable[Param] = (),
    labels: Mapping[str, Mapping[str, str]] | None = None,
    css: str = "",
    values: Mapping[str, Value] | None = None,
) -> Callable[[Renderer], Declaration]:
    """Declares shortcode `names`; the decorated function renders them for any output (the
    `pandoc` kind) and the declaration it becomes takes more renderers with `.renderer(kind)`.

    `inner` is what sits between the opening and the closing tag: Markdown (the default),
    `verbatim` text (code, byte for byte) or `none` (the shortcode is used alone). `values`
    are site data the shortcode prints (`-M presskit.values.NAME=…` overrides them): a text,
    or a function of the site's `data/` tree (`.Site.Data`) giving one, or None.
    """
    if not names:
        raise ValueError("a shortcode needs a name")
    if inner not in INNER_KINDS:
        raise ValueError(f"inner must be one of {', '.join(INNER_KINDS)}, not {inner!r}")

    def declare(render: Renderer) -> Declaration:
        declaration = Declaration(
            names=names,
            inner=inner,
            params=tuple(params),
            labels=dict(labels or {}),
            css=css,
            values=dict(values or {}),
            module=getattr(render, "__module__", "") or "",
            renderers={"pandoc": render},
        )
        REGISTRY.add(declaration)
        return declaration

    return declare
