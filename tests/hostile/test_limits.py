"""Issue 17, high: values past a library's limits fail the post alone, in one line.

A canonical URL longer than any QR code holds (segno's DataOverflowError), an embargo or date at
the edge of Python's calendar shown in another zone (OverflowError in astimezone), and digits
int() refuses (`²` passes str.isdigit(); more than 4,300 digits) ended in tracebacks. Each row
renders through the real CLI; the outcome must be a clean exit with every diagnostic one line
naming the post (and its line where one is known).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hostile_kit import assert_well_behaved, make_site, run

LONG = "a" * 4000
DIGITS = "9" * 5000
ISTIO = 'extensions = ["presskit.shortcodes.istio"]\n'


@dataclass
class Limit:
    name: str
    front: str  # YAML lines
    body: str = "Body.\n"
    config: str = ""
    exit: int = 0
    said: str = ""  # a fragment of the one diagnostic expected
    line: int | None = None

    def __str__(self) -> str:
        return self.name


ROWS = [
    Limit("cover-qr-from-url", f"url: /{LONG}\n", said="too long for a QR code"),
    Limit(
        "cover-qr-from-base-url",
        "",
        config=f'base_url = "https://example.com/{LONG}"\n',
        said="too long for a QR code",
    ),
    Limit(
        "embed-qr-from-an-iframe",
        "",
        body=f'<iframe src="https://player.example.org/{LONG}"></iframe>\n',
        said="too long for a QR code",
        line=5,
    ),
    Limit(
        "embargo-year-9999-in-a-named-zone",
        "embargo: 9999-12-31T23:59:00-12:00\n",
        config='embargo_zones = ["Asia/Tokyo"]\n',
        exit=1,
        said="embargo",
        line=3,
    ),
    Limit(
        "embargo-year-9999-utc-default-zones",
        "embargo: 9999-12-31T23:59:00+00:00\n",
        exit=1,
        said="embargo",
        line=3,
    ),
    Limit(
        "embargo-year-1",
        "embargo: 0001-01-01T00:30:00+14:00\n",
        config='embargo_zones = ["America/New_York"]\n',
        exit=1,
        said="embargo",
        line=3,
    ),
    Limit(
        "date-year-1-with-a-dateline",
        "date: 0001-01-01T00:00:00+14:00\ndateline: Berlin\n",
        exit=1,
        said="date",
        line=3,
    ),
    # Hugo's zero date (0001-01-01) in generated front matter: shown nowhere else, still fine
    Limit("hugo-zero-date-without-a-dateline", "date: 0001-01-01T00:00:00Z\n"),
    Limit(
        "release-superscript-digit",
        "release: 1.2.\u00b2\n",
        body="{{< relnote >}}\n",
        config=ISTIO,
        said="relnote",
    ),
    Limit(
        "release-past-4300-digits",
        f"release: 1.2.{DIGITS}\n",
        body="{{< relnote >}}\n",
        config=ISTIO,
        said="relnote",
    ),
    Limit(
        "positional-param-past-4300-digits",
        "",
        body=f"{{{{< quote {DIGITS} >}}}}x{{{{< /quote >}}}}\n",
    ),
    Limit(
        "named-param-past-4300-digits",
        "",
        body=f"{{{{< gloss n={DIGITS} >}}}}x{{{{< /gloss >}}}}\n",
    ),
    Limit(
        "youtube-start-superscript",
        "",
        body='{{< youtube id="dQw4w9WgXcQ" start="\u00b2" >}}\n',
    ),
    Limit(
        "front-matter-integer-past-4300-digits",
        f"weight: {DIGITS}\n",
        exit=1,
        said="invalid integer",
        line=3,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_value_past_a_library_limit_is_one_line(row: Limit, tmp_path) -> None:
    base = "" if "base_url" in row.config else 'base_url = "https://example.com/"\n'
    site = make_site(tmp_path, base + row.config)
    site.post.write_text(f"---\ntitle: Limits\n{row.front}---\n\n{row.body}", "utf-8")
    done = run("render", str(site.post), "-o", str(site.out), "--offline")
    assert_well_behaved(done, site.post)
    assert done.returncode == row.exit, done.stderr
    if row.said:
        assert row.said in done.stderr, done.stderr
        assert len(done.stderr) < 600, done.stderr  # the value itself is not echoed whole
    if row.line is not None:
        assert f"{site.post}:{row.line}" in done.stderr, done.stderr
    if row.exit == 0:
        assert site.out.stat().st_size > 1000
