"""Press-release conventions, read back from the PDF as a journalist (and a machine) would."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import FIXTURES, pdftotext, run_presskit

from presskit.brand import load_config
from presskit.errors import PresskitError
from presskit.output.page import Options
from presskit.output.release import canonical_path, release_for
from presskit.pipeline import prepare
from presskit.source.post import parse_post

KIT = FIXTURES / "release"
EN = KIT / "content/en/news/launch/index.md"
ZH = KIT / "content/zh/news/launch/index.md"
BEFORE = "2023-07-12T08:59:00-07:00"
AFTER = "2023-07-12T09:00:00-07:00"


def render(post: Path, out: Path, *args: str) -> Path:
    done = run_presskit("render", str(post), "-o", str(out), *args)
    assert done.returncode == 0, done.stderr
    return out


def pages(pdf: Path) -> list[str]:
    """Each page's text: pdftotext ends every page with a form feed (one run, not one a page)."""
    return pdftotext(pdf).split("\f")[:-1]


@pytest.fixture(scope="module")
def en_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(EN, tmp_path_factory.mktemp("release") / "en.pdf", "--as-of", BEFORE)


@pytest.fixture(scope="module")
def zh_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(ZH, tmp_path_factory.mktemp("release") / "zh.pdf", "--as-of", BEFORE)


def test_embargo_banner_on_every_page_in_the_embargo_zone(en_pdf):
    texts = pages(en_pdf)
    assert len(texts) == 3
    assert "EMBARGOED UNTIL JULY 12, 2023, 9:00 A.M. UTC−07:00" in texts[0]
    for text in texts[1:]:
        assert "Embargoed until July 12, 2023, 9:00 a.m. UTC−07:00" in text


def test_embargo_banner_in_chinese(zh_pdf):
    # Beijing first, as its readers count the day (the embargo lifts at midnight there, on
    # the 13th), then the origin's own clock
    for text in pages(zh_pdf):
        assert (
            "新闻禁发，解禁时间：2023年7月13日 00:00（北京时间）／2023年7月12日 09:00（UTC−07:00）"
            in text
        )


def test_banner_gone_once_the_embargo_passes(tmp_path):
    pdf = render(EN, tmp_path / "after.pdf", "--as-of", AFTER)
    text = pdftotext(pdf)
    assert "FOR IMMEDIATE RELEASE" in text
    assert "embargoed" not in text.lower()


def test_ignore_embargo_releases_early(tmp_path):
    pdf = render(EN, tmp_path / "early.pdf", "--as-of", BEFORE, "--ignore-embargo")
    text = pdftotext(pdf)
    assert "FOR IMMEDIATE RELEASE" in text
    assert "embargoed" not in text.lower()


def test_build_judges_the_embargo_by_its_clock(tmp_path):
    """`build --as-of` is `render --as-of`: each post and its kit section alike (before the
    option existed, `build` rendered every post as of the moment it ran)."""
    out = {}
    for name, moment in (("before", BEFORE), ("after", AFTER)):
        out[name] = tmp_path / name
        done = run_presskit(
            "build", str(EN.parent), "-o", str(out[name]), "-j", "1", "--kit", "kit",
            "--as-of", moment, "-q",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    for pdf in (out["before"] / "launch.pdf", out["before"] / "kit.pdf"):
        assert "Embargoed until July 12, 2023, 9:00 a.m. UTC−07:00" in pdftotext(pdf), pdf
    for pdf in (out["after"] / "launch.pdf", out["after"] / "kit.pdf"):
        assert "embargoed" not in pdftotext(pdf).lower(), pdf
    assert "FOR IMMEDIATE RELEASE" in pdftotext(out["after"] / "launch.pdf")


def test_build_refuses_a_clock_it_cannot_read(tmp_path):
    done = run_presskit("build", str(EN.parent), "-o", str(tmp_path), "--as-of", "tomorrow")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: Invalid value for --as-of: not an ISO date-time: 'tomorrow' "
        "(see `presskit build --help`)"
    ]
    assert not any(tmp_path.iterdir())  # refused before anything was written


