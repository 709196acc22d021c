"""Straight quotes made typographic where pandoc's `smart` extension does not reach: front
matter printed on the page, and the words a shortcode takes as parameters (a caption, a
quote's speaker), which become text, never Markdown. No imports: the page and the pandoc
filter both use it."""

from __future__ import annotations


def _latin_or_accented(char: str) -> bool:
    return (char.isascii() and char.isalnum()) or "\u00c0" <= char <= "\u024f"


def typographic_quotes(text: str) -> str:
    """Straight quotes typed in front matter or in a shortcode's words (a caption, a quote's
    speaker) made typographic, as pandoc's `smart` extension makes them in the body:
    `Istio's "ambient" mode` → `Istio’s “ambient” mode`, and `的"环境"模式` → `的“环境”模式`.
    Double quotes pair up in turn; `'` after a Latin letter or digit is an apostrophe (or a
    closing quote: both are ’), and so is one before a year's digits (`'90s`); any other `'`
    opens, or closes a quote it opened."""
    if "'" not in text and '"' not in text:
        return text
    out = []
    double_open = single_open = False
    for index, char in enumerate(text):
        if char == '"':
            out.append("”" if double_open else "“")
            double_open = not double_open
        elif char == "'":
            before = text[index - 1] if index else ""
            after = text[index + 1 : index + 4]
            year = after[:2].isdigit() and not after[2:].isdigit()
            if _latin_or_accented(before) or year:
                out.append("’")
                if not _latin_or_accented(after[:1]):  # not inside a word: it closes the quote
                    single_open = False
            elif single_open:
                out.append("’")
                single_open = False
            else:
                out.append("‘")
                single_open = True
        else:
            out.append(char)
    return "".join(out)
