"""What of a post's markup may reach the PDF: a pass over the pandoc AST after the filter.

Posts come from many hands, and pandoc's CommonMark readers pass raw HTML through even with
`-raw_html` (jgm/pandoc#8305). We follow Hugo's Goldmark default (`unsafe = false`): raw HTML
is not rendered, it is dropped with a warning naming the line. A site that trusts its authors
sets `unsafe_html = true` in presskit.toml, and even then scripts, frames, objects, `<style>`,
`<link>` (attachments), event handlers and `file:` URLs are removed. In every case link
targets are only http(s), mailto and in-document anchors, `{style=…}` attributes are dropped,
very long words get break opportunities (WeasyPrint lays out an unbreakable 50,000-character
word in quadratic time) and nesting deeper than the renderer can lay out is refused with a line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import panflute as pf

from presskit.errors import MAX_DEPTH, Diagnostic, PresskitError
from presskit.output.paper import LONG_WORD, WORD_CHUNK, ZWSP, break_runs  # noqa: F401 (tests)
from presskit.source.post import Post

# Code is copied from the PDF: a log line or a JSON blob of a few hundred characters stays
# byte for byte (CSS wraps it); only a pathological run gets break points.
CODE_LONG_WORD = 2000

MAX_RAW_WARNINGS = 5  # then one line with the count: a post full of <br> is not 1000 lines

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https", "data"})
# Attributes a post may set on an element (`{width=50%}`); everything else is dropped.
SAFE_ATTRIBUTES = frozenset({"width", "height", "lang", "dir", "title", "alt", "start", "type"})
LENGTH = re.compile(r"[0-9]{1,5}(?:\.[0-9]{1,3})?(?:px|%|em|rem|cm|mm|in|pt|ex|ch)?")
HTML_FORMATS = frozenset({"html", "html4", "html5"})

# With `unsafe_html = true`: elements removed with everything inside them, and void ones.
DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frameset",
        "object",
        "applet",
        "noscript",
        "template",
        "svg",
        "math",
        "head",
        "title",
        "textarea",
        "select",
        "button",
        "form",
        "audio",
        "video",
        "canvas",
    }
)
DROP_VOID = frozenset(
    {"link", "meta", "base", "embed", "frame", "input", "source", "track", "param"}
)
VOID = frozenset({"area", "br", "col", "hr", "img", "wbr", *DROP_VOID})
URL_ATTRIBUTES = frozenset({"href", "src"})
TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")
HTML_ATTRIBUTES = frozenset(
    {
        *SAFE_ATTRIBUTES,
        "id",
        "class",
        "href",
        "src",
        "colspan",
        "rowspan",
        "align",
        "valign",
        "scope",
        "headers",
        "abbr",
        "datetime",
        "cite",
        "reversed",
        "span",
        "style",
    }
)
_CONTROL = re.compile(r"[\x00-\x20]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.S)
UNSAFE_STYLE = re.compile(
    r"url\s*\(|@|\\|expression|behavior|position|-moz-binding|image|file:|javascript:", re.I
)


@dataclass
class Sanitizer:
    """Options and findings of one pass; `body` (the post's text) places warnings on lines."""

    unsafe_html: bool = False
    source: str | None = None
    lang: str = "en"  # of the words printed for an embedded video
    body: str = ""
    body_line: int = 1
    warn: Callable[[Diagnostic], None] | None = None
    # The raw elements pandoc read from the post (see `for_post`); raw output a shortcode
    # handler makes is the site's own code and passes. None: police every raw element.
    post_raw: list[pf.Element] | None = None
    _post_raw_ids: frozenset[int] = frozenset()  # ids are stable: `post_raw` keeps them alive
    warnings: list[Diagnostic] = field(default_factory=list)
    relative_links: list[tuple[str, int | None]] = field(default_factory=list)
    raw_dropped: int = 0
    _cursor: int = 0

    @classmethod
    def for_post(cls, doc: pf.Doc, post: Post, **options: Any) -> Sanitizer:
        """Made right after pandoc read the post: refuses too deep a tree before anything walks
        it, and notes which raw elements came from the post."""
        sanitizer = cls(
            source=str(post.path),
            lang=post.lang,
            body=post.body,
            body_line=post.body_line,
            **options,
        )
        sanitizer.post_raw = check_depth(doc, sanitizer)  # one walk: depth and raw elements
        sanitizer._post_raw_ids = frozenset(id(raw) for raw in sanitizer.post_raw)
        return sanitizer

    def from_post(self, elem: pf.Element) -> bool:
        return self.post_raw is None or id(elem) in self._post_raw_ids

    def line_of(self, text: str) -> int | None:
        """The file line where `text` next occurs, searching on from the last hit."""
        needle = text.strip().split("\n", 1)[0][:80]
        if not needle:
            return None
        index = self.body.find(needle, self._cursor)
        if index < 0:
            index = self.body.find(needle)
            if index < 0:
                return None
        self._cursor = index + 1
        return self.body_line + self.body.count("\n", 0, index)

    def note(self, message: str, line: int | None) -> None:
        diagnostic = Diagnostic(message, self.source, line)
        self.warnings.append(diagnostic)
        if self.warn is not None:
            self.warn(diagnostic)


def sanitize(doc: pf.Doc, sanitizer: Sanitizer) -> None:
    """Apply the policy to `doc` in place (after the shortcode filter)."""
    check_depth(doc, sanitizer)  # handlers may have nested further
    doc.walk(lambda elem, _doc: _embedding_paragraph(elem, sanitizer))
    doc.walk(lambda elem, _doc: _action(elem, sanitizer))
    if sanitizer.raw_dropped > MAX_RAW_WARNINGS:
        sanitizer.note(
            f"{sanitizer.raw_dropped - MAX_RAW_WARNINGS} more raw HTML elements not rendered", None
        )
    if sanitizer.relative_links:
        # Common and harmless (`../other-post/` without base_url): one warning, not dozens.
        count = len(sanitizer.relative_links)
        first, line = sanitizer.relative_links[0]
        sanitizer.note(
            f"{count} relative link{'s' if count > 1 else ''} kept as plain text (first: "
            f"{_snippet(first)}); set `base_url` in presskit.toml to link site-relative ones",
            line,
        )


# --------------------------------------------------------------------------- nesting


def _children(elem: pf.Element) -> list[pf.Element]:
    kids: list[pf.Element] = []
    content = getattr(elem, "content", None)
    if content is not None and not isinstance(content, str):
        kids.extend(content)
    for name in ("head", "foot", "caption"):
        part = getattr(elem, name, None)
        if isinstance(part, pf.Element):
            kids.append(part)
    if isinstance(elem, pf.DefinitionItem):
        kids.extend([*elem.term, *elem.definitions])
    return kids


# Containers that become an HTML element of their own (paragraphs hold only inlines).
_FLAT = (pf.Para, pf.Plain, pf.Str, pf.Space, pf.SoftBreak, pf.LineBreak, pf.Caption)


def _counts(elem: pf.Element) -> bool:
    return not isinstance(elem, _FLAT)


def check_depth(doc: pf.Doc, sanitizer: Sanitizer) -> list[pf.Element]:
    """Refuse a tree deeper than MAX_DEPTH before anything recursive walks it.

    Returns the raw elements met on the way: before the shortcode filter runs, the raw HTML
    pandoc read from the post.
    """
    raw: list[pf.Element] = []
    stack: list[tuple[pf.Element, int]] = [(child, 0) for child in doc.content]
    while stack:
        elem, depth = stack.pop()
        if isinstance(elem, pf.RawBlock | pf.RawInline):
            raw.append(elem)
        level = depth + (1 if _counts(elem) else 0)
        if level > MAX_DEPTH:
            line = _first_line(elem, sanitizer)
            raise PresskitError(
                f"nested deeper than {MAX_DEPTH} levels (quotes, lists or divs); "
                "the PDF cannot lay it out",
                sanitizer.source,
                line=line,
            )
        stack.extend((child, level) for child in _children(elem))
    return raw


def _first_line(elem: pf.Element, sanitizer: Sanitizer) -> int | None:
    """The line of the first word inside `elem`, found by searching the post's text."""
    stack = [elem]
    while stack:
        item = stack.pop()
        if isinstance(item, pf.Str | pf.Code | pf.CodeBlock) and item.text.strip():
            return sanitizer.line_of(item.text)
        stack.extend(reversed(_children(item)))
    return None


_QUOTE = re.compile(r"[ \t]{0,3}>")


def check_source_nesting(markdown: str, *, source: str | None, line_offset: int = 0) -> None:
    """Refuse `> > > …` chains before pandoc and the JSON reader recurse on them.

    Only `>` markers at the start of a line count (fenced code is skipped; `- - -` is a rule,
    not a list), so the count is never more than the real depth: what it refuses is too deep.
    """
    fence: str | None = None
    for number, line in enumerate(markdown.split("\n"), start=1):
        stripped = line.lstrip(" \t>")
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        depth, pos = 0, 0
        while match := _QUOTE.match(line, pos):
            depth += 1
            pos = match.end()
            if depth > MAX_DEPTH:
                raise PresskitError(
                    f"nested deeper than {MAX_DEPTH} levels (quotes, lists or divs); "
                    "the PDF cannot lay it out",
                    source,
                    line=number + line_offset,
                )


def deepest_line(markdown: str) -> int:
    """Where a tree too deep for the JSON reader most likely nests: the line with the most
    indentation and nesting marks. Only for the error message; the refusal does not guess."""
    best, best_score = 1, -1
    for number, line in enumerate(markdown.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        score = indent // 2 + sum(line.count(mark) for mark in ">*_[")
        if score > best_score:
            best, best_score = number, score
    return best


# --------------------------------------------------------------------------- the pass


def _action(elem: pf.Element, sanitizer: Sanitizer) -> pf.Element | list[pf.Element] | None:
    if isinstance(elem, pf.RawBlock | pf.RawInline):
        return _raw(elem, sanitizer) if sanitizer.from_post(elem) else None
    if isinstance(elem, pf.Str):
        return _break_long_word(elem)
    if isinstance(elem, pf.Code | pf.CodeBlock):
        elem.text = break_runs(elem.text, CODE_LONG_WORD)
    if hasattr(elem, "attributes"):
        _clean_attributes(elem, sanitizer)
    if isinstance(elem, pf.Link):
        return _link(elem, sanitizer)
    if isinstance(elem, pf.Image):
        return _image(elem, sanitizer)
    return None


def _raw(elem: pf.RawBlock | pf.RawInline, sanitizer: Sanitizer) -> pf.Element | list[pf.Element]:
    if elem.format.lower() not in HTML_FORMATS:
        return []  # `{=latex}` and friends never reach an HTML page anyway
    line = sanitizer.line_of(elem.text)  # also keeps the search cursor in step with the post
    cleaner = _HtmlCleaner(max_depth=MAX_DEPTH if sanitizer.unsafe_html else None)
    try:
        cleaner.feed(elem.text)
        cleaner.close()
    except _TooDeep:
        raise PresskitError(
            f"raw HTML nested deeper than {MAX_DEPTH} levels", sanitizer.source, line=line
        ) from None
    if not cleaner.embeds:
        if not sanitizer.unsafe_html:
            _not_rendered(elem.text, sanitizer, line)
            return []
        for removed in sorted(set(cleaner.removed)):
            sanitizer.note(f"removed {removed} from raw HTML", line)
        text = cleaner.result()
        return type(elem)(text, format="html") if text.strip() else []
    # A player or frame: paper prints its address (and a QR code) where it stood; the rest of
    # the chunk is what it would be without one (`<iframe …></iframe> More text` keeps the text).
    block = isinstance(elem, pf.RawBlock)
    out: list[pf.Element] = []
    rest: list[str] = []
    for piece in cleaner.pieces():
        if isinstance(piece, str):
            rest.append(piece)
            if sanitizer.unsafe_html and piece.strip():
                out.append(type(elem)(piece, format="html"))
            continue
        out.extend(
            embed(url, block, sanitizer.lang, warn=lambda m: sanitizer.note(m, line))
            for url in player_pages(piece)
        )
    if not sanitizer.unsafe_html:
        _not_rendered("".join(rest), sanitizer, line)
    else:
        for removed in sorted(set(cleaner.removed)):
            sanitizer.note(f"removed {removed} from raw HTML", line)
    return out


def _not_rendered(text: str, sanitizer: Sanitizer, line: int | None) -> None:
    """Hugo's default drops raw HTML; say so, once a chunk, for at most a few chunks."""
    if not text.strip() or _is_comment(text) or text.lstrip().startswith("</"):
        return
    sanitizer.raw_dropped += 1
    if sanitizer.raw_dropped > MAX_RAW_WARNINGS:
        return
    sanitizer.note(
        f"raw HTML not rendered: {_snippet(text)} "
        "(set `unsafe_html = true` in presskit.toml to allow it)",
        line,
    )


def _is_comment(text: str) -> bool:
    """Comments print nothing in Hugo either; a closing tag was reported with its opening."""
    return bool(_COMMENT.fullmatch(text))


def _snippet(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 40 else first[:39] + "…"


def _break_long_word(elem: pf.Str) -> pf.Str | None:
    if len(elem.text) > LONG_WORD:
        elem.text = break_runs(elem.text)
    return None


# --------------------------------------------------------------------------- embeds

EMBED_TAGS = frozenset({"iframe", "video", "source", "embed"})
EMBED_SRC = re.compile(
    r"<(?:iframe|video|source|embed)\b[^>]*?\bsrc\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I
)
# A player's embed address → the page a reader opens (and a phone scans).
PLAYER_PAGES = (
    (
        re.compile(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
)


def embedded_media(raw: str) -> list[str]:
    """The web addresses of the videos and frames a raw HTML chunk embeds, as pages to open.

    Paper cannot play them: where one stood, its address and a QR code are printed instead of
    nothing."""
    return player_pages(html.unescape(match.group(1)) for match in EMBED_SRC.finditer(raw))


def player_pages(urls: Iterable[str]) -> list[str]:
    """Embed addresses as the pages a reader opens (and a phone scans), each once."""
    pages = []
    for url in urls:
        for player, page in PLAYER_PAGES:
            found = player.match(url)
            if found:
                url = page.format(found.group(1))
                break
        pages.append(url)
    return list(dict.fromkeys(pages))


_RAW_LINE = (pf.RawInline, pf.Space, pf.SoftBreak, pf.LineBreak)


def _embedding_paragraph(elem: pf.Element, sanitizer: Sanitizer) -> list[pf.Element] | None:
    """A paragraph of nothing but raw HTML that embeds media (pandoc reads `<video …>` on a
    line of its own as inline HTML) is a block: the address and a QR code, not a bare link."""
    if not isinstance(elem, pf.Para | pf.Plain) or not all(
        isinstance(child, _RAW_LINE) for child in elem.content
    ):
        return None
    raws = [child for child in elem.content if isinstance(child, pf.RawInline)]
    if not raws or not all(sanitizer.from_post(raw) and raw.format in HTML_FORMATS for raw in raws):
        return None
    embedded = embedded_media("".join(raw.text for raw in raws))
    if not embedded:
        return None
    at = sanitizer.line_of(raws[0].text)  # also keeps the search cursor in step with the post
    return [
        embed(url, True, sanitizer.lang, warn=lambda m: sanitizer.note(m, at)) for url in embedded
    ]


def embed(
    url: str,
    block: bool,
    lang: str,
    title: str = "",
    warn: Callable[[str], None] | None = None,
) -> pf.Element:
    """What paper prints for a player at `url`: in a sentence its link; alone, a QR code and
    the link under `title` (else "View online"). One look for an `<iframe>` the post embeds
    and a `{{< youtube >}}` shortcode (`presskit.shortcodes.handlers.video_html`). A URL too
    long for any QR code keeps its link, and `warn` says so."""
    from presskit import i18n

    link = pf.Link(pf.Str(url), url=url)
    if not block:
        return link
    from presskit.output.release import QRTooLong, qr_svg_uri

    words = title or i18n.label(lang, "view_online")
    text = pf.Para(pf.Strong(*_words(words)), pf.LineBreak(), link)
    try:
        qr = pf.Image(url=qr_svg_uri(url), classes=["qr"], attributes={"alt": ""})
    except QRTooLong as error:
        if warn is not None:
            warn(f"embedded player: {error}")
        return pf.Div(text, classes=["embed"])
    return pf.Div(pf.Plain(qr), text, classes=["embed"])


def _words(text: str) -> list[pf.Inline]:
    return [pf.Space() if w.isspace() else pf.Str(w) for w in re.split(r"(\s+)", text) if w]


def _clean_attributes(elem: pf.Element, sanitizer: Sanitizer) -> None:
    attributes = elem.attributes
    for key in list(attributes):
        value = attributes[key]
        lowered = key.lower()
        if lowered == "style":
            sanitizer.note(f"style attribute dropped: {_snippet(value)}", sanitizer.line_of(value))
            del attributes[key]
        elif lowered in ("width", "height"):
            if not LENGTH.fullmatch(value.strip()):
                del attributes[key]
        elif lowered not in SAFE_ATTRIBUTES and not lowered.startswith("data-"):
            del attributes[key]


def _scheme(url: str) -> str | None:
    """The URL's scheme, lower-cased; None for relative references."""
    # Browsers ignore control characters and whitespace inside a scheme (`java\tscript:`).
    match = _SCHEME.match(_CONTROL.sub("", url.strip()))
    return match.group(1).lower() if match else None


def link_allowed(url: str) -> bool:
    """Targets a PDF may carry: http(s), mailto and in-document anchors."""
    return _link_allowed(url.strip(), _scheme(url))


def _link_allowed(url: str, scheme: str | None) -> bool:
    """`link_allowed` for a stripped `url` whose scheme is known."""
    if url.startswith("#"):
        return True
    if scheme not in LINK_SCHEMES:
        return False
    if scheme in ("http", "https"):
        try:
            return bool(urlsplit(url).hostname)
        except ValueError:
            return False
    return True


def _link(elem: pf.Link, sanitizer: Sanitizer) -> pf.Element | list[pf.Element] | None:
    scheme = _scheme(elem.url)
    if _link_allowed(elem.url.strip(), scheme):
        return None
    if scheme is None:
        sanitizer.relative_links.append((elem.url, sanitizer.line_of(elem.url)))
        return pf.Span(*elem.content)
    sanitizer.note(
        f"link to {_snippet(elem.url)} kept as plain text: only http(s), mailto and #anchor "
        "links are kept in the PDF",
        sanitizer.line_of(elem.url),
    )
    return pf.Span(*elem.content)


def image_allowed(url: str) -> bool:
    scheme = _scheme(url)
    if scheme is None:
        return not url.strip().startswith("//")  # relative: the fetcher checks the path
    if scheme == "data":
        return url.strip()[5:].lower().startswith("image/")
    return scheme in IMAGE_SCHEMES


def _image(elem: pf.Image, sanitizer: Sanitizer) -> pf.Element | list[pf.Element] | None:
    if image_allowed(elem.url):
        return None
    sanitizer.note(
        f"image {_snippet(elem.url)} not shown: only http(s), data: and files beside the post",
        sanitizer.line_of(elem.url),
    )
    return pf.Span(*elem.content)


# --------------------------------------------------------------------------- unsafe_html


class _TooDeep(Exception):
    pass


class _HtmlCleaner(HTMLParser):
    """Re-serializes an HTML fragment keeping only harmless elements and attributes."""

    def __init__(self, max_depth: int | None = MAX_DEPTH) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.removed: list[str] = []
        self.skipping: list[str] = []  # open elements dropped with their content
        self.depth = 0
        self.max_depth = max_depth
        # Players and frames met, in order: (index in `out` where one stood, its addresses).
        self.embeds: list[tuple[int, list[str]]] = []
        self._playing: list[str] = []  # addresses of the dropped element being skipped

    def result(self) -> str:
        return "".join(self.out)

    def pieces(self) -> list[str | list[str]]:
        """The output split where players stood: kept HTML, then a player's addresses, …"""
        pieces: list[str | list[str]] = []
        start = 0
        for at, urls in self.embeds:
            pieces += ["".join(self.out[start:at]), urls]
            start = at
        pieces.append("".join(self.out[start:]))
        return pieces

    def _player(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in EMBED_TAGS:
            src = dict(attrs).get("src") or ""
            if _scheme(src) in ("http", "https"):
                self._playing.append(src.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        if self.skipping:
            self._player(tag, attrs)
            if tag == self.skipping[-1] and not closed:
                self.skipping.append(tag)
            return
        if not TAG_NAME.fullmatch(tag):
            self.removed.append("a malformed tag")
            return
        if tag in DROP_WITH_CONTENT or tag in DROP_VOID:
            self._player(tag, attrs)
            if tag in DROP_WITH_CONTENT and not closed:
                self.skipping.append(tag)
            else:
                self._played(tag)
            return
        if tag not in VOID and not closed:
            self.depth += 1
            if self.max_depth is not None and self.depth > self.max_depth:
                raise _TooDeep
        kept = []
        for name, value in attrs:
            value = value or ""
            if name not in HTML_ATTRIBUTES and not name.startswith("data-"):
                if name.startswith("on"):
                    self.removed.append(f"{name}= handler")
                continue
            if name in URL_ATTRIBUTES and not (
                image_allowed(value) if name == "src" else link_allowed(value)
            ):
                self.removed.append(f"{name}={_snippet(value)}")
                continue
            if name == "style" and UNSAFE_STYLE.search(value):
                self.removed.append("a style reaching outside its element")
                continue
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}{' /' if closed else ''}>")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
                if not self.skipping:
                    self._played(tag)
            return
        if tag in DROP_WITH_CONTENT or tag in DROP_VOID or not TAG_NAME.fullmatch(tag):
            return
        if tag not in VOID:
            self.depth = max(self.depth - 1, 0)
        self.out.append(f"</{tag}>")

    def _played(self, tag: str) -> None:
        """A dropped element ended: a player becomes its addresses, anything else a removal."""
        if self._playing:
            self.embeds.append((len(self.out), self._playing))
            self._playing = []
        else:
            self.removed.append(f"<{tag}>")

    def close(self) -> None:
        super().close()
        if self.skipping:  # never closed here: it ran to the chunk's end
            if self._playing or self.skipping[0] not in EMBED_TAGS:
                self._played(self.skipping[0])
            # else an inline `<video>` whose `<source src=…>` is pandoc's next raw chunk
            self.skipping = []

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))

    def handle_entityref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        return None

    def handle_decl(self, decl: str) -> None:
        return None

    def handle_pi(self, data: str) -> None:
        return None

    def unknown_decl(self, data: str) -> None:
        return None