def test_named_time_zone_prints_its_abbreviation():
    config = load_config(KIT / "presskit.toml")
    post = parse_post(
        "---\ntitle: t\nembargo: 2023-07-12T09:00:00-07:00\ntimezone: America/Los_Angeles\n---\n",
        KIT / "content/en/news/x/index.md",
    )
    release = release_for(post, config, now=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    assert release.status == "Embargoed until July 12, 2023, 9:00 a.m. PDT"


def test_dateline_opens_the_first_paragraph(en_pdf, zh_pdf):
    body = pages(en_pdf)[1]
    first = body.split("\n\n")[2]  # after the running header: brand, then the banner
    # 09:00 in UTC−07:00 is already the 13th in Shanghai: the dateline's place says the date
    assert first.startswith("SHANGHAI, July 13, 2023 — We are delighted")
    assert "上海，2023年7月13日——我们很高兴宣布" in pages(zh_pdf)[1]


def test_end_mark_then_about_then_contacts(en_pdf, zh_pdf):
    body = pages(en_pdf)[1]
    order = [
        body.index(s)
        for s in (
            "Plain text",
            "###",
            "About Example Foundation",
            "a neutral home",
            "Media contacts",
            "+1 555 0100",
        )
    ]
    assert order == sorted(order)
    zh = pages(zh_pdf)[1]
    assert zh.index("（完）") < zh.index("关于 Example Foundation") < zh.index("中立之家")
    assert "媒体联系人" in zh


def test_contacts_from_front_matter_replace_the_brand_ones():
    text = EN.read_text(encoding="utf-8").replace(
        "keywords: [example]", 'contacts:\n  - {name: "Jane Doe", email: "jane@example.net"}'
    )
    config = load_config(KIT / "presskit.toml")
    release = release_for(parse_post(text, EN), config)
    assert [(c.name, c.email) for c in release.contacts] == [("Jane Doe", "jane@example.net")]


def test_quotes_sheet_is_a_page_of_its_own(en_pdf, zh_pdf):
    sheet = pages(en_pdf)[-1]
    lines = [line for line in sheet.splitlines() if line.strip()]
    assert lines[2] == "Supporting quotes"  # right under the running header
    assert "— Ada Lovelace, Chair, Example Foundation" in sheet
    assert "— Grace Hopper, Maintainer" in sheet
    assert "Plain text between the quotes" not in sheet
    assert "引言摘录" in pages(zh_pdf)[-1]


def test_quotes_sheet_takes_only_attributed_quotes(tmp_path):
    post = tmp_path / "content/en/news/q/index.md"
    post.parent.mkdir(parents=True)
    quote = "{{{{< quote{caption} >}}}}\n{words}\n{{{{< /quote >}}}}\n\n"
    post.write_text(
        "---\ntitle: Quotes\n---\n\n"
        + quote.format(caption=' caption="Ann Lee, CEO"', words="Said by Ann.")
        + quote.format(caption="", words="Said by nobody."),
        encoding="utf-8",
    )
    pdf = tmp_path / "q.pdf"
    done = run_presskit("render", str(post), "-o", str(pdf), "--config", str(KIT / "presskit.toml"))
    assert done.returncode == 0, done.stderr
    sheet = pages(pdf)[-1]
    assert "Supporting quotes" in sheet and "Said by Ann." in sheet
    assert "Said by nobody." not in sheet  # words no one can be quoted saying
    assert "Said by nobody." in pdftotext(pdf)  # still in the release itself
    warnings = [line for line in done.stderr.splitlines() if "quote" in line]
    assert len(warnings) == 1 and "1 quote without a caption" in warnings[0], done.stderr


def test_quotes_sheet_off(tmp_path):
    pdf = render(EN, tmp_path / "no-sheet.pdf", "--as-of", BEFORE, "--no-quotes-sheet")
    texts = pages(pdf)
    assert len(texts) == 2
    assert "Supporting quotes" not in "".join(texts)


def test_external_links_become_footnotes_on_the_same_page(en_pdf):
    body = pages(en_pdf)[1]
    assert re.search(r"press kit\s*1", body)
    assert "1. https://example.org/press/kit-announcement" in body
    assert "2. https://blog.example.net/2023/press" in body
    # The link itself still works on screen.
    reader = pypdf.PdfReader(en_pdf)
    uris = [
        a.get_object()["/A"]["/URI"]
        for a in reader.pages[1].get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://example.org/press/kit-announcement" in uris


def test_canonical_url_as_text_and_qr_code_on_the_cover(en_pdf, zh_pdf):
    assert "https://example.org/news/launch/" in pages(en_pdf)[0]
    assert "https://example.org/zh/news/launch/" in pages(zh_pdf)[0]
    cover = pypdf.PdfReader(en_pdf).pages[0]
    resources: Any = cover["/Resources"]  # a dictionary object; pypdf types it as any object
    images = [
        x for x in resources.get("/XObject", {}).values() if x.get_object()["/Subtype"] == "/Image"
    ]
    assert images == []  # the QR code stays vector: no bitmap on the cover
    contents = cover.get_contents()
    assert contents is not None
    ops = [
        line.split()[-1]
        for line in contents.get_data().decode("latin-1").splitlines()
        if line.strip()
    ]
    assert ops.count("m") > 150  # one subpath per run of dark modules (the logo has ~10)


def test_qr_code_is_the_canonical_url():
    import segno

    prepared = prepare(EN, options=Options(now=dt.datetime(2023, 1, 1, tzinfo=dt.UTC)))
    found = re.search(r'<img class="qr" src="([^"]+)"', prepared.html)
    assert found is not None
    src = found.group(1)
    assert src.startswith("data:image/svg+xml")
    expected = segno.make("https://example.org/news/launch/", error="m")
    assert expected.designator  # the same payload gives the same symbol
    assert src == expected.svg_data_uri(scale=4, dark="#1F3A5F", border=0, nl=False)


@pytest.mark.parametrize(
    ("front", "rel", "expected"),
    [
        ("", "content/zh/blog/2023/news/index.md", "/zh/blog/2023/news/"),
        ("", "content/en/blog/2023/news/index.md", "/blog/2023/news/"),
        ("", "content/en/blog/post.md", "/blog/post/"),
        ("slug: other\n", "content/zh/blog/news/index.md", "/zh/blog/other/"),
        ("url: /press/2023/launch\n", "content/zh/blog/news/index.md", "/press/2023/launch/"),
        ("", "elsewhere/news.md", None),
    ],
)
def test_canonical_path_follows_hugo(tmp_path, front, rel, expected):
    post = parse_post(f"---\ntitle: t\n{front}---\n", tmp_path / rel)
    assert canonical_path(post, "en") == expected


def test_bad_embargo_is_one_line_error(tmp_path):
    post = tmp_path / "content/en/news/bad/index.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: t\nembargo: next tuesday\n---\nText.\n", encoding="utf-8")
    done = run_presskit("html", str(post), "--config", str(KIT / "presskit.toml"))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "embargo" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("../../../etc/localtime", "front matter `dateline_zone`: unknown time zone"),
        ("Mars/Olympus_Mons", "front matter `dateline_zone`: unknown time zone"),
        ("[1, 2]", "front matter `dateline_zone` must be a name like Asia/Shanghai"),
    ],
)
def test_bad_dateline_zone_names_its_line(value, message):
    post = parse_post(
        "---\ntitle: t\ndate: 2023-07-12T09:00:00-07:00\ndateline: Shanghai\n"
        f"dateline_zone: {value}\n---\nText.\n",
        KIT / "content/en/x/y.md",
    )
    with pytest.raises(PresskitError) as error:
        release_for(post, load_config(KIT / "presskit.toml"), now=EARLY)
    assert error.value.line == 5 and message in str(error.value)


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_pdf_variants(tmp_path, variant):
    pdf = render(EN, tmp_path / "v.pdf", "--as-of", AFTER, "--pdf-variant", variant)
    reader = pypdf.PdfReader(pdf)
    root: Any = reader.trailer["/Root"]  # a dictionary object; pypdf types it as any object
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "/StructTreeRoot" in root  # tagged
    if variant == "pdf/a-3b":
        assert re.search(r"pdfaid:part[^0-9]*3", xmp)
    else:
        assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
        assert root["/MarkInfo"]["/Marked"]
        # PDF/UA: every figure says what it shows (the logo and the QR code had alt="",
        # which WeasyPrint tags as a Figure without /Alt: it cannot make them artifacts)
        figures = list(_struct_elements(root["/StructTreeRoot"], "/Figure"))
        assert len(figures) >= 2 and all(figure.get("/Alt") for figure in figures), figures


