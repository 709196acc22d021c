"""What the front-matter readers share: the split post, the parsed result, one date parser
and the nesting limits. Its own module so that the YAML reader (`frontyaml`, imported only when
YAML must be parsed) and `post` (TOML, JSON, and everything after parsing) both use it without
importing each other."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

MAX_NESTING = 50  # containers, counting the top-level mapping as 1
# PyYAML is pure Python (~25 µs a value); this keeps the worst 256 KiB under half a second.
MAX_YAML_VALUES = 20_000


@dataclass
class Split:
    fmt: str | None
    front: str  # the front matter text (for JSON: the object itself)
    front_line: int  # file line where `front` starts
    open_line: int  # file line of the opening delimiter
    body: str
    body_line: int
    json_keys: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- dates

DATE = re.compile(
    r"""(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]*))?)?
       (?:[ \t]*(?P<tz>[Zz]|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?""",
    re.VERBOSE,
)
DATE_SHAPE = "expected a date like 2023-07-12 or 2023-07-12T09:00:00+08:00"


class NotADate(ValueError):
    """The text is not shaped like a date at all (as opposed to 2024-02-30, a wrong date)."""


def parse_date(text: str) -> dt.date | dt.datetime:
    """One parser for YAML timestamps and quoted dates alike, so both behave the same.

    Raises ValueError whose message says what is wrong (e.g. "day is out of range for month").
    """
    match = DATE.fullmatch(text.strip())
    if match is None:
        raise NotADate(DATE_SHAPE)
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    if match["h"] is None:
        return dt.date(year, month, day)
    tzinfo: dt.tzinfo | None = None
    if match["tz"] in ("Z", "z"):
        tzinfo = dt.UTC
    elif match["tz"]:
        digits = match["tz"][1:].replace(":", "")
        hours, minutes = (
            (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        )
        offset = dt.timedelta(hours=hours, minutes=minutes)
        tzinfo = dt.timezone(-offset if match["tz"][0] == "-" else offset)
    micro = int((match["f"] or "")[:6].ljust(6, "0"))
    second = int(match["s"] or 0)
    return dt.datetime(year, month, day, int(match["h"]), int(match["mi"]), second, micro, tzinfo)


@dataclass
class Parsed:
    meta: dict[Any, Any]
    lines: dict[str, int]  # top-level key -> file line
    plain: dict[str, Any]  # YAML only: source text of plain scalars (str, or list per item)
    warnings: list[tuple[str, int]]


def value_kind(value: object) -> str:
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, set | frozenset):
        return "a set"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__
