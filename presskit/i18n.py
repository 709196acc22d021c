"""Every localized word of the page and every date format, in one table (a shortcode's own
words are in its declaration).

Kept free of heavy imports: the filter and the CLI both read it. Unknown languages fall back
to English (the caller is told, so it can warn).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any, NamedTuple

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "press_release": "Press release",
        "page": "Page {page} of {pages}",
        "published": "Published",
        "by": "By",
        "keywords": "Keywords",
        "contents": "Contents",
        "about": "About {brand}",
        "quote": "Quote",
        "end": "###",
        "embargoed": "Embargoed until {when}",
        "immediate": "For immediate release",
        "media_contacts": "Media contacts",
        "quotes_sheet": "Supporting quotes",
        "read_online": "Read online",
        "notes": "Links",
        "dateline": "{place}, {date} —",
        "datetime": "{date}, {time} {zone}",
        "zones": "{first} / {second}",
        "languages": "Languages: {names}",
        "embargoed_several": "Contains embargoed releases: each one’s embargo is on its pages",
    },
    "zh-CN": {
        "press_release": "新闻稿",
        "page": "第 {page} 页，共 {pages} 页",
        "published": "发布日期",
        "by": "作者",
        "keywords": "关键词",
        "contents": "目录",
        "about": "关于 {brand}",
        "quote": "引言",
        "end": "（完）",
        "embargoed": "新闻禁发，解禁时间：{when}",
        "immediate": "即时发布",
        "media_contacts": "媒体联系人",
        "quotes_sheet": "引言摘录",
        "read_online": "在线阅读",
        "notes": "链接",
        "dateline": "{place}，{date}——",
        "datetime": "{date} {time}（{zone}）",
        "zones": "{first}／{second}",
        "languages": "语言：{names}",
        "embargoed_several": "含禁发新闻稿：解禁时间见各篇",
    },
    "zh-TW": {
        "press_release": "新聞稿",
        "page": "第 {page} 頁，共 {pages} 頁",
        "published": "發布日期",
        "by": "作者",
        "keywords": "關鍵詞",
        "contents": "目錄",
        "about": "關於 {brand}",
        "quote": "引言",
        "end": "（完）",
        "embargoed": "新聞禁發，解禁時間：{when}",
        "immediate": "即時發布",
        "media_contacts": "媒體聯絡人",
        "quotes_sheet": "引言摘錄",
        "read_online": "線上閱讀",
        "notes": "連結",
        "dateline": "{place}，{date}——",
        "datetime": "{date} {time}（{zone}）",
        "zones": "{first}／{second}",
        "languages": "語言：{names}",
        "embargoed_several": "含禁發新聞稿：解禁時間見各篇",
    },
    "ja": {
        "press_release": "プレスリリース",
        "page": "{page} / {pages} ページ",
        "published": "発行日",
        "by": "著者",
        "keywords": "キーワード",
        "contents": "目次",
        "about": "{brand} について",
        "quote": "引用",
        "end": "以上",
        "embargoed": "報道解禁：{when}",
        "immediate": "即日発表",
        "media_contacts": "報道関係者お問い合わせ先",
        "quotes_sheet": "関係者コメント",
        "read_online": "オンラインで読む",
        "notes": "リンク",
        "dateline": "【{place}】{date}――",
        "datetime": "{date} {time}（{zone}）",
        "zones": "{first}／{second}",
        "languages": "言語：{names}",
        "embargoed_several": "解禁前の資料を含みます（解禁日時は各資料に記載）",
    },
    "ko": {
        "press_release": "보도자료",
        "page": "{pages}쪽 중 {page}쪽",
        "published": "발행일",
        "by": "작성자",
        "keywords": "키워드",
        "contents": "목차",
        "about": "{brand} 소개",
        "quote": "인용",
        "end": "###",
        "embargoed": "엠바고: {when} 이후 보도",
        "immediate": "즉시 보도 가능",
        "media_contacts": "언론 문의",
        "quotes_sheet": "관계자 인용문",
        "read_online": "온라인에서 읽기",
        "notes": "링크",
        "dateline": "[{place}] {date} —",
        "datetime": "{date} {time} ({zone})",
        "zones": "{first} / {second}",
        "languages": "언어: {names}",
        "embargoed_several": "엠바고 자료 포함: 해제 시각은 각 자료에 표기",
    },
    "es": {
        "press_release": "Comunicado de prensa",
        "page": "Página {page} de {pages}",
        "published": "Publicado",
        "by": "Por",
        "keywords": "Palabras clave",
        "contents": "Índice",
        "about": "Acerca de {brand}",
        "quote": "Cita",
        "end": "###",
        "embargoed": "Bajo embargo hasta el {when}",
        "immediate": "Para publicación inmediata",
        "media_contacts": "Contacto de prensa",
        "quotes_sheet": "Citas de apoyo",
        "read_online": "Leer en línea",
        "notes": "Enlaces",
        "dateline": "{place}, {date}.–",
        "datetime": "{date}, {time} ({zone})",
        "zones": "{first} / {second}",
        "languages": "Idiomas: {names}",
        "embargoed_several": "Contiene comunicados bajo embargo: cada uno indica el suyo",
    },
    "fr": {
        "press_release": "Communiqué de presse",
        "page": "Page {page} sur {pages}",
        "published": "Publié le",
        "by": "Par",
        "keywords": "Mots-clés",
        "contents": "Sommaire",
        "about": "À propos de {brand}",
        "quote": "Citation",
        "end": "###",
        "embargoed": "Sous embargo jusqu’au {when}",
        "immediate": "Pour diffusion immédiate",
        "media_contacts": "Contacts presse",
        "quotes_sheet": "Citations",
        "read_online": "Lire en ligne",
        "notes": "Liens",
        "dateline": "{place}, le {date} –",
        "datetime": "{date} à {time} ({zone})",
        "zones": "{first} / {second}",
        "languages": "Langues : {names}",
        "embargoed_several": "Contient des communiqués sous embargo : chacun indique le sien",
    },
    "de": {
        "press_release": "Pressemitteilung",
        "page": "Seite {page} von {pages}",
        "published": "Veröffentlicht",
        "by": "Von",
        "keywords": "Schlagwörter",
        "contents": "Inhalt",
        "about": "Über {brand}",
        "quote": "Zitat",
        "end": "###",
        "embargoed": "Sperrfrist: {when}",
        "immediate": "Zur sofortigen Veröffentlichung",
        "media_contacts": "Pressekontakt",
        "quotes_sheet": "Zitate",
        "read_online": "Online lesen",
        "notes": "Links",
        "dateline": "{place}, {date} –",
        "datetime": "{date}, {time} Uhr ({zone})",
        "zones": "{first} / {second}",
        "languages": "Sprachen: {names}",
        "embargoed_several": "Enthält Mitteilungen mit Sperrfrist: jede nennt ihre",
    },
}

# The words shortcodes print (a callout's label, a missing image's note) are in their
# declarations (`presskit.shortcodes.handlers`, `presskit.shortcodes.istio`), with the rest of
# each shortcode.

# The sanitizer's word for an embedded video or frame, printed as its address and a QR code.
EMBED_LABELS = {
    "en": "View online",
    "zh-CN": "在线观看",
    "zh-TW": "線上觀看",
    "ja": "オンラインで見る",
    "ko": "온라인에서 보기",
    "es": "Ver en línea",
    "fr": "Voir en ligne",
    "de": "Online ansehen",
}
for _lang, _word in EMBED_LABELS.items():
    LABELS[_lang]["view_online"] = _word

# Clock times: English press style (AP) says "9:00 a.m."; every other language gets CLDR's
# 24-hour clock for it (an embargo hour must not be read as the wrong half of the day).
PRESS_TIME_STYLES = {"en": "{h12}:{mm} {ampm}"}


# Regional CJK glyphs follow the tag: Noto CJK picks JP shapes for a bare `zh` (measured), so
# the HTML gets the regional tag and the CSS names the regional font outright.
CJK_REGIONS = {
    "zh": "zh-CN",
    "zh-cn": "zh-CN",
    "zh-sg": "zh-CN",
    "zh-hans": "zh-CN",
    "zh-hans-cn": "zh-CN",
    "zh-tw": "zh-TW",
    "zh-hant": "zh-TW",
    "zh-hant-tw": "zh-TW",
    "zh-hk": "zh-HK",
    "zh-mo": "zh-HK",
    "zh-hant-hk": "zh-HK",
}

CJK_FONT_SUFFIX = {"zh-CN": "SC", "zh-TW": "TC", "zh-HK": "TC", "ja": "JP", "ko": "KR"}


def html_lang(lang: str) -> str:
    """The tag to put on `<html lang>`: regional for Chinese, as given otherwise."""
    key = lang.strip().replace("_", "-").lower()
    if key in CJK_REGIONS:
        return CJK_REGIONS[key]
    if key.startswith("zh-"):
        return "zh-TW" if "hant" in key else "zh-CN"
    primary, _, rest = key.partition("-")
    return primary + (
        "-" + rest.upper() if rest and len(rest) == 2 else ("-" + rest if rest else "")
    )


def table_key(lang: str) -> str | None:
    """The LABELS key for a language tag, or None when there is no table for it."""
    tag = html_lang(lang)
    if tag in LABELS:
        return tag
    if tag == "zh-HK":
        return "zh-TW"
    primary = tag.split("-")[0]
    return primary if primary in LABELS else None


def is_known(lang: str) -> bool:
    """Whether presskit has its press words for the language (else English ones are used with
    the language's own dates, and callers warn)."""
    return table_key(lang) is not None


def unknown_language_warning(lang: str) -> str:
    return (
        f"no press words for language {lang!r}; using English words with {lang!r} dates and "
        f"numbers (press words exist for: {', '.join(LABELS)})"
    )


def labels(lang: str) -> dict[str, str]:
    return LABELS[table_key(lang) or "en"]


def label(lang: str, key: str, **values: str) -> str:
    text = labels(lang).get(key, LABELS["en"].get(key, key))
    return text.format(**values) if values else text


# --------------------------------------------------------------------------- CLDR (Babel)
#
# Dates, clock times, zone names, numbers and language names for any language a Hugo site
# uses, from the Unicode CLDR through Babel. Babel is imported on first use: the filter and
# `presskit --help` import this module and never format a date.


@cache
class PageLabel(NamedTuple):
    """ "Page {page} of {pages}" cut around its two numbers, for a stylesheet's `counter()`s
    and Word's PAGE/NUMPAGES fields. `first` and `second` name the numbers in the order the
    language says them: Korean gives the total first ("{pages}쪽 중 {page}쪽")."""

    before: str
    middle: str
    after: str
    first: str = "page"
    second: str = "pages"


def page_label(lang: str) -> PageLabel:
    """The page label's words around its numbers: one cut for the PDF, the kit and Word."""
    marks = {"\x00P": "page", "\x00N": "pages"}
    text = label(lang, "page", page="\x00P", pages="\x00N")
    before, first, middle, second, after = re.split("(\x00[PN])", text)
    return PageLabel(before, middle, after, marks[first], marks[second])


def locale(lang: str) -> Any:
    """The CLDR locale for a tag (`zh-HK` → zh_Hant_HK, `pt-BR`, `uk`); English when CLDR
    does not know the language."""
    from babel import Locale, UnknownLocaleError

    tag = html_lang(lang)
    if tag == "zh-HK":
        tag = "zh-Hant-HK"  # CLDR's zh_HK is a territory alias; name the script outright
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en")


def cjk_font_suffix(lang: str) -> str:
    """Which Noto CJK face (SC/TC/HK/JP/KR) sets this language; SC for non-CJK text."""
    tag = html_lang(lang)
    return CJK_FONT_SUFFIX.get(tag) or CJK_FONT_SUFFIX.get(tag.split("-")[0], "SC")


def format_date(value: dt.date | dt.datetime | None, lang: str) -> str:
    """The date as the language writes it in running text (CLDR's long date)."""
    if value is None:
        return ""
    from babel.dates import format_date as cldr_date

    day = value.date() if isinstance(value, dt.datetime) else value
    return cldr_date(day, format="long", locale=locale(lang))


def is_cjk(lang: str) -> bool:
    return html_lang(lang).split("-")[0] in {"zh", "ja", "ko"}


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale(lang))


