"""Golden `presskit html` snapshots: a restructuring proves itself by leaving them unchanged.

Each case is a post (the sample, the corpus posts of `tests/fixtures/posts`, and those of
`tests/golden/posts` in the formal theme) rendered by the same
call `presskit html` makes, cut to the document's `<body>` (the `<head>` is the theme's CSS, which
theme work changes on purpose) with `data:` URIs shortened to a digest. The snapshots are small,
reviewed text: a change to one is a change in what presskit hands WeasyPrint, and must be
explained in the commit that regenerates them with `PRESSKIT_UPDATE_GOLDEN=1 pytest
tests/test_golden.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest

from presskit.output.page import Options
from presskit.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "posts"
GOLDEN = ROOT / "tests" / "golden"
# More corpus posts (see its README), kept apart so the batch tests' counts stay as they are.
EXTRA = GOLDEN / "posts"
CONFIG = ROOT / "examples" / "presskit.toml"
# The day before the sample's embargo lifts, as in `make demo`: the banner is part of the page.
AS_OF = dt.datetime.fromisoformat("2023-07-11T09:00:00-07:00")

CASES: dict[str, tuple[Path, str]] = {
    "sample-zh": (
        ROOT / "examples/content/zh/blog/2023/istio-graduates-within-cncf/index.md",
        "default",
    ),
    "sample-en": (
        ROOT / "examples/content/en/blog/2023/istio-graduates-within-cncf/index.md",
        "default",
    ),
    **{
        str(path.parent.relative_to(FIXTURES)).replace("/", "--"): (path, "default")
        for path in sorted(FIXTURES.rglob("index.md"))
    },
    **{
        str(path.parent.relative_to(EXTRA)).replace("/", "--"): (path, "formal")
        for path in sorted(EXTRA.rglob("index.md"))
    },
}

DATA_URI = re.compile(r"data:[a-z+/.-]+(?:;[a-z0-9=-]+)*,[A-Za-z0-9+/=%._~:;,!*'()@&$-]+")


def snapshot(html: str) -> str:
    """The `<body>` of a document, with each data: URI replaced by its type and digest."""
    start = html.index("<body")
    end = html.rindex("</body>") + len("</body>")

    def short(match: re.Match[str]) -> str:
        uri = match.group(0)
        kind = uri.split(",", 1)[0]
        return f"{kind},sha256:{hashlib.sha256(uri.encode()).hexdigest()[:16]}"

    return DATA_URI.sub(short, html[start:end]) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_html(name: str) -> None:
    post, theme = CASES[name]
    prepared = prepare(post, CONFIG, theme=theme, options=Options(now=AS_OF))
    got = snapshot(prepared.html)
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("PRESSKIT_UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"no snapshot {golden.name}: run with PRESSKIT_UPDATE_GOLDEN=1"
    assert got == golden.read_text(encoding="utf-8"), (
        f"{name}: presskit html changed; if that is intended, regenerate with "
        "PRESSKIT_UPDATE_GOLDEN=1 and explain the change in the commit"
    )
