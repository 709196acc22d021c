"""Issue 17, high: long words outside the body. The body's break-opportunity rule (a zero-width
space every 64 characters of a run longer than 256) covers every text presskit prints; without
it WeasyPrint spends minutes on one 50,000-character word in a title. Checked on the HTML handed
to WeasyPrint (no timing), and one real render of the worst case."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import pdftotext
from hostile_kit import make_site, run

from presskit.output.sanitize import ZWSP

WORD = "W" * 5000
FRONT = {
    "title": f'title: "{WORD}"\n',
    "subtitle": f'title: T\nsubtitle: "{WORD}"\n',
    "description": f'title: T\ndescription: "{WORD}"\n',
    "author": f'title: T\nauthor: "{WORD}"\n',
    "dateline": f'title: T\ndate: 2024-05-01\ndateline: "{WORD}"\n',
    "contact": f'title: T\ncontacts:\n  - name: "{WORD}"\n    email: "{WORD}@x.org"\n',
    "keywords": f'title: T\nkeywords: ["{WORD}"]\n',
}
CONFIG = {
    "brand-name": f'[brand]\nname = "{WORD}"\n',
    "about": f'[brand]\nabout = "{WORD}"\n',
    "brand-contact": f'[[brand.contacts]]\nname = "{WORD}"\nrole = "{WORD}"\n',
}


class _Runs(HTMLParser):
    """The longest run with no break opportunity in the text a reader sees."""

    SKIP = frozenset({"style", "script", "title", "pre", "code"})

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.longest = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skipping += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in self.SKIP and self.skipping > 0

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            for word in data.replace(ZWSP, " ").split():
                self.longest = max(self.longest, len(word))


def longest_run(document: str) -> int:
    parser = _Runs()
    parser.feed(document)
    return parser.longest


def _html(tmp_path: Path, front: str, config: str = "") -> str:
    site = make_site(tmp_path, config)
    site.post.write_text(f"---\n{front}---\n\nBody.\n", "utf-8")
    out = tmp_path / "page.html"
    done = run("html", str(site.post), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return out.read_text("utf-8")


@pytest.mark.parametrize("field", sorted(FRONT))
def test_front_matter_text_gets_break_opportunities(field, tmp_path) -> None:
    document = _html(tmp_path, FRONT[field])
    assert WORD[:64] in document.replace(ZWSP, "")  # printed
    assert longest_run(document) <= 256


@pytest.mark.parametrize("field", sorted(CONFIG))
def test_brand_text_gets_break_opportunities(field, tmp_path) -> None:
    document = _html(tmp_path, "title: T\n", CONFIG[field])
    assert longest_run(document) <= 256


def test_the_rule_leaves_markup_alone() -> None:
    from presskit.output.paper import break_long_words

    uri = "data:image/png;base64," + "A" * 2000
    page = (
        f'<html><head><title>{WORD}</title><style>.x{{content:"{WORD}"}}</style></head>'
        f'<body><img src="{uri}"><h1>{WORD}&amp;{WORD}</h1><pre>{WORD}</pre></body></html>'
    )
    done = break_long_words(page)
    assert f'src="{uri}"' in done and f"<title>{WORD}</title>" in done
    assert f"<pre>{WORD}</pre>" in done and f'content:"{WORD}"' in done
    assert "&amp;" in done and longest_run(done) <= 256
    assert break_long_words(done) == done  # once is enough: no second pass adds breaks
    short = "<p>" + "x" * 256 + "</p>"
    assert break_long_words(short) == short
    # a long attribute (the logo's data: URI) and long text split by a tag: nothing to break
    text = f"{'x' * 200}<b>{'x' * 200}</b>&nbsp;{ZWSP.join(['y' * 200] * 3)}"
    logo = f'<img src="{uri}"><p>{text}</p>'
    assert break_long_words(logo) is logo


def test_a_50000_character_title_renders(tmp_path) -> None:
    site = make_site(tmp_path)
    word = "T" * 50_000
    site.post.write_text(
        f'---\ntitle: "{word}"\nsubtitle: "{word}"\ndate: 2024-05-01\n'
        f'dateline: "{word}"\nauthor: "{word}"\n---\n\nBody.\n',
        "utf-8",
    )
    done = run("render", str(site.post), "-o", str(site.out))  # a hang fails by its timeout
    assert done.returncode == 0, done.stderr
    assert "`title` is 50,000 characters; printed shortened to 300" in done.stderr
    assert "`dateline` is 50,000 characters" in done.stderr
    assert "TTTT" in pdftotext(site.out)
