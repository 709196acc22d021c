"""Every language has every label, with the same placeholders; dates and numbers per language."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from conftest import run_presskit

from presskit import i18n

LANGS = ["zh-CN", "zh-TW", "ja", "ko", "en", "es", "fr", "de"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_eight_languages_have_press_words():
    assert sorted(i18n.LABELS) == sorted(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_in_every_language(lang):
    table = i18n.LABELS[lang]
    assert set(table) == set(i18n.LABELS["en"]), set(i18n.LABELS["en"]) ^ set(table)
    for key, text in table.items():
        assert text.strip(), key
        assert placeholders(text) == placeholders(i18n.LABELS["en"][key]), (lang, key)


@pytest.mark.parametrize(
    ("lang", "date", "number", "embargo"),
    [
        (
            "en",
            "July 12, 2023",
            "1,234,567.5",
            "Embargoed until July 12, 2023, 9:00 a.m. UTC−07:00",
        ),
        (
            "zh-CN",
            "2023年7月12日",
            "1,234,567.5",
            "新闻禁发，解禁时间：2023年7月12日 09:00（UTC−07:00）",
        ),
        (
            "zh-TW",
            "2023年7月12日",
            "1,234,567.5",
            "新聞禁發，解禁時間：2023年7月12日 09:00（UTC−07:00）",
        ),
        ("ja", "2023年7月12日", "1,234,567.5", "報道解禁：2023年7月12日 9:00（UTC−07:00）"),
        (
            "ko",
            "2023년 7월 12일",
            "1,234,567.5",
            "엠바고: 2023년 7월 12일 09:00 (UTC−07:00) 이후 보도",
        ),
        (
            "es",
            "12 de julio de 2023",
            "1.234.567,5",
            "Bajo embargo hasta el 12 de julio de 2023, 9:00 (UTC−07:00)",
        ),
        (
            "fr",
            "12 juillet 2023",
            "1\u202f234\u202f567,5",
            "Sous embargo jusqu’au 12 juillet 2023 à 09:00 (UTC−07:00)",
        ),
        ("de", "12. Juli 2023", "1.234.567,5", "Sperrfrist: 12. Juli 2023, 09:00 Uhr (UTC−07:00)"),
    ],
)
def test_dates_numbers_and_embargo_lines(lang, date, number, embargo):
    moment = dt.datetime.fromisoformat("2023-07-12T09:00:00-07:00")
    assert i18n.format_date(moment, lang) == date
    assert i18n.format_number(1234567.5, lang, 1) == number
    assert i18n.label(lang, "embargoed", when=i18n.format_datetime(moment, lang)) == embargo


@pytest.mark.parametrize(
    ("lang", "dateline"),
    [
        ("en", "SHANGHAI, July 12, 2023 —"),
        ("zh-CN", "上海，2023年7月12日——"),
        ("ja", "【東京】2023年7月12日――"),
        ("de", "Berlin, 12. Juli 2023 –"),
        ("fr", "Paris, le 12 juillet 2023 –"),
        ("es", "MADRID, 12 de julio de 2023.–"),
    ],
)
def test_datelines_in_house_style(lang, dateline):
    place = dateline.split("，")[0].split(",")[0].strip("【").split("】")[0]
    date = i18n.format_date(dt.date(2023, 7, 12), lang)
    assert i18n.label(lang, "dateline", place=place, date=date) == dateline


def test_regional_and_bare_tags_find_their_table():
    assert i18n.table_key("zh") == "zh-CN"
    assert i18n.table_key("zh-Hant") == "zh-TW"
    assert i18n.table_key("zh-HK") == "zh-TW"
    assert i18n.table_key("de-AT") == "de"
    assert i18n.table_key("pt-BR") is None


def test_unknown_language_falls_back_to_english_with_a_warning(tmp_path):
    assert i18n.labels("pt") == i18n.LABELS["en"]
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Olá\nlang: pt\n---\nTexto.\n", encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "'pt'" in done.stderr and "English" in done.stderr
    assert "Press release" in done.stdout


# --------------------------------------------------------------------------- CLDR


@pytest.mark.parametrize(
    ("lang", "date", "time", "number", "name"),
    [
        # languages without presskit's press words still get their own dates (CLDR)
        ("zh-HK", "2023年7月12日", "09:00", "1,234,567.5", "繁體中文（中國香港特別行政區）"),
        ("pt-BR", "12 de julho de 2023", "09:00", "1.234.567,5", "Português"),
        ("uk", "12 липня 2023\u202fр.", "09:00", "1\u00a0234\u00a0567,5", "Українська"),
        ("zh-CN", "2023年7月12日", "09:00", "1,234,567.5", "简体中文"),
        ("zh-TW", "2023年7月12日", "09:00", "1,234,567.5", "繁體中文"),
        ("en-GB", "12 July 2023", "9:00 a.m.", "1,234,567.5", "British English"),
    ],
)
def test_dates_times_numbers_and_names_come_from_cldr(lang, date, time, number, name):
    moment = dt.datetime.fromisoformat("2023-07-12T09:00:00-07:00")
    assert i18n.format_date(moment, lang) == date
    assert i18n.format_time(moment, lang) == time
    assert i18n.format_number(1234567.5, lang, 1) == number
    assert i18n.language_name(lang) == name


def test_zone_names_are_the_press_name_else_cldrs_in_the_language():
    from zoneinfo import ZoneInfo

    moment = dt.datetime(2023, 7, 12, 9, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert i18n.zone_name(moment, "en") == "PDT"
    assert i18n.zone_name(moment, "zh-CN") == "北美太平洋夏令时间"
    berlin = moment.astimezone(ZoneInfo("Europe/Berlin"))
    assert i18n.zone_name(berlin, "de") == "MESZ"
    shanghai = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    assert i18n.zone_name(shanghai, "zh-CN") == "北京时间"  # what Chinese releases say
    assert i18n.zone_name(shanghai, "en") == "Beijing time"


def test_a_language_without_press_words_gets_english_words_and_its_own_dates():
    moment = dt.datetime.fromisoformat("2023-07-12T09:00:00-07:00")
    status = i18n.label("pt-BR", "embargoed", when=i18n.format_moments(moment, "pt-BR", ()))
    assert status == "Embargoed until 12 de julho de 2023, 09:00 UTC−07:00"


def test_the_fallback_is_said_once_per_render(tmp_path):
    post = tmp_path / "content/pt-br/news/x/index.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: Olá\ndate: 2023-07-12\n---\nTexto.\n", encoding="utf-8")
    done = run_presskit("html", str(post))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning:") == 1, done.stderr
    assert "'pt-BR'" in done.stderr and "English words" in done.stderr
    assert "12 de julho de 2023" in done.stdout and "Press release" in done.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_label_cut_around_its_numbers_reads_as_the_label(lang):
    """One cut serves the PDF's counters, the kit's and Word's fields; put back together in its
    own order it must say what the label says (Korean names the total first)."""
    cut = i18n.page_label(lang)
    numbers = {"page": "3", "pages": "10"}
    joined = cut.before + numbers[cut.first] + cut.middle + numbers[cut.second] + cut.after
    assert joined == i18n.label(lang, "page", page="3", pages="10")
    assert {cut.first, cut.second} == {"page", "pages"}
    assert "\x00" not in joined


def test_korean_says_the_total_first_in_the_word_footer():
    from presskit.output.reference import Fonts, Look, footer_xml

    fonts = Fonts("Inter", "Noto Sans CJK KR")
    look = Look(
        *(fonts, fonts, fonts),
        primary="#123456",
        accent="#654321",
        text="#111111",
        lang="ko",
        east_asian_lang="ko-KR",
        cjk=True,
        page_size="A4",
        brand_name="Istio",
        status="",
        page_label=i18n.page_label("ko"),
    )
    xml = footer_xml(look).decode()
    # {pages}쪽 중 {page}쪽
    assert xml.index("NUMPAGES") < xml.index("쪽 중") < xml.index(" PAGE ")


def test_each_dateline_locale_spells_its_cities_in_one_script():
    """place_zone skips a locale whose cities are all spelt in another script than the place
    (no English data loaded for `上海`): that holds only if each locale's exemplar cities all
    hold a Latin letter, or none does, as `_LATIN_CITIES` says."""
    for code in i18n.DATELINE_LOCALES:
        cities = list(i18n._cldr_towns(code))
        assert cities, code
        latin = [i18n._has_latin_letter(city) for city in cities]
        assert all(latin) if i18n._LATIN_CITIES[code] else not any(latin), code


@pytest.mark.parametrize(
    ("place", "zone"),
    [
        ("上海", "Asia/Shanghai"),
        ("東京", "Asia/Tokyo"),
        ("서울", "Asia/Seoul"),
        ("Москва", "Europe/Moscow"),
        ("SHANGHAI", "Asia/Shanghai"),
        ("San Francisco", "America/Los_Angeles"),
        ("Zürich", "Europe/Zurich"),
        ("Nowhere-on-Sea", None),
    ],
)
def test_place_zone_in_any_script(place, zone):
    assert i18n.place_zone(place) == zone