def _struct_elements(node: Any, kind: str, seen: set[int] | None = None) -> Iterator[Any]:
    seen = set() if seen is None else seen
    node = node.get_object()
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, pypdf.generic.DictionaryObject):
        if node.get("/S") == kind:
            yield node
        kids = node.get("/K")
        if kids is not None:
            yield from _struct_elements(kids, kind, seen)
    elif isinstance(node, pypdf.generic.ArrayObject):
        for kid in node:
            yield from _struct_elements(kid, kind, seen)


# --------------------------------------------------------------------------- embargo zones

EARLY = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def release_of(front: str, lang_dir: str = "en", **config_changes):
    from dataclasses import replace

    config = replace(load_config(KIT / "presskit.toml"), **config_changes)
    post = parse_post(f"---\ntitle: t\n{front}---\nText.\n", KIT / f"content/{lang_dir}/x/y.md")
    return release_for(post, config, now=EARLY)


@pytest.mark.parametrize(
    ("lang_dir", "status"),
    [
        (
            "zh-tw",
            "新聞禁發，解禁時間：2023年7月13日 00:00（台北時間）／2023年7月12日 09:00（UTC−07:00）",
        ),
        ("ja", "報道解禁：2023年7月13日 1:00（日本時間）／2023年7月12日 9:00（UTC−07:00）"),
        ("en", "Embargoed until July 12, 2023, 9:00 a.m. UTC−07:00"),  # no one zone for English
    ],
)
def test_embargo_in_the_audience_zone_first(lang_dir, status):
    release = release_of("embargo: 2023-07-12T09:00:00-07:00\n", lang_dir)
    assert release.status == status


