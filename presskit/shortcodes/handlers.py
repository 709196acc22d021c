"""What each Hugo shortcode becomes, per output format: the core shortcodes, declared.

Each shortcode is one declaration (`presskit.shortcodes.declare.shortcode`): its inner content,
parameters, words and a renderer per output kind. A renderer gets the marker element the source
pass (or the recovery pass) left in the AST, as a `Call`, and returns its replacement. Params
are always treated as text: a caption becomes `Str`/`Space` inlines, never parsed, so `<`, `&`
or `*` print as typed.

HTML-like formats (the PDF goes through HTML) get the structure the theme styles: `figure.quote`,
`div.callout.tip`, `figure.image`, `div.tabset`; other formats get what they can show without
CSS: a block quote with an attribution line, a block quote headed by its label, and so on.
Shortcodes of one site (Istio's release notes and bulletins) are an extension, not core
(`presskit.shortcodes.istio`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import panflute as pf

from presskit import i18n
from presskit.errors import Diagnostic, IncludeLoop, PresskitError
from presskit.shortcodes import markers
from presskit.shortcodes.declare import REGISTRY, Declaration, Param, kind_of, shortcode
from presskit.shortcodes.expand import text_language
from presskit.shortcodes.tree import descendants
from presskit.shortcodes.typography import typographic_quotes
from presskit.shortcodes.unparse import unparse_blocks, unparse_inlines
from presskit.source.lexer import Text, parse

_WORDS = re.compile(r"(\s+)")
_POS = re.compile(r"([0-9]{1,9}):([0-9]{1,9})")  # ASCII: int() refuses `²`, 4,300+ digits
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
    body: str = ""  # the post's text from `body_line` on, where the renderer knows it
    body_line: int = 1
    warnings: list[Diagnostic] = field(default_factory=list)
    # `.Site.Data` of the Hugo site around the post (`presskit.source.data`), {} without one
    data: Mapping[str, Any] = field(default_factory=dict)
    # the site's boilerplate `name` rendered as the post body is, or None when there is none
    include: Callable[[str], list[pf.Block] | None] | None = None
    # whether the post's raw HTML reaches the page (`unsafe_html`; plain pandoc passes it on)
    raw_html: bool = True
    # the files of `resource_root` the post names that are not there (see `note_absent`)
    absent: list[Path] = field(default_factory=list)

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
    def kind(self) -> str:
        """Which renderer of a declaration applies: `html`, `docx` or `pandoc`."""
        return kind_of(self.format)

    def line_of(self, text: str) -> int | None:
        """The post's line where `text` first occurs, for elements that carry no position
        (a Markdown image); None where the post's text is not known (plain pandoc)."""
        index = self.body.find(text) if self.body and text else -1
        return None if index < 0 else self.body_line + self.body.count("\n", 0, index)

    def warn(self, message: str, line: int | None = None, col: int | None = None) -> None:
        self.warnings.append(Diagnostic(message, self.source, line, col))

    def note_absent(self, link: str) -> None:
        """`link` names a file of the post's folder that is not there yet: the conversion
        reports it (`Conversion.absent`), so a batch rebuilds the post when it appears, as
        it does when a file the renderer read changes. Named from the resolved folder, as
        the renderer names the files it read: a relative `presskit build content` path was
        otherwise no file of the post's folder to the batch, which dropped it."""
        if not link or self.resource_root is None:
            return
        root = self.resource_root.resolve()
        path = os.path.normpath(root / unquote(urlsplit(link).path))
        if Path(path) not in self.absent:
            self.absent.append(Path(path))

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

    def site_data(self, dotted: str) -> Any:
        """`.Site.Data.args.full_version` as `ctx.site_data("args.full_version")`: None when any
        step is missing, as a Hugo template reads nil."""
        node: Any = self.data
        for key in dotted.split("."):
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        return node

    def value(self, name: str) -> str | None:
        """What a site-data shortcode prints (`-M presskit.values.NAME=…`, else the value its
        declaration carries); None when nobody knows."""
        if name in self.values:
            return self.values[name]
        declaration = REGISTRY.get(name)
        found = declaration.values.get(name) if declaration is not None else None
        return found(self.data) if callable(found) else found


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
    declaration: Declaration | None = None

    @property
    def is_block(self) -> bool:
        return isinstance(self.elem, pf.Div)

    @property
    def pos(self) -> tuple[int | None, int | None]:
        """Line and column, for `ctx.warn(message, *call.pos)`."""
        return self.line, self.col

    def param(self, key: str, position: int | None = None, default: Any = None) -> Any:
        """A named param, or the positional one at `position` (by default the position the
        declaration gives `key`)."""
        if isinstance(self.params, dict):
            return self.params.get(key, default)
        if position is None and self.declaration is not None:
            position = self.declaration.position(key)
        if position is not None and position < len(self.params):
            return self.params[position]
        return default

    def text_param(self, key: str, position: int | None = None) -> str:
        value = self.param(key, position)
        return "" if value is None else str(value)

    def words(self, key: str, position: int | None = None) -> str:
        """A parameter the page prints as words (a caption, a speaker, a title), its straight
        quotes made typographic as the body's are: `caption="Pat O'Brien"` printed `O'Brien`
        beside a body of `O’Brien`s (the value is text, never Markdown, so pandoc's `smart`
        extension does not see it)."""
        return typographic_quotes(self.text_param(key, position))

    def label(self, ctx: Context, key: str, **values: str) -> str:
        """One of the declaration's words in the document's language."""
        if self.declaration is None:
            return key
        return self.declaration.label(ctx.lang, key, **values)

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
    """The marker's replacement, by the renderer its declaration has for this output."""
    call = decode(elem)
    if call.name in ctx.values:
        return site_value(call, ctx)
    call.declaration = REGISTRY.get(call.name)
    if call.declaration is None:
        return fit(unknown(call, ctx), block=call.is_block)
    return fit(call.declaration(call, ctx), block=call.is_block)


