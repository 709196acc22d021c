"""Review 17b: a future post is "built under embargo" only when an embargo holds it.

Hugo publishes a post with a future `publishDate` later; presskit builds it, for a kit that
carries it under embargo. A post with no `embargo` key (or one that has lifted) printed
"For immediate release" on every page while the build line said "built under embargo".
"""

from __future__ import annotations

import pytest
from conftest import pdftotext

import presskit

FUTURE = "publishdate: 2099-01-01T00:00:00Z\n"


@pytest.mark.parametrize(
    ("embargo", "held"),
    [
        ("", False),
        ("embargo: 2020-01-01T00:00:00Z\n", False),
        ("embargo: 2099-01-01T00:00:00Z\n", True),
    ],
    ids=["none", "lifted", "in-force"],
)
def test_the_build_line_says_whether_an_embargo_holds_a_future_post(embargo, held, tmp_path):
    bundle = tmp_path / "content" / "en" / "news" / "later"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text(
        f"---\ntitle: Later\ndate: 2023-01-01\n{FUTURE}{embargo}---\n\nBody.\n", "utf-8"
    )
    out = tmp_path / "out"
    result = presskit.build([tmp_path / "content"], out, jobs=1, offline=True)
    [doc] = result.documents
    assert doc.status == "built" and doc.hugo == "future"
    text = pdftotext(out / "en/news/later.pdf").lower()
    assert ("embargoed until" in text) == held
    assert ("immediate release" in text) == (not held)
    assert ("built under embargo" in (doc.reason or "")) == held
    assert ("built with no embargo" in (doc.reason or "")) == (not held)
    assert ("with no embargo" in result.summary()) == (not held)
