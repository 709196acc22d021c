"""Press-release conventions a post's front matter drives: embargo, dateline, contacts, URL.

All optional. `embargo` is a moment with its time zone (`2023-07-12T09:00:00-07:00`, or a
`timezone: America/Los_Angeles` key beside it for a named zone); until it passes, every page
carries "Embargoed until …" in the post's language, in the audience's zone first (a zh-CN
release: 北京时间; `embargo_zones` in presskit.toml names others) and then in the embargo's own,
and after it the same rebuild says "For immediate release". `dateline: SHANGHAI` opens the
first paragraph in the language's house style, dated by the embargo when there is one, else by
the post, as the calendar reads at the dateline's place (`dateline_zone: Asia/Shanghai` where
presskit does not know the place).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presskit import i18n
from presskit.brand import Config, Contact, contacts_from
from presskit.errors import PresskitError
from presskit.source.post import (
    LANGUAGE_TREE_SECTIONS,
    PRINTED_LIMITS,
    Post,
    shorten,
    shortened_warning,
)

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

CONTENT_DIR = "content"


@dataclass(frozen=True)
class Release:
    lang: str
    embargo: dt.datetime | None
    embargoed: bool  # the embargo is still in force at render time
    status: str  # "Embargoed until …" or "For immediate release"
    dateline: str  # "SHANGHAI, July 12, 2023 —" or ""
    contacts: tuple[Contact, ...]
    end_mark: str
    canonical_url: str | None
    warnings: tuple[str, ...] = ()


def _moment(value: Any, post: Post, key: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = _fromiso(value)
        except ValueError:
            raise PresskitError(
                f"front matter `{key}`: not a date and time like 2023-07-12T09:00:00-07:00, "
                f"got {value!r}",
                post.path,
                line=post.line_of(key),
            ) from None
    else:
        raise PresskitError(
            f"front matter `{key}` must be a date and time", post.path, line=post.line_of(key)
        )
    _within_calendar(moment, post, key)
    zone = _zone(post, "timezone")
    if zone is not None:
        moment = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


# A moment is shown in other zones (the embargo line, the dateline's town): up to 26 hours
# either way. Python's datetime ends at years 1 and 9999, so a moment in those years has no
# such neighbour and would end in an OverflowError; no press release is dated there.
FIRST_YEAR, LAST_YEAR = 2, 9998


def _within_calendar(moment: dt.date, post: Post, key: str) -> None:
    if isinstance(moment, dt.datetime) and not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise PresskitError(
            f"front matter `{key}`: {moment.isoformat()} is outside the years "
            f"{FIRST_YEAR}–{LAST_YEAR} that can be shown in other time zones",
            post.path,
            line=post.line_of(key),
        )


def _zone(post: Post, key: str) -> ZoneInfo | None:
    name = post.meta.get(key)
    if name is None:
        return None
    if not isinstance(name, str):
        raise PresskitError(
            f"front matter `{key}` must be a name like Asia/Shanghai",
            post.path,
            line=post.line_of(key),
        )
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only for a post that names a zone

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PresskitError(
            f"front matter `{key}`: unknown time zone {name!r}", post.path, line=post.line_of(key)
        ) from None


def _dateline_day(
    place: str, day: dt.date | dt.datetime, post: Post, lang: str
) -> tuple[dt.date | dt.datetime, str | None]:
    """The date at the dateline's place: 09:00 in Los Angeles is already tomorrow in Shanghai.
    A place presskit cannot locate keeps the moment's own date, and says so."""
    if not isinstance(day, dt.datetime) or day.tzinfo is None:
        return day, None  # a calendar date is the same date everywhere it is quoted
    zone = _zone(post, "dateline_zone")
    if zone is None:
        name = i18n.place_zone(place, lang)
        if name is None:
            return day, (
                f"dateline {place!r}: no time zone known for this place; dated as in "
                f"{i18n.zone_name(day)} (add `dateline_zone: Area/City` to the front matter)"
            )
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(name)
    return day.astimezone(zone), None