def fit(
    result: pf.Element | list[pf.Element] | None, *, block: bool
) -> pf.Element | list[pf.Element] | None:
    """What a handler gave, made to fit where its shortcode stood: a shortcode alone in its
    paragraph (a Div marker) needs blocks, one inside a sentence (a Span) inlines, whatever
    the handler returned (`gloss` alone in its paragraph is a Span: wrapped in a Para)."""
    if result is None:
        return None
    items = result if isinstance(result, list) else [result]
    if block:
        if all(isinstance(item, pf.Block) for item in items):
            return result
        out: list[pf.Element] = []
        run: list[pf.Inline] = []
        for item in items:
            if isinstance(item, pf.Inline):
                run.append(item)
                continue
            if run:
                out.append(pf.Para(*run))
                run = []
            out.append(item)
        if run:
            out.append(pf.Para(*run))
        return out
    if all(isinstance(item, pf.Inline) for item in items):
        return result
    inlines: list[pf.Element] = []
    for item in items:
        if inlines:
            inlines.append(pf.Space())
        inlines.extend(_block_inlines(item) if isinstance(item, pf.Block) else [item])
    return inlines


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


def plain_or_para(call: Call, inlines: list[pf.Inline]) -> pf.Element | list[pf.Element]:
    """Inlines as a paragraph where the shortcode stood alone, else in the running text."""
    if call.is_block:
        return pf.Para(*inlines) if inlines else []
    return list(inlines)


