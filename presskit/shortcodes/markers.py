"""The contract between the source pass and the pandoc filter.

The source pass (`presskit.shortcodes.expand`) turns each Hugo shortcode into a pandoc-native
element (a fenced Div, a bracketed Span or a fenced code block) carrying these attributes; the
filter (`presskit/shortcodes/filter.py`) rewrites those elements per output format. Params travel as
percent-encoded JSON so that no caption, however hostile, can break out of pandoc's attribute
syntax or become markup: the AST stays self-contained and the filter a pure function of it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

CLASS = "hugo-shortcode"
# What a shortcode no handler knows becomes: its inner content kept with a warning, dropped with
# a warning, or a located error (`-M presskit.unknown=`, `unknown_shortcodes` in presskit.toml).
UNKNOWN_POLICIES = ("keep", "drop", "error")
TEXT_CLASS = "hugo-text"  # on the code block a `text` shortcode became
# An English word's apostrophe in a CJK document (`it’s`): set in the Latin face by the theme,
# since Noto CJK draws `’` full-width. Here, not in `presskit.output.paper` (which marks the
# title), so that the pandoc filter need not import the page's HTML rewriting.
LATIN_APOSTROPHE_CLASS = "latin-punct"
NAME = "name"
PARAMS = "params"
POS = "pos"

Params = dict[str, Any] | list[Any]


def encode_params(params: Params) -> str:
    return quote(json.dumps(params, ensure_ascii=False, separators=(",", ":")), safe="")


def decode_params(value: str) -> Params:
    try:
        decoded = json.loads(unquote(value)) if value else {}
    except json.JSONDecodeError:
        return {}
    return decoded if isinstance(decoded, dict | list) else {}


def attributes(name: str, params: Params, line: int | None = None, col: int | None = None) -> str:
    """Pandoc attribute block text, e.g. `{.hugo-shortcode name="quote" params="…"}`."""
    pos = f' {POS}="{line}:{col}"' if line is not None else ""
    safe_name = quote(name, safe="_-.")
    return f'{{.{CLASS} {NAME}="{safe_name}" {PARAMS}="{encode_params(params)}"{pos}}}'
