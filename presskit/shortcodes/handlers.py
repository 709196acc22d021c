"""What each Hugo shortcode becomes, per output format.

A small registry maps a shortcode name to a handler, so a site can add its own with
`@register("name")`. Handlers get the marker element the source pass (or the recovery pass)
left in the AST and return its replacement. Params are always treated as text: a caption
becomes `Str`/`Space` inlines, never parsed, so `<`, `&` or `*` print as typed.

HTML-like formats (the PDF goes through HTML) get the structure the theme styles: `figure.quote`,
`div.callout.tip`, `figure.image`, `div.tabset`; other formats get what they can show without
CSS: a block quote with an attribution line, a block quote headed by its label, and so on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import panflute as pf

from presskit import i18n
from presskit.errors import Diagnostic, PresskitError
from presskit.shortcodes import markers
from presskit.shortcodes.expand import text_language
from presskit.shortcodes.unparse import unparse_blocks, unparse_inlines
from presskit.source.lexer import Text, parse

HTML_FORMATS = frozenset({"html", "html4", "html5", "epub", "epub2", "epub3", "chunkedhtml"})

# Shortcodes that stand for one piece of site data (they print a word or a URL, often inside a
# link target). A post can override or add values with `-M presskit.values.NAME=…`.
SITE_VALUES = {
    "github_raw": "https://github.com/istio/istio",
    "github_tree": "https://github.com/istio/istio/tree/master",
}
_WORDS = re.compile(r"(\s+)")
_POS = re.compile(r"(\d+):(\d+)")
_WIDTH = re.compile(r"\d+(\.\d+)?(%|px|em|cm|mm|in)?")


def _lookup(meta: dict[str, Any], key: str) -> Any:
    """`presskit.base-url` as pandoc's `-M` sets it (one flat key) or as nested YAML."""
    if key in meta:
        return meta[key]
    node: Any = meta
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _values(meta: dict[str, Any]) -> dict[str, str]:
    values = {}
    nested = _lookup(meta, "presskit.values")
    if isinstance(nested, dict):
        values.update({str(k): str(v) for k, v in nested.items()})
    prefix = "presskit.values."
    values.update({k[len(prefix) :]: str(v) for k, v in meta.items() if k.startswith(prefix)})
    return values


@dataclass
class Context:
    """Per-document options and the warnings the filter collects.

    `page` holds the post's front matter (Hugo's `.Page.Params`: `release`, `cves`…);
    `resource_root` is the folder images must exist in (the post's folder in the renderer);
    `page_url` is the post's own path on the site, against which `../other-post/` resolves.
    """

    format: str = "html"
    lang: str = "en"
    base_url: str | None = None
    unknown: str = "keep"
    source: str | None = None
    in_process: bool = False
    page: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    resource_root: Path | None = None
    page_url: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def from_doc(cls, doc: pf.Doc) -> Context:
        meta_all = doc.get_metadata() or {}
        if not isinstance(meta_all, dict):
            meta_all = {}

        def meta(key: str) -> str | None:
            value = _lookup(meta_all, f"presskit.{key}")
            return str(value) if value is not None and not isinstance(value, dict) else None

        unknown = meta("unknown") or "keep"
        if unknown not in markers.UNKNOWN_POLICIES:
            unknown = "keep"
        root = meta("resource-path")
        page = {k: v for k, v in meta_all.items() if not k.startswith("presskit")}
        return cls(
            format=doc.format or "html",
            lang=meta("lang") or str(meta_all.get("lang") or "en"),
            base_url=meta("base-url"),
            unknown=unknown,
            source=meta("source"),
            page=page,
            values=_values(meta_all),
            resource_root=Path(root) if root else None,
            page_url=meta("page-url"),
        )

    @property
    def is_html(self) -> bool:
        return self.format in HTML_FORMATS

    def warn(self, message: str, line: int | None = None, col: int | None = None) -> None:
        self.warnings.append(Diagnostic(message, self.source, line, col))

    def absolute_url(self, url: str, *, for_image: bool = False) -> str:
        """Links only work in a PDF when they are absolute: anchor site links on `base_url`.

        `/zh/news/…` joins the base URL; a relative link (`../other-post/`) resolves against
        the post's own URL on the site, as a browser would, when that URL is known. Images
        stay relative: they are files next to the post, read by the renderer.
        """
        if not self.base_url or not url or url.startswith("#"):
            return url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return url
        base = self.base_url.rstrip("/")
        if url.startswith("/"):
            return base + url
        if for_image or self.page_url is None:
            return url
        page = "/" + self.page_url.strip("/") + "/" if self.page_url.strip("/") else "/"
        return urljoin(base + page, url)

    def value(self, name: str) -> str | None:
        """What a site-data shortcode prints; None when nobody knows."""
        if name in self.values:
            return self.values[name]
        return SITE_VALUES.get(name)


