"""Rewrites of the converted HTML fragment for paper: what a reader cannot click or scroll to.

A printed link is only its words, so each external link gets its URL as a footnote (WeasyPrint
lays out `float: footnote`). Quote figures are gathered for the supporting-quotes sheet, and the
dateline opens the first paragraph. The fragment is pandoc's HTML, so its shapes are regular:
`<a href="…">`, `<figure class="quote">` and `<p>` are matched as pandoc writes them.
"""

from __future__ import annotations

import html
import re
from unicodedata import east_asian_width

from markupsafe import Markup, escape

from presskit.shortcodes.markers import LATIN_APOSTROPHE_CLASS

# A run of more than LONG_WORD characters with no break opportunity gets a zero-width space
# every WORD_CHUNK characters: long enough for any URL or hash a reader copies, short enough to
# keep line breaking linear.
LONG_WORD = 256
WORD_CHUNK = 64
ZWSP = "\u200b"


def break_runs(text: str, longest: int = LONG_WORD) -> str:
    if len(text) <= longest:
        return text
    return re.sub(rf"[^\s{ZWSP}]{{{longest + 1},}}", lambda m: _chunk(m.group()), text)


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_VERBATIM = {"style", "script", "title", "pre", "code", "textarea"}
_LONG_RUN = re.compile(rf"[^\s{ZWSP}<]{{{LONG_WORD + 1},}}")
_TAG = re.compile(r"<[^>]*>")


def _has_long_run(text: str) -> bool:
    """Whether `_LONG_RUN` matches in `text`."""
    words = text.replace(ZWSP, " ").replace("<", " ").split()
    return any(len(word) > LONG_WORD for word in words)


def break_long_words(document: str) -> str:
    """The body's rule for every text a document prints: title, subtitle, description,
    dateline, authors, contacts, the About text — whatever a theme's template shows. WeasyPrint
    lays out an unbreakable 50,000-character word in minutes, wherever it stands.

    Text between tags only (attributes such as data: URIs are left whole), not inside
    `<style>`, `<pre>`, `<code>` (code has its own, longer rule) or `<title>`; a document
    with no long run is returned as it came.

    Whether any text has a long run is asked of its words (`str.split`, the same whitespace
    as the pattern's), every tag made a space: searching the document with `_LONG_RUN` tries
    each position against the run after it, and the page's logo, a data: URI of a kilobyte
    or more in a `src`, then sent every render tag by tag through the loop below (1.2 ms a
    document, three documents a post)."""
    if not _has_long_run(_TAG.sub(" ", document)):
        return document
    parts = _TAG_OR_TEXT.split(document)
    open_verbatim = 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?\s*([A-Za-z][\w-]*)", part)
            if name and name.group(1).lower() in _VERBATIM:
                open_verbatim += -1 if part.startswith("</") else 1
                open_verbatim = max(open_verbatim, 0)
        elif not open_verbatim and _LONG_RUN.search(part):
            parts[i] = html.escape(break_runs(html.unescape(part)), quote=False)
    return "".join(parts)


def _chunk(word: str) -> str:
    return ZWSP.join(word[i : i + WORD_CHUNK] for i in range(0, len(word), WORD_CHUNK))


LINK = re.compile(r'<a\b[^>]*?\bhref="(https?://[^"]+)"[^>]*>(.*?)</a>', re.S)
QUOTE = re.compile(r'<figure\b[^>]*\bclass="[^"]*\bquote\b[^"]*"[^>]*>.*?</figure>', re.S)
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>")
TAGS = re.compile(r"<[^>]+>")
ID_ATTR = re.compile(r'\s(?:id|name)="[^"]*"')
# LATIN_APOSTROPHE_CLASS (markers): presskit.shortcodes.textflow marks the body; this, the title.
# The call of a URL cited before: the theme prints the first note's number (target-counter).
NOTE_AGAIN_CLASS = "note-again"
WORD_APOSTROPHE = re.compile(r"(?<=[A-Za-z])’(?=[A-Za-z])")


