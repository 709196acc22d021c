#!/usr/bin/env python3
"""presskit's pandoc filter: Hugo shortcodes become real document structure.

Run it under pandoc (`pandoc post.md --filter presskit-filter -o post.docx`) or in-process
from the renderer: both go through `main(doc)`, so a press kit and a docx made from the same
post agree. The heavy lifting (the shortcode grammar) lives in `presskit.source.lexer`; this file
keeps to small actions, one per kind of element, like panflute's own examples.

Under plain pandoc the shortcodes reach us as words pandoc already parsed (`{{<`, `quote`,
smart quotes, code spans); `presskit.shortcodes.recover` puts them back together first, into the
same marker elements the renderer's source pass writes, so both paths end in the same handlers.

Options come from document metadata, so plain pandoc can set them with `-M`:
`presskit.base-url` (site-relative links become absolute), `presskit.page-url` (the post's path
on the site, for `../other-post/` links), `presskit.lang` (labels), `presskit.unknown` (`keep` |
`drop` | `error` for shortcodes nobody handles), `presskit.resource-path` (the folder images must
be in; missing ones become a placeholder), `presskit.values.NAME` (what a site-data shortcode
such as `istio_release_name` prints).
"""

from __future__ import annotations

import io
import re
import sys
from itertools import accumulate
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout: make `presskit` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import panflute as pf

from presskit import extensions, i18n, quickexit
from presskit.errors import MAX_DEPTH, PresskitError, capped, printable
from presskit.shortcodes import markers
from presskit.shortcodes.handlers import Context, handle, missing_images, substitute_values
from presskit.shortcodes.recover import recover
from presskit.shortcodes.textflow import (
    bind_last_characters,
    join_cjk_breaks,
    mark_latin_apostrophes,
)


def prepare(doc: pf.Doc) -> None:
    # The renderer attaches its own context (to collect warnings); plain pandoc does not.
    if getattr(doc, "presskit", None) is None:
        doc.presskit = Context.from_doc(doc)
    if not doc.presskit.in_process:
        # Under pandoc: installed extensions and PRESSKIT_EXTENSIONS, never the document's
        # metadata (a post's front matter can set that). The renderer loads its config's.
        extensions.load(extensions.from_environment(), source=extensions.ENVIRONMENT)
        recover(doc, doc.presskit.warn)


def action(elem: pf.Element, doc: pf.Doc) -> pf.Element | list[pf.Element] | None:
    if isinstance(elem, pf.Div | pf.Span) and markers.CLASS in elem.classes:
        return handle(elem, doc.presskit)
    if isinstance(elem, pf.CodeBlock) and markers.TEXT_CLASS in elem.classes:
        elem.classes = [c for c in elem.classes if c != markers.TEXT_CLASS]
        return None
    if isinstance(elem, pf.Link):
        url = substitute_values(elem.url, doc.presskit)
        elem.url = doc.presskit.absolute_url(url)
        return None
    if isinstance(elem, pf.Image):
        elem.url = doc.presskit.absolute_url(elem.url, for_image=True)
        return None
    return None


def finalize(doc: pf.Doc) -> None:
    missing_images(doc, doc.presskit)
    # After the shortcodes are gone, so that breaks inside a rebuilt quote are joined too.
    join_cjk_breaks(doc)
    if i18n.is_cjk(doc.presskit.lang):
        mark_latin_apostrophes(doc)
        bind_last_characters(doc)
    if not doc.presskit.in_process:
        for warning in capped(doc.presskit.warnings):
            print(printable(f"presskit-filter: warning: {warning}"), file=sys.stderr)


TOO_DEEP = (
    f"nested deeper than {MAX_DEPTH} levels (quotes, lists or divs); the PDF cannot lay it out"
)
# pandoc's JSON takes two or three levels per level of quotes, lists or divs: the renderer's
# bound (sanitize.MAX_DEPTH, checked before anything recursive walks the tree) in JSON terms.
MAX_JSON_DEPTH = 4 * MAX_DEPTH + 32
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: no alternation per character
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply the JSON nests, counted without recursion (json.loads would recurse).

    The brackets outside strings, summed as they come (in C: a Python loop over a post's
    few thousand brackets cost a tenth of the filter's own work)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(0, max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0))


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    if doc is not None:
        return pf.run_filter(action, prepare=prepare, finalize=finalize, doc=doc)
    try:
        text = sys.stdin.read()
        if json_depth(text) > MAX_JSON_DEPTH:
            raise PresskitError(TOO_DEEP)
        doc = pf.load(io.StringIO(text))
        pf.run_filter(action, prepare=prepare, finalize=finalize, doc=doc)
        pf.dump(doc)
    except PresskitError as error:  # under pandoc: one line, no traceback, non-zero exit
        print(printable(f"presskit-filter: error: {error}"), file=sys.stderr)
        sys.exit(1)
    except RecursionError:  # what the bound above did not foresee: still one line
        print(f"presskit-filter: error: {TOO_DEEP}", file=sys.stderr)
        sys.exit(1)
    quickexit.leave()  # the document's tree is not freed object by object


if __name__ == "__main__":
    main()