def site_path(post_path: Path) -> str | None:
    """A post's URL path on a Hugo site, from where it sits below `content/`.

    Hugo's defaults: `content/<lang>/blog/x/index.md` is `/<lang>/blog/x/`, except for the
    default language, English, which lives at the root (`/blog/x/`); `foo.md` is `…/foo/`.
    """
    parts = list(PurePosixPath(post_path.as_posix()).parts)
    if "content" not in parts:
        return None
    rest = parts[len(parts) - parts[::-1].index("content") :]
    if not rest:
        return None
    *folders, name = rest
    stem = name.rsplit(".", 1)[0]
    if stem not in ("index", "_index"):
        folders.append(stem)
    if folders and folders[0] == "en":
        folders = folders[1:]
    return "/" + "".join(f"{part}/" for part in folders)


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

    def text_param(self, key: str, position: int | None = None) -> str:
        value = self.param(key, position)
        return "" if value is None else str(value)

    def blocks(self) -> list[pf.Block]:
        if self.is_block:
            return list(self.elem.content)
        inlines = list(self.elem.content)
        return [pf.Plain(*inlines)] if inlines else []

    def inlines(self) -> list[pf.Inline]:
        if not self.is_block:
            return list(self.elem.content)
        out: list[pf.Inline] = []
        for block in self.elem.content:
            if out:
                out.append(pf.Space())
            out.extend(_block_inlines(block))
        return out


def _block_inlines(block: pf.Block) -> list[pf.Inline]:
    if isinstance(block, pf.Para | pf.Plain):
        return list(block.content)
    return text_inlines(pf.stringify(block))


Handler = Callable[[Call, "Context"], pf.Element | list[pf.Element] | None]
HANDLERS: dict[str, Handler] = {}