def quote_figures(fragment: str) -> list[str]:
    """Every attributed quote figure, ids dropped so the copies on the sheet do not clash.

    A journalist can quote only words someone said: an unattributed quote stays in the
    release but is not on the sheet (see `unattributed_quotes`)."""
    return [ID_ATTR.sub("", figure) for figure in QUOTE.findall(fragment) if _attributed(figure)]


def unattributed_quotes(fragment: str) -> int:
    return sum(1 for figure in QUOTE.findall(fragment) if not _attributed(figure))


def _attributed(figure: str) -> bool:
    caption = re.search(r"<figcaption\b[^>]*>(.*?)</figcaption>", figure, re.S)
    return caption is not None and bool(TAGS.sub("", caption.group(1)).strip())


def unattributed_warning(count: int) -> str:
    return (
        f"{count} quote{'s' if count > 1 else ''} without a caption naming the speaker left off "
        'the supporting-quotes sheet (`{{< quote caption="Name, role" >}}`)'
    )


def _bare(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def footnote_links(fragment: str, id_prefix: str = "link-note") -> str:
    """`<a href=URL>words</a>` + a footnote holding URL, unless the words already are the URL.

    A URL cited again gets no second footnote: its call is a link to the first one, which the
    theme numbers with `target-counter()`, so the reader finds one note per source. The first
    note carries the id `{id_prefix}-N`; a press kit passes a prefix per post so that its
    sections' ids stay apart.
    """
    first: dict[str, str] = {}

    def note(match: re.Match[str]) -> str:
        href, words = match.group(1), TAGS.sub("", match.group(2)).strip()
        words = words.replace(ZWSP, "").replace(WORD_JOINER, "")  # `breakable_paths`' marks
        if _bare(href) == _bare(words.replace("&amp;", "&")):
            return match.group(0)
        if href in first:
            return f'{match.group(0)}<a class="{NOTE_AGAIN_CLASS}" href="#{first[href]}"></a>'
        first[href] = f"{id_prefix}-{len(first) + 1}"
        note_id = first[href]
        return (
            f'{match.group(0)}<span class="link-note" id="{note_id}">{breakable_url(href)}</span>'
        )

    return LINK.sub(note, fragment)


ZWSP, WORD_JOINER = "\u200b", "\u2060"
URL_BREAK_BEFORE = re.compile(r"(?<=[^/])([-?#&=])")
URL_BREAK_AFTER = re.compile(r"(?<=[^/:])/(?=[^/])")


def breakable_url(href: str) -> str:
    """A URL (HTML-escaped, as in the fragment) that wraps where a reader expects: after a
    `/`, before a `-`, `?`, `#`, `&` or `=` (so a line never ends on a hyphen that looks like
    hyphenation), never after an existing hyphen, and not inside `https://`.

    The marks are a zero-width space and a word joiner: Pango draws no glyph for either, so
    the PDF's text (what a reader copies) is the URL as written."""
    return str(escape(url_breaks(html.unescape(href))))


def url_breaks(url: str) -> str:
    """`breakable_url`'s marks in plain text."""
    url = URL_BREAK_AFTER.sub("/" + ZWSP, url)
    return URL_BREAK_BEFORE.sub(ZWSP + r"\1", url).replace("-", "-" + WORD_JOINER)


# A run of Latin letters, digits and punctuation with a `/` inside it: a URL or path written
# as text (`edition.cnn.com/health`, `cluster.local/ns/default/sa/sleep`), long enough that
# an unbreakable run would leave the line before it short.
_PATH_RUN = re.compile(r"[!-;=?-~]{12,}")


def breakable_paths(fragment: str, *, cjk: bool = False) -> str:
    """URLs and paths in the running text (and in inline code) wrap as the notes' URLs do,
    and also before a dot; in Chinese and Japanese text, between any two letters too.

    Pango breaks such a run nowhere (`edition.cnn.com/health` is one word to it): a justified
    line before it was left with the room of the whole run, spread between its characters
    (the formal theme's egress post: 0.24 em between every two). In a CJK line even
    `edition` is often wider than the room left, and the room goes to the few CJK characters
    of a line of URLs; Chinese and Japanese typesetting breaks a long Latin run anywhere
    rather than letter-space the line (Word's and WPS's "allow Latin text to wrap in the
    middle of a word"). Inline code, in any language, keeps its identifiers' words whole but
    breaks at its punctuation, after a scheme's `:` and its `//` and between the words of a
    camel-case name (`Service|Scope`), `/` or not: an unbreakable `httpbin.foo:*`,
    `kubernetes://istio` or `AuthorizationPolicy` left the line before it with word spaces of
    one or two ems.
    Text between tags only, not in `<pre>`, `<style>` or `<title>`; in running text, a run
    without a `/` inside it (an English hyphenated word, a version) is left alone."""
    parts = _TAG_OR_TEXT.split(fragment)
    open_verbatim = open_code = 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?\s*([A-Za-z][\w-]*)", part)
            tag = name.group(1).lower() if name else ""
            step = -1 if part.startswith("</") else 1
            if tag in ("pre", "style", "script", "title", "textarea"):
                open_verbatim = max(open_verbatim + step, 0)
            elif tag == "code":
                open_code = max(open_code + step, 0)
        elif open_verbatim:
            continue
        elif open_code:
            # code keeps its identifiers whole: it breaks at its punctuation and between
            # the words of a camel-case name (`Service|Scope`), also without a `/`
            text = html.unescape(part)
            marked = _CODE_RUN.sub(_code_breaks, text)
            if marked != text:
                parts[i] = html.escape(marked, quote=False)
        elif "/" in part:
            text = html.unescape(part)
            marked = _PATH_RUN.sub(_path_breaks_cjk if cjk else _path_breaks, text)
            if marked != text:
                parts[i] = html.escape(marked, quote=False)
    return "".join(parts)


# In the running text also before a dot between two letters (the Chicago Manual's rule for
# URLs): `edition.cnn.com/` alone is wider than the room a line usually has left.
_DOT_BREAK = re.compile(r"(?<=\w)\.(?=\w)")


_LETTERS = re.compile(r"(?<=[A-Za-z0-9]{2})(?=[A-Za-z0-9]{2})")  # two letters a side, at least


def _path_breaks(match: re.Match[str]) -> str:
    run = match.group()
    if "/" not in run.strip("/"):
        return run
    return _DOT_BREAK.sub(ZWSP + ".", url_breaks(run))


_CODE_RUN = re.compile(r"[!-;=?-~]{10,}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")
# After a scheme's colon and after its `//` (the Chicago Manual's "after a colon or a double
# slash"): in a note the URL has a line of its own, in running code `kubernetes://istio` is
# otherwise one unbreakable word, and `kubernetes://` alone did not fit the room the egress
# post's Chinese list item had left (word spaces of 1.4 em; `kubernetes:` fits).
_SCHEME_END = re.compile(r"(?<=\w)://(?=[^/\s])")


def _code_breaks(match: re.Match[str]) -> str:
    run = _SCHEME_END.sub(":" + ZWSP + "//" + ZWSP, match.group())
    return _CAMEL.sub(ZWSP, _DOT_BREAK.sub(ZWSP + ".", url_breaks(run)))


def _path_breaks_cjk(match: re.Match[str]) -> str:
    marked = _path_breaks(match)
    return marked if marked == match.group() else _LETTERS.sub(ZWSP, marked)


def add_dateline(fragment: str, dateline: str, separator: str = " ") -> str:
    """CJK text runs on after the dash (`separator=""`); other scripts take a space."""
    if not dateline:
        return fragment
    span = f'<span class="dateline">{escape(dateline)}</span>{separator}'
    match = FIRST_PARAGRAPH.search(fragment)
    if match is None:
        return f"<p>{span}</p>{fragment}"
    return fragment[: match.end()] + span + fragment[match.end() :]


ENDNOTES = re.compile(
    r'<section id="footnotes" class="footnotes[^"]*"[^>]*>(.*?)</section>\s*', re.S
)
ENDNOTE = re.compile(r'<li id="fn(\d+)">(.*?)</li>', re.S)
NOTE_REF = re.compile(r'<a href="#fn(\d+)" class="footnote-ref"[^>]*>.*?</a>', re.S)
BACK_LINK = re.compile(r'\s*<a href="#fnref\d+" class="footnote-back"[^>]*>.*?</a>', re.S)
NOTE_BLOCKS = re.compile(r"<(?:pre|ul|ol|table|div|blockquote|figure|h\d)\b")
LINK_NOTE_SPAN = re.compile(r'<span class="link-note"(?: id="[^"]*")?>(.*?)</span>', re.S)


def notes_on_page(fragment: str) -> str:
    """The post's own footnotes (`[^1]`) at the foot of the page that cites them.

    pandoc gathers them at the end under a rule, numbered from 1 with `↩` back links, while the
    link URLs are page footnotes numbered from 1 too: two notes "1" on one printed page. Here a
    note becomes a footnote in the same sequence as the URLs, at its call. A URL inside a note
    follows its words in parentheses (a footnote cannot hold another). Notes holding blocks
    (code, lists, tables) stay at the end, as pandoc wrote them.
    """
    section = ENDNOTES.search(fragment)
    if section is None:
        return fragment
    notes = ENDNOTE.findall(section.group(1))
    if not notes or any(NOTE_BLOCKS.search(body) for _, body in notes):
        return fragment
    pending = {number: _note_text(note) for number, note in notes}

    def footnote(match: re.Match[str]) -> str:
        # the first call of each note becomes it; any other call stays as pandoc wrote it
        text = pending.pop(match.group(1), None)
        if text is None:
            return match.group(0)
        return f'<span class="link-note post-note">{text}</span>'

    # one pass over the document for all the calls, not one per note
    body = NOTE_REF.sub(footnote, fragment[: section.start()] + fragment[section.end() :])
    return fragment if pending else body


def _note_text(note: str) -> str:
    text = BACK_LINK.sub("", note).strip()
    text = re.sub(r"</p>\s*<p>", "<br>", text)
    text = re.sub(r"^<p>|</p>$", "", text).strip()
    return LINK_NOTE_SPAN.sub(r" (\1)", text)


LEAD_IN = re.compile(
    r"<p>((?:(?!</p>).)*?[:：])</p>"
    r'(\s*<(?:(?:pre|ul|ol|table|figure|blockquote)\b|div class="(?:sourceCode|quote|embed)"))',
    re.S,
)


QUOTE_LEAD_IN = re.compile(r'<p>((?:(?!</p>).)*?)</p>(\s*<(?:figure|div) class="quote")', re.S)


def keep_lead_ins(fragment: str) -> str:
    """A paragraph ending in a colon introduces what follows (a command, a list, a table, a
    quote, a figure), and so does any paragraph right before a pull quote ("we asked some of
    them for their thoughts."): it is marked `lead-in` so the theme keeps it on the page of what
    it introduces, instead of leaving it alone at the foot of a page."""
    fragment = LEAD_IN.sub(r'<p class="lead-in">\1</p>\2', fragment)
    return QUOTE_LEAD_IN.sub(r'<p class="lead-in">\1</p>\2', fragment)


CODE_BLOCK = re.compile(r"(<pre\b[^>]*>\s*<code\b[^>]*>)(.*?)(</code>\s*</pre>)", re.S)
CODE_LINE = re.compile(r'<span id="cb[^"]*">(.*?)</span>\n?(?=<span id="cb|$)', re.S)
TAG = re.compile(r"<[^>]*>")
# pandoc's anchor on each highlighted line: the line's id, and an empty link to it.
LINE_ANCHOR = re.compile(
    r'<span id="(cb[^"]*)"><a href="#\1" aria-hidden="true" tabindex="-1"></a>'
)
LINKED_LINE = re.compile(r'href="#(cb[^"]*)"')

# The fewest columns a code line is assumed to hold: the default theme's A4 measure holds about
# 85, an A5 page's about 52, and A5 inside a quote and three nested lists about 42. A line of N
# columns wraps onto at most ceil(N / WRAP_COLUMNS) lines, and only a line that can wrap carries
# ↪ marks. Each mark is a background layer WeasyPrint lays out and draws as an
# SVG on every line that has it, wrapped or not: twelve on every line were 17 % of a corpus
# post's render.
WRAP_COLUMNS = 32
# How many marks a line gets, rounded up to one of these (each has its rule in press.css).
MARK_TIERS = (1, 2, 4, 12)


def code_lines(fragment: str) -> str:
    """Each line of a code block as its own `span` (pandoc's highlighter already makes one per
    line; plain blocks get `span.line`), with no newline between them: the theme sets each as a
    block that hangs its continuation lines and marks them with ↪ when a long line wraps.
    A line long enough to wrap gets class `marks-K`: room for K marks (see WRAP_COLUMNS).

    pandoc anchors each highlighted line for the web (`<span id="cb1-3"><a href="#cb1-3" …>`,
    a link from the line to itself). On paper there is nothing to click, yet each is a box
    WeasyPrint lays out, a link and a named destination it writes, and the id gives the line,
    and every token in it, a style of its own: a quarter of the body render of a post with
    135 lines of code. They are left out; a line the post links to keeps its id."""
    linked = set(LINKED_LINE.findall(LINE_ANCHOR.sub("", fragment)))

    def lines(match: re.Match[str]) -> str:
        start, code, end = match.groups()
        if '<span id="cb' in code:
            code = CODE_LINE.sub(
                lambda line: _highlighted(line.group(0).rstrip("\n"), line.group(1), linked),
                code,
            )
        else:
            code = "".join(
                _line(line, line, highlighted=False) for line in code.rstrip("\n").split("\n")
            )
        return start + code + end

    return CODE_BLOCK.sub(lines, fragment)


def _highlighted(whole: str, inner: str, linked: set[str]) -> str:
    anchor = LINE_ANCHOR.match(whole)
    if anchor is None or not TAG.sub("", whole[anchor.end() :]).strip():
        # a blank line's empty link is what gives it a line's height: kept, with its target
        return _line(whole, inner, highlighted=True)
    marks = _marks(inner)
    ident = anchor.group(1)
    attributes = (f' class="{marks}"' if marks else "") + (
        f' id="{ident}"' if ident in linked else ""
    )
    return f"<span{attributes}>{whole[anchor.end() :]}"


def _line(whole: str, inner: str, *, highlighted: bool) -> str:
    marks = _marks(inner)
    if highlighted:
        return whole if not marks else whole.replace("<span ", f'<span class="{marks}" ', 1)
    classes = f"line {marks}" if marks else "line"
    return f'<span class="{classes}">{whole}</span>'


def _marks(inner: str) -> str:
    """`marks-K` for a line of code (its HTML) that may wrap, or ""."""
    text = html.unescape(TAG.sub("", inner))
    columns = sum(8 if c == "\t" else 2 if east_asian_width(c) in "WF" else 1 for c in text)
    wanted = -(-columns // WRAP_COLUMNS) - 1  # continuation lines, at most
    if wanted <= 0:
        return ""
    tier = next((t for t in MARK_TIERS if t >= wanted), MARK_TIERS[-1])
    return f"marks-{tier}"


def latin_apostrophes_html(text: str) -> Markup:
    """A front-matter title for the template: escaped first (a title is text, never markup),
    then each English word's apostrophe wrapped in `span.latin-punct`."""
    span = f'<span class="{LATIN_APOSTROPHE_CLASS}">’</span>'
    return Markup(WORD_APOSTROPHE.sub(span, str(escape(text))))