def site_value(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """What a site-data shortcode renders: its value as text (a renderer for declarations
    with `values`, and for any name `-M presskit.values.NAME=…` gives a value)."""
    value = ctx.value(call.name)
    if value is None:
        ctx.warn(f'shortcode "{call.name}" has no value', call.line, call.col)
        return []
    return plain_or_para(call, text_inlines(value))


# --------------------------------------------------------------------------- the core shortcodes


@shortcode("quote", params=[Param("caption", 0, "who said it")])
def quote(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """A block quote, then a "— caption" line."""
    if not call.is_block:
        # An inline quote cannot hold a figure: keep it a quotation in the running text.
        return pf.Quoted(*call.inlines())
    caption = call.words("caption")
    parts: list[pf.Element] = [pf.BlockQuote(*call.blocks())]
    if caption:
        dash = CAPTION_DASHES.get(i18n.html_lang(ctx.lang).split("-")[0])
        lead = [pf.Str(dash)] if dash else [pf.Str("—"), pf.Space()]
        parts.append(pf.Para(*lead, *text_inlines(caption)))
    return pf.Div(*parts, classes=["quote"])


# Chinese attributes a quote with a double em dash (clreq 破折号) and Japanese with two
# horizontal bars, with no space after either: as the PDF's press.css prints them.
CAPTION_DASHES = {"zh": "——", "ja": "――"}


@quote.renderer("html")
def quote_html(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """`figure.quote`: the block quote with its caption as `figcaption`."""
    if not call.is_block:
        return pf.Quoted(*call.inlines())
    caption = call.words("caption")
    figure_caption = pf.Caption(pf.Plain(*text_inlines(caption))) if caption else None
    return pf.Figure(pf.BlockQuote(*call.blocks()), caption=figure_caption, classes=["quote"])


CALLOUT_LABELS = {
    "en": {"tip": "Tip", "warning": "Warning", "idea": "Idea"},
    "zh-CN": {"tip": "提示", "warning": "警告", "idea": "建议"},
    "zh-TW": {"tip": "提示", "warning": "警告", "idea": "建議"},
    "ja": {"tip": "ヒント", "warning": "警告", "idea": "アイデア"},
    "ko": {"tip": "팁", "warning": "경고", "idea": "아이디어"},
    "es": {"tip": "Consejo", "warning": "Advertencia", "idea": "Idea"},
    "fr": {"tip": "Astuce", "warning": "Attention", "idea": "Idée"},
    "de": {"tip": "Tipp", "warning": "Warnung", "idea": "Idee"},
}


def _inline_callout(call: Call, label: str) -> pf.Element:
    return pf.Span(
        pf.Strong(pf.Str(label + ":")), pf.Space(), *call.inlines(), classes=["callout", call.name]
    )


@shortcode("tip", "warning", "idea", labels=CALLOUT_LABELS)
def callout(call: Call, ctx: Context) -> pf.Element:
    """A block quote headed by the localized label."""
    label = call.label(ctx, call.name)
    if not call.is_block:
        return _inline_callout(call, label)
    titled = pf.BlockQuote(pf.Para(pf.Strong(pf.Str(label))), *call.blocks())
    return pf.Div(titled, classes=["callout", call.name])


@callout.renderer("html")
def callout_html(call: Call, ctx: Context) -> pf.Element:
    """`div.callout.tip` with its label in `div.callout-label`, for the theme to style."""
    label = call.label(ctx, call.name)
    if not call.is_block:
        return _inline_callout(call, label)
    heading = pf.Div(pf.Para(pf.Strong(pf.Str(label))), classes=["callout-label"])
    return pf.Div(heading, *call.blocks(), classes=["callout", call.name])


@shortcode("text", inner="verbatim", params=[Param("syntax", 0, "the code's language")])
def text(call: Call, ctx: Context) -> pf.Element:
    """Only reached for inline use, and under plain pandoc: a block `text` is a code block
    before pandoc parses it."""
    language = text_language(call.params)
    classes = [language] if language else []
    if call.is_block:
        return pf.CodeBlock(unparse_blocks(list(call.elem.content)), classes=classes)
    return pf.Code(unparse_inlines(list(call.elem.content)), classes=classes)


@shortcode("gloss", params=[Param("term", 0)])
def gloss(call: Call, ctx: Context) -> pf.Element:
    """The term as written; the glossary entry it points to lives on the website."""
    return pf.Span(*(call.inlines() or text_inlines(call.words("term"))))


@gloss.renderer("html")
def gloss_html(call: Call, ctx: Context) -> pf.Element:
    return pf.Span(*(call.inlines() or text_inlines(call.words("term"))), classes=["gloss"])


def _wrapped(call: Call, css_class: str) -> pf.Element:
    """The content as it is, in a Div (block use) or a Span (inline use) of `css_class`."""
    if not call.is_block:
        return pf.Span(*call.inlines(), classes=[css_class])
    return pf.Div(*call.blocks(), classes=[css_class])


@shortcode("tabset")
def tabset(call: Call, ctx: Context) -> pf.Element:
    return _wrapped(call, "tabset")


@shortcode("tab", params=[Param("name", 0), Param("description")])
def tab(call: Call, ctx: Context) -> pf.Element:
    """A tab becomes a titled section: paper cannot switch tabs, so all of them print."""
    name = call.words("name")
    description = call.words("description")
    head: list[pf.Block] = []
    if name:
        head.append(pf.Div(pf.Para(pf.Strong(*text_inlines(name))), classes=["tab-title"]))
    if description:
        head.append(pf.Para(pf.Emph(*text_inlines(description))))
    if not call.is_block:
        return pf.Span(pf.Strong(*text_inlines(name + ":")), pf.Space(), *call.inlines())
    return pf.Div(*head, *call.blocks(), classes=["tab"])


@shortcode("centered_block")
def centered_block(call: Call, ctx: Context) -> pf.Element:
    return _wrapped(call, "centered-block")


@shortcode(
    "boilerplate",
    inner="none",
    params=[Param("name", 0)],
    labels={
        "en": {"boilerplate": "The standard text “{name}” from the website is not included here."},
        "zh-CN": {"boilerplate": "此处为网站上的标准文本“{name}”，本文档未收录。"},
        "zh-TW": {"boilerplate": "此處為網站上的標準文字「{name}」，本文件未收錄。"},
        "ja": {"boilerplate": "ウェブサイトの定型文「{name}」はここには含まれていません。"},
        "ko": {"boilerplate": "웹사이트의 표준 문구 “{name}”은(는) 여기에 포함되지 않았습니다."},
        "es": {"boilerplate": "El texto estándar «{name}» del sitio web no se incluye aquí."},
        "fr": {"boilerplate": "Le texte standard « {name} » du site web n’est pas inclus ici."},
        "de": {"boilerplate": "Der Standardtext „{name}“ der Website ist hier nicht enthalten."},
    },
)
def boilerplate(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """The site's boilerplate text (`content/<lang>/boilerplates/<name>*.md`, Istio's rule),
    converted as the post body is; without it, a note saying what is missing."""
    name = call.text_param("name")
    try:
        blocks = ctx.include(name) if ctx.include is not None and name else None
    except IncludeLoop as error:
        raise IncludeLoop(error.message, ctx.source, call.line, call.col) from None
    if blocks is not None:
        if call.is_block:
            return pf.Div(*blocks, classes=["boilerplate"])
        if len(blocks) == 1 and isinstance(blocks[0], pf.Para | pf.Plain):
            return pf.Span(*blocks[0].content, classes=["boilerplate"])
        ctx.warn(f'boilerplate "{name}" is more than a paragraph: it stands alone', *call.pos)
        return [pf.Div(*blocks, classes=["boilerplate"])]
    name = name or "?"
    ctx.warn(
        f'boilerplate "{name}": no boilerplates/{name}*.md in the Hugo site\'s content for '
        "this language; a note is printed",
        call.line,
        call.col,
    )
    note = text_inlines(call.label(ctx, "boilerplate", name=name))
    if not call.is_block:
        return pf.Span(pf.Emph(*note), classes=["placeholder", "boilerplate"])
    return pf.Div(pf.Para(pf.Emph(*note)), classes=["placeholder", "boilerplate"])


@shortcode(
    "image",
    inner="none",
    params=[Param("link", 0), Param("caption"), Param("alt"), Param("title"), Param("width")],
    labels={
        "en": {"image_missing": "Image not available: {file}"},
        "zh-CN": {"image_missing": "图片不可用：{file}"},
        "zh-TW": {"image_missing": "圖片無法使用：{file}"},
        "ja": {"image_missing": "画像を表示できません：{file}"},
        "ko": {"image_missing": "이미지를 사용할 수 없음: {file}"},
        "es": {"image_missing": "Imagen no disponible: {file}"},
        "fr": {"image_missing": "Image non disponible : {file}"},
        "de": {"image_missing": "Bild nicht verfügbar: {file}"},
    },
)
def image(call: Call, ctx: Context) -> pf.Element:
    """Istio's figure: `link`, `caption`, `alt`/`title` falling back to the caption, `width`."""
    link = call.text_param("link")
    caption = call.words("caption")
    title = call.words("title") or caption
    alt = call.words("alt") or title
    width = call.text_param("width")
    figure_caption = pf.Caption(pf.Plain(*text_inlines(caption))) if caption else None
    problem = _image_problem(link, ctx)
    if problem is not None:
        ctx.warn(f"image {link or '(no link)'}: {problem}; a placeholder is printed", *call.pos)
        absent = problem == "file not found"
        box = image_placeholder(link, alt if alt != caption else "", ctx, absent=absent)
        return pf.Figure(box, caption=figure_caption, classes=["image", "missing"])
    url = ctx.absolute_url(link, for_image=True)
    attributes = {"width": width} if _WIDTH.fullmatch(width) else {}
    picture = pf.Image(*text_inlines(alt), url=url, title=title, attributes=attributes)
    if not call.is_block:
        return picture
    return pf.Figure(pf.Plain(picture), caption=figure_caption, classes=["image"])


# Hugo's built-in players: the page a reader opens (and a phone scans) for a video id.
VIDEO_PAGES = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}
_VIDEO_ID = re.compile(r"[\w-]{1,64}")


@shortcode(
    "youtube",
    "vimeo",
    inner="none",
    params=[Param("id", 0, "the video's id on the site"), Param("title"), Param("start")],
)
def video(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """Any pandoc output: the video's page as a link where the player stood, under its title
    (else "View online"): paper cannot play it."""
    url = _video_page(call, ctx)
    if url is None:
        return []
    link = pf.Link(pf.Str(url), url=url)
    if not call.is_block:
        return link
    words = call.words("title") or i18n.label(ctx.lang, "view_online")
    return pf.Para(pf.Strong(*text_inlines(words)), pf.LineBreak(), link)


@video.renderer("html")
def video_html(call: Call, ctx: Context) -> pf.Element | list[pf.Element]:
    """The PDF: the page's address and a QR code, as for an `<iframe>` the post embeds."""
    from presskit.output.sanitize import embed

    url = _video_page(call, ctx)
    if url is None:
        return []
    return embed(
        url, call.is_block, ctx.lang, call.words("title"), lambda m: ctx.warn(m, *call.pos)
    )


def _video_page(call: Call, ctx: Context) -> str | None:
    """`https://www.youtube.com/watch?v=ID` (at `start` seconds), or None with a warning: an
    id that is no id (`x onerror=…`) makes no address."""
    video_id = call.text_param("id").strip()
    if not _VIDEO_ID.fullmatch(video_id):
        ctx.warn(
            f"{call.name}: no video id (`{{{{< {call.name} ID >}}}}`); nothing printed", *call.pos
        )
        return None
    url = VIDEO_PAGES[call.name].format(video_id)
    start = call.text_param("start").strip()
    if call.name == "youtube" and start.isascii() and start.isdigit() and len(start) <= 9:
        url += f"&t={start}s"
    return url


def image_placeholder(link: str, alt: str, ctx: Context, *, absent: bool = False) -> pf.Div:
    """The box a missing image leaves: "Image not available: FILE", then what the image
    shows in the author's words (its alt text), so the reader still learns it.

    `absent`: the file is simply not there yet: the conversion reports it among the files
    the post asked for (`Context.note_absent`), so a batch rebuilds the post when it
    appears, as it did when WeasyPrint asked for the file itself."""
    file_name = PurePosixPath(unquote(urlsplit(link).path)).name or link or "?"
    note = text_inlines(image.label(ctx.lang, "image_missing", file=file_name))
    if absent:
        ctx.note_absent(link)
    box = pf.Div(pf.Para(*note), classes=["image-placeholder"])
    if alt:
        box.content.append(pf.Div(pf.Para(*text_inlines(alt)), classes=["image-alt"]))
    return box


def missing_images(doc: pf.Doc, ctx: Context) -> None:
    """Markdown images (`![alt](file.png)`) whose file is missing get the `image` shortcode's
    placeholder and warning: alone in their paragraph the box, in a sentence their alt text
    set apart. Before, WeasyPrint printed the alt text as if it were body text, or nothing
    (`![](gone.png)`), and the warning spoke of a file "not read".

    A raw HTML `<img>` (where raw HTML is rendered) standing alone in its raw chunk is read as
    the Markdown image it means, when its file is absent, and gets the same: before, it left
    WeasyPrint's alt text, no box, and no dependency on the file."""
    if ctx.resource_root is None:
        return  # plain pandoc without `presskit.resource-path`: the files are not known
    kinds = {type(elem) for elem in descendants(doc)}
    if pf.Image not in kinds and not (ctx.raw_html and kinds & {pf.RawInline, pf.RawBlock}):
        return  # nothing to look at: spare the three walks (each rebuilds the whole tree)

    def raw(elem: pf.Element, _doc: pf.Doc) -> pf.Element | list[pf.Element] | None:
        if not isinstance(elem, pf.RawInline | pf.RawBlock) or elem.format.lower() != "html":
            return None
        if isinstance(elem, pf.RawBlock) and not _LONE_IMG.fullmatch(elem.text):
            return raw_block_images(elem.text, ctx)
        found = raw_image(elem.text)
        if found is None or _markdown_image_absent(found[0], ctx) != "file not found":
            return None  # there, refused or outside the folder: WeasyPrint and the fetcher's
        src, alt = found
        img = pf.Image(*text_inlines(alt), url=src)
        return pf.Para(img) if isinstance(elem, pf.RawBlock) else img

    def problem(img: pf.Image) -> str | None:
        found = _markdown_image_absent(img.url, ctx)
        if found is not None:
            line = ctx.line_of(img.url) or ctx.line_of(unquote(img.url))
            ctx.warn(f"image {img.url or '(no link)'}: {found}; a placeholder is printed", line)
        return found

    def alone(elem: pf.Element, _doc: pf.Doc) -> pf.Element | None:
        if not isinstance(elem, pf.Para | pf.Plain):
            return None
        content = [c for c in elem.content if not isinstance(c, pf.Space | pf.SoftBreak)]
        if len(content) != 1 or not isinstance(content[0], pf.Image) or problem(content[0]) is None:
            return None
        img = content[0]
        alt = pf.stringify(img).strip()
        figure = elem.parent if isinstance(elem.parent, pf.Figure) else None
        if figure is not None and figure.caption and pf.stringify(figure.caption).strip() == alt:
            alt = ""  # pandoc's implicit figure: the alt text prints as its caption already
        box = image_placeholder(img.url, alt, ctx, absent=True)
        return box if figure is not None else pf.Figure(box, classes=["image", "missing"])

    def inline(elem: pf.Element, _doc: pf.Doc) -> pf.Element | None:
        if not isinstance(elem, pf.Image) or problem(elem) is None:
            return None
        alt = pf.stringify(elem).strip()
        words = alt or image.label(ctx.lang, "image_missing", file=PurePosixPath(elem.url).name)
        ctx.note_absent(elem.url)
        return pf.Span(pf.Emph(*text_inlines(words)), classes=["placeholder", "image-missing"])

    if ctx.raw_html:
        doc.walk(raw)
    doc.walk(alone)
    doc.walk(inline)


_LONE_IMG = re.compile(r"\s*<img\b[^<>]*>\s*", re.I)
_IMG_TAG = re.compile(r"<img\b[^<>]*>", re.I)
_NOT_TEXT = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)
_CAPTION = re.compile(r"<figcaption\b.*?</figcaption\s*>", re.I | re.S)
_OPEN_P = re.compile(r"<p\b[^<>]*>\s*\Z", re.I)
_CLOSE_P = re.compile(r"\A\s*</p\s*>", re.I)


def raw_block_images(text: str, ctx: Context) -> list[pf.Element] | None:
    """A raw HTML block (`<figure>`, `<p>`, `<div>` … up to its blank line, as goldmark reads
    it) cut around each `<img>` whose file is absent, the image made the Markdown image it
    means, for `missing_images`'s walks to give it the same placeholder, warning and
    dependency; None when it has none. An image that is the block's only content (no words
    outside its tags but a caption's) becomes a paragraph of its own, so it gets the box (a
    `<p>` around it only is dropped: a box cannot sit in a paragraph); an image among words
    stays in their line and gets the alt text set apart. An `<img>` in a comment, and a block
    holding `<script>`, `<style>`, `<pre>` or `<textarea>`, are left as they are."""
    if re.search(r"<(?:script|style|pre|textarea)\b", text, re.I):
        return None
    comments = [m.span() for m in re.finditer(r"<!--.*?-->", text, re.S)]
    cuts: list[tuple[int, int, pf.Image]] = []
    for match in _IMG_TAG.finditer(text):
        if any(start <= match.start() < end for start, end in comments):
            continue
        found = raw_image(match.group())
        if found is None or _markdown_image_absent(found[0], ctx) != "file not found":
            continue
        cuts.append((*match.span(), pf.Image(*text_inlines(found[1]), url=found[0])))
    if not cuts:
        return None
    # the text between the images: segments[i] before cuts[i], segments[-1] after the last
    bounds = [0, *(edge for start, end, _ in cuts for edge in (start, end)), len(text)]
    segments = [text[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
    images = [img for _, _, img in cuts]
    if not _NOT_TEXT.sub("", _CAPTION.sub("", text)).strip():  # the images alone: a box each
        for number in range(len(images)):
            before, after = segments[number], segments[number + 1]
            if _OPEN_P.search(before) and _CLOSE_P.match(after):
                segments[number] = _OPEN_P.sub("", before)
                segments[number + 1] = _CLOSE_P.sub("", after, count=1)
        blocks: list[pf.Element] = []
        for segment, img in itertools.zip_longest(segments, images):
            if segment.strip():
                blocks.append(pf.RawBlock(segment, format="html"))
            if img is not None:
                blocks.append(pf.Para(img))
        return blocks
    inlines: list[pf.Inline] = []
    for segment, img in itertools.zip_longest(segments, images):
        if segment:
            inlines.append(pf.RawInline(segment, format="html"))
        if img is not None:
            inlines.append(img)
    return [pf.Plain(*inlines)]


def raw_image(text: str) -> tuple[str, str] | None:
    """(src, alt) of a raw HTML chunk that is one `<img>` tag and nothing else, else None."""
    if not _LONE_IMG.fullmatch(text):
        return None
    tags = _start_tags(text)
    if len(tags) != 1 or tags[0][0] != "img":
        return None
    attrs = tags[0][1]
    src = attrs.get("src", "").strip()
    return (src, attrs.get("alt", "").strip()) if src else None


def _start_tags(text: str) -> list[tuple[str, dict[str, str]]]:
    """The start tags of an HTML chunk and their attributes, as a browser reads them.

    `html.parser` is imported here, by the rare post with a lone raw `<img>`: at the top it
    was a tenth of the pandoc filter's imports."""
    from html.parser import HTMLParser

    tags: list[tuple[str, dict[str, str]]] = []

    class StartTags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append((tag, {name: value or "" for name, value in attrs}))

        handle_startendtag = handle_starttag

    parser = StartTags(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return tags


def _markdown_image_absent(link: str, ctx: Context) -> str | None:
    """ "file not found" for a Markdown image naming a file of the post's folder that is not
    there; None for everything else. Site paths (`/img/x.png`, served from `static/`), links
    that leave the folder, symbolic links and special files are the fetcher's to judge: it
    refuses them with its own warning ("refused to read …", "not a regular file"), and a
    placeholder here would say whether a file outside the tree exists."""
    if not link:
        return "no link"
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("/", "#")) or ctx.resource_root is None:
        return None
    root = os.path.normpath(ctx.resource_root)
    path = os.path.normpath(os.path.join(root, unquote(parts.path)))
    if os.path.commonpath([root, path]) != root or os.path.lexists(path):
        return None
    return "file not found"


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
