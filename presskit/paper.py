"""Rewrites of the converted HTML fragment for paper: what a reader cannot click or scroll to.

A printed link is only its words, so each external link gets its URL as a footnote (WeasyPrint
lays out `float: footnote`). Quote figures are gathered for the supporting-quotes sheet, and the
dateline opens the first paragraph. The fragment is pandoc's HTML, so its shapes are regular:
`<a href="…">`, `<figure class="quote">` and `<p>` are matched as pandoc writes them.
"""

from __future__ import annotations

import re

from markupsafe import escape

LINK = re.compile(r'<a\b[^>]*?\bhref="(https?://[^"]+)"[^>]*>(.*?)</a>', re.S)
QUOTE = re.compile(r'<figure\b[^>]*\bclass="[^"]*\bquote\b[^"]*"[^>]*>.*?</figure>', re.S)
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>")
TAGS = re.compile(r"<[^>]+>")
ID_ATTR = re.compile(r'\s(?:id|name)="[^"]*"')


def quote_figures(fragment: str) -> list[str]:
    """Every quote figure, ids dropped so the copies on the sheet do not clash."""
    return [ID_ATTR.sub("", figure) for figure in QUOTE.findall(fragment)]


def _bare(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def footnote_links(fragment: str) -> str:
    """`<a href=URL>words</a>` + a footnote holding URL, unless the words already are the URL."""

    def note(match: re.Match[str]) -> str:
        href, words = match.group(1), TAGS.sub("", match.group(2)).strip()
        if _bare(href) == _bare(words.replace("&amp;", "&")):
            return match.group(0)
        return f'{match.group(0)}<span class="link-note">{href}</span>'

    return LINK.sub(note, fragment)


def add_dateline(fragment: str, dateline: str, separator: str = " ") -> str:
    """CJK text runs on after the dash (`separator=""`); other scripts take a space."""
    if not dateline:
        return fragment
    span = f'<span class="dateline">{escape(dateline)}</span>{separator}'
    match = FIRST_PARAGRAPH.search(fragment)
    if match is None:
        return f"<p>{span}</p>{fragment}"
    return fragment[: match.end()] + span + fragment[match.end() :]