def format_time(value: dt.datetime, lang: str) -> str:
    style = PRESS_TIME_STYLES.get(html_lang(lang).split("-")[0])
    if style is None:
        from babel.dates import format_skeleton

        return format_skeleton("Hm", value, locale=locale(lang))
    return style.format(
        h12=value.hour % 12 or 12,
        hh=f"{value.hour:02d}",
        mm=f"{value.minute:02d}",
        ampm="a.m." if value.hour < 12 else "p.m.",
    )


def zone_name(value: dt.datetime, lang: str = "en") -> str:
    """The press's name for the zone (`北京时间`), else CLDR's in the language (`PDT`, `MESZ`,
    `北美太平洋夏令时间`) for a named zone, else the offset as `UTC−07:00`."""
    key = _zone_key(value)
    press = press_zone_name(key, lang) if key else None
    if press:
        return press
    if key:
        from babel.dates import get_timezone_name

        for width in ("short", "long"):
            name = get_timezone_name(value, width, locale=locale(lang))
            if name and not re.match(r"(GMT|UTC)?[+−-]\d", name):
                return name
    offset = value.utcoffset()
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def format_datetime(value: dt.datetime, lang: str) -> str:
    """A moment in its own time zone, in the language's style: date, clock time, zone."""
    return label(
        lang,
        "datetime",
        date=format_date(value, lang),
        time=format_time(value, lang),
        zone=zone_name(value, lang),
    )


