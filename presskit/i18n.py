"""Every localized word and date format, in one table.

Kept free of heavy imports: the filter and the CLI both read it. Unknown languages fall back
to English (the caller is told, so it can warn).
"""

from __future__ import annotations

import datetime as dt

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "press_release": "Press release",
        "page": "Page {page} of {pages}",
        "published": "Published",
        "by": "By",
        "keywords": "Keywords",
        "contents": "Contents",
        "about": "About {brand}",
        "tip": "Tip",
        "warning": "Warning",
        "idea": "Idea",
        "quote": "Quote",
        "end": "###",
    },
    "zh-CN": {
        "press_release": "新闻稿",
        "page": "第 {page} 页，共 {pages} 页",
        "published": "发布日期",
        "by": "作者",
        "keywords": "关键词",
        "contents": "目录",
        "about": "关于 {brand}",
        "tip": "提示",
        "warning": "警告",
        "idea": "建议",
        "quote": "引言",
        "end": "###",
    },
    "zh-TW": {
        "press_release": "新聞稿",
        "page": "第 {page} 頁，共 {pages} 頁",
        "published": "發布日期",
        "by": "作者",
        "keywords": "關鍵詞",
        "contents": "目錄",
        "about": "關於 {brand}",
        "tip": "提示",
        "warning": "警告",
        "idea": "建議",
        "quote": "引言",
        "end": "###",
    },
    "ja": {
        "press_release": "プレスリリース",
        "page": "{page} / {pages} ページ",
        "published": "発行日",
        "by": "著者",
        "keywords": "キーワード",
        "contents": "目次",
        "about": "{brand} について",
        "tip": "ヒント",
        "warning": "警告",
        "idea": "アイデア",
        "quote": "引用",
        "end": "以上",
    },
    "ko": {
        "press_release": "보도자료",
        "page": "{pages}쪽 중 {page}쪽",
        "published": "발행일",
        "by": "작성자",
        "keywords": "키워드",
        "contents": "목차",
        "about": "{brand} 소개",
        "tip": "팁",
        "warning": "경고",
        "idea": "아이디어",
        "quote": "인용",
        "end": "###",
    },
    "es": {
        "press_release": "Comunicado de prensa",
        "page": "Página {page} de {pages}",
        "published": "Publicado",
        "by": "Por",
        "keywords": "Palabras clave",
        "contents": "Índice",
        "about": "Acerca de {brand}",
        "tip": "Consejo",
        "warning": "Advertencia",
        "idea": "Idea",
        "quote": "Cita",
        "end": "###",
    },
    "fr": {
        "press_release": "Communiqué de presse",
        "page": "Page {page} sur {pages}",
        "published": "Publié le",
        "by": "Par",
        "keywords": "Mots-clés",
        "contents": "Sommaire",
        "about": "À propos de {brand}",
        "tip": "Astuce",
        "warning": "Attention",
        "idea": "Idée",
        "quote": "Citation",
        "end": "###",
    },
    "de": {
        "press_release": "Pressemitteilung",
        "page": "Seite {page} von {pages}",
        "published": "Veröffentlicht",
        "by": "Von",
        "keywords": "Schlagwörter",
        "contents": "Inhalt",
        "about": "Über {brand}",
        "tip": "Tipp",
        "warning": "Warnung",
        "idea": "Idee",
        "quote": "Zitat",
        "end": "###",
    },
}

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": (
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
    ),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}

DATE_FORMATS = {
    "en": "{month} {day}, {year}",
    "zh-CN": "{year}年{m}月{day}日",
    "zh-TW": "{year}年{m}月{day}日",
    "ja": "{year}年{m}月{day}日",
    "ko": "{year}년 {m}월 {day}일",
    "es": "{day} de {month} de {year}",
    "fr": "{day} {month} {year}",
    "de": "{day}. {month} {year}",
}

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


def labels(lang: str) -> dict[str, str]:
    return LABELS[table_key(lang) or "en"]


def label(lang: str, key: str, **values: str) -> str:
    text = labels(lang).get(key, LABELS["en"].get(key, key))
    return text.format(**values) if values else text


def cjk_font_suffix(lang: str) -> str:
    """Which Noto CJK face (SC/TC/HK/JP/KR) sets this language; SC for non-CJK text."""
    tag = html_lang(lang)
    return CJK_FONT_SUFFIX.get(tag) or CJK_FONT_SUFFIX.get(tag.split("-")[0], "SC")


def format_date(value: dt.date | dt.datetime | None, lang: str) -> str:
    if value is None:
        return ""
    key = table_key(lang) or "en"
    months = MONTHS.get(key.split("-")[0], MONTHS["en"]).split()
    return DATE_FORMATS[key].format(
        year=value.year, m=value.month, day=value.day, month=months[value.month - 1]
    )


def is_cjk(lang: str) -> bool:
    return html_lang(lang).split("-")[0] in {"zh", "ja", "ko"}
