"""Unknown keys in a TOML settings file, reported with their line and the key that was meant.

`tomllib` keeps no positions and the settings readers take what they know, so `pagesize = "A5"`
used to be ignored without a word and the kit printed on A4. A schema (what each table may
hold) is checked against the parsed data; each key it does not know becomes a warning naming
the file, the line, and the nearest known key (`difflib`), as mkdocs says "Unrecognised
configuration name". Lines come from a small scan of the text: table headers, array-of-tables
headers and `key =` lines, which is every way presskit's own files are written; a key the scan
cannot place (inside an inline table) is reported at its table's line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Union

from presskit.errors import Diagnostic

# A schema maps each key a table may hold to: None (a value), a nested Schema (a table),
# a one-item list holding a Schema (an array of tables), or ANY (a table of free keys).
ANY = "any"
Where = tuple[str | int, ...]  # a key's place: table names, and array entries by index
Schema = Mapping[str, Union[str, "Schema", list["Schema"], None]]

_HEADER = re.compile(r"^\s*(\[\[?)\s*(?P<name>[^\]\[,=]+?)\s*\]\]?\s*(?:#.*)?$")
_NAME = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*(?P<key>{_NAME}(?:\s*\.\s*{_NAME})*)\s*=")
_PART = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*""")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(m.group(1) or m.group(2) or m.group(3) or "" for m in _PART.finditer(dotted))


def key_lines(text: str) -> dict[Where, int]:
    """Each key's line: `("brand", "contacts", 1, "name")` for the second contact's name."""
    lines: dict[Where, int] = {}
    table: Where = ()
    arrays: dict[Where, int] = {}
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header is not None:
            path = _parts(header.group("name"))
            if header.group(1) == "[[":
                index = arrays.get(path, -1) + 1
                arrays[path] = index
                table = (*path, index)
            else:
                table = _indexed(path, arrays)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        lines.setdefault((*table, *_parts(key.group("key"))), number)
        rest = line[key.end() :]
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2 == 1:
                in_string = quote
    return lines


def _indexed(path: tuple[str, ...], arrays: dict[Where, int]) -> Where:
    """`[brand.contacts.extra]` after the second `[[brand.contacts]]` is inside that entry."""
    out: list[str | int] = []
    for part in path:
        out.append(part)
        if tuple(out) in arrays:
            out.append(arrays[tuple(out)])
    return tuple(out)


def _unknown(
    data: Mapping[str, Any], schema: Schema, where: Where
) -> Iterator[tuple[Where, str, list[str]]]:
    for key, value in data.items():
        if key not in schema:
            yield where, key, list(schema)
            continue
        inner = schema[key]
        if isinstance(inner, Mapping) and isinstance(value, Mapping):
            yield from _unknown(value, inner, (*where, key))
        elif isinstance(inner, list) and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _unknown(item, inner[0], (*where, key, index))


def unknown_keys(
    text: str, data: Mapping[str, Any], schema: Schema, path: Path
) -> list[Diagnostic]:
    """A warning for each key of `data` that `schema` does not know."""
    found = list(_unknown(data, schema, ()))
    if not found:
        return []
    lines = key_lines(text)
    warnings = []
    for table, key, known in found:
        probe: Where = (*table, key)
        line = lines.get(probe)
        while line is None and len(probe) > 1:  # an inline table's key: at its table's line
            probe = probe[:-1]
            line = lines.get(probe)
        names = [str(part) for part in table if isinstance(part, str)]
        place = f" in [{'.'.join(names)}]" if names else ""
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else ""
        warnings.append(Diagnostic(f'unknown key "{key}"{place}, ignored{hint}', str(path), line))
    return warnings