# --------------------------------------------------------------------------- time zones
#
# An embargo given in the origin's zone (`09:00-07:00`) is printed in the audience's zone too:
# a reader in Beijing who takes "July 12, 09:00" as local time publishes 15 hours early.

# The zone a language's readers live in, when the language's country has one zone and the
# language says which country (CLDR's likely subtags: `zh` → CN, `ja` → JP, `de` → DE). Where
# CLDR lists several zones for a country, the one its press quotes.
PRIMARY_ZONES = {
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "BR": "America/Sao_Paulo",
    "UA": "Europe/Kyiv",
    "RU": "Europe/Moscow",
    "MX": "America/Mexico_City",
    "ID": "Asia/Jakarta",
    "AR": "America/Argentina/Buenos_Aires",
    "CL": "America/Santiago",
    "KZ": "Asia/Almaty",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "EC": "America/Guayaquil",
}

# What the press of a language calls a zone, where that differs from CLDR's name (CLDR's
# zh name for Asia/Shanghai is 中国标准时间; Chinese releases say 北京时间).
PRESS_ZONE_NAMES: dict[str, dict[str, str]] = {
    "Asia/Shanghai": {
        "zh-CN": "北京时间",
        "zh-TW": "北京時間",
        "ja": "北京時間",
        "ko": "베이징 시간",
        "en": "Beijing time",
    },
    "Asia/Taipei": {
        "zh-CN": "台北时间",
        "zh-TW": "台北時間",
        "ja": "台北時間",
        "en": "Taipei time",
    },
    "Asia/Hong_Kong": {
        "zh-CN": "香港时间",
        "zh-TW": "香港時間",
        "ja": "香港時間",
        "en": "Hong Kong time",
    },
    "Asia/Tokyo": {"zh-CN": "东京时间", "zh-TW": "東京時間", "ja": "日本時間", "en": "Japan time"},
    "Asia/Seoul": {"zh-CN": "首尔时间", "zh-TW": "首爾時間", "ko": "한국 시간", "en": "Korea time"},
}