def _fromiso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def parse_moment(text: str) -> dt.datetime:
    """`--as-of` values: an ISO date or date-time; UTC when no zone is given."""
    moment = _fromiso(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def canonical_path(post: Post, default_lang: str) -> str | None:
    """The post's URL path without a Hugo site config: `url`/`slug` win, else its place
    under content/, or under the language folders of a copied content tree (`zh/blog/…`).

    The site's default language lives at the root (Hugo's default), others under `/<lang>/`.
    """
    url = post.meta.get("url")
    if isinstance(url, str) and url.strip():
        return "/" + url.strip().strip("/") + "/"
    rel = content_parts(post.path.resolve())
    if rel is None:
        return None
    name = rel.pop()
    stem = name.split(".")[0]
    if stem not in ("index", "_index"):
        rel.append(stem)
    slug = post.meta.get("slug")
    if isinstance(slug, str) and slug.strip() and rel:
        rel[-1] = slug.strip()
    if rel and rel[0].lower() == default_lang.lower():
        rel = rel[1:]
    return "/" + "/".join(rel) + ("/" if rel else "")


def content_parts(path: Path) -> list[str] | None:
    """The path's parts below `content/`, or from the language folder of a tree whose root
    holds the language folders (`zh/blog/…`, a copied content tree); None when neither."""
    parts = path.parts
    if CONTENT_DIR in parts[:-1]:
        return list(parts[len(parts) - parts[::-1].index(CONTENT_DIR) :])
    for index in range(len(parts) - 3, 0, -1):
        if _LANGUAGE_FOLDER.fullmatch(parts[index]) and (
            parts[index + 1].lower() in LANGUAGE_TREE_SECTIONS
        ):
            return list(parts[index:])
    return None


_LANGUAGE_FOLDER = re.compile(r"[A-Za-z]{2}(?:[-_](?:[A-Za-z]{2}|[A-Za-z]{4}))?")


def canonical_url(post: Post, config: Config) -> str | None:
    """Hugo's permalink when the post is in a Hugo site (presskit.toml's `base_url` still
    wins over the site's `baseURL`), else the path rule above on presskit.toml's base URL."""
    explicit = post.meta.get("canonical")
    if isinstance(explicit, str) and re.match(r"https?://", explicit):
        return explicit
    site = config.site
    page = site.locate(post.path) if site is not None else None
    if site is not None and page is not None:
        base = config.base_url if "base_url" in config.explicit else site.base_for(page.lang)
        if not base:
            return None
        link = site.relpermalink(page, post.meta)
        return base.rstrip("/") + "/" + link.lstrip("/")
    if not config.base_url:
        return None
    path = canonical_path(post, config.lang)
    return config.base_url.rstrip("/") + path if path else None


def embargo_moment(post: Post) -> dt.datetime | None:
    """When the post's embargo lifts (aware), or None when it has none. The one part of a
    release that depends on the clock: a build counts which side of it "now" is as an input."""
    raw = post.meta.get("embargo")
    return _moment(raw, post, "embargo") if raw is not None else None


def release_for(
    post: Post,
    config: Config,
    *,
    now: dt.datetime | None = None,
    ignore_embargo: bool = False,
) -> Release:
    lang = post.lang or config.lang
    now = now or dt.datetime.now(dt.UTC)
    embargo = embargo_moment(post)
    embargoed = embargo is not None and not ignore_embargo and now < embargo
    zones = config.embargo_zones or i18n.audience_zones(lang)
    status = (
        i18n.label(lang, "embargoed", when=i18n.format_moments(embargo, lang, zones))
        if embargoed and embargo is not None
        else i18n.label(lang, "immediate")
    )
    place = post.meta.get("dateline")
    if place is not None and not isinstance(place, str):
        raise PresskitError("front matter `dateline` must be a place name", post.path)
    day = embargo or post.date
    dateline, warnings = "", []
    if place and len(place.strip()) > PRINTED_LIMITS["dateline"]:
        warnings.append(shortened_warning("dateline", len(place.strip())))
        place = shorten(place.strip(), PRINTED_LIMITS["dateline"])
    if place and place.strip() and day is not None:
        if embargo is None:  # the date is shown in the dateline town's zone: it must have one
            _within_calendar(day, post, "date" if post.line_of("date") else "publishDate")
        day, warning = _dateline_day(place.strip(), day, post, lang)
        warnings += [warning] if warning else []
        dateline = i18n.label(
            lang, "dateline", place=place.strip(), date=i18n.format_date(day, lang)
        )
    raw_contacts = post.meta.get("contacts")
    contacts = (
        contacts_from(raw_contacts, post.path, "contacts")
        if raw_contacts is not None
        else config.brand.contacts
    )
    return Release(
        lang=lang,
        embargo=embargo,
        embargoed=embargoed,
        status=status,
        dateline=dateline,
        contacts=contacts,
        end_mark=i18n.label(lang, "end"),
        canonical_url=canonical_url(post, config),
        warnings=tuple(warnings),
    )


class QRTooLong(ValueError):
    """A URL longer than any QR code holds (about 2,300 bytes at the error level we print)."""


def qr_svg_uri(url: str, colour: str = "#000000") -> str:
    """The canonical URL as a QR code: SVG, so it stays sharp in print.

    Raises QRTooLong for a URL no QR code can hold; callers say which post and leave it out.
    """
    import segno
    from segno.encoder import DataOverflowError

    try:
        code = segno.make(url, error="m")
    except DataOverflowError:
        raise QRTooLong(
            f"URL too long for a QR code ({len(url.encode('utf-8'))} bytes); no QR code printed"
        ) from None
    return code.svg_data_uri(scale=4, dark=colour, border=0, nl=False)
