"""Hostile and broken posts, one row each: what a community blog can throw at the renderer.

Each row is rendered by the real CLI in a subprocess. Whatever the outcome, the run must exit
0 or 1, print no traceback, name the post in every diagnostic and leak nothing (checked on the
PDF with pdftotext, pdfimages -list, pdfdetach -list and its link annotations). Rows that must
fail say with what, and the previous output must survive them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import pytest
from hostile_kit import (
    SECRET,
    assert_nothing_leaked,
    assert_well_behaved,
    fill,
    make_site,
    pixel_bomb,
    png,
    run,
    temp_files,
)

FM = "---\ntitle: Hostile\n---\n\n"


@dataclass
class Case:
    name: str
    post: str | bytes
    exit: int = 0
    stderr: tuple[str, ...] = ()  # fragments the diagnostics must contain
    printed: tuple[str, ...] = ()  # text the PDF must show
    absent: tuple[str, ...] = ()  # text the PDF must not show
    line: int | None = None  # the line an error names
    config: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    images: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # nothing lost: char → occurrences

    def __str__(self) -> str:
        return self.name


BILLION_LAUGHS = "---\ntitle: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\n---\n"
DEEP_LISTS = "\n".join("  " * i + f"- item{i}" for i in range(100))
PANDOC_SLOW = "\n".join("[a.__b__]" * 8 for _ in range(16))

CASES = [
    # ---- local files: nothing outside the post's folder, the theme, the site's static/
    Case(
        "image-file-url-outside-tree",
        FM + "![x](file://{secret_png})\n",
        stderr=("not shown",),
    ),
    Case(
        "image-relative-dotdot-outside-tree",
        FM + "![x]({secret_rel})\n",
        stderr=("refused to read",),
    ),
    Case(
        "image-symlink-in-bundle-to-outside",
        FM + "![x](link.png)\n",
        files={"link.png": b"@symlink:{secret_png}"},
        stderr=("refused to read",),
    ),
    Case(
        "image-beside-post-is-shown",
        FM + "![ok](ok.png)\n",
        files={"ok.png": png(13, 4)},
        images=1,
    ),
    Case(
        "image-site-absolute-from-static",
        FM + "![ok](/img/ok.png)\n",
        images=1,
    ),
    Case(
        "svg-in-bundle-referencing-outside-file",
        FM + "![x](pic.svg)\n",
        files={
            "pic.svg": b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20">'
            b'<image xlink:href="file://{secret_png}" width="20" height="20"/></svg>'
        },
        stderr=("refused to read",),
    ),
    Case(
        "svg-in-bundle-with-entity-bomb",
        FM + "![x](bomb.svg)\n\nAfter.\n",
        files={
            "bomb.svg": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(
                b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10)
                for i in range(8)
            )
            + b']><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>'
        },
        printed=("After.",),
    ),
    Case(
        "svg-in-bundle-with-external-entity",
        FM + "![x](xxe.svg)\n",
        files={
            "xxe.svg": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20">'
            b"<text y='15'>&x;</text></svg>"
        },
    ),
    Case(
        "raw-html-img-file-dropped-by-default",
        FM + 'See <img src="file://{secret_png}"> here.\n',
        stderr=("raw HTML not rendered",),
        printed=("See", "here."),
    ),
    Case(
        "unsafe-html-img-file-src-removed",
        FM + 'See <img src="file://{secret_png}"> here.\n',
        config="unsafe_html = true\n",
        stderr=("removed src=file://",),
    ),
    Case(
        "unsafe-html-link-rel-attachment-removed",
        FM + '<link rel="attachment" href="file://{secret}">\n\nBody.\n',
        config="unsafe_html = true\n",
        stderr=("removed <link>",),
    ),
    Case(
        "markdown-link-rel-attachment-inside-bundle-not-embedded",
        FM + "[notes](notes.txt){rel=attachment}\n",
        files={"notes.txt": SECRET.encode()},
        stderr=("kept as plain text",),
        printed=("notes",),
    ),
    Case(
        "unsafe-html-style-import-and-iframe-removed",
        FM + "<style>@import url(file://{secret});</style>\n\n"
        '<iframe src="file://{secret}"></iframe>\n\n<object data="file://{secret}"></object>\n',
        config="unsafe_html = true\n",
        stderr=("removed <style>", "removed <iframe>", "removed <object>"),
    ),
    Case(
        "unsafe-html-inline-style-url-removed",
        FM + '<div style="background:url(file://{secret_png})">Styled</div>\n',
        config="unsafe_html = true\n",
        stderr=("a style reaching outside",),
        printed=("Styled",),
    ),
    Case(
        "attribute-style-dropped",
        FM + "[Styled]{style=\"background:url('file://{secret_png}')\"}\n",
        stderr=("style attribute dropped",),
        printed=("Styled",),
    ),
    Case(
        "link-targets-file-javascript-relative-become-text",
        FM + "[alpha](file:///etc/passwd) [bravo](javascript:alert(1)) [charlie](../other/) "
        "[delta](https://example.org/) [echo](mailto:press@example.org)\n",
        stderr=(
            "link to file:///etc/passwd kept as plain text",
            "javascript:",
            "1 relative link kept as plain text (first: ../other/)",
        ),
        printed=("alpha", "bravo", "charlie", "delta", "echo"),
    ),
    # ---- injection through metadata and captions: text stays text
    Case(
        "title-html-prints-literally",
        '---\ntitle: "<b>Bold</b> <script>x()</script>"\n---\n\nBody.\n',
        printed=("<b>Bold</b> <script>x()</script>",),
    ),
    Case(
        "title-jinja-prints-literally",
        "---\ntitle: \"{{ 7*7 }} {% for x in 'ab' %}{{x}}{% endfor %}\"\n---\n\nBody.\n",
        # printed as text (its quotes made typographic like any title's), never run
        printed=("{{ 7*7 }}", "{% for x in ‘ab’ %}"),
        absent=("49",),
    ),
    Case(
        "description-and-author-html-print-literally",
        '---\ntitle: T\ndescription: "<i>desc</i>"\nauthor: "</dd><script>a</script>"\n---\n\nB.\n',
        printed=("<i>desc</i>", "</dd><script>a</script>"),
    ),
    Case(
        "quote-caption-html-and-jinja-print-literally",
        FM + '{{< quote caption="<b>Cap</b> {{ brand.name }} {% raw %}" >}}\nQuoted.\n'
        "{{< /quote >}}\n",
        printed=("<b>Cap</b>", "{% raw %}", "Quoted."),
    ),
    Case(
        "image-caption-html-not-rendered",
        FM + '![<b>alt</b> <img src="file://{secret_png}">](ok.png)\n',
        files={"ok.png": png(13, 4)},
        images=1,
        stderr=("raw HTML not rendered",),
    ),
    Case(
        "body-jinja-syntax-prints-literally",
        FM + "Braces {{ 6*7 }} and {% if true %}yes{% endif %} stay.\n",
        printed=("{{ 6*7 }}", "{% if true %}"),
        absent=("42",),
    ),
    Case(
        "header-includes-in-front-matter-has-no-effect",
        '---\ntitle: T\nheader-includes: "<style>body{display:none}</style>"\n---\n\nVisible.\n',
        printed=("Visible.",),
    ),
    Case(
        "second-yaml-block-in-body-is-not-metadata",
        FM + "Body.\n\n---\ntitle: Injected\nheader-includes: <script>x</script>\n---\n",
        printed=("Hostile", "Body."),
        absent=("<script>",),
    ),
    # ---- front matter
    Case(
        "yaml-alias-bomb",
        BILLION_LAUGHS + "Body.\n",
        exit=1,
        stderr=("YAML aliases are not allowed",),
        line=2,
    ),
    Case(
        "yaml-python-object-tag",
        '---\ntitle: !!python/object/apply:os.system ["touch /tmp/presskit-pwned"]\n---\n',
        exit=1,
        stderr=("invalid YAML front matter",),
        line=2,
    ),
    Case(
        "yaml-syntax-error",
        "---\ntitle: [unclosed\nx: 1\n---\n",
        exit=1,
        stderr=("invalid YAML front matter",),
    ),
    Case(
        "toml-syntax-error",
        '+++\ntitle = "ok"\ndate = = 3\n+++\n',
        exit=1,
        stderr=("invalid TOML front matter",),
        line=3,
    ),
    Case(
        "json-syntax-error",
        '{\n  "title": "x",\n  "date": ,\n}\n',
        exit=1,
        stderr=("invalid JSON front matter",),
        line=3,
    ),
    Case(
        "json-number-with-5000-digits",
        '{"title": "x",\n"weight": ' + "9" * 5000 + "}\n\nBody.\n",
        exit=1,
        stderr=("number too long",),
        line=2,
    ),
    Case(
        "toml-number-with-5000-digits",
        '+++\ntitle = "x"\nweight = ' + "9" * 5000 + "\n+++\n\nBody.\n",
        exit=1,
        stderr=("number too long",),
        line=3,
    ),
    Case(
        "title-is-a-mapping",
        "---\ntitle:\n  a: 1\n---\n",
        exit=1,
        stderr=("`title` must be a string, got a mapping",),
        line=2,
    ),
    Case(
        "draft-is-a-list",
        "---\ntitle: T\ndraft: [1]\n---\n",
        exit=1,
        stderr=("`draft` must be true or false",),
        line=3,
    ),
    Case(
        "date-february-30",
        "---\ntitle: T\ndate: 2024-02-30\n---\n",
        exit=1,
        stderr=("invalid date",),
        line=3,
    ),
    Case(
        "date-is-a-mapping",
        "---\ntitle: T\ndate: {y: 2024}\n---\n",
        exit=1,
        stderr=("`date` must be a date",),
        line=3,
    ),
    Case(
        "title-no-stays-a-string",
        "---\ntitle: no\n---\n\nBody.\n",
        printed=("no",),
    ),
    Case(
        "front-matter-unterminated",
        "---\ntitle: T\n\nBody with no closing delimiter.\n",
        exit=1,
        stderr=("unterminated front matter",),
        line=1,
    ),
    Case(
        "front-matter-nested-200-deep",
        "---\ntitle: T\nx: " + "[" * 200 + "]" * 200 + "\n---\n",
        exit=1,
        stderr=("nested deeper than",),
        line=3,
    ),
    Case(
        "front-matter-over-256-kib",
        "---\ntitle: T\nx: '" + "a" * 300_000 + "'\n---\n",
        exit=1,
        stderr=("KiB limit",),
        line=1,
    ),
    # ---- encodings
    Case(
        "utf16-le-with-bom-reads",
        codecs.BOM_UTF16_LE + (FM + "Grüße 你好\n").encode("utf-16-le"),
        printed=("Grüße 你好",),
    ),
    Case(
        "utf8-with-bom-reads",
        codecs.BOM_UTF8 + (FM + "Grüße\n").encode(),
        printed=("Grüße",),
    ),
    Case(
        "gbk-is-not-mojibake",
        (FM + "ascii line\n\n中文内容\n").encode("gbk"),
        exit=1,
        stderr=("not valid UTF-8 at line 7",),
        line=7,
    ),
    Case(
        "latin1-is-not-mojibake",
        (FM + "caf\u00e9\n").encode("latin-1"),
        exit=1,
        stderr=("not valid UTF-8 at line 5",),
        line=5,
    ),
    Case(
        "png-file-as-post",
        png(4, 4),
        exit=1,
        stderr=("binary file",),
    ),
    Case(
        "nul-byte-in-body",
        (FM + "one\ntwo\x00three\n").encode(),
        exit=1,
        stderr=("binary file (NUL byte at line 6)",),
        line=6,
    ),
    Case(
        "utf32-refused",
        codecs.BOM_UTF32_LE + FM.encode("utf-32-le"),
        exit=1,
        stderr=("UTF-32",),
    ),
    # ---- pathological Markdown
    Case(
        "pandoc-markdown-reader-slow-case",
        FM + PANDOC_SLOW + "\n",
        printed=("[a.",),
    ),
    Case(
        "blockquotes-140-deep",
        FM + "Intro.\n\n" + ">" * 140 + " deep\n",
        exit=1,
        stderr=("nested deeper than",),
        line=7,
    ),
    Case(
        "lists-100-deep",
        FM + DEEP_LISTS + "\n",
        exit=1,
        stderr=("nested deeper than",),
        line=5 + 32,
    ),
    Case(
        "lists-600-deep-past-the-json-reader",
        FM + "\n".join("  " * i + f"- item{i}" for i in range(600)) + "\n",
        exit=1,
        stderr=("nested too deeply",),
        line=604,
    ),
    Case(
        "emphasis-3000-deep",
        FM + "*a " * 3000 + "x" + " b*" * 3000 + "\n",
        exit=1,
        stderr=("nested too deeply",),
        line=5,
    ),
    Case(
        "fenced-divs-200-deep",
        FM + "::: a\n" * 200 + "inner\n" + ":::\n" * 200,
        exit=1,
        stderr=("nested deeper than",),
    ),
    Case(
        "unsafe-html-divs-200-deep",
        FM + "<div>" * 200 + "x" + "</div>" * 200 + "\n",
        config="unsafe_html = true\n",
        exit=1,
        stderr=("raw HTML nested deeper than",),
        line=5,
    ),
    Case(
        "word-of-50000-characters",
        FM + "w" * 50_000 + "\n",
        counts={"w": 50_000},
    ),
    Case(
        "code-line-of-30000-characters",
        FM + "```\n" + "q" * 30_000 + "\n```\n",
        counts={"q": 30_000},
    ),
    Case(
        "5000-unmatched-emphasis-delimiters",
        FM + "*a " * 5_000 + "\n",
    ),
    Case(
        "10000-unclosed-brackets",
        FM + "[" * 10_000 + "x\n",
    ),
    Case(
        # Hugo refuses a page whose shortcode is never closed; so do we, naming where it opens.
        "unclosed-shortcode",
        FM + "{{< quote >}}\nnever closed\n",
        exit=1,
        stderr=('unclosed shortcode "quote"',),
        line=5,
    ),
    # ---- images
    Case(
        "png-of-30000-by-30000-pixels-in-bundle",
        FM + "![big](big.png)\n",
        files={"big.png": b"@bomb"},
        stderr=("megapixel limit",),
    ),
    Case(
        "corrupt-png-in-bundle",
        FM + "![bad](bad.png)\n",
        files={"bad.png": b"\x89PNG\r\n\x1a\nnot really"},
    ),
    Case(
        "fifo-in-bundle-does-not-block",
        FM + "![fifo](pipe.png)\n",
        files={"pipe.png": b"@fifo"},
        stderr=("not a regular file",),
    ),
]


def _write_files(case: Case, site) -> None:
    import os

    for name, content in case.files.items():
        target = site.bundle / name
        if content == b"@bomb":
            target.write_bytes(pixel_bomb())
        elif content == b"@fifo":
            os.mkfifo(target)
        elif content.startswith(b"@symlink:"):
            target.symlink_to(fill(content[len(b"@symlink:") :].decode(), site))
        else:
            target.write_bytes(fill(content.decode("latin-1"), site).encode("latin-1"))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_post(case: Case, tmp_path) -> None:
    site = make_site(tmp_path, case.config)
    if isinstance(case.post, str):
        site.post.write_text(fill(case.post, site), encoding="utf-8")
    else:
        site.post.write_bytes(case.post)
    _write_files(case, site)
    previous = b"%PDF- previous output, must survive a failed render"
    site.out.write_bytes(previous)

    done = run("render", str(site.post), "-o", str(site.out), *case.args)

    assert_well_behaved(done, site.post)
    assert done.returncode == case.exit, done.stderr
    for fragment in case.stderr:
        assert fragment in done.stderr, done.stderr
    assert temp_files(site.out.parent) == []
    if case.exit == 1:
        prefix = f"error: {site.post}:{case.line}:" if case.line else f"error: {site.post}:"
        assert done.stderr.startswith(prefix), done.stderr
        assert site.out.read_bytes() == previous
        return
    text = assert_nothing_leaked(site.out, images=case.images)
    flowing = text.replace("\n", " ").replace("\u200b", "")
    for fragment in case.printed:
        assert fragment in flowing or fragment in text, text[:2000]
    for fragment in case.absent:
        assert fragment not in text
    for char, count in case.counts.items():
        assert text.count(char) == count


def test_suite_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


SPECIAL_POSTS = ["symlink-to-dev-zero", "fifo", "over-16-mib"]


@pytest.mark.parametrize("kind", SPECIAL_POSTS)
def test_post_that_is_not_a_readable_text_file(kind, tmp_path) -> None:
    import os

    site = make_site(tmp_path)
    if kind == "symlink-to-dev-zero":
        site.post.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(site.post)
    else:
        site.post.write_bytes(FM.encode() + b"a" * (17 * 1024 * 1024))
    done = run("render", str(site.post), "-o", str(site.out))
    assert_well_behaved(done, site.post)
    assert done.returncode == 1
    expected = {
        "over-16-mib": "post is larger than",
        "symlink-to-dev-zero": "refused: a symlink to /dev/zero, outside the site",
    }.get(kind, "not a regular file")
    assert expected in done.stderr
    assert not site.out.exists()