def register(*names: str) -> Callable[[Handler], Handler]:
    """Adds a handler for shortcode names; a site's own handler replaces the built-in one."""

    def add(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return add


def text_inlines(text: Any) -> list[pf.Inline]:
    """Plain text as inlines: words and spaces, never markup."""
    inlines: list[pf.Inline] = []
    for word in _WORDS.split(str(text)):
        if not word:
            continue
        inlines.append(pf.Space() if word.isspace() else pf.Str(word))
    return inlines


def decode(elem: pf.Div | pf.Span) -> Call:
    line = col = None
    if match := _POS.fullmatch(elem.attributes.get(markers.POS, "")):
        line, col = int(match[1]), int(match[2])
    return Call(
        name=unquote(elem.attributes.get(markers.NAME, "")),
        params=markers.decode_params(elem.attributes.get(markers.PARAMS, "")),
        line=line,
        col=col,
        elem=elem,
    )


def handle(elem: pf.Div | pf.Span, ctx: Context) -> pf.Element | list[pf.Element] | None:
    call = decode(elem)
    if call.name in ctx.values:
        return site_value(call, ctx)
    handler = HANDLERS.get(call.name, unknown)
    return handler(call, ctx)


def substitute_values(url: str, ctx: Context) -> str:
    """Shortcodes inside a link target (`[x]({{< github_tree >}}/samples)`) print their value.

    pandoc percent-encodes the target, so the tag is looked for in the decoded text; a tag
    with no known value is dropped from the URL with a warning, never left in it.
    """
    decoded = unquote(url)
    if "{{" not in decoded:
        return url
    out: list[str] = []
    for node in parse(decoded, warn=None):
        if isinstance(node, Text):
            out.append(node.text)
            continue
        value = ctx.value(node.name)
        if value is None:
            ctx.warn(f'shortcode "{node.name}" in a link target has no value; left out')
            value = ""
        out.append(value)
    return "".join(out)


def unknown(call: Call, ctx: Context) -> list[pf.Element]:
    where = "" if call.line is not None else " (position unknown)"
    if ctx.unknown == "error":
        raise PresskitError(f'unsupported shortcode "{call.name}"', ctx.source, call.line, call.col)
    if ctx.unknown == "drop":
        ctx.warn(f'unsupported shortcode "{call.name}" dropped{where}', call.line, call.col)
        return []
    ctx.warn(
        f'unsupported shortcode "{call.name}": content kept as text{where}', call.line, call.col
    )
    return list(call.elem.content)


def _plain_or_para(call: Call, inlines: list[pf.Inline]) -> pf.Element | list[pf.Element]:
    if call.is_block:
        return pf.Para(*inlines) if inlines else []
    return list(inlines)


def site_value(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    value = ctx.value(call.name)
    if value is None:
        ctx.warn(f'shortcode "{call.name}" has no value', call.line, call.col)
        return []
    return _plain_or_para(call, text_inlines(value))


register(*SITE_VALUES)(site_value)


@register("istio_release_name")
def istio_release_name(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    value = ctx.value(call.name)
    if value is None:
        ctx.warn(
            'shortcode "istio_release_name": the release is site data; printed as '
            '"the latest release" (set presskit.values.istio_release_name)',
            call.line,
            call.col,
        )
        value = i18n.label(ctx.lang, "latest_release")
    return _plain_or_para(call, text_inlines(value))


@register("quote")
def quote(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    caption = call.text_param("caption", 0)
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
    if not call.is_block:
        return pf.Span(
            pf.Strong(pf.Str(label + ":")),
            pf.Space(),
            *call.inlines(),
            classes=["callout", call.name],
        )
    if ctx.is_html:
        heading = pf.Div(pf.Para(pf.Strong(pf.Str(label))), classes=["callout-label"])
        return pf.Div(heading, *call.blocks(), classes=["callout", call.name])
    titled = pf.BlockQuote(pf.Para(pf.Strong(pf.Str(label))), *call.blocks())
    return pf.Div(titled, classes=["callout", call.name])


@register("text")
def text(call: Call, ctx: Context) -> pf.Element:
    """Only reached for inline use: block `text` is a code block before pandoc parses it."""
    language = text_language(call.params)
    classes = [language] if language else []
    if call.is_block:
        return pf.CodeBlock(unparse_blocks(list(call.elem.content)), classes=classes)
    return pf.Code(unparse_inlines(list(call.elem.content)), classes=classes)


@register("gloss")
def gloss(call: Call, ctx: Context) -> pf.Element:
    """The term as written; the glossary entry it points to lives on the website."""
    inlines = call.inlines() or text_inlines(call.text_param("term", 0))
    if ctx.is_html:
        return pf.Span(*inlines, classes=["gloss"])
    return pf.Span(*inlines)


def _wrapped(call: Call, css_class: str) -> pf.Element:
    """The content as it is, in a Div (block use) or a Span (inline use) of `css_class`."""
    if not call.is_block:
        return pf.Span(*call.inlines(), classes=[css_class])
    return pf.Div(*call.blocks(), classes=[css_class])


@register("tabset")
def tabset(call: Call, ctx: Context) -> pf.Element:
    return _wrapped(call, "tabset")


@register("tab")
def tab(call: Call, ctx: Context) -> pf.Element:
    """A tab becomes a titled section: paper cannot switch tabs, so all of them print."""
    name = call.text_param("name", 0)
    description = call.text_param("description")
    head: list[pf.Block] = []
    if name:
        head.append(pf.Div(pf.Para(pf.Strong(*text_inlines(name))), classes=["tab-title"]))
    if description:
        head.append(pf.Para(pf.Emph(*text_inlines(description))))
    if not call.is_block:
        return pf.Span(pf.Strong(*text_inlines(name + ":")), pf.Space(), *call.inlines())
    return pf.Div(*head, *call.blocks(), classes=["tab"])


@register("centered_block")
def centered_block(call: Call, ctx: Context) -> pf.Element:
    return _wrapped(call, "centered-block")


@register("boilerplate")
def boilerplate(call: Call, ctx: Context) -> pf.Element:
    """Boilerplate text lives in another part of the site: say so instead of printing nothing."""
    name = call.text_param("name", 0) or "?"
    ctx.warn(
        f'boilerplate "{name}" is site content not available to presskit; a note is printed',
        call.line,
        call.col,
    )
    note = text_inlines(i18n.label(ctx.lang, "boilerplate", name=name))
    if not call.is_block:
        return pf.Span(pf.Emph(*note), classes=["placeholder", "boilerplate"])
    return pf.Div(pf.Para(pf.Emph(*note)), classes=["placeholder", "boilerplate"])


def _link(text: str, url: str) -> pf.Link:
    return pf.Link(*text_inlines(text), url=url)


@register("relnote")
def relnote(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """Istio's release-note box: download, docs and changes links for the post's `release`."""
    release = str(ctx.page.get("release") or "").strip()
    parts = release.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        ctx.warn('relnote needs a "release: X.Y.Z" in the front matter; left out', *_pos(call))
        return []
    version = f"{parts[0]}.{parts[1]}"
    patch = int(parts[2])
    name = release.removesuffix(".0")
    words = {"version": name}
    links = [
        _link(
            i18n.label(ctx.lang, "relnote_download", **words),
            f"https://github.com/istio/istio/releases/tag/{release}",
        ),
        _link(
            i18n.label(ctx.lang, "relnote_docs", **words), f"https://archive.istio.io/v{version}"
        ),
    ]
    if patch:
        previous = f"{version}.{patch - 1}"
        links.append(
            _link(
                i18n.label(ctx.lang, "relnote_changes", **words),
                f"https://github.com/istio/istio/compare/{previous}...{release}",
            )
        )
    if str(call.param("linktonote", None, "")).lower() == "true":
        prefix = "" if i18n.table_key(ctx.lang) in (None, "en") else "/zh"
        notes = ctx.absolute_url(f"{prefix}/about/notes/{name}/")
        links.append(_link(i18n.label(ctx.lang, "relnote_notes", **words), notes))
    inlines: list[pf.Inline] = []
    for link in links:
        if inlines:
            inlines.extend([pf.Space(), pf.Str("·"), pf.Space()])
        inlines.append(link)
    return pf.Div(pf.Para(*inlines), classes=["relnote"])


def _pos(call: Call) -> tuple[int | None, int | None]:
    return call.line, call.col


def _split_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _cell(*inlines: pf.Inline) -> pf.TableCell:
    return pf.TableCell(pf.Plain(*inlines))


def _lines(items: list[pf.Inline | list[pf.Inline]]) -> list[pf.Inline]:
    out: list[pf.Inline] = []
    for item in items:
        if out:
            out.append(pf.LineBreak())
        out.extend(item if isinstance(item, list) else [item])
    return out


@register("security_bulletin")
def security_bulletin(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """Istio's disclosure table, from the shortcode's params or else the front matter."""

    def data(key: str) -> Any:
        value = call.param(key)
        return value if value is not None else ctx.page.get(key)

    cves = _split_list(data("cves"))
    cvss = str(data("cvss") or "").strip()
    vector = str(data("vector") or "").strip()
    releases = _split_list(data("releases"))
    if not (cves or cvss or releases):
        ctx.warn("security_bulletin has no cves/cvss/releases in its front matter", *_pos(call))
        return []
    label = i18n.labels(ctx.lang)

    def word(key: str) -> str:
        return label.get(key) or i18n.label("en", key)

    score: list[pf.Inline] = text_inlines(cvss)
    if vector:
        calculator = f"https://nvd.nist.gov/vuln-metrics/cvss/v3-calculator?vector={vector}"
        score += [pf.Space(), _link(vector, calculator)] if score else [_link(vector, calculator)]
    rows = [
        (
            "bulletin_cves",
            _lines([_link(c, f"https://cve.mitre.org/cgi-bin/cvename.cgi?name={c}") for c in cves]),
        ),
        ("bulletin_cvss", score),
        ("bulletin_releases", _lines([text_inlines(r) for r in releases])),
    ]
    body = pf.TableBody(
        *(pf.TableRow(_cell(pf.Str(word(key))), _cell(*value)) for key, value in rows if value)
    )
    title = pf.TableCell(pf.Plain(*text_inlines(word("bulletin_title"))), colspan=2)
    head = pf.TableHead(pf.TableRow(title))
    table = pf.Table(
        body,
        head=head,
        colspec=[("AlignLeft", "ColWidthDefault"), ("AlignLeft", "ColWidthDefault")],
    )
    return pf.Div(table, classes=["security-bulletin"])


@register("image")
def image(call: Call, ctx: Context) -> pf.Element:
    """Istio's figure: `link`, `caption`, `alt`/`title` falling back to the caption, `width`."""
    link = call.text_param("link", 0)
    caption = call.text_param("caption")
    title = call.text_param("title") or caption
    alt = call.text_param("alt") or title
    width = call.text_param("width")
    figure_caption = pf.Caption(pf.Plain(*text_inlines(caption))) if caption else None
    problem = _image_problem(link, ctx)
    if problem is not None:
        ctx.warn(f"image {link or '(no link)'}: {problem}; a placeholder is printed", *_pos(call))
        file_name = PurePosixPath(urlsplit(link).path).name or link or "?"
        note = text_inlines(i18n.label(ctx.lang, "image_missing", file=file_name))
        box = pf.Div(pf.Para(*note), classes=["image-placeholder"])
        if alt and alt != caption:
            # what the image shows, in the author's words: the reader still learns it
            box.content.append(pf.Div(pf.Para(*text_inlines(alt)), classes=["image-alt"]))
        return pf.Figure(box, caption=figure_caption, classes=["image", "missing"])
    url = ctx.absolute_url(link, for_image=True)
    attributes = {"width": width} if _WIDTH.fullmatch(width) else {}
    picture = pf.Image(*text_inlines(alt), url=url, title=title, attributes=attributes)
    if not call.is_block:
        return picture
    return pf.Figure(pf.Plain(picture), caption=figure_caption, classes=["image"])


def _image_problem(link: str, ctx: Context) -> str | None:
    """Why the image cannot be shown, or None; only checked where the files are known."""
    if not link:
        return "no link"
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    if link.startswith("/"):
        return None if ctx.base_url else "a site path, and no base URL is set"
    if ctx.resource_root is None:
        return None
    root = ctx.resource_root.resolve()
    path = (root / unquote(parts.path)).resolve()
    if not path.is_relative_to(root):
        return "outside the post's folder"
    if not path.is_file():
        return "file not found"
    return None