def test_embargo_zones_in_the_config_replace_the_audience_zone():
    release = release_of(
        "embargo: 2023-07-12T09:00:00-07:00\n", "zh", embargo_zones=("Europe/London",)
    )
    assert release.status.startswith("新闻禁发，解禁时间：2023年7月12日 17:00")
    assert "北京" not in release.status and release.status.endswith("09:00（UTC−07:00）")


def test_embargo_already_in_the_audience_zone_prints_once():
    release = release_of("embargo: 2023-07-13T00:00:00\ntimezone: Asia/Shanghai\n", "zh")
    assert release.status == "新闻禁发，解禁时间：2023年7月13日 00:00（北京时间）"


def test_unknown_embargo_zone_in_the_config_is_an_error(tmp_path):
    from presskit.errors import PresskitError

    config = tmp_path / "presskit.toml"
    config.write_text('embargo_zones = ["Asia/Atlantis"]\n', encoding="utf-8")
    with pytest.raises(PresskitError, match="Asia/Atlantis"):
        load_config(config)


@pytest.mark.parametrize(
    ("front", "dateline"),
    [
        ("dateline: SHANGHAI\n", "SHANGHAI, July 13, 2023 —"),
        ("dateline: San Francisco\n", "San Francisco, July 12, 2023 —"),
        ("dateline: Beijing\n", "Beijing, July 13, 2023 —"),  # a town, not a zone's city
        ("dateline: Springfield\ndateline_zone: Asia/Tokyo\n", "Springfield, July 13, 2023 —"),
    ],
)
def test_dateline_is_dated_at_its_place(front, dateline):
    release = release_of("embargo: 2023-07-12T09:00:00-07:00\n" + front)
    assert release.dateline == dateline
    assert release.warnings == ()


@pytest.mark.parametrize(
    ("lang_dir", "place", "dateline"),
    [
        ("uk", "Київ", "Київ, 13 липня 2023\u202fр. —"),
        ("pl", "Warszawa", "Warszawa, 13 lipca 2023 —"),
    ],
)
def test_dateline_in_the_posts_own_language_is_located(lang_dir, place, dateline):
    """CLDR spells Kyiv `Київ` in Ukrainian only, Warsaw `Warszawa` in Polish only: a release
    in those languages datelined there was dated in the embargo's zone (the 12th: 21:00 in
    Los Angeles is the 13th in Kyiv and Warsaw), with a warning."""
    release = release_of(f"embargo: 2023-07-12T21:00:00-07:00\ndateline: {place}\n", lang_dir)
    assert release.dateline == dateline
    assert release.warnings == ()


def test_dateline_at_an_unknown_place_warns_and_keeps_the_embargo_date(tmp_path):
    post = tmp_path / "content/en/news/x/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(
        "---\ntitle: t\nembargo: 2023-07-12T21:00:00-07:00\ndateline: Springfield\n---\nText.\n",
        encoding="utf-8",
    )
    done = run_presskit("html", str(post), "--config", str(KIT / "presskit.toml"))
    assert done.returncode == 0, done.stderr
    assert "Springfield, July 12, 2023 —" in done.stdout
    assert "warning:" in done.stderr and "dateline_zone" in done.stderr