def _cldr_tag(lang: str) -> str:
    """A BCP 47 tag as Babel spells a locale (`zh-Hant-TW` → `zh_Hant_TW`)."""
    return html_lang(lang).replace("-", "_")


def audience_zones(lang: str) -> tuple[str, ...]:
    """The IANA zones a release in `lang` is read in: the zone of the language's country.

    None for a language spoken across zones (English: the origin's zone is all it gets,
    unless `embargo_zones` in presskit.toml says more)."""
    from babel.core import get_global

    tag = _cldr_tag(lang)
    likely = get_global("likely_subtags")
    full = likely.get(tag) or likely.get(tag.split("_")[0]) or tag
    parts = tag.split("_")
    # a region the author wrote (`pt-BR`, `zh-HK`) wins over the language's likely one
    region = next((p for p in reversed(parts[1:]) if len(p) == 2 and p.isalpha()), None)
    region = region or next((p for p in full.split("_")[1:] if len(p) == 2), None)
    if region is None:
        return ()
    region = region.upper()
    if region in PRIMARY_ZONES:
        return (PRIMARY_ZONES[region],)
    zones = get_global("territory_zones").get(region, ())
    return (zones[0],) if len(zones) == 1 else ()


def _zone_key(value: dt.datetime) -> str | None:
    return getattr(value.tzinfo, "key", None)


