"""Hugo's verdict on a page: would `hugo` (no flags) publish it, and if not, why.

A press kit is built from the same content the website is, so the batch records what Hugo
would do with each post beside what presskit did. The rules are Hugo's (0.168), held to the
binary by tests (`hugo list drafts|future|expired` and a real build of generated sites):

- `draft: true` is not published without `--buildDrafts`;
- `headless: true` makes no page (Hugo turns it into `build: {render: never, list: never}`);
- `build.render: never` writes no page; `link` gives a permalink but writes no page either;
- a `publishDate` (else `date`) later than now is not published without `--buildFuture`;
- an `expiryDate` earlier than now is not published without `--buildExpired`.

Dates without a zone are in the site's `timezone`, as Hugo reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from presskit.source.site import to_datetime

__all__ = ["VERDICTS", "Verdict", "hugo_verdict"]

VERDICTS = ("published", "future", "expired", "draft", "headless", "not-rendered")

# Hugo's default front-matter date fallbacks (`frontmatter` config left as is).
_PUBLISH_KEYS = ("publishdate", "pubdate", "published", "date")
_EXPIRY_KEYS = ("expirydate", "unpublishdate")


@dataclass(frozen=True)
class Verdict:
    state: str  # one of VERDICTS
    detail: str  # the front matter that decided it, for people
    when: dt.datetime | None = None  # the publish or expiry moment, for future and expired


def _first_date(meta: Mapping[str, Any], keys: tuple[str, ...], zone: str | None) -> Any:
    for key in keys:
        moment = to_datetime(meta.get(key), zone)
        if moment is not None:
            return moment, key
    return None, None


def _truthy(value: Any) -> bool:
    """Hugo's `cast.ToBool`: `true`, `"true"`, `1` … are true."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "t")
    return bool(value)


def _build_options(meta: Mapping[str, Any]) -> tuple[str, str]:
    """`build.render` and `build.list` (`_build` is the old spelling; booleans are the old
    values: `render: false` is never)."""
    raw = meta.get("build", meta.get("_build"))
    options = {str(k).lower(): v for k, v in raw.items()} if isinstance(raw, Mapping) else {}

    def option(key: str) -> str:
        value = options.get(key, "always")
        if isinstance(value, bool):
            return "always" if value else "never"
        return str(value).strip().lower() or "always"

    return option("render"), option("list")


def hugo_verdict(
    meta: Mapping[str, Any], *, timezone: str | None = None, now: dt.datetime | None = None
) -> Verdict:
    """What plain `hugo` does with a page of this front matter (keys case-insensitive)."""
    lowered = {str(k).lower(): v for k, v in meta.items()}
    moment = now or dt.datetime.now(dt.UTC)
    if _truthy(lowered.get("draft", False)):
        return Verdict("draft", "draft: true")
    if _truthy(lowered.get("headless", False)):
        return Verdict("headless", "headless: true")
    render, _listed = _build_options(lowered)
    if render in ("never", "link"):
        return Verdict("not-rendered", f"build.render: {render}")
    expiry, expiry_key = _first_date(lowered, _EXPIRY_KEYS, timezone)
    if expiry is not None and expiry < moment:
        return Verdict("expired", f"{expiry_key} {expiry.isoformat()}", expiry)
    publish, publish_key = _first_date(lowered, _PUBLISH_KEYS, timezone)
    if publish is not None and publish > moment:
        return Verdict("future", f"{publish_key} {publish.isoformat()}", publish)
    return Verdict("published", "")