def press_zone_name(zone: str, lang: str) -> str | None:
    names = PRESS_ZONE_NAMES.get(zone)
    if not names:
        return None
    tag = html_lang(lang)
    return names.get(tag) or names.get(table_key(lang) or "") or names.get(tag.split("-")[0])


def format_moments(value: dt.datetime, lang: str, zones: tuple[str, ...]) -> str:
    """`value` in each of `zones` (the audience's first), then in its own zone unless one of
    them is that zone: `2023年7月13日 00:00（北京时间）／2023年7月12日 09:00（UTC−07:00）`."""
    from zoneinfo import ZoneInfo

    moments = [value.astimezone(ZoneInfo(zone)) for zone in dict.fromkeys(zones)]
    origin = _zone_key(value)
    if not any(
        _zone_key(m) == origin or (m.utcoffset() == value.utcoffset() and origin is None)
        for m in moments
    ):
        moments.append(value)
    texts = [format_datetime(moment, lang) for moment in moments]
    text = texts[0]
    for other in texts[1:]:
        text = label(lang, "zones", first=text, second=other)
    return text


# A dateline names a city; its date is the date there. CLDR names each zone's exemplar city in
# each language (上海, 洛杉矶, Shanghái); these are the press towns that are not such a city.
DATELINE_TOWNS: dict[str, tuple[str, ...]] = {
    "Asia/Shanghai": (
        *("北京", "Beijing", "Peking", "深圳", "Shenzhen", "杭州", "Hangzhou", "广州", "廣州"),
        *("Guangzhou", "成都", "Chengdu", "南京", "Nanjing", "武汉", "Wuhan", "苏州", "Suzhou"),
        *("天津", "Tianjin", "重庆", "Chongqing", "西安", "Xi’an", "Xi'an", "北京市", "上海市"),
    ),
    "Asia/Tokyo": ("大阪", "Osaka", "京都", "Kyoto", "横浜", "Yokohama", "名古屋", "Nagoya"),
    "Asia/Taipei": ("臺北", "新竹", "Hsinchu", "台中", "臺中", "Taichung", "高雄", "Kaohsiung"),
    "Asia/Seoul": ("서울", "부산", "Busan", "판교", "Pangyo"),
    "America/Los_Angeles": (
        *("San Francisco", "Mountain View", "Palo Alto", "San Jose", "Sunnyvale", "Seattle"),
        *("Menlo Park", "Santa Clara", "Cupertino", "Redmond", "Portland", "旧金山", "舊金山"),
        *("硅谷", "矽谷", "西雅图", "西雅圖", "サンフランシスコ", "シアトル"),
    ),
    "America/New_York": ("Washington", "Washington, D.C.", "Boston", "Atlanta", "波士顿"),
    "America/Chicago": ("Austin", "Dallas", "Houston"),
    "Europe/Berlin": ("Munich", "München", "Frankfurt", "Hamburg", "Köln", "Cologne", "慕尼黑"),
    "Europe/London": ("Edinburgh", "Manchester"),
    "Asia/Kolkata": ("Bangalore", "Bengaluru", "Mumbai", "New Delhi", "Delhi", "Hyderabad"),
}
DATELINE_LOCALES = ("en", "zh", "zh_Hant", "ja", "ko", "de", "fr", "es", "pt", "it", "ru")
# Whether each locale's exemplar cities are spelt with Latin letters (every one holds an ASCII
# letter) or without (none does); a test holds this against CLDR. A place spelt the other way
# cannot be one of them, so a Chinese dateline (`上海`) never loads the English locale's data
# (≈ 7 ms of a cold render) to learn that it is not there.
_LATIN_CITIES = {
    "en": True, "zh": False, "zh_Hant": False, "ja": False, "ko": False, "de": True,
    "fr": True, "es": True, "pt": True, "it": True, "ru": False,
}  # fmt: skip


def _has_latin_letter(text: str) -> bool:
    return any(char.isascii() and char.isalpha() for char in text)


@cache
def _own_towns() -> dict[str, str]:
    return {name.casefold(): zone for zone, names in DATELINE_TOWNS.items() for name in names}


@cache
def _cldr_towns(code: str) -> dict[str, str]:
    """One locale's exemplar cities; read one locale at a time, only as far as a dateline
    needs (all eleven cost 0.15 s of a cold render; `上海` is found in the second)."""
    from babel import Locale

    towns: dict[str, str] = {}
    for zone, names in Locale.parse(code).time_zones.items():
        if names.get("city"):
            towns.setdefault(names["city"].casefold(), zone)
    return towns


@cache
def _zone_id_towns() -> dict[str, str]:
    from babel.core import get_global

    # English exemplar cities are the zone ids' last part (America/Los_Angeles)
    return {
        zone.rsplit("/", 1)[-1].replace("_", " ").casefold(): zone
        for zone in reversed(list(get_global("zone_territories")))
    }


def place_zone(place: str, lang: str | None = None) -> str | None:
    """The IANA zone of a dateline's place (`SHANGHAI`, `上海`, `東京`, `San Francisco`), or
    None when presskit does not know the place. presskit's own towns come first, then the
    cities of the post's own language `lang` (a Ukrainian release datelined `Київ`, a Polish
    one `Warszawa`: CLDR spells them so in those languages only), then each CLDR locale in
    turn, then the zone ids' cities: the first that knows the place wins."""
    key = " ".join(place.split()).casefold()
    if key in _own_towns():
        return _own_towns()[key]
    if lang is not None:
        own = locale(lang)
        code = "_".join(part for part in (own.language, own.script) if part)
        zone = _cldr_towns(code).get(key)
        if zone is not None:
            return zone
    latin = _has_latin_letter(key)
    for code in DATELINE_LOCALES:
        if _LATIN_CITIES[code] != latin:
            continue  # spelt in another script than all of this locale's cities
        zone = _cldr_towns(code).get(key)
        if zone is not None:
            return zone
    return _zone_id_towns().get(key)


def language_name(lang: str) -> str:
    """The language's name in itself, as CLDR spells it (`简体中文`, `繁體中文`, `Português`,
    `Українська`, `British English`), the region added where the tag names one the language
    is not assumed to mean (`繁體中文（中國香港特別行政區）`)."""
    from babel.core import get_global

    own = locale(lang)
    language, script, region = own.language, own.script, own.territory
    names = own.languages
    full = "_".join(part for part in (language, script, region) if part)
    name = names.get(full) or names.get(f"{language}_{region}")
    if name is None:
        name = names.get(f"{language}_{script}") if script else None
        name = name or own.get_language_name() or language
        likely = get_global("likely_subtags")
        assumed = (script and likely.get(f"{language}_{script}")) or likely.get(language, "")
        if region and not assumed.endswith("_" + region):
            place = own.territories.get(region, region)
            name = f"{name}（{place}）" if is_cjk(lang) else f"{name} ({place})"
    return name[:1].upper() + name[1:]
